#include "curb-backoff.h"

static void
test_full_jitter_bounds (void)
{
  g_autoptr(CurbBackoff) backoff = curb_backoff_new (100, 5000);
  guint expected_ceiling[] = { 100, 200, 400, 800, 1600, 3200, 5000, 5000, 5000 };

  curb_backoff_set_seed (backoff, 42);
  for (guint attempt = 0; attempt < G_N_ELEMENTS (expected_ceiling); attempt++)
    for (guint i = 0; i < 200; i++)
      g_assert_cmpuint (curb_backoff_delay_for_attempt (backoff, attempt, -1), <=, expected_ceiling[attempt]);
}

static void
test_jitter_spreads (void)
{
  g_autoptr(CurbBackoff) backoff = curb_backoff_new (1000, 1000);
  guint low = 0, high = 0;

  curb_backoff_set_seed (backoff, 7);
  for (guint i = 0; i < 1000; i++)
    {
      guint delay = curb_backoff_delay_for_attempt (backoff, 0, -1);

      low += delay < 250;
      high += delay > 750;
    }
  /* uniform on [0, 1000]: about a quarter in each tail */
  g_assert_cmpuint (low, >, 150);
  g_assert_cmpuint (high, >, 150);
}

static void
test_same_seed_same_delays (void)
{
  g_autoptr(CurbBackoff) a = curb_backoff_new (50, 10000);
  g_autoptr(CurbBackoff) b = curb_backoff_new (50, 10000);

  curb_backoff_set_seed (a, 1234);
  curb_backoff_set_seed (b, 1234);
  for (guint i = 0; i < 20; i++)
    g_assert_cmpuint (curb_backoff_next_delay_ms (a, -1), ==, curb_backoff_next_delay_ms (b, -1));
  g_assert_cmpuint (curb_backoff_get_attempts (a), ==, 20);
  curb_backoff_reset (a);
  g_assert_cmpuint (curb_backoff_get_attempts (a), ==, 0);
}

static void
test_retry_after_is_a_floor (void)
{
  g_autoptr(CurbBackoff) backoff = curb_backoff_new (10, 100);

  curb_backoff_set_seed (backoff, 99);
  for (guint i = 0; i < 50; i++)
    g_assert_cmpuint (curb_backoff_next_delay_ms (backoff, 3000), ==, 3000);
  g_assert_cmpuint (curb_backoff_delay_for_attempt (backoff, 0, G_MAXINT64), ==,
                    CURB_BACKOFF_MAX_RETRY_AFTER_MS);
}

static void
test_parse_retry_after (void)
{
  gint64 now_ms = 1795790401000; /* Fri, 27 Nov 2026 14:40:01 GMT */

  g_assert_cmpint (curb_backoff_parse_retry_after ("3", now_ms), ==, 3000);
  g_assert_cmpint (curb_backoff_parse_retry_after (" 0 ", now_ms), ==, 0);
  g_assert_cmpint (curb_backoff_parse_retry_after ("Fri, 27 Nov 2026 14:40:31 GMT", now_ms), ==, 30000);
  g_assert_cmpint (curb_backoff_parse_retry_after ("Fri, 27 Nov 2026 14:00:00 GMT", now_ms), ==, 0);
  g_assert_cmpint (curb_backoff_parse_retry_after ("999999999", now_ms), ==, CURB_BACKOFF_MAX_RETRY_AFTER_MS);
  g_assert_cmpint (curb_backoff_parse_retry_after (NULL, now_ms), ==, -1);
  g_assert_cmpint (curb_backoff_parse_retry_after ("", now_ms), ==, -1);
  g_assert_cmpint (curb_backoff_parse_retry_after ("-5", now_ms), ==, -1);
  g_assert_cmpint (curb_backoff_parse_retry_after ("soon", now_ms), ==, -1);
  g_assert_cmpint (curb_backoff_parse_retry_after ("1.5", now_ms), ==, -1);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/backoff/full-jitter-bounds", test_full_jitter_bounds);
  g_test_add_func ("/backoff/jitter-spreads", test_jitter_spreads);
  g_test_add_func ("/backoff/same-seed", test_same_seed_same_delays);
  g_test_add_func ("/backoff/retry-after-floor", test_retry_after_is_a_floor);
  g_test_add_func ("/backoff/parse-retry-after", test_parse_retry_after);
  return g_test_run ();
}
