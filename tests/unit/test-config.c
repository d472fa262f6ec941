#include <string.h>

#include "curbside-core.h"
#include "curb-test-helpers.h"

#define HUB_MINIMAL "[store]\nid = store-001\nname = Demo\n[central]\nurl = http://127.0.0.1:8080\n"

static char *
sample_path (CurbConfigRole role)
{
  g_autofree char *name = g_strconcat (curb_config_role_to_string (role), ".conf", NULL);

  return g_build_filename (g_getenv ("CURB_SOURCE_ROOT"), "assets", "config", name, NULL);
}

/* Checks @text and returns its problems formatted, one a line. */
static char *
problems_of (CurbConfigRole  role,
             const char     *text)
{
  g_autoptr(GPtrArray) problems = NULL;
  GString *out = g_string_new (NULL);
  gboolean ok = curb_config_check_data (role, text, -1, "test.conf", &problems);

  g_assert_cmpint (ok, ==, problems->len == 0);
  for (guint i = 0; i < problems->len; i++)
    {
      g_autofree char *line = curb_config_problem_format (problems->pdata[i]);
      g_string_append_printf (out, "%s\n", line);
    }
  return g_string_free (out, FALSE);
}

static void
assert_problem (CurbConfigRole  role,
                const char     *text,
                const char     *expected)
{
  g_autofree char *problems = problems_of (role, text);

  if (strstr (problems, expected) == NULL)
    g_error ("expected “%s” among:\n%s", expected, problems);
}

static void
test_samples_load (void)
{
  for (CurbConfigRole role = CURB_CONFIG_ROLE_HUB; role <= CURB_CONFIG_ROLE_STAGING; role++)
    {
      g_autofree char *path = sample_path (role);
      g_autoptr(GError) error = NULL;
      g_autoptr(CurbConfig) config = curb_config_load (role, path, &error);
      g_assert_no_error (error);
      g_assert_nonnull (config);
      g_assert_cmpint (curb_config_get_role (config), ==, role);
    }
}

static void
test_sample_values (void)
{
  g_autofree char *hub_path = sample_path (CURB_CONFIG_ROLE_HUB);
  g_autofree char *kiosk_path = sample_path (CURB_CONFIG_ROLE_KIOSK);
  g_autoptr(CurbConfig) hub = curb_config_load (CURB_CONFIG_ROLE_HUB, hub_path, NULL);
  g_autoptr(CurbConfig) kiosk = curb_config_load (CURB_CONFIG_ROLE_KIOSK, kiosk_path, NULL);

  g_assert_cmpstr (curb_config_get_string (hub, "store", "id"), ==, "store-001");
  g_assert_cmpstr (curb_config_get_string (hub, "listen", "address"), ==, "127.0.0.1");
  g_assert_cmpint (curb_config_get_int (hub, "listen", "port"), ==, 8443);
  g_assert_cmpstr (curb_config_get_path (hub, "tokens", "keyring"), ==, "/etc/curbside/keyring");
  g_assert_null (curb_config_get_path (hub, "tokens", "issuing-key"));
  g_assert_cmpstr (curb_config_get_string (hub, "central", "url"), ==, "https://central.example.com/curbside/v1");
  g_assert_cmpstrv (curb_config_get_list (kiosk, "pickup", "bays"), ((const char *[]) { "1", "2", "3", "4", NULL }));
  g_assert_true (curb_config_get_bool (kiosk, "printer", "receipts"));
  g_assert_cmpint (curb_config_get_int (kiosk, "ui", "idle-timeout"), ==, 30);
}

/* Every schema key is documented in its sample, set or commented out. */
static void
test_samples_cover_schema (void)
{
  for (CurbConfigRole role = CURB_CONFIG_ROLE_HUB; role <= CURB_CONFIG_ROLE_STAGING; role++)
    {
      g_autofree char *path = sample_path (role);
      g_autofree char *text = NULL;
      gsize n_keys = 0;
      const CurbConfigKey *schema = curb_config_get_schema (role, &n_keys);

      g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
      for (gsize i = 0; i < n_keys; i++)
        {
          g_autofree char *group = g_strdup_printf ("\n[%s]\n", schema[i].group);
          g_autofree char *pattern = g_strdup_printf ("\\n(# )?%s = ", schema[i].key);
          const char *section = strstr (text, group);
          const char *next;
          g_autofree char *body = NULL;
          g_assert_nonnull (section);
          next = strstr (section + strlen (group), "\n[");
          body = next != NULL ? g_strndup (section, next - section) : g_strdup (section);
          if (!g_regex_match_simple (pattern, body, 0, 0))
            g_error ("%s: [%s] %s is not in the sample", path, schema[i].group, schema[i].key);
        }
    }
}

