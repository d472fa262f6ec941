/* Any bytes as an order document (a hub reply's "order"). Properties: the
 * codec either refuses with CURB_ERROR_INVALID or gives an order whose
 * encoding decodes to an equal order and encodes to the same JSON; a
 * refusal names an order field or the JSON itself. */
#include "curb-order-codec.h"
#include "curbside-core.h"
#include "fuzz-target.h"

static void
check_round_trip (CurbOrder *order)
{
  g_autoptr(JsonObject) encoded = curb_order_codec_encode (order);
  g_autoptr(GError) error = NULL;
  g_autoptr(CurbOrder) again = curb_order_codec_decode (encoded, &error);
  g_autoptr(JsonObject) reencoded = NULL;
  g_autoptr(JsonNode) a = json_node_new (JSON_NODE_OBJECT);
  g_autoptr(JsonNode) b = json_node_new (JSON_NODE_OBJECT);

  g_assert_no_error (error);
  g_assert_true (curb_order_equal (order, again));
  reencoded = curb_order_codec_encode (again);
  json_node_set_object (a, encoded);
  json_node_set_object (b, reencoded);
  g_assert_true (json_node_equal (a, b));
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autofree char *text = g_strndup ((const char *) data, size);
  g_autoptr(GError) error = NULL;
  g_autoptr(CurbOrder) order = curb_order_codec_decode_string (text, &error);

  if (order == NULL)
    {
      g_assert_error (error, CURB_ERROR, CURB_ERROR_INVALID);
      g_assert_true (g_str_has_prefix (error->message, "Order")
                     || g_str_has_prefix (error->message, "An order"));
      return 0;
    }
  g_assert_no_error (error);
  check_round_trip (order);
  return 0;
}
