/* Power loss: the store runs on a VFS that loses every unsynced write (and
 * may tear one) when the power is cut at a random I/O call in the middle of
 * a storm of sync pages, check-ins, staff actions and outbox acks. After each
 * reboot: every acknowledged order and event is there, no event twice, seqs
 * strictly increasing, derived states equal a replay of the log, the outbox
 * holds exactly the unacknowledged store events, integrity_check is ok.
 *
 * CURB_POWER_LOSS_ROUNDS and CURB_POWER_LOSS_SEED override the defaults
 * (tests/reliability/run-power-loss.sh runs thousands). */
#include <sqlite3.h>

#include "curb-crash-vfs.h"
#include "curb-store-private.h"
#include "curb-test-helpers.h"
#include "curbside-core.h"

typedef struct
{
  char       *dir;
  char       *path;
  GRand      *rand;
  CurbStore  *store;
  guint       round;
  guint       next_ref;
  GHashTable *orders;          /* ref → GINT_TO_POINTER (state + 1), as acknowledged */
  GHashTable *acked_events;    /* id → kind + 1 */
  GHashTable *acked_acks;      /* ids central acknowledged */
  GPtrArray  *uncertain_orders;  /* JsonObject: a page whose write failed */
  GPtrArray  *uncertain_events;  /* CurbEvent */
  GPtrArray  *uncertain_acks;    /* char * */
  guint64     acknowledged;
  guint64     retried_present;
  guint64     retried_lost;
  guint64     cuts_mid_call;
  gboolean    unsafe;          /* the harness's own check: no fsync at all */
} World;

/* --- model helpers --- */

static JsonObject *
make_order (World *world)
{
  g_autofree char *text = g_strdup_printf (
      "{\"ref\": \"P%u\", \"store_id\": \"store-001\", \"version\": 1, \"first_name\": \"Sam\","
      " \"last_initial\": \"R\", \"surname\": \"Rivera\", \"phone_last4\": \"0142\","
      " \"window_start\": \"2026-11-27T15:00:00.000Z\", \"window_end\": \"2026-11-27T16:00:00.000Z\","
      " \"age_restricted\": false, \"alternate_pickup\": null,"
      " \"lines\": [{\"id\": \"L1\", \"sku\": \"EGGS\", \"name\": \"Eggs\", \"qty\": 2, \"temperature\": \"chilled\"}],"
      " \"substitutions\": [], \"cancelled\": false}", world->next_ref++);
  g_autoptr(JsonNode) node = json_from_string (text, NULL);

  return json_node_dup_object (node);
}

static CurbEvent *
make_event (CurbEventKind  kind,
            const char    *ref)
{
  g_autoptr(JsonObject) data = json_object_new ();
  const char *staff = NULL;

  if (kind == CURB_EVENT_ARRIVED)
    {
      json_object_set_string_member (data, "bay", "3");
      json_object_set_string_member (data, "source", "scan");
    }
  else if (kind == CURB_EVENT_CLAIMED)
    {
      staff = "st-7";
      json_object_set_string_member (data, "staff_name", "Alex");
      json_object_set_int_member (data, "eta_s", 60);
    }
  else
    {
      staff = "st-7";
      json_object_set_boolean_member (data, "id_checked", TRUE);
      json_object_set_string_member (data, "proof", "bags_scanned");
    }
  return curb_event_new (kind, ref, kind == CURB_EVENT_ARRIVED ? "kiosk-1" : "staging-1", staff, data);
}

static CurbOrderState
model_state (World      *world,
             const char *ref)
{
  return GPOINTER_TO_INT (g_hash_table_lookup (world->orders, ref)) - 1;
}

static void
model_set_state (World          *world,
                 const char     *ref,
                 CurbOrderState  state)
{
  g_hash_table_insert (world->orders, g_strdup (ref), GINT_TO_POINTER (state + 1));
}

static const char *
random_order_in (World          *world,
                 CurbOrderState  state)
{
  g_autoptr(GPtrArray) matches = g_ptr_array_new ();
  GHashTableIter iter;
  gpointer key, value;

  g_hash_table_iter_init (&iter, world->orders);
  while (g_hash_table_iter_next (&iter, &key, &value))
    if (GPOINTER_TO_INT (value) - 1 == (int) state)
      g_ptr_array_add (matches, key);
  if (matches->len == 0)
    return NULL;
  return matches->pdata[g_rand_int_range (world->rand, 0, matches->len)];
}

