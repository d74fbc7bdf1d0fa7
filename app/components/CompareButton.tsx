// "Compare +": opens the Comparison page with this selection added to the
// comparison the page came from (`cmp` in its URL, carried by the Comparison
// page's links) over the same build range. The URL is the whole state: no
// list is kept in the browser, and a selection already there is not added twice.
import Link from 'next/link';
import { href, jobPath } from '@/app/params';

export interface CompareButtonProps {
  job: string;
  /** This page's selection, `test|image|machine`. */
  sel: string;
  /** The comparison this page was opened from, if any. */
  cmp?: readonly string[];
  /** The range as the URL gives it, so the comparison aggregates the same builds. */
  last?: string;
  builds?: string;
}

export function compareHref({ job, sel, cmp = [], last, builds }: CompareButtonProps): string {
  return href(jobPath(job, 'compare'), { sel: [...new Set([...cmp, sel])], last, builds });
}

export default function CompareButton(props: CompareButtonProps) {
  const already = props.cmp?.includes(props.sel);
  return (
    <Link className="button" data-compare href={compareHref(props)} title={already ? 'this selection is in the comparison already' : undefined}>
      {already ? 'Back to comparison' : 'Compare +'}
    </Link>
  );
}
