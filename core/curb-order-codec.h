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

/* A person (claimer, alternate pickup) as the order's members hold one. */
JsonObject *curb_order_codec_encode_person  (CurbPerson *person) G_GNUC_WARN_UNUSED_RESULT;

/* curb_order_codec_encode() without the store's facts: central's content
 * as the store keeps it. */
JsonObject *curb_order_codec_encode_content (CurbOrder *order) G_GNUC_WARN_UNUSED_RESULT;

/**
 * CurbCentralOrder:
 * @order: central's content (no store facts)
 * @surname: (nullable): private: the store keeps only a keyed hash
 * @phone_last4: (nullable): private, likewise
 * @token: (nullable): the pickup token, kept apart by the store
 * @n_fitted: how many members were clipped or dropped to fit the limits
 *
 * An order document as central sends it (docs/data-model.md), decoded.
 */
typedef struct
{
  CurbOrder *order;
  char      *surname;
  char      *phone_last4;
  char      *token;
  guint      n_fitted;
} CurbCentralOrder;

void        curb_central_order_free (CurbCentralOrder *central);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CurbCentralOrder, curb_central_order_free)

/**
 * curb_order_codec_decode_central:
 * @object: an order document as central sends it; not changed
 * @error: %CURB_ERROR_INVALID naming the member
 *
 * Central's intake. What is only too long is fitted first (see
 * curb_order_codec_fit_central()); the rest is as strict as
 * curb_order_codec_decode(), and central must send a version and a first
 * name. Store facts in the document (state, bags…) are not read.
 */
CurbCentralOrder *curb_order_codec_decode_central (JsonObject  *object,
                                                   GError     **error) G_GNUC_WARN_UNUSED_RESULT;

/**
 * curb_order_codec_fit_central:
 * @object: (inout): an order document as central sends it
 *
 * Makes what is too long for the store fit instead of refusing the order:
 * names, product names, SKUs and substitutions are clipped on character
 * boundaries (with an ellipsis where people read them), a last initial to
 * its characters, an over-long phone to its last four digits; an over-long
 * language tag or token and a malformed `on_the_way` are dropped (the kiosk
 * verifies the QR by its signature). The surname is kept whole up to 1 KiB:
 * the lookup hashes it. Members of the wrong type are left for the decoder.
 *
 * Returns: how many members were changed
 */
guint       curb_order_codec_fit_central (JsonObject *object);

/* For naming a document the codec refused: its ref when it is a valid one
 * (else %NULL) and its version (-1 when not an integer). */
const char *curb_order_codec_peek_central (JsonObject *object,
                                           gint64     *out_version);

G_END_DECLS
