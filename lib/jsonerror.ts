// Where JSON text goes wrong: a small syntax scanner that finds the offset of
// the first error, because V8's JSON.parse does not always say (Node 20 gives
// no position for "Unexpected token"), and a warning must name the line.

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const LITERALS = ['true', 'false', 'null'];
const ESCAPES = new Set(['"', '\\', '/', 'b', 'f', 'n', 'r', 't']);
const HEX4 = /^[0-9a-fA-F]{4}$/;

type Expect = 'value' | 'valueOrClose' | 'key' | 'keyOrClose' | 'colon' | 'commaOrClose' | 'end';

/** End offset of the string starting at `i` (a quote), or the negated offset + 1 of its error. */
function scanString(text: string, i: number): number {
  for (let j = i + 1; j < text.length; j++) {
    const c = text[j];
    if (c === '"') return j + 1;
    if (c === '\\') {
      const e = text[j + 1];
      if (e === 'u') {
        if (!HEX4.test(text.slice(j + 2, j + 6))) return -(j + 1);
        j += 5;
      } else if (e !== undefined && ESCAPES.has(e)) j += 1;
      else return -(j + 1);
    } else if (c.charCodeAt(0) < 0x20) return -(j + 1);
  }
  return -(text.length + 1);
}

/** Past the good part of a misspelt keyword (`tru}`), where V8 complains. */
function misspeltEnd(text: string, i: number): number {
  const word = LITERALS.find((w) => w[0] === text[i]) ?? '';
  let k = 0;
  while (k < word.length && text[i + k] === word[k]) k++;
  return i + k;
}

/** Offset of the first syntax error in `text`, the text's length when it ends too early, undefined when it is valid JSON. */
export function jsonErrorOffset(text: string): number | undefined {
  const stack: string[] = [];
  let expect: Expect = 'value';
  let i = 0;
  const afterValue = (): Expect => (stack.length ? 'commaOrClose' : 'end');
  for (;;) {
    while (i < text.length && ' \t\n\r'.includes(text[i])) i++;
    if (i >= text.length) return expect === 'end' ? undefined : text.length;
    const c = text[i];
    switch (expect) {
      case 'end':
        return i;
      case 'colon':
        if (c !== ':') return i;
        i++;
        expect = 'value';
        continue;
      case 'commaOrClose': {
        const open = stack[stack.length - 1];
        if (c === ',') {
          i++;
          expect = open === '{' ? 'key' : 'value';
        } else if (c === (open === '{' ? '}' : ']')) {
          i++;
          stack.pop();
          expect = afterValue();
        } else return i;
        continue;
      }
      case 'keyOrClose':
      case 'key': {
        if (expect === 'keyOrClose' && c === '}') {
          i++;
          stack.pop();
          expect = afterValue();
          continue;
        }
        if (c !== '"') return i;
        const end = scanString(text, i);
        if (end < 0) return -end - 1;
        i = end;
        expect = 'colon';
        continue;
      }
      case 'valueOrClose':
      case 'value': {
        if (expect === 'valueOrClose' && c === ']') {
          i++;
          stack.pop();
          expect = afterValue();
          continue;
        }
        if (c === '{' || c === '[') {
          stack.push(c);
          i++;
          expect = c === '{' ? 'keyOrClose' : 'valueOrClose';
          continue;
        }
        if (c === '"') {
          const end = scanString(text, i);
          if (end < 0) return -end - 1;
          i = end;
        } else {
          const literal = LITERALS.find((l) => text.startsWith(l, i));
          if (literal) i += literal.length;
          else {
            NUMBER.lastIndex = i;
            if (!NUMBER.test(text)) return misspeltEnd(text, i);
            i = NUMBER.lastIndex;
          }
        }
        expect = afterValue();
        continue;
      }
    }
  }
}
