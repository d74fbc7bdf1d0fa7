// Character classes as regular expressions know them, for the parsers that
// read lines character by character instead of running a regular expression
// on every line.

export const isDigit = (c: number): boolean => c >= 0x30 && c <= 0x39;

/** What `\s` matches in a JavaScript regular expression. */
export function isSpace(c: number): boolean {
  return (
    c === 0x20 ||
    (c >= 0x09 && c <= 0x0d) ||
    (c > 0x7f &&
      (c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff))
  );
}

/** What `/\s/.test(s)` says. */
export function hasSpace(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (isSpace(s.charCodeAt(i))) return true;
  return false;
}
