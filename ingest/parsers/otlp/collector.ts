// Gathers spans from any number of OTLP/JSON documents (lines of trace files,
// decoded export requests), in any order, and at the end works out which pod
// each span belongs to and the span probes of each pod. Spans arrive children
// before parents and across files, so nothing is decided before `finish`;
// only the cut-down spans of lite.ts are held meanwhile.
//
// A span belongs to the pod of its nearest pod-sync ancestor (itself, for a
// sync span) found by following parentSpanId within its trace; never to a pod
// guessed by time. A span whose chain ends before reaching a sync span (a
// root of another kind, or a parent never seen) belongs to no pod: counted,
// not a probe.
import type { IngestWarning, PodSpan, ProbeEvent, TraceResult, TraceStats } from '../../../lib/model';
import { isSystemPod } from '../kubelet/pods';
import { readSpan, serviceName, type LiteSpan, type SpanFlaws } from './lite';
import { POD_ATTRIBUTES, SPAN_PROBE_RULES, SYNC_SPANS, containerOfRuntimeName, type RowSpan } from './probes';

export interface Where {
  file: string;
  line?: number;
}

export interface FinishOptions {
  /** Keep kube-system and cAdvisor pods in events (`kpd spans --pod` follows any pod). */
  includeSystemPods?: boolean;
}

/** The first place a kind of problem showed, and how often it did. */
interface Tally {
  count: number;
  first?: Where;
}

const SYNC = new Set(SYNC_SPANS);
/** Interned strings kept at most: beyond, strings are stored as they come (garbage can hold any number of names). */
const MAX_INTERNED = 10_000;
/** Parent chains longer than this are cut (a cycle in bad data, or nonsense). */
const MAX_DEPTH = 1_000;

interface Pod {
  key: string;
  pod: string;
  namespace: string;
  name: string;
  uid?: string;
  instance: number;
  firstStart: number;
}

const keyOf = (traceId: string, spanId: string) => traceId + spanId;

export class SpanCollector {
  private readonly spans = new Map<string, LiteSpan>();
  private readonly interned = new Map<string, string>();
  private readonly tallies = new Map<string, Tally>();
  private readonly flaws: SpanFlaws = { unknownAttributeTypes: 0, oversizedValues: 0 };
  /** The files read, named by warnings about the whole. */
  private readonly files = new Set<string>();
  private readonly notes: IngestWarning[] = [];

  /** Adds the spans of one OTLP/JSON document (TracesData / ExportTraceServiceRequest); returns how many were kept. */
  add(doc: unknown, where: Where): number {
    this.files.add(where.file);
    let kept = 0;
    for (const rs of list((doc as { resourceSpans?: unknown } | null)?.resourceSpans)) {
      const rso = rs as { resource?: unknown; scopeSpans?: unknown; instrumentationLibrarySpans?: unknown } | null;
      const service = serviceName(rso?.resource);
      const scopes = rso?.scopeSpans ?? rso?.instrumentationLibrarySpans;
      for (const ss of list(scopes)) {
        for (const raw of list((ss as { spans?: unknown } | null)?.spans)) {
          if (this.addSpan(raw, service, where)) kept++;
        }
      }
    }
    return kept;
  }

  private addSpan(raw: unknown, service: string | undefined, where: Where): boolean {
    const before = { ...this.flaws };
    const s = readSpan(raw, service, where.line, this.flaws, (x) => this.intern(x));
    if (this.flaws.unknownAttributeTypes > before.unknownAttributeTypes) {
      this.tally('unknownAttributeTypes', where, this.flaws.unknownAttributeTypes - before.unknownAttributeTypes);
    }
    if (this.flaws.oversizedValues > before.oversizedValues) {
      this.tally('oversizedValues', where, this.flaws.oversizedValues - before.oversizedValues);
    }
    if (!s) {
      this.tally('malformed', where);
      return false;
    }
    const key = keyOf(s.traceId, s.spanId);
    if (this.spans.has(key)) {
      this.tally('duplicates', where);
      return false;
    }
    if (s.end === undefined) this.tally('noEnd', where);
    this.spans.set(key, s);
    return true;
  }

