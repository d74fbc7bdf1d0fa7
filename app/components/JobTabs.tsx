'use client';
// The tabs of a job: Builds, Compare, Tracing, Regressions, keeping the
// selection (test, node config, range) when moving between them.
import Link from 'next/link';
import { usePathname, useSearchParams } from 'next/navigation';

const KEEP = ['test', 'image', 'machine', 'last', 'builds'];

export default function JobTabs({ job }: { job: string }) {
  const path = usePathname();
  const params = useSearchParams();
  const base = `/jobs/${encodeURIComponent(job)}`;
  const q = new URLSearchParams();
  for (const k of KEEP) {
    const v = params.get(k);
    if (v) q.set(k, v);
  }
  const qs = q.toString() ? `?${q}` : '';
  const tabs = [
    { href: `${base}/builds`, label: 'Builds', active: path === `${base}/builds` },
    { href: `${base}/compare`, label: 'Compare', active: path.startsWith(`${base}/compare`) },
    { href: `${base}/tracing`, label: 'Tracing', active: path.startsWith(`${base}/tracing`) },
    { href: `${base}/regressions`, label: 'Regressions', active: path.startsWith(`${base}/regressions`) },
    { href: `${base}/list`, label: 'Build list', active: path === `${base}/list` },
  ];
  const series = /\/builds\/(\d+)\/series$/.exec(path);
  return (
    <nav className="tabs" aria-label="job views">
      {tabs.map((t) => (
        <Link key={t.label} href={t.href + (t.label === 'Compare' || t.label === 'Regressions' ? '' : qs)} className={t.active ? 'active' : undefined}>
          {t.label}
        </Link>
      ))}
      {series ? <span className="tabs-extra"><a className="active">Build {series[1]} time series</a></span> : null}
    </nav>
  );
}
