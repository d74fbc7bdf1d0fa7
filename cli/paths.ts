// Where the project is, seen from the CLI's code: from its sources
// (cli/*.ts, cli/server/*.ts) or from the compiled bundle (dist/*.mjs).
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The project folder (package.json, app/, .next/, data/), for code at `moduleUrl`. */
export function projectRoot(moduleUrl: string): string {
  let dir = path.dirname(fileURLToPath(moduleUrl));
  while (!['cli', 'dist'].includes(path.basename(dir)) && path.dirname(dir) !== dir) dir = path.dirname(dir);
  return path.dirname(dir);
}
