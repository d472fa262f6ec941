#include "test-staging-orders.h"

#include "board/curb-board-page.h"
#include "board/curb-order-card.h"
#include "curb-order-codec.h"
#include "test-staging-display.h"
#include "curbside-core.h"

static void
add_time (GString    *json,
          const char *name,
          gint64      now,
          gint64      ago)
{
  g_autofree char *iso = NULL;

  if (ago < 0)
    return;
  iso = curb_iso8601_from_ms (now - ago);
  g_string_append_printf (json, ",\"%s\":\"%s\"", name, iso);
}

char *
curb_test_order_json (const CurbTestOrder *s,
                      gint64               now)
{
  GString *json = g_string_new ("{");
  g_autofree char *wstart = curb_iso8601_from_ms (now + s->window_end_in_ms - 3600000);
  g_autofree char *wend = curb_iso8601_from_ms (now + s->window_end_in_ms);
  g_autoptr(JsonNode) name = json_node_new (JSON_NODE_VALUE);
  g_autofree char *name_json = NULL;

  json_node_set_string (name, s->first_name ? s->first_name : "Sam");
  name_json = json_to_string (name, FALSE);
  g_string_append_printf (json, "\"ref\":\"%s\",\"store_id\":\"store-001\",\"version\":1,"
                          "\"state\":\"%s\",\"first_name\":%s,\"last_initial\":\"%s\","
                          "\"staged\":%s,\"age_restricted\":%s,\"last_seq\":%" G_GINT64_FORMAT,
                          s->ref, s->state, name_json, s->last_initial ? s->last_initial : "R",
                          s->staged ? "true" : "false", s->age_restricted ? "true" : "false", s->seq);
  g_string_append_printf (json, ",\"window_start\":\"%s\",\"window_end\":\"%s\"", wstart, wend);
  if (s->bay)
    g_string_append_printf (json, ",\"bay\":\"%s\"", s->bay);
  add_time (json, "arrived_at", now, s->arrived_ago_ms);
  add_time (json, "claimed_at", now, s->claimed_ago_ms);
  add_time (json, "handed_over_at", now, s->handed_ago_ms);
  if (s->staged)
    add_time (json, "staged_at", now, s->staged_ago_ms);
  if (s->claimed_by)
    g_string_append_printf (json, ",\"claimed_by\":{\"id\":\"%s\",\"first_name\":\"%s\"}",
                            s->claimed_by, g_str_equal (s->claimed_by, "st-7") ? "Alex" : "Jo");
  if (s->staged)
    g_string_append (json, ",\"locations\":[{\"zone\":\"C\",\"shelf\":\"2\",\"bin\":\"14\"}]");
  g_string_append_printf (json, ",\"bags\":{\"ambient\":%d,\"chilled\":%d,\"frozen\":%d}",
                          s->bags[0], s->bags[1], s->bags[2]);
  g_string_append (json, ",\"lines\":[{\"id\":\"L1\",\"sku\":\"GRO-EGGS-12\",\"name\":\"Free Range Eggs (12)\","
                         "\"qty\":2,\"temperature\":\"chilled\",\"age_restricted\":false},"
                         "{\"id\":\"L2\",\"sku\":\"GRO-OAT-1L\",\"name\":\"Oat milk 1 L\",\"qty\":1,"
                         "\"temperature\":\"chilled\",\"age_restricted\":false},"
                         "{\"id\":\"L3\",\"sku\":\"GRO-BREAD\",\"name\":\"Sourdough loaf\",\"qty\":1,"
                         "\"temperature\":\"ambient\",\"age_restricted\":false}");
  if (s->age_restricted)
    g_string_append (json, ",{\"id\":\"L4\",\"sku\":\"BEV-WINE-RED\",\"name\":\"Red wine 75 cl\",\"qty\":1,"
                           "\"temperature\":\"ambient\",\"age_restricted\":true}");
  g_string_append (json, "]");
  if (s->substitution_pending)
    g_string_append (json, ",\"substitutions\":[{\"id\":\"S1\",\"line_id\":\"L2\",\"original\":\"Oat milk 1 L\","
                           "\"replacement\":\"Soy milk 1 L\",\"qty\":1,\"status\":\"pending\"}]");
  if (s->alternate)
    g_string_append (json, ",\"alternate_pickup\":{\"first_name\":\"Alex\",\"last_initial\":\"K\"}");
  g_string_append (json, "}");
  return g_string_free (json, FALSE);
}

