/* Hub throughput and fan-out latency: the real curbside-hub (its own
 * process, TLS) with 50 concurrent kiosk clients and 20 event-stream
 * subscribers in this process. Prints JSON lines {name, value, unit}.
 * Baseline in the same run: GET /healthz with the same 50 clients. */

#include <math.h>
#include <signal.h>
#include <sys/prctl.h>
#include <stdio.h>

#include "curb-hub-client.h"
#include "curb-test-helpers.h"
#include "curbside-store.h"

#define STORE_ID      "store-001"
#define N_KIOSKS      50
#define N_SUBSCRIBERS 20
#define N_ORDERS      4000
#define N_PACED       200
#define PACED_RATE    100
#define LOAD_SECONDS  3.0

typedef struct
{
  char           *dir;
  char           *config;
  char           *db;
  GSubprocess    *hub;
  char           *url;
  char           *fingerprint;
  char           *kiosk_credentials[N_KIOSKS];
  char           *staging_credentials[N_SUBSCRIBERS];
  GPtrArray      *tokens;
  GPtrArray      *paced_tokens;
  guint           next_token;
  CurbHubClient  *kiosks[N_KIOSKS];
  CurbHubStream  *streams[N_SUBSCRIBERS];
  guint           connected;
  GHashTable     *pending;        /* event id -> Pending */
  GArray         *latencies_ms;
  guint           events_seen;
  guint           acked;
  guint           failed;
  guint           in_flight;
  gint64          deadline_us;
  gboolean        healthz_mode;
} Bench;

typedef struct
{
  gint64 sent_us;
  guint  seen;
} Pending;

static void
emit (const char *name, double value, const char *unit)
{
  printf ("{\"name\": \"%s\", \"value\": %.3f, \"unit\": \"%s\"}\n", name, value, unit);
  fflush (stdout);
}

static void
seed (Bench *b)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CurbStore) store = NULL;
  g_autoptr(CurbSigningKey) issuer = curb_signing_key_generate ("k1", &error);
  g_autoptr(CurbKeyring) keyring = curb_keyring_new ();
  g_autofree char *keyring_path = g_build_filename (b->dir, "keyring", NULL);
  g_autofree char *data_dir = g_build_filename (b->dir, "data", NULL);
  g_autofree char *text = g_strdup ("[store]\nid = " STORE_ID "\nname = Bench\n[storage]\ndata-dir = data\n"
                                    "[central]\nurl = http://127.0.0.1:9\n[tokens]\nkeyring = keyring\n");
  gint64 expires = g_get_real_time () / G_USEC_PER_SEC + 3600;
  g_autoptr(JsonArray) page = json_array_new ();

  curb_keyring_add (keyring, "k1", curb_signing_key_get_public_key (issuer), &error);
  curb_keyring_save (keyring, keyring_path, &error);
  g_file_set_contents (b->config, text, -1, &error);
  g_assert_no_error (error);
  g_mkdir_with_parents (data_dir, 0700);
  store = curb_store_open (b->db, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < N_KIOSKS + N_SUBSCRIBERS; i++)
    {
      CurbDeviceRole role = i < N_KIOSKS ? CURB_DEVICE_ROLE_KIOSK : CURB_DEVICE_ROLE_STAGING;
      g_autofree char *code = curb_store_create_enrollment_code (store, role, 60000, &error);
      g_autofree char *device_id = NULL;
      char **slot = i < N_KIOSKS ? &b->kiosk_credentials[i] : &b->staging_credentials[i - N_KIOSKS];

      curb_store_enroll_device (store, code, "bench", &device_id, slot, NULL, &error);
      g_assert_no_error (error);
    }
  b->tokens = g_ptr_array_new_with_free_func (g_free);
  b->paced_tokens = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < N_ORDERS + N_PACED; i++)
    {
      g_autofree char *ref = g_strdup_printf ("BN%u", i);
      g_autoptr(CurbTokenClaims) claims = curb_token_claims_new (STORE_ID, ref, expires);
      JsonObject *order = json_object_new ();

      json_object_set_string_member (order, "ref", ref);
      json_object_set_int_member (order, "version", 1);
      json_object_set_string_member (order, "first_name", "Kim");
      json_array_add_object_element (page, order);
      g_ptr_array_add (i < N_ORDERS ? b->tokens : b->paced_tokens, curb_token_sign (issuer, claims, &error));
    }
  curb_store_upsert_orders (store, page, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
}

