#include "curb-error.h"
#include "curb-order-codec.h"
#include "curb-order.h"
#include "curb-vendure-cursor.h"
#include "curb-vendure-order.h"

/* Vendure orders → Curbside orders, versions and the pull cursor, without a server. */

static const char *vendure_order_json =
  "{\"id\":\"12\",\"code\":\"Z6LNL4YY9K1A1RLA\",\"state\":\"PaymentSettled\",\"active\":false,"
  "\"updatedAt\":\"2026-11-27T14:40:01.000Z\",\"orderPlacedAt\":\"2026-11-27T14:40:01.076Z\","
  "\"customFields\":{\"pickupLocationCode\":\"store-001\",\"pickupStatus\":null,\"pickupBay\":null,"
  "\"customerArrivedAt\":null,\"pickupToken\":\"ABC\"},"
  "\"customer\":{\"firstName\":\"Øyvind\",\"lastName\":\"øre\",\"phoneNumber\":\"+47 555-0104\"},"
  "\"lines\":[{\"id\":\"31\",\"quantity\":3,\"orderPlacedQuantity\":3,"
  "\"productVariant\":{\"sku\":\"GRO-EGGS-12\",\"name\":\"Free Range Eggs (12)\"}}],"
  "\"fulfillments\":[]}";

static JsonObject *
parse (const char *text)
{
  g_autoptr(JsonNode) node = json_from_string (text, NULL);

  g_assert_nonnull (node);
  return json_object_ref (json_node_get_object (node));
}

static gboolean
decodes (JsonObject  *order,
         GError     **error)
{
  g_autoptr(CurbCentralOrder) central = curb_order_codec_decode_central (order, error);

  return central != NULL;
}

