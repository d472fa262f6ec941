/* CurbOrder and its JSON codec: properties notify only on change, lists
 * change only when their items do, the codec is strict and round-trips,
 * and it reads every member the store writes. */
#include "curb-order-codec.h"
#include "curb-test-helpers.h"
#include "curbside-store.h"

static char *
golden_json (const char *name)
{
  g_autofree char *path = g_build_filename (g_getenv ("CURB_SOURCE_ROOT"), "tests", "golden", name, NULL);
  g_autoptr(GError) error = NULL;
  char *json = NULL;

  g_assert_true (g_file_get_contents (path, &json, NULL, &error));
  g_assert_no_error (error);
  return json;
}

static CurbOrder *
sample_order (void)
{
  g_autofree char *json = golden_json ("order-sample.json");
  g_autoptr(GError) error = NULL;
  CurbOrder *order = curb_order_codec_decode_string (json, &error);

  g_assert_no_error (error);
  g_assert_nonnull (order);
  return order;
}

static void
count_notify (GObject    *object,
              GParamSpec *pspec,
              GHashTable *counts)
{
  const char *name = g_param_spec_get_name (pspec);

  g_hash_table_insert (counts, (gpointer) name,
                       GUINT_TO_POINTER (GPOINTER_TO_UINT (g_hash_table_lookup (counts, name)) + 1));
}

static guint
notified (GHashTable *counts,
          const char *name)
{
  return GPOINTER_TO_UINT (g_hash_table_lookup (counts, name));
}

static void
count_items_changed (GListModel *model,
                     guint       position,
                     guint       removed,
                     guint       added,
                     guint      *count)
{
  (*count)++;
}

static void
test_setters_notify_on_change (void)
{
  g_autoptr(CurbOrder) order = curb_order_new ("A1");
  g_autoptr(GHashTable) counts = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(CurbPerson) claimer = curb_person_new ("st-7", "Alex", NULL);
  g_autoptr(CurbPerson) same_claimer = curb_person_new ("st-7", "Alex", NULL);
  g_autofree char *name = NULL;

  g_signal_connect (order, "notify", G_CALLBACK (count_notify), counts);
  curb_order_set_ref (order, "A1");
  curb_order_set_state (order, CURB_ORDER_STATE_PENDING);
  curb_order_set_staged (order, FALSE);
  curb_order_set_bay (order, NULL);
  g_assert_cmpuint (g_hash_table_size (counts), ==, 0);

  curb_order_set_state (order, CURB_ORDER_STATE_ARRIVED);
  curb_order_set_state (order, CURB_ORDER_STATE_ARRIVED);
  curb_order_set_bay (order, "3");
  curb_order_set_bay (order, "3");
  curb_order_set_claimer (order, claimer);
  curb_order_set_claimer (order, same_claimer);
  curb_order_set_first_name (order, "Sam");
  curb_order_set_last_initial (order, "R");
  curb_order_set_last_initial (order, "R");
  g_assert_cmpuint (notified (counts, "state"), ==, 1);
  g_assert_cmpuint (notified (counts, "bay"), ==, 1);
  g_assert_cmpuint (notified (counts, "claimer"), ==, 1);
  g_assert_cmpuint (notified (counts, "display-name"), ==, 2);
  g_object_get (order, "display-name", &name, NULL);
  g_assert_cmpstr (name, ==, "Sam R.");
  g_assert_true (curb_order_get_claimer (order) == claimer);
}

