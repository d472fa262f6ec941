/* curbside-ctl enroll and status against a real hub over TLS. */

#include <sys/wait.h>

#include "curb-test-helpers.h"
#include "test-hub-fixture.h"

typedef struct
{
  char *out;
  char *err;
  int   status;
  gboolean done;
} CtlRun;

static void
on_ctl_done (GObject *source, GAsyncResult *result, gpointer data)
{
  CtlRun *run = data;
  g_autoptr(GError) error = NULL;

  g_subprocess_communicate_utf8_finish (G_SUBPROCESS (source), result, &run->out, &run->err, &error);
  g_assert_no_error (error);
  run->status = g_subprocess_get_if_exited (G_SUBPROCESS (source))
                ? g_subprocess_get_exit_status (G_SUBPROCESS (source)) : -1;
  run->done = TRUE;
}

/* Runs curbside-ctl while the in-process hub keeps serving. */
static int
ctl (CtlRun *run, const char * const *args)
{
  g_autofree char *binary = curb_test_build_path ("ctl", "curbside-ctl");
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;

  g_ptr_array_add (argv, binary);
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (char *) args[i]);
  g_ptr_array_add (argv, NULL);
  process = g_subprocess_newv ((const char * const *) argv->pdata,
                               G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8_async (process, NULL, NULL, on_ctl_done, run);
  while (!run->done)
    g_main_context_iteration (NULL, TRUE);
  g_test_message ("ctl %s → %d\n%s%s", args[0], run->status, run->out, run->err);
  return run->status;
}

static void
ctl_run_clear (CtlRun *run)
{
  g_clear_pointer (&run->out, g_free);
  g_clear_pointer (&run->err, g_free);
  run->done = FALSE;
}

static char *
enroll_admin (HubFixture *fx)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *code = curb_store_create_enrollment_code (fx->store, CURB_DEVICE_ROLE_ADMIN,
                                                             60000, &error);
  g_autofree char *credential_file = g_build_filename (fx->dir, "admin.credential", NULL);
  const char *args[] = { "enroll", "--hub", fx->url, "--fingerprint", fx->fingerprint,
                         "--code", code, "--name", "it-laptop", "--credential-file",
                         credential_file, NULL };
  CtlRun run = { 0 };

  g_assert_no_error (error);
  g_assert_cmpint (ctl (&run, args), ==, 0);
  g_assert_nonnull (strstr (run.out, "Enrolled as"));
  ctl_run_clear (&run);

  /* the code was single-use */
  g_assert_cmpint (ctl (&run, args), ==, 1);
  g_assert_nonnull (strstr (run.err, "issue a new one"));
  ctl_run_clear (&run);
  return g_steal_pointer (&credential_file);
}

