import { describe, expect, it } from 'vitest';
import { parseGoDuration, parseGoTime, resolveClock, epochToMicros } from '../../ingest/parsers/kubelet/time';
import { fromIso } from '../../lib/time';
import { probesOf, readFixture } from './helpers';

describe('klog header year and zone', () => {
  it('finds a clock two hours ahead of UTC from the tracker’s dated lines and reports UTC', async () => {
    const r = await readFixture('zone-offset.log');
    expect(r.offsetUs).toBe(2 * 3600 * 1_000_000);
    expect(r.year).toBe(2025);
    expect(probesOf(r, 'tz-test/pod-z')).toEqual({
      pod_config_change: '2025-03-16T04:31:21.080604Z',
      runtime_manager: '2025-03-16T04:31:21.291836Z',
      infra_container_start: '2025-03-16T04:31:21.804214Z',
      container_start: '2025-03-16T04:31:22.512337Z',
      pod_running: '2025-03-16T04:31:22.692926Z',
      watch_observed_running: '2025-03-16T04:31:22.703400Z',
      pod_status_running: '2025-03-16T04:31:22.705871Z',
    });
    expect(r.warnings).toEqual([]);
  });

  it('takes the year from dated lines over the year it is given', async () => {
    const r = await readFixture('structured-1.27.log', { year: 2019 });
    expect(r.year).toBe(2025);
    expect(r.offsetUs).toBe(0);
  });

  it('moves to the next year where the log crosses New Year', async () => {
    const r = await readFixture('new-year.log', { year: 2024 });
    expect(probesOf(r, 'ny-test/pod-n')).toEqual({
      pod_config_change: '2024-12-31T23:59:59.900000Z',
      runtime_manager: '2024-12-31T23:59:59.950000Z',
      infra_container_start: '2025-01-01T00:00:00.400000Z',
      container_start: '2025-01-01T00:00:00.800000Z',
    });
  });

  it('chooses the year that puts the log closest to the reference, even across New Year', async () => {
    const after = await readFixture('new-year.log', { reference: fromIso('2025-01-01T00:10:00Z') });
    expect(after.year).toBe(2024);
    expect(probesOf(after, 'ny-test/pod-n').infra_container_start).toBe('2025-01-01T00:00:00.400000Z');
    const before = await readFixture('new-year.log', { reference: fromIso('2024-12-31T23:00:00Z') });
    expect(before.year).toBe(2024);
    expect(before.warnings).toEqual([]);
  });

  it('warns when nothing dates the log and assumes the current year', async () => {
    const r = await readFixture('new-year.log');
    expect(r.year).toBe(new Date().getUTCFullYear());
    expect(r.warnings).toEqual([
      { file: 'new-year.log', message: `no dated line, year or reference time: assumed ${r.year} and UTC for klog headers` },
    ]);
  });

  it('rounds the header offset to whole quarter hours (India is +5:30) and ignores the jitter of logging', () => {
    const header = { month: 3, day: 16, usOfDay: ((10 * 60 + 1) * 60 + 22) * 1e6 + 703_419, bump: 0 };
    const { clock } = resolveClock({
      facts: [{ at: fromIso('2025-03-16T04:31:22.703400Z')!, header }],
      file: 'x',
    });
    expect(clock).toEqual({ year: 2025, offsetUs: 5.5 * 3600 * 1e6 });
  });
});

describe('dated values the kubelet prints', () => {
  it('parses Go time strings to UTC microseconds; 0001-01-01 is unset', () => {
    expect(parseGoTime('2025-03-16 04:31:22.692926465 +0000 UTC m=+270.500123456')).toBe(fromIso('2025-03-16T04:31:22.692926Z'));
    expect(parseGoTime('2024-05-29 14:42:44 +0800 CST')).toBe(fromIso('2024-05-29T06:42:44Z'));
    expect(parseGoTime('2022-06-18T19:42:34Z')).toBe(fromIso('2022-06-18T19:42:34Z'));
    expect(parseGoTime('0001-01-01 00:00:00 +0000 UTC')).toBeUndefined();
    expect(parseGoTime('yesterday')).toBeUndefined();
  });

  it('parses Go durations, including the absurd ones', () => {
    expect(parseGoDuration('2.755s')).toBe(2.755);
    expect(parseGoDuration('1m2.5s')).toBe(62.5);
    expect(parseGoDuration('936.436ms')).toBeCloseTo(0.936436, 12);
    expect(parseGoDuration('-2562047h47m16.854775808s')).toBeCloseTo(-9223372036.854776, 3);
    expect(parseGoDuration('soon')).toBeUndefined();
  });

  it('tells epoch seconds, milliseconds, microseconds and nanoseconds apart by magnitude', () => {
    expect(epochToMicros(1655581354.2645642)).toBe(1655581354264564);
    expect(epochToMicros(1655581354264.5642)).toBe(1655581354264564);
    expect(epochToMicros(1655581354264564)).toBe(1655581354264564);
    expect(epochToMicros(1655581354264564000)).toBe(1655581354264564);
  });
});
