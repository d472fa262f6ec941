/* LAN faults: kiosk-like clients check in (retrying with the same event id
 * until acknowledged, as the kiosk's outbox does) and staging-like
 * subscribers follow the event stream (CurbHubStream) while the real hub is
 * restarted (SIGTERM and SIGKILL in turn) and half of the clients go
 * through a relay that resets their connections at random. Afterwards:
 * every acknowledged check-in is stored exactly once, and every subscriber
 * saw every event exactly once, in seq order, resuming where it left off.
 *
 * CURB_LAN_ORDERS (default 90) and CURB_LAN_RESTARTS (default 4) size it;
 * tests/reliability/run-lan-faults.sh runs 1,200 orders and 40 restarts. */
#include <signal.h>

#include "curb-fault-proxy.h"
#include "curb-hub-rig.h"

#define N_KIOSKS  6
#define N_STAGING 4

typedef struct _World World;

typedef struct
{
  World         *world;
  CurbHubClient *client;
  GPtrArray     *tokens;
  guint          next;
  char          *event_id;     /* of the check-in in flight, kept across retries */
  gboolean       busy;
  guint          retries;
} Kiosk;

typedef struct
{
  CurbHubClient *client;
  CurbHubStream *stream;
  GArray        *seqs;
  GHashTable    *ids;
  guint          duplicates;
  guint          connects;
} Subscriber;

struct _World
{
  CurbHubRig     *rig;
  CurbFaultProxy *relay;
  GHashTable     *acked;      /* event id → ref */
  Kiosk           kiosks[N_KIOSKS];
  Subscriber      subscribers[N_STAGING];
  guint           n_orders;
};

static guint
env_uint (const char *name,
          guint       fallback)
{
  const char *value = g_getenv (name);

  return value != NULL ? (guint) g_ascii_strtoull (value, NULL, 10) : fallback;
}

static char *
url_for (World   *world,
         gboolean relayed)
{
  return relayed ? g_strdup_printf ("https://127.0.0.1:%u", curb_fault_proxy_get_port (world->relay))
                 : g_strdup (world->rig->url);
}

static CurbHubClient *
make_client (World      *world,
             const char *credential,
             gboolean    relayed)
{
  g_autofree char *url = url_for (world, relayed);
  CurbHubClient *client = curb_hub_client_new (url);

  curb_hub_client_set_pinned_certificate (client, world->rig->fingerprint);
  curb_hub_client_set_credential (client, credential);
  curb_hub_client_set_timeout (client, 3);
  return client;
}

/* --- kiosks --- */

static void kiosk_send (Kiosk *kiosk);

static gboolean
on_kiosk_timer (gpointer data)
{
  kiosk_send (data);
  return G_SOURCE_REMOVE;
}

static void
on_checkin_done (GObject      *source,
                 GAsyncResult *result,
                 gpointer      data)
{
  Kiosk *kiosk = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) reply = curb_hub_client_request_finish (kiosk->client, result, &error);
  g_autofree char *ref = NULL;

  kiosk->busy = FALSE;
  if (reply == NULL)
    {
      /* the hub is down or the connection was cut: same event id again */
      g_assert_true (error->domain == CURB_ERROR || error->domain == G_IO_ERROR);
      kiosk->retries++;
      g_timeout_add (150, on_kiosk_timer, kiosk);
      return;
    }
  ref = curb_hub_rig_ref (kiosk->next * N_KIOSKS + (guint) (kiosk - kiosk->world->kiosks));
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (reply, "event"), "id"),
                   ==, kiosk->event_id);
  g_hash_table_insert (kiosk->world->acked, g_steal_pointer (&kiosk->event_id), g_steal_pointer (&ref));
  kiosk->next++;
  g_timeout_add (g_random_int_range (0, 40), on_kiosk_timer, kiosk);
}

static void
kiosk_send (Kiosk *kiosk)
{
  if (kiosk->next >= kiosk->tokens->len || kiosk->busy)
    return;
  if (kiosk->event_id == NULL)
    kiosk->event_id = curb_uuid_new ();
  kiosk->busy = TRUE;
  curb_hub_client_checkin_async (kiosk->client, kiosk->tokens->pdata[kiosk->next], FALSE, "4",
                                 kiosk->event_id, 0, NULL, on_checkin_done, kiosk);
}

