// The time window of one run's charts (seconds since the test started): by
// default the span of its pod events, since a run's resource samples can go
// on for minutes after the pods started; the whole run, or a zoomed span, as
// the URL's `t=` says (`t=all`, `t=12.5-40`).

export type Window = [number, number];

export type Zoom = { kind: 'pods' } | { kind: 'all' } | { kind: 'span'; window: Window };

/** The pod events' span with a margin, in whole seconds; null without events. */
export function podEventsWindow(lines: readonly { points: readonly (readonly [number, ...unknown[]])[] }[]): Window | null {
  let lo = Infinity;
  let hi = -Infinity;
  for (const l of lines) {
    for (const p of l.points) {
      lo = Math.min(lo, p[0]);
      hi = Math.max(hi, p[0]);
    }
  }
  if (lo > hi) return null;
  const pad = Math.max(0.5, (hi - lo) * 0.04);
  return [Math.max(0, Math.floor(lo - pad)), Math.ceil(hi + pad)];
}

/** From 0 to the last sample or event. */
export function wholeRunWindow(lines: readonly { points: readonly (readonly [number, ...unknown[]])[] }[]): Window {
  let hi = 0;
  for (const l of lines) hi = Math.max(hi, l.points[l.points.length - 1]?.[0] ?? 0);
  return [0, Math.max(1, Math.ceil(hi))];
}

export function parseZoom(param: string | undefined): Zoom {
  if (param === 'all') return { kind: 'all' };
  const m = param === undefined ? null : /^(\d+(?:\.\d+)?)-(\d+(?:\.\d+)?)$/.exec(param);
  if (!m || !(Number(m[1]) < Number(m[2]))) return { kind: 'pods' };
  return { kind: 'span', window: [Number(m[1]), Number(m[2])] };
}

/** The `t=` value of a zoom; undefined for the default. */
export function zoomParam(z: Zoom): string | undefined {
  if (z.kind === 'pods') return undefined;
  if (z.kind === 'all') return 'all';
  const r = (v: number) => String(Math.round(v * 1000) / 1000);
  return `${r(z.window[0])}-${r(z.window[1])}`;
}

/** A dragged span widened to round numbers (a twentieth of its width, at a power of ten), so its ends read as ticks. */
export function roundOut(lo: number, hi: number): Window {
  const step = 10 ** Math.floor(Math.log10(Math.max(hi - lo, 0.001) / 20));
  const digits = Math.max(0, -Math.floor(Math.log10(step)));
  const fix = (v: number) => Number(v.toFixed(digits));
  return [fix(Math.max(0, Math.floor(lo / step) * step)), fix(Math.ceil(hi / step) * step)];
}
