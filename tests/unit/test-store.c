#include <signal.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include "curb-store-private.h"
#include "curb-test-helpers.h"
#include "curbside-core.h"

typedef struct
{
  char      *dir;
  char      *path;
  CurbStore *store;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fixture->dir = curb_test_mkdtemp ();
  fixture->path = g_build_filename (fixture->dir, "store.db", NULL);
  fixture->store = curb_store_open (fixture->path, &error);
  g_assert_no_error (error);
  g_assert_nonnull (fixture->store);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_assert_finalize_object (fixture->store);
  curb_test_rmdir (fixture->dir);
  g_free (fixture->path);
  g_free (fixture->dir);
}

static JsonObject *
parse (const char *text)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = json_from_string (text, &error);

  g_assert_no_error (error);
  return json_node_dup_object (node);
}

static JsonObject *
central_order (const char *ref,
               gint64      version,
               gboolean    cancelled)
{
  g_autofree char *text = g_strdup_printf (
      "{\"ref\": \"%s\", \"store_id\": \"store-001\", \"version\": %" G_GINT64_FORMAT ","
      " \"first_name\": \"Sam\", \"last_initial\": \"R\", \"surname\": \"Núñez-Rivera\","
      " \"phone_last4\": \"0142\", \"window_start\": \"2026-11-27T15:00:00.000Z\","
      " \"window_end\": \"2026-11-27T16:00:00.000Z\", \"age_restricted\": false,"
      " \"alternate_pickup\": {\"first_name\": \"Alex\", \"last_initial\": \"K\"},"
      " \"lines\": [{\"id\": \"L1\", \"sku\": \"EGGS\", \"name\": \"Eggs\", \"qty\": 2, \"temperature\": \"chilled\"},"
      "   {\"id\": \"L2\", \"sku\": \"MILK\", \"name\": \"Oat milk\", \"qty\": 1, \"temperature\": \"chilled\"}],"
      " \"substitutions\": [{\"id\": \"S1\", \"line_id\": \"L2\", \"original\": \"Oat milk\","
      "   \"replacement\": \"Soy milk\", \"qty\": 1, \"status\": \"pending\"}],"
      " \"cancelled\": %s, \"token\": \"TOKEN-%s\"}",
      ref, version, cancelled ? "true" : "false", ref);

  return parse (text);
}

