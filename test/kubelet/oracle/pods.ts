// Pod identity in kubelet logs: legacy `name_namespace(uid)`, structured
// `pod="ns/name"` (+ `podUID=`), JSON `{"name","namespace"}`. A pod is keyed
// by namespace/name; a new ADD after a DELETE/REMOVE of the same name (or a
// line with an unknown uid for it) starts its next instance.
import { isObject, stringValue, type LogRecord } from './record';

export interface PodRef {
  namespace: string;
  name: string;
  uid?: string;
}

export const podKey = (p: PodRef): string => `${p.namespace}/${p.name}`;

/** Copies a string out of the line it was sliced from, so the line (and its chunk) can be collected. */
export function keep(s: string): string {
  return Buffer.from(s, 'utf8').toString('utf8');
}

const LEGACY_POD = /^([^\s"(),_/]+)_([^\s"(),_/]+)\(([^\s"()]*)\)$/;

/** `name_namespace(uid)` */
export function parseLegacyPod(s: string): PodRef | undefined {
  const m = LEGACY_POD.exec(s.trim());
  if (!m) return undefined;
  return { name: m[1], namespace: m[2], ...(m[3] ? { uid: m[3] } : {}) };
}

/** `a_ns(uid1), b_ns(uid2)` (the quoted list of a legacy SyncLoop line) */
export function parseLegacyPodList(s: string): PodRef[] {
  return s
    .split(',')
    .map((p) => parseLegacyPod(p))
    .filter((p): p is PodRef => p !== undefined);
}

/** `"ns/name"` or `{"name","namespace"}` */
export function podFromValue(v: unknown): PodRef | undefined {
  if (typeof v === 'string') {
    const slash = v.indexOf('/');
    if (slash <= 0 || slash === v.length - 1 || v.indexOf('/', slash + 1) !== -1 || /\s/.test(v)) return undefined;
    return { namespace: v.slice(0, slash), name: v.slice(slash + 1) };
  }
  if (isObject(v) && typeof v.name === 'string' && typeof v.namespace === 'string' && v.name && v.namespace) {
    return { namespace: v.namespace, name: v.name, ...(typeof v.uid === 'string' && v.uid ? { uid: v.uid } : {}) };
  }
  return undefined;
}

/** The record's pod (`pod=`, or another key such as `object=`), with `podUID=` when logged. */
export function podOf(rec: LogRecord, key = 'pod'): PodRef | undefined {
  const p = podFromValue(rec.get(key));
  if (!p) return undefined;
  const uid = p.uid ?? stringValue(rec, 'podUID');
  return uid ? { ...p, uid } : p;
}

/** `pods=["ns/a","ns/b"]`, `pods=[ns/a ns/b]` (older, unquoted), JSON objects or strings. */
export function podsOf(rec: LogRecord, key = 'pods'): PodRef[] {
  const v = rec.get(key);
  const items = Array.isArray(v)
    ? (v as unknown[])
    : typeof v === 'string' && v.startsWith('[') && v.endsWith(']')
      ? v.slice(1, -1).split(/[\s,]+/).filter(Boolean)
      : [];
  return items.map(podFromValue).filter((p): p is PodRef => p !== undefined);
}

export function isSystemPod(p: PodRef): boolean {
  return p.namespace === 'kube-system' || p.namespace.includes('cadvisor') || p.name.includes('cadvisor');
}

/** One life of a pod name, with what the reader gathered about it. */
export interface PodInstance {
  pod: string;
  namespace: string;
  name: string;
  instance: number;
  uid?: string;
  static: boolean;
  system: boolean;
  removed: boolean;
}

/** The pods a log talks about, by name and by uid, across re-creations. */
export class PodRegistry {
  private readonly byName = new Map<string, PodInstance[]>();
  private readonly byUid = new Map<string, PodInstance>();

  /** The instance a line about `ref` belongs to. */
  resolve(ref: PodRef): PodInstance {
    if (ref.uid) {
      const known = this.byUid.get(ref.uid);
      if (known) return known;
    }
    const lives = this.byName.get(podKey(ref));
    const current = lives?.[lives.length - 1];
    if (!current) return this.start(ref, 0);
    if (ref.uid && current.uid && current.uid !== ref.uid) return this.start(ref, current.instance + 1);
    if (ref.uid && !current.uid) this.attachUid(current, ref.uid);
    return current;
  }

  /** A SyncLoop ADD: a removed pod comes back as its next instance. */
  add(ref: PodRef, isStatic: boolean): PodInstance {
    const known = ref.uid ? this.byUid.get(ref.uid) : undefined;
    const lives = this.byName.get(podKey(ref));
    const current = lives?.[lives.length - 1];
    const inst = known ?? (current?.removed ? this.start(ref, current.instance + 1) : this.resolve(ref));
    if (isStatic) inst.static = true;
    return inst;
  }

  remove(ref: PodRef): void {
    this.resolve(ref).removed = true;
  }

  byUidOnly(uid: string): PodInstance | undefined {
    return this.byUid.get(uid);
  }

  all(): PodInstance[] {
    return [...this.byName.values()].flat();
  }

  private start(ref: PodRef, instance: number): PodInstance {
    const namespace = keep(ref.namespace);
    const name = keep(ref.name);
    const inst: PodInstance = {
      pod: `${namespace}/${name}`,
      namespace,
      name,
      instance,
      static: false,
      system: isSystemPod(ref),
      removed: false,
    };
    const lives = this.byName.get(inst.pod);
    if (lives) lives.push(inst);
    else this.byName.set(inst.pod, [inst]);
    if (ref.uid) this.attachUid(inst, ref.uid);
    return inst;
  }

  private attachUid(inst: PodInstance, uid: string): void {
    inst.uid = keep(uid);
    this.byUid.set(inst.uid, inst);
  }
}