static void
test_enroll_then_status (HubFixture *fx, gconstpointer data)
{
  g_autofree char *credential_file = enroll_admin (fx);
  CtlRun run = { 0 };
  GStatBuf st;

  g_assert_cmpint (g_stat (credential_file, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);

  {
    const char *args[] = { "status", "--hub", fx->url, "--fingerprint", fx->fingerprint,
                           "--credential-file", credential_file, NULL };
    int status = ctl (&run, args);

    g_assert_nonnull (strstr (run.out, "Store store-001"));
    g_assert_nonnull (strstr (run.out, "it-laptop"));
    g_assert_nonnull (strstr (run.out, "Central: not configured"));
    g_assert_cmpint (status, ==, 0);
    ctl_run_clear (&run);
  }
  {
    const char *args[] = { "status", "--json", "--hub", fx->url, "--fingerprint", fx->fingerprint,
                           "--credential-file", credential_file, NULL };
    g_autoptr(JsonNode) node = NULL;

    g_assert_cmpint (ctl (&run, args), ==, 0);
    node = json_from_string (run.out, NULL);
    g_assert_nonnull (node);
    g_assert_cmpstr (json_object_get_string_member (json_node_get_object (node), "store_id"), ==,
                     HUB_TEST_STORE_ID);
    ctl_run_clear (&run);
  }
}

static void
test_status_names_the_printer_problem (HubFixture *fx, gconstpointer data)
{
  g_autofree char *credential_file = enroll_admin (fx);
  g_autoptr(CurbHubClient) kiosk = hub_fixture_device (fx, CURB_DEVICE_ROLE_KIOSK, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) reply = hub_call (kiosk, "POST", "/v1/heartbeat",
                                          "{\"camera\": \"ok\", \"printer\": \"paper_out\"}",
                                          NULL, &error);
  const char *args[] = { "status", "--hub", fx->url, "--fingerprint", fx->fingerprint,
                         "--credential-file", credential_file, NULL };
  CtlRun run = { 0 };

  g_assert_no_error (error);
  g_assert_nonnull (reply);
  g_assert_cmpint (ctl (&run, args), ==, 1);
  g_assert_nonnull (strstr (run.out, "printer paper_out (load a new paper roll)"));
  g_assert_nonnull (strstr (run.out, "camera ok"));
  ctl_run_clear (&run);
}

/* An order central sent that the store could not take is listed for store IT. */
static void
test_status_lists_refused_orders (HubFixture *fx, gconstpointer data)
{
  g_autofree char *credential_file = enroll_admin (fx);
  g_autoptr(GError) error = NULL;
  g_autoptr(CurbCentralConnector) connector = curb_central_connector_new ("http://127.0.0.1:1", HUB_TEST_STORE_ID,
                                                                          "key", &error);
  g_autoptr(CurbSync) sync = curb_sync_new (fx->store, CURB_CONNECTOR (connector));
  const char *args[] = { "status", "--hub", fx->url, "--fingerprint", fx->fingerprint,
                         "--credential-file", credential_file, NULL };
  CtlRun run = { 0 };

  g_assert_no_error (error);
  curb_hub_set_sync (fx->hub, sync);
  g_assert_true (curb_store_note_rejected_order (fx->store, "P00077", 4, "Order field lines must be an array",
                                                 NULL, &error));
  g_assert_true (curb_store_claim_rejected_order (fx->store, "P00077"));
  g_assert_cmpint (ctl (&run, args), >=, 1);
  g_assert_nonnull (strstr (run.out, "Central orders the store could not take: 1"));
  g_assert_nonnull (strstr (run.out, "P00077 (version 4)"));
  g_assert_nonnull (strstr (run.out, "shopper waiting: Order field lines must be an array"));
  ctl_run_clear (&run);
  curb_hub_set_sync (fx->hub, NULL);
}

static void
test_status_wrong_certificate (HubFixture *fx, gconstpointer data)
{
  g_autofree char *credential_file = enroll_admin (fx);
  const char *args[] = { "status", "--hub", fx->url, "--fingerprint",
                         "0000000000000000000000000000000000000000000000000000000000000000",
                         "--credential-file", credential_file, NULL };
  CtlRun run = { 0 };

  /* a hub whose certificate does not match the pin is not talked to */
  g_assert_cmpint (ctl (&run, args), ==, 3);
  g_assert_nonnull (strstr (run.err, "did not answer"));
  ctl_run_clear (&run);
}

static void
test_status_unreachable (HubFixture *fx, gconstpointer data)
{
  g_autofree char *credential_file = g_build_filename (fx->dir, "cred", NULL);
  const char *args[] = { "status", "--hub", "https://127.0.0.1:1", "--fingerprint", fx->fingerprint,
                         "--credential-file", credential_file, NULL };
  CtlRun run = { 0 };

  g_assert_true (g_file_set_contents (credential_file, "0123456789abcdef", -1, NULL));
  g_assert_cmpint (ctl (&run, args), ==, 3);
  g_assert_nonnull (strstr (run.err, "systemctl status curbside-hub"));
  ctl_run_clear (&run);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/ctl/hub/enroll-status", HubFixture, NULL, hub_fixture_setup, test_enroll_then_status, hub_fixture_teardown);
  g_test_add ("/ctl/hub/refused-orders", HubFixture, NULL, hub_fixture_setup, test_status_lists_refused_orders, hub_fixture_teardown);
  g_test_add ("/ctl/hub/printer-problem", HubFixture, NULL, hub_fixture_setup, test_status_names_the_printer_problem, hub_fixture_teardown);
  g_test_add ("/ctl/hub/wrong-certificate", HubFixture, NULL, hub_fixture_setup, test_status_wrong_certificate, hub_fixture_teardown);
  g_test_add ("/ctl/hub/unreachable", HubFixture, NULL, hub_fixture_setup, test_status_unreachable, hub_fixture_teardown);
  return g_test_run ();
}
