// JSON logging lines (`--logging-format=json`): `ts` is epoch time as a float,
// seconds in some kubelet versions and milliseconds in others (told apart by
// magnitude), or a time string from other encoders; `msg` and the keys become
// a record like structured klog's.
import type { Micros } from '../../../lib/model';
import { isObject, type LogRecord } from './record';
import { timeValue } from './time';

export interface JsonLine {
  at?: Micros;
  record: LogRecord;
}

class JsonRecord implements LogRecord {
  constructor(
    readonly msg: string,
    private readonly obj: Record<string, unknown>,
  ) {}
  get(key: string): unknown {
    return this.obj[key];
  }
  raw(key: string): string | undefined {
    const v = this.obj[key];
    return typeof v === 'string' ? v : undefined;
  }
}

export function parseJsonLine(text: string): JsonLine | undefined {
  let obj: unknown;
  try {
    obj = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isObject(obj) || typeof obj.msg !== 'string') return undefined;
  const at = timeValue(obj.ts);
  return { ...(at !== undefined ? { at } : {}), record: new JsonRecord(obj.msg, obj) };
}