static void
upsert (CurbStore         *store,
        JsonObject        *order,
        CurbUpsertOutcome  expected)
{
  g_autoptr(GError) error = NULL;
  CurbUpsertOutcome outcome;

  g_assert_true (curb_store_upsert_order (store, order, &outcome, NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (outcome, ==, expected);
}

static void
add_order (CurbStore  *store,
           const char *ref)
{
  g_autoptr(JsonObject) order = central_order (ref, 1, FALSE);

  upsert (store, order, CURB_UPSERT_INSERTED);
}

/* An order whose shopper said "I'm on my way". */
static void
add_order_on_the_way (CurbStore  *store,
                      const char *ref)
{
  g_autoptr(JsonObject) order = central_order (ref, 1, FALSE);

  json_object_set_object_member (order, "on_the_way",
                                 parse ("{\"announced_at\": \"2026-11-27T14:50:00.000Z\","
                                        " \"eta\": \"2026-11-27T15:10:00.000Z\"}"));
  upsert (store, order, CURB_UPSERT_INSERTED);
}

static CurbEvent *
make_event (CurbEventKind  kind,
            const char    *ref)
{
  g_autoptr(JsonObject) data = json_object_new ();
  const char *staff = NULL;
  const char *device = kind == CURB_EVENT_ARRIVED ? "kiosk-1" : "staging-1";

  switch (kind)
    {
    case CURB_EVENT_ARRIVED:
      json_object_set_string_member (data, "bay", "3");
      json_object_set_string_member (data, "source", "scan");
      break;
    case CURB_EVENT_STAGED:
      json_object_set_member (data, "locations", json_from_string ("[{\"zone\": \"C\", \"shelf\": \"2\", \"bin\": \"14\"}]", NULL));
      json_object_set_member (data, "bags", json_from_string ("{\"ambient\": 2, \"chilled\": 1, \"frozen\": 0}", NULL));
      break;
    case CURB_EVENT_CLAIMED:
      staff = "st-7";
      json_object_set_string_member (data, "staff_name", "Alex");
      json_object_set_int_member (data, "eta_s", 60);
      break;
    case CURB_EVENT_HANDED_OVER:
      json_object_set_boolean_member (data, "id_checked", TRUE);
      json_object_set_string_member (data, "proof", "bags_scanned");
      break;
    case CURB_EVENT_PARTIALLY_HANDED_OVER:
      json_object_set_member (data, "not_taken", json_from_string ("[{\"line_id\": \"L2\", \"qty\": 1, \"reason\": \"damaged\"}]", NULL));
      break;
    case CURB_EVENT_SUBSTITUTION_DECIDED:
      json_object_set_string_member (data, "substitution_id", "S1");
      json_object_set_boolean_member (data, "approved", TRUE);
      break;
    case CURB_EVENT_BAY_CHOSEN:
      json_object_set_string_member (data, "bay", "4");
      break;
    case CURB_EVENT_WITHDRAWN:
      break;
    case CURB_EVENT_CANCELLED:
      device = CURB_EVENT_DEVICE_CENTRAL;
      G_GNUC_FALLTHROUGH;
    case CURB_EVENT_RELEASED:
    case CURB_EVENT_NO_SHOW:
    case CURB_EVENT_RETURNED_TO_STOCK:
    default:
      json_object_set_string_member (data, "reason", "test");
      break;
    }
  return curb_event_new (kind, ref, device, staff, data);
}

static gint64
append (CurbStore     *store,
        CurbEventKind  kind,
        const char    *ref)
{
  g_autoptr(CurbEvent) event = make_event (kind, ref);
  g_autoptr(GError) error = NULL;
  gboolean duplicate = TRUE;

  g_assert_true (curb_store_append_event (store, event, &duplicate, &error));
  g_assert_no_error (error);
  g_assert_false (duplicate);
  g_assert_cmpint (curb_event_get_seq (event), >, 0);
  return curb_event_get_seq (event);
}

static gint64
count_rows (CurbStore  *store,
            const char *table)
{
  g_autofree char *sql = g_strdup_printf ("SELECT COUNT (*) FROM %s", table);
  sqlite3_stmt *stmt = NULL;
  gint64 count;

  g_assert_cmpint (sqlite3_prepare_v2 (curb_store_get_db (store), sql, -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  count = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  return count;
}

/* Everything an event could have changed, as one string. */
static char *
snapshot (CurbStore  *store,
          const char *ref)
{
  g_autoptr(JsonObject) order = curb_store_get_order (store, ref, NULL);
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);
  g_autofree char *text = NULL;

  g_assert_nonnull (order);
  json_node_set_object (node, order);
  text = json_to_string (node, FALSE);
  return g_strdup_printf ("%s|events=%" G_GINT64_FORMAT "|outbox=%u|last=%" G_GINT64_FORMAT "|audit=%" G_GINT64_FORMAT,
                          text, count_rows (store, "events"), curb_store_outbox_depth (store),
                          curb_store_get_last_seq (store), count_rows (store, "audit_log"));
}

static const char *
order_state (CurbStore  *store,
             const char *ref)
{
  g_autoptr(GError) error = NULL;
  CurbOrderState state;

  g_assert_true (curb_store_get_order_state (store, ref, &state, &error));
  g_assert_no_error (error);
  return curb_order_state_to_string (state);
}

/* Brings an order just added to @state along legal events. */
static void
advance_to (CurbStore      *store,
            const char     *ref,
            CurbOrderState  state)
{
  static const CurbEventKind paths[CURB_ORDER_STATE_COUNT][3] = {
    [CURB_ORDER_STATE_PENDING] = { 0 },
    [CURB_ORDER_STATE_READY] = { CURB_EVENT_STAGED },
    [CURB_ORDER_STATE_ARRIVED] = { CURB_EVENT_ARRIVED },
    [CURB_ORDER_STATE_CLAIMED] = { CURB_EVENT_ARRIVED, CURB_EVENT_CLAIMED },
    [CURB_ORDER_STATE_HANDED_OVER] = { CURB_EVENT_ARRIVED, CURB_EVENT_CLAIMED, CURB_EVENT_HANDED_OVER },
    [CURB_ORDER_STATE_PARTIALLY_HANDED_OVER] = { CURB_EVENT_ARRIVED, CURB_EVENT_CLAIMED,
                                                 CURB_EVENT_PARTIALLY_HANDED_OVER },
    [CURB_ORDER_STATE_NO_SHOW] = { CURB_EVENT_NO_SHOW },
    [CURB_ORDER_STATE_CANCELLED] = { 0 },
  };
  static const guint lengths[CURB_ORDER_STATE_COUNT] = { 0, 1, 1, 2, 3, 3, 1, 0 };

  for (guint i = 0; i < lengths[state]; i++)
    append (store, paths[state][i], ref);
  if (state == CURB_ORDER_STATE_CANCELLED)
    {
      g_autoptr(JsonObject) cancelled = central_order (ref, 2, TRUE);

      upsert (store, cancelled, CURB_UPSERT_UPDATED);
    }
  g_assert_cmpstr (order_state (store, ref), ==, curb_order_state_to_string (state));
}

/* Brings a fresh order to @state along legal events. */
static void
drive_to (CurbStore      *store,
          const char     *ref,
          CurbOrderState  state)
{
  add_order (store, ref);
  advance_to (store, ref, state);
}

/* Columns of the every-transition table: each state, then pending and ready
 * taken on (claimed before the shopper arrived). */
#define N_COLUMNS (CURB_ORDER_STATE_COUNT + 2)

static CurbOrderState
column_state (guint column)
{
  if (column == CURB_ORDER_STATE_COUNT)
    return CURB_ORDER_STATE_PENDING;
  if (column == CURB_ORDER_STATE_COUNT + 1)
    return CURB_ORDER_STATE_READY;
  return column;
}

static void
append_with_data (CurbStore     *store,
                  CurbEventKind  kind,
                  const char    *ref,
                  const char    *data_json)
{
  g_autoptr(JsonObject) data = parse (data_json);
  g_autoptr(CurbEvent) event = curb_event_new (kind, ref, "kiosk-1", NULL, data);
  g_autoptr(GError) error = NULL;

  g_assert_true (curb_store_append_event (store, event, NULL, &error));
  g_assert_no_error (error);
}

static const char *
order_string (JsonObject *order,
              const char *member)
{
  return json_object_get_string_member_with_default (order, member, NULL);
}

/* Checked in on the scan (no bay), then the bay; or the shopper left the
 * kiosk without one; or "Not you? Start over" takes the arrival back and the
 * order is what it was (staged: ready), and only that arrival is sent on to
 * central besides the withdrawal: the bay stays in the store. */
static void
test_bay_after_arrival_and_withdrawal (Fixture       *fixture,
                                       gconstpointer  data)
{
  g_autoptr(JsonObject) order = NULL;
  guint depth;

  add_order (fixture->store, "BW1");
  append (fixture->store, CURB_EVENT_STAGED, "BW1");
  depth = curb_store_outbox_depth (fixture->store);
  append_with_data (fixture->store, CURB_EVENT_ARRIVED, "BW1", "{\"source\": \"scan\"}");
  order = curb_store_get_order (fixture->store, "BW1", NULL);
  g_assert_cmpstr (order_state (fixture->store, "BW1"), ==, "arrived");
  g_assert_null (order_string (order, "bay"));
  g_assert_false (json_object_get_boolean_member (order, "bay_skipped"));
  g_clear_pointer (&order, json_object_unref);

  append_with_data (fixture->store, CURB_EVENT_BAY_CHOSEN, "BW1", "{\"bay\": \"4\"}");
  order = curb_store_get_order (fixture->store, "BW1", NULL);
  g_assert_cmpstr (order_string (order, "bay"), ==, "4");
  g_assert_cmpstr (order_state (fixture->store, "BW1"), ==, "arrived");
  g_clear_pointer (&order, json_object_unref);

  append_with_data (fixture->store, CURB_EVENT_BAY_CHOSEN, "BW1", "{}");
  order = curb_store_get_order (fixture->store, "BW1", NULL);
  g_assert_null (order_string (order, "bay"));
  g_assert_true (json_object_get_boolean_member (order, "bay_skipped"));
  g_clear_pointer (&order, json_object_unref);

  append_with_data (fixture->store, CURB_EVENT_WITHDRAWN, "BW1", "{}");
  order = curb_store_get_order (fixture->store, "BW1", NULL);
  g_assert_cmpstr (order_state (fixture->store, "BW1"), ==, "ready");
  g_assert_null (order_string (order, "bay"));
  g_assert_null (order_string (order, "arrived_at"));
  g_assert_false (json_object_get_boolean_member (order, "bay_skipped"));
  g_assert_true (json_object_get_boolean_member (order, "staged"));
  g_clear_pointer (&order, json_object_unref);
  /* arrived and withdrawn go to central, the bays do not */
  g_assert_cmpuint (curb_store_outbox_depth (fixture->store), ==, depth + 2);

  add_order (fixture->store, "BW2");
  append_with_data (fixture->store, CURB_EVENT_ARRIVED, "BW2", "{\"bay\": \"2\"}");
  append_with_data (fixture->store, CURB_EVENT_WITHDRAWN, "BW2", "{}");
  g_assert_cmpstr (order_state (fixture->store, "BW2"), ==, "pending");
}

static void
test_every_transition (Fixture       *fixture,
                       gconstpointer  data)
{
  guint legal = 0;

  for (guint column = 0; column < N_COLUMNS; column++)
    for (guint kind = 0; kind < CURB_EVENT_KIND_COUNT; kind++)
      {
        g_autofree char *ref = g_strdup_printf ("T%u-%u", column, kind);
        g_autoptr(CurbEvent) event = make_event (kind, ref);
        g_autoptr(GError) error = NULL;
        g_autoptr(GError) expected = NULL;
        g_autofree char *before = NULL;
        CurbOrderState from = column_state (column);
        gboolean taken_on = column >= CURB_ORDER_STATE_COUNT;
        CurbOrderState to;
        gboolean ok;

        add_order_on_the_way (fixture->store, ref);
        advance_to (fixture->store, ref, from);
        if (taken_on)
          append (fixture->store, CURB_EVENT_CLAIMED, ref);
        g_assert_cmpstr (order_state (fixture->store, ref), ==, curb_order_state_to_string (from));
        before = snapshot (fixture->store, ref);
        ok = curb_store_append_event (fixture->store, event, NULL, &error);
        g_test_message ("%s on %s%s", curb_event_kind_to_string (kind), curb_order_state_to_string (from),
                        taken_on ? " (taken on)" : "");
        if (curb_state_apply_taken_on (from, taken_on, kind, &to, &expected))
          {
            g_assert_no_error (error);
            g_assert_true (ok);
            g_assert_cmpstr (order_state (fixture->store, ref), ==, curb_order_state_to_string (to));
            g_assert_cmpint (curb_event_get_seq (event), ==, curb_store_get_last_seq (fixture->store));
            legal++;
          }
        else
          {
            g_autofree char *after = snapshot (fixture->store, ref);

            g_assert_false (ok);
            g_assert_error (error, CURB_ERROR, expected->code);
            g_assert_cmpstr (before, ==, after);
            g_assert_cmpint (curb_event_get_seq (event), ==, 0);
          }
      }
  g_assert_cmpuint (legal, ==, 24 + 3 + 12);
}

static void
test_already_claimed_names_claimer (Fixture       *fixture,
                                    gconstpointer  data)
{
  g_autoptr(CurbEvent) again = make_event (CURB_EVENT_CLAIMED, "C1");
  g_autoptr(GError) error = NULL;

  drive_to (fixture->store, "C1", CURB_ORDER_STATE_CLAIMED);
  g_assert_false (curb_store_append_event (fixture->store, again, NULL, &error));
  g_assert_error (error, CURB_ERROR, CURB_ERROR_ALREADY_CLAIMED);
  g_assert_nonnull (strstr (error->message, "Alex"));
}

static CurbEvent *
claim_by (const char *ref,
          const char *staff_id,
          const char *name)
{
  g_autoptr(JsonObject) data = json_object_new ();

  json_object_set_string_member (data, "staff_name", name);
  json_object_set_int_member (data, "eta_s", 60);
  return curb_event_new (CURB_EVENT_CLAIMED, ref, "staging-2", staff_id, data);
}

static const char *
claimer_name (JsonObject *order)
{
  JsonObject *claimer = json_object_get_object_member (order, "claimed_by");

  return claimer != NULL ? json_object_get_string_member (claimer, "first_name") : NULL;
}

/* Staff take on an order whose shopper is on the way; the arrival finds it
 * claimed, and only the store's facts of a claim are there. */
static void
test_claim_before_arrival (Fixture       *fixture,
                           gconstpointer  data)
{
  g_autoptr(CurbEvent) early = make_event (CURB_EVENT_CLAIMED, "NA1");
  g_autoptr(CurbEvent) second = claim_by ("OW1", "st-9", "Bo");
  g_autoptr(CurbEvent) too_soon = make_event (CURB_EVENT_HANDED_OVER, "OW1");
  g_autoptr(JsonObject) order = NULL;
  g_autoptr(GError) error = NULL;

  add_order (fixture->store, "NA1");
  g_assert_false (curb_store_append_event (fixture->store, early, NULL, &error));
  g_assert_error (error, CURB_ERROR, CURB_ERROR_ILLEGAL_TRANSITION);
  g_clear_error (&error);

  add_order_on_the_way (fixture->store, "OW1");
  append (fixture->store, CURB_EVENT_CLAIMED, "OW1");
  order = curb_store_get_order (fixture->store, "OW1", NULL);
  g_assert_cmpstr (json_object_get_string_member (order, "state"), ==, "pending");
  g_assert_cmpstr (claimer_name (order), ==, "Alex");
  g_assert_null (json_object_get_string_member_with_default (order, "arrived_at", NULL));
  g_assert_false (curb_store_append_event (fixture->store, second, NULL, &error));
  g_assert_error (error, CURB_ERROR, CURB_ERROR_ALREADY_CLAIMED);
  g_assert_nonnull (strstr (error->message, "Alex"));
  g_clear_error (&error);
  g_assert_false (curb_store_append_event (fixture->store, too_soon, NULL, &error));
  g_assert_error (error, CURB_ERROR, CURB_ERROR_ILLEGAL_TRANSITION);
  g_clear_error (&error);

  append (fixture->store, CURB_EVENT_STAGED, "OW1");
  append (fixture->store, CURB_EVENT_ARRIVED, "OW1");
  g_clear_pointer (&order, json_object_unref);
  order = curb_store_get_order (fixture->store, "OW1", NULL);
  g_assert_cmpstr (json_object_get_string_member (order, "state"), ==, "claimed");
  g_assert_cmpstr (claimer_name (order), ==, "Alex");
  g_assert_cmpstr (json_object_get_string_member (order, "bay"), ==, "3");
  append (fixture->store, CURB_EVENT_HANDED_OVER, "OW1");
  g_assert_cmpstr (order_state (fixture->store, "OW1"), ==, "handed_over");
}

/* Released before the shopper came: back to nobody's, and the arrival rings. */
static void
test_release_before_arrival (Fixture       *fixture,
                             gconstpointer  data)
{
  g_autoptr(JsonObject) order = NULL;

  add_order_on_the_way (fixture->store, "OW2");
  append (fixture->store, CURB_EVENT_STAGED, "OW2");
  append (fixture->store, CURB_EVENT_CLAIMED, "OW2");
  append (fixture->store, CURB_EVENT_RELEASED, "OW2");
  order = curb_store_get_order (fixture->store, "OW2", NULL);
  g_assert_cmpstr (json_object_get_string_member (order, "state"), ==, "ready");
  g_assert_null (claimer_name (order));
  append (fixture->store, CURB_EVENT_ARRIVED, "OW2");
  g_assert_cmpstr (order_state (fixture->store, "OW2"), ==, "arrived");
}

static void
test_unknown_order_and_bad_refs (Fixture       *fixture,
                                 gconstpointer  data)
{
  g_autoptr(CurbEvent) unknown = make_event (CURB_EVENT_ARRIVED, "NOPE");
  g_autoptr(CurbEvent) bad_ref = make_event (CURB_EVENT_ARRIVED, "no'pe");
  g_autoptr(CurbEvent) bad_sub = make_event (CURB_EVENT_SUBSTITUTION_DECIDED, "R1");
  g_autoptr(CurbEvent) store_cancel = curb_event_new (CURB_EVENT_CANCELLED, "R1", "staging-1", "st-7", NULL);
  g_autoptr(GError) error = NULL;

  add_order (fixture->store, "R1");
  g_assert_false (curb_store_append_event (fixture->store, unknown, NULL, &error));
  g_assert_error (error, CURB_ERROR, CURB_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_false (curb_store_append_event (fixture->store, bad_ref, NULL, &error));
  g_assert_error (error, CURB_ERROR, CURB_ERROR_INVALID);
  g_clear_error (&error);
  json_object_set_string_member (curb_event_get_data (bad_sub), "substitution_id", "S99");
  g_assert_false (curb_store_append_event (fixture->store, bad_sub, NULL, &error));
  g_assert_error (error, CURB_ERROR, CURB_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (curb_store_append_event (fixture->store, store_cancel, NULL, &error));
  g_assert_error (error, CURB_ERROR, CURB_ERROR_FORBIDDEN);
  g_assert_cmpint (count_rows (fixture->store, "events"), ==, 0);
}

static void
test_partial_checks_lines (Fixture       *fixture,
                           gconstpointer  data)
{
  g_autoptr(CurbEvent) too_many = make_event (CURB_EVENT_PARTIALLY_HANDED_OVER, "P1");
  g_autoptr(CurbEvent) no_line = make_event (CURB_EVENT_PARTIALLY_HANDED_OVER, "P1");
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) order = NULL;

  drive_to (fixture->store, "P1", CURB_ORDER_STATE_CLAIMED);
  json_object_set_member (curb_event_get_data (too_many), "not_taken",
                          json_from_string ("[{\"line_id\": \"L1\", \"qty\": 3}]", NULL));
  g_assert_false (curb_store_append_event (fixture->store, too_many, NULL, &error));
  g_assert_error (error, CURB_ERROR, CURB_ERROR_INVALID);
  g_clear_error (&error);
  json_object_set_member (curb_event_get_data (no_line), "not_taken",
                          json_from_string ("[{\"line_id\": \"L9\", \"qty\": 1}]", NULL));
  g_assert_false (curb_store_append_event (fixture->store, no_line, NULL, &error));
  g_assert_error (error, CURB_ERROR, CURB_ERROR_INVALID);
  append (fixture->store, CURB_EVENT_PARTIALLY_HANDED_OVER, "P1");
  order = curb_store_get_order (fixture->store, "P1", NULL);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (order, "not_taken")), ==, 1);
}

static void
test_age_restricted_needs_id_check (Fixture       *fixture,
                                    gconstpointer  data)
{
  g_autoptr(JsonObject) order = central_order ("AGE1", 1, FALSE);
  g_autoptr(CurbEvent) unchecked = make_event (CURB_EVENT_HANDED_OVER, "AGE1");
  g_autoptr(GError) error = NULL;

  json_object_set_boolean_member (order, "age_restricted", TRUE);
  upsert (fixture->store, order, CURB_UPSERT_INSERTED);
  append (fixture->store, CURB_EVENT_ARRIVED, "AGE1");
  append (fixture->store, CURB_EVENT_CLAIMED, "AGE1");
  json_object_set_boolean_member (curb_event_get_data (unchecked), "id_checked", FALSE);
  g_assert_false (curb_store_append_event (fixture->store, unchecked, NULL, &error));
  g_assert_error (error, CURB_ERROR, CURB_ERROR_INVALID);
  g_assert_cmpstr (order_state (fixture->store, "AGE1"), ==, "claimed");
  append (fixture->store, CURB_EVENT_HANDED_OVER, "AGE1");
}

static void
test_derived_equals_replay (Fixture       *fixture,
                            gconstpointer  data)
{
  static const CurbEventKind story[] = {
    CURB_EVENT_SUBSTITUTION_DECIDED, CURB_EVENT_STAGED, CURB_EVENT_ARRIVED, CURB_EVENT_CLAIMED,
    CURB_EVENT_RELEASED, CURB_EVENT_CLAIMED, CURB_EVENT_STAGED, CURB_EVENT_HANDED_OVER,
  };
  g_autoptr(GPtrArray) events = NULL;
  g_autoptr(JsonObject) order = NULL;
  CurbOrderState replayed = CURB_ORDER_STATE_PENDING;
  gboolean staged = FALSE;
  const char *bay = NULL;
  gint64 last = 0;

  add_order (fixture->store, "RP1");
  add_order (fixture->store, "RP2");
  for (guint i = 0; i < G_N_ELEMENTS (story); i++)
    {
      append (fixture->store, story[i], "RP1");
      if (i % 3 == 0)
        append (fixture->store, CURB_EVENT_STAGED, "RP2");   /* interleaved noise */
    }
  events = curb_store_list_order_events (fixture->store, "RP1", NULL);
  g_assert_cmpuint (events->len, ==, G_N_ELEMENTS (story));
  for (guint i = 0; i < events->len; i++)
    {
      CurbEvent *event = g_ptr_array_index (events, i);

      g_assert_true (curb_state_apply (replayed, curb_event_get_kind (event), &replayed, NULL));
      staged |= curb_event_get_kind (event) == CURB_EVENT_STAGED;
      if (curb_event_get_kind (event) == CURB_EVENT_ARRIVED)
        bay = json_object_get_string_member (curb_event_get_data (event), "bay");
      g_assert_cmpint (curb_event_get_seq (event), >, last);
      last = curb_event_get_seq (event);
    }
  order = curb_store_get_order (fixture->store, "RP1", NULL);
  g_assert_cmpstr (json_object_get_string_member (order, "state"), ==, curb_order_state_to_string (replayed));
  g_assert_true (json_object_get_boolean_member (order, "staged") == staged);
  g_assert_cmpstr (json_object_get_string_member (order, "bay"), ==, bay);
  g_assert_cmpint (json_object_get_int_member (order, "last_seq"), ==, last);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (order, "claimed_by"),
                                                  "first_name"), ==, "Alex");
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (order, "bags"), "ambient"), ==, 2);
  g_assert_cmpstr (json_object_get_string_member (
      json_array_get_object_element (json_object_get_array_member (order, "substitutions"), 0), "status"),
      ==, "approved");
  g_assert_nonnull (json_object_get_string_member (order, "handed_over_at"));
  g_assert_nonnull (json_object_get_string_member (order, "arrived_at"));
}

