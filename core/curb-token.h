#pragma once

#include <glib.h>

#include "curb-keyring.h"

G_BEGIN_DECLS

#define CURB_TOKEN_VERSION            1
#define CURB_TOKEN_NONCE_LEN          4
#define CURB_TOKEN_SIGNATURE_LEN      64
#define CURB_TOKEN_MAX_KEY_ID_LEN     16
#define CURB_TOKEN_MAX_STORE_ID_LEN   32
#define CURB_TOKEN_MAX_ORDER_REF_LEN  32
/* Longest text any valid token can have; longer input is malformed. */
#define CURB_TOKEN_MAX_TEXT_LEN       240
/* A token is still accepted this many seconds after its expiry, so that a
 * kiosk whose clock runs a little behind central does not turn shoppers away. */
#define CURB_TOKEN_CLOCK_SKEW_S       300

/**
 * CurbTokenClaims:
 * @key_id: id of the key that signed (or will sign) the token
 * @store_id: the store the order is picked up at, `[A-Za-z0-9._-]{1,32}`
 * @order_ref: the order reference, `[A-Z0-9-]{1,32}`
 * @expires_s: expiry, seconds since the epoch (UTC), 1 … 2^32-1
 * @nonce: random bytes that make every issued token unique
 *
 * What a pickup token says. Nothing personal rides in it.
 */
typedef struct
{
  char   *key_id;
  char   *store_id;
  char   *order_ref;
  gint64  expires_s;
  guint8  nonce[CURB_TOKEN_NONCE_LEN];
} CurbTokenClaims;

CurbTokenClaims *curb_token_claims_new  (const char *store_id,
                                         const char *order_ref,
                                         gint64      expires_s) G_GNUC_WARN_UNUSED_RESULT;
CurbTokenClaims *curb_token_claims_copy (const CurbTokenClaims *claims) G_GNUC_WARN_UNUSED_RESULT;
void             curb_token_claims_free (CurbTokenClaims *claims);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CurbTokenClaims, curb_token_claims_free)

/**
 * curb_token_sign:
 * @key: the issuer's signing key; its key id goes into the token
 * @claims: store id, order reference, expiry and nonce (@claims->key_id is ignored)
 * @error: CURB_ERROR_INVALID when a claim does not fit the token format
 *
 * Returns: (transfer full): the token text, only QR alphanumeric characters
 * (`0-9 A-Z - . : + /`), or %NULL.
 */
char *curb_token_sign (CurbSigningKey         *key,
                       const CurbTokenClaims  *claims,
                       GError                **error) G_GNUC_WARN_UNUSED_RESULT;

/**
 * curb_token_verify:
 * @keyring: the public keys of every trusted issuer
 * @token: untrusted text from a scanner, a keyboard or the network (any bytes)
 * @expected_store_id: this store's id
 * @now_s: the current time, seconds since the epoch
 * @out_claims: (out) (optional): the verified claims
 * @error: CURB_ERROR_TOKEN_MALFORMED, _UNKNOWN_KEY, _BAD_SIGNATURE,
 *   _OTHER_STORE or _EXPIRED, checked in that order: nothing about the
 *   store or the expiry is revealed unless the signature is good. Messages
 *   never contain the order reference or any other claim.
 *
 * Verifies a pickup token offline.
 */
gboolean curb_token_verify (CurbKeyring      *keyring,
                            const char       *token,
                            const char       *expected_store_id,
                            gint64            now_s,
                            CurbTokenClaims **out_claims,
                            GError          **error);

/**
 * curb_token_decode:
 *
 * Parses a token WITHOUT checking its signature. Only for tools, tests and
 * fuzzing: never act on the result.
 *
 * Returns: (transfer full): the claims, or %NULL with CURB_ERROR_TOKEN_MALFORMED.
 */
CurbTokenClaims *curb_token_decode (const char  *token,
                                    GError     **error) G_GNUC_WARN_UNUSED_RESULT;

gboolean curb_token_store_id_is_valid  (const char *store_id);
gboolean curb_token_order_ref_is_valid (const char *order_ref);

G_END_DECLS
