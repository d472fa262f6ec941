#include <sqlite3.h>
#include <string.h>

#include "curb-error.h"
#include "curb-sqlite.h"
#include "curb-test-helpers.h"

/* The one SQLite helper the four databases open through. */

static const CurbSqliteMigration two_steps[] = {
  { 1, "CREATE TABLE IF NOT EXISTS jobs (id INTEGER PRIMARY KEY, body TEXT NOT NULL);" },
  { 2, "ALTER TABLE jobs ADD COLUMN done_ms INTEGER;" },
};

static int
pragma_int (sqlite3    *db,
            const char *sql)
{
  sqlite3_stmt *stmt = NULL;
  int value = -1;

  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    value = sqlite3_column_int (stmt, 0);
  sqlite3_finalize (stmt);
  return value;
}

static char *
pragma_text (sqlite3    *db,
             const char *sql)
{
  sqlite3_stmt *stmt = NULL;
  char *value = NULL;

  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    value = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  return value;
}

static void
raw_exec (const char *path,
          const char *sql)
{
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, sql, NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
}

static void
test_open_sets_pragmas_and_migrates (void)
{
  g_autofree char *dir = curb_test_mkdtemp ();
  g_autofree char *path = g_build_filename (dir, "queue.db", NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *journal = NULL;
  sqlite3 *db;

  db = curb_sqlite_open (path, "print queue", CURB_SQLITE_DURABLE | CURB_SQLITE_SECURE_DELETE,
                         two_steps, G_N_ELEMENTS (two_steps), &error);
  g_assert_no_error (error);
  g_assert_nonnull (db);
  journal = pragma_text (db, "PRAGMA journal_mode");
  g_assert_cmpstr (journal, ==, "wal");
  g_assert_cmpint (pragma_int (db, "PRAGMA synchronous"), ==, 2);      /* FULL */
  g_assert_cmpint (pragma_int (db, "PRAGMA foreign_keys"), ==, 1);
  g_assert_cmpint (pragma_int (db, "PRAGMA trusted_schema"), ==, 0);
  g_assert_cmpint (pragma_int (db, "PRAGMA secure_delete"), ==, 1);
  g_assert_cmpint (curb_sqlite_get_user_version (db), ==, 2);
  g_assert_cmpint (sqlite3_exec (db, "INSERT INTO jobs (body, done_ms) VALUES ('x', 1)", NULL, NULL, NULL),
                   ==, SQLITE_OK);
  sqlite3_close (db);

  /* central's reference database: durable enough with NORMAL */
  db = curb_sqlite_open (path, "central database", CURB_SQLITE_DEFAULT, two_steps, 2, &error);
  g_assert_no_error (error);
  g_assert_cmpint (pragma_int (db, "PRAGMA synchronous"), ==, 1);      /* NORMAL */
  g_assert_cmpint (pragma_int (db, "SELECT count(*) FROM jobs"), ==, 1);
  sqlite3_close (db);
  curb_test_rmdir (dir);
}

/* A file made before it had a user_version (tables there, version 0)
 * opens as it is: step 1 is IF NOT EXISTS, the rows stay. */
static void
test_unversioned_file_opens (void)
{
  g_autofree char *dir = curb_test_mkdtemp ();
  g_autofree char *path = g_build_filename (dir, "outbox.db", NULL);
  g_autoptr(GError) error = NULL;
  sqlite3 *db;

  raw_exec (path, "CREATE TABLE jobs (id INTEGER PRIMARY KEY, body TEXT NOT NULL);"
                  "INSERT INTO jobs (body) VALUES ('queued before the upgrade');");
  db = curb_sqlite_open (path, "kiosk outbox", CURB_SQLITE_DURABLE, two_steps, 2, &error);
  g_assert_no_error (error);
  g_assert_cmpint (pragma_int (db, "SELECT count(*) FROM jobs WHERE done_ms IS NULL"), ==, 1);
  sqlite3_close (db);
  curb_test_rmdir (dir);
}

/* A database from a newer Curbside is refused before anything touches it
 * (not even the journal mode). */
static void
test_newer_schema_refused_untouched (void)
{
  g_autofree char *dir = curb_test_mkdtemp ();
  g_autofree char *path = g_build_filename (dir, "store.db", NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *header = NULL;
  gsize length = 0;

  raw_exec (path, "CREATE TABLE jobs (id INTEGER PRIMARY KEY); PRAGMA user_version = 7;");
  g_assert_null (curb_sqlite_open (path, "store database", CURB_SQLITE_DURABLE, two_steps, 2, &error));
  g_assert_error (error, CURB_ERROR, CURB_ERROR_DATABASE);
  g_assert_nonnull (strstr (error->message, "The store database has schema 7"));
  /* bytes 18 and 19 of the header: 1 = rollback journal, 2 = WAL */
  g_assert_true (g_file_get_contents (path, &header, &length, NULL));
  g_assert_cmpuint (length, >, 20);
  g_assert_cmpint (header[18], ==, 1);
  g_assert_cmpint (header[19], ==, 1);
  curb_test_rmdir (dir);
}

/* A step that fails leaves the database at the step before, whole. */
static void
test_failed_step_rolls_back (void)
{
  static const CurbSqliteMigration broken[] = {
    { 1, "CREATE TABLE jobs (id INTEGER PRIMARY KEY);" },
    { 2, "CREATE TABLE half (id INTEGER); ALTER TABLE nowhere ADD COLUMN x;" },
  };
  g_autofree char *dir = curb_test_mkdtemp ();
  g_autofree char *path = g_build_filename (dir, "queue.db", NULL);
  g_autoptr(GError) error = NULL;
  sqlite3 *db = NULL;

  g_assert_null (curb_sqlite_open (path, "print queue", CURB_SQLITE_DURABLE, broken, 2, &error));
  g_assert_error (error, CURB_ERROR, CURB_ERROR_DATABASE);
  g_assert_nonnull (strstr (error->message, "print queue migration to schema 2 failed"));
  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (curb_sqlite_get_user_version (db), ==, 1);
  g_assert_cmpint (pragma_int (db, "SELECT count(*) FROM sqlite_schema WHERE name = 'half'"), ==, 0);
  sqlite3_close (db);
  curb_test_rmdir (dir);
}

static void
test_cannot_open (void)
{
  g_autoptr(GError) error = NULL;

  g_assert_null (curb_sqlite_open ("/nonexistent-dir/x/queue.db", "print queue", CURB_SQLITE_DEFAULT,
                                   two_steps, 2, &error));
  g_assert_error (error, CURB_ERROR, CURB_ERROR_DATABASE);
  g_assert_nonnull (strstr (error->message, "Cannot open the print queue /nonexistent-dir/x/queue.db"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/sqlite/open-sets-pragmas-and-migrates", test_open_sets_pragmas_and_migrates);
  g_test_add_func ("/sqlite/unversioned-file-opens", test_unversioned_file_opens);
  g_test_add_func ("/sqlite/newer-schema-refused-untouched", test_newer_schema_refused_untouched);
  g_test_add_func ("/sqlite/failed-step-rolls-back", test_failed_step_rolls_back);
  g_test_add_func ("/sqlite/cannot-open", test_cannot_open);
  return g_test_run ();
}