static void
acknowledge_event (World     *world,
                   CurbEvent *event)
{
  CurbOrderState to;

  g_assert_true (curb_state_apply (model_state (world, curb_event_get_order_ref (event)),
                                   curb_event_get_kind (event), &to, NULL));
  model_set_state (world, curb_event_get_order_ref (event), to);
  g_hash_table_insert (world->acked_events, g_strdup (curb_event_get_id (event)),
                       GINT_TO_POINTER (curb_event_get_kind (event) + 1));
  world->acknowledged++;
}

/* A call failed: only acceptable when the power is off. */
static void
expect_power_cut (World  *world,
                  GError *error)
{
  if (!curb_crash_vfs_is_dead ())
    g_error ("round %u: store call failed with the power on: %s", world->round,
             error != NULL ? error->message : "(no error)");
  world->cuts_mid_call++;
}

/* --- storm actions: each returns FALSE when the power went --- */

static gboolean
do_sync_page (World *world)
{
  g_autoptr(JsonArray) page = json_array_new ();
  g_autoptr(GPtrArray) rejected = NULL;
  g_autoptr(GError) error = NULL;
  guint count = g_rand_int_range (world->rand, 1, 9);

  for (guint i = 0; i < count; i++)
    json_array_add_object_element (page, make_order (world));
  if (!curb_store_upsert_orders (world->store, page, NULL, NULL, &rejected, &error))
    {
      expect_power_cut (world, error);
      g_ptr_array_add (world->uncertain_orders, json_array_ref (page));
      return FALSE;
    }
  g_assert_cmpuint (rejected != NULL ? rejected->len : 0, ==, 0);
  for (guint i = 0; i < count; i++)
    model_set_state (world, json_object_get_string_member (json_array_get_object_element (page, i), "ref"),
                     CURB_ORDER_STATE_PENDING);
  return TRUE;
}

static gboolean
do_event (World         *world,
          CurbEventKind  kind,
          CurbOrderState from)
{
  const char *ref = random_order_in (world, from);
  g_autoptr(CurbEvent) event = NULL;
  g_autoptr(GError) error = NULL;
  gboolean duplicate = TRUE;

  if (ref == NULL)
    return do_sync_page (world);
  event = make_event (kind, ref);
  if (!curb_store_append_event (world->store, event, &duplicate, &error))
    {
      expect_power_cut (world, error);
      g_ptr_array_add (world->uncertain_events, g_steal_pointer (&event));
      return FALSE;
    }
  g_assert_false (duplicate);
  acknowledge_event (world, event);
  return TRUE;
}

static gboolean
do_arrival_burst (World *world)
{
  g_autoptr(GPtrArray) events = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GHashTable) chosen = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GError) error = NULL;
  GError *errors[6] = { NULL };

  for (guint i = 0; i < 6; i++)
    {
      const char *ref = random_order_in (world, CURB_ORDER_STATE_PENDING);
      if (ref != NULL && g_hash_table_add (chosen, (gpointer) ref))
        g_ptr_array_add (events, make_event (CURB_EVENT_ARRIVED, ref));
    }
  if (events->len == 0)
    return do_sync_page (world);
  if (!curb_store_append_events (world->store, events, NULL, errors, &error))
    {
      expect_power_cut (world, error);
      for (guint i = 0; i < events->len; i++)
        g_ptr_array_add (world->uncertain_events, g_object_ref (events->pdata[i]));
      return FALSE;
    }
  for (guint i = 0; i < events->len; i++)
    {
      g_assert_no_error (errors[i]);
      acknowledge_event (world, events->pdata[i]);
    }
  return TRUE;
}

static gboolean
do_outbox_ack (World *world)
{
  g_autoptr(GPtrArray) due = curb_store_outbox_peek (world->store, 4, G_MAXINT64, NULL);
  g_autoptr(GError) error = NULL;

  if (due == NULL)
    {
      expect_power_cut (world, NULL);
      return FALSE;
    }
  for (guint i = 0; i < due->len; i++)
    {
      const char *id = curb_event_get_id (due->pdata[i]);
      if (!curb_store_outbox_ack (world->store, id, &error))
        {
          expect_power_cut (world, error);
          g_ptr_array_add (world->uncertain_acks, g_strdup (id));
          return FALSE;
        }
      g_hash_table_add (world->acked_acks, g_strdup (id));
    }
  return TRUE;
}

static gboolean
storm_step (World *world)
{
  guint dice = g_rand_int_range (world->rand, 0, 100);

  if (dice < 15)
    return do_sync_page (world);
  if (dice < 45)
    return do_event (world, CURB_EVENT_ARRIVED, CURB_ORDER_STATE_PENDING);
  if (dice < 55)
    return do_arrival_burst (world);
  if (dice < 75)
    return do_event (world, CURB_EVENT_CLAIMED, CURB_ORDER_STATE_ARRIVED);
  if (dice < 90)
    return do_event (world, CURB_EVENT_HANDED_OVER, CURB_ORDER_STATE_CLAIMED);
  return do_outbox_ack (world);
}

