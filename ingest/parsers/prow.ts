// Prow's started.json, finished.json and prowjob.json (FORMATS.md section 4):
// the build's start and end times, which yearless log lines need, its
// result, and what it tested (the Kubernetes version and commit). Each file
// yields facts; buildVersion picks, field by field, the first present in the
// order of the generations of these files, and warns when two disagree.
import type { BuildVersion, IngestWarning, ProwInfo } from '../../lib/model';
import { fromUnixSeconds } from '../../lib/time';
import { checkedTime } from './plausible';
import { isRecord, parseJsonText, type JsonRecord } from './json';

/** A candidate value for a version field, with where it was read (for the warning when two disagree). */
export interface Fact {
  value: string;
  from: string;
}

/** What one Prow file says about the version tested, each field's candidates in precedence order. */
export interface VersionFacts {
  version: Fact[];
  commit: Fact[];
  repo?: string;
  pull?: string;
}

export interface ProwResult {
  info: ProwInfo;
  facts: VersionFacts;
  warnings: IngestWarning[];
}

const noFacts = (): VersionFacts => ({ version: [], commit: [] });

/** Unix seconds as a number or a decimal string (older uploaders wrote strings). */
function readSeconds(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isFinite(v) && v > 0) return v;
  if (typeof v === 'string' && /^\d{1,12}(\.\d+)?$/.test(v.trim())) return Number(v);
  return undefined;
}

function readObject(text: string, file: string, warnings: IngestWarning[]): JsonRecord | undefined {
  const parsed = parseJsonText(text, { file });
  if (!parsed.ok) {
    warnings.push(parsed.warning);
    return undefined;
  }
  if (!isRecord(parsed.value)) {
    warnings.push({ file, line: 1, message: 'not a JSON object; ignored' });
    return undefined;
  }
  return parsed.value;
}

function readTimestamp(doc: JsonRecord, file: string, warnings: IngestWarning[]): number | undefined {
  const seconds = readSeconds(doc.timestamp);
  if (seconds === undefined) {
    warnings.push({ file, message: 'no usable "timestamp" (Unix seconds)' });
    return undefined;
  }
  return checkedTime(fromUnixSeconds(seconds), { file, what: '"timestamp"' }, warnings);
}

/** A non-empty string field, trimmed and bounded (a version or commit is never a paragraph). */
function str(v: unknown): string | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  if (typeof v !== 'string') return undefined;
  const t = v.trim();
  return t && t.length <= 200 ? t : undefined;
}

function push(list: Fact[], value: unknown, from: string): void {
  const v = str(value);
  if (v !== undefined) list.push({ value: v, from });
}

/** `k8s.io/kubernetes` (bootstrap.py's name) is the GitHub repository `kubernetes/kubernetes`. */
function githubRepo(name: string): string {
  const m = /^k8s\.io\/(.+)$/.exec(name);
  return m ? `kubernetes/${m[1]}` : name;
}

/** The repository under test among `repos`: kubernetes/kubernetes when present, else the only one. */
function mainRepo(repos: JsonRecord): string | undefined {
  const names = Object.keys(repos);
  return (
    names.find((n) => githubRepo(n) === 'kubernetes/kubernetes') ?? (names.length === 1 ? names[0] : undefined)
  );
}

/**
 * `repos` values: `"master:<base sha>"`, a PR run `"master:<base sha>,12345:<pr sha>"`, or a
 * bare branch (`"master"`, no commit).
 */
function readRepos(repos: unknown, from: string, facts: VersionFacts): void {
  if (!isRecord(repos)) return;
  const name = mainRepo(repos);
  if (name === undefined) return;
  const ref = str(repos[name]);
  if (ref === undefined) return;
  const [base, ...pulls] = ref.split(',');
  const sha = /^[^:]+:([0-9a-f]{7,40})$/i.exec(base.trim())?.[1];
  if (sha) {
    facts.commit.push({ value: sha.toLowerCase(), from: `${from} repos["${name}"]` });
    facts.repo ??= githubRepo(name);
  }
  const pr = pulls.map((p) => /^\s*(\d+):/.exec(p)?.[1]).find((n) => n !== undefined);
  if (pr) facts.pull ??= pr;
}

/** started.json: `{"timestamp": 1700215200, "repo-version": …, "repo-commit": …, "repos": {…}}`. */
export function parseStarted(text: string, file: string): ProwResult {
  const warnings: IngestWarning[] = [];
  const facts = noFacts();
  const doc = readObject(text, file, warnings);
  if (!doc) return { info: {}, facts, warnings };
  const started = readTimestamp(doc, file, warnings);
  push(facts.version, doc['repo-version'], `${file} "repo-version"`);
  push(facts.commit, doc['repo-commit'], `${file} "repo-commit"`);
  readRepos(doc.repos, file, facts);
  // Jenkins-era jobs wrote the version at the top level.
  push(facts.version, doc['job-version'], `${file} "job-version"`);
  push(facts.version, doc.version, `${file} "version"`);
  return { info: started === undefined ? {} : { started }, facts, warnings };
}

