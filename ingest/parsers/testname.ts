// Test short names (FORMATS.md section 1) split into the options the UI's
// option tree offers: `density_<operation>_<mode>_<pods>_<bgpods>_<intervalms>[_<qps>]`
// and `resource_<pods>`; any other name is kept as it is.
import type { TestOptions } from '../../lib/model';

const COUNT = /^\d+$/;

function count(s: string): number | undefined {
  return COUNT.test(s) ? Number(s) : undefined;
}

export function parseTestOptions(shortName: string): TestOptions {
  const parts = shortName.split('_');
  if (parts[0] === 'density' && (parts.length === 6 || parts.length === 7)) {
    const [, operation, mode, ...rest] = parts;
    const [pods, backgroundPods, intervalMs, qps] = rest.map(count);
    if (!operation || !mode || pods === undefined || backgroundPods === undefined || intervalMs === undefined) {
      return { kind: 'other' };
    }
    if (parts.length === 7 && qps === undefined) return { kind: 'other' };
    return {
      kind: 'density',
      operation,
      mode,
      pods,
      backgroundPods,
      intervalMs,
      ...(qps === undefined ? {} : { qps }),
    };
  }
  if (parts[0] === 'resource' && parts.length === 2) {
    const pods = count(parts[1]);
    if (pods !== undefined) return { kind: 'resource', pods };
  }
  return { kind: 'other' };
}
