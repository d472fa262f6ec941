#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* Nesting allowed by curb_json_parse() when the caller gives 0. */
#define CURB_JSON_DEFAULT_DEPTH 32

/**
 * curb_json_parse:
 * @data: (array length=length): the text, not necessarily NUL-terminated
 * @length: its length in bytes
 * @max_depth: deepest nesting of arrays and objects, 0 for
 *   %CURB_JSON_DEFAULT_DEPTH
 *
 * The strict JSON reader for untrusted input (RFC 8259 and nothing more):
 * exactly one value with optional white space around it; valid UTF-8,
 * escapes included (surrogates must pair, U+0000 is refused); no byte order
 * mark, comments, trailing commas or control characters in strings; no
 * duplicate member names; integers within 64 bits, finite numbers.
 *
 * Returns: (transfer full): the value, or %NULL with %CURB_ERROR_INVALID
 *   naming the byte offset of the first problem.
 */
JsonNode *curb_json_parse        (const char  *data,
                                  gsize        length,
                                  guint        max_depth,
                                  GError     **error) G_GNUC_WARN_UNUSED_RESULT;

/* curb_json_parse() of an object; anything else is %CURB_ERROR_INVALID. */
JsonObject *curb_json_parse_object (const char  *data,
                                    gsize        length,
                                    guint        max_depth,
                                    GError     **error) G_GNUC_WARN_UNUSED_RESULT;

/* A deep copy: nothing is shared with @object, nothing is dropped. */
JsonObject *curb_json_object_copy (JsonObject *object) G_GNUC_WARN_UNUSED_RESULT;

/* A member of a document that is not an order (a reply, a status, a file)
 * when it holds a value of the type, else %NULL / @fallback; @object may be
 * %NULL. An order is read by the codec (curb-order-codec.h). */
const char *curb_json_get_string (JsonObject *object,
                                  const char *member);
gint64      curb_json_get_int    (JsonObject *object,
                                  const char *member,
                                  gint64      fallback);
gboolean    curb_json_get_bool   (JsonObject *object,
                                  const char *member,
                                  gboolean    fallback);

G_END_DECLS
