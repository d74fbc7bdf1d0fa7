// Bucket URLs: gs://BUCKET/PATH (Google Cloud Storage) and s3://BUCKET/PATH
// (Amazon S3 and S3-compatible stores), where jobs' builds are read from. A
// URL names a job prefix or one build prefix; the path never starts or ends
// with a slash here, and `..` or empty segments are refused so that a key
// can never reach outside its cache folder.
import { UserError } from './errors';

export type RemoteScheme = 'gs' | 's3';

export interface RemoteUrl {
  scheme: RemoteScheme;
  bucket: string;
  /** Object path under the bucket, without leading or trailing slash; '' for the bucket's root. */
  path: string;
}

export class RemoteUrlError extends UserError {}

const URL_RE = /^(gs|s3):\/\/([^/]*)(?:\/(.*))?$/;
/** Both stores' bucket rules, loosely: 3 to 222 characters, letters, digits, `.`, `_`, `-`, alphanumeric at both ends. */
const BUCKET = /^[A-Za-z0-9][A-Za-z0-9._-]{1,220}[A-Za-z0-9]$/;

export function isRemoteUrl(s: string): boolean {
  return /^(gs|s3):\/\//.test(s);
}

export function parseRemoteUrl(s: string): RemoteUrl {
  const m = URL_RE.exec(s);
  if (!m) throw new RemoteUrlError(`${s}: not a bucket URL (expected gs://BUCKET/PATH or s3://BUCKET/PATH)`);
  const [, scheme, bucket, rest = ''] = m;
  if (!BUCKET.test(bucket)) {
    throw new RemoteUrlError(`${s}: "${bucket}" is not a bucket name (3 to 222 letters, digits, ".", "_" or "-")`);
  }
  const path = rest.replace(/^\/+|\/+$/g, '');
  if (path && path.split('/').some((seg) => seg === '' || seg === '.' || seg === '..')) {
    throw new RemoteUrlError(`${s}: the path may not hold empty, "." or ".." segments`);
  }
  return { scheme: scheme as RemoteScheme, bucket, path };
}

/** The URL of `u` with `segments` appended to its path. */
export function formatRemoteUrl(u: RemoteUrl, ...segments: string[]): string {
  const path = [u.path, ...segments].filter(Boolean).join('/');
  return `${u.scheme}://${u.bucket}${path ? `/${path}` : ''}`;
}

/** The last segment of the path: a job's or a build's folder name; '' at the bucket's root. */
export function lastSegment(u: RemoteUrl): string {
  return u.path.slice(u.path.lastIndexOf('/') + 1);
}

/** The URL one folder up. */
export function parentOf(u: RemoteUrl): RemoteUrl {
  return { ...u, path: u.path.includes('/') ? u.path.slice(0, u.path.lastIndexOf('/')) : '' };
}

/** The placeholders a followed job's link templates may use (`prowUrl`, `artifactsUrl` in jobs.json). */
export const LINK_PLACEHOLDERS = ['bucket', 'job', 'build'] as const;

/** The placeholders in `template` that are not LINK_PLACEHOLDERS. */
export function unknownPlaceholders(template: string): string[] {
  return [...template.matchAll(/\{([^{}]*)\}/g)].map((m) => m[1]).filter((p) => !(LINK_PLACEHOLDERS as readonly string[]).includes(p));
}
