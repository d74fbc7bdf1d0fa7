// Opens the SQLite database. Writers open it read-write: WAL, foreign keys,
// a busy timeout, and the numbered migrations applied on open. Readers (the
// read commands, the server's pages) open it read-only, so they work on a
// file they may not write (another user's, a read-only file system) and can
// never take a write lock; a database of an older schema is upgraded first
// when the file is writable. A WAL database in a folder the reader cannot
// write (another user's, a read-only file system) is read as immutable, since
// SQLite cannot create the -shm file it would otherwise need.
import { UserError } from '../errors';
import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import { MIGRATIONS } from './migrations';
import { BUSY_TIMEOUT_MS, environmentProblem } from './problems';

export type DB = Database.Database;

// URI filenames (for `immutable=1`), read by better-sqlite3 when it loads its addon at the first open.
process.env.SQLITE_USE_URI ??= '1';

export const DEFAULT_DB = 'data/kpd.db';

/** The database path: an explicit one, else $KPD_DB, else data/kpd.db. */
export function dbPath(explicit?: string): string {
  return explicit || process.env.KPD_DB || DEFAULT_DB;
}

/** A read command was pointed at a database that is not there (a typo in --db, say): nothing is created. */
export class NoDatabaseError extends UserError {
  constructor(readonly file: string) {
    super(`no database at ${file} (a typo in --db or $KPD_DB? kpd ingest PATH or kpd demo creates one)`);
  }
}

/** A database of a schema this kpd cannot use as it is: newer than kpd, or older and not writable here. */
export class SchemaError extends UserError {}

export function openDb(file: string = dbPath(), opts: { readonly?: boolean } = {}): DB {
  return opts.readonly ? openReadOnly(file) : openReadWrite(file);
}

function openReadWrite(file: string): DB {
  try {
    if (file !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(/*turbopackIgnore: true*/ file)), { recursive: true });
    const db = new Database(file);
    try {
      db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
      migrate(db);
      db.pragma('foreign_keys = ON');
      return db;
    } catch (e) {
      db.close();
      throw e;
    }
  } catch (e) {
    throw environmentProblem(e, file) ?? e;
  }
}

/** A read-only connection; as immutable when SQLite cannot create the WAL's -shm file beside the database. */
function readOnlyConnection(file: string): DB {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    db.pragma('user_version');
    return db;
  } catch (e) {
    db.close();
    const code = (e as { code?: unknown }).code;
    if (file === ':memory:' || (code !== 'SQLITE_READONLY_DIRECTORY' && code !== 'SQLITE_CANTOPEN')) throw e;
    return new Database(`file:${encodeURI(path.resolve(/*turbopackIgnore: true*/ file))}?immutable=1`, { readonly: true });
  }
}

function openReadOnly(file: string): DB {
  if (file !== ':memory:' && !fs.existsSync(file)) throw new NoDatabaseError(file);
  let db: DB | undefined;
  try {
    db = readOnlyConnection(file);
    const version = db.pragma('user_version', { simple: true }) as number;
    if (version < MIGRATIONS.length) {
      db.close();
      upgrade(file, version);
      db = readOnlyConnection(file);
    } else if (version > MIGRATIONS.length) {
      throw new SchemaError(`database schema version ${version} is newer than this kpd (${MIGRATIONS.length}); upgrade kpd`);
    }
    return db;
  } catch (e) {
    if (db?.open) db.close();
    throw environmentProblem(e, file) ?? e;
  }
}

/** Brings an older database to this schema, which needs writing it once. */
function upgrade(file: string, version: number): void {
  try {
    openReadWrite(file).close();
  } catch (e) {
    const problem = environmentProblem(e, file);
    if (problem?.kind === 'readonly' || problem?.kind === 'denied') {
      throw new SchemaError(
        `database ${file} has schema version ${version}, older than this kpd's ${MIGRATIONS.length}, and cannot be upgraded here (${problem.kind}); open it once with write access (kpd ingest or kpd serve)`,
      );
    }
    throw e;
  }
}

/**
 * Applies the migrations this database lacks. Foreign keys are off while they
 * run (a rebuilt table is dropped and renamed; with them on, dropping it would
 * cascade) and checked before each migration commits.
 */
export function migrate(db: DB): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > MIGRATIONS.length) {
    throw new SchemaError(`database schema version ${current} is newer than this kpd (${MIGRATIONS.length}); upgrade kpd`);
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