static void
test_lists_change_only_when_items_do (void)
{
  g_autoptr(CurbOrder) order = curb_order_new ("A1");
  g_autoptr(GPtrArray) lines = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) same = g_ptr_array_new_with_free_func (g_object_unref);
  guint changes = 0, bag_changes = 0;
  guint counts[CURB_TEMPERATURE_COUNT] = { 2, 0, 1 };
  g_autoptr(CurbBag) third = NULL;

  g_ptr_array_add (lines, curb_order_line_new ("L1", "EGGS", "Eggs", 2, CURB_TEMPERATURE_CHILLED, FALSE));
  g_ptr_array_add (same, curb_order_line_new ("L1", "EGGS", "Eggs", 2, CURB_TEMPERATURE_CHILLED, FALSE));
  g_signal_connect (curb_order_get_lines (order), "items-changed", G_CALLBACK (count_items_changed), &changes);
  g_signal_connect (curb_order_get_bags (order), "items-changed", G_CALLBACK (count_items_changed), &bag_changes);
  curb_order_set_lines (order, lines);
  curb_order_set_lines (order, same);
  g_assert_cmpuint (changes, ==, 1);
  g_ptr_array_add (same, curb_order_line_new ("L2", NULL, "Milk", 1, CURB_TEMPERATURE_CHILLED, TRUE));
  curb_order_set_lines (order, same);
  g_assert_cmpuint (changes, ==, 2);
  g_assert_cmpuint (g_list_model_get_n_items (curb_order_get_lines (order)), ==, 2);
  g_assert_true (curb_order_line_get_age_restricted (curb_order_find_line (order, "L2")));
  g_assert_null (curb_order_find_line (order, "L9"));

  curb_order_set_bag_counts (order, counts);
  curb_order_set_bag_counts (order, counts);
  g_assert_cmpuint (bag_changes, ==, 1);
  g_assert_cmpuint (curb_order_get_bag_count (order), ==, 3);
  g_assert_cmpuint (curb_order_count_bags (order, CURB_TEMPERATURE_FROZEN), ==, 1);
  third = g_list_model_get_item (curb_order_get_bags (order), 2);
  g_assert_cmpuint (curb_bag_get_number (third), ==, 3);
  g_assert_cmpint (curb_bag_get_temperature (third), ==, CURB_TEMPERATURE_FROZEN);
}

static void
test_update_notifies_only_news (void)
{
  g_autoptr(CurbOrder) order = sample_order ();
  g_autoptr(CurbOrder) same = sample_order ();
  g_autoptr(CurbOrder) newer = sample_order ();
  g_autoptr(GHashTable) counts = g_hash_table_new (g_str_hash, g_str_equal);
  guint line_changes = 0, substitution_changes = 0;

  g_signal_connect (order, "notify", G_CALLBACK (count_notify), counts);
  g_signal_connect (curb_order_get_lines (order), "items-changed", G_CALLBACK (count_items_changed), &line_changes);
  g_signal_connect (curb_order_get_substitutions (order), "items-changed",
                    G_CALLBACK (count_items_changed), &substitution_changes);
  curb_order_update (order, same);
  g_assert_cmpuint (g_hash_table_size (counts), ==, 0);
  g_assert_true (curb_order_equal (order, same));

  curb_order_set_state (newer, CURB_ORDER_STATE_HANDED_OVER);
  curb_order_set_last_seq (newer, 99);
  g_assert_true (curb_order_decide_substitution (newer, "S1", CURB_SUBSTITUTION_DECLINED));
  g_assert_false (curb_order_decide_substitution (newer, "S9", CURB_SUBSTITUTION_DECLINED));
  g_assert_false (curb_order_equal (order, newer));
  curb_order_update (order, newer);
  g_assert_cmpuint (notified (counts, "state"), ==, 1);
  g_assert_cmpuint (notified (counts, "last-seq"), ==, 1);
  g_assert_cmpuint (notified (counts, "substitutions"), ==, 1);
  g_assert_cmpuint (g_hash_table_size (counts), ==, 3);
  g_assert_cmpuint (line_changes, ==, 0);
  g_assert_cmpuint (substitution_changes, ==, 1);
  g_assert_cmpint (curb_substitution_get_status (curb_order_find_substitution (order, "S1")), ==,
                   CURB_SUBSTITUTION_DECLINED);
  g_assert_true (curb_order_equal (order, newer));
}

static void
test_decode_sample (void)
{
  g_autoptr(CurbOrder) order = sample_order ();
  g_autofree char *locations = curb_order_dup_locations_text (order);
  g_autofree char *alternate = curb_person_dup_display_name (curb_order_get_alternate_pickup (order));
  CurbSubstitution *substitution = curb_order_find_substitution_for_line (order, "L2");

  g_assert_cmpstr (curb_order_get_ref (order), ==, "A7K3Q9");
  g_assert_cmpint (curb_order_get_version (order), ==, 7);
  g_assert_cmpint (curb_order_get_state (order), ==, CURB_ORDER_STATE_PARTIALLY_HANDED_OVER);
  g_assert_cmpstr (curb_order_get_language (order), ==, "es");
  g_assert_cmpstr (curb_person_get_first_name (curb_order_get_claimer (order)), ==, "Bego\xc3\xb1" "a");
  g_assert_cmpstr (curb_person_get_id (curb_order_get_claimer (order)), ==, "st-7");
  g_assert_cmpstr (alternate, ==, "\xc3\x81lex K.");
  g_assert_cmpstr (locations, ==, "C-2-14");
  g_assert_cmpuint (curb_order_get_bag_count (order), ==, 4);
  g_assert_cmpuint (g_list_model_get_n_items (curb_order_get_lines (order)), ==, 5);
  g_assert_cmpuint (curb_order_get_not_taken_qty (order, "L5"), ==, 1);
  g_assert_cmpuint (curb_order_get_not_taken_qty (order, "L1"), ==, 0);
  g_assert_cmpstr (curb_substitution_get_replacement (substitution), ==, "Soy milk 1 L");
  g_assert_cmpint (curb_substitution_get_status (substitution), ==, CURB_SUBSTITUTION_APPROVED);
  g_assert_cmpint (curb_order_get_arrived_at (order), ==, 1795791840000);
  g_assert_cmpint (curb_order_get_claimed_at (order), ==, 0);
}