/**
 * finished.json: `{"timestamp": …, "result": "SUCCESS", "passed": true, "revision": …,
 * "metadata": {"job-version": …}}`. Without `passed`, a result of SUCCESS means
 * passed and any other result failed.
 */
export function parseFinished(text: string, file: string): ProwResult {
  const warnings: IngestWarning[] = [];
  const facts = noFacts();
  const doc = readObject(text, file, warnings);
  if (!doc) return { info: {}, facts, warnings };
  const info: ProwInfo = {};
  const finished = readTimestamp(doc, file, warnings);
  if (finished !== undefined) info.finished = finished;
  const result = str(doc.result);
  if (result) info.result = result;
  if (typeof doc.passed === 'boolean') info.passed = doc.passed;
  else if (info.result) info.passed = info.result === 'SUCCESS';
  const meta = isRecord(doc.metadata) ? doc.metadata : {};
  push(facts.version, meta['job-version'], `${file} metadata["job-version"]`);
  push(facts.version, doc.revision, `${file} "revision"`);
  push(facts.version, meta.revision, `${file} metadata["revision"]`);
  push(facts.version, doc['job-version'], `${file} "job-version"`);
  push(facts.version, doc.version, `${file} "version"`);
  push(facts.commit, meta['repo-commit'], `${file} metadata["repo-commit"]`);
  readRepos(meta.repos, `${file} metadata`, facts);
  return { info, facts, warnings };
}

/**
 * prowjob.json: the job (spec.job), what it checked out (spec.refs or, for
 * periodics, spec.extra_refs: org, repo, base_sha, pulls) and its page on
 * Prow (status.url).
 */
export function parseProwJob(text: string, file: string): ProwResult & { job?: string } {
  const warnings: IngestWarning[] = [];
  const facts = noFacts();
  const doc = readObject(text, file, warnings);
  if (!doc) return { info: {}, facts, warnings };
  const spec = isRecord(doc.spec) ? doc.spec : {};
  const status = isRecord(doc.status) ? doc.status : {};
  const refs = [spec.refs, ...(Array.isArray(spec.extra_refs) ? spec.extra_refs : [])].filter(isRecord);
  const main = refs.find((r) => r.org === 'kubernetes' && r.repo === 'kubernetes') ?? refs[0];
  if (main) {
    const sha = str(main.base_sha);
    if (sha && /^[0-9a-f]{7,40}$/i.test(sha)) {
      facts.commit.push({ value: sha.toLowerCase(), from: `${file} base_sha` });
      if (str(main.org) && str(main.repo)) facts.repo = `${str(main.org)}/${str(main.repo)}`;
    }
    const pr = Array.isArray(main.pulls) ? main.pulls.find(isRecord) : undefined;
    const n = pr ? str(pr.number) : undefined;
    if (n && /^\d+$/.test(n)) facts.pull = n;
  }
  const info: ProwInfo = {};
  const url = str(status.url);
  if (url && /^https?:\/\/[^\s]+$/.test(url)) info.prowUrl = url;
  return { info, facts, warnings, job: str(spec.job) };
}

/** The commit a version names after `+` (`v1.32.0-alpha.1.1869+5f3c2a9d1e0b`). */
function commitOfVersion(version: string): string | undefined {
  return /\+([0-9a-f]{7,40})$/i.exec(version)?.[1]?.toLowerCase();
}

/** Two commits agree when one is a prefix of the other (an abbreviated sha). */
const sameCommit = (a: string, b: string) => a.startsWith(b) || b.startsWith(a);

function pick(facts: Fact[], same: (a: string, b: string) => boolean, what: string, warnings: IngestWarning[]) {
  const [first, ...rest] = facts;
  if (!first) return undefined;
  const other = rest.find((f) => !same(first.value, f.value));
  if (other) {
    warnings.push({
      file: first.from.split(' ')[0],
      message: `${what} disagree: ${first.from} says ${first.value}, ${other.from} says ${other.value}; ${first.value} is kept`,
    });
  }
  return first.value;
}

/**
 * The version and commit of a build from its files' facts (started.json,
 * finished.json, prowjob.json, in that order): for each field the first
 * present, with a warning when another file says otherwise. Without any
 * commit fact, the `+<sha>` suffix of the version is the commit.
 */
export function buildVersion(all: VersionFacts[], warnings: IngestWarning[]): BuildVersion {
  const version = pick(all.flatMap((f) => f.version), (a, b) => a === b, 'versions', warnings);
  const commits = all.flatMap((f) => f.commit);
  const suffix = version === undefined ? undefined : commitOfVersion(version);
  if (suffix) commits.push({ value: suffix, from: `the version's +${suffix}` });
  const commit = pick(commits, sameCommit, 'commits', warnings);
  const out: BuildVersion = {};
  if (version !== undefined) out.version = version;
  if (commit !== undefined) out.commit = commit;
  const repo = all.find((f) => f.repo)?.repo;
  if (commit !== undefined) out.repo = repo ?? 'kubernetes/kubernetes';
  const pull = all.find((f) => f.pull)?.pull;
  if (pull !== undefined) out.pull = pull;
  return out;
}