static void
test_defaults (void)
{
  g_autoptr(CurbConfig) hub = curb_config_new_defaults (CURB_CONFIG_ROLE_HUB);
  g_autoptr(CurbConfig) kiosk = curb_config_new_defaults (CURB_CONFIG_ROLE_KIOSK);
  g_autoptr(CurbConfig) staging = curb_config_new_defaults (CURB_CONFIG_ROLE_STAGING);

  g_assert_cmpstr (curb_config_get_string (hub, "listen", "address"), ==, "127.0.0.1");
  g_assert_cmpint (curb_config_get_int (hub, "listen", "port"), ==, 8443);
  g_assert_null (curb_config_get_string (hub, "store", "id"));
  g_assert_cmpint (curb_config_get_int (kiosk, "ui", "idle-timeout"), ==, 30);
  g_assert_cmpint (curb_config_get_int (staging, "service", "amber-seconds"), ==, 120);
  g_assert_cmpint (curb_config_get_int (staging, "service", "red-seconds"), ==, 240);
  g_assert_cmpfloat (curb_config_get_double (staging, "sounds", "volume"), ==, 0.8);
  g_assert_false (curb_config_is_set (hub, "listen", "port"));
}

static void
test_default_path (void)
{
  g_autofree char *system = NULL;
  g_autofree char *override = NULL;

  g_unsetenv ("CURBSIDE_CONFIG_DIR");
  system = curb_config_default_path (CURB_CONFIG_ROLE_KIOSK);
  g_setenv ("CURBSIDE_CONFIG_DIR", "/tmp/demo", TRUE);
  override = curb_config_default_path (CURB_CONFIG_ROLE_HUB);
  g_unsetenv ("CURBSIDE_CONFIG_DIR");
  g_assert_cmpstr (system, ==, "/etc/curbside/kiosk.conf");
  g_assert_cmpstr (override, ==, "/tmp/demo/hub.conf");
}

