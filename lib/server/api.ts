// Helpers for the JSON route handlers under app/api/v1: the same query
// functions as the CLI, errors as JSON with the right status. Every error
// becomes a JSON answer with a message: never an empty 500.
import { NoDatabaseError, SchemaError } from '../db/open';
import { environmentProblem } from '../db/problems';
import { SelectionError } from '../queries/errors';
import { SloConfigError } from '../slo';

export function json(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: {
      'content-type': 'application/json; charset=utf-8',
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
    },
  });
}

/**
 * Runs a query; a bad selection is a 404 (unknown) or 400 (ambiguous) with
 * the choices; a broken SLO config is the server's fault: 500 naming the
 * file and the place of the problem; a locked, read-only or missing database
 * is 503, a full disk 507; anything else a 500 that says what failed.
 */
export function answer(fn: () => unknown): Response {
  try {
    return json(fn());
  } catch (e) {
    return failure(e);
  }
}

/** The JSON answer for an error a route handler met. */
export function failure(e: unknown): Response {
  if (e instanceof SelectionError) {
    const status = /^no /.test(e.message) ? 404 : 400;
    return json({ error: e.message, choices: e.choices }, status);
  }
  if (e instanceof BadRequest) return json({ error: e.message }, 400);
  if (e instanceof SloConfigError) return json({ error: `SLO config: ${e.message}` }, 500);
  if (e instanceof NoDatabaseError || e instanceof SchemaError) return json({ error: `server problem: ${e.message}` }, 503);
  const problem = environmentProblem(e, '', { hidePaths: true });
  if (problem) return json({ error: `server problem: ${problem.message}` }, problem.kind === 'full' ? 507 : 503);
  console.error(e);
  return json({ error: `internal error: ${e instanceof Error ? e.message : String(e)}`.slice(0, 500) }, 500);
}

export class BadRequest extends Error {}

/**
 * A path segment decoded once more (an encoded `/` in a pod name); as it came
 * when that is not valid percent-encoding (`%` alone), which then names nothing.
 */
export function pathParam(v: string): string {
  try {
    return decodeURIComponent(v);
  } catch {
    return v;
  }
}
