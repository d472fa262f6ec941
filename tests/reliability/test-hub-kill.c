/* kill -9 of the real curbside-hub during a burst of check-ins from several
 * clients, then restart: every acknowledged check-in is present exactly
 * once and PRAGMA integrity_check is ok. CURB_KILL_ITERATIONS sets the
 * number of rounds (default 20; run-kill-loop.sh runs 1,000). */

#include <signal.h>
#include <sys/prctl.h>

#include "curb-hub-client.h"
#include "curb-test-helpers.h"
#include "curbside-store.h"

#define STORE_ID        "store-001"
#define N_CLIENTS       5
#define ORDERS_PER_ROUND 60

typedef struct
{
  char           *dir;
  char           *config;
  char           *db;
  CurbSigningKey *issuer;
  char           *credentials[N_CLIENTS];
  GSubprocess    *hub;
  char           *url;
  char           *fingerprint;
} Rig;

typedef struct
{
  Rig           *rig;
  CurbHubClient *client;
  GPtrArray     *tokens;      /* this client's share of the round */
  guint          next;
  GHashTable    *acked;       /* event id -> ref */
  guint         *in_flight;
  guint         *acked_total;
  gboolean      *killed;
} Burst;

static gint64
now_s (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

static void
rig_setup (Rig *rig)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CurbKeyring) keyring = curb_keyring_new ();
  g_autoptr(CurbStore) store = NULL;
  g_autofree char *keyring_path = NULL;
  g_autofree char *text = NULL;
  g_autofree char *data_dir = NULL;

  rig->dir = curb_test_mkdtemp ();
  rig->db = g_build_filename (rig->dir, "data", "store.db", NULL);
  keyring_path = g_build_filename (rig->dir, "keyring", NULL);
  rig->config = g_build_filename (rig->dir, "hub.conf", NULL);
  rig->issuer = curb_signing_key_generate ("k1", &error);
  g_assert_no_error (error);
  curb_keyring_add (keyring, "k1", curb_signing_key_get_public_key (rig->issuer), &error);
  curb_keyring_save (keyring, keyring_path, &error);
  g_assert_no_error (error);
  text = g_strdup_printf ("[store]\nid = " STORE_ID "\nname = Kill test\n[storage]\ndata-dir = data\n"
                          "[central]\nurl = http://127.0.0.1:9\n[tokens]\nkeyring = keyring\n");
  g_file_set_contents (rig->config, text, -1, &error);
  g_assert_no_error (error);
  data_dir = g_path_get_dirname (rig->db);
  g_mkdir_with_parents (data_dir, 0700);
  store = curb_store_open (rig->db, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < N_CLIENTS; i++)
    {
      g_autofree char *code = curb_store_create_enrollment_code (store, CURB_DEVICE_ROLE_KIOSK, 60000, &error);
      g_autofree char *device_id = NULL;

      g_assert_no_error (error);
      curb_store_enroll_device (store, code, "kiosk", &device_id, &rig->credentials[i], NULL, &error);
      g_assert_no_error (error);
    }
}

static void
rig_teardown (Rig *rig)
{
  curb_test_rmdir (rig->dir);
  g_free (rig->dir);
  g_free (rig->config);
  g_free (rig->db);
  g_clear_object (&rig->issuer);
  for (guint i = 0; i < N_CLIENTS; i++)
    g_free (rig->credentials[i]);
}

static GPtrArray *
seed_round (Rig *rig, guint round)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CurbStore) store = curb_store_open (rig->db, &error);
  GPtrArray *tokens = g_ptr_array_new_with_free_func (g_free);

  g_assert_no_error (error);
  for (guint i = 0; i < ORDERS_PER_ROUND; i++)
    {
      g_autofree char *ref = g_strdup_printf ("K%u-%u", round, i);
      g_autofree char *json = g_strdup_printf ("{\"ref\":\"%s\",\"version\":1,\"first_name\":\"Kim\"}", ref);
      g_autoptr(JsonNode) node = json_from_string (json, NULL);
      g_autoptr(CurbTokenClaims) claims = curb_token_claims_new (STORE_ID, ref, now_s () + 3600);

      curb_store_upsert_order (store, json_node_get_object (node), NULL, NULL, NULL, &error);
      g_assert_no_error (error);
      g_ptr_array_add (tokens, curb_token_sign (rig->issuer, claims, &error));
      g_assert_no_error (error);
    }
  return tokens;
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
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

static void
rig_start_hub (Rig *rig)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *binary = curb_test_build_path ("hub", "curbside-hub");
  g_autoptr(GDataInputStream) out = NULL;
  g_autofree char *line = NULL;
  g_auto(GStrv) parts = NULL;

  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);

  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  rig->hub = g_subprocess_launcher_spawn (launcher, &error, binary, "--config", rig->config,
                                          "--listen", "127.0.0.1:0", "--no-sync", NULL);
  g_assert_no_error (error);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (rig->hub));
  g_data_input_stream_read_line_async (out, G_PRIORITY_DEFAULT, NULL, on_ready_line, &line);
  while (line == NULL)
    g_main_context_iteration (NULL, TRUE);
  parts = g_strsplit (line, " ", 3);
  g_assert_cmpstr (parts[0], ==, "READY");
  g_assert_true (g_str_has_prefix (parts[1], "https://127.0.0.1:"));
  g_free (rig->url);
  g_free (rig->fingerprint);
  rig->url = g_strdup (parts[1]);
  rig->fingerprint = g_strdup (parts[2]);
}