/* --- subscribers --- */

static void
on_stream_event (CurbHubStream *stream,
                 JsonObject    *event,
                 Subscriber    *subscriber)
{
  gint64 seq = json_object_get_int_member (event, "seq");
  const char *id = json_object_get_string_member (event, "id");

  if (!g_hash_table_add (subscriber->ids, g_strdup (id)))
    subscriber->duplicates++;
  g_array_append_val (subscriber->seqs, seq);
}

static void
on_stream_connected (CurbHubStream *stream,
                     Subscriber    *subscriber)
{
  subscriber->connects++;
}

static void
subscriber_start (World      *world,
                  Subscriber *subscriber,
                  guint       index)
{
  subscriber->client = make_client (world, world->rig->staging->pdata[index], index % 2 == 1);
  subscriber->seqs = g_array_new (FALSE, FALSE, sizeof (gint64));
  subscriber->ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  subscriber->stream = curb_hub_client_open_stream (subscriber->client, 0);
  g_signal_connect (subscriber->stream, "event", G_CALLBACK (on_stream_event), subscriber);
  g_signal_connect (subscriber->stream, "connected", G_CALLBACK (on_stream_connected), subscriber);
  curb_hub_stream_start (subscriber->stream);
}

/* --- the run --- */

static gboolean
all_acked (World *world)
{
  return g_hash_table_size (world->acked) == world->n_orders;
}

static gboolean
subscribers_caught_up (World *world)
{
  for (guint i = 0; i < N_STAGING; i++)
    if (curb_hub_stream_get_last_seq (world->subscribers[i].stream) < (gint64) world->n_orders)
      return FALSE;
  return TRUE;
}

static void
spin_ms (guint ms)
{
  gint64 until = g_get_monotonic_time () + ms * G_GINT64_CONSTANT (1000);

  while (g_get_monotonic_time () < until)
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (1000);
}

static void
spin_until (World *world, gboolean (*done) (World *), guint timeout_s)
{
  gint64 until = g_get_monotonic_time () + timeout_s * G_USEC_PER_SEC;

  while (!done (world) && g_get_monotonic_time () < until)
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (1000);
  g_assert_true (done (world));
}

static void
verify_store (World *world)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CurbStore) store = curb_store_open (world->rig->db, &error);
  g_autoptr(GPtrArray) events = NULL;
  g_autoptr(GHashTable) refs = g_hash_table_new (g_str_hash, g_str_equal);
  GHashTableIter iter;
  gpointer id, ref;

  g_assert_no_error (error);
  g_assert_true (curb_store_integrity_check (store, &error));
  events = curb_store_list_events_since (store, 0, G_MAXINT, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (events->len, ==, world->n_orders);
  for (guint i = 0; i < events->len; i++)
    g_assert_true (g_hash_table_add (refs, (gpointer) curb_event_get_order_ref (events->pdata[i])));
  g_hash_table_iter_init (&iter, world->acked);
  while (g_hash_table_iter_next (&iter, &id, &ref))
    {
      g_autoptr(CurbEvent) event = curb_store_get_event (store, id, &error);
      g_assert_nonnull (event);
      g_assert_cmpstr (curb_event_get_order_ref (event), ==, ref);
    }
}

static void
verify_subscriber (World      *world,
                   Subscriber *subscriber,
                   guint       index)
{
  g_assert_cmpuint (subscriber->duplicates, ==, 0);
  g_assert_cmpuint (subscriber->seqs->len, ==, world->n_orders);
  for (guint i = 0; i < subscriber->seqs->len; i++)
    g_assert_cmpint (g_array_index (subscriber->seqs, gint64, i), ==, i + 1);
  g_test_message ("subscriber %u (%s): %u events once each in seq order over %u connections",
                  index, index % 2 ? "through the cutting relay" : "direct", subscriber->seqs->len,
                  subscriber->connects);
}