static void
test_map_order (void)
{
  g_autoptr(JsonObject) vendure = parse (vendure_order_json);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) order = curb_vendure_order_to_curbside (vendure, &error);
  JsonObject *line;

  g_assert_no_error (error);
  g_assert_true (decodes (order, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (json_object_get_string_member (order, "ref"), ==, "Z6LNL4YY9K1A1RLA");
  g_assert_cmpstr (json_object_get_string_member (order, "store_id"), ==, "store-001");
  g_assert_cmpstr (json_object_get_string_member (order, "first_name"), ==, "Øyvind");
  g_assert_cmpstr (json_object_get_string_member (order, "last_initial"), ==, "Ø");
  g_assert_cmpstr (json_object_get_string_member (order, "surname"), ==, "øre");
  g_assert_cmpstr (json_object_get_string_member (order, "phone_last4"), ==, "0104");
  g_assert_cmpstr (json_object_get_string_member (order, "token"), ==, "ABC");
  g_assert_false (json_object_get_boolean_member (order, "cancelled"));
  g_assert_false (json_object_has_member (order, "email"));
  line = json_array_get_object_element (json_object_get_array_member (order, "lines"), 0);
  g_assert_cmpstr (json_object_get_string_member (line, "id"), ==, "31");
  g_assert_cmpstr (json_object_get_string_member (line, "sku"), ==, "GRO-EGGS-12");
  g_assert_cmpint (json_object_get_int_member (line, "qty"), ==, 3);
}

/* Changes Vendure makes without moving updatedAt still raise the version. */
static void
test_version_grows (void)
{
  g_autoptr(JsonObject) vendure = parse (vendure_order_json);
  gint64 placed = curb_vendure_order_version (vendure);
  JsonObject *line = json_array_get_object_element (json_object_get_array_member (vendure, "lines"), 0);
  gint64 cancelled_unit, cancelled, later;

  json_object_set_int_member (line, "quantity", 2);
  cancelled_unit = curb_vendure_order_version (vendure);
  json_object_set_string_member (vendure, "state", "Cancelled");
  cancelled = curb_vendure_order_version (vendure);
  json_object_set_string_member (vendure, "updatedAt", "2026-11-27T14:40:02.000Z");
  later = curb_vendure_order_version (vendure);
  g_assert_cmpint (placed, <, cancelled_unit);
  g_assert_cmpint (cancelled_unit, <, cancelled);
  g_assert_cmpint (cancelled, <, later);
}

/* Staff modify the order (more units) within the second of the last change. */
static void
test_version_grows_on_modification (void)
{
  g_autoptr(JsonObject) vendure = parse (vendure_order_json);
  gint64 before = curb_vendure_order_version (vendure);
  JsonArray *modifications = json_array_new ();
  JsonObject *modification = json_object_new ();

  json_object_set_string_member (modification, "id", "1");
  json_array_add_object_element (modifications, modification);
  json_object_set_array_member (vendure, "modifications", modifications);
  json_object_set_int_member (json_array_get_object_element (json_object_get_array_member (vendure, "lines"), 0),
                              "quantity", 6);
  g_assert_cmpint (curb_vendure_order_version (vendure), >, before);
}

/* A pickup order is one shipped with the store's pickup method; an
 * announced ETA becomes on_the_way. */
static void
test_pickup_and_on_the_way (void)
{
  g_autoptr(JsonObject) vendure = parse (vendure_order_json);
  g_autoptr(JsonObject) pickup = parse ("{\"x\": [{\"shippingMethod\": {\"code\": \"pickup-store-001\","
                                        " \"customFields\": {\"pickupLocationCode\": \"store-001\"}}}]}");
  g_autoptr(JsonObject) delivery = parse ("{\"x\": [{\"shippingMethod\": {\"code\": \"home-delivery\","
                                          " \"customFields\": {\"pickupLocationCode\": null}}}]}");
  g_autoptr(JsonObject) order = NULL;
  JsonObject *fields = json_object_get_object_member (vendure, "customFields");
  JsonObject *on_the_way;

  g_assert_false (curb_vendure_order_is_pickup (vendure, "store-001"));
  json_object_set_member (vendure, "shippingLines", json_node_copy (json_object_get_member (delivery, "x")));
  g_assert_false (curb_vendure_order_is_pickup (vendure, "store-001"));
  json_object_set_member (vendure, "shippingLines", json_node_copy (json_object_get_member (pickup, "x")));
  g_assert_true (curb_vendure_order_is_pickup (vendure, "store-001"));
  g_assert_false (curb_vendure_order_is_pickup (vendure, "store-002"));

  json_object_set_string_member (fields, "pickupEta", "2026-11-27T15:10:00.000Z");
  json_object_set_string_member (fields, "pickupAnnouncedAt", "2026-11-27T14:55:00.000Z");
  order = curb_vendure_order_to_curbside (vendure, NULL);
  on_the_way = json_object_get_object_member (order, "on_the_way");
  g_assert_cmpstr (json_object_get_string_member (on_the_way, "eta"), ==, "2026-11-27T15:10:00.000Z");
  g_assert_cmpstr (json_object_get_string_member (on_the_way, "announced_at"), ==, "2026-11-27T14:55:00.000Z");
  g_assert_true (decodes (order, NULL));
}

static void
test_hostile_order (void)
{
  const char *cases[] = {
    "{}",
    "{\"code\":\"A1\"}",
    "{\"code\":7,\"updatedAt\":\"2026-11-27T14:40:01.000Z\"}",
    "{\"code\":\"A1\",\"updatedAt\":\"yesterday\"}",
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(JsonObject) vendure = parse (cases[i]);
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonObject) order = curb_vendure_order_to_curbside (vendure, &error);

      g_assert_null (order);
      g_assert_error (error, CURB_ERROR, CURB_ERROR_PROTOCOL);
    }
  {
    g_autoptr(JsonObject) odd = parse ("{\"code\":\"A1\",\"updatedAt\":\"2026-11-27T14:40:01.000Z\","
                                       "\"customer\":[],\"lines\":{},\"customFields\":7}");
    g_autoptr(JsonObject) order = curb_vendure_order_to_curbside (odd, NULL);

    g_assert_nonnull (order);
    g_assert_cmpstr (json_object_get_string_member (order, "first_name"), ==, "Shopper");
  }
}

