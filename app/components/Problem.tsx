// What a page shows instead of charts when the selection in its URL cannot be
// answered: the reason, and what could be chosen instead.
import { SelectionError } from '@/lib/queries/errors';
import { BadRequest } from '@/lib/server/api';
import { SloConfigError } from '@/lib/slo';

/** What a user (or the operator, for the SLO config) can fix. */
export type Fixable = SelectionError | BadRequest | SloConfigError;

export type Attempt<T> = { ok: true; value: T } | { ok: false; error: Fixable };

/** Runs a query; a selection the user can fix becomes a value to show, anything else propagates to the error page. */
export function attempt<T>(fn: () => T): Attempt<T> {
  try {
    return { ok: true, value: fn() };
  } catch (e) {
    if (e instanceof SelectionError || e instanceof BadRequest || e instanceof SloConfigError) return { ok: false, error: e };
    throw e;
  }
}

export default function Problem({ error, children }: { error: Fixable; children?: React.ReactNode }) {
  const message =
    error instanceof SelectionError
      ? error.message.split(';')[0]
      : error instanceof SloConfigError
        ? `SLO config: ${error.message}`
        : error.message;
  const choices = error instanceof SelectionError ? error.choices : [];
  return (
    <div className="note bad" role="alert" data-problem>
      <b>{message}</b>
      {choices.length ? (
        <>
          <div className="muted">Choose one of:</div>
          <ul>
            {choices.slice(0, 20).map((c) => (
              <li key={c} className="mono">
                {c}
              </li>
            ))}
          </ul>
        </>
      ) : null}
      {children}
    </div>
  );
}

/** The job has nothing to show yet: how to get data in. */
export function NoData({ job }: { job: string }) {
  return (
    <div className="card empty" data-empty>
      <h2>No runs in {job} yet</h2>
      <p>
        Ingest its builds with <code>kpd ingest PATH --job {job}</code>, upload one from CI with{' '}
        <code>kpd upload DIR --server URL --job {job} --build N</code>, or try the demo: <code>kpd demo</code>.
      </p>
    </div>
  );
}
