#pragma once

#include <gio/gio.h>
#include <sqlite3.h>

G_BEGIN_DECLS

/* The one way Curbside opens its SQLite files (the store, central's
 * database, a station's print queue, the kiosk's outbox): the same pragmas,
 * the same error mapping, schema versions by user_version. */

typedef enum
{
  CURB_SQLITE_DEFAULT        = 0,
  /* synchronous=FULL: an answered write survives power loss (else NORMAL) */
  CURB_SQLITE_DURABLE        = 1 << 0,
  /* deleted personal data is overwritten on disk */
  CURB_SQLITE_SECURE_DELETE  = 1 << 1,
  /* the connection is shared between threads (SQLite's own mutex) */
  CURB_SQLITE_SHARED         = 1 << 2,
} CurbSqliteFlags;

typedef struct
{
  int         version;   /* user_version after this step: 1, 2, … */
  const char *sql;
} CurbSqliteMigration;

/**
 * curb_sqlite_open:
 * @what: the database in messages ("store database", "print queue")
 * @migrations: (array length=n_migrations): steps to schema n_migrations
 *
 * Opens (creating) @path, refuses a schema newer than @n_migrations before
 * touching the file, then sets the pragmas (busy timeout, WAL, foreign keys,
 * no trusted schema, synchronous per @flags) and migrates: each step in its
 * own transaction with its user_version bump.
 *
 * Returns: the connection, or %NULL with %CURB_ERROR_DATABASE (or
 *   %CURB_ERROR_DISK_FULL) naming @what and @path
 */
sqlite3  *curb_sqlite_open            (const char                *path,
                                       const char                *what,
                                       CurbSqliteFlags            flags,
                                       const CurbSqliteMigration *migrations,
                                       guint                      n_migrations,
                                       GError                   **error);

/* @rc's failure as a GError: %CURB_ERROR_DISK_FULL when the disk is full,
 * else %CURB_ERROR_DATABASE, "@what: <SQLite's message>". Returns %FALSE. */
gboolean  curb_sqlite_fail            (sqlite3     *db,
                                       int          rc,
                                       const char  *what,
                                       GError     **error);
gboolean  curb_sqlite_exec            (sqlite3     *db,
                                       const char  *what,
                                       const char  *sql,
                                       GError     **error);
/* -1 when it cannot be read */
int       curb_sqlite_get_user_version (sqlite3    *db);
/* Refuses a database written by a newer Curbside (user_version > @max). */
gboolean  curb_sqlite_check_version   (sqlite3     *db,
                                       const char  *what,
                                       int          max,
                                       GError     **error);
/* Applies the steps above the current version, up to @target. */
gboolean  curb_sqlite_migrate         (sqlite3                   *db,
                                       const char                *what,
                                       const CurbSqliteMigration *migrations,
                                       guint                      n_migrations,
                                       int                        target,
                                       GError                   **error);

G_END_DECLS
