#include "curb-not-taken.h"
#include "curbside-core.h"

static JsonObject *
parse (const char *text)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = json_from_string (text, &error);

  g_assert_no_error (error);
  return json_node_dup_object (node);
}

static CurbEvent *
event_from (const char *text,
            GError    **error)
{
  g_autoptr(JsonObject) object = parse (text);

  return curb_event_new_from_json (object, error);
}

static void
test_round_trip (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CurbEvent) event = event_from (
      "{\"id\": \"0b1f5a2e-1111-4c3d-9e8f-123456789abc\", \"kind\": \"arrived\", \"order_ref\": \"A7K3Q9\","
      " \"at\": \"2026-11-27T15:04:00.000Z\", \"device\": \"kiosk-1\","
      " \"data\": {\"bay\": \"3\", \"source\": \"scan\"}}", &error);
  g_autoptr(JsonObject) json = NULL;
  g_autoptr(CurbEvent) again = NULL;
  g_autofree char *text = NULL;

  g_assert_no_error (error);
  g_assert_cmpint (curb_event_get_kind (event), ==, CURB_EVENT_ARRIVED);
  g_assert_cmpstr (curb_event_get_order_ref (event), ==, "A7K3Q9");
  g_assert_cmpint (curb_event_get_at_ms (event), ==, 1795791840000);
  g_assert_cmpint (curb_event_get_seq (event), ==, 0);
  g_assert_null (curb_event_get_staff (event));
  g_assert_cmpstr (json_object_get_string_member (curb_event_get_data (event), "bay"), ==, "3");

  json = curb_event_to_json (event);
  g_assert_false (json_object_has_member (json, "seq"));
  g_assert_false (json_object_has_member (json, "staff"));
  g_assert_cmpstr (json_object_get_string_member (json, "at"), ==, "2026-11-27T15:04:00.000Z");
  curb_event_set_seq (event, 1234);
  text = curb_event_to_json_string (event);
  g_assert_nonnull (strstr (text, "\"seq\":1234"));
  again = event_from (text, &error);
  g_assert_no_error (error);
  g_assert_cmpint (curb_event_get_seq (again), ==, 1234);
  g_assert_cmpstr (curb_event_get_id (again), ==, curb_event_get_id (event));
  g_assert_cmpstr (curb_event_get_device (again), ==, "kiosk-1");
}

