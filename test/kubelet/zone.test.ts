// A kubelet on CEST that logs no "Observed pod startup duration" line (before
// Kubernetes 1.26): its klog headers are local time, and the one line that
// says so is an Event printed with its zone (`FirstTimestamp:2026-09-15
// 15:59:53.790094099 +0200 CEST`). The reader reads the headers at that
// offset and names the line in a warning, instead of assuming UTC.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { readKubeletLog, readKubeletLogFile } from '../../ingest/parsers/kubelet/reader';
import { MAX_CANDIDATES, MAX_SEARCH_BYTES, ZoneSearch } from '../../ingest/parsers/kubelet/zone';
import { chunksOf, probesOf } from './helpers';

const FILE = path.resolve(import.meta.dirname, '../fixtures/kubelet-zone/cest-no-observed.log');
const LOG = fs.readFileSync(FILE);
const POD = 'density-test-9305/pod-0';
const ZONE_WARNING = {
  file: 'kubelet.log',
  line: 12,
  message:
    'klog headers read as UTC+02:00: no line pairs a header with a UTC time, and line 12 prints the node\'s zone ("2026-09-15 15:59:53.790094099 +0200 CEST")',
};

function tmpFile(content: Buffer): string {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'kpd-zone-')), 'kubelet.log');
  fs.writeFileSync(file, content);
  return file;
}

describe('the klog headers’ zone, from a line that prints it', () => {
  it('reads the headers of a CEST node as UTC+2 and names the line that told', async () => {
    const r = await readKubeletLogFile(FILE, { file: 'kubelet.log' });
    expect(r.offsetUs).toBe(2 * 3600e6);
    expect(r.year).toBe(2026);
    expect(r.warnings).toEqual([ZONE_WARNING]);
    expect(probesOf(r, POD)).toEqual({
      pod_config_change: '2026-09-15T13:59:51.204211Z',
      runtime_manager: '2026-09-15T13:59:51.380964Z',
      infra_container_start: '2026-09-15T13:59:52.511862Z',
      container_start: '2026-09-15T13:59:53.321544Z',
      pod_running: '2026-09-15T13:59:53.790094Z',
      pod_status_running: '2026-09-15T13:59:53.905417Z',
    });
  });

  it('the line’s zone wins over a year or a reference time, which gave UTC before', async () => {
    for (const opts of [{ year: 2026 }, { reference: Date.UTC(2026, 8, 15, 13, 50) * 1000 }]) {
      const r = await readKubeletLogFile(FILE, { file: 'kubelet.log', ...opts });
      expect([r.offsetUs, r.year, r.warnings]).toEqual([2 * 3600e6, 2026, [ZONE_WARNING]]);
    }
  });

  it('gives the same from a stream in chunks of any size, gzipped, and split across pieces', async () => {
    const want = await readKubeletLogFile(FILE, { file: 'kubelet.log' });
    for (const sizes of [[LOG.length], [1], [7, 3, 64], [2048]]) expect(await readKubeletLog(chunksOf(LOG, sizes), { file: 'kubelet.log' })).toEqual(want);
    expect(await readKubeletLogFile(tmpFile(gzipSync(LOG)), { file: 'kubelet.log' })).toEqual(want);
    expect(await readKubeletLogFile(tmpFile(LOG), { file: 'kubelet.log', splitBytes: 0, pieceBytes: 300, workers: 0 })).toEqual(want);
  });

  it('still assumes UTC, and says so, when no line prints a zone other than UTC', async () => {
    const withoutEvent = LOG.toString('utf8').split('\n').filter((l) => !l.includes('Server rejected event')).join('\n');
    const r = await readKubeletLogFile(tmpFile(Buffer.from(withoutEvent)), { file: 'kubelet.log' });
    expect(r.offsetUs).toBe(0);
    expect(r.warnings).toEqual([
      { file: 'kubelet.log', message: `no dated line, year or reference time: assumed ${new Date().getUTCFullYear()} and UTC for klog headers` },
    ]);
  });

  it('leaves the zone to "Observed pod startup duration" when the log has it (a dated UTC time on a header line)', async () => {
    const observed =
      'I0915 15:59:53.912034    1843 pod_startup_latency_tracker.go:102] "Observed pod startup duration" pod="density-test-9305/pod-0" ' +
      'podStartSLOduration=2.7 podStartE2EDuration="2.912034s" podCreationTimestamp="2026-09-15 13:59:51 +0000 UTC" ' +
      'firstStartedPulling="0001-01-01 00:00:00 +0000 UTC" lastFinishedPulling="0001-01-01 00:00:00 +0000 UTC" ' +
      'observedRunningTime="2026-09-15 13:59:53.790094099 +0000 UTC m=+312.5" watchObservedRunningTime="2026-09-15 13:59:53.912001 +0000 UTC m=+312.6"\n';
    const r = await readKubeletLogFile(tmpFile(Buffer.concat([LOG, Buffer.from(observed)])), { file: 'kubelet.log' });
    expect([r.offsetUs, r.year, r.warnings]).toEqual([2 * 3600e6, 2026, []]);
  });
});

