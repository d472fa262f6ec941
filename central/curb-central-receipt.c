#include "curb-central-receipt.h"

#include "curbside-core.h"

/* The digital receipt that a printed receipt's QR code opens: the order as
 * central has it and the pickup facts the store sent, as one small HTML
 * page. Like the store's screens it names the shopper by first name and
 * last initial only. Every text from the order is escaped. */

typedef struct
{
  const char *kind;
  const char *at;
  JsonObject *data;
} PickupFact;

/* @before, the escaped @text, @after */
static void
append_escaped (GString    *out,
                const char *before,
                const char *text,
                const char *after)
{
  g_autofree char *escaped = g_markup_escape_text (text != NULL ? text : "", -1);

  g_string_append (out, before);
  g_string_append (out, escaped);
  g_string_append (out, after);
}

static const char *
member_string (JsonObject *object,
               const char *name)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, name) : NULL;

  return node != NULL && JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING
         ? json_node_get_string (node) : NULL;
}

static JsonArray *
member_array (JsonObject *object,
              const char *name)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, name) : NULL;

  return node != NULL && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
}

static char *
format_time (const char *iso)
{
  gint64 ms;
  g_autoptr(GDateTime) local = NULL;

  if (iso == NULL || !curb_iso8601_to_ms (iso, &ms))
    return NULL;
  local = g_date_time_new_from_unix_local (ms / 1000);
  return g_date_time_format (local, "%Y-%m-%d %H:%M");
}

/* The last handover (full or partial) the store sent for the order. */
static PickupFact
find_pickup (JsonArray *events)
{
  PickupFact fact = { NULL, NULL, NULL };

  for (guint i = 0; events != NULL && i < json_array_get_length (events); i++)
    {
      JsonObject *row = json_array_get_object_element (events, i);
      JsonNode *node = json_object_get_member (row, "event");
      JsonObject *event = node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
      const char *kind = member_string (row, "kind");
      JsonNode *data = event != NULL ? json_object_get_member (event, "data") : NULL;

      if (g_strcmp0 (kind, "handed_over") != 0 && g_strcmp0 (kind, "partially_handed_over") != 0)
        continue;
      fact.kind = kind;
      fact.at = member_string (event, "at");
      fact.data = data != NULL && JSON_NODE_HOLDS_OBJECT (data) ? json_node_get_object (data) : NULL;
    }
  return fact;
}

static gint64
qty_not_taken (PickupFact *pickup,
               const char *line_id)
{
  JsonArray *not_taken = member_array (pickup->data, "not_taken");
  gint64 qty = 0;

  for (guint i = 0; not_taken != NULL && i < json_array_get_length (not_taken); i++)
    {
      JsonObject *entry = json_array_get_object_element (not_taken, i);

      if (entry != NULL && g_strcmp0 (member_string (entry, "line_id"), line_id) == 0)
        qty += json_object_get_int_member_with_default (entry, "qty", 0);
    }
  return qty;
}

static const char *
substitute_for (JsonObject *order,
                const char *line_id)
{
  JsonArray *subs = member_array (order, "substitutions");

  for (guint i = 0; subs != NULL && i < json_array_get_length (subs); i++)
    {
      JsonObject *sub = json_array_get_object_element (subs, i);

      if (sub != NULL && g_strcmp0 (member_string (sub, "line_id"), line_id) == 0
          && g_strcmp0 (member_string (sub, "status"), "approved") == 0)
        return member_string (sub, "replacement");
    }
  return NULL;
}

static void
append_line (GString    *out,
             JsonObject *order,
             JsonObject *line,
             PickupFact *pickup)
{
  const char *id = member_string (line, "id");
  const char *replacement = substitute_for (order, id);
  gint64 qty = json_object_get_int_member_with_default (line, "qty", 0);
  gint64 missing = qty_not_taken (pickup, id);

  g_string_append (out, "<tr><td>");
  if (replacement != NULL)
    {
      append_escaped (out, "", replacement, "");
      append_escaped (out, " <small>(instead of ", member_string (line, "name"), ")</small>");
    }
  else
    append_escaped (out, "", member_string (line, "name"), "");
  g_string_append_printf (out, "</td><td class=\"qty\">%" G_GINT64_FORMAT "</td><td>", qty - missing);
  if (missing > 0)
    g_string_append_printf (out, "%" G_GINT64_FORMAT " not taken", missing);
  g_string_append (out, "</td></tr>\n");
}

static void
append_pickup (GString    *out,
               JsonObject *order,
               PickupFact *pickup)
{
  g_autofree char *when = format_time (pickup->at);

  if (json_object_get_boolean_member_with_default (order, "cancelled", FALSE))
    g_string_append (out, "<p class=\"state\">This order was cancelled.</p>\n");
  else if (pickup->kind == NULL)
    g_string_append (out, "<p class=\"state\">Not picked up yet.</p>\n");
  else if (g_str_equal (pickup->kind, "partially_handed_over"))
    append_escaped (out, "<p class=\"state\">Picked up in part on ", when, ".</p>\n");
  else
    append_escaped (out, "<p class=\"state\">Picked up on ", when, ".</p>\n");
}

/**
 * curb_central_receipt_html:
 * @order: the order document
 * @events: (nullable): the store's events for it, as
 *   curb_central_db_list_order_events() returns them
 *
 * Returns: (transfer full): the digital receipt as an HTML page
 */
char *
curb_central_receipt_html (JsonObject *order,
                           JsonArray  *events)
{
  g_autoptr(GString) out = g_string_new (NULL);
  g_autofree char *name = curb_order_format_display_name (member_string (order, "first_name"),
                                                          member_string (order, "last_initial"));
  PickupFact pickup = find_pickup (events);
  JsonArray *lines = member_array (order, "lines");

  g_return_val_if_fail (order != NULL, NULL);

  append_escaped (out, "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width\"><title>Receipt ", member_string (order, "ref"), "</title>\n");
  g_string_append (out, "<style>body{font-family:sans-serif;max-width:32em;margin:1em auto;padding:0 1em}"
                        "td{padding:.3em .5em;border-bottom:1px solid #ddd}.qty{text-align:right}"
                        ".state{font-weight:bold}</style></head><body>\n");
  append_escaped (out, "<h1>Receipt for order ", member_string (order, "ref"), "</h1>\n");
  if (name != NULL)
    append_escaped (out, "<p>For ", name, "</p>\n");
  append_pickup (out, order, &pickup);
  g_string_append (out, "<table><tr><th>Item</th><th>Qty</th><th></th></tr>\n");
  for (guint i = 0; lines != NULL && i < json_array_get_length (lines); i++)
    {
      JsonObject *line = json_array_get_object_element (lines, i);

      if (line != NULL)
        append_line (out, order, line, &pickup);
    }
  g_string_append (out, "</table>\n<p><small>Curbside pickup</small></p>\n</body></html>\n");
  return g_string_free (g_steal_pointer (&out), FALSE);
}