static void
setup_kiosks (World *world)
{
  for (guint k = 0; k < N_KIOSKS; k++)
    {
      Kiosk *kiosk = &world->kiosks[k];
      kiosk->world = world;
      kiosk->client = make_client (world, world->rig->kiosks->pdata[k], k % 2 == 1);
      kiosk->tokens = g_ptr_array_new_with_free_func (g_free);
      for (guint i = k; i < world->n_orders; i += N_KIOSKS)
        {
          g_autofree char *ref = curb_hub_rig_ref (i);
          g_ptr_array_add (kiosk->tokens, curb_hub_rig_token (world->rig, CURB_RIG_STORE_ID, ref));
        }
      kiosk_send (kiosk);
    }
}

static void
teardown (World *world)
{
  for (guint k = 0; k < N_KIOSKS; k++)
    {
      g_object_unref (world->kiosks[k].client);
      g_ptr_array_unref (world->kiosks[k].tokens);
      g_free (world->kiosks[k].event_id);
    }
  for (guint s = 0; s < N_STAGING; s++)
    {
      curb_hub_stream_stop (world->subscribers[s].stream);
      g_object_unref (world->subscribers[s].stream);
      g_object_unref (world->subscribers[s].client);
      g_array_unref (world->subscribers[s].seqs);
      g_hash_table_unref (world->subscribers[s].ids);
    }
  spin_ms (100);
  curb_fault_proxy_free (world->relay);
  curb_hub_rig_free (world->rig);
  g_hash_table_unref (world->acked);
}

static void
test_restarts_and_cuts (void)
{
  World world = { NULL, };
  guint restarts = env_uint ("CURB_LAN_RESTARTS", 4), retries = 0, done_restarts = 0, hung_stops = 0;
  gint64 start = g_get_monotonic_time ();

  world.n_orders = env_uint ("CURB_LAN_ORDERS", 90);
  world.rig = curb_hub_rig_new (N_KIOSKS, N_STAGING, NULL);
  world.acked = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  curb_hub_rig_add_orders (world.rig, world.n_orders);
  curb_hub_rig_start (world.rig);
  world.relay = curb_fault_proxy_new_relay (world.rig->port, 200, 1500);
  for (guint s = 0; s < N_STAGING; s++)
    subscriber_start (&world, &world.subscribers[s], s);
  setup_kiosks (&world);
  while (!all_acked (&world))
    {
      spin_ms (g_random_int_range (300, 900));
      if (done_restarts < restarts && !all_acked (&world))
        {
          if (!curb_hub_rig_stop (world.rig, done_restarts % 2 == 0 ? SIGKILL : SIGTERM))
            hung_stops++;
          spin_ms (g_random_int_range (50, 400));
          curb_hub_rig_start (world.rig);
          done_restarts++;
        }
      for (guint k = 0; k < N_KIOSKS; k++)
        kiosk_send (&world.kiosks[k]);
      g_assert_cmpint (g_get_monotonic_time () - start, <, 300 * G_USEC_PER_SEC);
    }
  spin_until (&world, subscribers_caught_up, 60);
  for (guint k = 0; k < N_KIOSKS; k++)
    retries += world.kiosks[k].retries;
  g_test_message ("%u check-ins from %u kiosks, %u hub restarts (SIGKILL and SIGTERM in turn), %" G_GUINT64_FORMAT
                  " relay cuts, %u retried calls; %.1f s", world.n_orders, N_KIOSKS, done_restarts,
                  curb_fault_proxy_get_cuts (world.relay), retries, (g_get_monotonic_time () - start) / 1e6);
  for (guint s = 0; s < N_STAGING; s++)
    verify_subscriber (&world, &world.subscribers[s], s);
  if (!curb_hub_rig_stop (world.rig, SIGTERM))
    hung_stops++;
  verify_store (&world);
  g_test_message ("acknowledged check-ins lost: 0, duplicates: 0; duplicate stream deliveries: 0");
  teardown (&world);
  /* Finding (reported to the hub's owner): SIGTERM hangs in
   * soup_server_disconnect() while a TLS handshake is stuck in a worker. */
  g_test_message ("SIGTERM not obeyed within 5 s (killed instead): %u times", hung_stops);
  if (hung_stops > 0)
    g_test_incomplete ("the hub did not exit on SIGTERM while a client's TLS handshake was pending");
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/lan-faults/restarts-and-cuts", test_restarts_and_cuts);
  return g_test_run ();
}
