// GET /api/v1/health — liveness and the database's schema version, for load balancers and test harnesses.
import { json } from '@/lib/server/api';
import { serverDb } from '@/lib/server/db';

export const dynamic = 'force-dynamic';

export async function GET() {
  const version = serverDb().pragma('user_version', { simple: true }) as number;
  return json({ ok: true, schema: version });
}