static void
test_new_has_fresh_id_and_time (void)
{
  g_autoptr(CurbEvent) a = curb_event_new (CURB_EVENT_NO_SHOW, "A7K3Q9", "staging-1", "st-7", NULL);
  g_autoptr(CurbEvent) b = curb_event_new (CURB_EVENT_NO_SHOW, "A7K3Q9", "staging-1", "st-7", NULL);
  g_autoptr(GError) error = NULL;

  g_assert_cmpstr (curb_event_get_id (a), !=, curb_event_get_id (b));
  g_assert_cmpint (ABS (curb_event_get_at_ms (a) - curb_now_ms ()), <, 5000);
  g_assert_true (curb_event_validate (a, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (json_object_get_size (curb_event_get_data (a)), ==, 0);
}

static void
test_rejections (void)
{
  static const struct { const char *json; const char *mentions; } cases[] = {
    { "{\"kind\": \"arrived\", \"order_ref\": \"A1\", \"at\": \"2026-11-27T15:04:00.000Z\", \"device\": \"k\"}", "id" },
    { "{\"id\": \"\", \"kind\": \"arrived\", \"order_ref\": \"A1\", \"at\": \"2026-11-27T15:04:00.000Z\", \"device\": \"k\"}", "id" },
    { "{\"id\": \"x y\", \"kind\": \"arrived\", \"order_ref\": \"A1\", \"at\": \"2026-11-27T15:04:00.000Z\", \"device\": \"k\"}", "id" },
    { "{\"id\": 5, \"kind\": \"arrived\", \"order_ref\": \"A1\", \"at\": \"2026-11-27T15:04:00.000Z\", \"device\": \"k\"}", "id" },
    { "{\"id\": \"e1\", \"kind\": \"teleported\", \"order_ref\": \"A1\", \"at\": \"2026-11-27T15:04:00.000Z\", \"device\": \"k\"}", "teleported" },
    { "{\"id\": \"e1\", \"order_ref\": \"A1\", \"at\": \"2026-11-27T15:04:00.000Z\", \"device\": \"k\"}", "kind" },
    { "{\"id\": \"e1\", \"kind\": \"arrived\", \"at\": \"2026-11-27T15:04:00.000Z\", \"device\": \"k\"}", "order_ref" },
    { "{\"id\": \"e1\", \"kind\": \"arrived\", \"order_ref\": \"a1; DROP\", \"at\": \"2026-11-27T15:04:00.000Z\", \"device\": \"k\"}", "order_ref" },
    { "{\"id\": \"e1\", \"kind\": \"arrived\", \"order_ref\": \"A1\", \"device\": \"k\"}", "at" },
    { "{\"id\": \"e1\", \"kind\": \"arrived\", \"order_ref\": \"A1\", \"at\": \"tomorrow\", \"device\": \"k\"}", "at" },
    { "{\"id\": \"e1\", \"kind\": \"arrived\", \"order_ref\": \"A1\", \"at\": \"2026-11-27T15:04:00.000Z\"}", "device" },
    { "{\"id\": \"e1\", \"kind\": \"arrived\", \"order_ref\": \"A1\", \"at\": \"2026-11-27T15:04:00.000Z\", \"device\": \"k\", \"data\": [1]}", "data" },
    { "{\"id\": \"e1\", \"kind\": \"arrived\", \"order_ref\": \"A1\", \"at\": \"2026-11-27T15:04:00.000Z\", \"device\": \"k\", \"data\": {\"source\": \"telepathy\"}}", "source" },
    { "{\"id\": \"e1\", \"kind\": \"arrived\", \"order_ref\": \"A1\", \"at\": \"2026-11-27T15:04:00.000Z\", \"device\": \"k\", \"data\": {\"bay\": 3}}", "bay" },
    { "{\"id\": \"e1\", \"kind\": \"claimed\", \"order_ref\": \"A1\", \"at\": \"2026-11-27T15:04:00.000Z\", \"device\": \"k\"}", "staff" },
    { "{\"id\": \"e1\", \"kind\": \"claimed\", \"order_ref\": \"A1\", \"at\": \"2026-11-27T15:04:00.000Z\", \"device\": \"k\", \"staff\": \"st-7\", \"data\": {\"eta_s\": -5}}", "eta_s" },
    { "{\"id\": \"e1\", \"kind\": \"staged\", \"order_ref\": \"A1\", \"at\": \"2026-11-27T15:04:00.000Z\", \"device\": \"k\", \"data\": {\"bags\": {\"chilled\": -1}}}", "bags" },
    { "{\"id\": \"e1\", \"kind\": \"staged\", \"order_ref\": \"A1\", \"at\": \"2026-11-27T15:04:00.000Z\", \"device\": \"k\", \"data\": {\"locations\": [{\"zone\": 1}]}}", "locations" },
    { "{\"id\": \"e1\", \"kind\": \"partially_handed_over\", \"order_ref\": \"A1\", \"at\": \"2026-11-27T15:04:00.000Z\", \"device\": \"k\"}", "not_taken" },
    { "{\"id\": \"e1\", \"kind\": \"partially_handed_over\", \"order_ref\": \"A1\", \"at\": \"2026-11-27T15:04:00.000Z\", \"device\": \"k\", \"data\": {\"not_taken\": [{\"line_id\": \"L1\", \"qty\": 0}]}}", "not_taken" },
    { "{\"id\": \"e1\", \"kind\": \"substitution_decided\", \"order_ref\": \"A1\", \"at\": \"2026-11-27T15:04:00.000Z\", \"device\": \"k\", \"data\": {\"approved\": true}}", "substitution_id" },
    { "{\"id\": \"e1\", \"kind\": \"substitution_decided\", \"order_ref\": \"A1\", \"at\": \"2026-11-27T15:04:00.000Z\", \"device\": \"k\", \"data\": {\"substitution_id\": \"S1\", \"approved\": \"yes\"}}", "approved" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(CurbEvent) event = NULL;

      g_test_message ("%s", cases[i].json);
      event = event_from (cases[i].json, &error);
      g_assert_null (event);
      g_assert_error (error, CURB_ERROR, CURB_ERROR_INVALID);
      g_assert_nonnull (strstr (error->message, cases[i].mentions));
    }
}

static void
test_unknown_fields_dropped (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CurbEvent) event = event_from (
      "{\"id\": \"e-1\", \"kind\": \"claimed\", \"order_ref\": \"A1\", \"at\": \"2026-11-27T15:04:00.000Z\","
      " \"device\": \"staging-1\", \"staff\": \"st-7\", \"colour\": \"blue\","
      " \"data\": {\"staff_name\": \"Alex\", \"eta_s\": 90, \"first_name\": \"Sam\", \"surname\": \"Rivera\"}}",
      &error);
  JsonObject *data;

  g_assert_no_error (error);
  data = curb_event_get_data (event);
  g_assert_cmpuint (json_object_get_size (data), ==, 2);
  g_assert_cmpstr (json_object_get_string_member (data, "staff_name"), ==, "Alex");
  g_assert_cmpint (json_object_get_int_member (data, "eta_s"), ==, 90);
  g_assert_false (json_object_has_member (data, "surname"));
}

static void
test_staged_data_cleaned (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CurbEvent) event = event_from (
      "{\"id\": \"e-2\", \"kind\": \"staged\", \"order_ref\": \"A1\", \"at\": \"2026-11-27T15:04:00.000Z\","
      " \"device\": \"staging-1\", \"data\": {\"locations\": [{\"zone\": \"C\", \"shelf\": \"2\", \"bin\": \"14\","
      " \"note\": \"Sam's\"}], \"bags\": {\"chilled\": 1, \"ambient\": 2, \"hot\": 9}}}", &error);
  JsonObject *data;
  JsonObject *location;
  JsonObject *bags;

  g_assert_no_error (error);
  data = curb_event_get_data (event);
  location = json_array_get_object_element (json_object_get_array_member (data, "locations"), 0);
  g_assert_cmpuint (json_object_get_size (location), ==, 3);
  g_assert_cmpstr (json_object_get_string_member (location, "bin"), ==, "14");
  bags = json_object_get_object_member (data, "bags");
  g_assert_cmpuint (json_object_get_size (bags), ==, 3);
  g_assert_cmpint (json_object_get_int_member (bags, "ambient"), ==, 2);
  g_assert_cmpint (json_object_get_int_member (bags, "frozen"), ==, 0);
}

static void
test_data_copied (void)
{
  g_autoptr(JsonObject) data = json_object_new ();
  g_autoptr(CurbEvent) event = NULL;

  json_object_set_string_member (data, "bay", "3");
  event = curb_event_new (CURB_EVENT_ARRIVED, "A1", "kiosk-1", NULL, data);
  json_object_set_string_member (data, "bay", "9");
  g_assert_cmpstr (json_object_get_string_member (curb_event_get_data (event), "bay"), ==, "3");
}

/* The event's facts through its own getters, typed where the rules need it. */
static void
test_fact_getters (void)
{
  g_autoptr(JsonObject) staged = parse ("{\"locations\": [{\"zone\": \"C\"}], \"bags\": {\"chilled\": 2}}");
  g_autoptr(JsonObject) arrived = parse ("{\"bay\": \"3\"}");
  g_autoptr(JsonObject) partial = parse ("{\"not_taken\": [{\"line_id\": \"L2\", \"qty\": 1, \"reason\": \"damaged\"}]}");
  g_autoptr(CurbEvent) a = curb_event_new (CURB_EVENT_STAGED, "A1", "staging-1", "st-7", staged);
  g_autoptr(CurbEvent) b = curb_event_new (CURB_EVENT_ARRIVED, "A1", "kiosk-1", NULL, arrived);
  g_autoptr(CurbEvent) c = curb_event_new (CURB_EVENT_PARTIALLY_HANDED_OVER, "A1", "staging-1", "st-7", partial);
  g_autoptr(GPtrArray) not_taken = NULL;
  g_autoptr(GPtrArray) none = NULL;

  g_assert_true (curb_event_validate (a, NULL) && curb_event_validate (b, NULL) && curb_event_validate (c, NULL));
  g_assert_cmpuint (json_array_get_length (curb_event_get_locations (a)), ==, 1);
  g_assert_cmpint (json_object_get_int_member (curb_event_get_bags (a), "chilled"), ==, 2);
  g_assert_null (curb_event_get_bay (a));
  g_assert_cmpstr (curb_event_get_bay (b), ==, "3");
  g_assert_null (curb_event_get_locations (b));
  not_taken = curb_event_dup_not_taken (c);
  g_assert_cmpuint (not_taken->len, ==, 1);
  g_assert_cmpstr (curb_not_taken_get_line_id (g_ptr_array_index (not_taken, 0)), ==, "L2");
  g_assert_cmpuint (curb_not_taken_get_qty (g_ptr_array_index (not_taken, 0)), ==, 1);
  g_assert_cmpstr (curb_not_taken_get_reason (g_ptr_array_index (not_taken, 0)), ==, "damaged");
  none = curb_event_dup_not_taken (b);
  g_assert_cmpuint (none->len, ==, 0);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/event/round-trip", test_round_trip);
  g_test_add_func ("/event/new", test_new_has_fresh_id_and_time);
  g_test_add_func ("/event/rejections", test_rejections);
  g_test_add_func ("/event/unknown-fields-dropped", test_unknown_fields_dropped);
  g_test_add_func ("/event/staged-data-cleaned", test_staged_data_cleaned);
  g_test_add_func ("/event/data-copied", test_data_copied);
  g_test_add_func ("/event/fact-getters", test_fact_getters);
  return g_test_run ();
}
