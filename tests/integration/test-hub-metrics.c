/* Fleet health: /metrics has a series per enrolled device (info with the app
 * version, online, last seen, camera, printer, paper, outbox); the
 * node-exporter textfile is written atomically with mode 0644; the real
 * curbside-hub starts, moves and keeps its textfile across SIGHUP reloads. */

#include <math.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>

#include "curb-metrics-textfile.h"
#include "curb-test-helpers.h"
#include "test-hub-fixture.h"

static void
heartbeat (CurbHubClient *client,
           const char    *json)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) reply = hub_call (client, "POST", "/v1/heartbeat", json, NULL, &error);

  g_assert_no_error (error);
  g_assert_true (json_object_get_boolean_member (reply, "ok"));
}

static char *
metrics (HubFixture *fx)
{
  char *text = NULL;

  g_assert_cmpuint (hub_raw (fx, "GET", "/metrics", NULL, NULL, 0, &text), ==, 200);
  return text;
}

static void
assert_sample (const char *text,
               const char *name,
               const char *device,
               const char *value)
{
  g_autofree char *line = g_strdup_printf ("\n%s{device=\"%s\"} %s\n", name, device, value);

  if (strstr (text, line) == NULL)
    g_error ("no “%s” in:\n%s", line + 1, text);
}

static gboolean
has_sample (const char *text,
            const char *name,
            const char *device)
{
  g_autofree char *prefix = g_strdup_printf ("\n%s{device=\"%s\"} ", name, device);

  return strstr (text, prefix) != NULL;
}

static double
sample_value (const char *text,
              const char *name,
              const char *device)
{
  g_autofree char *prefix = g_strdup_printf ("\n%s{device=\"%s\"} ", name, device);
  const char *at = strstr (text, prefix);

  g_assert_nonnull (at);
  return g_ascii_strtod (at + strlen (prefix), NULL);
}

static void
test_device_series (HubFixture *fx, gconstpointer data)
{
  g_autofree char *kiosk_id = NULL;
  g_autofree char *staging_id = NULL;
  g_autofree char *gone_id = NULL;
  g_autoptr(CurbHubClient) kiosk = hub_fixture_device (fx, CURB_DEVICE_ROLE_KIOSK, &kiosk_id);
  g_autoptr(CurbHubClient) staging = hub_fixture_device (fx, CURB_DEVICE_ROLE_STAGING, &staging_id);
  g_autoptr(CurbHubClient) gone = hub_fixture_device (fx, CURB_DEVICE_ROLE_KIOSK, &gone_id);
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  g_autofree char *info = NULL;
  double now = g_get_real_time () / (double) G_USEC_PER_SEC;

  heartbeat (kiosk, "{\"camera\":\"ok\",\"printer\":\"paper_low\",\"app_version\":\"0.1.0\",\"outbox_depth\":2}");
  heartbeat (gone, "{\"camera\":\"ok\"}");
  curb_store_revoke_device (fx->store, gone_id, &error);
  g_assert_no_error (error);
  text = metrics (fx);

  g_assert_nonnull (strstr (text, "\ncurbside_hub_info{version=\"" CURB_VERSION "\"} 1\n"));
  info = g_strdup_printf ("\ncurbside_device_info{device=\"%s\",name=\"test device\",role=\"kiosk\",app_version=\"0.1.0\"} 1\n",
                          kiosk_id);
  g_assert_nonnull (strstr (text, info));
  assert_sample (text, "curbside_device_online", kiosk_id, "1");
  assert_sample (text, "curbside_device_online", staging_id, "0");
  assert_sample (text, "curbside_device_last_seen_timestamp_seconds", staging_id, "0");
  g_assert_cmpfloat (fabs (sample_value (text, "curbside_device_last_seen_timestamp_seconds", kiosk_id) - now), <, 60);
  assert_sample (text, "curbside_device_camera_ok", kiosk_id, "1");
  assert_sample (text, "curbside_device_printer_ok", kiosk_id, "1");
  assert_sample (text, "curbside_device_printer_paper_low", kiosk_id, "1");
  assert_sample (text, "curbside_device_printer_paper_out", kiosk_id, "0");
  assert_sample (text, "curbside_device_outbox_depth", kiosk_id, "2");
  g_assert_null (strstr (text, gone_id));
  g_assert_false (has_sample (text, "curbside_device_printer_ok", staging_id));
  g_clear_pointer (&text, g_free);

  heartbeat (kiosk, "{\"camera\":\"frozen: no frames for 10 s\",\"printer\":\"paper_out\",\"app_version\":\"0.1.1\"}");
  heartbeat (staging, "{\"printer\":\"none\",\"app_version\":\"0.1.0\"}");
  text = metrics (fx);
  assert_sample (text, "curbside_device_camera_ok", kiosk_id, "0");
  assert_sample (text, "curbside_device_printer_ok", kiosk_id, "0");
  assert_sample (text, "curbside_device_printer_paper_out", kiosk_id, "1");
  assert_sample (text, "curbside_device_online", staging_id, "1");
  g_assert_nonnull (strstr (text, "app_version=\"0.1.1\""));
  g_assert_false (has_sample (text, "curbside_device_printer_ok", staging_id));
  g_assert_nonnull (strstr (text, "# TYPE curbside_device_online gauge"));
}

