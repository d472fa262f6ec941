#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/* Retry-After values beyond this are taken as this (one hour). */
#define CURB_BACKOFF_MAX_RETRY_AFTER_MS (60 * 60 * 1000)

#define CURB_TYPE_BACKOFF (curb_backoff_get_type ())
G_DECLARE_FINAL_TYPE (CurbBackoff, curb_backoff, CURB, BACKOFF, GObject)

CurbBackoff *curb_backoff_new                (guint        base_ms,
                                              guint        cap_ms) G_GNUC_WARN_UNUSED_RESULT;
void         curb_backoff_set_seed           (CurbBackoff *self,
                                              guint32      seed);
guint        curb_backoff_get_base_ms        (CurbBackoff *self);
guint        curb_backoff_get_cap_ms         (CurbBackoff *self);
guint        curb_backoff_get_attempts       (CurbBackoff *self);
guint        curb_backoff_next_delay_ms      (CurbBackoff *self,
                                              gint64       retry_after_ms);
guint        curb_backoff_delay_for_attempt  (CurbBackoff *self,
                                              guint        attempt,
                                              gint64       retry_after_ms);
void         curb_backoff_reset              (CurbBackoff *self);

gint64       curb_backoff_parse_retry_after  (const char  *value,
                                              gint64       now_ms);

G_END_DECLS