static void
on_ready_line (GObject *source, GAsyncResult *result, gpointer data)
{
  char **line = data;
  gsize len;

  *line = g_data_input_stream_read_line_finish (G_DATA_INPUT_STREAM (source), result, &len, NULL);
  if (*line == NULL)
    *line = g_strdup ("");
}

static void
die_with_parent (gpointer data)
{
  prctl (PR_SET_PDEATHSIG, SIGTERM);
}

static void
start_hub (Bench *b)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *binary = curb_test_build_path ("hub", "curbside-hub");
  g_autoptr(GDataInputStream) out = NULL;
  g_autofree char *line = NULL;
  g_auto(GStrv) parts = NULL;

  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);

  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  b->hub = g_subprocess_launcher_spawn (launcher, &error, binary, "--config", b->config,
                                        "--listen", "127.0.0.1:0", "--no-sync", NULL);
  g_assert_no_error (error);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (b->hub));
  g_data_input_stream_read_line_async (out, G_PRIORITY_DEFAULT, NULL, on_ready_line, &line);
  while (line == NULL)
    g_main_context_iteration (NULL, TRUE);
  parts = g_strsplit (line, " ", 3);
  g_assert_cmpstr (parts[0], ==, "READY");
  b->url = g_strdup (parts[1]);
  b->fingerprint = g_strdup (parts[2]);
}

static CurbHubClient *
new_client (Bench *b, const char *credential)
{
  CurbHubClient *client = curb_hub_client_new (b->url);

  curb_hub_client_set_pinned_certificate (client, b->fingerprint);
  curb_hub_client_set_credential (client, credential);
  return client;
}

static void
on_stream_event (CurbHubStream *stream, JsonObject *event, Bench *b)
{
  Pending *pending = g_hash_table_lookup (b->pending, json_object_get_string_member (event, "id"));

  b->events_seen++;
  if (pending == NULL || ++pending->seen < N_SUBSCRIBERS)
    return;
  g_array_append_vals (b->latencies_ms, &(double) { (g_get_monotonic_time () - pending->sent_us) / 1000.0 }, 1);
  g_hash_table_remove (b->pending, json_object_get_string_member (event, "id"));
}

static void
on_stream_connected (CurbHubStream *stream, Bench *b)
{
  b->connected++;
}

static void send_one (Bench *b, guint kiosk);

static void
on_done (GObject *source, GAsyncResult *result, gpointer data)
{
  Bench *b = g_object_get_data (source, "bench");
  guint kiosk = GPOINTER_TO_UINT (data);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) reply = curb_hub_client_request_finish (CURB_HUB_CLIENT (source), result, &error);

  b->in_flight--;
  if (reply != NULL)
    b->acked++;
  else
    b->failed++;
  if (g_get_monotonic_time () < b->deadline_us)
    send_one (b, kiosk);
}

static void
send_one (Bench *b, guint kiosk)
{
  CurbHubClient *client = b->kiosks[kiosk];
  g_autofree char *event_id = NULL;
  Pending *pending;

  if (b->healthz_mode)
    {
      b->in_flight++;
      curb_hub_client_request_async (client, "GET", "/healthz", NULL, NULL, on_done, GUINT_TO_POINTER (kiosk));
      return;
    }
  if (b->next_token >= b->tokens->len)
    return;
  event_id = curb_uuid_new ();
  pending = g_new0 (Pending, 1);
  pending->sent_us = g_get_monotonic_time ();
  g_hash_table_insert (b->pending, g_strdup (event_id), pending);
  b->in_flight++;
  curb_hub_client_checkin_async (client, g_ptr_array_index (b->tokens, b->next_token++), FALSE, "1",
                                 event_id, 0, NULL, on_done, GUINT_TO_POINTER (kiosk));
}

