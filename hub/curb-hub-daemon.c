#include <glib-unix.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#ifdef HAVE_LIBSYSTEMD
#include <systemd/sd-daemon.h>
#endif

#include "curb-config.h"
#include "curb-connector-config.h"
#include "curb-error.h"
#include "curb-hub-cert.h"
#include "curb-hub-daemon.h"
#include "curb-hub.h"
#include "curb-metrics-textfile.h"
#include "curb-util.h"

#define DEFAULT_CONFIG "/etc/curbside/hub.conf"
#define CODE_TTL_MS    (24 * 3600 * 1000LL)
#define EXIT_DEADLINE_S 4

typedef struct
{
  char       *config_path;
  char       *data_dir;
  char       *listen;
  char       *store_id;
  char       *keyring_path;
  gboolean    keyring_from_option;
  char       *issue_code;
  gboolean    insecure_http;
  gboolean    no_sync;
  gboolean    fingerprint;
  gboolean    version;

  CurbConfig *config;
  CurbStore  *store;
  CurbHub    *hub;
  CurbSync   *sync;
  CurbMetricsTextfile *textfile;
  GMainLoop  *loop;
  guint       watchdog_id;
} Daemon;

static void
daemon_clear (Daemon *d)
{
  g_clear_handle_id (&d->watchdog_id, g_source_remove);
  if (d->sync != NULL)
    curb_sync_stop (d->sync);
  g_clear_object (&d->textfile);
  g_clear_object (&d->hub);
  g_clear_object (&d->sync);
  g_clear_object (&d->store);
  g_clear_object (&d->config);
  g_clear_pointer (&d->loop, g_main_loop_unref);
  g_free (d->config_path);
  g_free (d->data_dir);
  g_free (d->listen);
  g_free (d->store_id);
  g_free (d->keyring_path);
  g_free (d->issue_code);
}

static void
notify (const char *state)
{
#ifdef HAVE_LIBSYSTEMD
  sd_notify (0, state);
#endif
}

