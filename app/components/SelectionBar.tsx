'use client';
// The selection bar of the job pages: test (by short name, or option by
// option along the `_` parts of its name), then image and machine (only
// combinations that exist), then the build range. Every change is a new URL,
// and the bar shows the URL's selection: it is re-created when the URL's
// selection changes, so Back and Forward bring the fields along.
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import type { TestOptions } from '@/lib/model';
import RangeFields from './RangeFields';

export interface TestChoiceLite {
  name: string;
  options: TestOptions;
  configs: { image: string; machine: string }[];
}

export interface SelectionBarProps {
  /** Page path the selection navigates to. */
  path: string;
  tests: TestChoiceLite[];
  test: string;
  image: string;
  machine: string;
  /** Build range (`last`, `builds`); omit to hide the range controls. */
  range?: { last: string; builds?: string };
  /** Other parameters of the page to keep on every change (e.g. probes); an array repeats the parameter. */
  keep?: Record<string, string | readonly string[] | undefined>;
  /** When set, the bar builds a selection to add to this comparison URL instead of navigating. */
  addTo?: string;
  /** Selections (`test|image|machine`) already in that comparison: the same one is not added twice. */
  added?: readonly string[];
}

type Field = { key: string; label: string };

const FIELDS: Record<TestOptions['kind'], Field[]> = {
  density: [
    { key: 'operation', label: 'operation' },
    { key: 'mode', label: 'mode' },
    { key: 'pods', label: 'pods' },
    { key: 'backgroundPods', label: 'background pods' },
    { key: 'intervalMs', label: 'interval (ms)' },
    { key: 'qps', label: 'QPS' },
  ],
  resource: [{ key: 'pods', label: 'pods' }],
  other: [],
};

function field(o: TestOptions, key: string): string {
  const v = (o as unknown as Record<string, string | number | undefined>)[key];
  return v === undefined ? '–' : String(v);
}

function sortValues(vs: string[]): string[] {
  return [...vs].sort((a, b) => (/^\d+$/.test(a) && /^\d+$/.test(b) ? Number(a) - Number(b) : a.localeCompare(b)));
}

export default function SelectionBar(props: SelectionBarProps) {
  return <Bar key={[props.test, props.image, props.machine, props.range?.last, props.range?.builds].join('|')} {...props} />;
}

function Bar(props: SelectionBarProps) {
  const router = useRouter();
  const [sel, setSel] = useState({ test: props.test, image: props.image, machine: props.machine });
  const current = props.tests.find((t) => t.name === sel.test) ?? props.tests[0];
  const fields = FIELDS[current.options.kind];

  const go = (next: { test: string; image: string; machine: string }) => {
    const range = props.range;
    setSel(next);
    if (props.addTo) return;
    const q = new URLSearchParams();
    q.set('test', next.test);
    q.set('image', next.image);
    q.set('machine', next.machine);
    if (range) {
      if (range.last && !(range.builds && range.last === 'all')) q.set('last', range.last);
      if (range.builds) q.set('builds', range.builds);
    }
    for (const [k, v] of Object.entries(props.keep ?? {})) {
      if (typeof v === 'string') q.set(k, v);
      else for (const x of v ?? []) q.append(k, x);
    }
    router.push(`${props.path}?${q}`);
  };

  /** A test chosen: keep the node config when the test ran on it, else its first. */
  const chooseTest = (name: string) => {
    const t = props.tests.find((x) => x.name === name)!;
    const c =
      t.configs.find((c) => c.image === sel.image && c.machine === sel.machine) ??
      t.configs.find((c) => c.image === sel.image) ??
      t.configs[0];
    go({ test: t.name, image: c.image, machine: c.machine });
  };

  /** An option changed: the test that keeps the earlier options, this one, and as many later ones as possible. */
  const chooseOption = (i: number, value: string) => {
    const fixed = fields.slice(0, i);
    const candidates = props.tests.filter(
      (t) =>
        t.options.kind === current.options.kind &&
        fixed.every((f) => field(t.options, f.key) === field(current.options, f.key)) &&
        field(t.options, fields[i].key) === value,
    );
    const score = (t: TestChoiceLite) =>
      fields.slice(i + 1).filter((f) => field(t.options, f.key) === field(current.options, f.key)).length;
    const best = candidates.sort((a, b) => score(b) - score(a))[0];
    if (best) chooseTest(best.name);
  };

  const addSel = [current.name, sel.image, sel.machine].join('|');
  const images = [...new Set(current.configs.map((c) => c.image))];
  const machines = current.configs.filter((c) => c.image === sel.image).map((c) => c.machine);

  return (
    <div className="selbar" data-selbar>
      <div className="selgroup">
        <span className="grouplabel">Test</span>
        <label className="field">
          short name
          <select name="test" value={current.name} onChange={(e) => chooseTest(e.target.value)}>
            {props.tests.map((t) => (
              <option key={t.name} value={t.name}>
                {t.name}
              </option>
            ))}
          </select>
        </label>
        {fields.map((f, i) => {
          const values = sortValues([
            ...new Set(
              props.tests
                .filter(
                  (t) =>
                    t.options.kind === current.options.kind &&
                    fields.slice(0, i).every((g) => field(t.options, g.key) === field(current.options, g.key)),
                )
                .map((t) => field(t.options, f.key)),
            ),
          ]);
          if (f.key === 'qps' && values.length === 1 && values[0] === '–') return null;
          return (
            <label key={f.key} className="field">
              {f.label}
              <select name={`opt-${f.key}`} value={field(current.options, f.key)} onChange={(e) => chooseOption(i, e.target.value)}>
                {values.map((v) => (
                  <option key={v} value={v}>
                    {v}
                  </option>
                ))}
              </select>
            </label>
          );
        })}
      </div>
      <div className="selgroup">
        <span className="grouplabel">Node</span>
        <label className="field">
          image
          <select
            name="image"
            value={sel.image}
            onChange={(e) => {
              const c = current.configs.find((c) => c.image === e.target.value && c.machine === sel.machine) ??
                current.configs.find((c) => c.image === e.target.value)!;
              go({ test: current.name, image: c.image, machine: c.machine });
            }}
          >
            {images.map((i) => (
              <option key={i}>{i}</option>
            ))}
          </select>
        </label>
        <label className="field">
          machine
          <select name="machine" value={sel.machine} onChange={(e) => go({ ...sel, test: current.name, machine: e.target.value })}>
            {machines.map((m) => (
              <option key={m}>{m}</option>
            ))}
          </select>
        </label>
      </div>
      {props.range ? <RangeFields last={props.range.last} builds={props.range.builds} /> : null}
      {props.addTo ? (
        <div className="selgroup">
          {props.added?.includes(addSel) ? (
            <span className="button secondary" data-add aria-disabled="true" title="this selection is in the comparison already">
              Already compared
            </span>
          ) : (
            <a className="button" data-add href={`${props.addTo}${props.addTo.includes('?') ? '&' : '?'}sel=${encodeURIComponent(addSel)}`}>
              Add to comparison
            </a>
          )}
        </div>
      ) : null}
    </div>
  );
}
