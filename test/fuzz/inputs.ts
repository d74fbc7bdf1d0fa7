// Hostile inputs for the parser fuzzers: JSON values of every odd kind (huge
// and tiny numbers, numbers as strings, 30,000-deep nesting, control
// characters), documents shaped like each file the parsers read with those
// values in the fields that matter, and real fixtures cut and spliced with junk.
import fc from 'fast-check';

/** JSON text of a value a careless parser trips on. */
export const oddValue: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)) },
  {
    weight: 4,
    arbitrary: fc.constantFrom(
      '1e20',
      '1e308',
      '-1e308',
      '1e-400',
      '-0',
      '0',
      '-1',
      '9223372036854775808',
      '-9223372036854775809',
      '9'.repeat(400),
      '"9223372036854775808"',
      '"1e20"',
      '"NaN"',
      '"Infinity"',
      '"-1"',
      '" 12 "',
      'null',
      'true',
      '""',
      '"\\u0000\\ud800"',
      '{}',
      '[]',
      '[1e999]',
    ),
  },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 30_000 }).map((d) => '['.repeat(d) + ']'.repeat(d)) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 30_000 }).map((d) => '{"a":'.repeat(d) + '1' + '}'.repeat(d)) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }).map((s) => JSON.stringify(s)) },
);

/** A plausible number sometimes, an odd value otherwise. */
const numberish = fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }).map(String), fc.integer().map(String), oddValue);

/** `{"k": v, …}` from pairs of JSON texts: keys may repeat (JSON.parse keeps the last). */
function object(fields: fc.Arbitrary<[string, string]>[], extra = 2): fc.Arbitrary<string> {
  return fc
    .tuple(fc.tuple(...fields), fc.array(fc.tuple(fc.string({ maxLength: 8 }).map((k) => JSON.stringify(k)), oddValue), { maxLength: extra }))
    .chain(([known, more]) => fc.shuffledSubarray([...known.map(([k, v]) => [JSON.stringify(k), v] as const), ...more]))
    .map((pairs) => `{${pairs.map(([k, v]) => `${k}:${v}`).join(',')}}`);
}

const field = (key: string, value: fc.Arbitrary<string>): fc.Arbitrary<[string, string]> => value.map((v) => [key, v]);
const either = (...values: fc.Arbitrary<string>[]) => fc.oneof(...values, oddValue);
const array = (item: fc.Arbitrary<string>, maxLength = 4) => fc.array(item, { maxLength }).map((xs) => `[${xs.join(',')}]`);

const labels = either(object([field('test', either(fc.constant('"density_create_batch_10_0_0"'))), field('node', oddValue), field('image', oddValue)]));

/** `perftype.PerfData` with odd values in its fields. */
export const perfDataText: fc.Arbitrary<string> = object([
  field('version', either(fc.constantFrom('"v1"', '"v2"'))),
  field('labels', labels),
  field(
    'dataItems',
    either(
      array(
        either(
          object([
            field('data', either(object([field('Perc50', numberish), field('Perc90', numberish), field('Perc99', numberish)]))),
            field('unit', either(fc.constant('"ms"'))),
            field('labels', labels),
          ]),
        ),
      ),
    ),
  ),
]);

const nanos = fc.oneof(numberish, fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }).map((n) => `"${n}"`), fc.bigInt({ min: 0n, max: 4n * 10n ** 18n }).map(String));

/** NodeTimeSeries with odd times and samples. */
export const timeSeriesText: fc.Arbitrary<string> = object([
  field('version', either(fc.constant('"v2"'))),
  field('labels', labels),
  field('op_series', either(object([field('create', either(array(nanos, 6))), field('running', either(array(nanos, 6)))]))),
  field(
    'resource_series',
    either(
      object([
        field(
          'kubelet',
          either(
            object([
              field('ts', either(array(nanos, 6))),
              field('cpu', either(array(numberish, 6))),
              field('memory', either(array(numberish, 6))),
              field('unit', either(object([field('cpu', oddValue), field('memory', oddValue)]))),
            ]),
          ),
        ),
      ]),
    ),
  ),
]);