static gboolean
parse_options (Daemon   *d,
               int      *argc,
               char   ***argv,
               GError  **error)
{
  GOptionEntry entries[] = {
    { "config", 'c', 0, G_OPTION_ARG_FILENAME, &d->config_path, "Configuration file (default " DEFAULT_CONFIG ")", "FILE" },
    { "data-dir", 'd', 0, G_OPTION_ARG_FILENAME, &d->data_dir, "Folder of the store database and TLS files", "DIR" },
    { "listen", 'l', 0, G_OPTION_ARG_STRING, &d->listen, "Address and port to listen on, e.g. 127.0.0.1:8443 (port 0: any free one)", "ADDR:PORT" },
    { "store-id", 0, 0, G_OPTION_ARG_STRING, &d->store_id, "This store's id (overrides the config)", "ID" },
    { "keyring", 0, 0, G_OPTION_ARG_FILENAME, &d->keyring_path, "Token issuers' public keys (overrides the config)", "FILE" },
    { "insecure-http", 0, 0, G_OPTION_ARG_NONE, &d->insecure_http, "Serve plain HTTP (127.0.0.1 only; tests and demos)", NULL },
    { "no-sync", 0, 0, G_OPTION_ARG_NONE, &d->no_sync, "Do not talk to central (tests, benchmarks)", NULL },
    { "issue-code", 0, 0, G_OPTION_ARG_STRING, &d->issue_code, "Print a one-time enrollment code for a device and exit", "kiosk|staging|admin" },
    { "fingerprint", 0, 0, G_OPTION_ARG_NONE, &d->fingerprint, "Print the TLS certificate's SHA-256 fingerprint and exit", NULL },
    { "version", 0, 0, G_OPTION_ARG_NONE, &d->version, "Print the version and exit", NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("— the Curbside store hub");

  g_option_context_add_main_entries (context, entries, NULL);
  return g_option_context_parse (context, argc, argv, error);
}

static gboolean
load_config (Daemon  *d,
             GError **error)
{
  const char *path = d->config_path;

  if (path == NULL && g_file_test (DEFAULT_CONFIG, G_FILE_TEST_EXISTS))
    path = DEFAULT_CONFIG;
  d->config = path != NULL ? curb_config_load (CURB_CONFIG_ROLE_HUB, path, error)
                           : curb_config_new_defaults (CURB_CONFIG_ROLE_HUB);
  if (d->config == NULL)
    return FALSE;
  if (d->store_id == NULL)
    d->store_id = g_strdup (curb_config_get_string (d->config, "store", "id"));
  if (d->data_dir == NULL)
    d->data_dir = g_strdup (curb_config_get_path (d->config, "storage", "data-dir"));
  d->keyring_from_option = d->keyring_path != NULL;
  if (d->keyring_path == NULL)
    d->keyring_path = g_strdup (curb_config_get_path (d->config, "tokens", "keyring"));
  if (d->store_id == NULL)
    {
      g_set_error (error, CURB_ERROR, CURB_ERROR_CONFIG, "No store id: set [store] id or --store-id");
      return FALSE;
    }
  return TRUE;
}

static gboolean
open_store (Daemon  *d,
            GError **error)
{
  g_autofree char *db_path = g_build_filename (d->data_dir, "store.db", NULL);

  if (g_mkdir_with_parents (d->data_dir, 0700) != 0)
    {
      g_set_error (error, CURB_ERROR, CURB_ERROR_CONFIG, "Cannot create %s: %s",
                   d->data_dir, g_strerror (errno));
      return FALSE;
    }
  d->store = curb_store_open (db_path, error);
  return d->store != NULL;
}

static int
issue_code (Daemon *d)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *code = NULL;
  CurbDeviceRole role;

  if (!curb_device_role_from_string (d->issue_code, &role))
    {
      g_printerr ("curbside-hub: unknown role “%s” (kiosk, staging or admin)\n", d->issue_code);
      return 2;
    }
  code = curb_store_create_enrollment_code (d->store, role, CODE_TTL_MS, &error);
  if (code == NULL)
    {
      g_printerr ("curbside-hub: %s\n", error->message);
      return 1;
    }
  curb_store_audit (d->store, NULL, NULL, "enrollment_code_issued", NULL, NULL, NULL);
  g_print ("%s\n", code);
  return 0;
}

static CurbKeyring *
load_keyring (Daemon *d)
{
  g_autoptr(GError) error = NULL;
  CurbKeyring *keyring = NULL;

  if (d->keyring_path != NULL && g_file_test (d->keyring_path, G_FILE_TEST_EXISTS))
    keyring = curb_keyring_load (d->keyring_path, &error);
  if (keyring == NULL)
    {
      g_warning ("No token issuer keys (%s): every pickup token will be refused until the keyring is installed and the hub reloaded",
                 error != NULL ? error->message : d->keyring_path);
      keyring = curb_keyring_new ();
    }
  return keyring;
}

static GTlsCertificate *
load_certificate (Daemon  *d,
                  GError **error)
{
  const char *cert = curb_config_get_path (d->config, "tls", "certificate");
  const char *key = curb_config_get_path (d->config, "tls", "private-key");

  if (cert != NULL && key != NULL)
    return g_tls_certificate_new_from_files (cert, key, error);
  return curb_hub_cert_ensure (d->data_dir, error);
}

static gboolean
split_listen (Daemon  *d,
              char   **out_address,
              guint   *out_port,
              GError **error)
{
  const char *colon;
  guint64 port;

  if (d->listen == NULL)
    {
      *out_address = g_strdup (curb_config_get_string (d->config, "listen", "address"));
      *out_port = (guint) curb_config_get_int (d->config, "listen", "port");
      return TRUE;
    }
  colon = strrchr (d->listen, ':');
  if (colon == NULL || !g_ascii_string_to_unsigned (colon + 1, 10, 0, 65535, &port, NULL))
    {
      g_set_error (error, CURB_ERROR, CURB_ERROR_CONFIG, "--listen wants ADDRESS:PORT, not “%s”", d->listen);
      return FALSE;
    }
  *out_address = g_strndup (d->listen, colon - d->listen);
  *out_port = (guint) port;
  return TRUE;
}

static gboolean
on_quit_signal (gpointer data)
{
  Daemon *d = data;

  g_message ("Stopping");
  notify ("STOPPING=1");
  g_main_loop_quit (d->loop);
  return G_SOURCE_CONTINUE;
}

/* The settings a running hub takes over on SIGHUP; everything else (listen
 * address, TLS, store id, data dir, central URL and credentials) needs a
 * restart. */
static void
apply_reloadable (Daemon *d)
{
  const char *textfile = curb_config_get_path (d->config, "metrics", "textfile");

  curb_hub_set_lookup_limits (d->hub,
                              curb_config_get_int (d->config, "rate-limits", "lookup-per-device-per-minute"),
                              curb_config_get_int (d->config, "rate-limits", "lookup-per-store-per-minute"));
  curb_hub_set_alert_escalation (d->hub, curb_config_get_int (d->config, "alerts", "escalation-seconds"));
  if (d->sync != NULL)
    curb_sync_set_poll_interval_ms (d->sync,
                                    curb_config_get_int (d->config, "central", "poll-interval") * 1000);
  g_clear_object (&d->textfile);
  if (textfile == NULL)
    return;
  d->textfile = curb_metrics_textfile_new (d->hub, textfile,
                                           curb_config_get_int (d->config, "metrics", "textfile-interval"));
  curb_metrics_textfile_start (d->textfile);
}

static void
reload_config (Daemon *d)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CurbConfig) config = NULL;

  if (d->config_path == NULL && !g_file_test (DEFAULT_CONFIG, G_FILE_TEST_EXISTS))
    return;
  config = curb_config_load (CURB_CONFIG_ROLE_HUB, d->config_path != NULL ? d->config_path : DEFAULT_CONFIG,
                             &error);
  if (config == NULL)
    {
      g_warning ("Keeping the running settings: %s", error->message);
      return;
    }
  g_set_object (&d->config, config);
  if (!d->keyring_from_option)
    {
      g_free (d->keyring_path);
      d->keyring_path = g_strdup (curb_config_get_path (d->config, "tokens", "keyring"));
    }
  apply_reloadable (d);
}