static void
test_duplicate_event (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(CurbEvent) first = make_event (CURB_EVENT_ARRIVED, "D1");
  g_autoptr(CurbEvent) retry = make_event (CURB_EVENT_ARRIVED, "D1");
  g_autoptr(CurbEvent) other_kind = make_event (CURB_EVENT_CLAIMED, "D1");
  g_autoptr(CurbEvent) other_order = make_event (CURB_EVENT_ARRIVED, "D2");
  g_autoptr(CurbEvent) stored = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  gboolean duplicate = TRUE;

  add_order (fixture->store, "D1");
  add_order (fixture->store, "D2");
  g_assert_true (curb_store_append_event (fixture->store, first, &duplicate, &error));
  g_assert_false (duplicate);
  before = snapshot (fixture->store, "D1");
  /* a retry (same id, kind, order and device; later time): the stored event wins */
  curb_event_set_id (retry, curb_event_get_id (first));
  curb_event_set_at_ms (retry, curb_event_get_at_ms (first) + 5000);
  g_assert_true (curb_store_append_event (fixture->store, retry, &duplicate, &error));
  g_assert_no_error (error);
  g_assert_true (duplicate);
  g_assert_cmpint (curb_event_get_seq (retry), ==, curb_event_get_seq (first));
  /* the same id for another kind or order is no retry: a conflict */
  curb_event_set_id (other_kind, curb_event_get_id (first));
  g_assert_false (curb_store_append_event (fixture->store, other_kind, &duplicate, &error));
  g_assert_error (error, CURB_ERROR, CURB_ERROR_CONFLICT);
  g_clear_error (&error);
  curb_event_set_id (other_order, curb_event_get_id (first));
  g_assert_false (curb_store_append_event (fixture->store, other_order, &duplicate, &error));
  g_assert_error (error, CURB_ERROR, CURB_ERROR_CONFLICT);
  g_clear_error (&error);
  after = snapshot (fixture->store, "D1");
  g_assert_cmpstr (before, ==, after);
  stored = curb_store_get_event (fixture->store, curb_event_get_id (first), &error);
  g_assert_no_error (error);
  g_assert_cmpint (curb_event_get_kind (stored), ==, CURB_EVENT_ARRIVED);
  g_assert_cmpint (curb_event_get_at_ms (stored), ==, curb_event_get_at_ms (first));
}

