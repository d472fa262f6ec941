#include <stdlib.h>

#include "curb-error.h"
#include "curb-order.h"
#include "curb-util.h"
#include "curb-vendure-order.h"

/* Vendure's Order (CURB_VENDURE_ORDER_FIELDS) as a Curbside central order
 * (docs/data-model.md), with only what the store needs of the customer. */

#define MAX_MONOTONIC_PART 999

static const char *
string_member (JsonObject *object,
               const char *name)
{
  JsonNode *node = object ? json_object_get_member (object, name) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

static JsonObject *
object_member (JsonObject *object,
               const char *name)
{
  JsonNode *node = object ? json_object_get_member (object, name) : NULL;

  return node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

static JsonArray *
array_member (JsonObject *object,
              const char *name)
{
  JsonNode *node = object ? json_object_get_member (object, name) : NULL;

  return node != NULL && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
}

static gint64
int_member (JsonObject *object,
            const char *name)
{
  JsonNode *node = object ? json_object_get_member (object, name) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64)
    return 0;
  return json_node_get_int (node);
}

gint64
curb_vendure_id_to_int (const char *id)
{
  char *end = NULL;
  gint64 value;

  if (id == NULL || *id == '\0')
    return -1;
  value = g_ascii_strtoll (id, &end, 10);
  return end != NULL && *end == '\0' && value >= 0 ? value : -1;
}

gint64
curb_vendure_order_time_ms (JsonObject *vendure_order,
                            const char *member)
{
  gint64 ms = -1;

  if (!curb_iso8601_to_ms (string_member (vendure_order, member), &ms))
    return -1;
  return ms;
}

/* Grows whenever an order changes in a way that does not move updatedAt. */
static gint64
monotonic_part (JsonObject *vendure_order)
{
  JsonArray *lines = array_member (vendure_order, "lines");
  JsonArray *fulfillments = array_member (vendure_order, "fulfillments");
  JsonArray *modifications = array_member (vendure_order, "modifications");
  JsonObject *fields = object_member (vendure_order, "customFields");
  gint64 n = fulfillments ? json_array_get_length (fulfillments) : 0;

  /* staff changed the order (modifyOrder): within the second of the last
   * change, updatedAt alone would not tell */
  n += modifications ? json_array_get_length (modifications) : 0;

  for (guint i = 0; lines != NULL && i < json_array_get_length (lines); i++)
    {
      JsonObject *line = json_array_get_object_element (lines, i);
      n += MAX (0, int_member (line, "orderPlacedQuantity") - int_member (line, "quantity"));
    }
  if (g_strcmp0 (string_member (vendure_order, "state"), "Cancelled") == 0)
    n++;
  if (string_member (fields, "pickupToken") != NULL)
    n++;
  return MIN (n, MAX_MONOTONIC_PART);
}

/**
 * curb_vendure_order_version:
 *
 * A version that grows with every change of the order: updatedAt (ms) and,
 * below it, a count of the changes Vendure makes without touching updatedAt
 * or within the same second (fulfilments created, order modifications, units
 * cancelled, the order cancelled, the token set).
 * Each part only ever grows, so their sum does.
 */
gint64
curb_vendure_order_version (JsonObject *vendure_order)
{
  gint64 updated_ms = curb_vendure_order_time_ms (vendure_order, "updatedAt");

  return MAX (updated_ms, 0) * (MAX_MONOTONIC_PART + 1) + monotonic_part (vendure_order);
}

static void
append_member (GString    *text,
               JsonObject *object,
               const char *name)
{
  JsonNode *node = object ? json_object_get_member (object, name) : NULL;
  g_autofree char *json = node ? json_to_string (node, FALSE) : NULL;

  g_string_append_printf (text, "%s|", json ? json : "-");
}

static void
append_pairs (GString    *text,
              JsonArray  *array,
              const char *value_member)
{
  for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
    {
      JsonNode *node = json_array_get_element (array, i);
      JsonObject *element = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;

      append_member (text, element, "id");
      append_member (text, element, value_member);
    }
  g_string_append_c (text, '/');
}

/**
 * curb_vendure_order_fingerprint:
 *
 * A short hash of what can change on an order: id, state, updatedAt, the
 * pickup custom fields, line quantities and fulfilment states. The full
 * (CURB_VENDURE_ORDER_FIELDS) and the slim
 * (CURB_VENDURE_ORDER_FINGERPRINT_FIELDS) selections give the same one.
 */
char *
curb_vendure_order_fingerprint (JsonObject *vendure_order)
{
  g_autoptr(GString) text = g_string_new (NULL);
  g_autofree char *digest = NULL;

  append_member (text, vendure_order, "id");
  append_member (text, vendure_order, "state");
  append_member (text, vendure_order, "updatedAt");
  append_member (text, vendure_order, "customFields");
  append_pairs (text, array_member (vendure_order, "lines"), "quantity");
  append_pairs (text, array_member (vendure_order, "fulfillments"), "state");
  digest = g_compute_checksum_for_string (G_CHECKSUM_SHA256, text->str, text->len);
  return g_strndup (digest, 12);
}

/**
 * curb_vendure_order_is_pickup:
 *
 * The plugin and the connector agree: a pickup order of a store is one
 * shipped with that store's pickup method, a ShippingMethod whose custom
 * field pickupLocationCode is the store's code. A delivery order that also
 * carries the order field pickupLocationCode is not one.
 */
gboolean
curb_vendure_order_is_pickup (JsonObject *vendure_order,
                              const char *location_code)
{
  JsonArray *lines = array_member (vendure_order, "shippingLines");

  for (guint i = 0; lines != NULL && i < json_array_get_length (lines); i++)
    {
      JsonNode *node = json_array_get_element (lines, i);
      JsonObject *method = JSON_NODE_HOLDS_OBJECT (node) ? object_member (json_node_get_object (node), "shippingMethod") : NULL;
      const char *code = string_member (object_member (method, "customFields"), "pickupLocationCode");

      if (g_strcmp0 (code, location_code) == 0)
        return TRUE;
    }
  return FALSE;
}

static void
set_on_the_way (JsonObject *order,
                JsonObject *fields)
{
  gint64 eta = -1, announced = -1;
  JsonObject *on_the_way;
  g_autofree char *eta_text = NULL, *announced_text = NULL;

  if (!curb_iso8601_to_ms (string_member (fields, "pickupEta"), &eta))
    return;
  on_the_way = json_object_new ();
  eta_text = curb_iso8601_from_ms (eta);
  json_object_set_string_member (on_the_way, "eta", eta_text);
  if (curb_iso8601_to_ms (string_member (fields, "pickupAnnouncedAt"), &announced))
    {
      announced_text = curb_iso8601_from_ms (announced);
      json_object_set_string_member (on_the_way, "announced_at", announced_text);
    }
  json_object_set_object_member (order, "on_the_way", on_the_way);
}

static char *
initial_of (const char *name)
{
  gunichar c;

  if (name == NULL || !g_utf8_validate (name, -1, NULL) || *name == '\0')
    return NULL;
  c = g_unichar_toupper (g_utf8_get_char (name));
  return g_ucs4_to_utf8 (&c, 1, NULL, NULL, NULL);
}

static void
set_person (JsonObject *order,
            JsonObject *customer)
{
  const char *first = string_member (customer, "firstName");
  const char *last = string_member (customer, "lastName");
  g_autofree char *initial = initial_of (last);
  g_autofree char *last4 = curb_order_normalize_phone_last4 (string_member (customer, "phoneNumber"));

  json_object_set_string_member (order, "first_name", first && *first ? first : "Shopper");
  if (initial != NULL)
    json_object_set_string_member (order, "last_initial", initial);
  if (last != NULL && *last != '\0')
    json_object_set_string_member (order, "surname", last);
  if (last4 != NULL)
    json_object_set_string_member (order, "phone_last4", last4);
}

static JsonArray *
map_lines (JsonArray *vendure_lines)
{
  JsonArray *lines = json_array_new ();

  for (guint i = 0; vendure_lines != NULL && i < json_array_get_length (vendure_lines); i++)
    {
      JsonObject *vendure_line = json_array_get_object_element (vendure_lines, i);
      JsonObject *variant = object_member (vendure_line, "productVariant");
      JsonObject *line = json_object_new ();
      const char *name = string_member (variant, "name");

      json_object_set_string_member (line, "id", string_member (vendure_line, "id"));
      if (string_member (variant, "sku") != NULL)
        json_object_set_string_member (line, "sku", string_member (variant, "sku"));
      json_object_set_string_member (line, "name", name ? name : "Item");
      json_object_set_int_member (line, "qty", int_member (vendure_line, "quantity"));
      json_array_add_object_element (lines, line);
    }
  return lines;
}

/**
 * curb_vendure_order_to_curbside:
 *
 * Returns: (transfer full): the central order document, or %NULL with
 *   %CURB_ERROR_PROTOCOL when Vendure's order lacks its code or updatedAt
 */
JsonObject *
curb_vendure_order_to_curbside (JsonObject  *vendure_order,
                                GError     **error)
{
  JsonObject *fields = object_member (vendure_order, "customFields");
  const char *code = string_member (vendure_order, "code");
  const char *token = string_member (fields, "pickupToken");
  JsonObject *order;

  if (code == NULL || curb_vendure_order_time_ms (vendure_order, "updatedAt") < 0)
    {
      g_set_error_literal (error, CURB_ERROR, CURB_ERROR_PROTOCOL, "Vendure sent an order without code or updatedAt");
      return NULL;
    }
  order = json_object_new ();
  json_object_set_string_member (order, "ref", code);
  if (string_member (fields, "pickupLocationCode") != NULL)
    json_object_set_string_member (order, "store_id", string_member (fields, "pickupLocationCode"));
  json_object_set_int_member (order, "version", curb_vendure_order_version (vendure_order));
  set_person (order, object_member (vendure_order, "customer"));
  json_object_set_array_member (order, "lines", map_lines (array_member (vendure_order, "lines")));
  json_object_set_boolean_member (order, "cancelled",
                                  g_strcmp0 (string_member (vendure_order, "state"), "Cancelled") == 0);
  if (token != NULL)
    json_object_set_string_member (order, "token", token);
  set_on_the_way (order, fields);
  return order;
}
