// Opens the SQLite database: WAL, foreign keys, a busy timeout, and the
// numbered migrations applied on open.
import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import { MIGRATIONS } from './migrations';

export type DB = Database.Database;

export const DEFAULT_DB = 'data/kpd.db';

/** The database path: an explicit one, else $KPD_DB, else data/kpd.db. */
export function dbPath(explicit?: string): string {
  return explicit || process.env.KPD_DB || DEFAULT_DB;
}

export function openDb(file: string = dbPath(), opts: { readonly?: boolean } = {}): DB {
  if (file !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(/*turbopackIgnore: true*/ file)), { recursive: true });
  const db = new Database(file, { readonly: opts.readonly ?? false });
  db.pragma('busy_timeout = 10000');
  if (!opts.readonly) {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    migrate(db);
  }
  db.pragma('foreign_keys = ON');
  return db;
}

/**
 * Applies the migrations this database lacks. Foreign keys are off while they
 * run (a rebuilt table is dropped and renamed; with them on, dropping it would
 * cascade) and checked before each migration commits.
 */

export function migrate(db: DB): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > MIGRATIONS.length) {
    throw new Error(
      `database schema version ${current} is newer than this kpd (${MIGRATIONS.length}); upgrade kpd`,
    );
  }
  if (current === MIGRATIONS.length) return;
  db.pragma('foreign_keys = OFF');
  try {
    for (let v = current; v < MIGRATIONS.length; v++) {
      db.transaction(() => {
        db.exec(MIGRATIONS[v]);
        const broken = db.pragma('foreign_key_check') as unknown[];
        if (broken.length) throw new Error(`migration ${v + 1} left ${broken.length} rows with dangling references`);
        db.pragma(`user_version = ${v + 1}`);
      }).immediate();
    }
  } finally {
    db.pragma('foreign_keys = ON');
  }
}
