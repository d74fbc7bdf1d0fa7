// Where a build can be seen outside the dashboard: its Prow page and its
// artifacts, from link templates with {bucket}, {job} and {build}. A job may
// set its own templates; builds with a Prow-shaped ID (16 digits or more)
// otherwise get the public Prow deployment's. A URL Prow recorded itself
// (prowjob.json status.url) wins over any template.
import type { BuildId } from './build-id';
import type { BuildLinks } from './model';

export interface LinkTemplates {
  /** e.g. `https://prow.k8s.io/view/gs/{bucket}/logs/{job}/{build}` */
  prowUrl?: string;
  /** e.g. `https://gcsweb.k8s.io/gcs/{bucket}/logs/{job}/{build}/` */
  artifactsUrl?: string;
  /** The bucket a job's builds are kept in. */
  bucket?: string;
}

export const PUBLIC_PROW: Readonly<Required<LinkTemplates>> = {
  prowUrl: 'https://prow.k8s.io/view/gs/{bucket}/logs/{job}/{build}',
  artifactsUrl: 'https://gcsweb.k8s.io/gcs/{bucket}/logs/{job}/{build}/',
  bucket: 'kubernetes-ci-logs',
};

/** Prow build IDs are snowflake IDs of 19 digits today; Jenkins numbers are far shorter. */
const looksLikeProw = (id: BuildId) => id.length >= 16;

function expand(template: string, vars: Record<string, string>): string {
  return template.replace(/\{(bucket|job|build)\}/g, (_, k: string) => encodeURIComponent(vars[k]));
}

export function buildLinks(
  job: string,
  build: { number: BuildId; prowUrl?: string | null },
  templates?: LinkTemplates,
): BuildLinks {
  const t = templates ?? (looksLikeProw(build.number) ? PUBLIC_PROW : {});
  const vars = { bucket: t.bucket ?? PUBLIC_PROW.bucket, job, build: build.number };
  return {
    prow: build.prowUrl ?? (t.prowUrl ? expand(t.prowUrl, vars) : null),
    artifacts: t.artifactsUrl ? expand(t.artifactsUrl, vars) : null,
  };
}

/** A GitHub comparison of two commits of a repository. */
export function compareUrl(repo: string, from: string, to: string): string {
  return `https://github.com/${repo}/compare/${from}...${to}`;
}