  /** Counts a problem met outside any span (an unreadable line), for `finish`'s warnings. */
  tally(kind: string, where: Where, n = 1): void {
    this.files.add(where.file);
    const t = this.tallies.get(kind);
    if (t) t.count += n;
    else this.tallies.set(kind, { count: n, first: where });
  }

  /** A warning about a whole file (a read error, a truncated gzip), passed on by `finish`. */
  note(w: IngestWarning): void {
    this.files.add(w.file);
    this.notes.push(w);
  }

  private intern(s: string): string {
    const known = this.interned.get(s);
    if (known !== undefined) return known;
    if (this.interned.size >= MAX_INTERNED) return s;
    const copy = Buffer.from(s, 'utf8').toString('utf8');
    this.interned.set(copy, copy);
    return copy;
  }

  /** Resolves pods and probes. The collector can take more spans and finish again. */
  finish(opts: FinishOptions = {}): Omit<TraceResult, 'lines' | 'skipped'> {
    const owners = this.resolveOwners();
    const pods = this.podsOf(owners);
    const containers = this.containersByClientSpan();

    const events: ProbeEvent[] = [];
    const spans: PodSpan[] = [];
    let noPod = 0;
    let missingParent = 0;
    const owned = new Map<Pod, { span: LiteSpan; sync: LiteSpan; depth: number }[]>();
    for (const s of this.spans.values()) {
      const o = owners.get(s)!;
      if (!o.sync) {
        noPod++;
        if (o.missingParent) missingParent++;
        continue;
      }
      const pod = pods.bySync.get(o.sync)!;
      let arr = owned.get(pod);
      if (!arr) owned.set(pod, (arr = []));
      arr.push({ span: s, sync: o.sync, depth: o.depth });
    }

    // Records are built field by field: spreads of optional fields make an object per field, thousands of times a file.
    for (const pod of pods.all) {
      const mine = owned.get(pod) ?? [];
      for (const { span: s, depth } of mine) {
        if (s.end === undefined) continue;
        const span: PodSpan = {
          pod: pod.pod,
          instance: pod.instance,
          traceId: s.traceId,
          spanId: s.spanId,
          name: s.name,
          kind: s.kind,
          start: s.start,
          end: s.end,
          depth,
          error: s.error,
          attributes: s.attributes,
        };
        if (pod.uid) span.uid = pod.uid;
        if (s.parentSpanId) span.parentSpanId = s.parentSpanId;
        if (s.service !== undefined) span.service = s.service;
        if (s.line !== undefined) span.line = s.line;
        spans.push(span);
      }
      if (!opts.includeSystemPods && isSystemPod(pod)) continue;
      for (const e of probesOf(mine, containers)) {
        const event: ProbeEvent = { probe: e.probe, pod: pod.pod, instance: pod.instance, time: e.time, source: 'span' };
        if (pod.uid) event.uid = pod.uid;
        if (e.line !== undefined) event.line = e.line;
        events.push(event);
      }
    }

    events.sort((a, b) => a.time - b.time || cmp(a.pod ?? '', b.pod ?? '') || a.instance - b.instance || cmp(a.probe, b.probe));
    spans.sort((a, b) => cmp(a.pod, b.pod) || a.instance - b.instance || a.start - b.start || a.depth - b.depth || cmp(a.spanId, b.spanId));

    const stats: TraceStats = {
      spans: this.spans.size,
      noPod,
      missingParent,
      noEnd: this.count('noEnd'),
      duplicates: this.count('duplicates'),
      malformed: this.count('malformed'),
      unknownAttributeTypes: this.flaws.unknownAttributeTypes,
      oversizedValues: this.flaws.oversizedValues,
    };
    return { events, spans, stats, warnings: this.warnings(stats) };
  }

  private count(kind: string): number {
    return this.tallies.get(kind)?.count ?? 0;
  }

