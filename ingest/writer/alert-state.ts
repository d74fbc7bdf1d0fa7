// The writer's operation behind PATCH /api/v1/jobs/[job]/alerts: sets an
// alert's triage state, and says what HTTP answer that is (200 with the
// alert, 404 for an unknown job or alert). The request arrives validated
// (lib/server/alerts.ts); errors are answers here because they cross the
// writer thread as plain messages.
import type { DB } from '../../lib/db/open';
import type { AlertState } from '../../lib/model';
import { setAlertState, type Alert } from '../../lib/queries/alerts';
import { SelectionError } from '../../lib/queries/errors';

export interface AlertStateRequest {
  job: string;
  id: number;
  state: AlertState;
  /** Undefined keeps the alert's note; null clears it. */
  note?: string | null;
  /** The token's name. */
  by: string;
}

export interface AlertStateAnswer {
  status: number;
  body: Alert | { error: string; choices?: string[] };
}

export async function alertStateOperation(db: DB, r: AlertStateRequest): Promise<AlertStateAnswer> {
  try {
    const alert = setAlertState(db, r.job, r.id, { state: r.state, note: r.note, by: r.by, at: Date.now() * 1000 });
    if (!alert) return { status: 404, body: { error: `no alert ${r.id} in job ${r.job}` } };
    return { status: 200, body: alert };
  } catch (e) {
    if (e instanceof SelectionError) return { status: 404, body: { error: e.message, choices: e.choices } };
    throw e;
  }
}
