// What the alerts API accepts, checked in one place: the filter of GET
// /api/v1/jobs/[job]/alerts (and of the Regressions page) and the body of
// PATCH. Anything else is a BadRequest (400) that says what is wrong.
import { ALERT_STATES, isAlertState, type AlertState } from '../model';
import { NOTE_MAX, type AlertFilter } from '../queries/alerts';
import { BadRequest } from './api';

/** The largest PATCH body read: a note of NOTE_MAX characters, escaped, and the rest. */
const BODY_MAX = 4 * NOTE_MAX + 1024;

export function alertStateOf(v: string | undefined | null): AlertState | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  if (!isAlertState(v)) throw new BadRequest(`state must be one of ${ALERT_STATES.join(', ')}, got ${JSON.stringify(v.slice(0, 40))}`);
  return v;
}

/** The filter in a query string: `state`, `test`, `image`, `machine`. */
export function alertFilterOf(get: (name: string) => string | undefined | null): AlertFilter {
  const f: AlertFilter = {};
  const state = alertStateOf(get('state'));
  if (state) f.state = state;
  for (const k of ['test', 'image', 'machine'] as const) {
    const v = get(k);
    if (v) f[k] = v;
  }
  return f;
}

export interface AlertPatch {
  id: number;
  state: AlertState;
  /** Absent: the note is kept; null or "": it is cleared. */
  note?: string | null;
}

/** The body of PATCH /api/v1/jobs/[job]/alerts: `{"id", "state", "note"?}`, nothing else. */
export async function readAlertPatch(req: Request): Promise<AlertPatch> {
  const type = req.headers.get('content-type') ?? '';
  if (type && !/^application\/json\b/i.test(type)) throw new BadRequest(`the body must be JSON (content-type: application/json), got ${type.slice(0, 60)}`);
  const text = await req.text();
  if (text.length > BODY_MAX) throw new BadRequest(`the body is larger than ${BODY_MAX} characters`);
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new BadRequest('the body must be a JSON object: {"id": 12, "state": "acknowledged", "note": "…"}');
  }
  return checkAlertPatch(body);
}

export function checkAlertPatch(body: unknown): AlertPatch {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new BadRequest('the body must be a JSON object: {"id": 12, "state": "acknowledged", "note": "…"}');
  }
  const o = body as Record<string, unknown>;
  const unknown = Object.keys(o).filter((k) => k !== 'id' && k !== 'state' && k !== 'note');
  if (unknown.length) throw new BadRequest(`unknown field ${unknown.map((k) => JSON.stringify(k.slice(0, 40))).join(', ')}: the body has id, state and note`);
  const id = typeof o.id === 'string' && /^\d{1,15}$/.test(o.id) ? Number(o.id) : o.id;
  if (typeof id !== 'number' || !Number.isSafeInteger(id) || id < 1) throw new BadRequest('id must be the number of an alert (kpd alerts --job J lists them)');
  if (typeof o.state !== 'string' || o.state === '') throw new BadRequest(`state is required: one of ${ALERT_STATES.join(', ')}`);
  const state = alertStateOf(o.state)!;
  if (!('note' in o)) return { id, state };
  if (o.note !== null && typeof o.note !== 'string') throw new BadRequest('note must be a string, or null to clear it');
  if (typeof o.note === 'string' && o.note.length > NOTE_MAX) throw new BadRequest(`note must be at most ${NOTE_MAX} characters, got ${o.note.length}`);
  return { id, state, note: o.note };
}
