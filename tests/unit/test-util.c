#include "curbside-core.h"

static void
test_iso8601_round_trip (void)
{
  gint64 ms = 1795790401076; /* 2026-11-27T14:40:01.076Z */
  g_autofree char *text = curb_iso8601_from_ms (ms);
  gint64 back = 0;

  g_assert_cmpstr (text, ==, "2026-11-27T14:40:01.076Z");
  g_assert_true (curb_iso8601_to_ms (text, &back));
  g_assert_cmpint (back, ==, ms);
}

/* Before 1970 the milliseconds count down: they are rounded to the second
 * below, never printed negative (fuzz-order found "…:59.-500Z"). */
static void
test_iso8601_before_1970 (void)
{
  g_autofree char *text = curb_iso8601_from_ms (-1500);
  gint64 back = 0;

  g_assert_cmpstr (text, ==, "1969-12-31T23:59:58.500Z");
  g_assert_true (curb_iso8601_to_ms (text, &back));
  g_assert_cmpint (back, ==, -1500);
}

static void
test_iso8601_rejects_garbage (void)
{
  gint64 ms = 0;

  g_assert_false (curb_iso8601_to_ms ("", &ms));
  g_assert_false (curb_iso8601_to_ms ("yesterday", &ms));
  g_assert_false (curb_iso8601_to_ms (NULL, &ms));
}

static void
test_uuid_unique (void)
{
  g_autofree char *a = curb_uuid_new ();
  g_autofree char *b = curb_uuid_new ();

  g_assert_true (g_uuid_string_is_valid (a));
  g_assert_cmpstr (a, !=, b);
}

static void
test_error_names (void)
{
  g_assert_cmpstr (curb_error_code_name (CURB_ERROR_TOKEN_EXPIRED), ==, "token_expired");
  g_assert_cmpstr (curb_error_code_name (CURB_ERROR_ILLEGAL_TRANSITION), ==, "illegal_transition");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/util/iso8601/round-trip", test_iso8601_round_trip);
  g_test_add_func ("/util/iso8601/garbage", test_iso8601_rejects_garbage);
  g_test_add_func ("/util/iso8601/before-1970", test_iso8601_before_1970);
  g_test_add_func ("/util/uuid", test_uuid_unique);
  g_test_add_func ("/util/error-names", test_error_names);
  return g_test_run ();
}