static double
closed_loop (Bench *b, double seconds)
{
  gint64 start = g_get_monotonic_time ();
  guint before = b->acked;

  b->deadline_us = start + (gint64) (seconds * G_USEC_PER_SEC);
  for (guint k = 0; k < N_KIOSKS; k++)
    send_one (b, k);
  while (b->in_flight > 0)
    g_main_context_iteration (NULL, TRUE);
  return (b->acked - before) / ((g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC);
}

static int
compare_double (gconstpointer a, gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

static double
percentile (GArray *values, double p)
{
  g_array_sort (values, compare_double);
  if (values->len == 0)
    return NAN;
  return g_array_index (values, double, MIN (values->len - 1, (guint) (p * values->len)));
}

static void
wait_for_fanout (Bench *b, guint expected)
{
  gint64 until = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  while (b->events_seen < expected && g_get_monotonic_time () < until)
    g_main_context_iteration (NULL, TRUE);
}

static gboolean
on_paced_tick (gpointer data)
{
  Bench *b = data;
  static guint sent = 0;

  if (sent >= N_PACED)
    return G_SOURCE_REMOVE;
  b->deadline_us = 0;
  send_one (b, sent++ % N_KIOSKS);
  return G_SOURCE_CONTINUE;
}

static void
run (Bench *b)
{
  double healthz, checkins;

  for (guint k = 0; k < N_KIOSKS; k++)
    {
      b->kiosks[k] = new_client (b, b->kiosk_credentials[k]);
      g_object_set_data (G_OBJECT (b->kiosks[k]), "bench", b);
    }
  for (guint s = 0; s < N_SUBSCRIBERS; s++)
    {
      g_autoptr(CurbHubClient) staging = new_client (b, b->staging_credentials[s]);

      b->streams[s] = curb_hub_client_open_stream (staging, 0);
      g_signal_connect (b->streams[s], "event", G_CALLBACK (on_stream_event), b);
      g_signal_connect (b->streams[s], "connected", G_CALLBACK (on_stream_connected), b);
      curb_hub_stream_start (b->streams[s]);
    }
  while (b->connected < N_SUBSCRIBERS)
    g_main_context_iteration (NULL, TRUE);

  b->healthz_mode = TRUE;
  closed_loop (b, 0.5);           /* warm-up: TLS handshakes of the 50 clients */
  healthz = closed_loop (b, 1.0);
  b->healthz_mode = FALSE;
  b->acked = 0;
  checkins = closed_loop (b, LOAD_SECONDS);
  wait_for_fanout (b, b->acked * N_SUBSCRIBERS);
  emit ("hub_healthz_per_s_baseline", healthz, "requests/s");
  emit ("hub_checkins_per_s", checkins, "checkins/s");
  emit ("hub_checkins_vs_healthz_ratio", checkins / healthz, "ratio");
  emit ("hub_checkin_to_all_subscribers_under_load_p50_ms", percentile (b->latencies_ms, 0.50), "ms");
  emit ("hub_checkin_to_all_subscribers_under_load_p99_ms", percentile (b->latencies_ms, 0.99), "ms");
  emit ("hub_stream_events_delivered_ratio", b->events_seen / (double) (b->acked * N_SUBSCRIBERS), "ratio");
  emit ("hub_checkin_failures", b->failed, "count");
}

static void
run_paced (Bench *b)
{
  guint acked_before = b->acked;
  guint seen_before = b->events_seen;

  g_array_set_size (b->latencies_ms, 0);
  g_hash_table_remove_all (b->pending);
  g_ptr_array_unref (b->tokens);
  b->tokens = g_steal_pointer (&b->paced_tokens);
  b->next_token = 0;
  g_timeout_add (1000 / PACED_RATE, on_paced_tick, b);
  while (b->acked + b->failed - acked_before < N_PACED)
    g_main_context_iteration (NULL, TRUE);
  wait_for_fanout (b, seen_before + (b->acked - acked_before) * N_SUBSCRIBERS);
  emit ("hub_checkin_to_all_subscribers_p50_ms", percentile (b->latencies_ms, 0.50), "ms");
  emit ("hub_checkin_to_all_subscribers_p99_ms", percentile (b->latencies_ms, 0.99), "ms");
}

int
main (int argc, char **argv)
{
  Bench b = { NULL, };
  g_autoptr(GError) error = NULL;

  b.dir = curb_test_mkdtemp ();
  b.config = g_build_filename (b.dir, "hub.conf", NULL);
  b.db = g_build_filename (b.dir, "data", "store.db", NULL);
  b.pending = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  b.latencies_ms = g_array_new (FALSE, FALSE, sizeof (double));
  seed (&b);
  start_hub (&b);
  run (&b);
  run_paced (&b);
  for (guint s = 0; s < N_SUBSCRIBERS; s++)
    {
      curb_hub_stream_stop (b.streams[s]);
      g_object_unref (b.streams[s]);
    }
  for (guint k = 0; k < N_KIOSKS; k++)
    g_object_unref (b.kiosks[k]);
  g_subprocess_send_signal (b.hub, SIGTERM);
  g_subprocess_wait (b.hub, NULL, &error);
  curb_test_rmdir (b.dir);
  return 0;
}
