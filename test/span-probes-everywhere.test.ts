// Span probes sit among the log probes wherever probes are listed: in the
// startup order (each beside the log probe of the same step) and in the
// palette (colours of their own, none a log probe's).
import { describe, expect, it } from 'vitest';
import { PROBE_COLORS } from '../app/components/palette';
import { PROBES, SPAN_PROBES } from '../lib/model';
import { STARTUP_ORDER, startupOrder } from '../lib/tracing';

describe('span probes beside log probes', () => {
  it('has every log and span probe once in the startup order, each source in its own order', () => {
    expect([...STARTUP_ORDER].sort()).toEqual([...PROBES, ...SPAN_PROBES].sort());
    expect(STARTUP_ORDER.filter((p) => (PROBES as readonly string[]).includes(p))).toEqual([...PROBES]);
    expect(STARTUP_ORDER.filter((p) => (SPAN_PROBES as readonly string[]).includes(p))).toEqual([...SPAN_PROBES]);
    expect(startupOrder(['container_start', 'sandbox_ready', 'pod_config_change', 'sync_start'], [])).toEqual([
      'pod_config_change',
      'sync_start',
      'sandbox_ready',
      'container_start',
    ]);
  });

  it('gives each span probe a colour no log probe has', () => {
    const logColors = new Set(PROBES.map((p) => PROBE_COLORS[p]));
    for (const p of SPAN_PROBES) {
      expect(PROBE_COLORS[p], p).toMatch(/^#[0-9a-f]{6}$/);
      expect(logColors.has(PROBE_COLORS[p]), p).toBe(false);
    }
    expect(new Set(SPAN_PROBES.map((p) => PROBE_COLORS[p])).size).toBe(SPAN_PROBES.length);
  });
});
