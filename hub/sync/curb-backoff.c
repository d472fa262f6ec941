#include <libsoup/soup.h>

#include "curb-backoff.h"

/* Full-jitter exponential backoff: the n-th retry waits a uniformly random
 * time in [0, min(cap, base · 2^n)], and never less than the peer's
 * Retry-After. */

struct _CurbBackoff
{
  GObject  parent_instance;

  guint    base_ms;
  guint    cap_ms;
  guint    attempts;
  GRand   *rand;
};

G_DEFINE_TYPE (CurbBackoff, curb_backoff, G_TYPE_OBJECT)

static guint
ceiling_for_attempt (CurbBackoff *self,
                     guint        attempt)
{
  guint64 ceiling = self->base_ms;

  for (guint i = 0; i < attempt && ceiling < self->cap_ms; i++)
    ceiling *= 2;
  return (guint) MIN (ceiling, (guint64) self->cap_ms);
}

static void
curb_backoff_finalize (GObject *object)
{
  CurbBackoff *self = CURB_BACKOFF (object);

  g_rand_free (self->rand);
  G_OBJECT_CLASS (curb_backoff_parent_class)->finalize (object);
}

static void
curb_backoff_class_init (CurbBackoffClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = curb_backoff_finalize;
}

static void
curb_backoff_init (CurbBackoff *self)
{
  self->rand = g_rand_new ();
}

/**
 * curb_backoff_new:
 * @base_ms: the ceiling of the first retry
 * @cap_ms: the ceiling never grows beyond this
 *
 * Returns: (transfer full): a backoff with a random seed
 */
CurbBackoff *
curb_backoff_new (guint base_ms,
                  guint cap_ms)
{
  CurbBackoff *self = g_object_new (CURB_TYPE_BACKOFF, NULL);

  self->base_ms = MAX (base_ms, 1);
  self->cap_ms = MAX (cap_ms, self->base_ms);
  return self;
}

/**
 * curb_backoff_set_seed:
 *
 * Makes the jitter reproducible (tests).
 */
void
curb_backoff_set_seed (CurbBackoff *self,
                       guint32      seed)
{
  g_return_if_fail (CURB_IS_BACKOFF (self));

  g_rand_set_seed (self->rand, seed);
}

guint
curb_backoff_get_base_ms (CurbBackoff *self)
{
  g_return_val_if_fail (CURB_IS_BACKOFF (self), 0);

  return self->base_ms;
}

guint
curb_backoff_get_cap_ms (CurbBackoff *self)
{
  g_return_val_if_fail (CURB_IS_BACKOFF (self), 0);

  return self->cap_ms;
}

/**
 * curb_backoff_get_attempts:
 *
 * Returns: how many delays curb_backoff_next_delay_ms() handed out since
 *   the last reset
 */
guint
curb_backoff_get_attempts (CurbBackoff *self)
{
  g_return_val_if_fail (CURB_IS_BACKOFF (self), 0);

  return self->attempts;
}

/**
 * curb_backoff_delay_for_attempt:
 * @attempt: 0 for the first retry
 * @retry_after_ms: what the peer asked for (Retry-After), or ≤ 0 for nothing
 *
 * Returns: the delay before retry number @attempt, in milliseconds
 */
guint
curb_backoff_delay_for_attempt (CurbBackoff *self,
                                guint        attempt,
                                gint64       retry_after_ms)
{
  guint jitter;

  g_return_val_if_fail (CURB_IS_BACKOFF (self), 0);

  jitter = (guint) g_rand_double_range (self->rand, 0, ceiling_for_attempt (self, attempt) + 1.0);
  retry_after_ms = CLAMP (retry_after_ms, 0, CURB_BACKOFF_MAX_RETRY_AFTER_MS);
  return MAX (jitter, (guint) retry_after_ms);
}

/**
 * curb_backoff_next_delay_ms:
 * @retry_after_ms: what the peer asked for, or ≤ 0 for nothing
 *
 * Returns: the delay before the next retry; counts an attempt
 */
guint
curb_backoff_next_delay_ms (CurbBackoff *self,
                            gint64       retry_after_ms)
{
  g_return_val_if_fail (CURB_IS_BACKOFF (self), 0);

  return curb_backoff_delay_for_attempt (self, self->attempts++, retry_after_ms);
}

/**
 * curb_backoff_reset:
 *
 * After a success: the next failure starts from the base again.
 */
void
curb_backoff_reset (CurbBackoff *self)
{
  g_return_if_fail (CURB_IS_BACKOFF (self));

  self->attempts = 0;
}

/**
 * curb_backoff_parse_retry_after:
 * @value: (nullable): a Retry-After header: delta-seconds or an HTTP date
 * @now_ms: the current time, for HTTP dates
 *
 * Returns: how long to wait in milliseconds (0 for a date in the past, at
 *   most %CURB_BACKOFF_MAX_RETRY_AFTER_MS), or -1 when @value is missing or
 *   not a Retry-After value
 */
gint64
curb_backoff_parse_retry_after (const char *value,
                                gint64      now_ms)
{
  g_autoptr(GDateTime) date = NULL;
  g_autofree char *trimmed = NULL;
  guint64 seconds;
  gint64 wait_ms;

  if (value == NULL)
    return -1;
  trimmed = g_strstrip (g_strdup (value));
  if (g_ascii_string_to_unsigned (trimmed, 10, 0, G_MAXUINT32, &seconds, NULL))
    return MIN ((gint64) seconds * 1000, CURB_BACKOFF_MAX_RETRY_AFTER_MS);

  date = soup_date_time_new_from_http_string (trimmed);
  if (date == NULL)
    return -1;
  wait_ms = g_date_time_to_unix (date) * 1000 - now_ms;
  return CLAMP (wait_ms, 0, CURB_BACKOFF_MAX_RETRY_AFTER_MS);
}
