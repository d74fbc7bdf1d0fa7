// One candidate line (the scanner found markers of some rows in its bytes) to
// facts: strip the prefixes, read the klog header or the JSON record, run the
// rows the line can match, each once, in table order. The first line holding
// an anchor that reads as klog or JSON is kept whatever its rows: it says
// which year and clock the log starts in.
import type { FactLog, LineStamp } from './facts';
import { parseJsonLine } from './json';
import { parseKlogHeader, parseStructured } from './klog';
import { stripPrefixes } from './prefix';
import { PROBE_RULES } from './probes';
import type { LogRecord } from './record';

const stamp: LineStamp = { month: 0, day: 0, time: 0 };

/** Reads one line into `out`; returns whether lines that match no row are still wanted (until one reads). */
export function matchLine(text: string, line: number, offset: number, rows: number, out: FactLog): boolean {
  const body = stripPrefixes(text);
  let legacy: string | undefined;
  let rec: LogRecord | undefined;
  if (body.charCodeAt(0) === 0x7b) {
    const json = parseJsonLine(body);
    if (!json) {
      out.skipped++;
      return out.first === undefined;
    }
    if (json.at === undefined) return out.first === undefined;
    rec = json.record;
    stamp.month = 0;
    stamp.day = 0;
    stamp.time = json.at;
  } else {
    const k = parseKlogHeader(body);
    if (!k) return out.first === undefined;
    stamp.month = k.month;
    stamp.day = k.day;
    stamp.time = k.usOfDay;
    if (k.message.charCodeAt(0) === 0x22) rec = parseStructured(k.message);
    else legacy = k.message;
  }
  out.first ??= { line, ...stamp };
  for (let r = 0, bits = rows; bits !== 0; r++, bits >>>= 1) {
    if ((bits & 1) === 0) continue;
    const rule = PROBE_RULES[r];
    const m = legacy !== undefined ? rule.legacy?.(legacy) : rec ? rule.record?.(rec) : undefined;
    if (m) out.push(r, m, stamp, line, offset);
  }
  return false;
}