/* The shopper's "I'm on my way" and the lines to re-stage after central
 * changed a staged order: read, written back the same, strict. */
static void
test_on_the_way_and_restage (void)
{
  const char *json = "{\"ref\":\"R1\",\"state\":\"ready\",\"staged\":true,"
                     "\"on_the_way\":{\"announced_at\":\"2026-11-27T15:00:00Z\",\"eta\":\"2026-11-27T15:12:00Z\"},"
                     "\"restage\":[{\"line_id\":\"L2\",\"name\":\"Whole Milk 1 L\",\"staged_qty\":1,\"qty\":4}]}";
  g_autoptr(GError) error = NULL;
  g_autoptr(CurbOrder) order = curb_order_codec_decode_string (json, &error);
  g_autoptr(CurbRestageLine) line = NULL;
  g_autoptr(JsonObject) encoded = NULL;
  g_autoptr(CurbOrder) decoded = NULL;
  g_autoptr(CurbOrder) plain = curb_order_new ("R2");
  g_autoptr(JsonObject) plain_encoded = NULL;
  g_autoptr(CurbOrder) bad = NULL;

  g_assert_no_error (error);
  g_assert_cmpint (curb_order_get_eta (order) - curb_order_get_announced_at (order), ==, 12 * 60 * 1000);
  line = g_list_model_get_item (curb_order_get_restage (order), 0);
  g_assert_cmpstr (curb_restage_line_get_name (line), ==, "Whole Milk 1 L");
  g_assert_cmpuint (curb_restage_line_get_qty (line), ==, 4);
  encoded = curb_order_codec_encode (order);
  decoded = curb_order_codec_decode (encoded, &error);
  g_assert_no_error (error);
  g_assert_true (curb_order_equal (order, decoded));
  plain_encoded = curb_order_codec_encode (plain);
  g_assert_false (json_object_has_member (plain_encoded, "restage"));   /* absent when the staging fits */
  g_assert_true (JSON_NODE_HOLDS_NULL (json_object_get_member (plain_encoded, "on_the_way")));
  bad = curb_order_codec_decode_string ("{\"ref\":\"R1\",\"restage\":[{\"line_id\":\"L2\",\"staged_qty\":1,"
                                        "\"qty\":-4}]}", &error);
  g_assert_null (bad);
  g_assert_error (error, CURB_ERROR, CURB_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "restage[0].qty"));
}

static void
test_round_trip (void)
{
  g_autoptr(CurbOrder) order = sample_order ();
  g_autoptr(JsonObject) encoded = curb_order_codec_encode (order);
  g_autoptr(GError) error = NULL;
  g_autoptr(CurbOrder) decoded = curb_order_codec_decode (encoded, &error);
  g_autoptr(JsonObject) again = NULL;
  g_autoptr(JsonNode) a = json_node_new (JSON_NODE_OBJECT);
  g_autoptr(JsonNode) b = json_node_new (JSON_NODE_OBJECT);

  g_assert_no_error (error);
  g_assert_true (curb_order_equal (order, decoded));
  again = curb_order_codec_encode (decoded);
  json_node_set_object (a, encoded);
  json_node_set_object (b, again);
  g_assert_true (json_node_equal (a, b));
  g_assert_true (JSON_NODE_HOLDS_NULL (json_object_get_member (encoded, "claimed_at")));
  g_assert_false (json_object_has_member (encoded, "surname"));
}

typedef struct
{
  const char *json;
  const char *message;
} BadOrder;

