#include "test-staging-orders.h"

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

CurbBoardOrder *
curb_test_order_new (const CurbTestOrder *spec,
                     gint64               now)
{
  g_autofree char *json = curb_test_order_json (spec, now);
  g_autoptr(GError) error = NULL;
  CurbBoardOrder *order = curb_board_order_new_from_string (json, &error);

  g_assert_no_error (error);
  return order;
}

static const char *const first_names[] = { "Sam", "Maria", "Jonas", "Aiko", "Priya", "Tom", "Lea", "Omar" };

CurbBoardOrder *
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
