#include "curb-order-codec.h"
#include "curbside-core.h"

static const char sample[] =
  "{\"ref\": \"A7K3Q9\", \"store_id\": \"store-001\", \"version\": 7,"
  " \"first_name\": \"Sam\", \"last_initial\": \"R\", \"surname\": \"Rivera\", \"phone_last4\": \"0142\","
  " \"language\": \"es\", \"window_start\": \"2026-11-27T15:00:00.000Z\","
  " \"window_end\": \"2026-11-27T16:00:00.000Z\", \"age_restricted\": true,"
  " \"alternate_pickup\": {\"first_name\": \"Alex\", \"last_initial\": \"K\"},"
  " \"lines\": [{\"id\": \"L1\", \"sku\": \"GRO-EGGS-12\", \"name\": \"Free Range Eggs (12)\", \"qty\": 2,"
  "   \"temperature\": \"chilled\", \"age_restricted\": false}],"
  " \"substitutions\": [{\"id\": \"S1\", \"line_id\": \"L2\", \"original\": \"Oat milk 1 L\","
  "   \"replacement\": \"Soy milk 1 L\", \"qty\": 1, \"status\": \"pending\"}],"
  " \"cancelled\": false, \"token\": \"abc\", \"future_field\": {\"x\": 1}}";

static JsonObject *
parse (const char *text)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = json_from_string (text, &error);

  g_assert_no_error (error);
  return json_node_dup_object (node);
}

/* The sample with one member replaced by @value (raw JSON) or removed (NULL). */
static JsonObject *
sample_with (const char *member,
             const char *value)
{
  JsonObject *order = parse (sample);

  json_object_remove_member (order, member);
  if (value != NULL)
    {
      g_autoptr(JsonNode) node = json_from_string (value, NULL);

      g_assert_nonnull (node);
      json_object_set_member (order, member, g_steal_pointer (&node));
    }
  return order;
}

/* Central's intake: the codec's decoder for central's documents. */
static gboolean
validate_central (JsonObject  *order,
                  GError     **error)
{
  g_autoptr(CurbCentralOrder) central = curb_order_codec_decode_central (order, error);

  return central != NULL;
}

static void
test_valid_sample (void)
{
  g_autoptr(JsonObject) order = parse (sample);
  g_autoptr(JsonObject) minimal = parse ("{\"ref\": \"B-1\", \"version\": 0, \"first_name\": \"Jo\"}");
  g_autoptr(JsonObject) no_alternate = sample_with ("alternate_pickup", "null");
  g_autoptr(GError) error = NULL;

  g_assert_true (validate_central (order, &error));
  g_assert_no_error (error);
  g_assert_true (validate_central (minimal, &error));
  g_assert_true (validate_central (no_alternate, &error));
}

