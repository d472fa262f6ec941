#pragma once

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

G_BEGIN_DECLS

#define CURB_HUB_MAX_BODY (64 * 1024)
#define CURB_HUB_STATUS_TOO_MANY_REQUESTS 429
#define CURB_HUB_MAX_DEPTH 32
/* Times a device may give ("at"): an offline outbox may hold events for a
 * while, a clock may be a little ahead; nothing absurd is stored. */
#define CURB_HUB_MAX_FUTURE_MS (24 * 3600 * 1000LL)
#define CURB_HUB_MAX_PAST_MS   (30 * 24 * 3600 * 1000LL)

/* Replies with @object (may be NULL for {}) as JSON. */
void        curb_hub_reply_json    (SoupServerMessage *msg,
                                    guint              status,
                                    JsonObject        *object);
/* {"error": reason, "message": message, ...extra members} */
void        curb_hub_reply_error   (SoupServerMessage *msg,
                                    guint              status,
                                    const char        *reason,
                                    const char        *message,
                                    JsonObject        *extra);
/* A GError from core, mapped to its HTTP status and reason. */
void        curb_hub_reply_gerror  (SoupServerMessage *msg,
                                    const GError      *error,
                                    JsonObject        *extra);
guint       curb_hub_status_for_error (const GError   *error);
/* 429 rate_limited with Retry-After and retry_after_s (whole seconds, >= 1). */
void        curb_hub_reply_rate_limited (SoupServerMessage *msg,
                                         double             retry_s,
                                         const char        *message);

/* Parses the request body strictly (curb_json_parse(): one object, valid
 * UTF-8, no duplicate names, no comments) whose members are all in @allowed
 * (NULL-terminated). On failure replies 400/413 and returns NULL. */
JsonObject *curb_hub_read_body     (SoupServerMessage  *msg,
                                    const char *const  *allowed);

/* Typed member access: FALSE (and a 400 reply) when present with the wrong
 * type, or absent while @required. */
gboolean    curb_hub_get_string    (SoupServerMessage  *msg,
                                    JsonObject         *body,
                                    const char         *member,
                                    gboolean            required,
                                    const char        **out);
gboolean    curb_hub_get_bool      (SoupServerMessage  *msg,
                                    JsonObject         *body,
                                    const char         *member,
                                    gboolean            required,
                                    gboolean           *out);
/* An optional ISO 8601 time (default: now), refused outside
 * curb_hub_time_is_plausible(). */
gboolean    curb_hub_get_time      (SoupServerMessage  *msg,
                                    JsonObject         *body,
                                    const char         *member,
                                    gint64             *out_ms);
gboolean    curb_hub_time_is_plausible (gint64 at_ms,
                                        gint64 now_ms);

G_END_DECLS