/* --- after the reboot --- */

static GPtrArray *
all_events (CurbStore *store)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *events = curb_store_list_events_since (store, 0, G_MAXINT, &error);

  g_assert_no_error (error);
  return events;
}

static void
check_event_log (World *world)
{
  g_autoptr(GPtrArray) events = all_events (world->store);
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) replay = g_hash_table_new (g_str_hash, g_str_equal);
  GHashTableIter iter;
  gpointer key;
  gint64 last_seq = 0;

  for (guint i = 0; i < events->len; i++)
    {
      CurbEvent *event = events->pdata[i];
      const char *ref = curb_event_get_order_ref (event);
      CurbOrderState from = GPOINTER_TO_INT (g_hash_table_lookup (replay, ref)), to;

      if (!g_hash_table_add (seen, (gpointer) curb_event_get_id (event)))
        g_error ("round %u: event %s stored twice", world->round, curb_event_get_id (event));
      g_assert_cmpint (curb_event_get_seq (event), >, last_seq);
      last_seq = curb_event_get_seq (event);
      g_assert_true (curb_state_apply (from, curb_event_get_kind (event), &to, NULL));
      g_hash_table_insert (replay, (gpointer) ref, GINT_TO_POINTER (to));
    }
  g_hash_table_iter_init (&iter, world->acked_events);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    if (!g_hash_table_contains (seen, key))
      g_error ("round %u: acknowledged event %s lost", world->round, (char *) key);
  g_hash_table_iter_init (&iter, replay);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      CurbOrderState stored;
      g_assert_true (curb_store_get_order_state (world->store, key, &stored, NULL));
      g_assert_cmpint (stored, ==, GPOINTER_TO_INT (g_hash_table_lookup (replay, key)));
    }
}

static gboolean
is_uncertain_ref (World      *world,
                  const char *ref)
{
  for (guint i = 0; i < world->uncertain_events->len; i++)
    if (g_strcmp0 (curb_event_get_order_ref (world->uncertain_events->pdata[i]), ref) == 0)
      return TRUE;
  return FALSE;
}

/* Before the retries: every acknowledged order is there in the state the
 * storm last saw acknowledged (unless its last call got no answer). */
static void
check_orders (World *world)
{
  GHashTableIter iter;
  gpointer key;

  g_hash_table_iter_init (&iter, world->orders);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      CurbOrderState stored;
      if (!curb_store_get_order_state (world->store, key, &stored, NULL))
        g_error ("round %u: acknowledged order %s lost", world->round, (char *) key);
      if (!is_uncertain_ref (world, key))
        g_assert_cmpint (stored, ==, model_state (world, key));
    }
}

/* After the retries: the outbox holds exactly the store events central
 * has not acknowledged. */
static void
check_outbox (World *world)
{
  g_autoptr(GPtrArray) due = curb_store_outbox_peek (world->store, G_MAXINT, G_MAXINT64, NULL);
  g_autoptr(GHashTable) outbox = g_hash_table_new (g_str_hash, g_str_equal);
  GHashTableIter iter;
  gpointer key;

  g_assert_nonnull (due);
  for (guint i = 0; i < due->len; i++)
    {
      const char *id = curb_event_get_id (due->pdata[i]);
      g_hash_table_add (outbox, (gpointer) id);
      g_assert_false (g_hash_table_contains (world->acked_acks, id));
      g_assert_true (g_hash_table_contains (world->acked_events, id));
    }
  g_hash_table_iter_init (&iter, world->acked_events);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    if (!g_hash_table_contains (world->acked_acks, key) && !g_hash_table_contains (outbox, key))
      g_error ("round %u: event %s left the outbox without an ack", world->round, (char *) key);
}

/* The model's states for orders whose last write was uncertain. */
static void
refresh_from_store (World *world)
{
  g_autoptr(JsonArray) orders = curb_store_list_orders (world->store, CURB_ORDER_FILTER_ALL, NULL);

  g_assert_nonnull (orders);
  for (guint i = 0; i < json_array_get_length (orders); i++)
    {
      JsonObject *order = json_array_get_object_element (orders, i);
      CurbOrderState state;
      g_assert_true (curb_order_state_from_string (json_object_get_string_member (order, "state"), &state));
      model_set_state (world, json_object_get_string_member (order, "ref"), state);
    }
}