static void
test_upsert_versions (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(JsonObject) v2 = central_order ("V1", 2, FALSE);
  g_autoptr(JsonObject) v1 = central_order ("V1", 1, FALSE);
  g_autoptr(JsonObject) v3 = central_order ("V1", 3, FALSE);
  g_autoptr(JsonObject) order = NULL;
  g_autoptr(JsonObject) invalid = parse ("{\"ref\": \"V1\", \"version\": \"9\", \"first_name\": \"X\"}");
  g_autoptr(GError) error = NULL;
  g_autofree char *token = NULL;

  json_object_set_string_member (v1, "first_name", "Old");
  json_object_set_string_member (v3, "first_name", "New");
  upsert (fixture->store, v2, CURB_UPSERT_INSERTED);
  upsert (fixture->store, v1, CURB_UPSERT_STALE);
  upsert (fixture->store, v2, CURB_UPSERT_STALE);
  order = curb_store_get_order (fixture->store, "V1", NULL);
  g_assert_cmpstr (json_object_get_string_member (order, "first_name"), ==, "Sam");
  g_assert_cmpint (json_object_get_int_member (order, "version"), ==, 2);
  g_clear_pointer (&order, json_object_unref);
  upsert (fixture->store, v3, CURB_UPSERT_UPDATED);
  order = curb_store_get_order (fixture->store, "V1", NULL);
  g_assert_cmpstr (json_object_get_string_member (order, "first_name"), ==, "New");
  /* the hub shape never carries what central keeps private */
  g_assert_false (json_object_has_member (order, "surname"));
  g_assert_false (json_object_has_member (order, "phone_last4"));
  g_assert_false (json_object_has_member (order, "token"));
  g_assert_cmpstr (json_object_get_string_member (order, "state"), ==, "pending");
  /* facts the store does not know yet are null, not absent */
  g_assert_true (json_object_get_null_member (order, "bay"));
  g_assert_true (json_object_get_null_member (order, "claimed_by"));
  g_assert_true (json_object_get_null_member (order, "arrived_at"));
  g_assert_false (json_object_get_boolean_member (order, "staged"));
  g_assert_cmpint (json_object_get_int_member (order, "last_seq"), ==, 0);
  token = curb_store_get_order_token (fixture->store, "V1", NULL);
  g_assert_cmpstr (token, ==, "TOKEN-V1");
  g_assert_false (curb_store_upsert_order (fixture->store, invalid, NULL, NULL, NULL, &error));
  g_assert_error (error, CURB_ERROR, CURB_ERROR_INVALID);
}

static void
test_upsert_page (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(JsonArray) page = json_array_new ();
  g_autoptr(GPtrArray) cancelled = NULL;
  g_autoptr(GPtrArray) alerts = NULL;
  g_autoptr(GPtrArray) rejected = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *bad;

  drive_to (fixture->store, "PA1", CURB_ORDER_STATE_ARRIVED);
  json_array_add_object_element (page, central_order ("PA1", 2, TRUE));      /* cancelled after arrival */
  json_array_add_object_element (page, central_order ("PA2", 1, FALSE));     /* new */
  json_array_add_object_element (page, central_order ("PA3", 1, TRUE));      /* new, already cancelled */
  bad = central_order ("PA4", 1, FALSE);
  json_object_set_string_member (bad, "version", "one");
  json_array_add_object_element (page, bad);                                 /* invalid */
  json_array_add_int_element (page, 42);                                     /* not an object */
  json_array_add_object_element (page, central_order ("PA2", 1, TRUE));      /* stale repeat */

  g_assert_true (curb_store_upsert_orders (fixture->store, page, &cancelled, &alerts, &rejected, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (cancelled->len, ==, 2);
  g_assert_cmpuint (alerts->len, ==, 1);
  g_assert_cmpstr (curb_event_get_order_ref (g_ptr_array_index (alerts, 0)), ==, "PA1");
  g_assert_cmpint (curb_event_get_seq (g_ptr_array_index (alerts, 0)), >, 0);
  g_assert_cmpuint (rejected->len, ==, 2);
  g_assert_nonnull (strstr (((GError *) g_ptr_array_index (rejected, 0))->message, "PA4"));
  g_assert_cmpstr (order_state (fixture->store, "PA1"), ==, "cancelled");
  g_assert_cmpstr (order_state (fixture->store, "PA2"), ==, "pending");
  g_assert_cmpstr (order_state (fixture->store, "PA3"), ==, "cancelled");
  g_assert_cmpint (count_rows (fixture->store, "orders"), ==, 3);
}

static void
test_upsert_initial_sync (Fixture       *fixture,
                          gconstpointer  data)
{
  gint64 start = g_get_monotonic_time ();
  g_autoptr(JsonArray) all = NULL;

  for (guint p = 0; p < 10; p++)
    {
      g_autoptr(JsonArray) page = json_array_new ();
      g_autoptr(GPtrArray) rejected = NULL;
      g_autoptr(GError) error = NULL;

      for (guint i = 0; i < 500; i++)
        {
          g_autofree char *ref = g_strdup_printf ("S%05u", p * 500 + i);

          json_array_add_object_element (page, central_order (ref, 1, FALSE));
        }
      g_assert_true (curb_store_upsert_orders (fixture->store, page, NULL, NULL, &rejected, &error));
      g_assert_no_error (error);
      g_assert_cmpuint (rejected->len, ==, 0);
    }
  g_test_message ("5000 orders in pages of 500: %.2f s", (g_get_monotonic_time () - start) / 1e6);
  all = curb_store_list_orders (fixture->store, CURB_ORDER_FILTER_ALL, NULL);
  g_assert_cmpuint (json_array_get_length (all), ==, 5000);
}

static void
cancel_from_central (Fixture    *fixture,
                     const char *ref,
                     gint64      version,
                     gboolean    expect_event,
                     gboolean    expect_alert)
{
  g_autoptr(JsonObject) order = central_order (ref, version, TRUE);
  g_autoptr(CurbEvent) cancelled = NULL;
  g_autoptr(GError) error = NULL;
  gboolean alert = !expect_alert;

  g_assert_true (curb_store_upsert_order (fixture->store, order, NULL, &cancelled, &alert, &error));
  g_assert_no_error (error);
  g_assert_true (alert == expect_alert);
  g_assert_true ((cancelled != NULL) == expect_event);
  if (cancelled != NULL)
    {
      g_assert_cmpint (curb_event_get_kind (cancelled), ==, CURB_EVENT_CANCELLED);
      g_assert_cmpstr (curb_event_get_device (cancelled), ==, "central");
      g_assert_cmpint (curb_event_get_seq (cancelled), ==, curb_store_get_last_seq (fixture->store));
    }
}

static void
test_cancellation (Fixture       *fixture,
                   gconstpointer  data)
{
  guint outbox;

  drive_to (fixture->store, "X1", CURB_ORDER_STATE_READY);
  drive_to (fixture->store, "X2", CURB_ORDER_STATE_ARRIVED);
  drive_to (fixture->store, "X3", CURB_ORDER_STATE_CLAIMED);
  drive_to (fixture->store, "X4", CURB_ORDER_STATE_HANDED_OVER);
  outbox = curb_store_outbox_depth (fixture->store);
  cancel_from_central (fixture, "X1", 5, TRUE, FALSE);
  cancel_from_central (fixture, "X2", 5, TRUE, TRUE);
  cancel_from_central (fixture, "X3", 5, TRUE, TRUE);
  cancel_from_central (fixture, "X4", 5, FALSE, FALSE);
  cancel_from_central (fixture, "X3", 6, FALSE, FALSE);   /* already cancelled */
  g_assert_cmpstr (order_state (fixture->store, "X2"), ==, "cancelled");
  g_assert_cmpstr (order_state (fixture->store, "X3"), ==, "cancelled");
  g_assert_cmpstr (order_state (fixture->store, "X4"), ==, "handed_over");
  /* cancelled is central's fact: nothing to push back */
  g_assert_cmpuint (curb_store_outbox_depth (fixture->store), ==, outbox);
  append (fixture->store, CURB_EVENT_RETURNED_TO_STOCK, "X3");
  cancel_from_central (fixture, "X5", 1, TRUE, FALSE);   /* first seen already cancelled */
}

static void
test_lookup (Fixture       *fixture,
             gconstpointer  data)
{
  static const char * const matches[] = { "Núñez-Rivera", "nunez rivera", "NUNEZRIVERA", "0142", " 0142 " };
  static const char * const misses[][2] = {
    { "L1", "Rivera" }, { "L1", "0143" }, { "L2", "nunezrivera" }, { "L1", "" }, { "L1", NULL },
    { "", "nunezrivera" }, { "L1' OR '1'='1", "x' OR '1'='1" }, { NULL, "0142" },
  };
  g_autofree char *message = NULL;

  add_order (fixture->store, "L1");
  for (guint i = 0; i < G_N_ELEMENTS (matches); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonObject) order = curb_store_lookup (fixture->store, i % 2 ? "l1" : "L1", matches[i], &error);

      g_assert_no_error (error);
      g_assert_cmpstr (json_object_get_string_member (order, "ref"), ==, "L1");
      g_assert_false (json_object_has_member (order, "surname"));
    }
  for (guint i = 0; i < G_N_ELEMENTS (misses); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonObject) order = curb_store_lookup (fixture->store, misses[i][0], misses[i][1], &error);

      g_assert_null (order);
      g_assert_error (error, CURB_ERROR, CURB_ERROR_NOT_FOUND);
      if (message == NULL)
        message = g_strdup (error->message);
      g_assert_cmpstr (error->message, ==, message);   /* no oracle */
    }
}

