#include <string.h>

#include "curb-error.h"
#include "curb-receipt-order.h"
#include "curb-util.h"

#define MAX_QTY 9999

static void
line_free (gpointer data)
{
  CurbPrintLine *line = data;

  g_free (line->id);
  g_free (line->name);
  g_free (line);
}

static void
not_taken_free (gpointer data)
{
  CurbPrintNotTaken *item = data;

  g_free (item->line_id);
  g_free (item->reason);
  g_free (item);
}

static void
substitution_free (gpointer data)
{
  CurbPrintSubstitution *sub = data;

  g_free (sub->line_id);
  g_free (sub->original);
  g_free (sub->replacement);
  g_free (sub->status);
  g_free (sub);
}

static char *
dup_string (JsonObject *object,
            const char *member)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, member) : NULL;

  if (node == NULL || JSON_NODE_TYPE (node) != JSON_NODE_VALUE
      || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return g_utf8_make_valid (json_node_get_string (node), -1);
}

static guint
get_count (JsonObject *object,
           const char *member)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, member) : NULL;
  gint64 v;

  if (node == NULL || JSON_NODE_TYPE (node) != JSON_NODE_VALUE
      || json_node_get_value_type (node) != G_TYPE_INT64)
    return 0;
  v = json_node_get_int (node);
  return (guint) CLAMP (v, 0, MAX_QTY);
}

static gint64
get_time (JsonObject *object,
          const char *member)
{
  g_autofree char *text = dup_string (object, member);
  gint64 ms = 0;

  if (text == NULL || !curb_iso8601_to_ms (text, &ms))
    return 0;
  return ms;
}

static JsonObject *
get_object (JsonObject *object,
            const char *member)
{
  JsonNode *node = json_object_get_member (object, member);

  return node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

static GList *
get_objects (JsonObject *object,
             const char *member)
{
  JsonNode *node = json_object_get_member (object, member);
  g_autoptr(GList) elements = NULL;
  GList *items = NULL;

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return NULL;
  elements = json_array_get_elements (json_node_get_array (node));
  for (GList *l = elements; l != NULL; l = l->next)
    if (JSON_NODE_HOLDS_OBJECT (l->data))
      items = g_list_prepend (items, json_node_get_object (l->data));
  return g_list_reverse (items);
}

static void
parse_lines (CurbPrintOrder *order,
             JsonObject     *root)
{
  g_autoptr(GList) items = get_objects (root, "lines");

  for (GList *l = items; l != NULL; l = l->next)
    {
      CurbPrintLine *line = g_new0 (CurbPrintLine, 1);

      line->id = dup_string (l->data, "id");
      line->name = dup_string (l->data, "name");
      line->qty = get_count (l->data, "qty");
      if (line->name == NULL)
        line->name = g_strdup ("?");
      g_ptr_array_add (order->lines, line);
    }
}

static void
parse_not_taken (CurbPrintOrder *order,
                 JsonObject     *root)
{
  g_autoptr(GList) items = get_objects (root, "not_taken");

  for (GList *l = items; l != NULL; l = l->next)
    {
      CurbPrintNotTaken *item = g_new0 (CurbPrintNotTaken, 1);

      item->line_id = dup_string (l->data, "line_id");
      item->qty = get_count (l->data, "qty");
      item->reason = dup_string (l->data, "reason");
      g_ptr_array_add (order->not_taken, item);
    }
}

static void
parse_substitutions (CurbPrintOrder *order,
                     JsonObject     *root)
{
  g_autoptr(GList) items = get_objects (root, "substitutions");

  for (GList *l = items; l != NULL; l = l->next)
    {
      CurbPrintSubstitution *sub = g_new0 (CurbPrintSubstitution, 1);

      sub->line_id = dup_string (l->data, "line_id");
      sub->original = dup_string (l->data, "original");
      sub->replacement = dup_string (l->data, "replacement");
      sub->qty = get_count (l->data, "qty");
      sub->status = dup_string (l->data, "status");
      if (sub->original == NULL)
        sub->original = g_strdup ("?");
      if (sub->replacement == NULL)
        sub->replacement = g_strdup ("?");
      g_ptr_array_add (order->substitutions, sub);
    }
}

static char *
join_locations (JsonObject *root)
{
  g_autoptr(GList) items = get_objects (root, "locations");
  g_autoptr(GString) out = g_string_new (NULL);

  for (GList *l = items; l != NULL; l = l->next)
    {
      const char *keys[] = { "zone", "shelf", "bin" };
      g_autoptr(GString) one = g_string_new (NULL);

      for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
        {
          g_autofree char *part = dup_string (l->data, keys[i]);
          if (part != NULL && *part != '\0')
            g_string_append_printf (one, "%s%s", one->len > 0 ? "-" : "", part);
        }
      if (one->len > 0)
        g_string_append_printf (out, "%s%s", out->len > 0 ? ", " : "", one->str);
    }
  return out->len > 0 ? g_string_free (g_steal_pointer (&out), FALSE) : NULL;
}

/* "Alex K." from {first_name, last_initial}; first name and initial only. */
static char *
person_name (JsonObject *person)
{
  g_autofree char *first = dup_string (person, "first_name");
  g_autofree char *initial = dup_string (person, "last_initial");

  if (first == NULL || *first == '\0')
    return NULL;
  if (initial == NULL || *initial == '\0')
    return g_steal_pointer (&first);
  return g_strdup_printf ("%s %.*s.", first, (int) (g_utf8_next_char (initial) - initial), initial);
}

/**
 * curb_print_order_new_from_json:
 * @node: an order object as the hub API returns it
 * @error: return location for a #CURB_ERROR_INVALID error
 *
 * Unknown members are ignored; a missing or malformed "ref" is an error.
 */
CurbPrintOrder *
curb_print_order_new_from_json (JsonNode  *node,
                                GError   **error)
{
  g_autoptr(CurbPrintOrder) order = NULL;
  JsonObject *root, *bags;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error_literal (error, CURB_ERROR, CURB_ERROR_INVALID, "An order must be a JSON object");
      return NULL;
    }
  root = json_node_get_object (node);
  order = g_new0 (CurbPrintOrder, 1);
  order->lines = g_ptr_array_new_with_free_func (line_free);
  order->not_taken = g_ptr_array_new_with_free_func (not_taken_free);
  order->substitutions = g_ptr_array_new_with_free_func (substitution_free);
  order->ref = dup_string (root, "ref");
  if (!curb_order_ref_is_valid (order->ref))
    {
      g_set_error_literal (error, CURB_ERROR, CURB_ERROR_INVALID,
                           "The order has no valid \"ref\" ([A-Z0-9-]{1,32})");
      return NULL;
    }
  order->first_name = dup_string (root, "first_name");
  order->last_initial = dup_string (root, "last_initial");
  order->language = dup_string (root, "language");
  order->bay = dup_string (root, "bay");
  order->staff_first_name = dup_string (get_object (root, "claimed_by"), "first_name");
  order->alternate_pickup = person_name (get_object (root, "alternate_pickup"));
  order->location = join_locations (root);
  order->arrived_ms = get_time (root, "arrived_at");
  order->handed_over_ms = get_time (root, "handed_over_at");
  bags = get_object (root, "bags");
  for (guint i = 0; i < CURB_TEMPERATURE_COUNT; i++)
    order->bags[i] = MIN (get_count (bags, curb_temperature_to_string (i)), 99);
  parse_lines (order, root);
  parse_not_taken (order, root);
  parse_substitutions (order, root);
  return g_steal_pointer (&order);
}