const seconds = fc.oneof(numberish, fc.double({ min: 0, max: 5e9, noNaN: true }).map((s) => `"${s}"`), fc.constantFrom('"1700215200"', '"1700215200.5"', '"000000000001"'));
const version = either(fc.constantFrom('"v1.29.0-alpha.3.394+3f8a37e1c2a7a5"', '"v1.32.0"', '"master"', '"+zz"'));

/** started.json and finished.json (one shape can feed both parsers). */
export const prowText: fc.Arbitrary<string> = object([
  field('timestamp', seconds),
  field('repo-version', version),
  field('repo-commit', either(fc.constant('"3f8a37e1c2a7a5"'))),
  field('revision', version),
  field('result', either(fc.constantFrom('"SUCCESS"', '"FAILURE"'))),
  field('passed', oddValue),
  field('repos', either(object([field('kubernetes/kubernetes', either(fc.constantFrom('"master:3f8a37e1c2a7a5"', '"master:3f8a37e1,123:abc"')))]))),
  field('metadata', either(object([field('job-version', version), field('repo-commit', oddValue), field('repos', oddValue)]))),
]);

const refs = either(
  object([
    field('org', either(fc.constant('"kubernetes"'))),
    field('repo', either(fc.constant('"kubernetes"'))),
    field('base_sha', either(fc.constant('"3f8a37e1c2a7a5"'))),
    field('pulls', either(array(either(object([field('number', either(fc.constant('123'), fc.constant('"123"')))]))))),
  ]),
);

/** prowjob.json. */
export const prowJobText: fc.Arbitrary<string> = object([
  field('spec', either(object([field('job', oddValue), field('refs', refs), field('extra_refs', either(array(refs)))]))),
  field('status', either(object([field('url', either(fc.constantFrom('"https://prow.k8s.io/view/x"', '"javascript:alert(1)"', '"https://a b"')))]))),
]);

/** data/jobs.json. */
export const jobsText: fc.Arbitrary<string> = object(
  [
    field(
      'jobs',
      either(
        array(
          either(
            object(
              [
                field('name', either(fc.constantFrom('"ci-kubernetes-node-kubelet-benchmark"', '"../x"', '"a b"', '"é"'))),
                field('source', either(fc.constantFrom('"gs://kubernetes-ci-logs/logs/ci-x"', '"s3://b/p"', '"file:///etc"', '"gs://"', '"http://x"'))),
                field('last', either(fc.constantFrom('1', '100', '0', '1.5'))),
                field('displayName', oddValue),
                field('prowUrl', either(fc.constantFrom('"https://prow.k8s.io/view/gs/{bucket}/logs/{job}/{build}"', '"https://x/{nope}"', '"ftp://x"'))),
                field('artifactsUrl', oddValue),
              ],
              1,
            ),
          ),
          3,
        ),
      ),
    ),
  ],
  1,
);

/** A real file cut short, and junk spliced in at a random place. */
export function mutated(texts: readonly string[]): fc.Arbitrary<string> {
  return fc
    .tuple(fc.constantFrom(...texts), fc.nat(), fc.nat(), fc.nat(), fc.string({ unit: 'binary', maxLength: 12 }))
    .map(([text, cut, at, gone, junk]) => {
      const kept = text.slice(0, cut % (text.length + 1));
      const i = at % (kept.length + 1);
      return kept.slice(0, i) + junk + kept.slice(Math.min(kept.length, i + (gone % 20)));
    });
}

/** Any of: a shaped document, a mutated real one, random JSON, random text. */
export function textsLike(shaped: fc.Arbitrary<string>, real: readonly string[]): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 5, arbitrary: shaped },
    { weight: 3, arbitrary: mutated(real) },
    { weight: 1, arbitrary: oddValue },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 200 }) },
  );
}

/** Lines of a log: real ones, real ones mangled, and random ones. */
export function linesLike(real: readonly string[], maxLength = 40): fc.Arbitrary<string[]> {
  return fc.array(
    fc.oneof(
      { weight: 4, arbitrary: fc.constantFrom(...real) },
      { weight: 3, arbitrary: mutated(real) },
      { weight: 1, arbitrary: fc.string({ maxLength: 120 }) },
      { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 120 }) },
    ),
    { maxLength },
  );
}