static void
test_minimal_file_and_relative_path (void)
{
  g_autofree char *dir = curb_test_mkdtemp ();
  g_autofree char *path = g_build_filename (dir, "hub.conf", NULL);
  g_autofree char *keyring = g_build_filename (dir, "keys", "ring", NULL);
  g_autoptr(CurbConfig) config = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (g_file_set_contents (path, HUB_MINIMAL "[tokens]\nkeyring = keys/ring\n", -1, NULL));
  config = curb_config_load (CURB_CONFIG_ROLE_HUB, path, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (curb_config_get_path (config, "tokens", "keyring"), ==, keyring);
  g_assert_true (curb_config_is_set (config, "tokens", "keyring"));
  g_assert_cmpint (curb_config_get_int (config, "central", "poll-interval"), ==, 15);
  curb_test_rmdir (dir);
}

static void
test_changed_keys (void)
{
  g_autoptr(CurbConfig) before = curb_config_load_data (CURB_CONFIG_ROLE_KIOSK,
    "[hub]\nurl = http://h\n[pickup]\nbays = 1;2\n", -1, NULL, NULL);
  g_autoptr(CurbConfig) after = curb_config_load_data (CURB_CONFIG_ROLE_KIOSK,
    "[hub]\nurl = http://h\n[pickup]\nbays = 1;2;3\n[ui]\nidle-timeout = 30\nlanguages = es;en\n", -1, NULL, NULL);
  g_auto(GStrv) changed = curb_config_changed_keys (before, after);
  g_auto(GStrv) same = curb_config_changed_keys (before, before);

  g_assert_cmpstrv (changed, ((const char *[]) { "pickup.bays", "ui.languages", NULL }));
  g_assert_cmpstrv (same, ((const char *[]) { NULL }));
}

static void
test_syntax_errors (void)
{
  assert_problem (CURB_CONFIG_ROLE_HUB, "id = x\n" HUB_MINIMAL, "test.conf:1: key outside any group");
  assert_problem (CURB_CONFIG_ROLE_HUB, HUB_MINIMAL "just words\n", "test.conf:6: expected “key = value”");
  assert_problem (CURB_CONFIG_ROLE_HUB, HUB_MINIMAL "[listen\n", "test.conf:6: malformed group header");
  assert_problem (CURB_CONFIG_ROLE_HUB, HUB_MINIMAL "\n\n[listen]\nport = 1\nport = 2\n",
                  "test.conf:10: [listen] port is set twice (first on line 9)");
  assert_problem (CURB_CONFIG_ROLE_HUB, HUB_MINIMAL "# caf\xe9\n", "test.conf:6: line is not valid UTF-8");
  assert_problem (CURB_CONFIG_ROLE_HUB, HUB_MINIMAL "[store]\nphone = 555\\q\n", "test.conf:7: [store] phone: ");
}

static void
test_nul_byte (void)
{
  static const char text[] = "[store]\nid = a\0b\n";
  g_autoptr(GPtrArray) problems = NULL;

  g_assert_false (curb_config_check_data (CURB_CONFIG_ROLE_HUB, text, sizeof text - 1, "nul.conf", &problems));
  g_assert_cmpuint (problems->len, ==, 1);
  g_assert_cmpstr (((CurbConfigProblem *) problems->pdata[0])->message, ==, "file contains a NUL byte: not a text file");
}

static void
test_unknown_names_with_suggestions (void)
{
  assert_problem (CURB_CONFIG_ROLE_HUB, HUB_MINIMAL "[listen]\nprot = 8443\n",
                  "test.conf:7: unknown key “prot” in [listen]; did you mean “port”?");
  assert_problem (CURB_CONFIG_ROLE_HUB, HUB_MINIMAL "[centrl]\nurl = http://x\n",
                  "test.conf:6: unknown group [centrl]; did you mean [central]?");
  assert_problem (CURB_CONFIG_ROLE_HUB, HUB_MINIMAL "[store]\nport = 1\n",
                  "test.conf:7: unknown key “port” in [store]; it belongs in group [listen]");
  assert_problem (CURB_CONFIG_ROLE_KIOSK, "[hub]\nurl = http://h\n[ui]\nidle_timeout = 3\n",
                  "test.conf:4: unknown key “idle_timeout” in [ui]; did you mean “idle-timeout”?");
  assert_problem (CURB_CONFIG_ROLE_HUB, HUB_MINIMAL "[listen]\nzzzzzzzzzz = 1\n",
                  "test.conf:7: unknown key “zzzzzzzzzz” in [listen]\n");
}

static void
test_value_errors (void)
{
  assert_problem (CURB_CONFIG_ROLE_HUB, HUB_MINIMAL "[listen]\nport = eighty\n",
                  "test.conf:7: [listen] port: “eighty” is not a whole number");
  assert_problem (CURB_CONFIG_ROLE_HUB, HUB_MINIMAL "[listen]\nport = 70000\n",
                  "test.conf:7: [listen] port: must be between 1 and 65535, not 70000");
  assert_problem (CURB_CONFIG_ROLE_HUB, HUB_MINIMAL "[listen]\naddress = localhost\n",
                  "test.conf:7: [listen] address: “localhost” is not an IP address");
  assert_problem (CURB_CONFIG_ROLE_HUB, "[store]\nid = store 001\nname = D\n[central]\nurl = ftp://x\nconnector = shopify\n",
                  "test.conf:2: [store] id: must be 1 to 32 characters");
  assert_problem (CURB_CONFIG_ROLE_HUB, "[store]\nid = s\nname = D\n[central]\nurl = ftp://x\n",
                  "test.conf:5: [central] url: “ftp://x” is not an http:// or https:// URL with a host");
  assert_problem (CURB_CONFIG_ROLE_HUB, HUB_MINIMAL "connector = shopify\n",
                  "test.conf:6: [central] connector: “shopify” is not one of: curbside|vendure");
  assert_problem (CURB_CONFIG_ROLE_KIOSK, "[hub]\nurl = http://h\n[printer]\nreceipts = maybe\n",
                  "test.conf:4: [printer] receipts: “maybe” is not a boolean: write true or false");
  assert_problem (CURB_CONFIG_ROLE_KIOSK, "[hub]\nurl = http://h\n[ui]\nlanguages = en;Spanish\n",
                  "test.conf:4: [ui] languages: “Spanish” is not a language code");
  assert_problem (CURB_CONFIG_ROLE_STAGING, "[hub]\nurl = http://h\n[sounds]\nvolume = 1.5\n",
                  "test.conf:4: [sounds] volume: must be between 0 and 1, not 1.5");
  assert_problem (CURB_CONFIG_ROLE_STAGING, "[hub]\nurl = http://h\n[sounds]\nvolume = loud\n",
                  "test.conf:4: [sounds] volume: “loud” is not a number");
  assert_problem (CURB_CONFIG_ROLE_HUB, HUB_MINIMAL "[tokens]\nkeyring =\n",
                  "test.conf:7: [tokens] keyring: must not be empty");
  /* an invalid escape, then a backslash at the end: GLib's own parser set its
   * error twice (a warning, fatal in tests) */
  assert_problem (CURB_CONFIG_ROLE_HUB, "[store]\nid = a\\qb\\\nname = x\n[central]\nurl = http://x\n",
                  "test.conf:2: [store] id: Key file contains invalid escape sequence “\\q”");
  assert_problem (CURB_CONFIG_ROLE_HUB, "[store]\nid = ab\\\nname = x\n[central]\nurl = http://x\n",
                  "test.conf:2: [store] id: Key file contains escape character at end of line");
}

static void
test_required_and_cross_checks (void)
{
  assert_problem (CURB_CONFIG_ROLE_HUB, "[store]\nid = s\n[central]\nurl = http://c\n",
                  "test.conf:1: [store] name: required, but not set");
  assert_problem (CURB_CONFIG_ROLE_KIOSK, "", "test.conf: [hub] url: required, but not set");
  assert_problem (CURB_CONFIG_ROLE_STAGING, "[hub]\nurl = http://h\n[service]\namber-seconds = 300\nred-seconds = 200\n",
                  "test.conf:5: [service] red-seconds: red-seconds (200) must be more than amber-seconds (300)");
  assert_problem (CURB_CONFIG_ROLE_HUB, HUB_MINIMAL "[tls]\ncertificate = /x.crt\n",
                  "test.conf:7: [tls] certificate: “certificate” is set but “private-key” is not");
}

/* All problems at once, in line order (a missing key at its group's header). */
static void
test_reports_everything (void)
{
  g_autofree char *problems = problems_of (CURB_CONFIG_ROLE_HUB,
    "[store]\nid = bad id\n[listen]\nport = 0\nprot = 1\n[nope]\nx = 1\n[central]\npoll-interval = x\n");
  g_autoptr(GError) error = NULL;
  g_autoptr(CurbConfig) config = NULL;

  g_assert_cmpstr (problems, ==,
    "test.conf:1: [store] name: required, but not set\n"
    "test.conf:2: [store] id: must be 1 to 32 characters of A-Z a-z 0-9 . _ -\n"
    "test.conf:4: [listen] port: must be between 1 and 65535, not 0\n"
    "test.conf:5: unknown key “prot” in [listen]; did you mean “port”?\n"
    "test.conf:6: unknown group [nope]\n"
    "test.conf:8: [central] url: required, but not set\n"
    "test.conf:9: [central] poll-interval: “x” is not a whole number\n");
  config = curb_config_load_data (CURB_CONFIG_ROLE_HUB, "[store]\nid = bad id\n", -1, "x.conf", &error);
  g_assert_null (config);
  g_assert_error (error, CURB_ERROR, CURB_ERROR_CONFIG);
  g_assert_true (g_str_has_prefix (error->message, "x.conf:1: [store] name: required, but not set\n"
                                                  "x.conf:2: [store] id: "));
}

static void
test_missing_file (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) problems = NULL;
  g_autoptr(CurbConfig) config = curb_config_load (CURB_CONFIG_ROLE_HUB, "/nonexistent/hub.conf", &error);

  g_assert_null (config);
  g_assert_error (error, CURB_ERROR, CURB_ERROR_CONFIG);
  g_assert_false (curb_config_check (CURB_CONFIG_ROLE_HUB, "/nonexistent/hub.conf", &problems));
  g_assert_cmpuint (problems->len, ==, 1);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/config/samples/load", test_samples_load);
  g_test_add_func ("/config/samples/values", test_sample_values);
  g_test_add_func ("/config/samples/cover-schema", test_samples_cover_schema);
  g_test_add_func ("/config/defaults", test_defaults);
  g_test_add_func ("/config/default-path", test_default_path);
  g_test_add_func ("/config/relative-path", test_minimal_file_and_relative_path);
  g_test_add_func ("/config/changed-keys", test_changed_keys);
  g_test_add_func ("/config/errors/syntax", test_syntax_errors);
  g_test_add_func ("/config/errors/nul-byte", test_nul_byte);
  g_test_add_func ("/config/errors/unknown-names", test_unknown_names_with_suggestions);
  g_test_add_func ("/config/errors/values", test_value_errors);
  g_test_add_func ("/config/errors/required-and-cross", test_required_and_cross_checks);
  g_test_add_func ("/config/errors/all-at-once", test_reports_everything);
  g_test_add_func ("/config/errors/missing-file", test_missing_file);
  return g_test_run ();
}
