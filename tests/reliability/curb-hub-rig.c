#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "curb-hub-rig.h"
#include "curb-test-helpers.h"

static const char *const first_names[] = { "Zephyrine", "Quillon", "Marisabel", "Oktavian", "Liorabeth" };
static const char *const surnames[] = { "Vantongeren", "Szczepkowska", "Abernethy-Quast", "Ulloa-Brisk", "Dimitrakou" };

/* --- setup --- */

static char *
enroll (CurbStore      *store,
        CurbDeviceRole  role,
        char          **out_device_id)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *code = curb_store_create_enrollment_code (store, role, 60000, &error);
  g_autofree char *device_id = NULL;
  char *credential = NULL;

  g_assert_no_error (error);
  curb_store_enroll_device (store, code, curb_device_role_to_string (role), &device_id, &credential, NULL, &error);
  g_assert_no_error (error);
  if (out_device_id != NULL)
    *out_device_id = g_steal_pointer (&device_id);
  return credential;
}

static void
write_config (CurbHubRig *rig,
              const char *extra_config)
{
  g_autoptr(CurbKeyring) keyring = curb_keyring_new ();
  g_autofree char *keyring_path = g_build_filename (rig->dir, "keyring", NULL);
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;

  rig->issuer = curb_signing_key_generate ("k1", &error);
  g_assert_no_error (error);
  curb_keyring_add (keyring, "k1", curb_signing_key_get_public_key (rig->issuer), &error);
  curb_keyring_save (keyring, keyring_path, &error);
  g_assert_no_error (error);
  text = g_strdup_printf ("[store]\nid = " CURB_RIG_STORE_ID "\nname = Rig\n[storage]\ndata-dir = data\n"
                          "[central]\nurl = http://127.0.0.1:9\n[tokens]\nkeyring = keyring\n%s",
                          extra_config != NULL ? extra_config : "");
  g_file_set_contents (rig->config, text, -1, &error);
  g_assert_no_error (error);
}

CurbHubRig *
curb_hub_rig_new (guint       n_kiosks,
                  guint       n_staging,
                  const char *extra_config)
{
  CurbHubRig *rig = g_new0 (CurbHubRig, 1);
  g_autoptr(GError) error = NULL;
  g_autoptr(CurbStore) store = NULL;
  g_autofree char *data_dir = NULL;
  g_autofree char *revoked_id = NULL;

  rig->dir = curb_test_mkdtemp ();
  rig->db = g_build_filename (rig->dir, "data", "store.db", NULL);
  rig->config = g_build_filename (rig->dir, "hub.conf", NULL);
  rig->log_path = g_build_filename (rig->dir, "hub.log", NULL);
  rig->kiosks = g_ptr_array_new_with_free_func (g_free);
  rig->staging = g_ptr_array_new_with_free_func (g_free);
  rig->kiosk_ids = g_ptr_array_new_with_free_func (g_free);
  rig->staging_ids = g_ptr_array_new_with_free_func (g_free);
  rig->personal = g_ptr_array_new_with_free_func (g_free);
  rig->session = soup_session_new_with_options ("timeout", 10, NULL);
  write_config (rig, extra_config);
  data_dir = g_path_get_dirname (rig->db);
  g_mkdir_with_parents (data_dir, 0700);
  store = curb_store_open (rig->db, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < n_kiosks; i++)
    {
      char *id = NULL;

      g_ptr_array_add (rig->kiosks, enroll (store, CURB_DEVICE_ROLE_KIOSK, &id));
      g_ptr_array_add (rig->kiosk_ids, id);
    }
  for (guint i = 0; i < n_staging; i++)
    {
      char *id = NULL;

      g_ptr_array_add (rig->staging, enroll (store, CURB_DEVICE_ROLE_STAGING, &id));
      g_ptr_array_add (rig->staging_ids, id);
    }
  rig->revoked = enroll (store, CURB_DEVICE_ROLE_KIOSK, &revoked_id);
  g_assert_true (curb_store_revoke_device (store, revoked_id, &error));
  g_assert_true (curb_store_add_staff (store, CURB_RIG_STAFF_ID, "Robin", CURB_STAFF_ROLE_STAFF,
                                       CURB_RIG_STAFF_PIN, NULL, &error));
  g_assert_no_error (error);
  return rig;
}

