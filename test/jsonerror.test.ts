import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jsonErrorOffset } from '../lib/jsonerror';

function parses(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

describe('jsonErrorOffset', () => {
  it('points at the first character JSON does not allow', () => {
    expect(jsonErrorOffset('{"dataItems": [ oops ]}')).toBe(16);
    expect(jsonErrorOffset('{"Perc50": 1843.2, }')).toBe(19);
    expect(jsonErrorOffset('[1,,2]')).toBe(3);
    expect(jsonErrorOffset('{"a" 1}')).toBe(5);
    expect(jsonErrorOffset('{"unit": "m\ts"}')).toBe(11);
    expect(jsonErrorOffset('{"x": "\\q"}')).toBe(7);
    expect(jsonErrorOffset('{} {}')).toBe(3);
    expect(jsonErrorOffset('01')).toBe(1);
  });

  it('says the text ends too early with its length', () => {
    expect(jsonErrorOffset('{\n  "dataItems": [')).toBe(18);
    expect(jsonErrorOffset('"open')).toBe(5);
    expect(jsonErrorOffset('')).toBe(0);
  });

  it('finds nothing wrong in valid JSON', () => {
    expect(jsonErrorOffset(' {"op_series": {"create": [1479378790000000000, -1.5e3]}, "ok": [true, false, null, "\\u00e9\\n"]}\n')).toBeUndefined();
  });

  it('agrees with JSON.parse on valid JSON and on damaged JSON (property)', () => {
    fc.assert(
      fc.property(fc.json(), fc.nat(), fc.string({ maxLength: 3 }), (json, at, junk) => {
        expect(jsonErrorOffset(json)).toBeUndefined();
        const cut = at % (json.length + 1);
        const damaged = json.slice(0, cut) + junk + json.slice(cut);
        expect(jsonErrorOffset(damaged) === undefined).toBe(parses(damaged));
      }),
      { numRuns: 500 },
    );
  });
});
