#include <sqlite3.h>

#include "curb-store-private.h"
#include "curb-test-helpers.h"
#include "curbside-core.h"

typedef struct
{
  char *dir;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  fixture->dir = curb_test_mkdtemp ();
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  curb_test_rmdir (fixture->dir);
  g_free (fixture->dir);
}

static sqlite3 *
open_raw (const char *path)
{
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  return db;
}

static void
exec (sqlite3    *db,
      const char *sql)
{
  char *message = NULL;

  if (sqlite3_exec (db, sql, NULL, NULL, &message) != SQLITE_OK)
    g_error ("%s: %s", sql, message);
}

/* Every table, index and trigger with its SQL, in a stable order. */
static char *
schema_of (const char *path)
{
  sqlite3 *db = open_raw (path);
  sqlite3_stmt *stmt = NULL;
  GString *schema = g_string_new (NULL);

  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT type, name, sql FROM sqlite_schema"
                                           " WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name",
                                       -1, &stmt, NULL), ==, SQLITE_OK);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_string_append_printf (schema, "%s %s: %s\n", sqlite3_column_text (stmt, 0), sqlite3_column_text (stmt, 1),
                            sqlite3_column_text (stmt, 2));
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return g_string_free (schema, FALSE);
}

static int
user_version_of (const char *path)
{
  sqlite3 *db = open_raw (path);
  int version = curb_store_read_user_version (db);

  sqlite3_close (db);
  return version;
}

static const char *
journal_mode_of (const char *path)
{
  sqlite3 *db = open_raw (path);
  sqlite3_stmt *stmt = NULL;
  const char *mode = "unknown";

  g_assert_cmpint (sqlite3_prepare_v2 (db, "PRAGMA journal_mode", -1, &stmt, NULL), ==, SQLITE_OK);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    mode = g_intern_string ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return mode;
}