static gboolean
on_reload_signal (gpointer data)
{
  Daemon *d = data;
  g_autoptr(CurbKeyring) keyring = NULL;

  notify ("RELOADING=1");
  reload_config (d);
  keyring = load_keyring (d);
  curb_hub_set_keyring (d->hub, keyring);
  g_message ("Reloaded the settings and the token keyring (%u keys)", curb_keyring_get_n_keys (keyring));
  notify ("READY=1");
  return G_SOURCE_CONTINUE;
}

static gboolean
on_watchdog (gpointer data)
{
  notify ("WATCHDOG=1");
  return G_SOURCE_CONTINUE;
}

/* Least personal data: names and lookup hashes of closed orders go once the
 * retention window has passed. Checked at start and every hour. */
static gboolean
on_purge (gpointer data)
{
  Daemon *d = data;
  g_autoptr(GError) error = NULL;
  gint64 retention_ms = (gint64) curb_config_get_int (d->config, "privacy", "retention-hours") * 3600 * 1000;
  guint purged = 0;

  if (!curb_store_purge_personal (d->store, retention_ms, &purged, &error))
    g_warning ("Could not purge personal data of closed orders: %s", error->message);
  else if (purged > 0)
    g_message ("Purged personal data of %u closed order(s) past the %" G_GINT64_FORMAT " h retention",
               purged, retention_ms / 3600000);
  return G_SOURCE_CONTINUE;
}

static void
start_watchdog (Daemon *d)
{
#ifdef HAVE_LIBSYSTEMD
  guint64 usec = 0;

  if (sd_watchdog_enabled (0, &usec) > 0 && usec > 0)
    d->watchdog_id = g_timeout_add (MAX (usec / 2000, 100), on_watchdog, d);
#endif
}

static void
start_sync (Daemon *d)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CurbConnector) connector = NULL;

  if (d->no_sync)
    return;
  connector = curb_connector_new_for_config (d->config, &error);
  if (connector == NULL)
    {
      g_warning ("Not syncing with central: %s", error->message);
      return;
    }
  d->sync = curb_sync_new (d->store, connector);
  curb_sync_set_poll_interval_ms (d->sync,
                                  curb_config_get_int (d->config, "central", "poll-interval") * 1000);
  curb_hub_set_sync (d->hub, d->sync);
  curb_sync_start (d->sync);
}

static const CurbHubLimits *
read_limits (Daemon        *d,
             CurbHubLimits *limits)
{
  curb_hub_limits_init_defaults (limits);
  limits->handshake_timeout_s = curb_config_get_int (d->config, "limits", "handshake-timeout");
  limits->idle_timeout_s = curb_config_get_int (d->config, "limits", "idle-timeout");
  limits->max_per_address = curb_config_get_int (d->config, "limits", "connections-per-address");
  limits->max_connections = curb_config_get_int (d->config, "limits", "connections");
  limits->max_pending = MIN (limits->max_pending, limits->max_connections);
  limits->max_pending_per_address = MIN (limits->max_pending_per_address, limits->max_pending);
  return limits;
}

