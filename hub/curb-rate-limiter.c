#include "curb-rate-limiter.h"

#define MAX_BUCKETS 4096

typedef struct
{
  double tokens;
  gint64 updated_us;
} Bucket;

struct _CurbRateLimiter
{
  GObject     parent_instance;
  double      burst;
  double      per_second;
  GHashTable *buckets;
};

G_DEFINE_FINAL_TYPE (CurbRateLimiter, curb_rate_limiter, G_TYPE_OBJECT)

static void
refill (CurbRateLimiter *self,
        Bucket          *bucket,
        gint64           now_us)
{
  double elapsed = (double) MAX (0, now_us - bucket->updated_us) / G_USEC_PER_SEC;

  bucket->tokens = MIN (self->burst, bucket->tokens + elapsed * self->per_second);
  bucket->updated_us = now_us;
}

static Bucket *
lookup_bucket (CurbRateLimiter *self,
               const char      *key,
               gint64           now_us)
{
  Bucket *bucket = g_hash_table_lookup (self->buckets, key);

  if (bucket != NULL)
    return bucket;
  /* Full buckets carry no state: forgetting them all is safe. */
  if (g_hash_table_size (self->buckets) >= MAX_BUCKETS)
    g_hash_table_remove_all (self->buckets);
  bucket = g_new0 (Bucket, 1);
  bucket->tokens = self->burst;
  bucket->updated_us = now_us;
  g_hash_table_insert (self->buckets, g_strdup (key), bucket);
  return bucket;
}

static void
curb_rate_limiter_finalize (GObject *object)
{
  CurbRateLimiter *self = CURB_RATE_LIMITER (object);

  g_hash_table_unref (self->buckets);
  G_OBJECT_CLASS (curb_rate_limiter_parent_class)->finalize (object);
}

static void
curb_rate_limiter_class_init (CurbRateLimiterClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = curb_rate_limiter_finalize;
}

static void
curb_rate_limiter_init (CurbRateLimiter *self)
{
  self->buckets = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}

CurbRateLimiter *
curb_rate_limiter_new (double burst,
                       double per_second)
{
  CurbRateLimiter *self = g_object_new (CURB_TYPE_RATE_LIMITER, NULL);

  g_return_val_if_fail (burst >= 1 && per_second > 0, self);
  self->burst = burst;
  self->per_second = per_second;
  return self;
}

gboolean
curb_rate_limiter_take (CurbRateLimiter *self,
                        const char      *key,
                        gint64           now_us,
                        double          *out_retry_after_s)
{
  Bucket *bucket;

  g_return_val_if_fail (CURB_IS_RATE_LIMITER (self), FALSE);
  g_return_val_if_fail (key != NULL, FALSE);

  bucket = lookup_bucket (self, key, now_us);
  refill (self, bucket, now_us);
  if (bucket->tokens >= 1.0)
    {
      bucket->tokens -= 1.0;
      return TRUE;
    }
  if (out_retry_after_s != NULL)
    *out_retry_after_s = (1.0 - bucket->tokens) / self->per_second;
  return FALSE;
}

void
curb_rate_limiter_give_back (CurbRateLimiter *self,
                             const char      *key)
{
  Bucket *bucket;

  g_return_if_fail (CURB_IS_RATE_LIMITER (self));

  bucket = g_hash_table_lookup (self->buckets, key);
  if (bucket != NULL)
    bucket->tokens = MIN (self->burst, bucket->tokens + 1.0);
}
