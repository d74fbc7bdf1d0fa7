// Any /api path no route serves (a mistyped name, `..` in a job's place): a
// JSON 404 like every other API error, not the HTML of the not-found page.
import { json } from '@/lib/server/api';

export const dynamic = 'force-dynamic';

function notFound(req: Request): Response {
  return json({ error: `no such API route: ${req.method} ${new URL(req.url).pathname.slice(0, 200)}` }, 404);
}

export { notFound as GET, notFound as POST, notFound as PUT, notFound as DELETE, notFound as PATCH };
