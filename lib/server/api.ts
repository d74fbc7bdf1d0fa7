// Helpers for the JSON route handlers under app/api/v1: the same query
// functions as the CLI, errors as JSON with the right status.
import { SelectionError } from '../queries/errors';
import { SloConfigError } from '../slo';

export function json(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' },
  });
}

/**
 * Runs a query; a bad selection is a 404 (unknown) or 400 (ambiguous) with
 * the choices; a broken SLO config is the server's fault: 500 naming the
 * file and the place of the problem.
 */
export function answer(fn: () => unknown): Response {
  try {
    return json(fn());
  } catch (e) {
    if (e instanceof SelectionError) {
      const status = /^no /.test(e.message) ? 404 : 400;
      return json({ error: e.message, choices: e.choices }, status);
    }
    if (e instanceof BadRequest) return json({ error: e.message }, 400);
    if (e instanceof SloConfigError) return json({ error: `SLO config: ${e.message}` }, 500);
    throw e;
  }
}

export class BadRequest extends Error {}
