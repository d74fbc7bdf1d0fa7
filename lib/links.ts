// Where a build can be seen outside the dashboard: its Prow page and its
// artifacts, from link templates with {bucket}, {job} and {build}. A followed
// job sets its own (data/jobs.json); builds with a Prow-shaped ID (16 digits
// or more) otherwise get the public Prow deployment's. A URL Prow recorded
// itself (prowjob.json status.url) wins over any template.
import type { BuildId } from './build-id';
import type { BuildLinks } from './model';

export interface LinkTemplates {
  /** e.g. `https://prow.k8s.io/view/gs/{bucket}/logs/{job}/{build}` */
  prowUrl?: string;
  /** e.g. `https://gcsweb.k8s.io/gcs/{bucket}/logs/{job}/{build}/` */
  artifactsUrl?: string;
  /** The bucket a job's builds are kept in. */
  bucket?: string;
  /** The job's folder in the bucket, when it differs from its name here. */
  job?: string;
}

export const PUBLIC_PROW: Readonly<Required<Omit<LinkTemplates, 'job'>>> = {
  prowUrl: 'https://prow.k8s.io/view/gs/{bucket}/logs/{job}/{build}',
  artifactsUrl: 'https://gcsweb.k8s.io/gcs/{bucket}/logs/{job}/{build}/',
  bucket: 'kubernetes-ci-logs',
};

/** Prow build IDs are snowflake IDs of 19 digits today; Jenkins numbers are far shorter. */
const looksLikeProw = (id: BuildId) => id.length >= 16;

/** A template with `{bucket}`, `{job}` and `{build}` filled in, URL-encoded. */
export function expandLink(template: string, vars: { bucket: string; job: string; build: string }): string {
  return template.replace(/\{(bucket|job|build)\}/g, (_, k: 'bucket' | 'job' | 'build') => encodeURIComponent(vars[k]));
}

export function buildLinks(
  job: string,
  build: { number: BuildId; prowUrl?: string | null },
  templates?: LinkTemplates,
): BuildLinks {
  const t: LinkTemplates = templates ?? (looksLikeProw(build.number) ? PUBLIC_PROW : {});
  const vars = { bucket: t.bucket ?? PUBLIC_PROW.bucket, job: t.job ?? job, build: build.number };
  return {
    prow: build.prowUrl ?? (t.prowUrl ? expandLink(t.prowUrl, vars) : null),
    artifacts: t.artifactsUrl ? expandLink(t.artifactsUrl, vars) : null,
  };
}

/** A GitHub comparison of two commits of a repository. */
export function compareUrl(repo: string, from: string, to: string): string {
  return `https://github.com/${repo}/compare/${from}...${to}`;
}
