#pragma once

#include <json-glib/json-glib.h>

#include "curb-order-model.h"

G_BEGIN_DECLS

/**
 * curb_order_codec_decode:
 * @object: an order document in the hub-API shape of docs/data-model.md
 *   (central's shape reads too: its private members are not kept)
 * @error: %CURB_ERROR_INVALID with a message naming the member
 *   ("Order field lines[2].qty must be an integer")
 *
 * The one reader of order JSON. Strict: a member of the wrong type, out of
 * range or unknown as a value (state, temperature, status) is an error;
 * absent optional members and null facts take their defaults; unknown
 * members are ignored, so newer hubs can add some.
 */
CurbOrder  *curb_order_codec_decode        (JsonObject  *object,
                                            GError     **error) G_GNUC_WARN_UNUSED_RESULT;
/* curb_order_codec_decode() of a JSON text (a JSON error is %CURB_ERROR_INVALID too). */
CurbOrder  *curb_order_codec_decode_string (const char  *json,
                                            GError     **error) G_GNUC_WARN_UNUSED_RESULT;
/* Decodes @object's member @member (e.g. "order" of a hub reply). */
CurbOrder  *curb_order_codec_decode_member (JsonObject  *object,
                                            const char  *member,
                                            GError     **error) G_GNUC_WARN_UNUSED_RESULT;

/**
 * curb_order_codec_encode:
 *
 * The order in the hub-API shape: every member present, unknown facts as
 * null. curb_order_codec_decode() of it gives an equal order.
 */
JsonObject *curb_order_codec_encode        (CurbOrder   *order) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