static guint
count_entries (const char *dir)
{
  g_autoptr(GDir) handle = g_dir_open (dir, 0, NULL);
  guint n = 0;

  while (handle != NULL && g_dir_read_name (handle) != NULL)
    n++;
  return n;
}

static gboolean
wait_for_file (const char *path,
               guint       timeout_ms)
{
  for (guint waited = 0; waited < timeout_ms; waited += 50)
    {
      if (g_file_test (path, G_FILE_TEST_EXISTS))
        return TRUE;
      hub_spin (50);
    }
  return g_file_test (path, G_FILE_TEST_EXISTS);
}

static void
test_textfile (HubFixture *fx, gconstpointer data)
{
  g_autofree char *dir = curb_test_mkdtemp ();
  g_autofree char *path = g_build_filename (dir, "curbside.prom", NULL);
  g_autofree char *missing = g_build_filename (dir, "no", "such", "curbside.prom", NULL);
  g_autoptr(CurbMetricsTextfile) textfile = curb_metrics_textfile_new (fx->hub, path, 1);
  g_autoptr(CurbMetricsTextfile) broken = curb_metrics_textfile_new (fx->hub, missing, 1);
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  mode_t old_umask = umask (077);
  GStatBuf st;

  g_assert_true (curb_metrics_textfile_write (textfile, &error));
  umask (old_umask);
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  g_assert_true (g_str_has_prefix (contents, "# HELP curbside_hub_info"));
  g_assert_true (g_str_has_suffix (contents, "\n"));
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0644);
  g_assert_cmpuint (count_entries (dir), ==, 1);

  g_assert_false (curb_metrics_textfile_write (broken, &error));
  g_assert_error (error, CURB_ERROR, CURB_ERROR_FAILED);
  g_assert_nonnull (strstr (error->message, "no/such"));

  g_unlink (path);
  curb_metrics_textfile_start (textfile);
  g_assert_true (g_file_test (path, G_FILE_TEST_EXISTS));
  g_unlink (path);
  g_assert_true (wait_for_file (path, 3000));
  g_clear_object (&textfile);
  g_unlink (path);
  hub_spin (1300);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  curb_test_rmdir (dir);
}

static void
die_with_parent (gpointer data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

static void
write_config (const char *path,
              const char *extra)
{
  g_autofree char *text = g_strdup_printf ("[store]\nid = " HUB_TEST_STORE_ID "\nname = Metrics test\n"
                                           "[storage]\ndata-dir = data\n[central]\nurl = http://127.0.0.1:9\n"
                                           "[tokens]\nkeyring = keyring\n%s", extra);

  g_assert_true (g_file_set_contents (path, text, -1, NULL));
}

static GSubprocess *
start_daemon (const char *config)
{
  g_autofree char *binary = curb_test_build_path ("hub", "curbside-hub");
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE
                                                                       | G_SUBPROCESS_FLAGS_STDERR_SILENCE);
  g_autoptr(GError) error = NULL;
  GSubprocess *hub;

  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  /* A broken config on reload is logged as a warning, which must not abort. */
  g_subprocess_launcher_unsetenv (launcher, "G_DEBUG");
  hub = g_subprocess_launcher_spawn (launcher, &error, binary, "--config", config,
                                     "--listen", "127.0.0.1:0", "--insecure-http", "--no-sync", NULL);
  g_assert_no_error (error);
  return hub;
}

static void
test_daemon_reload (void)
{
  g_autofree char *dir = curb_test_mkdtemp ();
  g_autofree char *config = g_build_filename (dir, "hub.conf", NULL);
  g_autofree char *first = g_build_filename (dir, "first.prom", NULL);
  g_autofree char *second = g_build_filename (dir, "second.prom", NULL);
  g_autoptr(GSubprocess) hub = NULL;
  g_autoptr(GError) error = NULL;

  write_config (config, "[metrics]\ntextfile = first.prom\ntextfile-interval = 1\n");
  hub = start_daemon (config);
  g_assert_true (wait_for_file (first, 10000));

  write_config (config, "[metrics]\ntextfile = second.prom\ntextfile-interval = 1\n");
  g_subprocess_send_signal (hub, SIGHUP);
  g_assert_true (wait_for_file (second, 5000));
  g_unlink (first);
  hub_spin (1300);
  g_assert_false (g_file_test (first, G_FILE_TEST_EXISTS));

  /* A broken file on reload: the hub keeps running with what it had. */
  write_config (config, "[metrics]\ntextfile = third.prom\ntextfile-interval = 0\n");
  g_subprocess_send_signal (hub, SIGHUP);
  hub_spin (300);
  g_unlink (second);
  g_assert_true (wait_for_file (second, 3000));

  g_subprocess_send_signal (hub, SIGTERM);
  g_subprocess_wait (hub, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_subprocess_get_exit_status (hub), ==, 0);
  curb_test_rmdir (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/hub/metrics/devices", HubFixture, NULL, hub_fixture_setup, test_device_series,
              hub_fixture_teardown);
  g_test_add ("/hub/metrics/textfile", HubFixture, NULL, hub_fixture_setup, test_textfile,
              hub_fixture_teardown);
  g_test_add_func ("/hub/metrics/daemon-reload", test_daemon_reload);
  return g_test_run ();
}