CurbOrder *
curb_test_order_new (const CurbTestOrder *spec,
                     gint64               now)
{
  g_autofree char *json = curb_test_order_json (spec, now);
  g_autoptr(GError) error = NULL;
  CurbOrder *order = curb_order_codec_decode_string (json, &error);

  g_assert_no_error (error);
  return order;
}

static const char *const first_names[] = { "Sam", "Maria", "Jonas", "Aiko", "Priya", "Tom", "Lea", "Omar" };

CurbOrder *
curb_test_order_nth (guint       i,
                     const char *state,
                     gint64      now)
{
  g_autofree char *ref = g_strdup_printf ("B%05u", i);
  g_autofree char *bay = g_strdup_printf ("%u", i % 8 + 1);
  gboolean arrived = g_str_equal (state, "arrived") || g_str_equal (state, "claimed");
  CurbTestOrder spec = {
    .ref = ref, .state = state, .first_name = first_names[i % G_N_ELEMENTS (first_names)],
    .last_initial = "R", .bay = arrived ? bay : NULL,
    .arrived_ago_ms = arrived ? (gint64) (i % 300) * 1000 : -1,
    .claimed_ago_ms = g_str_equal (state, "claimed") ? 1000 : -1, .handed_ago_ms = -1,
    .staged = TRUE, .staged_ago_ms = 600000, .bags = { 1 + i % 3, i % 2, i % 4 == 0 },
    .age_restricted = i % 5 == 0, .substitution_pending = i % 7 == 0, .alternate = i % 11 == 0,
    .window_end_in_ms = 3600000, .claimed_by = g_str_equal (state, "claimed") ? "st-9" : NULL,
    .seq = i + 1,
  };

  return curb_test_order_new (&spec, now);
}

static GtkWidget *
card_of_order (GtkListView *view,
               CurbOrder   *order)
{
  for (GtkWidget *row = gtk_widget_get_first_child (GTK_WIDGET (view)); row; row = gtk_widget_get_next_sibling (row))
    {
      GtkWidget *card = gtk_widget_get_first_child (row);

      if (card != NULL && CURB_IS_ORDER_CARD (card) && gtk_widget_get_child_visible (row)
          && curb_order_card_get_order (CURB_ORDER_CARD (card)) == order)
        return card;
    }
  return NULL;
}

/* Returns: (nullable): why the board is not at its top, or %NULL */
static char *
why_not_at_top (GtkWidget *board_page)
{
  for (guint c = 0; c < CURB_BOARD_N_COLUMNS; c++)
    {
      GtkListView *view = curb_board_page_get_column_view (CURB_BOARD_PAGE (board_page), c);
      GListModel *model = G_LIST_MODEL (gtk_list_view_get_model (view));
      GtkAdjustment *adj = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (view));
      g_autoptr(CurbOrder) first = g_list_model_get_item (model, 0);
      GtkWidget *card;
      graphene_rect_t bounds;

      if (first == NULL)
        continue;
      card = card_of_order (view, first);
      if (card == NULL)
        return g_strdup_printf ("column %u does not show its first order %s", c, curb_order_get_ref (first));
      if (!gtk_widget_compute_bounds (card, GTK_WIDGET (view), &bounds))
        return g_strdup_printf ("column %u: the first card is not laid out", c);
      if (bounds.origin.y < 0 || bounds.origin.y + bounds.size.height > gtk_widget_get_height (GTK_WIDGET (view)))
        return g_strdup_printf ("column %u: the first card (%s) is cut: y %.0f, height %.0f in a list %d high "
                                "(scrolled to %.0f of %.0f–%.0f)", c, curb_order_get_ref (first), bounds.origin.y,
                                bounds.size.height, gtk_widget_get_height (GTK_WIDGET (view)),
                                gtk_adjustment_get_value (adj), gtk_adjustment_get_lower (adj),
                                gtk_adjustment_get_upper (adj));
    }
  return NULL;
}

static gboolean
at_top (gpointer board_page)
{
  g_autofree char *why = why_not_at_top (board_page);

  return why == NULL;
}

/* The board may take a few frames to lay out its cards; a board that
 * stays scrolled or cut fails. */
void
curb_test_assert_board_at_top (GtkWidget *board_page)
{
  g_autofree char *why = NULL;

  if (curb_test_spin_until (at_top, board_page, 3000))
    return;
  why = why_not_at_top (board_page);
  g_error ("%s", why);
}
