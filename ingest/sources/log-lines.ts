// The kubelet log lines around a pod's probes, read from where its build was
// read: a build directory or a kept upload archive (.tar.gz: only the log's
// member is read; a .gz log is gunzipped). A probe names its line by byte
// offset (probe_events.offset) and by line number; a plain log with offsets
// is read at those offsets only, anything else (gzip, an archive member, no
// offsets) in one streaming pass that stops after the last probe. Lines
// around probes that are close together merge into one excerpt.
import fs from 'node:fs';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import zlib from 'node:zlib';
import tar from 'tar-stream';
import { maybeGunzip } from '../parsers/kubelet/gunzip';
import { logTargets, type LogLine, type LogTarget, type PodLog, type PodView } from '../../lib/queries/pod';
import { relativeName } from './tarball';
import { kindOf, listBuildFiles } from '../build';

export interface LogLinesOptions {
  /** Lines before and after each probe's line (default 3). */
  context?: number;
  /** Characters of a line shown (default 2,000: kubelet status lines run to many kilobytes). */
  maxChars?: number;
}

const ARCHIVE = /\.(tar\.gz|tgz)$/;
const LF = 0x0a;
/** Bytes read before a probe's offset while looking for the lines in front of it. */
const MAX_BACK_BYTES = 1 << 20;

/** A log of the run's host: its folder under artifacts/ names the host or a prefix of it, as ingest ties logs to runs. */
function ofHost(rel: string, host: string | null): boolean {
  const dir = rel.split('/')[1] ?? '';
  return host === null || dir === host || host.startsWith(dir) || dir.startsWith(host);
}

export async function podLogLines(source: string, host: string | null, targets: readonly LogTarget[], opts: LogLinesOptions = {}): Promise<PodLog> {
  const context = opts.context ?? 3;
  const maxChars = opts.maxChars ?? 2_000;
  const wanted = targets.filter((t) => t.line !== null || t.offset !== null);
  if (!wanted.length) return { file: null, excerpts: [], problems: targets.length ? ['the probes name no log line'] : [] };
  let stat: fs.Stats;
  try {
    stat = fs.statSync(source);
  } catch {
    return { file: null, excerpts: [], problems: [`the build's source ${source} is gone: no log lines to show`] };
  }
  const scan = new Scanner(wanted, context, maxChars);
  if (stat.isDirectory()) {
    const logs = listBuildFiles(source).filter((f) => f.kind === 'kubelet-log' && ofHost(f.rel, host));
    if (!logs.length) return { file: null, excerpts: [], problems: [`no kubelet log for host ${host ?? '(unknown)'} in ${source}`] };
    const f = logs[0];
    const problems = logs.length > 1 ? [`${logs.length} kubelet logs for host ${host}: showing ${f.rel}`] : [];
    if (wanted.every((t) => t.offset !== null) && !isGzip(f.abs)) {
      const read = readAtOffsets(f.abs, wanted, context, maxChars);
      if (read) return { file: f.rel, excerpts: read, problems };
      problems.push('the probes\' offsets do not start lines of the log (it changed since it was read): found by line number instead');
      scan.byLineOnly();
    }
    await scan.run(fs.createReadStream(f.abs, { highWaterMark: 1 << 20 }));
    return { file: f.rel, excerpts: scan.excerpts(), problems: [...problems, ...scan.problems()] };
  }
  if (!ARCHIVE.test(source)) return { file: null, excerpts: [], problems: [`the build's source ${source} is neither a directory nor a .tar.gz`] };
  const file = await scanArchiveMember(source, host, scan);
  if (file === null) return { file: null, excerpts: [], problems: [`no kubelet log for host ${host ?? '(unknown)'} in ${source}`] };
  return { file, excerpts: scan.excerpts(), problems: scan.problems() };
}

function isGzip(file: string): boolean {
  const fd = fs.openSync(file, 'r');
  try {
    const b = Buffer.alloc(2);
    return fs.readSync(fd, b, 0, 2, 0) === 2 && b[0] === 0x1f && b[1] === 0x8b;
  } finally {
    fs.closeSync(fd);
  }
}

/** Streams the archive to the host's kubelet log member and scans it; the member's name, or null when there is none. */
async function scanArchiveMember(archive: string, host: string | null, scan: Scanner): Promise<string | null> {
  const extract = tar.extract();
  let found: string | null = null;
  const consume = (async () => {
    for await (const entry of extract) {
      const name = relativeName(entry.header.name);
      if (found === null && name && entry.header.type === 'file' && kindOf(name.rel) === 'kubelet-log' && ofHost(name.rel, host)) {
        found = name.rel;
        await scan.run(entry as unknown as AsyncIterable<Buffer>);
      }
      entry.resume();
    }
  })();
  await Promise.all([pipeline(fs.createReadStream(archive), zlib.createGunzip(), extract as unknown as Writable), consume]);
  return found;
}