void
curb_hub_rig_free (CurbHubRig *rig)
{
  if (rig->hub != NULL)
    curb_hub_rig_stop (rig, SIGTERM);
  curb_test_rmdir (rig->dir);
  g_free (rig->dir);
  g_free (rig->config);
  g_free (rig->db);
  g_free (rig->log_path);
  g_free (rig->url);
  g_free (rig->fingerprint);
  g_free (rig->revoked);
  g_clear_object (&rig->issuer);
  g_clear_object (&rig->session);
  g_ptr_array_unref (rig->kiosks);
  g_ptr_array_unref (rig->staging);
  g_ptr_array_unref (rig->kiosk_ids);
  g_ptr_array_unref (rig->staging_ids);
  g_ptr_array_unref (rig->personal);
  g_free (rig);
}

char *
curb_hub_rig_ref (guint index)
{
  return g_strdup_printf ("R%05u", index);
}

static JsonObject *
make_order (CurbHubRig *rig,
            guint       index)
{
  g_autofree char *ref = curb_hub_rig_ref (index);
  g_autofree char *first = g_strdup_printf ("%s%c%c", first_names[index % 5], 'a' + index / 26 % 26, 'a' + index % 26);
  g_autofree char *surname = g_strdup_printf ("%s%c%c", surnames[index % 5], 'a' + index / 26 % 26, 'a' + index % 26);
  g_autofree char *phone = g_strdup_printf ("+44 7700 9%05u", index);
  g_autofree char *text = g_strdup_printf (
      "{\"ref\": \"%s\", \"store_id\": \"" CURB_RIG_STORE_ID "\", \"version\": 1, \"first_name\": \"%s\","
      " \"last_initial\": \"%c\", \"surname\": \"%s\", \"phone_last4\": \"%s\","
      " \"window_start\": \"2026-11-27T15:00:00.000Z\", \"window_end\": \"2026-11-27T16:00:00.000Z\","
      " \"age_restricted\": false, \"alternate_pickup\": null,"
      " \"lines\": [{\"id\": \"L1\", \"sku\": \"EGGS\", \"name\": \"Eggs\", \"qty\": 2, \"temperature\": \"chilled\"}],"
      " \"substitutions\": [], \"cancelled\": false}", ref, first, surname[0], surname, phone + strlen (phone) - 4);
  g_autoptr(JsonNode) node = json_from_string (text, NULL);

  g_ptr_array_add (rig->personal, g_strdup (first));
  g_ptr_array_add (rig->personal, g_strdup (surname));
  g_ptr_array_add (rig->personal, g_strdup (phone));
  return json_node_dup_object (node);
}