static char *
fresh_schema (Fixture *fixture)
{
  g_autofree char *path = g_build_filename (fixture->dir, "fresh.db", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(CurbStore) store = curb_store_open (path, &error);

  g_assert_no_error (error);
  g_assert_cmpint (curb_store_get_schema_version (store), ==, CURB_STORE_SCHEMA_VERSION);
  g_clear_object (&store);
  return schema_of (path);
}

static void
test_from_empty (Fixture       *fixture,
                 gconstpointer  data)
{
  static const char * const tables[] = {
    "meta", "orders", "lookup_hashes", "events", "outbox", "devices", "enrollment_codes", "staff", "audit_log",
  };
  g_autofree char *schema = fresh_schema (fixture);

  for (guint i = 0; i < G_N_ELEMENTS (tables); i++)
    {
      g_autofree char *needle = g_strdup_printf ("table %s:", tables[i]);

      g_assert_nonnull (strstr (schema, needle));
    }
}

/* Each earlier schema, built by the migrations themselves, then opened by
 * the current code: it must end up with exactly the fresh schema. */
static void
test_from_each_earlier_schema (Fixture       *fixture,
                               gconstpointer  data)
{
  g_autofree char *expected = fresh_schema (fixture);

  for (int version = 0; version < CURB_STORE_SCHEMA_VERSION; version++)
    {
      g_autofree char *name = g_strdup_printf ("v%d.db", version);
      g_autofree char *path = g_build_filename (fixture->dir, name, NULL);
      g_autofree char *schema = NULL;
      g_autoptr(GError) error = NULL;
      g_autoptr(CurbStore) store = NULL;
      sqlite3 *db = open_raw (path);

      g_assert_true (curb_store_migrate (db, version, &error));
      g_assert_no_error (error);
      g_assert_cmpint (curb_store_read_user_version (db), ==, version);
      sqlite3_close (db);

      store = curb_store_open (path, &error);
      g_assert_no_error (error);
      g_assert_true (curb_store_integrity_check (store, &error));
      g_clear_object (&store);
      g_assert_cmpint (user_version_of (path), ==, CURB_STORE_SCHEMA_VERSION);
      schema = schema_of (path);
      g_assert_cmpstr (schema, ==, expected);
    }
}

static void
test_stray_table_kept (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autofree char *path = g_build_filename (fixture->dir, "stray.db", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(CurbStore) store = NULL;
  sqlite3 *db = open_raw (path);
  sqlite3_stmt *stmt = NULL;

  exec (db, "CREATE TABLE notes (text TEXT); INSERT INTO notes VALUES ('left by someone');");
  sqlite3_close (db);
  store = curb_store_open (path, &error);
  g_assert_no_error (error);
  g_clear_object (&store);

  db = open_raw (path);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT text FROM notes", -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpstr ((const char *) sqlite3_column_text (stmt, 0), ==, "left by someone");
  sqlite3_finalize (stmt);
  g_assert_cmpint (curb_store_read_user_version (db), ==, CURB_STORE_SCHEMA_VERSION);
  sqlite3_close (db);
}

static void
test_conflicting_table_rolls_back (Fixture       *fixture,
                                   gconstpointer  data)
{
  g_autofree char *path = g_build_filename (fixture->dir, "conflict.db", NULL);
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(CurbStore) store = NULL;
  sqlite3 *db = open_raw (path);

  exec (db, "CREATE TABLE events (whatever TEXT)");
  sqlite3_close (db);
  before = schema_of (path);
  store = curb_store_open (path, &error);
  g_assert_null (store);
  g_assert_error (error, CURB_ERROR, CURB_ERROR_DATABASE);
  g_assert_nonnull (strstr (error->message, "migration to schema 1"));
  after = schema_of (path);
  g_assert_cmpstr (before, ==, after);   /* the failed step left nothing behind */
  g_assert_cmpint (user_version_of (path), ==, 0);
}

static void
test_future_version_refused (Fixture       *fixture,
                             gconstpointer  data)
{
  g_autofree char *path = g_build_filename (fixture->dir, "future.db", NULL);
  g_autofree char *sql = g_strdup_printf ("PRAGMA user_version = %d", CURB_STORE_SCHEMA_VERSION + 5);
  g_autoptr(GError) error = NULL;
  g_autoptr(CurbStore) store = NULL;
  sqlite3 *db = open_raw (path);

  exec (db, "CREATE TABLE from_the_future (x)");
  exec (db, sql);
  sqlite3_close (db);
  store = curb_store_open (path, &error);
  g_assert_null (store);
  g_assert_error (error, CURB_ERROR, CURB_ERROR_DATABASE);
  g_assert_nonnull (strstr (error->message, "newer"));
  g_assert_cmpint (user_version_of (path), ==, CURB_STORE_SCHEMA_VERSION + 5);
  g_assert_cmpstr (journal_mode_of (path), ==, "delete");   /* untouched, not even switched to WAL */
}

static void
test_not_a_database (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autofree char *path = g_build_filename (fixture->dir, "garbage.db", NULL);
  g_autofree char *missing_dir = g_build_filename (fixture->dir, "no", "such", "dir", "store.db", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(CurbStore) store = NULL;

  g_assert_true (g_file_set_contents (path, "this is not SQLite, just some text that is long enough to look like a header",
                                      -1, NULL));
  store = curb_store_open (path, &error);
  g_assert_null (store);
  g_assert_error (error, CURB_ERROR, CURB_ERROR_DATABASE);
  g_clear_error (&error);
  store = curb_store_open (missing_dir, &error);
  g_assert_null (store);
  g_assert_error (error, CURB_ERROR, CURB_ERROR_DATABASE);
}

static void
test_pragmas (Fixture       *fixture,
              gconstpointer  data)
{
  g_autofree char *path = g_build_filename (fixture->dir, "pragmas.db", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(CurbStore) store = curb_store_open (path, &error);
  static const struct { const char *pragma; int value; } expected[] = {
    { "PRAGMA synchronous", 2 },      /* FULL */
    { "PRAGMA foreign_keys", 1 },
    { "PRAGMA busy_timeout", 5000 },
  };
  sqlite3_stmt *stmt = NULL;
  sqlite3 *db;

  g_assert_no_error (error);
  db = curb_store_get_db (store);
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      g_assert_cmpint (sqlite3_prepare_v2 (db, expected[i].pragma, -1, &stmt, NULL), ==, SQLITE_OK);
      g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
      g_assert_cmpint (sqlite3_column_int (stmt, 0), ==, expected[i].value);
      sqlite3_finalize (stmt);
    }
  g_assert_cmpint (sqlite3_prepare_v2 (db, "PRAGMA journal_mode", -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpstr ((const char *) sqlite3_column_text (stmt, 0), ==, "wal");
  sqlite3_finalize (stmt);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
#define ADD(path, func) g_test_add ("/migrations/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("from-empty", test_from_empty);
  ADD ("from-each-earlier-schema", test_from_each_earlier_schema);
  ADD ("stray-table-kept", test_stray_table_kept);
  ADD ("conflicting-table-rolls-back", test_conflicting_table_rolls_back);
  ADD ("future-version-refused", test_future_version_refused);
  ADD ("not-a-database", test_not_a_database);
  ADD ("pragmas", test_pragmas);
#undef ADD
  return g_test_run ();
}
