/** Errors of the lineage store: each says which file and what to do. */

/** The database is held by another process beyond the busy timeout. */
export class LineageLockedError extends Error {
  readonly _tag = "LineageLockedError";
  constructor(readonly dbPath: string, readonly timeoutMs: number) {
    super(
      `the lineage database ${dbPath} stayed locked by another process for ${timeoutMs} ms. ` +
        `Another cairn command is probably writing to it: wait for it to finish, or raise the wait with CAIRN_BUSY_TIMEOUT_MS.`,
    );
  }
}

/** `.cairn` (or the DB inside it) cannot be created or written. */
export class StoreNotWritableError extends Error {
  readonly _tag = "StoreNotWritableError";
  constructor(readonly path: string, readonly detail: string) {
    super(`cannot write to ${path} (${detail}). Make the directory writable (chmod u+w), or point cairn elsewhere with --store <dir>.`);
  }
}

/** The database file exists but is not a cairn lineage database, or is newer than this cairn. */
export class LineageSchemaError extends Error {
  readonly _tag = "LineageSchemaError";
  constructor(readonly dbPath: string, detail: string) {
    super(`${dbPath}: ${detail}`);
  }
}

/** Maps a better-sqlite3 error to a tagged error when it is one users can act on. */
export const classifySqliteError = (e: unknown, dbPath: string, busyTimeoutMs: number): Error => {
  const code = (e as { code?: string })?.code ?? "";
  const msg = e instanceof Error ? e.message : String(e);
  if (code === "SQLITE_BUSY" || code === "SQLITE_LOCKED") return new LineageLockedError(dbPath, busyTimeoutMs);
  if (code === "SQLITE_NOTADB" || code === "SQLITE_CORRUPT") {
    return new LineageSchemaError(
      dbPath,
      `is damaged or not a SQLite database (${msg}). Move it aside (mv ${dbPath} ${dbPath}.broken) to start a fresh lineage; the objects in the store stay, and tasks rerun once to re-record their keys.`,
    );
  }
  if (code === "SQLITE_READONLY" || code === "SQLITE_CANTOPEN" || code === "SQLITE_PERM" || /EACCES|readonly/i.test(msg)) {
    return new StoreNotWritableError(dbPath, msg);
  }
  return e instanceof Error ? e : new Error(msg);
};