static void
test_hostile_names_verbatim (Fixture       *fixture,
                             gconstpointer  data)
{
  static const char name[] = "<b>Sam</b> <span foreground=\"red\">&amp;</span>'); DROP TABLE orders;--";
  static const char surname[] = "O'Brien\"; DELETE FROM events; --";
  g_autoptr(JsonObject) order = central_order ("H1", 1, FALSE);
  g_autoptr(JsonObject) back = NULL;
  g_autoptr(JsonObject) found = NULL;
  g_autoptr(GError) error = NULL;

  json_object_set_string_member (order, "first_name", name);
  json_object_set_string_member (order, "surname", surname);
  json_object_set_string_member (json_object_get_object_member (order, "alternate_pickup"), "first_name", name);
  upsert (fixture->store, order, CURB_UPSERT_INSERTED);
  back = curb_store_get_order (fixture->store, "H1", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (json_object_get_string_member (back, "first_name"), ==, name);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (back, "alternate_pickup"),
                                                  "first_name"), ==, name);
  found = curb_store_lookup (fixture->store, "H1", surname, &error);
  g_assert_no_error (error);
  g_assert_nonnull (found);
  g_assert_cmpint (count_rows (fixture->store, "orders"), ==, 1);
}

static void
test_list_orders (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(JsonArray) active = NULL;
  g_autoptr(JsonArray) all = NULL;
  g_autoptr(JsonArray) today = NULL;

  drive_to (fixture->store, "LA", CURB_ORDER_STATE_ARRIVED);
  drive_to (fixture->store, "LB", CURB_ORDER_STATE_NO_SHOW);
  drive_to (fixture->store, "LC", CURB_ORDER_STATE_PENDING);
  active = curb_store_list_orders (fixture->store, CURB_ORDER_FILTER_ACTIVE, NULL);
  all = curb_store_list_orders (fixture->store, CURB_ORDER_FILTER_ALL, NULL);
  today = curb_store_list_orders (fixture->store, CURB_ORDER_FILTER_TODAY, NULL);
  g_assert_cmpuint (json_array_get_length (active), ==, 2);
  g_assert_cmpuint (json_array_get_length (all), ==, 3);
  g_assert_cmpuint (json_array_get_length (today), ==, 3);   /* LB changed today */
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (active, 0), "ref"), ==, "LA");
}

static void
test_outbox (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr(GPtrArray) due = NULL;
  g_autoptr(GPtrArray) later = NULL;
  g_autoptr(GError) error = NULL;
  gint64 now = curb_now_ms ();
  gint64 s1, s2, s3;

  add_order (fixture->store, "OB1");
  s1 = append (fixture->store, CURB_EVENT_STAGED, "OB1");
  s2 = append (fixture->store, CURB_EVENT_ARRIVED, "OB1");
  s3 = append (fixture->store, CURB_EVENT_CLAIMED, "OB1");
  g_assert_cmpuint (curb_store_outbox_depth (fixture->store), ==, 3);
  due = curb_store_outbox_peek (fixture->store, 10, now, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (due->len, ==, 3);
  g_assert_cmpint (curb_event_get_seq (g_ptr_array_index (due, 0)), ==, s1);
  g_assert_cmpint (curb_event_get_seq (g_ptr_array_index (due, 2)), ==, s3);
  g_clear_pointer (&due, g_ptr_array_unref);

  due = curb_store_outbox_peek (fixture->store, 1, now, NULL);
  g_assert_true (curb_store_outbox_defer (fixture->store, curb_event_get_id (g_ptr_array_index (due, 0)),
                                          now + 60000, "HTTP 503", &error));
  g_assert_no_error (error);
  g_clear_pointer (&due, g_ptr_array_unref);
  due = curb_store_outbox_peek (fixture->store, 10, now, NULL);
  g_assert_cmpuint (due->len, ==, 2);
  g_assert_cmpint (curb_event_get_seq (g_ptr_array_index (due, 0)), ==, s2);
  later = curb_store_outbox_peek (fixture->store, 10, now + 60000, NULL);
  g_assert_cmpuint (later->len, ==, 3);
  g_assert_cmpuint (curb_store_outbox_get_attempts (fixture->store, curb_event_get_id (g_ptr_array_index (later, 0))), ==, 1);

  g_assert_true (curb_store_outbox_ack (fixture->store, curb_event_get_id (g_ptr_array_index (due, 0)), &error));
  g_assert_true (curb_store_outbox_ack (fixture->store, curb_event_get_id (g_ptr_array_index (due, 0)), &error));
  g_assert_true (curb_store_outbox_ack (fixture->store, "never-existed", &error));
  g_assert_no_error (error);
  g_assert_cmpuint (curb_store_outbox_depth (fixture->store), ==, 2);
  /* acking leaves the event log alone */
  g_assert_cmpint (count_rows (fixture->store, "events"), ==, 3);
}

static void
test_events_since (Fixture       *fixture,
                            gconstpointer  data)
{
  g_autoptr(GPtrArray) since = NULL;
  g_autoptr(GPtrArray) page = NULL;

  add_order (fixture->store, "ES1");
  for (guint i = 0; i < 5; i++)
    append (fixture->store, CURB_EVENT_SUBSTITUTION_DECIDED, "ES1");
  since = curb_store_list_events_since (fixture->store, 0, 100, NULL);
  g_assert_cmpuint (since->len, ==, 5);
  page = curb_store_list_events_since (fixture->store, curb_event_get_seq (g_ptr_array_index (since, 1)), 2, NULL);
  g_assert_cmpuint (page->len, ==, 2);
  g_assert_cmpint (curb_event_get_seq (g_ptr_array_index (page, 0)), ==,
                   curb_event_get_seq (g_ptr_array_index (since, 2)));
  g_assert_cmpint (curb_store_get_last_seq (fixture->store), ==,
                   curb_event_get_seq (g_ptr_array_index (since, 4)));
}

static void
test_meta (Fixture       *fixture,
           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *missing = curb_store_get_meta (fixture->store, "sync.cursor", &error);
  g_autofree char *value = NULL;
  g_autofree char *key = NULL;

  g_assert_no_error (error);
  g_assert_null (missing);
  g_assert_true (curb_store_set_meta (fixture->store, "sync.cursor", "c-1", &error));
  g_assert_true (curb_store_set_meta (fixture->store, "sync.cursor", "c-2", &error));
  value = curb_store_get_meta (fixture->store, "sync.cursor", &error);
  g_assert_cmpstr (value, ==, "c-2");
  g_assert_false (curb_store_set_meta (fixture->store, "store.lookup_key", "00", &error));
  g_assert_error (error, CURB_ERROR, CURB_ERROR_FORBIDDEN);
  g_clear_error (&error);
  key = curb_store_get_meta (fixture->store, "store.lookup_key", &error);
  g_assert_null (key);
  g_assert_error (error, CURB_ERROR, CURB_ERROR_FORBIDDEN);
}

static char *
array_to_string (JsonArray *array)
{
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_ARRAY);

  json_node_set_array (node, array);
  return json_to_string (node, FALSE);
}

