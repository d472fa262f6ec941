#pragma once

#include "curbside-core.h"
#include "curb-central-db.h"

G_BEGIN_DECLS

/* "I'm on my way": a shopper announces their arrival with the pickup token
 * alone (no login), and the pickup message pages of the demo. */

#define CURB_CENTRAL_ETA_MAX_MINUTES 240

/**
 * CurbCentralAnnounce:
 * @CURB_CENTRAL_ANNOUNCE_ACCEPTED: the order now carries `on_the_way`
 * @CURB_CENTRAL_ANNOUNCE_IGNORED: the shopper already arrived (or the
 *   order is done): nothing changed
 */
typedef enum
{
  CURB_CENTRAL_ANNOUNCE_ACCEPTED,
  CURB_CENTRAL_ANNOUNCE_IGNORED,
} CurbCentralAnnounce;

/**
 * curb_central_pickup_announce:
 * @keyring: the issuer's public keys
 * @token: the pickup token (untrusted)
 * @eta_minutes: 0 … CURB_CENTRAL_ETA_MAX_MINUTES
 * @out_result: (out): accepted or ignored
 * @out_store_id: (out) (transfer full): the token's store
 * @out_order: (out) (transfer full): the order as central now has it
 *
 * Errors: %CURB_ERROR_TOKEN_* (forged, expired, unknown key; other store
 * when the token's store does not have the order), %CURB_ERROR_CANCELLED,
 * %CURB_ERROR_INVALID (bad ETA), %CURB_ERROR_DATABASE.
 */
gboolean curb_central_pickup_announce (CurbCentralDb        *db,
                                       CurbKeyring          *keyring,
                                       const char           *token,
                                       gint64                eta_minutes,
                                       gint64                now_ms,
                                       CurbCentralAnnounce  *out_result,
                                       char                **out_store_id,
                                       JsonObject          **out_order,
                                       GError              **error);

/* The pickup message for @token: its QR (SVG) and an "I'm on my way" form. */
char    *curb_central_pickup_message_html (const char *token,
                                           JsonObject *order) G_GNUC_WARN_UNUSED_RESULT;
/* The answer page after a form announce (or its refusal). */
char    *curb_central_pickup_answer_html  (const char *title,
                                           const char *text) G_GNUC_WARN_UNUSED_RESULT;
/* The QR of @text as an SVG document (QR_ECLEVEL_M). */
char    *curb_central_pickup_qr_svg       (const char *text) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
