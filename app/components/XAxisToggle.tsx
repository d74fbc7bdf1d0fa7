'use client';
// Switches the axes of the charts across builds: x between one step per build
// (the default) and the builds' start times (`x=time`), y between linear (the
// default) and logarithmic (`y=log`), in the URL.
import Link from 'next/link';
import { usePathname, useSearchParams } from 'next/navigation';
import type { XMode, YScale } from './MetricChart';

export default function XAxisToggle({ x, y }: { x: XMode; y?: YScale }) {
  const path = usePathname();
  const params = useSearchParams();
  const to = (name: 'x' | 'y', value: string | undefined) => {
    const q = new URLSearchParams(params.toString());
    if (value) q.set(name, value);
    else q.delete(name);
    const s = q.toString();
    return s ? `${path}?${s}` : path;
  };
  return (
    <>
      <span className="axis-toggle" data-axis-toggle>
        x axis:{' '}
        <Link href={to('x', undefined)} aria-current={x === 'builds' ? 'true' : undefined} replace>
          builds
        </Link>{' '}
        ·{' '}
        <Link href={to('x', 'time')} aria-current={x === 'time' ? 'true' : undefined} replace>
          time
        </Link>
      </span>
      {y ? (
        <span className="axis-toggle" data-yscale-toggle>
          y axis:{' '}
          <Link href={to('y', undefined)} aria-current={y === 'linear' ? 'true' : undefined} replace>
            linear
          </Link>{' '}
          ·{' '}
          <Link href={to('y', 'log')} aria-current={y === 'log' ? 'true' : undefined} replace>
            log
          </Link>
        </span>
      ) : null}
    </>
  );
}