static gboolean
start_hub (Daemon  *d,
           GError **error)
{
  g_autoptr(GTlsCertificate) certificate = NULL;
  g_autoptr(CurbKeyring) keyring = load_keyring (d);
  g_autofree char *address = NULL;
  g_autofree char *url = NULL;
  g_autofree char *fingerprint = NULL;
  CurbHubLimits limits;
  guint port;

  if (!split_listen (d, &address, &port, error))
    return FALSE;
  if (!d->insecure_http && (certificate = load_certificate (d, error)) == NULL)
    return FALSE;
  d->hub = curb_hub_new (d->store, keyring, d->store_id);
  curb_hub_set_tls_certificate (d->hub, certificate);
  curb_hub_set_limits (d->hub, read_limits (d, &limits));
  curb_hub_set_streams_per_device (d->hub, curb_config_get_int (d->config, "limits", "streams-per-device"));
  if (!curb_hub_listen (d->hub, address, port, error))
    return FALSE;
  start_sync (d);
  apply_reloadable (d);
  url = curb_hub_get_url (d->hub);
  fingerprint = certificate != NULL ? curb_hub_cert_fingerprint (certificate) : g_strdup ("none");
  g_message ("Store %s: serving %s (certificate %s)", d->store_id, url, fingerprint);
  printf ("READY %s %s\n", url, fingerprint);
  fflush (stdout);
  return TRUE;
}

/* Stopping never waits for a client: every socket is shut down first. This
 * is the backstop should anything still block: what was acknowledged is
 * committed already, so exiting loses nothing. */
static gpointer
exit_deadline (gpointer data)
{
  g_usleep (EXIT_DEADLINE_S * G_USEC_PER_SEC);
  g_printerr ("curbside-hub: still stopping after %d s; exiting\n", EXIT_DEADLINE_S);
  _exit (0);
  return NULL;
}

static int
serve (Daemon *d)
{
  g_autofree char *status = NULL;

  d->loop = g_main_loop_new (NULL, FALSE);
  g_unix_signal_add (SIGTERM, on_quit_signal, d);
  g_unix_signal_add (SIGINT, on_quit_signal, d);
  g_unix_signal_add (SIGHUP, on_reload_signal, d);
  start_watchdog (d);
  on_purge (d);
  g_timeout_add_seconds (3600, on_purge, d);
  status = g_strdup_printf ("STATUS=Serving store %s", d->store_id);
  notify ("READY=1");
  notify (status);
  g_main_loop_run (d->loop);
  g_thread_unref (g_thread_new ("exit-deadline", exit_deadline, NULL));
  curb_hub_shutdown (d->hub);
  return 0;
}

static int
print_fingerprint (Daemon *d)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GTlsCertificate) certificate = load_certificate (d, &error);
  g_autofree char *fingerprint = NULL;

  if (certificate == NULL)
    {
      g_printerr ("curbside-hub: %s\n", error->message);
      return 1;
    }
  fingerprint = curb_hub_cert_fingerprint (certificate);
  g_print ("%s\n", fingerprint);
  return 0;
}

static int
run (Daemon  *d,
     GError **error)
{
  if (d->version)
    {
      g_print ("curbside-hub %s\n", CURB_VERSION);
      return 0;
    }
  if (!load_config (d, error))
    return 2;
  if (d->fingerprint)
    return print_fingerprint (d);
  if (!open_store (d, error))
    return 1;
  if (d->issue_code != NULL)
    return issue_code (d);
  if (!start_hub (d, error))
    return 1;
  return serve (d);
}

int
curb_hub_daemon_run (int    argc,
                     char **argv)
{
  Daemon d = { NULL, };
  g_autoptr(GError) error = NULL;
  int status;

  if (!parse_options (&d, &argc, &argv, &error))
    {
      g_printerr ("curbside-hub: %s\n", error->message);
      daemon_clear (&d);
      return 2;
    }
  status = run (&d, &error);
  if (error != NULL)
    g_printerr ("curbside-hub: %s\n", error->message);
  daemon_clear (&d);
  return status;
}
