/* curbside-ctl backup, restore and staff against real store files. */

#include <sys/wait.h>
#include <glib/gstdio.h>

#include "curbside-store.h"
#include "curb-test-helpers.h"

typedef struct
{
  char *dir;
  char *db;
} Fixture;

static JsonObject *
demo_order (const char *ref)
{
  g_autofree char *text = g_strdup_printf (
      "{\"ref\": \"%s\", \"store_id\": \"store-001\", \"version\": 1,"
      " \"first_name\": \"José\", \"last_initial\": \"N\", \"surname\": \"Núñez\","
      " \"phone_last4\": \"0142\", \"window_start\": \"2026-11-27T15:00:00.000Z\","
      " \"window_end\": \"2026-11-27T16:00:00.000Z\", \"age_restricted\": false,"
      " \"lines\": [{\"id\": \"L1\", \"sku\": \"EGGS\", \"name\": \"Eggs\", \"qty\": 2,"
      "   \"temperature\": \"chilled\"}], \"substitutions\": [], \"cancelled\": false}", ref);

  return json_node_dup_object (json_from_string (text, NULL));
}

static void
add_arrived_orders (const char *db,
                    guint       count)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CurbStore) store = curb_store_open (db, &error);

  g_assert_no_error (error);
  for (guint i = 0; i < count; i++)
    {
      g_autofree char *ref = g_strdup_printf ("ORD-%u", i);
      g_autoptr(JsonObject) order = demo_order (ref);
      g_autoptr(JsonObject) data = json_object_new ();
      g_autoptr(CurbEvent) arrived = NULL;

      g_assert_true (curb_store_upsert_order (store, order, NULL, NULL, NULL, &error));
      json_object_set_string_member (data, "bay", "3");
      json_object_set_string_member (data, "source", "scan");
      arrived = curb_event_new (CURB_EVENT_ARRIVED, ref, "kiosk-test", NULL, data);
      g_assert_true (curb_store_append_event (store, arrived, NULL, &error));
      g_assert_no_error (error);
    }
}

static gint64
last_seq (const char *db)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CurbStore) store = curb_store_open (db, &error);

  g_assert_no_error (error);
  g_assert_true (curb_store_integrity_check (store, &error));
  return curb_store_get_last_seq (store);
}

static int
run_ctl (char **out, const char *first, ...)
{
  g_autofree char *program = curb_test_build_path ("ctl", "curbside-ctl");
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *stdout_text = NULL, *stderr_text = NULL;
  int status = -1;
  va_list args;

  g_ptr_array_add (argv, program);
  va_start (args, first);
  for (const char *arg = first; arg != NULL; arg = va_arg (args, const char *))
    g_ptr_array_add (argv, (char *) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);
  g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                &stdout_text, &stderr_text, &status, &error);
  g_assert_no_error (error);
  g_test_message ("curbside-ctl %s: %s%s", first, stdout_text, stderr_text);
  if (out != NULL)
    *out = g_steal_pointer (&stdout_text);
  return WIFEXITED (status) ? WEXITSTATUS (status) : -1;
}

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  f->dir = curb_test_mkdtemp ();
  f->db = g_build_filename (f->dir, "store.db", NULL);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  curb_test_rmdir (f->dir);
  g_free (f->dir);
  g_free (f->db);
}

static void
test_backup_then_restore (Fixture *f, gconstpointer data)
{
  g_autofree char *backup = g_build_filename (f->dir, "backup.db", NULL);
  g_autofree char *out = NULL;
  gint64 seq_at_backup;

  add_arrived_orders (f->db, 5);
  seq_at_backup = last_seq (f->db);
  g_assert_cmpint (run_ctl (&out, "backup", "--db", f->db, backup, NULL), ==, 0);
  g_assert_cmpint (last_seq (backup), ==, seq_at_backup);

  /* a second backup to the same file is refused: nothing is overwritten */
  g_assert_cmpint (run_ctl (NULL, "backup", "--db", f->db, backup, NULL), ==, 1);

  add_arrived_orders (f->db, 0);
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(CurbStore) store = curb_store_open (f->db, &error);
    g_autoptr(JsonObject) order = demo_order ("LATE-1");
    g_assert_true (curb_store_upsert_order (store, order, NULL, NULL, NULL, &error));
  }
  g_assert_cmpint (run_ctl (&out, "restore", "--db", f->db, backup, NULL), ==, 0);
  g_assert_cmpint (last_seq (f->db), ==, seq_at_backup);
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(CurbStore) store = curb_store_open (f->db, &error);
    g_autoptr(JsonObject) late = curb_store_get_order (store, "LATE-1", &error);
    g_assert_null (late);
    g_assert_error (error, CURB_ERROR, CURB_ERROR_NOT_FOUND);
  }
}

