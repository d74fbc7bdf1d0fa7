// A build's links out of the dashboard (its Prow page, its artifacts), as
// the build list, the time series header and a pinned chart point show them.
import type { BuildLinks } from '@/lib/model';

export default function ExternalLinks({ links }: { links: Partial<BuildLinks> | undefined }) {
  return (
    <>
      {links?.prow ? (
        <a href={links.prow} target="_blank" rel="noreferrer" data-link="prow">
          Prow ↗
        </a>
      ) : null}
      {links?.artifacts ? (
        <a href={links.artifacts} target="_blank" rel="noreferrer" data-link="artifacts">
          artifacts ↗
        </a>
      ) : null}
    </>
  );
}
