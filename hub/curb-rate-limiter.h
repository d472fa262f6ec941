#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/* Token buckets keyed by a string (e.g. a device id): @burst tokens, refilled
 * at @per_second. */
#define CURB_TYPE_RATE_LIMITER (curb_rate_limiter_get_type ())
G_DECLARE_FINAL_TYPE (CurbRateLimiter, curb_rate_limiter, CURB, RATE_LIMITER, GObject)

CurbRateLimiter *curb_rate_limiter_new  (double           burst,
                                         double           per_second) G_GNUC_WARN_UNUSED_RESULT;
/* Takes one token from @key's bucket at @now_us. When empty, returns FALSE
 * and the seconds until a token is back in @out_retry_after_s. */
gboolean         curb_rate_limiter_take (CurbRateLimiter *self,
                                         const char      *key,
                                         gint64           now_us,
                                         double          *out_retry_after_s);
/* Puts back a token taken by a request that was refused for another reason. */
void             curb_rate_limiter_give_back (CurbRateLimiter *self,
                                              const char      *key);

G_END_DECLS
