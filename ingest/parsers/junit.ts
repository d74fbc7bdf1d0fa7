// JUnit XML from Ginkgo (FORMATS.md section 5): which tests passed, failed or
// were skipped. A malformed or truncated file gives a warning and whatever
// test cases could still be read.
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import type { IngestWarning, JUnitCase, TestStatus } from '../../lib/model';
import { isRecord, type JsonRecord } from './json';

export interface JUnitResult {
  cases: JUnitCase[];
  warnings: IngestWarning[];
}

/** Ginkgo v2 also writes a `status` attribute; used only when no child element says. */
const STATUS_ATTRIBUTE: Record<string, TestStatus> = {
  passed: 'passed',
  failed: 'failed',
  panicked: 'failed',
  interrupted: 'failed',
  timedout: 'failed',
  aborted: 'failed',
  skipped: 'skipped',
  pending: 'skipped',
};

/** Child elements that decide a case's status, strongest first. */
const STATUS_CHILDREN: [string, TestStatus][] = [
  ['failure', 'failed'],
  ['error', 'failed'],
  ['skipped', 'skipped'],
];

/** Failure output can hold a whole stack and log excerpt; the report needs the gist. */
const MAX_MESSAGE = 4000;

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  parseTagValue: false,
  parseAttributeValue: false,
  // Ginkgo escapes quotes and newlines numerically (&#34; &#xA;).
  htmlEntities: true,
  isArray: (name) => ['testsuite', 'testcase', 'failure', 'error', 'skipped'].includes(name),
});

function messageOf(el: unknown): string | undefined {
  let text: string | undefined;
  if (typeof el === 'string') text = el;
  else if (isRecord(el)) {
    const attr = el['@_message'];
    const body = el['#text'];
    text = typeof attr === 'string' && attr.trim() ? attr : typeof body === 'string' ? body : undefined;
  }
  text = text?.trim();
  return text ? text.slice(0, MAX_MESSAGE) : undefined;
}

function readCase(tc: JsonRecord): JUnitCase | undefined {
  const name = tc['@_name'];
  if (typeof name !== 'string' || !name) return undefined;
  const out: JUnitCase = { name, status: 'passed' };
  const classname = tc['@_classname'];
  if (typeof classname === 'string' && classname) out.classname = classname;
  const time = Number(tc['@_time']);
  if (typeof tc['@_time'] === 'string' && tc['@_time'] !== '' && Number.isFinite(time)) out.timeSeconds = time;

  const decided = STATUS_CHILDREN.find(([child]) => Array.isArray(tc[child]));
  if (decided) {
    out.status = decided[1];
    const message = messageOf((tc[decided[0]] as unknown[])[0]);
    if (message) out.message = message;
  } else {
    const attr = tc['@_status'];
    if (typeof attr === 'string' && STATUS_ATTRIBUTE[attr]) out.status = STATUS_ATTRIBUTE[attr];
  }
  return out;
}

/** Test cases of every `testsuite`, at any depth under `testsuites`. */
function collect(node: unknown, cases: JUnitCase[]): void {
  const items = Array.isArray(node) ? node : [node];
  for (const item of items) {
    if (!isRecord(item)) continue;
    const tcs = item.testcase;
    if (Array.isArray(tcs)) {
      for (const tc of tcs) {
        const c = isRecord(tc) ? readCase(tc) : undefined;
        if (c) cases.push(c);
      }
    }
    if (item.testsuite !== undefined) collect(item.testsuite, cases);
    if (item.testsuites !== undefined) collect(item.testsuites, cases);
  }
}

export function parseJUnit(text: string, file: string): JUnitResult {
  const warnings: IngestWarning[] = [];
  const valid = XMLValidator.validate(text);
  if (valid !== true) {
    warnings.push({ file, line: valid.err.line, message: `malformed XML: ${valid.err.msg}` });
  }
  let doc: unknown;
  try {
    doc = parser.parse(text);
  } catch (e) {
    if (valid === true) {
      warnings.push({ file, message: `unreadable XML: ${e instanceof Error ? e.message : String(e)}` });
    }
    return { cases: [], warnings };
  }
  const cases: JUnitCase[] = [];
  if (isRecord(doc)) collect(doc, cases);
  if (!isRecord(doc) || !('testsuite' in doc || 'testsuites' in doc)) {
    warnings.push({ file, message: 'no testsuite or testsuites element' });
  }
  return { cases, warnings };
}