static void
test_invalid_fields (void)
{
  static const struct { const char *member; const char *value; const char *mentions; } cases[] = {
    { "ref", NULL, "ref" },
    { "ref", "\"a7k3q9\"", "ref" },
    { "ref", "\"A7K3Q9'; DROP TABLE orders;--\"", "ref" },
    { "ref", "\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\"", "ref" },
    { "ref", "42", "ref" },
    { "version", NULL, "version" },
    { "version", "\"7\"", "version" },
    { "version", "-1", "version" },
    { "version", "1.5", "version" },
    { "first_name", NULL, "first_name" },
    { "first_name", "\"\"", "first_name" },
    { "first_name", "[\"Sam\"]", "first_name" },
    { "window_start", "\"soon\"", "window_start" },
    { "window_start", "\"1013-11-27T15:00:00.000Z\"", "window_start" },
    { "window_end", "\"2026-11-27T14:00:00.000Z\"", "window_end" },
    { "age_restricted", "\"yes\"", "age_restricted" },
    { "cancelled", "1", "cancelled" },
    { "alternate_pickup", "\"Alex\"", "alternate_pickup" },
    { "alternate_pickup", "{}", "alternate_pickup.first_name" },
    { "lines", "{}", "lines" },
    { "lines", "[1]", "lines[0]" },
    { "lines", "[{\"id\": \"L1\", \"name\": \"Eggs\", \"qty\": -2}]", "lines[0].qty" },
    { "lines", "[{\"id\": \"L1\", \"name\": \"Eggs\", \"qty\": 1, \"temperature\": \"warm\"}]", "lines[0].temperature" },
    { "lines", "[{\"id\": \"L1\", \"qty\": 1}]", "lines[0].name" },
    { "substitutions", "[{\"id\": \"S1\", \"replacement\": \"Soy\", \"qty\": 1, \"status\": \"maybe\"}]",
      "substitutions[0].status" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(JsonObject) order = sample_with (cases[i].member, cases[i].value);
      g_autoptr(GError) error = NULL;

      g_test_message ("%s = %s", cases[i].member, cases[i].value ? cases[i].value : "(removed)");
      g_assert_false (validate_central (order, &error));
      g_assert_error (error, CURB_ERROR, CURB_ERROR_INVALID);
      g_assert_nonnull (strstr (error->message, cases[i].mentions));
    }
}

/* Central's private members stay apart from the order; store facts in
 * central's document are not read; the stored content has none of them. */
static void
test_central_decode (void)
{
  g_autoptr(JsonObject) order = sample_with ("state", "\"handed_over\"");
  g_autoptr(GError) error = NULL;
  g_autoptr(CurbCentralOrder) central = curb_order_codec_decode_central (order, &error);
  g_autoptr(JsonObject) content = NULL;
  static const char * const kept_apart[] = { "surname", "phone_last4", "token", "state", "future_field" };

  g_assert_no_error (error);
  g_assert_cmpstr (central->surname, ==, "Rivera");
  g_assert_cmpstr (central->phone_last4, ==, "0142");
  g_assert_cmpstr (central->token, ==, "abc");
  g_assert_cmpuint (central->n_fitted, ==, 0);
  g_assert_cmpint (curb_order_get_state (central->order), ==, CURB_ORDER_STATE_PENDING);
  g_assert_cmpint (curb_order_get_version (central->order), ==, 7);
  content = curb_order_codec_encode_content (central->order);
  for (guint i = 0; i < G_N_ELEMENTS (kept_apart); i++)
    g_assert_false (json_object_has_member (content, kept_apart[i]));
  g_assert_cmpstr (json_object_get_string_member (content, "first_name"), ==, "Sam");
  g_assert_cmpint (json_array_get_length (json_object_get_array_member (content, "lines")), ==, 1);
}

/* Too long is fitted, not refused, and the caller's document is not changed. */
static void
test_central_fit (void)
{
  g_autoptr(GString) long_name = g_string_new (NULL);
  g_autoptr(JsonObject) order = NULL;
  g_autoptr(JsonNode) eta = json_from_string ("{\"eta\": 5}", NULL);
  g_autoptr(CurbCentralOrder) central = NULL;
  g_autoptr(GError) error = NULL;
  const char *first_name;

  for (guint i = 0; i < 300; i++)
    g_string_append (long_name, "\u00e9");
  order = sample_with ("first_name", NULL);
  json_object_set_string_member (order, "first_name", long_name->str);
  json_object_set_member (order, "on_the_way", g_steal_pointer (&eta));
  central = curb_order_codec_decode_central (order, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (central->n_fitted, ==, 2);
  first_name = curb_order_get_first_name (central->order);
  g_assert_cmpuint (strlen (first_name), <=, 100);
  g_assert_true (g_str_has_suffix (first_name, "\u2026"));
  g_assert_true (g_utf8_validate (first_name, -1, NULL));
  g_assert_cmpint (curb_order_get_eta (central->order), ==, 0);
  g_assert_cmpstr (json_object_get_string_member (order, "first_name"), ==, long_name->str);
  g_assert_true (json_object_has_member (order, "on_the_way"));
}

/* Central must send what a hub-API document may leave out; a refused
 * document can still be named for the store's alert. */
static void
test_central_refused (void)
{
  g_autoptr(JsonObject) no_version = sample_with ("version", NULL);
  g_autoptr(JsonObject) bad_lines = sample_with ("lines", "[1]");
  g_autoptr(JsonObject) bad_ref = sample_with ("ref", "\"a b\"");
  g_autoptr(CurbOrder) hub_shape = NULL;
  g_autoptr(GError) error = NULL;
  gint64 version = 0;

  g_assert_false (validate_central (no_version, &error));
  g_assert_nonnull (strstr (error->message, "version"));
  hub_shape = curb_order_codec_decode (no_version, NULL);
  g_assert_nonnull (hub_shape);
  g_assert_false (validate_central (bad_lines, NULL));
  g_assert_cmpstr (curb_order_codec_peek_central (bad_lines, &version), ==, "A7K3Q9");
  g_assert_cmpint (version, ==, 7);
  g_assert_null (curb_order_codec_peek_central (bad_ref, &version));
  g_assert_cmpstr (curb_order_codec_peek_central (no_version, &version), ==, "A7K3Q9");
  g_assert_cmpint (version, ==, -1);
}

static void
test_ref (void)
{
  g_assert_true (curb_order_ref_is_valid ("A7K3Q9"));
  g_assert_true (curb_order_ref_is_valid ("ORD-2026-0001"));
  g_assert_false (curb_order_ref_is_valid (""));
  g_assert_false (curb_order_ref_is_valid (NULL));
  g_assert_false (curb_order_ref_is_valid ("a7k3q9"));
  g_assert_false (curb_order_ref_is_valid ("A7 K3"));
  g_assert_false (curb_order_ref_is_valid ("<b>A</b>"));
}

static void
test_normalize_surname (void)
{
  static const struct { const char *in; const char *out; } cases[] = {
    { "Rivera", "rivera" },
    { "  RIVERA ", "rivera" },
    { "Núñez", "nunez" },
    { "NUNEZ", "nunez" },
    { "O'Brien-Smith", "obriensmith" },
    { "Müller", "muller" },
    { "Straße", "strasse" },
    { "Ångström", "angstrom" },
    { "'); DROP TABLE orders;--", "droptableorders" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *out = curb_order_normalize_surname (cases[i].in);

      g_assert_cmpstr (out, ==, cases[i].out);
    }
  g_assert_null (curb_order_normalize_surname ("  -- '' "));
  g_assert_null (curb_order_normalize_surname (NULL));
  g_assert_null (curb_order_normalize_surname ("\xff\xfe"));
}

static void
test_normalize_phone (void)
{
  g_autofree char *a = curb_order_normalize_phone_last4 ("0142");
  g_autofree char *b = curb_order_normalize_phone_last4 ("+1 (555) 010-0142");
  g_autofree char *c = curb_order_normalize_phone_last4 ("142");
  g_autofree char *d = curb_order_normalize_phone_last4 ("Rivera");

  g_assert_cmpstr (a, ==, "0142");
  g_assert_cmpstr (b, ==, "0142");
  g_assert_null (c);
  g_assert_null (d);
}

static void
test_temperature_strings (void)
{
  CurbTemperature t;

  for (guint i = 0; i < CURB_TEMPERATURE_COUNT; i++)
    {
      g_assert_true (curb_temperature_from_string (curb_temperature_to_string (i), &t));
      g_assert_cmpint (t, ==, i);
    }
  g_assert_cmpstr (curb_temperature_to_string (CURB_TEMPERATURE_FROZEN), ==, "frozen");
  g_assert_false (curb_temperature_from_string ("lukewarm", &t));
  g_assert_true (curb_order_state_is_active (CURB_ORDER_STATE_CLAIMED));
  g_assert_false (curb_order_state_is_active (CURB_ORDER_STATE_NO_SHOW));
}

static void
test_display_name (void)
{
  g_autofree char *sam = curb_order_format_display_name ("Sam", "R");
  g_autofree char *jose = curb_order_format_display_name ("José", "Ñúñez");
  g_autofree char *alone = curb_order_format_display_name ("Ana", "");
  g_autofree char *markup = curb_order_format_display_name ("<b>Bob</b>", "&");

  g_assert_cmpstr (sam, ==, "Sam R.");
  g_assert_cmpstr (jose, ==, "José Ñ.");
  g_assert_cmpstr (alone, ==, "Ana");
  g_assert_cmpstr (markup, ==, "<b>Bob</b> &.");
  g_assert_null (curb_order_format_display_name (NULL, "R"));
  g_assert_null (curb_order_format_display_name ("", "R"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/order/valid", test_valid_sample);
  g_test_add_func ("/order/invalid-fields", test_invalid_fields);
  g_test_add_func ("/order/ref", test_ref);
  g_test_add_func ("/order/central-decode", test_central_decode);
  g_test_add_func ("/order/central-fit", test_central_fit);
  g_test_add_func ("/order/central-refused", test_central_refused);
  g_test_add_func ("/order/normalize-surname", test_normalize_surname);
  g_test_add_func ("/order/normalize-phone", test_normalize_phone);
  g_test_add_func ("/order/temperature-strings", test_temperature_strings);
  g_test_add_func ("/order/display-name", test_display_name);
  return g_test_run ();
}