/** One streaming pass over a log: the lines around each target, by offset (or line number when a target has none). */
class Scanner {
  private readonly byOffset = new Map<number, string[]>();
  private readonly byLine = new Map<number, string[]>();
  private readonly out: LogLine[][] = [];
  private readonly issues: string[] = [];
  private remaining: number;

  constructor(
    private readonly targets: readonly LogTarget[],
    private readonly context: number,
    private readonly maxChars: number,
  ) {
    this.index(false);
    this.remaining = this.byOffset.size + this.byLine.size;
  }

  private index(linesOnly: boolean) {
    this.byOffset.clear();
    this.byLine.clear();
    for (const t of this.targets) {
      const [map, k] = t.offset !== null && !linesOnly ? [this.byOffset, t.offset] : [this.byLine, t.line!];
      if (k === null) continue;
      map.set(k, [...(map.get(k) ?? []), t.probe]);
    }
  }

  /** Offsets that do not match the log: find the lines by number. */
  byLineOnly() {
    this.index(true);
    this.remaining = this.byLine.size;
  }

  excerpts(): LogLine[][] {
    return this.out;
  }

  problems(): string[] {
    const missing = this.remaining > 0 ? [`${this.remaining} probe ${this.remaining === 1 ? 'line was' : 'lines were'} not found in the log`] : [];
    return [...this.issues, ...missing];
  }

  async run(input: AsyncIterable<Buffer> | Readable): Promise<void> {
    const source = maybeGunzip(input as AsyncIterable<Buffer>);
    const ring: LogLine[] = [];
    let open: LogLine[] | null = null;
    let after = 0;
    let lineNo = 0;
    let offset = 0;
    let head: Buffer[] = [];
    let headBytes = 0;
    let length = 0;
    const limit = this.maxChars * 4;
    const take = (piece: Buffer) => {
      length += piece.length;
      if (headBytes < limit) {
        const part = piece.subarray(0, limit - headBytes);
        head.push(Buffer.from(part));
        headBytes += part.length;
      }
    };
    const finish = (): boolean => {
      lineNo++;
      const probes = [...(this.byOffset.get(offset) ?? []), ...(this.byLine.get(lineNo) ?? [])];
      const line = this.lineOf(lineNo, offset, Buffer.concat(head), length, probes);
      if (probes.length) {
        this.remaining -= (this.byOffset.has(offset) ? 1 : 0) + (this.byLine.has(lineNo) ? 1 : 0);
        if (!open) {
          // Lines between this probe and the previous excerpt all in the ring (or none): one excerpt.
          const prev = this.out[this.out.length - 1];
          const first = ring[0] ?? line;
          open = prev && prev[prev.length - 1].line! + 1 === first.line ? this.out.pop()! : [];
          open.push(...ring);
        }
        ring.length = 0;
        open.push(line);
        after = this.context;
      } else if (open && after > 0) {
        open.push(line);
        after--;
      } else {
        if (open) {
          this.out.push(open);
          open = null;
        }
        ring.push(line);
        if (ring.length > this.context) ring.shift();
      }
      return this.remaining <= 0 && (!open || after === 0);
    };
    let done = false;
    try {
      outer: for await (const chunk of source.chunks) {
        let start = 0;
        for (let i = chunk.indexOf(LF); i !== -1; i = chunk.indexOf(LF, start)) {
          take(chunk.subarray(start, i));
          const lineStart = offset;
          if (finish()) {
            done = true;
            break outer;
          }
          offset = lineStart + length + 1;
          head = [];
          headBytes = 0;
          length = 0;
          start = i + 1;
        }
        if (start < chunk.length) take(chunk.subarray(start));
      }
      if (!done && length > 0) finish();
    } catch (e) {
      this.issues.push(`read error: ${(e as Error).message}`);
    }
    const gz = source.error();
    if (gz) this.issues.push(gz);
    if (open) this.out.push(open);
  }

  lineOf(line: number | null, offset: number, head: Buffer, length: number, probes: string[]): LogLine {
    let text = head.toString('utf8');
    if (text.endsWith('\r')) text = text.slice(0, -1);
    const cut = length > head.length || text.length > this.maxChars;
    return { line, offset, text: text.slice(0, this.maxChars), cut, probes };
  }
}

/**
 * Reads the lines around each target of a plain log at their offsets; null
 * when an offset does not start a line (the file is not the one that was read).
 */
