// `kpd alerts --job J [--state S]` lists a job's alerts (the change points at
// one build of one run, grouped), newest first, with their triage state;
// `kpd alerts set ID --state S [--note T]` sets one's state. Both read or
// write the database, or with --server go through the dashboard's API (a
// state set there needs an upload token, whose name is recorded; one set in
// the database records the local user).
import fs from 'node:fs';
import os from 'node:os';
import { dbPath, NoDatabaseError, type DB } from '../lib/db/open';
import { ALERT_STATES, type AlertState } from '../lib/model';
import { alertJob, alertsDocument, NOTE_MAX, setAlertState, type Alert, type AlertFilter } from '../lib/queries/alerts';
import { ClientError, getJson, reason, sendJson } from './upload-client';
import { fmt, plural, printJson, table, type Out } from './output';
import { UsageError, type CommonOptions } from './options';

export interface AlertsOptions extends CommonOptions {
  job?: string;
  state?: AlertState;
  test?: string;
  image?: string;
  machine?: string;
  note?: string;
  server?: string;
  token?: string;
}

/** What the command does: list (no action) or `set ID`. */
export function alertsAction(action: string | undefined, id: string | undefined): { set: false } | { set: true; id: number } {
  if (action === undefined) return { set: false };
  if (action !== 'set') throw new UsageError(`unknown alerts action "${action.slice(0, 40)}": kpd alerts --job J [--state S], or kpd alerts set ID --state S [--note T]`);
  if (id === undefined || !/^\d{1,15}$/.test(id) || Number(id) < 1) {
    throw new UsageError(`alerts set needs an alert ID (a number; kpd alerts --job J lists them), got ${id === undefined ? 'none' : JSON.stringify(id.slice(0, 40))}`);
  }
  return { set: true, id: Number(id) };
}

export async function alertsCommand(db: DB | undefined, o: AlertsOptions, out: Out): Promise<number> {
  if (!o.job) throw new UsageError('alerts needs --job NAME');
  if (o.note !== undefined) throw new UsageError('--note goes with kpd alerts set ID --state S --note T');
  const filter: AlertFilter = { state: o.state, test: o.test, image: o.image, machine: o.machine };
  let doc: { job: string; alerts: Alert[] };
  if (db) doc = alertsDocument(db, o.job, filter);
  else {
    const q = new URLSearchParams(Object.entries(filter).filter((e): e is [string, string] => !!e[1]));
    doc = (await getJson(o.server!, `/api/v1/jobs/${encodeURIComponent(o.job)}/alerts${q.size ? `?${q}` : ''}`)) as typeof doc;
  }
  if (o.json) {
    printJson(out, doc);
    return 0;
  }
  if (!doc.alerts.length) {
    out(`no ${o.state ? `${o.state} ` : ''}alerts in ${o.job}`);
    return 0;
  }
  out(
    table([
      ['id', 'state', 'build', 'test', 'image', 'machine', 'changes', 'largest', 'since'],
      ...doc.alerts.map((a) => [
        a.id,
        a.state,
        a.build,
        a.test,
        a.image,
        a.machine,
        a.changes.length,
        `${a.changes[0].metric} ${a.changes[0].stat} ${pct(a.changes[0].change)}${a.regression ? '' : ' (improvement)'}`,
        blame(a),
      ]),
    ], new Set([0, 6])),
  );
  const fresh = doc.alerts.filter((a) => a.state === 'new').length;
  out(`${plural(doc.alerts.length, 'alert')}, ${fresh} new`);
  return 0;
}

export async function setAlertCommand(db: DB | undefined, id: number, o: AlertsOptions, out: Out): Promise<number> {
  if (!o.state) throw new UsageError(`alerts set needs --state, one of ${ALERT_STATES.join(', ')}`);
  if (o.note !== undefined && o.note.length > NOTE_MAX) throw new UsageError(`--note must be at most ${NOTE_MAX} characters, got ${o.note.length}`);
  let alert: Alert;
  if (db) {
    const job = o.job ?? alertJob(db, id);
    if (!job) throw new UsageError(`no alert ${id} (kpd alerts --job J lists them)`);
    const set = setAlertState(db, job, id, { state: o.state, note: o.note, by: localUser(), at: Date.now() * 1000 });
    if (!set) throw new UsageError(`no alert ${id} in job ${job} (kpd alerts --job ${job} lists them)`);
    alert = set;
  } else {
    if (!o.job) throw new UsageError('alerts set --server needs --job NAME');
    const token = o.token || process.env.KPD_UPLOAD_TOKEN;
    if (!token) throw new ClientError('no upload token: set KPD_UPLOAD_TOKEN (or pass --token)');
    const body: Record<string, unknown> = { id, state: o.state };
    if (o.note !== undefined) body.note = o.note;
    const a = await sendJson(o.server!, `/api/v1/jobs/${encodeURIComponent(o.job)}/alerts`, 'PATCH', body, token);
    if (a.status !== 200) throw new ClientError(`setting alert ${id} refused (${a.status}): ${reason(a)}`);
    alert = a.body as Alert;
  }
  if (o.json) {
    printJson(out, alert);
    return 0;
  }
  out(`alert ${alert.id} (${alert.test} on ${alert.image} / ${alert.machine} at build ${alert.build}): ${alert.state}, set by ${alert.setBy}${alert.note ? `: ${alert.note}` : ''}`);
  return 0;
}

/** `kpd alerts set` writes an existing database: a typo in --db must not create an empty one. */
export function existingDb(o: CommonOptions): void {
  const file = dbPath(o.db);
  if (file !== ':memory:' && !fs.existsSync(file)) throw new NoDatabaseError(file);
}

/** Who sets a state in the database directly: there is no token, so the local user. */
function localUser(): string {
  try {
    return os.userInfo().username;
  } catch {
    return process.env.USER || process.env.LOGNAME || 'unknown user';
  }
}

const pct = (c: number | null) => (c === null ? 'from 0' : `${c > 0 ? '+' : ''}${fmt(c * 100)} %`);

function blame(a: Alert): string {
  if (!a.previousBuild) return '-';
  const versions = a.previousVersion && a.version && a.previousVersion !== a.version ? ` (${a.previousVersion} → ${a.version})` : '';
  return `build ${a.previousBuild}${versions}`;
}
