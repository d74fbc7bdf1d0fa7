import { describe, expect, it } from 'vitest';
import type { IngestWarning } from '../../lib/model';
import { buildVersion, parseFinished, parseProwJob, parseStarted } from '../../ingest/parsers/prow';
import { fixture } from './fixture';

describe('parseStarted', () => {
  it('reads the build start from Unix seconds, and the version it tested', () => {
    expect(parseStarted(fixture('started.json'), 'started.json')).toEqual({
      info: { started: 1_700_215_200_000_000 },
      facts: { version: [{ value: 'v1.29.0-alpha.3.394+3f8a37e1c2a7a5', from: 'started.json "repo-version"' }], commit: [] },
      warnings: [],
    });
  });

  it('accepts a timestamp written as a string (older uploaders)', () => {
    expect(parseStarted('{"timestamp": "1479378000", "node": "agent-light-4"}', 'started.json').info).toEqual({
      started: 1_479_378_000_000_000,
    });
  });

  it('warns when there is no usable timestamp', () => {
    expect(parseStarted('{"timestamp": "yesterday"}', 'started.json')).toMatchObject({
      info: {},
      warnings: [{ file: 'started.json', message: 'no usable "timestamp" (Unix seconds)' }],
    });
  });

  it('refuses impossible times with a warning instead of storing them', () => {
    for (const ts of ['1e20', '1e308', '9'.repeat(400), '-5', '0.5']) {
      const r = parseStarted(`{"timestamp": ${ts}}`, 'started.json');
      expect(r.info, ts).toEqual({});
      expect(r.warnings, ts).toHaveLength(1);
      expect(r.warnings[0].file).toBe('started.json');
    }
    expect(parseStarted('{"timestamp": 1e20}', 'started.json').warnings[0].message).toMatch(/not a time between 2000 and 2100/);
  });

  it('warns on malformed JSON with its line, and on JSON that is not an object', () => {
    const broken = parseStarted('{\n  "timestamp": 1700215200\n  "repos": {}\n}', 'started.json');
    expect(broken.info).toEqual({});
    expect(broken.warnings).toHaveLength(1);
    expect(broken.warnings[0]).toMatchObject({ file: 'started.json', line: 3 });
    expect(parseStarted('[1700215200]', 'started.json').warnings).toEqual([
      { file: 'started.json', line: 1, message: 'not a JSON object; ignored' },
    ]);
  });
});

describe('parseFinished', () => {
  it('reads the end time, result and passed flag', () => {
    expect(parseFinished(fixture('finished.json'), 'finished.json')).toMatchObject({
      info: { finished: 1_700_219_022_000_000, result: 'FAILURE', passed: false },
      warnings: [],
    });
  });

  it('derives passed from the result when the flag is missing', () => {
    expect(parseFinished('{"timestamp": 1479381000, "result": "SUCCESS"}', 'finished.json').info).toEqual({
      finished: 1_479_381_000_000_000,
      result: 'SUCCESS',
      passed: true,
    });
    expect(parseFinished('{"timestamp": 1479381000, "result": "ABORTED"}', 'finished.json').info.passed).toBe(false);
  });

  it('never throws on an empty file', () => {
    expect(parseFinished('', 'finished.json')).toMatchObject({
      info: {},
      warnings: [{ file: 'finished.json', line: 1, message: 'malformed JSON: Unexpected end of JSON input' }],
    });
  });
});

/** The version and commit of a build from its files, and the warnings that gave. */
function versionOf(files: { started?: string; finished?: string; prowjob?: string }) {
  const warnings: IngestWarning[] = [];
  const facts = [
    files.started === undefined ? undefined : parseStarted(files.started, 'started.json').facts,
    files.finished === undefined ? undefined : parseFinished(files.finished, 'finished.json').facts,
    files.prowjob === undefined ? undefined : parseProwJob(files.prowjob, 'prowjob.json').facts,
  ].filter((f) => f !== undefined);
  return { ...buildVersion(facts, warnings), warnings };
}

const SHA = '5f3c2a9d1e0b47a18c2e9f3d6b4a1c0e7d8f9a2b';