static void
test_restore_refuses_garbage (Fixture *f, gconstpointer data)
{
  g_autofree char *junk = g_build_filename (f->dir, "junk.db", NULL);

  add_arrived_orders (f->db, 2);
  g_assert_true (g_file_set_contents (junk, "not a database at all, just words", -1, NULL));
  g_assert_cmpint (run_ctl (NULL, "restore", "--db", f->db, junk, NULL), ==, 1);
  g_assert_cmpint (last_seq (f->db), ==, 2);
}

static void
test_staff_add_list_remove (Fixture *f, gconstpointer data)
{
  g_autofree char *out = NULL;
  g_autoptr(GError) error = NULL;

  add_arrived_orders (f->db, 1);
  g_assert_cmpint (run_ctl (NULL, "staff", "--db", f->db, "add", "st-1", "Alex", "2468", "manager", NULL), ==, 0);
  g_assert_cmpint (run_ctl (&out, "staff", "--db", f->db, "list", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "st-1"));
  g_assert_nonnull (strstr (out, "manager"));
  {
    g_autoptr(CurbStore) store = curb_store_open (f->db, &error);
    g_autoptr(JsonObject) staff = curb_store_verify_staff (store, "st-1", "2468", &error);
    g_assert_no_error (error);
    g_assert_cmpstr (json_object_get_string_member (staff, "first_name"), ==, "Alex");
  }
  g_assert_cmpint (run_ctl (NULL, "staff", "--db", f->db, "add", "st-2", "Bo", "1357", "chief", NULL), ==, 2);
  g_assert_cmpint (run_ctl (NULL, "staff", "--db", f->db, "remove", "st-1", NULL), ==, 0);
  {
    g_autoptr(CurbStore) store = curb_store_open (f->db, &error);
    g_autoptr(JsonObject) staff = curb_store_verify_staff (store, "st-1", "2468", &error);
    g_assert_null (staff);
    g_assert_error (error, CURB_ERROR, CURB_ERROR_UNAUTHORIZED);
  }
}

static void
test_missing_database (Fixture *f, gconstpointer data)
{
  g_autofree char *missing = g_build_filename (f->dir, "nope.db", NULL);

  g_assert_cmpint (run_ctl (NULL, "staff", "--db", missing, "list", NULL), ==, 1);
  g_assert_false (g_file_test (missing, G_FILE_TEST_EXISTS));
}

static void
test_diagnostics_scrubs_secrets (Fixture *f, gconstpointer data)
{
  g_autofree char *conf_dir = g_build_filename (f->dir, "etc", NULL);
  g_autofree char *conf = g_build_filename (conf_dir, "hub.conf", NULL);
  g_autofree char *bundle = g_build_filename (f->dir, "diag.tar.gz", NULL);
  g_autofree char *contents = NULL;
  const char *secret = "3f1c2a9b8d7e6f5a4b3c2d1e0f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0";
  g_autofree char *text = g_strdup_printf ("[store]\nid = store-001\nphone = +1 555 0100\n"
                                           "[central]\napi-key = %s\n# owner: ana@example.test\n", secret);

  g_assert_cmpint (g_mkdir (conf_dir, 0700), ==, 0);
  g_assert_true (g_file_set_contents (conf, text, -1, NULL));
  g_assert_cmpint (run_ctl (NULL, "diagnostics", "--out", bundle, "--config-dir", conf_dir,
                            "--metrics-url", "http://127.0.0.1:1/metrics", NULL), ==, 0);
  {
    const char *argv[] = { "tar", "-xzOf", bundle, "curbside-diagnostics/hub.conf", NULL };
    g_autoptr(GError) error = NULL;
    g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &contents, NULL, NULL, &error);
    g_assert_no_error (error);
  }
  g_assert_nonnull (strstr (contents, "id = store-001"));
  g_assert_null (strstr (contents, secret));
  g_assert_null (strstr (contents, "ana@example.test"));
  g_assert_null (strstr (contents, "555 0100"));
  g_assert_nonnull (strstr (contents, "api-key = <redacted>"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/ctl/store/backup-restore", Fixture, NULL, fixture_set_up, test_backup_then_restore, fixture_tear_down);
  g_test_add ("/ctl/store/restore-garbage", Fixture, NULL, fixture_set_up, test_restore_refuses_garbage, fixture_tear_down);
  g_test_add ("/ctl/store/staff", Fixture, NULL, fixture_set_up, test_staff_add_list_remove, fixture_tear_down);
  g_test_add ("/ctl/diagnostics/scrub", Fixture, NULL, fixture_set_up, test_diagnostics_scrubs_secrets, fixture_tear_down);
  g_test_add ("/ctl/store/missing-db", Fixture, NULL, fixture_set_up, test_missing_database, fixture_tear_down);
  return g_test_run ();
}