describe('ZoneSearch', () => {
  const line = (i: number, time: string) => `I0915 15:59:${String(i % 60).padStart(2, '0')}.000000    1843 event.go:267] x FirstTimestamp:${time} m=+1.0,Count:1\n`;

  it('passes over +0000 UTC times and finds the first other offset, wherever the chunks split it', () => {
    const log = Buffer.from(line(1, '0001-01-01 00:00:00 +0000 UTC') + line(2, '2026-03-29 01:59:59.5 +0100 CET') + line(3, '2026-03-29 03:00:00 +0200 CEST'));
    for (let cut = 1; cut < log.length; cut++) {
      const s = new ZoneSearch();
      s.push(log.subarray(0, cut));
      s.push(log.subarray(cut));
      expect(s.found).toEqual({ line: 2, offsetUs: 3600e6, at: Date.UTC(2026, 2, 29, 0, 59, 59, 500) * 1000, text: '2026-03-29 01:59:59.5 +0100 CET' });
    }
  });

  it('reads offsets west of UTC and zones Go prints as numbers', () => {
    const s = new ZoneSearch();
    s.push(Buffer.from(line(1, '2026-09-15 09:59:53 -0400 EDT')));
    expect(s.found).toMatchObject({ line: 1, offsetUs: -4 * 3600e6 });
    const n = new ZoneSearch();
    n.push(Buffer.from(line(1, '2026-09-15 17:29:53 +0530 +0530')));
    expect(n.found).toMatchObject({ offsetUs: 5.5 * 3600e6, at: Date.UTC(2026, 8, 15, 11, 59, 53) * 1000 });
  });

  it('stops looking after a bounded number of candidates', () => {
    const s = new ZoneSearch();
    s.push(Buffer.from(line(0, '0001-01-01 00:00:00 +0000 UTC').repeat(MAX_CANDIDATES)));
    expect(s.done).toBe(true);
    s.push(Buffer.from(line(1, '2026-09-15 15:59:53 +0200 CEST')));
    expect(s.found).toBeUndefined();
  });

  it('stops looking after the first MAX_SEARCH_BYTES of a log', () => {
    const filler = Buffer.from('I0915 15:59:53.000000    1843 kubelet.go:2431] "SyncLoop (housekeeping)"\n');
    const early = new ZoneSearch();
    early.push(Buffer.alloc(MAX_SEARCH_BYTES - 4096, filler));
    early.push(Buffer.from(line(1, '2026-09-15 15:59:53 +0200 CEST')));
    expect(early.found).toMatchObject({ offsetUs: 2 * 3600e6 });
    const late = new ZoneSearch();
    late.push(Buffer.alloc(MAX_SEARCH_BYTES + 4096, filler));
    expect(late.done).toBe(true);
    late.push(Buffer.from(line(1, '2026-09-15 15:59:53 +0200 CEST')));
    expect(late.end()).toBeUndefined();
  });
});
