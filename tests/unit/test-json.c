/* The strict JSON reader: what RFC 8259 allows, and the lenient inputs
 * json-glib takes that it must refuse (finding 3 and 11 of issue 13). */
#include "curbside-core.h"

static void
assert_refused (const char *text,
                gssize      length)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = curb_json_parse (text, length >= 0 ? (gsize) length : strlen (text), 0, &error);

  if (node != NULL)
    g_error ("accepted: %s", text);
  g_assert_error (error, CURB_ERROR, CURB_ERROR_INVALID);
  g_assert_true (g_str_has_prefix (error->message, "Not strict JSON: "));
}

static JsonNode *
parse_ok (const char *text)
{
  g_autoptr(GError) error = NULL;
  JsonNode *node = curb_json_parse (text, strlen (text), 0, &error);

  g_assert_no_error (error);
  g_assert_nonnull (node);
  return node;
}

static void
test_valid (void)
{
  g_autoptr(JsonNode) object = parse_ok (" {\"a\": [1, -2.5e3, true, false, null, \"x\\u00e9\\ud83d\\ude00\\n\"], \"b\": {}} \r\n");
  g_autoptr(JsonNode) number = parse_ok ("-0");
  g_autoptr(JsonNode) big = parse_ok ("9223372036854775807");
  JsonArray *a = json_object_get_array_member (json_node_get_object (object), "a");

  g_assert_cmpint (json_array_get_int_element (a, 0), ==, 1);
  g_assert_cmpfloat (json_array_get_double_element (a, 1), ==, -2500.0);
  g_assert_cmpstr (json_array_get_string_element (a, 5), ==, "x\xc3\xa9\xf0\x9f\x98\x80\n");
  g_assert_cmpint (json_node_get_int (big), ==, G_MAXINT64);
  g_assert_cmpint (json_node_get_value_type (number), ==, G_TYPE_INT64);
}

static void
test_refused (void)
{
  assert_refused ("", 0);
  assert_refused ("{}{}", -1);
  assert_refused ("{} x", -1);
  assert_refused ("{\"a\": 1, \"a\": 2}", -1);
  assert_refused ("\xef\xbb\xbf{}", -1);
  assert_refused ("/* c */ {}", -1);
  assert_refused ("{} // c", -1);
  assert_refused ("{\"a\": 1,}", -1);
  assert_refused ("[1,]", -1);
  assert_refused ("{'a': 1}", -1);
  assert_refused ("{a: 1}", -1);
  assert_refused ("\"14 \\ud800 x\"", -1);
  assert_refused ("\"\\udc00\"", -1);
  assert_refused ("\"\\ud800\\u0041\"", -1);
  assert_refused ("\"a\\u0000b\"", -1);
  assert_refused ("\"\xff\xfe\"", -1);
  assert_refused ("\"\xed\xa0\x80\"", -1);           /* a surrogate as raw UTF-8 */
  assert_refused ("\"tab\there\"", -1);
  assert_refused ("\"\\x41\"", -1);
  assert_refused ("01", -1);
  assert_refused ("1.", -1);
  assert_refused ("+1", -1);
  assert_refused ("NaN", -1);
  assert_refused ("1e999", -1);
  assert_refused ("99999999999999999999", -1);
  assert_refused ("tru", -1);
  assert_refused ("{\"a\" 1}", -1);
  assert_refused ("\"a\0b\"", 5);
}

static void
test_depth (void)
{
  g_autoptr(GString) deep = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) ok = NULL;
  g_autoptr(JsonNode) refused = NULL;

  for (guint i = 0; i < 4; i++)
    g_string_append_c (deep, '[');
  for (guint i = 0; i < 4; i++)
    g_string_append_c (deep, ']');
  ok = curb_json_parse (deep->str, deep->len, 4, &error);
  g_assert_no_error (error);
  refused = curb_json_parse (deep->str, deep->len, 3, &error);
  g_assert_null (refused);
  g_assert_error (error, CURB_ERROR, CURB_ERROR_INVALID);
  g_clear_error (&error);
  g_string_truncate (deep, 0);
  for (guint i = 0; i < 100000; i++)
    g_string_append_c (deep, '[');
  assert_refused (deep->str, deep->len);
}

static void
test_object_and_copy (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) object = NULL;
  g_autoptr(JsonObject) copy = NULL;
  g_autoptr(JsonNode) a = NULL;
  g_autoptr(JsonNode) b = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autoptr(JsonObject) array = curb_json_parse_object ("[1]", 3, 0, &error);
  const char *text = "{\"x\": {\"y\": [1, {\"z\": \"w\"}]}, \"n\": 2}";

  g_assert_null (array);
  g_assert_error (error, CURB_ERROR, CURB_ERROR_INVALID);
  g_clear_error (&error);
  object = curb_json_parse_object (text, strlen (text), 0, &error);
  g_assert_no_error (error);
  copy = curb_json_object_copy (object);
  a = json_node_init_object (json_node_alloc (), object);
  b = json_node_init_object (json_node_alloc (), copy);
  before = json_to_string (a, FALSE);
  after = json_to_string (b, FALSE);
  g_assert_cmpstr (before, ==, after);
  /* nothing shared */
  json_object_set_int_member (json_object_get_object_member (copy, "x"), "extra", 1);
  g_assert_false (json_object_has_member (json_object_get_object_member (object, "x"), "extra"));
}

/* Typed member reads of documents that are not orders: a value of another
 * type, null, an absent member or no object give the fallback. */
static void
test_typed_members (void)
{
  static const char text[] = "{\"s\": \"x\", \"i\": 7, \"b\": true, \"n\": null, \"f\": 1.5}";
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) object = curb_json_parse_object (text, strlen (text), 0, &error);

  g_assert_no_error (error);
  g_assert_cmpstr (curb_json_get_string (object, "s"), ==, "x");
  g_assert_null (curb_json_get_string (object, "i"));
  g_assert_null (curb_json_get_string (object, "n"));
  g_assert_null (curb_json_get_string (NULL, "s"));
  g_assert_cmpint (curb_json_get_int (object, "i", -1), ==, 7);
  g_assert_cmpint (curb_json_get_int (object, "f", -1), ==, -1);
  g_assert_cmpint (curb_json_get_int (object, "s", -1), ==, -1);
  g_assert_cmpint (curb_json_get_int (object, "absent", 3), ==, 3);
  g_assert_true (curb_json_get_bool (object, "b", FALSE));
  g_assert_true (curb_json_get_bool (object, "i", TRUE));
  g_assert_false (curb_json_get_bool (NULL, "b", FALSE));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/json/valid", test_valid);
  g_test_add_func ("/json/refused", test_refused);
  g_test_add_func ("/json/depth", test_depth);
  g_test_add_func ("/json/object-and-copy", test_object_and_copy);
  g_test_add_func ("/json/typed-members", test_typed_members);
  return g_test_run ();
}
