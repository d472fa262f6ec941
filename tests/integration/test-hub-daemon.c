/* The real curbside-hub program: config, first-start certificate,
 * --issue-code, --fingerprint, enrollment over TLS, SIGHUP keyring reload,
 * SIGTERM clean stop. */

#include <signal.h>
#include <sys/prctl.h>

#include "curb-test-helpers.h"
#include "test-hub-fixture.h"

typedef struct
{
  char        *dir;
  char        *config;
  char        *keyring;
  GSubprocess *hub;
  char        *url;
  char        *fingerprint;
} Daemon;

static void
die_with_parent (gpointer data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

static char *
run_tool (Daemon *d, const char *option, const char *value)
{
  g_autofree char *binary = curb_test_build_path ("hub", "curbside-hub");
  g_autoptr(GSubprocess) tool = NULL;
  g_autoptr(GError) error = NULL;
  char *out = NULL;

  tool = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error, binary, "--config", d->config,
                           option, value, NULL);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (tool, NULL, NULL, &out, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_successful (tool));
  return g_strstrip (out);
}

static void
on_line (GObject *source, GAsyncResult *result, gpointer data)
{
  char **line = data;

  *line = g_data_input_stream_read_line_finish (G_DATA_INPUT_STREAM (source), result, NULL, NULL);
  if (*line == NULL)
    *line = g_strdup ("");
}

static void
start (Daemon *d)
{
  g_autofree char *binary = curb_test_build_path ("hub", "curbside-hub");
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_autoptr(GDataInputStream) out = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *line = NULL;
  g_auto(GStrv) parts = NULL;

  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  d->hub = g_subprocess_launcher_spawn (launcher, &error, binary, "--config", d->config,
                                        "--listen", "127.0.0.1:0", "--no-sync", NULL);
  g_assert_no_error (error);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (d->hub));
  g_data_input_stream_read_line_async (out, G_PRIORITY_DEFAULT, NULL, on_line, &line);
  while (line == NULL)
    g_main_context_iteration (NULL, TRUE);
  parts = g_strsplit (line, " ", 3);
  g_assert_cmpstr (parts[0], ==, "READY");
  d->url = g_strdup (parts[1]);
  d->fingerprint = g_strdup (parts[2]);
}

static JsonObject *
checkin (Daemon *d, const char *credential, const char *token, GError **error)
{
  g_autoptr(CurbHubClient) client = curb_hub_client_new (d->url);
  g_autoptr(GAsyncResult) result = NULL;

  curb_hub_client_set_pinned_certificate (client, d->fingerprint);
  curb_hub_client_set_credential (client, credential);
  curb_hub_client_checkin_async (client, token, FALSE, "2", NULL, 0, NULL, hub_store_result, &result);
  hub_wait (&result);
  return curb_hub_client_request_finish (client, result, error);
}

