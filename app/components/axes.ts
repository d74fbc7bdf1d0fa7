// Which stats a chart draws against an axis of its own on the right: those
// far smaller than the others of their chart (single-worst ≈ 15 pods/min
// beside batch ≈ 1,350 would lie flat at 0 on a shared axis). One table for
// the lines of the Builds page and the bars of the Comparison page.

export const RIGHT_AXIS_STATS: Readonly<Record<string, readonly string[]>> = {
  throughput: ['single-worst'],
};

export function rightAxisStats(metric: string): readonly string[] {
  return RIGHT_AXIS_STATS[metric] ?? [];
}
