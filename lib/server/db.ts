// The database handle of the Next.js server: one read-write connection per
// process, opened on first use at $KPD_DB (set by `kpd serve`) or data/kpd.db.
import { openDb, dbPath, type DB } from '../db/open';

const g = globalThis as unknown as { __kpdDb?: DB };

export function serverDb(): DB {
  if (!g.__kpdDb) g.__kpdDb = openDb(dbPath());
  return g.__kpdDb;
}