static void
test_enrollment (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *code = curb_store_create_enrollment_code (fixture->store, CURB_DEVICE_ROLE_KIOSK, 60000, &error);
  g_autofree char *lower = NULL;
  g_autofree char *typed = NULL;
  g_autofree char *listing = NULL;
  g_autofree char *device_id = NULL;
  g_autofree char *credential = NULL;
  g_autofree char *again_id = NULL;
  g_autofree char *again_credential = NULL;
  g_autofree char *authenticated = NULL;
  g_autoptr(JsonArray) devices = NULL;
  g_autoptr(JsonObject) status = parse ("{\"camera\": \"ok\", \"printer\": \"paper_low\"}");
  CurbDeviceRole role = CURB_DEVICE_ROLE_ADMIN;

  g_assert_no_error (error);
  g_assert_cmpuint (strlen (code), ==, 8);
  g_assert_null (strpbrk (code, "01OI"));
  lower = g_ascii_strdown (code, -1);
  typed = g_strdup_printf (" %.4s-%s ", lower, lower + 4);
  g_assert_true (curb_store_enroll_device (fixture->store, typed, "Kiosk by the door", &device_id, &credential,
                                           &role, &error));
  g_assert_no_error (error);
  g_assert_cmpint (role, ==, CURB_DEVICE_ROLE_KIOSK);
  g_assert_true (g_str_has_prefix (device_id, "kiosk-"));
  g_assert_cmpuint (strlen (credential), >=, 32);

  /* single use */
  g_assert_false (curb_store_enroll_device (fixture->store, code, "Another", &again_id, &again_credential,
                                            NULL, &error));
  g_assert_error (error, CURB_ERROR, CURB_ERROR_UNAUTHORIZED);
  g_clear_error (&error);

  g_assert_true (curb_store_authenticate_device (fixture->store, credential, &authenticated, &role, &error));
  g_assert_cmpstr (authenticated, ==, device_id);
  g_assert_true (curb_store_record_heartbeat (fixture->store, device_id, status, &error));
  g_assert_no_error (error);
  devices = curb_store_list_devices (fixture->store, &error);
  g_assert_cmpuint (json_array_get_length (devices), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (
      json_array_get_object_element (devices, 0), "status"), "printer"), ==, "paper_low");
  g_assert_true (json_object_has_member (json_array_get_object_element (devices, 0), "last_seen"));
  listing = array_to_string (devices);
  g_assert_null (strstr (listing, credential));

  g_assert_true (curb_store_revoke_device (fixture->store, device_id, &error));
  g_assert_false (curb_store_authenticate_device (fixture->store, credential, NULL, NULL, &error));
  g_assert_error (error, CURB_ERROR, CURB_ERROR_UNAUTHORIZED);
  g_clear_error (&error);
  g_assert_false (curb_store_record_heartbeat (fixture->store, device_id, status, &error));
  g_assert_error (error, CURB_ERROR, CURB_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_false (curb_store_authenticate_device (fixture->store, "", NULL, NULL, &error));
  g_assert_error (error, CURB_ERROR, CURB_ERROR_UNAUTHORIZED);
}

static void
test_enrollment_expiry (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *code = curb_store_create_enrollment_code (fixture->store, CURB_DEVICE_ROLE_STAGING, 1, &error);
  g_autofree char *device_id = NULL;
  g_autofree char *credential = NULL;

  g_usleep (5000);
  g_assert_false (curb_store_enroll_device (fixture->store, code, "Late", &device_id, &credential, NULL, &error));
  g_assert_error (error, CURB_ERROR, CURB_ERROR_UNAUTHORIZED);
  g_clear_error (&error);
  g_assert_false (curb_store_enroll_device (fixture->store, "ZZZZZZZZ", "Guess", &device_id, &credential, NULL, &error));
  g_assert_error (error, CURB_ERROR, CURB_ERROR_UNAUTHORIZED);
  g_clear_error (&error);
  g_assert_false (curb_store_enroll_device (fixture->store, "short", "Guess", &device_id, &credential, NULL, &error));
  g_assert_error (error, CURB_ERROR, CURB_ERROR_UNAUTHORIZED);
  g_assert_null (device_id);
  g_assert_cmpint (count_rows (fixture->store, "devices"), ==, 0);
}

static void
test_staff (Fixture       *fixture,
            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) staff = NULL;
  g_autoptr(JsonObject) by_badge = NULL;
  g_autoptr(JsonObject) wrong = NULL;
  g_autoptr(JsonArray) everyone = NULL;

  g_assert_true (curb_store_add_staff (fixture->store, "st-7", "Alex", CURB_STAFF_ROLE_STAFF, "2468", "BADGE-77",
                                       &error));
  g_assert_no_error (error);
  staff = curb_store_verify_staff (fixture->store, "st-7", "2468", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (json_object_get_string_member (staff, "first_name"), ==, "Alex");
  g_assert_cmpstr (json_object_get_string_member (staff, "role"), ==, "staff");
  wrong = curb_store_verify_staff (fixture->store, "st-7", "2469", &error);
  g_assert_null (wrong);
  g_assert_error (error, CURB_ERROR, CURB_ERROR_UNAUTHORIZED);
  g_clear_error (&error);
  g_assert_null (curb_store_verify_staff (fixture->store, "st-nobody", "2468", &error));
  g_assert_error (error, CURB_ERROR, CURB_ERROR_UNAUTHORIZED);
  g_clear_error (&error);
  by_badge = curb_store_verify_badge (fixture->store, "BADGE-77", &error);
  g_assert_cmpstr (json_object_get_string_member (by_badge, "id"), ==, "st-7");
  g_assert_false (curb_store_add_staff (fixture->store, "st-8", "Kim", CURB_STAFF_ROLE_MANAGER, "1357", "BADGE-77",
                                        &error));
  g_assert_error (error, CURB_ERROR, CURB_ERROR_CONFLICT);
  g_clear_error (&error);
  g_assert_false (curb_store_add_staff (fixture->store, "st-8", "Kim", CURB_STAFF_ROLE_MANAGER, "12ab", NULL, &error));
  g_assert_error (error, CURB_ERROR, CURB_ERROR_INVALID);
  g_clear_error (&error);
  everyone = curb_store_list_staff (fixture->store, &error);
  g_assert_cmpuint (json_array_get_length (everyone), ==, 1);
  g_assert_true (curb_store_remove_staff (fixture->store, "st-7", &error));
  g_assert_null (curb_store_verify_badge (fixture->store, "BADGE-77", &error));
  g_assert_error (error, CURB_ERROR, CURB_ERROR_UNAUTHORIZED);
  g_clear_error (&error);
  g_assert_false (curb_store_remove_staff (fixture->store, "st-7", &error));
  g_assert_error (error, CURB_ERROR, CURB_ERROR_NOT_FOUND);
}

static void
test_audit_and_append_only (Fixture       *fixture,
                            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) detail = parse ("{\"reason\": \"customer asked\"}");
  g_autoptr(JsonArray) entries = NULL;
  sqlite3 *db = curb_store_get_db (fixture->store);

  add_order (fixture->store, "AU1");
  append (fixture->store, CURB_EVENT_ARRIVED, "AU1");
  g_assert_true (curb_store_audit (fixture->store, "staging-1", "st-7", "no_show", "AU1", detail, &error));
  g_assert_true (curb_store_audit (fixture->store, "admin-1", NULL, "device_revoked", NULL, NULL, &error));
  g_assert_no_error (error);
  entries = curb_store_list_audit (fixture->store, 0, 10, &error);
  g_assert_cmpuint (json_array_get_length (entries), ==, 2);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (entries, 0), "staff"), ==, "st-7");
  g_assert_false (json_object_has_member (json_array_get_object_element (entries, 1), "staff"));
  g_assert_cmpint (sqlite3_exec (db, "UPDATE events SET kind = 'no_show'", NULL, NULL, NULL), !=, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "DELETE FROM events", NULL, NULL, NULL), !=, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "DELETE FROM audit_log", NULL, NULL, NULL), !=, SQLITE_OK);
  g_assert_cmpint (count_rows (fixture->store, "events"), ==, 1);
  g_assert_cmpint (count_rows (fixture->store, "audit_log"), ==, 2);
}