void
curb_hub_rig_add_orders (CurbHubRig *rig,
                         guint       count)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CurbStore) store = NULL;
  g_autoptr(JsonArray) page = json_array_new ();

  g_assert_null (rig->hub);
  store = curb_store_open (rig->db, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < count; i++)
    json_array_add_object_element (page, make_order (rig, rig->n_orders++));
  g_assert_true (curb_store_upsert_orders (store, page, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
}

/* --- the process --- */

static int
open_log (CurbHubRig *rig)
{
  int fd = open (rig->log_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);

  g_assert_cmpint (fd, >=, 0);
  return fd;
}

/* The hub's "READY url fingerprint" line, written after @offset of the log. */
static char *
wait_ready_line (CurbHubRig *rig,
                 gsize       offset)
{
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

  while (g_get_monotonic_time () < deadline)
    {
      g_autofree char *text = NULL;
      gsize length = 0;
      const char *ready;

      g_assert_true (g_file_get_contents (rig->log_path, &text, &length, NULL));
      ready = length > offset ? strstr (text + offset, "READY ") : NULL;
      if (ready != NULL && strchr (ready, '\n') != NULL)
        return g_strndup (ready, strchr (ready, '\n') - ready);
      g_assert_null (g_subprocess_get_identifier (rig->hub) == NULL ? "hub exited" : NULL);
      g_usleep (10000);
    }
  g_error ("the hub did not get ready; log: %s", rig->log_path);
  return NULL;
}

void
curb_hub_rig_start (CurbHubRig *rig)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *binary = curb_test_build_path ("hub", "curbside-hub");
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_NONE);
  g_autofree char *line = NULL;
  g_auto(GStrv) parts = NULL;
  const char *wrapper = g_getenv ("CURB_RIG_HUB_WRAPPER");
  g_autofree char *command = NULL;
  g_auto(GStrv) argv = NULL;
  gsize offset = 0;
  g_autofree char *old = NULL;

  g_assert_null (rig->hub);
  if (g_file_get_contents (rig->log_path, &old, &offset, NULL))
    g_clear_pointer (&old, g_free);
  /* stdout and stderr appended to one log: the privacy scan reads every run */
  g_subprocess_launcher_take_stdout_fd (launcher, open_log (rig));
  g_subprocess_launcher_take_stderr_fd (launcher, open_log (rig));
  g_subprocess_launcher_setenv (launcher, "G_MESSAGES_DEBUG", "all", TRUE);
  /* the daemon warns about what it cannot do (no central here); criticals stay fatal */
  g_subprocess_launcher_setenv (launcher, "G_DEBUG", "fatal-criticals", TRUE);
  command = g_strdup_printf ("%s %s --config %s --listen 127.0.0.1:%u", wrapper != NULL ? wrapper : "",
                             binary, rig->config, rig->port);
  g_assert_true (g_shell_parse_argv (command, NULL, &argv, &error));
  rig->hub = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv, &error);
  g_assert_no_error (error);
  line = wait_ready_line (rig, offset);
  parts = g_strsplit (line, " ", 3);
  g_assert_cmpstr (parts[0], ==, "READY");
  g_free (rig->url);
  g_free (rig->fingerprint);
  rig->url = g_strdup (parts[1]);
  rig->fingerprint = g_strdup (parts[2]);
  rig->port = atoi (strrchr (rig->url, ':') + 1);
}

static void
on_hub_exited (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  gboolean *exited = user_data;

  g_subprocess_wait_finish (G_SUBPROCESS (source), result, NULL);
  *exited = TRUE;
}

gboolean
curb_hub_rig_stop (CurbHubRig *rig,
                   int         signal)
{
  gboolean exited = FALSE, in_time;
  gint64 deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;

  g_assert_nonnull (rig->hub);
  g_subprocess_wait_async (rig->hub, NULL, on_hub_exited, &exited);
  g_subprocess_send_signal (rig->hub, signal);
  while (!exited && g_get_monotonic_time () < deadline)
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (1000);
  in_time = exited;
  if (!exited)
    {
      /* what systemd does after TimeoutStopSec */
      g_subprocess_send_signal (rig->hub, SIGKILL);
      while (!exited)
        g_main_context_iteration (NULL, TRUE);
    }
  g_clear_object (&rig->hub);
  return in_time;
}

gint
curb_hub_rig_pid (CurbHubRig *rig)
{
  const char *id = rig->hub != NULL ? g_subprocess_get_identifier (rig->hub) : NULL;

  return id != NULL ? atoi (id) : -1;
}

gint64
curb_hub_rig_rss_kib (CurbHubRig *rig)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/status", curb_hub_rig_pid (rig));
  g_autofree char *text = NULL;
  const char *line;

  if (!g_file_get_contents (path, &text, NULL, NULL) || (line = strstr (text, "VmRSS:")) == NULL)
    return -1;
  return g_ascii_strtoll (line + 6, NULL, 10);
}

guint
curb_hub_rig_fd_count (CurbHubRig *rig)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/fd", curb_hub_rig_pid (rig));
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  guint count = 0;

  while (dir != NULL && g_dir_read_name (dir) != NULL)
    count++;
  return count;
}

/* --- clients --- */

char *
curb_hub_rig_token (CurbHubRig *rig,
                    const char *store_id,
                    const char *ref)
{
  g_autoptr(CurbTokenClaims) claims = curb_token_claims_new (store_id, ref, g_get_real_time () / G_USEC_PER_SEC + 3600);
  g_autoptr(GError) error = NULL;
  char *token = curb_token_sign (rig->issuer, claims, &error);

  g_assert_no_error (error);
  return token;
}

