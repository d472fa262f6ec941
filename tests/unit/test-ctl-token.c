#include <string.h>
#include <sys/wait.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "curbside-core.h"
#include "curb-test-helpers.h"

typedef struct
{
  char *dir;
  char *out;
  char *err;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  f->dir = curb_test_mkdtemp ();
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  curb_test_rmdir (f->dir);
  g_free (f->dir);
  g_free (f->out);
  g_free (f->err);
}

/* Runs curbside-ctl with a NULL-terminated argument list; returns its exit status. */
static int
ctl (Fixture *f,
     ...)
{
  g_autofree char *program = curb_test_build_path ("ctl", "curbside-ctl");
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  const char *arg;
  int status = 0;
  va_list args;

  g_ptr_array_add (argv, program);
  va_start (args, f);
  while ((arg = va_arg (args, const char *)) != NULL)
    g_ptr_array_add (argv, (char *) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);
  g_clear_pointer (&f->out, g_free);
  g_clear_pointer (&f->err, g_free);
  g_spawn_sync (f->dir, (char **) argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                &f->out, &f->err, &status, &error);
  g_assert_no_error (error);
  g_assert_true (WIFEXITED (status));
  return WEXITSTATUS (status);
}

static char *
sign (Fixture    *f,
      const char *extra)
{
  g_assert_cmpint (ctl (f, "token-sign", "--secret", "c1.secret", "--kid", "c1", "--store", "store-001",
                        "--order", "ZQX-SECRET-7781", extra != NULL ? extra : "--ttl=7d", NULL), ==, 0);
  return g_strstrip (g_strdup (f->out));
}

static void
test_keygen (Fixture       *f,
             gconstpointer  data)
{
  g_autofree char *secret = g_build_filename (f->dir, "c1.secret", NULL);
  g_autofree char *ring = g_build_filename (f->dir, "keyring", NULL);
  g_autoptr(CurbKeyring) keyring = NULL;
  GStatBuf st;

  g_assert_cmpint (ctl (f, "keygen", "--kid", "c1", "--out-secret", "c1.secret", "--out-public", "keyring", NULL), ==, 0);
  g_assert_cmpint (g_stat (secret, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  g_assert_cmpint (ctl (f, "keygen", "--kid", "c1", "--out-secret", "c1.secret", "--out-public", "keyring", NULL), ==, 1);
  g_assert_cmpint (ctl (f, "keygen", "--kid", "c2", "--out-secret", "c2.secret", "--out-public", "keyring", NULL), ==, 0);
  keyring = curb_keyring_load (ring, NULL);
  g_assert_cmpuint (curb_keyring_get_n_keys (keyring), ==, 2);
  g_assert_cmpint (ctl (f, "keygen", "--kid", "bad/kid", "--out-secret", "x", "--out-public", "y", NULL), ==, 1);
  g_assert_cmpint (ctl (f, "keygen", "--kid", "c3", NULL), ==, 2);
}

static void
test_sign_and_verify (Fixture       *f,
                      gconstpointer  data)
{
  g_autofree char *token = NULL;

  ctl (f, "keygen", "--kid", "c1", "--out-secret", "c1.secret", "--out-public", "keyring", NULL);
  token = sign (f, NULL);
  g_assert_cmpint (ctl (f, "token-verify", "--keyring", "keyring", "--store", "store-001", token, NULL), ==, 0);
  g_assert_nonnull (strstr (f->out, "valid: order ZQX-SECRET-7781, store store-001, key c1"));

  g_assert_cmpint (ctl (f, "token-verify", "--keyring", "keyring", "--store", "store-002", token, NULL), ==, 3);
  g_assert_nonnull (strstr (f->err, "rejected (token_other_store)"));
  g_assert_null (strstr (f->err, "ZQX"));

  g_assert_cmpint (ctl (f, "token-verify", "--keyring", "keyring", "--store", "store-001",
                        "--now", "4000000000", token, NULL), ==, 3);
  g_assert_nonnull (strstr (f->err, "rejected (token_expired)"));
  g_assert_cmpint (ctl (f, "token-verify", "--keyring", "keyring", "--store", "store-001", "NOT-A-TOKEN", NULL), ==, 3);
  g_assert_nonnull (strstr (f->err, "rejected (token_malformed)"));
}

static void
test_verify_json_and_usage (Fixture       *f,
                            gconstpointer  data)
{
  g_autofree char *token = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *verdict;

  ctl (f, "keygen", "--kid", "c1", "--out-secret", "c1.secret", "--out-public", "keyring", NULL);
  token = sign (f, "--expires=1000");
  g_assert_cmpint (ctl (f, "token-verify", "--json", "--keyring", "keyring", "--store", "store-001", token, NULL), ==, 3);
  g_assert_true (json_parser_load_from_data (parser, f->out, -1, NULL));
  verdict = json_node_get_object (json_parser_get_root (parser));
  g_assert_false (json_object_get_boolean_member (verdict, "valid"));
  g_assert_cmpstr (json_object_get_string_member (verdict, "reason"), ==, "token_expired");
  g_assert_cmpint (ctl (f, "token-verify", "--keyring", "keyring", NULL), ==, 2);
  g_assert_cmpint (ctl (f, "token-verify", "--keyring", "missing", "--store", "s", token, NULL), ==, 1);
  g_assert_cmpint (ctl (f, "token-sign", "--secret", "c1.secret", "--store", "s", "--order", "A1", "--ttl", "soon", NULL), ==, 2);
  g_assert_cmpint (ctl (f, "token-sign", "--secret", "c1.secret", "--kid", "c9", "--store", "s", "--order", "A1", NULL), ==, 1);
}

static void
test_config_check (Fixture       *f,
                   gconstpointer  data)
{
  g_autofree char *sample = g_build_filename (g_getenv ("CURB_SOURCE_ROOT"), "assets", "config", "staging.conf", NULL);
  g_autofree char *broken = g_build_filename (f->dir, "kiosk.conf", NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonArray *problems;

  g_assert_cmpint (ctl (f, "config", "check", sample, "--role", "staging", NULL), ==, 0);
  g_assert_cmpint (ctl (f, "config", "check", sample, NULL), ==, 0);
  g_assert_true (g_file_set_contents (broken, "[hub]\nurl = http://h\n[ui]\nidle-timout = 3\n", -1, NULL));
  g_assert_cmpint (ctl (f, "config", "check", broken, NULL), ==, 1);
  g_assert_nonnull (strstr (f->err, "kiosk.conf:4: unknown key “idle-timout” in [ui]; did you mean “idle-timeout”?"));
  g_assert_cmpint (ctl (f, "config", "check", broken, "--role", "kiosk", "--json", NULL), ==, 1);
  g_assert_true (json_parser_load_from_data (parser, f->out, -1, NULL));
  problems = json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)), "problems");
  g_assert_cmpuint (json_array_get_length (problems), ==, 1);
  g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (problems, 0), "line"), ==, 4);
  g_assert_cmpint (ctl (f, "config", "check", sample, "--role", "printer", NULL), ==, 2);
  g_assert_cmpint (ctl (f, "config", "check", "/nonexistent.conf", "--role", "hub", NULL), ==, 1);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
#define ADD(path, func) g_test_add ("/ctl/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("keygen", test_keygen);
  ADD ("token/sign-and-verify", test_sign_and_verify);
  ADD ("token/json-and-usage", test_verify_json_and_usage);
  ADD ("config/check", test_config_check);
#undef ADD
  return g_test_run ();
}