static void
test_purge_personal (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) done = NULL;
  g_autoptr(JsonObject) active = NULL;
  g_autoptr(JsonObject) found = NULL;
  g_autofree char *token = NULL;
  guint purged = 99;

  drive_to (fixture->store, "PG1", CURB_ORDER_STATE_HANDED_OVER);
  drive_to (fixture->store, "PG2", CURB_ORDER_STATE_ARRIVED);
  g_assert_true (curb_store_purge_personal (fixture->store, 3600 * 1000, &purged, &error));
  g_assert_cmpuint (purged, ==, 0);   /* still inside the retention window */
  g_usleep (2000);
  g_assert_true (curb_store_purge_personal (fixture->store, 1, &purged, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (purged, ==, 1);
  done = curb_store_get_order (fixture->store, "PG1", NULL);
  g_assert_cmpstr (json_object_get_string_member (done, "first_name"), ==, "");
  g_assert_cmpstr (json_object_get_string_member (done, "last_initial"), ==, "");
  g_assert_true (json_object_get_null_member (done, "alternate_pickup"));
  g_assert_cmpstr (json_object_get_string_member (done, "state"), ==, "handed_over");
  g_assert_null (curb_store_lookup (fixture->store, "PG1", "0142", &error));
  g_clear_error (&error);
  token = curb_store_get_order_token (fixture->store, "PG1", &error);
  g_assert_null (token);
  active = curb_store_get_order (fixture->store, "PG2", NULL);
  g_assert_cmpstr (json_object_get_string_member (active, "first_name"), ==, "Sam");
  found = curb_store_lookup (fixture->store, "PG2", "0142", &error);
  g_assert_nonnull (found);
  g_assert_true (curb_store_purge_personal (fixture->store, 1, &purged, &error));
  g_assert_cmpuint (purged, ==, 0);
  /* central sending the names again after a purge: purged again next time */
  {
    g_autoptr(JsonObject) resent = central_order ("PG1", 9, FALSE);
    g_autoptr(JsonObject) again = NULL;

    upsert (fixture->store, resent, CURB_UPSERT_UPDATED);
    g_assert_true (curb_store_purge_personal (fixture->store, 1, &purged, &error));
    g_assert_cmpuint (purged, ==, 1);
    again = curb_store_get_order (fixture->store, "PG1", NULL);
    g_assert_cmpstr (json_object_get_string_member (again, "first_name"), ==, "");
  }
}

static void
test_append_batch (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(GPtrArray) events = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GError) error = NULL;
  GError *errors[6] = { NULL };
  gboolean duplicates[6] = { FALSE };
  CurbEvent *retry;

  add_order (fixture->store, "BA1");
  add_order (fixture->store, "BA2");
  g_ptr_array_add (events, make_event (CURB_EVENT_ARRIVED, "BA1"));     /* ok */
  g_ptr_array_add (events, make_event (CURB_EVENT_ARRIVED, "BA1"));     /* already arrived */
  g_ptr_array_add (events, make_event (CURB_EVENT_CLAIMED, "BA1"));     /* ok, sees the first */
  g_ptr_array_add (events, make_event (CURB_EVENT_ARRIVED, "NOPE"));    /* unknown order */
  retry = make_event (CURB_EVENT_ARRIVED, "BA1");
  curb_event_set_id (retry, curb_event_get_id (g_ptr_array_index (events, 0)));
  g_ptr_array_add (events, retry);                                      /* a retry: duplicate */
  g_ptr_array_add (events, make_event (CURB_EVENT_STAGED, "BA2"));      /* ok */

  g_assert_true (curb_store_append_events (fixture->store, events, duplicates, errors, &error));
  g_assert_no_error (error);
  g_assert_no_error (errors[0]);
  g_assert_error (errors[1], CURB_ERROR, CURB_ERROR_ALREADY_ARRIVED);
  g_assert_no_error (errors[2]);
  g_assert_error (errors[3], CURB_ERROR, CURB_ERROR_NOT_FOUND);
  g_assert_no_error (errors[4]);
  g_assert_true (duplicates[4]);
  g_assert_false (duplicates[0]);
  g_assert_cmpint (curb_event_get_seq (retry), ==, curb_event_get_seq (g_ptr_array_index (events, 0)));
  g_assert_cmpint (curb_event_get_seq (g_ptr_array_index (events, 1)), ==, 0);
  g_assert_cmpint (curb_event_get_seq (g_ptr_array_index (events, 5)), ==, curb_store_get_last_seq (fixture->store));
  g_assert_cmpstr (order_state (fixture->store, "BA1"), ==, "claimed");
  g_assert_cmpstr (order_state (fixture->store, "BA2"), ==, "ready");
  g_assert_cmpint (count_rows (fixture->store, "events"), ==, 3);
  g_assert_cmpuint (curb_store_outbox_depth (fixture->store), ==, 3);
  for (guint i = 0; i < G_N_ELEMENTS (errors); i++)
    g_clear_error (&errors[i]);
}

typedef struct
{
  const char    *path;
  volatile gint  stop;
  guint          written;
} Writer;

static gpointer
writer_thread (gpointer data)
{
  Writer *writer = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(CurbStore) other = curb_store_open (writer->path, &error);

  g_assert_no_error (error);
  while (!g_atomic_int_get (&writer->stop) || writer->written < 20)
    {
      append (other, CURB_EVENT_SUBSTITUTION_DECIDED, "BK1");
      writer->written++;
    }
  return NULL;
}

static void
assert_events_prefix (CurbStore *copy,
                      CurbStore *live)
{
  g_autoptr(GPtrArray) copied = curb_store_list_events_since (copy, 0, G_MAXINT, NULL);
  g_autoptr(GPtrArray) original = curb_store_list_events_since (live, 0, G_MAXINT, NULL);
  g_autoptr(JsonObject) order = curb_store_get_order (copy, "BK1", NULL);

  g_assert_cmpuint (copied->len, >, 0);
  g_assert_cmpuint (copied->len, <=, original->len);
  for (guint i = 0; i < copied->len; i++)
    {
      g_assert_cmpstr (curb_event_get_id (g_ptr_array_index (copied, i)), ==,
                       curb_event_get_id (g_ptr_array_index (original, i)));
      g_assert_cmpint (curb_event_get_seq (g_ptr_array_index (copied, i)), ==,
                       curb_event_get_seq (g_ptr_array_index (original, i)));
    }
  /* a consistent snapshot: the derived row matches the copied log */
  g_assert_cmpint (json_object_get_int_member (order, "last_seq"), ==,
                   curb_event_get_seq (g_ptr_array_index (copied, copied->len - 1)));
  g_assert_cmpint (curb_store_outbox_depth (copy), ==, copied->len);
}

