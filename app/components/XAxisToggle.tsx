'use client';
// Switches the x axis of the charts across builds between one step per build
// (the default) and the builds' start times: `x=time` in the URL.
import Link from 'next/link';
import { usePathname, useSearchParams } from 'next/navigation';
import type { XMode } from './MetricChart';

export default function XAxisToggle({ x }: { x: XMode }) {
  const path = usePathname();
  const params = useSearchParams();
  const to = (mode: XMode) => {
    const q = new URLSearchParams(params.toString());
    if (mode === 'time') q.set('x', 'time');
    else q.delete('x');
    const s = q.toString();
    return s ? `${path}?${s}` : path;
  };
  return (
    <span className="axis-toggle" data-axis-toggle>
      x axis:{' '}
      <Link href={to('builds')} aria-current={x === 'builds' ? 'true' : undefined} replace>
        builds
      </Link>{' '}
      ·{' '}
      <Link href={to('time')} aria-current={x === 'time' ? 'true' : undefined} replace>
        time
      </Link>
    </span>
  );
}