CurbPrintOrder *
curb_print_order_new_from_string (const char  *json,
                                  GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();

  g_return_val_if_fail (json != NULL, NULL);

  if (!json_parser_load_from_data (parser, json, -1, error))
    {
      if (error != NULL && *error != NULL && (*error)->domain != CURB_ERROR)
        {
          g_autofree char *message = g_strdup ((*error)->message);
          g_clear_error (error);
          g_set_error (error, CURB_ERROR, CURB_ERROR_INVALID, "Order JSON: %s", message);
        }
      return NULL;
    }
  return curb_print_order_new_from_json (json_parser_get_root (parser), error);
}

void
curb_print_order_free (CurbPrintOrder *order)
{
  if (order == NULL)
    return;
  g_free (order->ref);
  g_free (order->first_name);
  g_free (order->last_initial);
  g_free (order->language);
  g_free (order->bay);
  g_free (order->staff_first_name);
  g_free (order->alternate_pickup);
  g_free (order->location);
  g_clear_pointer (&order->lines, g_ptr_array_unref);
  g_clear_pointer (&order->not_taken, g_ptr_array_unref);
  g_clear_pointer (&order->substitutions, g_ptr_array_unref);
  g_free (order);
}

guint
curb_print_order_bag_total (const CurbPrintOrder *order)
{
  return order->bags[0] + order->bags[1] + order->bags[2];
}

guint
curb_print_order_not_taken_qty (const CurbPrintOrder *order,
                                const char           *line_id)
{
  guint qty = 0;

  for (guint i = 0; line_id != NULL && i < order->not_taken->len; i++)
    {
      CurbPrintNotTaken *item = g_ptr_array_index (order->not_taken, i);
      if (g_strcmp0 (item->line_id, line_id) == 0)
        qty += item->qty;
    }
  return qty;
}

const CurbPrintSubstitution *
curb_print_order_find_substitution (const CurbPrintOrder *order,
                                    const char           *line_id)
{
  for (guint i = 0; line_id != NULL && i < order->substitutions->len; i++)
    {
      CurbPrintSubstitution *sub = g_ptr_array_index (order->substitutions, i);
      if (g_strcmp0 (sub->line_id, line_id) == 0)
        return sub;
    }
  return NULL;
}
