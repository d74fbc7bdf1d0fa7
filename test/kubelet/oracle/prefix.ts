// What other programs put in front of the kubelet's own text: journald or
// syslog, a node address, a CI runner's stamp, an embedding process. One row
// per kind; prefixes can stack, so rows are applied until none matches.

interface PrefixRule {
  name: string;
  pattern: RegExp;
}

export const PREFIX_RULES: readonly PrefixRule[] = [
  // `Mar 16 04:31:21 kind-worker kubelet[202]: `, `Jan 23 14:15:31 node-1 kubelet: `
  { name: 'syslog', pattern: /^[A-Z][a-z]{2} [ \d]?\d \d\d:\d\d:\d\d(?:\.\d+)? \S+ [^\s:[\]]+(?:\[\d+\])?: / },
  // journalctl -o short-iso: `2025-03-16T04:31:21+0000 kind-worker kubelet[202]: `
  { name: 'syslog-iso', pattern: /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\S* \S+ [^\s:[\]]+(?:\[\d+\])?: / },
  // `10.200.1.3: `
  { name: 'node-address', pattern: /^\d{1,3}(?:\.\d{1,3}){3}: / },
  // `I0322 14:56:47.135] ` (milliseconds and a bracket: not a klog header)
  { name: 'ci-stamp', pattern: /^[IWEF]\d{4} \d\d:\d\d:\d\d\.\d{3}\] / },
  // `microshift[1476]: kubelet `, or `kubelet ` once syslog took the process
  { name: 'embedding', pattern: /^(?:[\w.-]+\[\d+\]: )?kubelet (?=[IWEF]\d{4} |\{)/ },
];

const MAX_STACKED = 6;

/** The line without the prefixes in front of the kubelet's text. */
export function stripPrefixes(line: string): string {
  let s = line;
  for (let round = 0; round < MAX_STACKED; round++) {
    const c = s.charCodeAt(0);
    // A klog header or a JSON record starts here: nothing left to strip.
    if (c === 0x7b || ((c === 0x49 || c === 0x57 || c === 0x45 || c === 0x46) && /^[IWEF]\d{4} \d\d:\d\d:\d\d\.\d{6} /.test(s))) return s;
    const rule = PREFIX_RULES.find((r) => r.pattern.test(s));
    if (!rule) return s;
    s = s.replace(rule.pattern, '');
  }
  return s;
}