static void
test_strict_errors (void)
{
  static const BadOrder bad[] = {
    { "{}", "Order field ref is missing" },
    { "{\"ref\": \"lower\"}", "Order field ref must be 1 to 32" },
    { "{\"ref\": 5}", "Order field ref must be a string" },
    { "{\"ref\": \"A1\", \"version\": \"7\"}", "Order field version must be an integer" },
    { "{\"ref\": \"A1\", \"state\": \"lost\"}", "Order field state is not a pickup state" },
    { "{\"ref\": \"A1\", \"staged\": 1}", "Order field staged must be true or false" },
    { "{\"ref\": \"A1\", \"arrived_at\": \"yesterday\"}", "Order field arrived_at is not an ISO 8601 time" },
    { "{\"ref\": \"A1\", \"window_start\": \"1013-11-27T15:00:00.000Z\"}", "Order field window_start is before 1970" },
    { "{\"ref\": \"A1\", \"window_start\": \"2026-11-27T16:00:00Z\", \"window_end\": \"2026-11-27T15:00:00Z\"}",
      "Order field window_end is before window_start" },
    { "{\"ref\": \"A1\", \"lines\": {}}", "Order field lines must be an array" },
    { "{\"ref\": \"A1\", \"lines\": [7]}", "Order field lines[0] must be an object" },
    { "{\"ref\": \"A1\", \"lines\": [{\"id\": \"L1\", \"name\": \"Eggs\", \"qty\": \"2\"}]}",
      "Order field lines[0].qty must be an integer" },
    { "{\"ref\": \"A1\", \"lines\": [{\"id\": \"L1\", \"name\": \"Eggs\", \"qty\": -5}]}",
      "Order field lines[0].qty is out of range" },
    { "{\"ref\": \"A1\", \"lines\": [{\"id\": \"L1\", \"name\": \"Eggs\", \"qty\": 1, \"temperature\": \"hot\"}]}",
      "Order field lines[0].temperature must be ambient, chilled or frozen" },
    { "{\"ref\": \"A1\", \"substitutions\": [{\"id\": \"S1\", \"replacement\": \"Soy\", \"qty\": 1, \"status\": \"maybe\"}]}",
      "Order field substitutions[0].status must be pending, approved or declined" },
    { "{\"ref\": \"A1\", \"bags\": {\"chilled\": 100000}}", "Order field bags.chilled is out of range" },
    { "{\"ref\": \"A1\", \"bags\": []}", "Order field bags must be an object or null" },
    { "{\"ref\": \"A1\", \"claimed_by\": {\"first_name\": \"Alex\"}}", "Order field claimed_by.id is missing" },
    { "{\"ref\": \"A1\", \"alternate_pickup\": \"Alex\"}", "Order field alternate_pickup must be an object or null" },
    { "{\"ref\": \"A1\", \"not_taken\": [{\"line_id\": \"L1\", \"qty\": 0}]}",
      "Order field not_taken[0].qty is out of range" },
    { "{\"ref\": \"A1\", \"locations\": [{\"zone\": 3}]}", "Order field locations[0].zone must be a string" },
    { "[]", "An order must be a JSON object" },
    { "not json", "Order JSON:" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(CurbOrder) order = curb_order_codec_decode_string (bad[i].json, &error);

      g_test_message ("%s", bad[i].json);
      g_assert_null (order);
      g_assert_error (error, CURB_ERROR, CURB_ERROR_INVALID);
      g_assert_true (g_str_has_prefix (error->message, bad[i].message));
    }
}

static void
test_lenient_where_documented (void)
{
  const char *json = "{\"ref\": \"A1\", \"bay\": null, \"claimed_by\": null, \"alternate_pickup\": null,"
                     " \"first_name\": \"\", \"surname\": \"Rivera\", \"token\": \"x\", \"future\": [1]}";
  g_autoptr(GError) error = NULL;
  g_autoptr(CurbOrder) order = curb_order_codec_decode_string (json, &error);

  g_assert_no_error (error);
  g_assert_null (curb_order_get_bay (order));
  g_assert_null (curb_order_get_claimer (order));
  g_assert_null (curb_order_dup_display_name (order));
  g_assert_cmpint (curb_order_get_state (order), ==, CURB_ORDER_STATE_PENDING);
  g_assert_cmpuint (curb_order_get_bag_count (order), ==, 0);
}

static void
append (CurbStore     *store,
        CurbEventKind  kind,
        const char    *staff,
        const char    *data_json)
{
  g_autoptr(JsonNode) data = json_from_string (data_json, NULL);
  g_autoptr(CurbEvent) event = curb_event_new (kind, "RT1", "staging-1", staff, json_node_get_object (data));
  g_autoptr(GError) error = NULL;

  g_assert_true (curb_store_append_event (store, event, NULL, &error));
  g_assert_no_error (error);
}

/* Every member the hub writes is one the codec reads and writes back the same. */
static void
test_store_documents (void)
{
  g_autofree char *dir = curb_test_mkdtemp ();
  g_autofree char *path = g_build_filename (dir, "store.db", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(CurbStore) store = curb_store_open (path, &error);
  g_autoptr(JsonNode) central = json_from_string (
      "{\"ref\": \"RT1\", \"version\": 3, \"store_id\": \"store-001\", \"first_name\": \"Sam\","
      " \"last_initial\": \"R\", \"surname\": \"Rivera\", \"language\": \"es\","
      " \"window_start\": \"2026-11-27T15:00:00.000Z\", \"window_end\": \"2026-11-27T16:00:00.000Z\","
      " \"age_restricted\": true, \"alternate_pickup\": {\"first_name\": \"Alex\", \"last_initial\": \"K\"},"
      " \"lines\": [{\"id\": \"L1\", \"sku\": \"W\", \"name\": \"Wine\", \"qty\": 2, \"temperature\": \"ambient\","
      "   \"age_restricted\": true}],"
      " \"substitutions\": [{\"id\": \"S1\", \"line_id\": \"L1\", \"original\": \"Wine\", \"replacement\": \"Cider\","
      "   \"qty\": 1, \"status\": \"pending\"}], \"cancelled\": false}", NULL);
  const char *stages[] = { "staged", "arrived", "claimed", "decided", "handed" };

  g_assert_no_error (error);
  g_assert_true (curb_store_upsert_order (store, json_node_get_object (central), NULL, NULL, NULL, &error));
  for (guint i = 0; i <= G_N_ELEMENTS (stages); i++)
    {
      g_autoptr(JsonObject) stored = curb_store_get_order (store, "RT1", &error);
      g_autoptr(CurbOrder) order = curb_order_codec_decode (stored, &error);
      g_autoptr(JsonObject) encoded = NULL;
      g_autoptr(GList) members = json_object_get_members (stored);

      g_assert_no_error (error);
      encoded = curb_order_codec_encode (order);
      for (GList *l = members; l != NULL; l = l->next)
        {
          g_test_message ("after %s: member %s", i > 0 ? stages[i - 1] : "upsert", (const char *) l->data);
          g_assert_true (json_object_has_member (encoded, l->data));
          g_assert_true (json_node_equal (json_object_get_member (stored, l->data),
                                          json_object_get_member (encoded, l->data)));
        }
      if (i == 0)
        append (store, CURB_EVENT_STAGED, "st-7",
                "{\"locations\": [{\"zone\": \"C\", \"shelf\": \"2\", \"bin\": \"14\"}],"
                " \"bags\": {\"ambient\": 1, \"chilled\": 0, \"frozen\": 2}}");
      else if (i == 1)
        append (store, CURB_EVENT_ARRIVED, NULL, "{\"bay\": \"3\", \"source\": \"scan\"}");
      else if (i == 2)
        append (store, CURB_EVENT_CLAIMED, "st-7", "{\"staff_name\": \"Alex\", \"eta_s\": 60}");
      else if (i == 3)
        append (store, CURB_EVENT_SUBSTITUTION_DECIDED, NULL, "{\"substitution_id\": \"S1\", \"approved\": true}");
      else if (i == 4)
        append (store, CURB_EVENT_PARTIALLY_HANDED_OVER, "st-7",
                "{\"id_checked\": true, \"not_taken\": [{\"line_id\": \"L1\", \"qty\": 1, \"reason\": \"damaged\"}]}");
    }
  g_clear_object (&store);
  curb_test_rmdir (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/order-model/setters-notify-on-change", test_setters_notify_on_change);
  g_test_add_func ("/order-model/on-the-way-and-restage", test_on_the_way_and_restage);
  g_test_add_func ("/order-model/lists-change-only-when-items-do", test_lists_change_only_when_items_do);
  g_test_add_func ("/order-model/update-notifies-only-news", test_update_notifies_only_news);
  g_test_add_func ("/order-codec/decode-sample", test_decode_sample);
  g_test_add_func ("/order-codec/round-trip", test_round_trip);
  g_test_add_func ("/order-codec/strict-errors", test_strict_errors);
  g_test_add_func ("/order-codec/lenient-where-documented", test_lenient_where_documented);
  g_test_add_func ("/order-codec/store-documents", test_store_documents);
  return g_test_run ();
}