static void
rig_kill_hub (Rig *rig)
{
  g_autoptr(GError) error = NULL;

  g_subprocess_send_signal (rig->hub, SIGKILL);
  g_subprocess_wait (rig->hub, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_signaled (rig->hub));
  g_clear_object (&rig->hub);
}

static void send_next (Burst *burst);

static void
on_checkin_done (GObject *source, GAsyncResult *result, gpointer data)
{
  Burst *burst = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) reply = curb_hub_client_request_finish (burst->client, result, &error);

  (*burst->in_flight)--;
  if (reply != NULL)
    {
      JsonObject *event = json_object_get_object_member (reply, "event");

      g_hash_table_insert (burst->acked, g_strdup (json_object_get_string_member (event, "id")),
                           g_strdup (json_object_get_string_member (event, "order_ref")));
      (*burst->acked_total)++;
    }
  else
    g_assert_error (error, CURB_ERROR, CURB_ERROR_UNAVAILABLE);
  if (!*burst->killed)
    send_next (burst);
}

static void
send_next (Burst *burst)
{
  g_autofree char *event_id = NULL;

  if (burst->next >= burst->tokens->len)
    return;
  event_id = curb_uuid_new ();
  (*burst->in_flight)++;
  curb_hub_client_checkin_async (burst->client, g_ptr_array_index (burst->tokens, burst->next++), FALSE,
                                 "1", event_id, 0, NULL, on_checkin_done, burst);
}

static void
verify_store (Rig *rig, GHashTable *acked)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CurbStore) store = curb_store_open (rig->db, &error);
  GHashTableIter iter;
  gpointer id, ref;

  g_assert_no_error (error);
  g_assert_true (curb_store_integrity_check (store, &error));
  g_assert_no_error (error);
  g_hash_table_iter_init (&iter, acked);
  while (g_hash_table_iter_next (&iter, &id, &ref))
    {
      g_autoptr(CurbEvent) event = curb_store_get_event (store, id, &error);
      g_autoptr(GPtrArray) events = curb_store_list_order_events (store, ref, &error);

      g_assert_no_error (error);
      g_assert_nonnull (event);
      g_assert_cmpstr (curb_event_get_order_ref (event), ==, ref);
      g_assert_cmpuint (events->len, ==, 1);
    }
}

static guint
run_round (Rig *rig, guint round, GHashTable *acked)
{
  g_autoptr(GPtrArray) tokens = seed_round (rig, round);
  guint in_flight = 0, acked_total = 0;
  gboolean killed = FALSE;
  guint kill_after = g_random_int_range (1, ORDERS_PER_ROUND / 2);
  Burst bursts[N_CLIENTS];

  rig_start_hub (rig);
  for (guint c = 0; c < N_CLIENTS; c++)
    {
      bursts[c] = (Burst) { rig, curb_hub_client_new (rig->url), g_ptr_array_new (), 0, acked,
                            &in_flight, &acked_total, &killed };
      curb_hub_client_set_pinned_certificate (bursts[c].client, rig->fingerprint);
      curb_hub_client_set_credential (bursts[c].client, rig->credentials[c]);
      for (guint i = c; i < tokens->len; i += N_CLIENTS)
        g_ptr_array_add (bursts[c].tokens, g_ptr_array_index (tokens, i));
      send_next (&bursts[c]);
      send_next (&bursts[c]);
    }
  while (acked_total < kill_after)
    g_main_context_iteration (NULL, TRUE);
  g_usleep (g_random_int_range (0, 3000));
  killed = TRUE;
  rig_kill_hub (rig);
  while (in_flight > 0)
    g_main_context_iteration (NULL, TRUE);
  for (guint c = 0; c < N_CLIENTS; c++)
    {
      g_object_unref (bursts[c].client);
      g_ptr_array_unref (bursts[c].tokens);
    }
  return acked_total;
}

static void
test_kill_during_burst (void)
{
  const char *env = g_getenv ("CURB_KILL_ITERATIONS");
  guint rounds = env != NULL ? (guint) g_ascii_strtoull (env, NULL, 10) : 20;
  g_autoptr(GHashTable) acked = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  Rig rig = { NULL, };
  guint total = 0;

  rig_setup (&rig);
  for (guint round = 0; round < rounds; round++)
    {
      total += run_round (&rig, round, acked);
      verify_store (&rig, acked);
    }
  g_test_message ("%u rounds, %u acknowledged check-ins, all present once", rounds, total);
  g_assert_cmpuint (g_hash_table_size (acked), ==, total);
  g_assert_cmpuint (total, >=, rounds);
  rig_start_hub (&rig);
  rig_kill_hub (&rig);
  rig_teardown (&rig);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/hub/reliability/kill-during-burst", test_kill_during_burst);
  return g_test_run ();
}
