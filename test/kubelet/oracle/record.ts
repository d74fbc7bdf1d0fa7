// A key/value log record, the common shape of structured klog (1.20+) and
// JSON logging lines, so that one matcher per probe serves both encodings.

export interface LogRecord {
  msg: string;
  /** The value, decoded: JSON values as parsed, klog `"quoted"` unquoted, `{json}`/`[json]` parsed when valid, anything else as its text. */
  get(key: string): unknown;
  /** The value's text when the line wrote it as text (cheap: no JSON parsing); undefined otherwise. */
  raw(key: string): string | undefined;
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function stringValue(rec: LogRecord, key: string): string | undefined {
  const v = rec.get(key);
  return typeof v === 'string' ? v : undefined;
}

export function numberValue(rec: LogRecord, key: string): number | undefined {
  const v = rec.get(key);
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
  return Number.isFinite(n) ? n : undefined;
}

/**
 * Fields of a Go struct printed with %+v (`&{ID:uid Type:ContainerStarted Data:cid}`)
 * or of a JSON object; only scalar fields.
 */
export function structFields(v: unknown): Record<string, string> {
  if (isObject(v)) {
    const out: Record<string, string> = {};
    for (const [k, x] of Object.entries(v)) if (typeof x === 'string' || typeof x === 'number') out[k] = String(x);
    return out;
  }
  if (typeof v !== 'string') return {};
  const out: Record<string, string> = {};
  for (const m of v.matchAll(/(\w+):(?:"([^"]*)"|([^\s{}[\],]*))/g)) {
    if (!(m[1] in out)) out[m[1]] = m[2] ?? m[3];
  }
  return out;
}