  /** For each span: its nearest sync ancestor (or itself), its depth below it, or why there is none. */
  private resolveOwners(): Map<LiteSpan, { sync?: LiteSpan; depth: number; missingParent: boolean }> {
    const out = new Map<LiteSpan, { sync?: LiteSpan; depth: number; missingParent: boolean }>();
    for (const start of this.spans.values()) {
      if (out.has(start)) continue;
      const chain: LiteSpan[] = [];
      let s: LiteSpan | undefined = start;
      let found: { sync?: LiteSpan; depth: number; missingParent: boolean } = { depth: 0, missingParent: false };
      while (s) {
        const known = out.get(s);
        if (known) {
          found = known;
          break;
        }
        chain.push(s);
        if (SYNC.has(s.name) && podIdentity(s)) {
          found = { sync: s, depth: 0, missingParent: false };
          chain.pop();
          out.set(s, found);
          break;
        }
        if (!s.parentSpanId || chain.length > MAX_DEPTH) break;
        const parent = this.spans.get(keyOf(s.traceId, s.parentSpanId));
        if (!parent) found = { depth: 0, missingParent: true };
        s = parent;
      }
      // The chain's spans share the answer, each one level deeper than its parent.
      for (let i = chain.length - 1; i >= 0; i--) {
        out.set(chain[i], found.sync ? { sync: found.sync, depth: found.depth + (chain.length - i), missingParent: false } : found);
      }
    }
    return out;
  }

  /** The pods the sync spans name, with each pod name's lives numbered by first sync. */
  private podsOf(owners: Map<LiteSpan, { sync?: LiteSpan }>): { all: Pod[]; bySync: Map<LiteSpan, Pod> } {
    const byKey = new Map<string, Pod>();
    const bySync = new Map<LiteSpan, Pod>();
    for (const [s, o] of owners) {
      if (o.sync !== s) continue;
      const id = podIdentity(s)!;
      const key = id.uid ?? `${id.namespace}/${id.name}`;
      let pod = byKey.get(key);
      if (!pod) {
        pod = { key, pod: `${id.namespace}/${id.name}`, ...id, instance: 0, firstStart: s.start };
        byKey.set(key, pod);
      }
      pod.firstStart = Math.min(pod.firstStart, s.start);
      bySync.set(s, pod);
    }
    const all = [...byKey.values()].sort((a, b) => cmp(a.pod, b.pod) || a.firstStart - b.firstStart || cmp(a.key, b.key));
    let prev: Pod | undefined;
    for (const p of all) {
      p.instance = prev && prev.pod === p.pod ? prev.instance + 1 : 0;
      prev = p;
    }
    return { all, bySync };
  }

  /**
   * The container each of the kubelet's StartContainer spans started, from
   * containerd's SERVER spans (probes.ts header): the child's container.id,
   * named by the CreateContainer span that made that container.
   */
  private containersByClientSpan(): Map<LiteSpan, string> {
    const nameById = new Map<string, string>();
    for (const s of this.spans.values()) {
      const id = s.attributes['container.id'];
      const name = s.attributes['container.name'];
      if (s.kind === 'server' && typeof id === 'string' && typeof name === 'string') {
        const container = containerOfRuntimeName(name);
        if (container) nameById.set(id, container);
      }
    }
    const out = new Map<LiteSpan, string>();
    for (const s of this.spans.values()) {
      const id = s.attributes['container.id'];
      if (s.kind !== 'server' || typeof id !== 'string' || !s.parentSpanId) continue;
      const parent = this.spans.get(keyOf(s.traceId, s.parentSpanId));
      const name = nameById.get(id);
      if (parent && name !== undefined) out.set(parent, name);
    }
    return out;
  }

  private warnings(stats: TraceStats): IngestWarning[] {
    const out: IngestWarning[] = [...this.notes];
    const at = (kind: string, message: (n: number) => string) => {
      const t = this.tallies.get(kind);
      if (t && t.count > 0) out.push({ file: t.first?.file ?? '', ...(t.first?.line !== undefined ? { line: t.first.line } : {}), message: message(t.count) });
    };
    at('unreadable', (n) => `${n} ${plural(n, 'line is', 'lines are')} not OTLP JSON (first here): skipped`);
    at('oversized', (n) => `${n} ${plural(n, 'line is', 'lines are')} longer than the line limit (first here): skipped`);
    at('malformed', (n) => `${n} ${plural(n, 'span has', 'spans have')} no valid trace id, span id or start time (first here): skipped`);
    at('noEnd', (n) => `${n} ${plural(n, 'span has', 'spans have')} no valid end time (first here): no probe or bar from ${n === 1 ? 'it' : 'them'}`);
    at('duplicates', (n) => `${n} ${plural(n, 'span repeats', 'spans repeat')} an id seen before (first here): the first one is kept`);
    at('unknownAttributeTypes', (n) => `${n} ${plural(n, 'attribute has', 'attributes have')} a value of no OTLP type (first here): skipped`);
    at('oversizedValues', (n) => `${n} ${plural(n, 'attribute value is', 'attribute values are')} longer than 1024 characters (first here): skipped`);
    if (stats.noPod > 0) {
      out.push({
        file: [...this.files].join(', '),
        message: `${stats.noPod} of ${stats.spans} spans belong to no pod sync${
          stats.missingParent ? ` (${stats.missingParent} because a parent span is missing)` : ''
        }: counted, not probes`,
      });
    }
    return out;
  }

}

