'use client';
// The build range of a page across builds: `last` (a select) and an explicit
// `builds=A-B` (two fields and Apply), written into the current URL with every
// other parameter kept. The fields show the URL's values: they are re-created
// whenever the URL's range changes, so Back and Forward bring them along.
import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import { useState } from 'react';

export interface RangeFieldsProps {
  /** `last` as the page applied it: a count or `all`. */
  last: string;
  /** `builds` as in the URL (`A-B`, `A-`, `-B`), if any. */
  builds?: string;
}

/** Wide enough for Prow's 19 digits, never wider than a phone. */
const ID_INPUT = { width: '12.5rem', maxWidth: '100%' };

const LASTS = ['10', '25', '50', '100', '200', '500', 'all'];

export default function RangeFields(props: RangeFieldsProps) {
  return <Fields key={`${props.last}|${props.builds ?? ''}`} {...props} />;
}

function Fields({ last, builds }: RangeFieldsProps) {
  const router = useRouter();
  const path = usePathname();
  const params = useSearchParams();
  const [from, setFrom] = useState(builds?.split('-')[0] ?? '');
  const [to, setTo] = useState(builds?.split('-')[1] ?? (builds?.includes('-') ? '' : builds ?? ''));
  const go = (set: Record<string, string | undefined>) => {
    const q = new URLSearchParams(params.toString());
    for (const [k, v] of Object.entries(set)) {
      if (v === undefined) q.delete(k);
      else q.set(k, v);
    }
    router.push(`${path}?${q}`);
  };
  const allLabel = builds ? 'every build in range' : 'all history';
  return (
    <div className="selgroup" data-range>
      <span className="grouplabel">Builds</span>
      <label className="field">
        last
        <select name="last" value={last} onChange={(e) => go({ last: e.target.value })}>
          {[...new Set([...LASTS, last])].map((l) => (
            <option key={l} value={l}>
              {l === 'all' ? allLabel : `${l} builds`}
            </option>
          ))}
        </select>
      </label>
      <form
        className="selgroup"
        style={{ border: 0, padding: 0 }}
        onSubmit={(e) => {
          e.preventDefault();
          // An explicit range wins: Apply drops `last`, so every build of the range shows until a count is picked again.
          go(from || to ? { builds: `${from}-${to}`, last: undefined } : { builds: undefined });
        }}
      >
        <label className="field">
          from build
          <input type="text" inputMode="numeric" pattern="\d*" name="from" style={ID_INPUT} value={from} onChange={(e) => setFrom(e.target.value.trim())} />
        </label>
        <label className="field">
          to build
          <input type="text" inputMode="numeric" pattern="\d*" name="to" style={ID_INPUT} value={to} onChange={(e) => setTo(e.target.value.trim())} />
        </label>
        <button type="submit" className="secondary">
          Apply
        </button>
      </form>
    </div>
  );
}
