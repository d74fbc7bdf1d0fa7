// The database handle of the Next.js server's pages and JSON API: one
// read-only connection per process, opened on first use at $KPD_DB (set by
// `kpd serve`) or data/kpd.db. Pages never write; writes go to the one writer
// (ingest/writer).
import { openDb, dbPath, type DB } from '../db/open';

const g = globalThis as unknown as { __kpdDb?: DB };

export function serverDb(): DB {
  if (!g.__kpdDb) g.__kpdDb = openDb(dbPath(), { readonly: true });
  return g.__kpdDb;
}