function list(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const plural = (n: number, one: string, many: string) => (n === 1 ? one : many);

/** The pod a sync span names: `k8s.pod` (namespace/name), else `k8s.namespace.name` and `k8s.pod.name`; with `k8s.pod.uid` when present. */
function podIdentity(s: LiteSpan): { namespace: string; name: string; uid?: string } | undefined {
  const a = s.attributes;
  const uid = typeof a[POD_ATTRIBUTES.uid] === 'string' && a[POD_ATTRIBUTES.uid] ? (a[POD_ATTRIBUTES.uid] as string) : undefined;
  let namespace: string | undefined;
  let name: string | undefined;
  const ref = a[POD_ATTRIBUTES.pod];
  if (typeof ref === 'string') {
    const slash = ref.indexOf('/');
    if (slash > 0 && slash < ref.length - 1 && ref.indexOf('/', slash + 1) === -1) {
      namespace = ref.slice(0, slash);
      name = ref.slice(slash + 1);
    }
  }
  if (namespace === undefined && typeof a[POD_ATTRIBUTES.namespace] === 'string' && typeof a[POD_ATTRIBUTES.name] === 'string') {
    namespace = a[POD_ATTRIBUTES.namespace] as string;
    name = a[POD_ATTRIBUTES.name] as string;
  }
  if (!namespace || !name) return undefined;
  return { namespace, name, ...(uid ? { uid } : {}) };
}

/** The span probes of one pod's spans: each row of the table, in turn. */
function probesOf(
  mine: readonly { span: LiteSpan; sync: LiteSpan }[],
  containers: Map<LiteSpan, string>,
): { probe: string; time: number; line?: number }[] {
  const out: { probe: string; time: number; line?: number }[] = [];
  for (const rule of SPAN_PROBE_RULES) {
    const edgeOf = (s: LiteSpan) => (rule.edge === 'start' ? s.start : s.end);
    let candidates = mine.filter(({ span: s }) => {
      if (!rule.names.includes(s.name) || (rule.kind && s.kind !== rule.kind) || edgeOf(s) === undefined) return false;
      const row: RowSpan = { ...s, ...(containers.has(s) ? { container: containers.get(s) } : {}) };
      return rule.when ? rule.when(row) : true;
    });
    const earlier = (a: { span: LiteSpan }, b: { span: LiteSpan }) =>
      edgeOf(a.span)! - edgeOf(b.span)! || cmp(a.span.traceId + a.span.spanId, b.span.traceId + b.span.spanId);
    if (rule.perContainer) {
      const firstOf = new Map<string, (typeof candidates)[number]>();
      for (const c of candidates) {
        const key = containers.get(c.span) ?? `span:${c.span.traceId}${c.span.spanId}`;
        const prev = firstOf.get(key);
        if (!prev || earlier(c, prev) < 0) firstOf.set(key, c);
      }
      candidates = [...firstOf.values()];
    }
    if (!candidates.length) continue;
    candidates.sort(earlier);
    const chosen = rule.pick === 'first' ? candidates[0] : candidates[candidates.length - 1];
    const from = rule.ofSync ? chosen.sync : chosen.span;
    const time = rule.ofSync ? from.end : edgeOf(from);
    if (time === undefined) continue;
    out.push({ probe: rule.probe, time, ...(from.line !== undefined ? { line: from.line } : {}) });
  }
  return out;
}
