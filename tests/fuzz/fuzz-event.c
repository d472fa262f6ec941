/* Events in their wire form, as a device or central sends them: parse and
 * validate, check the wire form round-trips, then append to a real store
 * holding orders in every active state. Properties: anything appended once
 * is a duplicate the second time; refusals are domain errors, never a
 * database error. */
#include <sqlite3.h>
#include <unistd.h>

#include "curb-store-private.h"
#include "curbside-core.h"
#include "fuzz-target.h"

#define RENEW_EVERY 2000

static CurbStore *store;
static char *store_dir;
static guint runs;

static const char *const seed_events[] = {
  "{\"id\": \"s-a2\", \"kind\": \"arrived\", \"order_ref\": \"A2\", \"at\": \"2026-11-27T15:04:00.000Z\","
  " \"device\": \"kiosk-1\", \"data\": {\"bay\": \"3\", \"source\": \"scan\"}}",
  "{\"id\": \"s-a3\", \"kind\": \"arrived\", \"order_ref\": \"A3\", \"at\": \"2026-11-27T15:04:00.000Z\","
  " \"device\": \"kiosk-1\", \"data\": {\"bay\": \"3\", \"source\": \"scan\"}}",
  "{\"id\": \"s-c3\", \"kind\": \"claimed\", \"order_ref\": \"A3\", \"at\": \"2026-11-27T15:05:00.000Z\","
  " \"device\": \"staging-1\", \"staff\": \"st-7\", \"data\": {\"staff_name\": \"Alex\", \"eta_s\": 60}}",
};

static void
seed_orders (void)
{
  for (guint i = 1; i <= 4; i++)
    {
      g_autofree char *text = g_strdup_printf (
          "{\"ref\": \"A%u\", \"store_id\": \"store-001\", \"version\": 1, \"first_name\": \"Sam\","
          " \"last_initial\": \"R\", \"surname\": \"Rivera\", \"phone_last4\": \"0142\","
          " \"window_start\": \"2026-11-27T15:00:00.000Z\", \"window_end\": \"2026-11-27T16:00:00.000Z\","
          " \"age_restricted\": %s, \"alternate_pickup\": null,"
          " \"lines\": [{\"id\": \"L1\", \"sku\": \"EGGS\", \"name\": \"Eggs\", \"qty\": 2, \"temperature\": \"chilled\"},"
          "  {\"id\": \"L2\", \"sku\": \"WINE\", \"name\": \"Wine\", \"qty\": 1, \"temperature\": \"ambient\", \"age_restricted\": true}],"
          " \"substitutions\": [{\"id\": \"S1\", \"line_id\": \"L1\", \"original\": \"Eggs\", \"replacement\": \"Eggs 6\","
          "  \"qty\": 1, \"status\": \"pending\"}], \"cancelled\": false}", i, i == 4 ? "true" : "false");
      g_autoptr(JsonNode) node = json_from_string (text, NULL);
      g_assert (curb_store_upsert_order (store, json_node_get_object (node), NULL, NULL, NULL, NULL));
    }
  for (guint i = 0; i < G_N_ELEMENTS (seed_events); i++)
    {
      g_autoptr(JsonNode) node = json_from_string (seed_events[i], NULL);
      g_autoptr(CurbEvent) event = curb_event_new_from_json (json_node_get_object (node), NULL);
      g_assert (event != NULL && curb_store_append_event (store, event, NULL, NULL));
    }
}

static void
drop_store (void)
{
  g_autofree char *path = NULL;
  const char *suffixes[] = { "", "-wal", "-shm" };

  if (store == NULL)
    return;
  path = g_strdup (curb_store_get_path (store));
  g_clear_object (&store);
  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *file = g_strconcat (path, suffixes[i], NULL);
      unlink (file);
    }
}

/* A fresh store now and then, so states move on but the file stays small. */
static void
ensure_store (void)
{
  g_autofree char *path = NULL;

  if (store != NULL && runs++ % RENEW_EVERY != 0)
    return;
  drop_store ();
  if (store_dir == NULL)
    store_dir = g_dir_make_tmp ("curbside-fuzz-XXXXXX", NULL);
  g_assert (store_dir != NULL);
  path = g_build_filename (store_dir, "store.db", NULL);
  store = curb_store_open (path, NULL);
  g_assert (store != NULL);
  sqlite3_exec (curb_store_get_db (store), "PRAGMA synchronous = OFF", NULL, NULL, NULL);
  seed_orders ();
}

static void
check_round_trip (CurbEvent *event)
{
  g_autofree char *text = curb_event_to_json_string (event);
  g_autoptr(JsonNode) node = json_from_string (text, NULL);
  g_autoptr(CurbEvent) again = NULL;
  g_autofree char *text_again = NULL;

  g_assert (node != NULL && JSON_NODE_HOLDS_OBJECT (node));
  again = curb_event_new_from_json (json_node_get_object (node), NULL);
  g_assert (again != NULL);
  text_again = curb_event_to_json_string (again);
  g_assert (g_str_equal (text, text_again));
}

static void
check_append (CurbEvent *event)
{
  g_autoptr(GError) error = NULL;
  gboolean duplicate = FALSE;

  if (!curb_store_append_event (store, event, &duplicate, &error))
    {
      g_assert (error != NULL && error->domain == CURB_ERROR);
      g_assert (error->code != CURB_ERROR_DATABASE && error->code != CURB_ERROR_FAILED);
      return;
    }
  g_assert (curb_event_get_seq (event) > 0);
  g_assert (curb_store_append_event (store, event, &duplicate, NULL));
  g_assert (duplicate);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autoptr(CurbEvent) event = NULL;
  g_autoptr(GError) error = NULL;
  JsonNode *root;

  ensure_store ();
  if (!json_parser_load_from_data (parser, (const char *) data, size, NULL))
    return 0;
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return 0;
  event = curb_event_new_from_json (json_node_get_object (root), &error);
  if (event == NULL)
    {
      g_assert (error != NULL && error->domain == CURB_ERROR && error->code == CURB_ERROR_INVALID);
      return 0;
    }
  check_round_trip (event);
  check_append (event);
  return 0;
}