/* What a kiosk's outbox and the sync engine do after the reboot: send the
 * calls that got no answer again, with the same ids. */
static void
retry_uncertain (World *world)
{
  for (guint i = 0; i < world->uncertain_orders->len; i++)
    {
      JsonArray *page = world->uncertain_orders->pdata[i];
      g_assert_true (curb_store_upsert_orders (world->store, page, NULL, NULL, NULL, NULL));
      for (guint j = 0; j < json_array_get_length (page); j++)
        {
          const char *ref = json_object_get_string_member (json_array_get_object_element (page, j), "ref");
          if (!g_hash_table_contains (world->orders, ref))
            model_set_state (world, ref, CURB_ORDER_STATE_PENDING);
        }
    }
  for (guint i = 0; i < world->uncertain_events->len; i++)
    {
      CurbEvent *event = world->uncertain_events->pdata[i];
      g_autoptr(GError) error = NULL;
      gboolean duplicate = FALSE;
      g_autoptr(CurbEvent) stored = curb_store_get_event (world->store, curb_event_get_id (event), NULL);

      if (!curb_store_append_event (world->store, event, &duplicate, &error))
        g_error ("round %u: retry of %s failed: %s", world->round, curb_event_get_id (event), error->message);
      g_assert_cmpint (duplicate, ==, stored != NULL);
      if (duplicate)
        world->retried_present++;
      else
        world->retried_lost++;
      g_hash_table_insert (world->acked_events, g_strdup (curb_event_get_id (event)),
                           GINT_TO_POINTER (curb_event_get_kind (event) + 1));
      world->acknowledged += duplicate ? 0 : 1;
    }
  for (guint i = 0; i < world->uncertain_acks->len; i++)
    {
      g_assert_true (curb_store_outbox_ack (world->store, world->uncertain_acks->pdata[i], NULL));
      g_hash_table_add (world->acked_acks, g_strdup (world->uncertain_acks->pdata[i]));
    }
  g_ptr_array_set_size (world->uncertain_orders, 0);
  g_ptr_array_set_size (world->uncertain_events, 0);
  g_ptr_array_set_size (world->uncertain_acks, 0);
  refresh_from_store (world);
}

static void
reopen_and_check (World *world)
{
  g_autoptr(GError) error = NULL;

  world->store = curb_store_open (world->path, &error);
  if (world->store == NULL)
    g_error ("round %u: the store does not open after the power cut: %s", world->round, error->message);
  /* checkpoint often, so cuts also land inside checkpoints */
  sqlite3_wal_autocheckpoint (curb_store_get_db (world->store), 16);
  if (world->unsafe)
    sqlite3_exec (curb_store_get_db (world->store), "PRAGMA synchronous = OFF", NULL, NULL, NULL);
  if (!curb_store_integrity_check (world->store, &error))
    g_error ("round %u: %s", world->round, error->message);
  check_event_log (world);
  check_orders (world);
  refresh_from_store (world);
  retry_uncertain (world);
  check_event_log (world);
  check_outbox (world);
}

static void
run_round (World *world)
{
  guint steps = 0;

  curb_crash_vfs_arm (g_rand_int_range (world->rand, 0, 400));
  while (steps++ < 200 && storm_step (world))
    ;
  curb_crash_vfs_power_cut ();
  g_clear_object (&world->store);
  curb_crash_vfs_restore (world->rand, TRUE);
  reopen_and_check (world);
}

static guint
env_uint (const char *name,
          guint       fallback)
{
  const char *value = g_getenv (name);

  return value != NULL && *value != '\0' ? (guint) g_ascii_strtoull (value, NULL, 10) : fallback;
}

static void
world_free (World *world)
{
  g_clear_object (&world->store);
  curb_crash_vfs_reset ();
  curb_test_rmdir (world->dir);
  g_free (world->dir);
  g_free (world->path);
  g_rand_free (world->rand);
  g_hash_table_unref (world->orders);
  g_hash_table_unref (world->acked_events);
  g_hash_table_unref (world->acked_acks);
  g_ptr_array_unref (world->uncertain_orders);
  g_ptr_array_unref (world->uncertain_events);
  g_ptr_array_unref (world->uncertain_acks);
  g_free (world);
}

static World *
world_new (guint seed)
{
  World *world = g_new0 (World, 1);

  world->dir = curb_test_mkdtemp ();
  world->path = g_build_filename (world->dir, "store.db", NULL);
  world->rand = g_rand_new_with_seed (seed);
  world->orders = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  world->acked_events = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  world->acked_acks = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  world->uncertain_orders = g_ptr_array_new_with_free_func ((GDestroyNotify) json_array_unref);
  world->uncertain_events = g_ptr_array_new_with_free_func (g_object_unref);
  world->uncertain_acks = g_ptr_array_new_with_free_func (g_free);
  return world;
}

