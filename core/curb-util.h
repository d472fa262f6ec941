#pragma once

#include <glib.h>

G_BEGIN_DECLS

char    *curb_uuid_new          (void) G_GNUC_WARN_UNUSED_RESULT;
/* A secret: @bytes from libsodium's generator, URL-safe base64 without
 * padding. For every session, ticket and credential (never GLib's
 * non-cryptographic generator). */
char    *curb_random_token      (gsize bytes) G_GNUC_WARN_UNUSED_RESULT;
gint64   curb_now_ms            (void);
char    *curb_iso8601_from_ms   (gint64 ms) G_GNUC_WARN_UNUSED_RESULT;
gboolean curb_iso8601_to_ms     (const char *text, gint64 *out_ms);
/* Text shown on staff screens and in logs: valid UTF-8, 1 to @max_len
 * bytes, no control, format (bidi, zero width), separator, private-use or
 * unassigned characters. */
gboolean curb_text_is_printable (const char *text, gsize max_len);

G_END_DECLS
