// Node identity of a perf result: image and machine from the `image` and
// `machine` labels, or derived from the host name that node e2e gives its
// test VMs when the labels are missing (older data). The host is kept too.
import type { Labels, NodeConfig } from '../../lib/model';

export interface NodeIdentity {
  node: NodeConfig;
  host?: string;
  /** True when image or machine came from the host name rather than labels. */
  derived: boolean;
}

export const UNKNOWN_MACHINE = 'unknown';

/** GCE machine types, as they lead a benchmark host name; each ends where the image (whose name starts with a letter) begins. */
const MACHINE_TYPES: { family: string; re: RegExp }[] = [
  {
    family: 'predefined: n1-standard-2, e2-highmem-4, c3-standard-4-lssd, e2-medium',
    re: /^[a-z]\d[a-z]?-(?:standard|highcpu|highmem|megamem|ultramem|hypermem|highgpu|megagpu|ultragpu|micro|small|medium)(?:-\d+)?(?:-lssd)?(?=-[a-z])/,
  },
  { family: 'custom: custom-4-8192, n2-custom-4-8192-ext', re: /^(?:[a-z]\d[a-z]?-)?custom-\d+-\d+(?:-ext)?(?=-[a-z])/ },
  { family: 'legacy shared core: f1-micro, g1-small', re: /^(?:f1-micro|g1-small)(?=-[a-z])/ },
];

/** The 8 hex digits of a uuid that node e2e appends to make instance names unique. */
const TRAILING_UUID = /-[0-9a-f]{8}$/;

/** Host name layouts of node e2e (run_remote.go), tried in order. */
const HOST_RULES: { layout: string; parse: (host: string) => NodeConfig | undefined }[] = [
  {
    layout: 'benchmark: <machine>-<image>-<uuid8>',
    parse: (host) => {
      for (const { re } of MACHINE_TYPES) {
        const m = re.exec(host);
        if (!m) continue;
        const image = host.slice(m[0].length + 1).replace(TRAILING_UUID, '');
        if (image) return { machine: m[0], image };
      }
      return undefined;
    },
  },
  {
    layout: 'plain: tmp-node-e2e-<uuid8>-<image>',
    parse: (host) => {
      const m = /^tmp-node-e2e-[0-9a-f]{8}-(.+)$/.exec(host);
      return m ? { machine: UNKNOWN_MACHINE, image: m[1] } : undefined;
    },
  },
];

/** Image and machine from a host name; image = host and machine unknown when no layout fits. */
export function nodeConfigFromHost(host: string): NodeConfig {
  for (const rule of HOST_RULES) {
    const node = rule.parse(host);
    if (node) return node;
  }
  return { image: host, machine: UNKNOWN_MACHINE };
}

export function nodeConfigFrom(labels: Labels): NodeIdentity {
  const host = labels.node || undefined;
  const image = labels.image || undefined;
  const machine = labels.machine || undefined;
  if (image && machine) return { node: { image, machine }, ...(host ? { host } : {}), derived: false };
  const fromHost = host ? nodeConfigFromHost(host) : { image: 'unknown', machine: UNKNOWN_MACHINE };
  return {
    node: { image: image ?? fromHost.image, machine: machine ?? fromHost.machine },
    ...(host ? { host } : {}),
    derived: true,
  };
}