static void
test_daemon (void)
{
  Daemon d = { NULL, };
  g_autoptr(GError) error = NULL;
  g_autoptr(CurbSigningKey) issuer = curb_signing_key_generate ("h1", NULL);
  g_autoptr(CurbKeyring) keyring = curb_keyring_new ();
  g_autoptr(CurbStore) store = NULL;
  g_autoptr(CurbHubClient) client = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(JsonObject) enrolled = NULL;
  g_autoptr(JsonObject) refused = NULL;
  g_autoptr(JsonObject) accepted = NULL;
  g_autoptr(CurbTokenClaims) claims = curb_token_claims_new (HUB_TEST_STORE_ID, "D1",
                                                             g_get_real_time () / G_USEC_PER_SEC + 600);
  g_autoptr(JsonNode) order = json_from_string ("{\"ref\":\"D1\",\"version\":1,\"first_name\":\"Kim\"}", NULL);
  g_autofree char *db = NULL;
  g_autofree char *key_path = NULL;
  g_autofree char *code = NULL;
  g_autofree char *fingerprint = NULL;
  g_autofree char *token = curb_token_sign (issuer, claims, NULL);
  g_autofree char *text = NULL;
  GStatBuf st;

  d.dir = curb_test_mkdtemp ();
  d.config = g_build_filename (d.dir, "hub.conf", NULL);
  d.keyring = g_build_filename (d.dir, "keyring", NULL);
  text = g_strdup ("[store]\nid = " HUB_TEST_STORE_ID "\nname = Daemon test\n[storage]\ndata-dir = data\n"
                   "[central]\nurl = http://127.0.0.1:9\n[tokens]\nkeyring = keyring\n");
  g_file_set_contents (d.config, text, -1, &error);
  curb_keyring_save (keyring, d.keyring, &error);
  g_assert_no_error (error);

  code = run_tool (&d, "--issue-code", "kiosk");
  g_assert_cmpuint (strlen (code), >=, 8);
  fingerprint = run_tool (&d, "--fingerprint", NULL);
  key_path = g_build_filename (d.dir, "data", "hub-key.pem", NULL);
  g_assert_cmpint (g_stat (key_path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  db = g_build_filename (d.dir, "data", "store.db", NULL);
  store = curb_store_open (db, &error);
  curb_store_upsert_order (store, json_node_get_object (order), NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_clear_object (&store);

  start (&d);
  g_assert_cmpstr (d.fingerprint, ==, fingerprint);
  client = curb_hub_client_new (d.url);
  curb_hub_client_set_pinned_certificate (client, d.fingerprint);
  curb_hub_client_enroll_async (client, code, "door", NULL, hub_store_result, &result);
  hub_wait (&result);
  enrolled = curb_hub_client_request_finish (client, result, &error);
  g_assert_no_error (error);

  refused = checkin (&d, json_object_get_string_member (enrolled, "credential"), token, &error);
  g_assert_null (refused);
  g_assert_error (error, CURB_ERROR, CURB_ERROR_TOKEN_UNKNOWN_KEY);
  g_clear_error (&error);

  curb_keyring_add (keyring, "h1", curb_signing_key_get_public_key (issuer), &error);
  curb_keyring_save (keyring, d.keyring, &error);
  g_assert_no_error (error);
  g_subprocess_send_signal (d.hub, SIGHUP);
  for (int i = 0; i < 100 && accepted == NULL; i++)
    {
      g_clear_error (&error);
      hub_spin (20);
      accepted = checkin (&d, json_object_get_string_member (enrolled, "credential"), token, &error);
    }
  g_assert_no_error (error);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (accepted, "order"), "state"),
                   ==, "arrived");

  g_subprocess_send_signal (d.hub, SIGTERM);
  g_subprocess_wait (d.hub, NULL, &error);
  g_assert_true (g_subprocess_get_if_exited (d.hub));
  g_assert_cmpint (g_subprocess_get_exit_status (d.hub), ==, 0);

  g_clear_object (&d.hub);
  curb_test_rmdir (d.dir);
  g_free (d.dir);
  g_free (d.config);
  g_free (d.keyring);
  g_free (d.url);
  g_free (d.fingerprint);
}

static void
test_bad_config (void)
{
  g_autofree char *dir = curb_test_mkdtemp ();
  g_autofree char *config = g_build_filename (dir, "hub.conf", NULL);
  g_autofree char *binary = curb_test_build_path ("hub", "curbside-hub");
  g_autoptr(GSubprocess) hub = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *err = NULL;

  g_file_set_contents (config, "[store]\nid = store-001\nnmae = typo\n", -1, &error);
  hub = g_subprocess_new (G_SUBPROCESS_FLAGS_STDERR_PIPE | G_SUBPROCESS_FLAGS_STDOUT_SILENCE, &error,
                          binary, "--config", config, NULL);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (hub, NULL, NULL, NULL, &err, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_subprocess_get_exit_status (hub), ==, 2);
  g_assert_nonnull (strstr (err, "hub.conf:3"));
  curb_test_rmdir (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/hub/daemon/lifecycle", test_daemon);
  g_test_add_func ("/hub/daemon/bad-config", test_bad_config);
  return g_test_run ();
}