static void
test_backup_while_writing (Fixture       *fixture,
                           gconstpointer  data)
{
  g_autofree char *dest = g_build_filename (fixture->dir, "backup.db", NULL);
  g_autofree char *dest2 = g_build_filename (fixture->dir, "backup2.db", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(CurbStore) copy = NULL;
  g_autoptr(CurbStore) quiet_copy = NULL;
  Writer writer = { fixture->path, 0, 0 };
  GThread *thread;

  add_order (fixture->store, "BK1");
  append (fixture->store, CURB_EVENT_ARRIVED, "BK1");
  thread = g_thread_new ("writer", writer_thread, &writer);
  while (g_atomic_int_get (&writer.stop) == 0 && writer.written < 5)
    g_usleep (1000);
  g_assert_true (curb_store_backup (fixture->store, dest, &error));
  g_assert_no_error (error);
  g_atomic_int_set (&writer.stop, 1);
  g_thread_join (thread);

  copy = curb_store_open (dest, &error);
  g_assert_no_error (error);
  g_assert_true (curb_store_integrity_check (copy, &error));
  g_assert_no_error (error);
  assert_events_prefix (copy, fixture->store);

  /* with nobody writing, the copy has exactly the same rows */
  g_assert_true (curb_store_backup (fixture->store, dest2, &error));
  quiet_copy = curb_store_open (dest2, &error);
  g_assert_no_error (error);
  g_assert_cmpint (curb_store_get_last_seq (quiet_copy), ==, curb_store_get_last_seq (fixture->store));
  g_assert_cmpint (count_rows (quiet_copy, "events"), ==, count_rows (fixture->store, "events"));
  g_assert_cmpint (count_rows (quiet_copy, "orders"), ==, count_rows (fixture->store, "orders"));
  g_assert_cmpint (count_rows (quiet_copy, "meta"), ==, count_rows (fixture->store, "meta"));
  /* the copy does not carry the store's key: its lookup hashes are no use alone */
  g_assert_null (curb_store_lookup (quiet_copy, "BK1", "0142", NULL));
  /* restored over the live database it takes that one's key, and works */
  {
    g_autoptr(CurbStore) restored = NULL;
    g_autoptr(JsonObject) found = NULL;
    gboolean kept = FALSE;

    g_assert_true (curb_store_restore (dest, fixture->path, &kept, &error));
    g_assert_no_error (error);
    g_assert_true (kept);
    restored = curb_store_open (fixture->path, &error);
    g_assert_no_error (error);
    found = curb_store_lookup (restored, "BK1", "0142", &error);
    g_assert_no_error (error);
    g_assert_nonnull (found);
  }
}

static void
set_max_pages_to_current (CurbStore *store)
{
  g_autofree char *sql = NULL;
  sqlite3_stmt *stmt = NULL;
  sqlite3 *db = curb_store_get_db (store);

  g_assert_cmpint (sqlite3_prepare_v2 (db, "PRAGMA page_count", -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  sql = g_strdup_printf ("PRAGMA max_page_count = %d", sqlite3_column_int (stmt, 0));
  sqlite3_finalize (stmt);
  g_assert_cmpint (sqlite3_exec (db, sql, NULL, NULL, NULL), ==, SQLITE_OK);
}

static void
test_disk_full (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  guint appended = 0;

  add_order (fixture->store, "DF1");
  append (fixture->store, CURB_EVENT_ARRIVED, "DF1");
  set_max_pages_to_current (fixture->store);
  for (;;)
    {
      g_autoptr(CurbEvent) event = make_event (CURB_EVENT_SUBSTITUTION_DECIDED, "DF1");

      g_free (before);
      before = snapshot (fixture->store, "DF1");
      if (!curb_store_append_event (fixture->store, event, NULL, &error))
        break;
      g_assert_cmpuint (++appended, <, 10000);
    }
  g_assert_error (error, CURB_ERROR, CURB_ERROR_DISK_FULL);
  after = snapshot (fixture->store, "DF1");
  g_assert_cmpstr (before, ==, after);   /* nothing half-written */
  g_clear_error (&error);
  {
    g_autoptr(JsonObject) order = central_order ("DF2", 1, FALSE);

    g_autofree char *pad = g_strnfill (190, 'x');
    JsonArray *lines = json_array_new ();

    /* the store keeps what the codec reads: a long order is long lines */
    for (guint i = 0; i < 40; i++)
      {
        JsonObject *line = json_object_new ();
        g_autofree char *id = g_strdup_printf ("L%u", i);

        json_object_set_string_member (line, "id", id);
        json_object_set_string_member (line, "name", pad);
        json_object_set_int_member (line, "qty", 1);
        json_array_add_object_element (lines, line);
      }
    json_object_set_array_member (order, "lines", lines);
    g_assert_false (curb_store_upsert_order (fixture->store, order, NULL, NULL, NULL, &error));
    g_assert_error (error, CURB_ERROR, CURB_ERROR_DISK_FULL);
  }
  g_clear_error (&error);
  {
    g_autoptr(GPtrArray) batch = g_ptr_array_new_with_free_func (g_object_unref);
    GError *errors[50] = { NULL };

    for (guint i = 0; i < G_N_ELEMENTS (errors); i++)
      g_ptr_array_add (batch, make_event (CURB_EVENT_SUBSTITUTION_DECIDED, "DF1"));
    g_assert_false (curb_store_append_events (fixture->store, batch, NULL, errors, &error));
    g_assert_error (error, CURB_ERROR, CURB_ERROR_DISK_FULL);
    for (guint i = 0; i < G_N_ELEMENTS (errors); i++)
      {
        g_assert_null (errors[i]);
        g_assert_cmpint (curb_event_get_seq (g_ptr_array_index (batch, i)), ==, 0);
      }
    g_free (after);
    after = snapshot (fixture->store, "DF1");
    g_assert_cmpstr (before, ==, after);
  }
  g_assert_true (curb_store_integrity_check (fixture->store, NULL));
  g_assert_cmpint (count_rows (fixture->store, "orders"), ==, 1);
}

/* A child process appends check-ins and reports each acknowledged seq on a
 * pipe; it is killed with SIGKILL mid-burst. Every acknowledged check-in
 * must be there after reopening, none twice, and the file must be sound. */
static void
child_burst (const char *path,
             int         report_fd)
{
  g_autoptr(CurbStore) store = curb_store_open (path, NULL);

  for (guint i = 0; store != NULL; i++)
    {
      g_autofree char *ref = g_strdup_printf ("K%u", i);
      g_autoptr(JsonObject) order = central_order (ref, 1, FALSE);
      g_autoptr(CurbEvent) event = make_event (CURB_EVENT_ARRIVED, ref);
      char line[64];
      int len;

      if (!curb_store_upsert_order (store, order, NULL, NULL, NULL, NULL)
          || !curb_store_append_event (store, event, NULL, NULL))
        break;
      len = g_snprintf (line, sizeof line, "%s\n", curb_event_get_id (event));
      if (write (report_fd, line, len) != len)
        break;
    }
  _exit (1);
}

static void
test_kill_9 (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr(GString) acknowledged = g_string_new (NULL);
  g_auto(GStrv) ids = NULL;
  g_autoptr(GError) error = NULL;
  int fds[2];
  pid_t pid;
  char buffer[4096];
  ssize_t n;
  guint found = 0;
  gint64 events, orders;

  g_assert_finalize_object (fixture->store);
  g_assert_cmpint (pipe (fds), ==, 0);
  pid = fork ();
  g_assert_cmpint (pid, >=, 0);
  if (pid == 0)
    {
      close (fds[0]);
      child_burst (fixture->path, fds[1]);
    }
  close (fds[1]);
  while ((ids == NULL || g_strv_length (ids) < 30) && (n = read (fds[0], buffer, sizeof buffer)) > 0)
    {
      g_string_append_len (acknowledged, buffer, n);
      g_strfreev (ids);
      ids = g_strsplit (acknowledged->str, "\n", -1);
    }
  kill (pid, SIGKILL);
  waitpid (pid, NULL, 0);
  close (fds[0]);

  fixture->store = curb_store_open (fixture->path, &error);
  g_assert_no_error (error);
  g_assert_true (curb_store_integrity_check (fixture->store, &error));
  for (guint i = 0; ids[i] != NULL; i++)
    {
      g_autoptr(CurbEvent) event = NULL;

      if (ids[i][0] == '\0' || ids[i + 1] == NULL)
        continue;   /* the last, possibly torn line */
      event = curb_store_get_event (fixture->store, ids[i], &error);
      g_assert_no_error (error);
      g_assert_cmpstr (order_state (fixture->store, curb_event_get_order_ref (event)), ==, "arrived");
      found++;
    }
  g_assert_cmpuint (found, >=, 29);
  /* one event per order: nothing duplicated, nothing half-applied */
  events = count_rows (fixture->store, "events");
  orders = count_rows (fixture->store, "orders");
  g_assert_true (events == orders || events == orders - 1);   /* killed between order and check-in */
  g_assert_cmpint (count_rows (fixture->store, "(SELECT DISTINCT order_ref FROM events)"), ==, events);
}

static void
test_reopen_keeps_everything (Fixture       *fixture,
                              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) found = NULL;
  gint64 last;

  add_order (fixture->store, "RO1");
  last = append (fixture->store, CURB_EVENT_ARRIVED, "RO1");
  g_assert_finalize_object (fixture->store);
  fixture->store = curb_store_open (fixture->path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (curb_store_get_last_seq (fixture->store), ==, last);
  g_assert_cmpstr (order_state (fixture->store, "RO1"), ==, "arrived");
  found = curb_store_lookup (fixture->store, "RO1", "nunez-rivera", &error);
  g_assert_no_error (error);
  g_assert_nonnull (found);
  g_assert_true (curb_store_integrity_check (fixture->store, &error));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
#define ADD(path, func) g_test_add ("/store/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("every-transition", test_every_transition);
  ADD ("bay-after-arrival-and-withdrawal", test_bay_after_arrival_and_withdrawal);
  ADD ("already-claimed-names-claimer", test_already_claimed_names_claimer);
  ADD ("claim-before-arrival", test_claim_before_arrival);
  ADD ("release-before-arrival", test_release_before_arrival);
  ADD ("unknown-order-and-bad-refs", test_unknown_order_and_bad_refs);
  ADD ("partial-checks-lines", test_partial_checks_lines);
  ADD ("age-restricted-needs-id-check", test_age_restricted_needs_id_check);
  ADD ("derived-equals-replay", test_derived_equals_replay);
  ADD ("duplicate-event", test_duplicate_event);
  ADD ("append-batch", test_append_batch);
  ADD ("upsert-versions", test_upsert_versions);
  ADD ("upsert-page", test_upsert_page);
  ADD ("upsert-initial-sync", test_upsert_initial_sync);
  ADD ("cancellation", test_cancellation);
  ADD ("lookup-no-oracle", test_lookup);
  ADD ("hostile-names-verbatim", test_hostile_names_verbatim);
  ADD ("list-orders", test_list_orders);
  ADD ("outbox", test_outbox);
  ADD ("events-since", test_events_since);
  ADD ("meta", test_meta);
  ADD ("enrollment", test_enrollment);
  ADD ("enrollment-expiry", test_enrollment_expiry);
  ADD ("staff", test_staff);
  ADD ("audit-and-append-only", test_audit_and_append_only);
  ADD ("purge-personal", test_purge_personal);
  ADD ("backup-while-writing", test_backup_while_writing);
  ADD ("disk-full", test_disk_full);
  ADD ("reopen", test_reopen_keeps_everything);
  ADD ("kill-9", test_kill_9);
#undef ADD
  return g_test_run ();
}