CurbHubClient *
curb_hub_rig_client (CurbHubRig *rig,
                     const char *credential)
{
  CurbHubClient *client = curb_hub_client_new (rig->url);

  curb_hub_client_set_pinned_certificate (client, rig->fingerprint);
  if (credential != NULL)
    curb_hub_client_set_credential (client, credential);
  return client;
}

void
curb_hub_rig_store_result (GObject      *source,
                           GAsyncResult *result,
                           gpointer      user_data)
{
  GAsyncResult **slot = user_data;

  *slot = g_object_ref (result);
}

JsonObject *
curb_hub_rig_wait (CurbHubClient *client,
                   GAsyncResult **result_slot,
                   GError       **error)
{
  JsonObject *reply;

  while (*result_slot == NULL)
    g_main_context_iteration (NULL, TRUE);
  reply = curb_hub_client_request_finish (client, *result_slot, error);
  g_clear_object (result_slot);
  return reply;
}

CurbHubClient *
curb_hub_rig_staff_client (CurbHubRig *rig,
                           guint       staging_index)
{
  CurbHubClient *client = curb_hub_rig_client (rig, rig->staging->pdata[staging_index]);
  GAsyncResult *result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) reply = NULL;

  curb_hub_client_staff_sign_in_async (client, CURB_RIG_STAFF_ID, CURB_RIG_STAFF_PIN, NULL, NULL,
                                       curb_hub_rig_store_result, &result);
  reply = curb_hub_rig_wait (client, &result, &error);
  g_assert_no_error (error);
  curb_hub_client_set_staff_session (client, json_object_get_string_member (reply, "session"));
  return client;
}

static gboolean
on_accept_certificate (SoupMessage          *msg,
                       GTlsCertificate      *certificate,
                       GTlsCertificateFlags  errors,
                       gpointer              user_data)
{
  return TRUE;
}

guint
curb_hub_rig_raw (CurbHubRig  *rig,
                  const char  *method,
                  const char  *path,
                  const char  *credential,
                  const char  *staff_session,
                  const char  *body,
                  gssize       length,
                  char       **out_body)
{
  g_autofree char *uri = g_strconcat (rig->url, path, NULL);
  g_autoptr(SoupMessage) msg = soup_message_new (method, uri);
  g_autoptr(GBytes) reply = NULL;
  SoupMessageHeaders *headers = soup_message_get_request_headers (msg);

  g_signal_connect (msg, "accept-certificate", G_CALLBACK (on_accept_certificate), NULL);
  if (credential != NULL)
    {
      g_autofree char *bearer = g_strconcat ("Bearer ", credential, NULL);
      soup_message_headers_replace (headers, "Authorization", bearer);
    }
  if (staff_session != NULL)
    soup_message_headers_replace (headers, "X-Curbside-Staff-Session", staff_session);
  if (body != NULL)
    {
      g_autoptr(GBytes) bytes = g_bytes_new (body, length >= 0 ? (gsize) length : strlen (body));
      soup_message_set_request_body_from_bytes (msg, "application/json", bytes);
    }
  reply = soup_session_send_and_read (rig->session, msg, NULL, NULL);
  if (out_body != NULL)
    *out_body = reply != NULL && g_bytes_get_size (reply) > 0
        ? g_strndup (g_bytes_get_data (reply, NULL), g_bytes_get_size (reply)) : g_strdup ("");
  return reply != NULL ? soup_message_get_status (msg) : 0;
}

void
curb_hub_rig_reset_session (CurbHubRig *rig,
                            guint       timeout_s)
{
  g_clear_object (&rig->session);
  rig->session = soup_session_new_with_options ("timeout", timeout_s, NULL);
}

guint
curb_hub_rig_thread_count (CurbHubRig *rig)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/task", curb_hub_rig_pid (rig));
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  guint count = 0;

  while (dir != NULL && g_dir_read_name (dir) != NULL)
    count++;
  return count;
}

static gboolean
on_accept_any (GTlsConnection       *connection,
               GTlsCertificate      *certificate,
               GTlsCertificateFlags  errors,
               gpointer              user_data)
{
  return TRUE;
}

GIOStream *
curb_hub_rig_tls_connect (CurbHubRig *rig,
                          guint       timeout_s)
{
  return curb_hub_rig_tls_connect_from (rig, NULL, timeout_s);
}

