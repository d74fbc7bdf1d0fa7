// Reads a parser test fixture from test/fixtures/parsers/.
import fs from 'node:fs';

export function fixture(name: string): string {
  return fs.readFileSync(new URL(`../fixtures/parsers/${name}`, import.meta.url), 'utf8');
}
