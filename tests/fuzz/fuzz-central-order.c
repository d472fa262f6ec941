/* Central's JSON as the connector receives it: one order, or a page of them.
 * Parsed like the connector does, validated, and upserted into a real store
 * (a temporary database, renewed now and then). Properties: validation and
 * the store agree; a stored order reads back without surname, phone or
 * token; a page never fails as a whole on bad orders. */
#include <sqlite3.h>
#include <unistd.h>

#include "curb-store-private.h"
#include "curbside-core.h"
#include "fuzz-target.h"

#define RENEW_EVERY 5000

static CurbStore *store;
static char *store_dir;
static guint runs;

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
  /* fuzzing speed: durability is what the power-loss test checks */
  sqlite3_exec (curb_store_get_db (store), "PRAGMA synchronous = OFF", NULL, NULL, NULL);
}

static void
check_stored (const char *ref)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) order = curb_store_get_order (store, ref, &error);
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);
  g_autofree char *text = NULL;

  g_assert (order != NULL);
  g_assert (!json_object_has_member (order, "surname"));
  g_assert (!json_object_has_member (order, "phone_last4"));
  g_assert (!json_object_has_member (order, "token"));
  g_assert (json_object_has_member (order, "state"));
  json_node_set_object (node, order);
  text = json_to_string (node, FALSE);
  g_assert (text != NULL);
}

/* What the store does first with an order from central: over-long text is
 * clipped (once: a second fit changes nothing), then the order is decoded;
 * decoding does not change the document it reads. */
static gboolean
fit_and_validate (JsonObject  *order,
                  GError     **error)
{
  g_autoptr(CurbCentralOrder) central = NULL;
  g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), order);
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;

  curb_order_codec_fit_central (order);
  g_assert (curb_order_codec_fit_central (order) == 0);
  before = json_to_string (node, FALSE);
  central = curb_order_codec_decode_central (order, error);
  after = json_to_string (node, FALSE);
  g_assert (g_str_equal (before, after));
  g_assert (central == NULL || central->n_fitted == 0);
  return central != NULL;
}

static void
fuzz_order (JsonObject *order)
{
  g_autoptr(GError) invalid = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(CurbEvent) cancelled = NULL;
  gboolean valid = fit_and_validate (order, &invalid);
  CurbUpsertOutcome outcome;

  g_assert (valid == (invalid == NULL));
  if (curb_store_upsert_order (store, order, &outcome, &cancelled, NULL, &error))
    {
      g_assert (valid);
      check_stored (json_object_get_string_member (order, "ref"));
      return;
    }
  g_assert (error != NULL && error->domain == CURB_ERROR);
  g_assert (!valid ? error->code == CURB_ERROR_INVALID : error->code != CURB_ERROR_DATABASE);
}

static void
fuzz_page (JsonArray *orders)
{
  g_autoptr(GPtrArray) rejected = NULL;
  g_autoptr(GError) error = NULL;
  guint valid = 0;

  for (guint i = 0; i < json_array_get_length (orders); i++)
    {
      JsonNode *element = json_array_get_element (orders, i);
      if (JSON_NODE_HOLDS_OBJECT (element) && fit_and_validate (json_node_get_object (element), NULL))
        valid++;
    }
  if (!curb_store_upsert_orders (store, orders, NULL, NULL, &rejected, &error))
    g_assert (error != NULL && error->code != CURB_ERROR_DATABASE);
  else
    g_assert (json_array_get_length (orders) - (rejected ? rejected->len : 0) <= valid);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  JsonNode *root;

  ensure_store ();
  if (!json_parser_load_from_data (parser, (const char *) data, size, NULL))
    return 0;
  root = json_parser_get_root (parser);
  if (root == NULL)
    return 0;
  if (JSON_NODE_HOLDS_OBJECT (root))
    {
      JsonNode *orders = json_object_get_member (json_node_get_object (root), "orders");
      if (orders != NULL && JSON_NODE_HOLDS_ARRAY (orders))
        fuzz_page (json_node_get_array (orders));
      else
        fuzz_order (json_node_get_object (root));
    }
  else if (JSON_NODE_HOLDS_ARRAY (root))
    fuzz_page (json_node_get_array (root));
  return 0;
}