GIOStream *
curb_hub_rig_tls_connect_from (CurbHubRig *rig,
                               const char *source_address,
                               guint       timeout_s)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) tcp = NULL;
  g_autoptr(GIOStream) tls = NULL;
  g_autoptr(GError) error = NULL;

  if (source_address != NULL)
    {
      g_autoptr(GInetAddress) inet = g_inet_address_new_from_string (source_address);
      g_autoptr(GSocketAddress) local = g_inet_socket_address_new (inet, 0);

      g_socket_client_set_local_address (client, local);
    }
  g_socket_client_set_timeout (client, timeout_s);
  tcp = g_socket_client_connect_to_host (client, "127.0.0.1", rig->port, NULL, &error);
  g_assert_no_error (error);
  g_socket_set_timeout (g_socket_connection_get_socket (tcp), timeout_s);
  if (!g_str_has_prefix (rig->url, "https:"))
    return G_IO_STREAM (g_steal_pointer (&tcp));
  tls = g_tls_client_connection_new (G_IO_STREAM (tcp), NULL, &error);
  g_assert_no_error (error);
  g_signal_connect (tls, "accept-certificate", G_CALLBACK (on_accept_any), NULL);
  if (!g_tls_connection_handshake (G_TLS_CONNECTION (tls), NULL, &error))
    return NULL;
  return g_steal_pointer (&tls);
}

/* Reads what the hub answers on @stream until it closes or goes quiet: the
 * status of the first answer (0: none). */
guint
curb_hub_rig_read_status (GIOStream  *stream,
                          char      **out_text)
{
  g_autoptr(GString) text = g_string_new (NULL);
  char chunk[4096];
  gssize n;

  while ((n = g_input_stream_read (g_io_stream_get_input_stream (stream), chunk, sizeof chunk, NULL, NULL)) > 0)
    {
      g_string_append_len (text, chunk, n);
      if (strstr (text->str, "\r\n\r\n") != NULL && text->len > 64 * 1024)
        break;
    }
  if (out_text != NULL)
    *out_text = g_strdup (text->str);
  return g_str_has_prefix (text->str, "HTTP/1.1 ") ? (guint) atoi (text->str + 9) : 0;
}

guint
curb_hub_rig_raw_from (CurbHubRig  *rig,
                       const char  *source_address,
                       const char  *method,
                       const char  *path,
                       const char  *credential,
                       const char  *body,
                       char       **out_text)
{
  g_autoptr(GIOStream) stream = curb_hub_rig_tls_connect_from (rig, source_address, 10);
  g_autofree char *auth = credential != NULL ? g_strdup_printf ("Authorization: Bearer %s\r\n", credential) : g_strdup ("");
  g_autofree char *request = g_strdup_printf ("%s %s HTTP/1.1\r\nHost: hub\r\nConnection: close\r\n%s"
                                              "Content-Type: application/json\r\nContent-Length: %zu\r\n\r\n%s",
                                              method, path, auth, body != NULL ? strlen (body) : 0,
                                              body != NULL ? body : "");

  if (stream == NULL
      || !g_output_stream_write_all (g_io_stream_get_output_stream (stream), request, strlen (request), NULL, NULL, NULL))
    return 0;
  return curb_hub_rig_read_status (stream, out_text);
}

int
curb_hub_rig_ctl (CurbHubRig  *rig,
                  char       **out_stdout,
                  const char  *first_arg,
                  ...)
{
  g_autofree char *binary = curb_test_build_path ("ctl", "curbside-ctl");
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL, *err = NULL;
  va_list args;

  g_ptr_array_add (argv, binary);
  va_start (args, first_arg);
  for (const char *arg = first_arg; arg != NULL; arg = va_arg (args, const char *))
    g_ptr_array_add (argv, (gpointer) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);
  process = g_subprocess_newv ((const char * const *) argv->pdata,
                               G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_communicate_utf8 (process, NULL, NULL, &out, &err, &error));
  g_assert_no_error (error);
  g_test_message ("curbside-ctl %s → %d: %s%s", first_arg, g_subprocess_get_exit_status (process), out, err);
  if (out_stdout != NULL)
    *out_stdout = g_steal_pointer (&out);
  return g_subprocess_get_exit_status (process);
}