function readAtOffsets(file: string, targets: readonly LogTarget[], context: number, maxChars: number): LogLine[][] | null {
  const fd = fs.openSync(file, 'r');
  try {
    const size = fs.fstatSync(fd).size;
    const byOffset = new Map<number, LogTarget[]>();
    for (const t of targets) byOffset.set(t.offset!, [...(byOffset.get(t.offset!) ?? []), t]);
    const excerpts: (LogLine & { end: number })[][] = [];
    for (const [offset, here] of [...byOffset].sort((a, b) => a[0] - b[0])) {
      if (offset >= size || (offset > 0 && byteAt(fd, offset - 1) !== LF)) return null;
      const line = here.find((t) => t.line !== null)?.line ?? null;
      const before = linesBefore(fd, offset, context, maxChars);
      const after = linesFrom(fd, offset, size, context + 1, maxChars);
      const lines = [
        ...before.map((l, i) => ({ ...l, line: line === null ? null : line - before.length + i })),
        ...after.map((l, i) => ({ ...l, line: line === null ? null : line + i, probes: i === 0 ? here.map((t) => t.probe) : [] })),
      ];
      const prev = excerpts[excerpts.length - 1];
      if (prev && prev[prev.length - 1].end >= lines[0].offset) {
        // Windows that overlap or touch: one excerpt; a line both hold keeps the probes of both.
        for (const l of lines) {
          const same = prev.find((p) => p.offset === l.offset);
          if (same) same.probes = [...new Set([...same.probes, ...l.probes])];
          else if (l.offset > prev[prev.length - 1].offset) prev.push(l);
        }
      } else excerpts.push(lines);
    }
    return excerpts.map((e) => e.map(({ end: _, ...l }) => l));
  } finally {
    fs.closeSync(fd);
  }
}

function byteAt(fd: number, pos: number): number {
  const b = Buffer.alloc(1);
  fs.readSync(fd, b, 0, 1, pos);
  return b[0];
}

type Raw = LogLine & { end: number };

function rawLine(buf: Buffer, offset: number, end: number, maxChars: number): Raw {
  let text = buf.subarray(0, maxChars * 4).toString('utf8');
  if (text.endsWith('\r')) text = text.slice(0, -1);
  return { line: null, offset, end, text: text.slice(0, maxChars), cut: buf.length > maxChars * 4 || text.length > maxChars, probes: [] };
}

/** Up to `n` whole lines ending right before `offset`. */
function linesBefore(fd: number, offset: number, n: number, maxChars: number): Raw[] {
  if (offset === 0 || n === 0) return [];
  const chunk = 64 * 1024;
  let pos = offset;
  let buf = Buffer.alloc(0);
  // The byte before `offset` is the previous line's LF: n lines need n + 1 LFs, or the file's start.
  while (pos > 0 && offset - pos < MAX_BACK_BYTES && countLf(buf) < n + 1) {
    const from = Math.max(0, pos - chunk);
    const part = Buffer.alloc(pos - from);
    fs.readSync(fd, part, 0, part.length, from);
    buf = Buffer.concat([part, buf]);
    pos = from;
  }
  const lines: Raw[] = [];
  let end = buf.length - 1; // the LF ending the line before the target
  while (lines.length < n && end >= 0) {
    // (lastIndexOf with a negative start would count from the end)
    const lf = end > 0 ? buf.lastIndexOf(LF, end - 1) : -1;
    if (lf === -1 && pos > 0) break; // its start lies beyond what was read
    const start = lf + 1;
    lines.unshift(rawLine(buf.subarray(start, end), pos + start, pos + end + 1, maxChars));
    if (lf === -1) break;
    end = lf;
  }
  return lines;
}

function countLf(buf: Buffer): number {
  let n = 0;
  for (let i = buf.indexOf(LF); i !== -1; i = buf.indexOf(LF, i + 1)) n++;
  return n;
}

/** Up to `n` lines from `offset` on (the last may end at the file's end without LF). */
function linesFrom(fd: number, offset: number, size: number, n: number, maxChars: number): Raw[] {
  const lines: Raw[] = [];
  const chunk = 64 * 1024;
  let pos = offset;
  let parts: Buffer[] = [];
  let partBytes = 0;
  let lineStart = offset;
  while (lines.length < n && pos < size) {
    const buf = Buffer.alloc(Math.min(chunk, size - pos));
    fs.readSync(fd, buf, 0, buf.length, pos);
    let start = 0;
    for (let i = buf.indexOf(LF); i !== -1 && lines.length < n; i = buf.indexOf(LF, start)) {
      if (partBytes < maxChars * 4 + 1) parts.push(buf.subarray(start, i));
      lines.push(rawLine(Buffer.concat(parts), lineStart, pos + i + 1, maxChars));
      parts = [];
      partBytes = 0;
      lineStart = pos + i + 1;
      start = i + 1;
    }
    if (lines.length < n && start < buf.length && partBytes < maxChars * 4 + 1) {
      parts.push(buf.subarray(start));
      partBytes += buf.length - start;
    }
    pos += buf.length;
  }
  if (lines.length < n && partBytes > 0) lines.push(rawLine(Buffer.concat(parts), lineStart, size, maxChars));
  return lines;
}


/** The log view of one pod: the lines around its log probes, from its build's source. */
export function podLog(v: PodView, opts: LogLinesOptions = {}): Promise<PodLog> {
  return podLogLines(v.source, v.host, logTargets(v), opts);
}
