// The jobs to follow (data/jobs.json, or --jobs FILE, or $KPD_JOBS): for each,
// its name in the dashboard, the bucket URL of its builds, how many of the
// newest builds to read, an optional display name and links to the build on
// Prow and in an artifacts browser. Validated whole, with errors naming the
// file and the place:
//
//   { "jobs": [ { "name": "ci-kubernetes-node-kubelet-benchmark",
//                 "source": "gs://kubernetes-ci-logs/logs/ci-kubernetes-node-kubelet-benchmark",
//                 "last": 100,
//                 "displayName": "Kubelet benchmark",
//                 "prowUrl": "https://prow.k8s.io/view/gs/{bucket}/logs/{job}/{build}",
//                 "artifactsUrl": "https://gcsweb.k8s.io/gcs/{bucket}/logs/{job}/{build}/" } ] }
import { UserError } from '../../lib/errors';
import fs from 'node:fs';
import { LINK_PLACEHOLDERS, parseRemoteUrl, RemoteUrlError, unknownPlaceholders } from '../../lib/remote-url';
import { describe, readConfigList } from '../../lib/config-file';
import { checkJobName, UploadNameError } from '../upload/store';

export interface FollowedJob {
  name: string;
  source: string;
  last: number;
  displayName?: string;
  prowUrl?: string;
  artifactsUrl?: string;
}

export class JobsConfigError extends UserError {}

export const DEFAULT_JOBS_FILE = 'data/jobs.json';

const JOB_KEYS = ['name', 'source', 'last', 'displayName', 'prowUrl', 'artifactsUrl'];

/** The jobs file to read: an explicit one, else $KPD_JOBS, else data/jobs.json. */
export function jobsFile(explicit?: string): string {
  return explicit || process.env.KPD_JOBS || DEFAULT_JOBS_FILE;
}

export function loadJobsConfig(file: string): FollowedJob[] {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    const why = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file: list the jobs to follow there (see the README)' : (e as Error).message;
    throw new JobsConfigError(`${file}: ${why}`);
  }
  return parseJobsConfig(text, file);
}

export function parseJobsConfig(text: string, file: string): FollowedJob[] {
  const { items, fail } = readConfigList(text, file, 'jobs', JOB_KEYS, (m) => new JobsConfigError(m));
  const seen = new Set<string>();
  return items.map(({ raw, at, text }): FollowedJob => {
    const name = text('name', false)!;
    try {
      checkJobName(name);
    } catch (e) {
      if (e instanceof UploadNameError) fail(`${at}.name`, e.message);
      throw e;
    }
    if (seen.has(name)) fail(`${at}.name`, `duplicate job "${name}"`);
    seen.add(name);
    const source = text('source', false)!;
    try {
      parseRemoteUrl(source);
    } catch (e) {
      if (e instanceof RemoteUrlError) fail(`${at}.source`, e.message);
      throw e;
    }
    const last = raw.last;
    if (typeof last !== 'number' || !Number.isInteger(last) || last < 1) {
      return fail(`${at}.last`, `expected how many of the newest builds to read, a whole number ≥ 1, got ${describe(last)}`);
    }
    const job: FollowedJob = { name, source, last };
    const displayName = text('displayName', true);
    if (displayName !== undefined) job.displayName = displayName;
    for (const key of ['prowUrl', 'artifactsUrl'] as const) {
      const t = text(key, true);
      if (t === undefined) continue;
      if (!/^https?:\/\//.test(t)) fail(`${at}.${key}`, `expected an http(s) URL template, got ${JSON.stringify(t)}`);
      const unknown = unknownPlaceholders(t);
      if (unknown.length) {
        fail(`${at}.${key}`, `unknown placeholder {${unknown[0]}} (use ${LINK_PLACEHOLDERS.map((p) => `{${p}}`).join(', ')})`);
      }
      job[key] = t;
    }
    return job;
  });
}