describe('versions and commits, by generation of the Prow files', () => {
  it('pod-utils: repo-version and repo-commit in started.json, agreeing with finished.json', () => {
    expect(
      versionOf({
        started: JSON.stringify({
          timestamp: 1700215200,
          repos: { 'kubernetes/kubernetes': `master:${SHA}` },
          'repo-version': 'v1.32.0-alpha.1.1869+5f3c2a9d1e0b',
          'repo-commit': SHA,
        }),
        finished: JSON.stringify({ timestamp: 1700219022, revision: 'v1.32.0-alpha.1.1869+5f3c2a9d1e0b', metadata: { 'job-version': 'v1.32.0-alpha.1.1869+5f3c2a9d1e0b' } }),
      }),
    ).toEqual({ version: 'v1.32.0-alpha.1.1869+5f3c2a9d1e0b', commit: SHA, repo: 'kubernetes/kubernetes', warnings: [] });
  });

  it('the commit from repos when there is no repo-commit; a PR run keeps its base commit and PR number', () => {
    expect(
      versionOf({ started: JSON.stringify({ timestamp: 1700215200, repos: { 'kubernetes/kubernetes': `master:${SHA},128456:0123456789abcdef0123456789abcdef01234567` } }) }),
    ).toEqual({ commit: SHA, repo: 'kubernetes/kubernetes', pull: '128456', warnings: [] });
  });

  it('finished.json metadata job-version, else revision, when started.json names no version', () => {
    expect(versionOf({ started: '{"timestamp": 1700215200}', finished: JSON.stringify({ timestamp: 1700219022, metadata: { 'job-version': 'v1.31.2' } }) })).toEqual({
      version: 'v1.31.2',
      warnings: [],
    });
    expect(versionOf({ finished: JSON.stringify({ timestamp: 1700219022, revision: 'v1.30.0-beta.0.12+0123456789ab' }) })).toEqual({
      version: 'v1.30.0-beta.0.12+0123456789ab',
      commit: '0123456789ab',
      repo: 'kubernetes/kubernetes',
      warnings: [],
    });
  });

  it('Jenkins era: top-level version or job-version, repos named k8s.io/kubernetes', () => {
    expect(
      versionOf({
        started: JSON.stringify({ timestamp: 1479378000, node: 'agent-light-4', repos: { 'k8s.io/kubernetes': 'master' } }),
        finished: JSON.stringify({ timestamp: 1479381000, result: 'SUCCESS', 'job-version': 'v1.5.0-beta.1.245+a8c2f1e3b4d5c6', version: 'v1.5.0-beta.1.245+a8c2f1e3b4d5c6' }),
      }),
    ).toEqual({ version: 'v1.5.0-beta.1.245+a8c2f1e3b4d5c6', commit: 'a8c2f1e3b4d5c6', repo: 'kubernetes/kubernetes', warnings: [] });
    expect(versionOf({ started: JSON.stringify({ timestamp: 1479378000, repos: { 'k8s.io/kubernetes': `master:${SHA}` } }) })).toEqual({
      commit: SHA,
      repo: 'kubernetes/kubernetes',
      warnings: [],
    });
  });

  it('prowjob.json: the base commit of a periodic job, and its page on Prow', () => {
    const prowjob = JSON.stringify({
      spec: { type: 'periodic', job: 'ci-kubernetes-node-kubelet-benchmark', extra_refs: [{ org: 'kubernetes', repo: 'kubernetes', base_ref: 'master', base_sha: SHA }] },
      status: { url: 'https://prow.k8s.io/view/gs/kubernetes-ci-logs/logs/ci-kubernetes-node-kubelet-benchmark/1853849370541559808' },
    });
    const parsed = parseProwJob(prowjob, 'prowjob.json');
    expect(parsed.job).toBe('ci-kubernetes-node-kubelet-benchmark');
    expect(parsed.info).toEqual({
      prowUrl: 'https://prow.k8s.io/view/gs/kubernetes-ci-logs/logs/ci-kubernetes-node-kubelet-benchmark/1853849370541559808',
    });
    expect(versionOf({ prowjob })).toEqual({ commit: SHA, repo: 'kubernetes/kubernetes', warnings: [] });
  });

  it('keeps the first and warns when the files disagree; an abbreviated commit agrees with the full one', () => {
    const r = versionOf({
      started: JSON.stringify({ timestamp: 1700215200, 'repo-version': 'v1.32.0-alpha.1.1869+5f3c2a9d1e0b', 'repo-commit': SHA }),
      finished: JSON.stringify({ timestamp: 1700219022, metadata: { 'job-version': 'v1.32.0-alpha.1.1870+77aa88bb99cc' } }),
    });
    expect(r.version).toBe('v1.32.0-alpha.1.1869+5f3c2a9d1e0b');
    expect(r.commit).toBe(SHA);
    expect(r.warnings).toEqual([
      {
        file: 'started.json',
        message:
          'versions disagree: started.json "repo-version" says v1.32.0-alpha.1.1869+5f3c2a9d1e0b, finished.json metadata["job-version"] says v1.32.0-alpha.1.1870+77aa88bb99cc; v1.32.0-alpha.1.1869+5f3c2a9d1e0b is kept',
      },
    ]);
  });

  it('warns when the commit and the version name different commits', () => {
    const r = versionOf({ started: JSON.stringify({ timestamp: 1700215200, 'repo-version': 'v1.32.0+aaaaaaaaaaaa', 'repo-commit': SHA }) });
    expect(r.commit).toBe(SHA);
    expect(r.warnings.map((w) => w.message)).toEqual([
      `commits disagree: started.json "repo-commit" says ${SHA}, the version's +aaaaaaaaaaaa says aaaaaaaaaaaa; ${SHA} is kept`,
    ]);
  });

  it('keeps a version that is not a version string as it is', () => {
    expect(versionOf({ finished: JSON.stringify({ timestamp: 1700219022, version: 'nightly build (custom)' }) })).toEqual({
      version: 'nightly build (custom)',
      warnings: [],
    });
  });

  it('has no version and no commit when no file names one', () => {
    expect(versionOf({ started: '{"timestamp": 1700215200, "repos": {"kubernetes/kubernetes": "master"}}' })).toEqual({ warnings: [] });
    expect(versionOf({})).toEqual({ warnings: [] });
  });
});
