'use client';
// "Compare": adds the current selection to this job's comparison list (the
// list the Comparison page last showed, remembered in the browser) and opens
// the Comparison page, whose URL then holds the whole list.
import { useRouter } from 'next/navigation';
import { useEffect } from 'react';

export const compareKey = (job: string) => `kpd:compare:${job}`;

export default function CompareButton({ job, sel, last }: { job: string; sel: string; last: string }) {
  const router = useRouter();
  return (
    <button
      type="button"
      data-compare
      onClick={() => {
        let list: string[] = [];
        try {
          const saved: unknown = JSON.parse(window.localStorage.getItem(compareKey(job)) ?? '[]');
          if (Array.isArray(saved)) list = saved.filter((s): s is string => typeof s === 'string');
        } catch {
          list = [];
        }
        if (!list.includes(sel)) list.push(sel);
        const q = new URLSearchParams();
        for (const s of list) q.append('sel', s);
        q.set('last', last);
        router.push(`/jobs/${encodeURIComponent(job)}/compare?${q}`);
      }}
    >
      Compare +
    </button>
  );
}

/** Remembers the comparison list the page shows, for the next "Compare +". */
export function RememberComparison({ job, sels }: { job: string; sels: string[] }) {
  useEffect(() => window.localStorage.setItem(compareKey(job), JSON.stringify(sels)), [job, sels]);
  return null;
}