static void
test_power_cuts (void)
{
  guint rounds = env_uint ("CURB_POWER_LOSS_ROUNDS", 100);
  guint seed = env_uint ("CURB_POWER_LOSS_SEED", 9);
  World *world = world_new (seed);
  CurbCrashVfsStats stats;
  g_autoptr(GError) error = NULL;
  gint64 start = g_get_monotonic_time ();

  world->store = curb_store_open (world->path, &error);
  g_assert_no_error (error);
  for (world->round = 1; world->round <= rounds; world->round++)
    run_round (world);
  curb_crash_vfs_get_stats (&stats);
  g_test_message ("power cuts: %u (seed %u), inside a store call: %" G_GUINT64_FORMAT,
                  rounds, seed, world->cuts_mid_call);
  g_test_message ("acknowledged events: %" G_GUINT64_FORMAT ", lost: 0, duplicates: 0, integrity_check ok: %u/%u",
                  world->acknowledged, rounds, rounds);
  g_test_message ("unanswered calls retried: %" G_GUINT64_FORMAT " had landed, %" G_GUINT64_FORMAT " had not",
                  world->retried_present, world->retried_lost);
  g_test_message ("unsynced writes: %" G_GUINT64_FORMAT " dropped, %" G_GUINT64_FORMAT " kept, %" G_GUINT64_FORMAT
                  " torn; %" G_GUINT64_FORMAT " writes, %" G_GUINT64_FORMAT " syncs; %.1f s",
                  stats.dropped_writes, stats.kept_writes, stats.torn_writes, stats.writes, stats.syncs,
                  (g_get_monotonic_time () - start) / 1e6);
  g_print ("# {\"name\": \"power-loss\", \"rounds\": %u, \"acknowledged\": %" G_GUINT64_FORMAT
           ", \"lost\": 0, \"duplicates\": 0, \"dropped_writes\": %" G_GUINT64_FORMAT ", \"torn\": %" G_GUINT64_FORMAT "}\n",
           rounds, world->acknowledged, stats.dropped_writes, stats.torn_writes);
  world_free (world);
}

/* The harness must catch a store that acknowledges before fsync. */
static void
test_harness_catches_no_fsync (void)
{
  if (g_test_subprocess ())
    {
      World *world = world_new (3);
      g_autoptr(GError) error = NULL;

      world->unsafe = TRUE;
      world->store = curb_store_open (world->path, &error);
      g_assert_no_error (error);
      sqlite3_exec (curb_store_get_db (world->store), "PRAGMA synchronous = OFF", NULL, NULL, NULL);
      for (world->round = 1; world->round <= 60; world->round++)
        run_round (world);
      world_free (world);
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_failed ();
  g_test_trap_assert_stderr ("*lost*");
}

/* The VFS itself: an unsynced write is gone after the cut, a synced one stays. */
static void
test_vfs_drops_unsynced (void)
{
  g_autofree char *dir = curb_test_mkdtemp ();
  g_autofree char *path = g_build_filename (dir, "plain.db", NULL);
  g_autoptr(GRand) rand = g_rand_new_with_seed (1);
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
                                 "CREATE TABLE t (x); INSERT INTO t VALUES (1); INSERT INTO t VALUES (2);"
                                 "PRAGMA synchronous=OFF; INSERT INTO t VALUES (3);", NULL, NULL, NULL), ==, SQLITE_OK);
  curb_crash_vfs_power_cut ();
  sqlite3_close (db);
  curb_crash_vfs_restore (rand, FALSE);
  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT COUNT (*), MAX (x) FROM t", -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  /* rows 1-2 were synced; row 3's frame never was: kept or dropped, never half there */
  g_assert_cmpint (sqlite3_column_int (stmt, 0), >=, 2);
  g_assert_cmpint (sqlite3_column_int (stmt, 1), ==, sqlite3_column_int (stmt, 0));
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  curb_crash_vfs_reset ();
  curb_test_rmdir (dir);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  curb_crash_vfs_install ();
  g_test_add_func ("/power-loss/vfs-drops-unsynced", test_vfs_drops_unsynced);
  g_test_add_func ("/power-loss/harness-catches-no-fsync", test_harness_catches_no_fsync);
  g_test_add_func ("/power-loss/cuts-during-storm", test_power_cuts);
  return g_test_run ();
}
