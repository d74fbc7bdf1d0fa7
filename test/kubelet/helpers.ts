// Shared by the kubelet tests: read a fixture through the public reader, and
// look at one pod's probes as ISO times (exact to the microsecond).
import fs from 'node:fs';
import path from 'node:path';
import { readKubeletLog, type ReadKubeletLogOptions } from '../../ingest/parsers/kubelet/reader';
import type { KubeletLogResult } from '../../lib/model';
import { toIso } from '../../lib/time';

export const FIXTURES = path.resolve(import.meta.dirname, '../fixtures/kubelet');

export function fixture(name: string): Buffer {
  return fs.readFileSync(path.join(FIXTURES, name));
}

export async function* chunksOf(buf: Buffer, sizes: readonly number[] = [buf.length]): AsyncGenerator<Buffer> {
  let at = 0;
  let i = 0;
  while (at < buf.length) {
    const n = Math.max(1, sizes[i++ % sizes.length]);
    yield buf.subarray(at, at + n);
    at += n;
  }
}

export function readBuffer(buf: Buffer, opts: Partial<ReadKubeletLogOptions> = {}, sizes?: readonly number[]): Promise<KubeletLogResult> {
  return readKubeletLog(chunksOf(buf, sizes), { file: 'kubelet.log', ...opts });
}

export function readFixture(name: string, opts: Partial<ReadKubeletLogOptions> = {}): Promise<KubeletLogResult> {
  return readKubeletLog(fs.createReadStream(path.join(FIXTURES, name)), { file: name, ...opts });
}

/** probe -> ISO time of one pod instance. */
export function probesOf(r: KubeletLogResult, pod: string, instance = 0): Record<string, string> {
  return Object.fromEntries(r.events.filter((e) => e.pod === pod && e.instance === instance).map((e) => [e.probe, toIso(e.time)]));
}
