#pragma once

#include <sqlite3.h>

#include "curb-store.h"
#include "curb-util.h"

G_BEGIN_DECLS

/* A cached prepared statement; g_autoptr(CurbStmt) resets it and clears its
 * bindings when it goes out of scope. */
typedef sqlite3_stmt CurbStmt;
void curb_stmt_release (CurbStmt *stmt);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CurbStmt, curb_stmt_release)

#define CURB_STORE_HASH_BYTES 32

/* Callers hold the store's lock (curb_store_lock()) for all of these. */
GRecMutexLocker *curb_store_lock        (CurbStore   *self);
CurbStmt        *curb_store_prepare     (CurbStore   *self,
                                         const char  *sql,
                                         GError     **error);
gboolean         curb_store_step_done   (CurbStore   *self,
                                         CurbStmt    *stmt,
                                         GError     **error);
/* SQLITE_ROW → TRUE; SQLITE_DONE → FALSE without error; else FALSE + error. */
gboolean         curb_store_step_row    (CurbStore   *self,
                                         CurbStmt    *stmt,
                                         GError     **error);
gboolean         curb_store_begin       (CurbStore   *self,
                                         GError     **error);
gboolean         curb_store_commit      (CurbStore   *self,
                                         GError     **error);
void             curb_store_rollback    (CurbStore   *self);
gboolean         curb_store_set_error   (CurbStore   *self,
                                         int          rc,
                                         GError     **error);
/* A keyed hash (the store's own random key) of @purpose and @text. */
void             curb_store_keyed_hash  (CurbStore   *self,
                                         const char  *purpose,
                                         const char  *text,
                                         guint8       out[CURB_STORE_HASH_BYTES]);
void             curb_stmt_bind_text    (CurbStmt    *stmt,
                                         int          index,
                                         const char  *text);
void             curb_stmt_bind_json    (CurbStmt    *stmt,
                                         int          index,
                                         JsonNode    *node);
const char      *curb_stmt_column_text  (CurbStmt    *stmt,
                                         int          column);
/* Parses a JSON column; %NULL for SQL NULL or text that is not JSON. */
JsonNode        *curb_stmt_column_json  (CurbStmt    *stmt,
                                         int          column);

/* curb-store-rejects.c: a newer version of @ref was taken: its alerts end. */
gboolean curb_store_resolve_rejected_locked (CurbStore   *self,
                                             const char  *ref,
                                             gint64       version,
                                             GError     **error);

/* The connection itself, for tests that provoke errors (e.g. max_page_count). */
sqlite3         *curb_store_get_db      (CurbStore   *self);

/* curb-store-migrations.c */
/* Brings @db from its user_version up to @target (<= CURB_STORE_SCHEMA_VERSION),
 * one transaction per step. Exposed so tests can build every earlier schema. */
gboolean curb_store_migrate (sqlite3  *db,
                             int       target,
                             GError  **error);
int      curb_store_read_user_version (sqlite3 *db);
/* Refuses unreadable databases and schemas newer than this build. */
gboolean curb_store_check_version (sqlite3  *db,
                                   GError  **error);

G_END_DECLS