static void
test_cursor_round_trip (void)
{
  g_autoptr(CurbVendureCursor) cursor = curb_vendure_cursor_parse (NULL);
  g_autoptr(CurbVendureCursor) again = NULL;
  g_autofree char *text = NULL;
  g_autofree char *text_again = NULL;

  g_assert_true (cursor->first_sweep);
  cursor->phase = CURB_VENDURE_PHASE_OPEN;
  cursor->placed_ms = 1764254401076;
  cursor->placed_id = 2015;
  cursor->open_skip = 500;
  cursor->first_sweep = FALSE;
  curb_vendure_cursor_take (cursor, 1764254401000, "7", "aaa");
  curb_vendure_cursor_take (cursor, 1764254401000, "8", "bbb");
  text = curb_vendure_cursor_to_string (cursor);
  again = curb_vendure_cursor_parse (text);
  text_again = curb_vendure_cursor_to_string (again);
  g_assert_cmpstr (text, ==, text_again);
  g_assert_cmpint (again->phase, ==, CURB_VENDURE_PHASE_OPEN);
  g_assert_cmpint (again->placed_ms, ==, 1764254401076);
  g_assert_cmpint (again->placed_id, ==, 2015);
  g_assert_cmpuint (again->open_skip, ==, 500);
  g_assert_false (again->first_sweep);
  g_assert_true (curb_vendure_cursor_has_seen (again, 1764254401000, "7", "aaa"));
  g_assert_false (curb_vendure_cursor_has_seen (again, 1764254401000, "7", "changed"));
  g_assert_false (curb_vendure_cursor_has_seen (again, 1764254402000, "7", "aaa"));
}

/* A newer second forgets the old one; an older one changes nothing. */
static void
test_cursor_take (void)
{
  g_autoptr(CurbVendureCursor) cursor = curb_vendure_cursor_parse ("");

  curb_vendure_cursor_take (cursor, 2000, "1", "x");
  curb_vendure_cursor_take (cursor, 1000, "2", "y");
  g_assert_cmpint (cursor->updated_ms, ==, 2000);
  g_assert_cmpuint (g_hash_table_size (cursor->seen), ==, 1);
  curb_vendure_cursor_take (cursor, 3000, "3", "z");
  g_assert_cmpuint (g_hash_table_size (cursor->seen), ==, 1);
  g_assert_true (curb_vendure_cursor_has_seen (cursor, 3000, "3", "z"));
}

static void
test_cursor_garbage (void)
{
  const char *cases[] = {
    "garbage", "vendure1", "vendure1 x 0 0 0 0 1 -", "vendure1 n a 0 0 0 1 -", "vendure1 n 0 0 0 0 2 -",
    "vendure1 n 0 0 0 0 1 =x", "vendure1 n 0 0 0 0 1 - extra", "vendure1 n -5 0 0 0 1 -",
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(CurbVendureCursor) cursor = curb_vendure_cursor_parse (cases[i]);

      g_assert_cmpint (cursor->phase, ==, CURB_VENDURE_PHASE_NEW);
      g_assert_cmpint (cursor->placed_ms, ==, 0);
      g_assert_true (cursor->first_sweep);
      g_assert_cmpuint (g_hash_table_size (cursor->seen), ==, 0);
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/vendure/map-order", test_map_order);
  g_test_add_func ("/vendure/version-grows", test_version_grows);
  g_test_add_func ("/vendure/version-grows-on-modification", test_version_grows_on_modification);
  g_test_add_func ("/vendure/pickup-and-on-the-way", test_pickup_and_on_the_way);
  g_test_add_func ("/vendure/hostile-order", test_hostile_order);
  g_test_add_func ("/vendure/cursor-round-trip", test_cursor_round_trip);
  g_test_add_func ("/vendure/cursor-take", test_cursor_take);
  g_test_add_func ("/vendure/cursor-garbage", test_cursor_garbage);
  return g_test_run ();
}
