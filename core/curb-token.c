#include <string.h>
#include <sodium.h>

#include "curb-error.h"
#include "curb-token-private.h"

/*
 * Binary layout (version 1), all integers big-endian:
 *
 *   u8  version (1)
 *   u8  key id length    | key id    [A-Za-z0-9._-]{1,16}
 *   u8  store id length  | store id  [A-Za-z0-9._-]{1,32}
 *   u8  order ref length | order ref [A-Z0-9-]{1,32}
 *   u32 expiry, seconds since the epoch
 *   u8  nonce[4]
 *   u8  signature[64]   Ed25519 over SIGNING_CONTEXT || every byte above
 *
 * Text: base41, RFC 9285's base45 scheme with a 41-symbol alphabet (QR
 * alphanumeric characters minus space, $, % and *): two bytes become three
 * characters, a last odd byte two.
 */

#define SIGNING_CONTEXT   "curbside/token"
#define FIXED_LEN         (1 + 3 + 4 + CURB_TOKEN_NONCE_LEN)
#define MIN_BODY_LEN      (FIXED_LEN + 3)
#define MAX_BODY_LEN      (FIXED_LEN + CURB_TOKEN_MAX_KEY_ID_LEN + CURB_TOKEN_MAX_STORE_ID_LEN + CURB_TOKEN_MAX_ORDER_REF_LEN)
#define MAX_BINARY_LEN    (MAX_BODY_LEN + CURB_TOKEN_SIGNATURE_LEN)
#define DECODE_BUFFER_LEN (CURB_TOKEN_MAX_TEXT_LEN / 3 * 2 + 2)

static const char alphabet[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ-.:+/";
#define BASE 41

G_STATIC_ASSERT (sizeof alphabet == BASE + 1);
G_STATIC_ASSERT (MAX_BINARY_LEN / 2 * 3 + 2 <= CURB_TOKEN_MAX_TEXT_LEN);

typedef struct
{
  const guint8 *data;
  gsize         len;
  gsize         pos;
} Reader;

static void
base41_encode (GString      *out,
               const guint8 *data,
               gsize         len)
{
  for (gsize i = 0; i + 1 < len; i += 2)
    {
      guint n = data[i] * 256u + data[i + 1];
      g_string_append_c (out, alphabet[n % BASE]);
      g_string_append_c (out, alphabet[(n / BASE) % BASE]);
      g_string_append_c (out, alphabet[n / (BASE * BASE)]);
    }
  if (len % 2 == 1)
    {
      guint n = data[len - 1];
      g_string_append_c (out, alphabet[n % BASE]);
      g_string_append_c (out, alphabet[n / BASE]);
    }
}

static int
base41_value (char c)
{
  const char *p = c != '\0' ? strchr (alphabet, c) : NULL;

  return p != NULL ? (int) (p - alphabet) : -1;
}

char *
curb_base41_encode (const guint8 *data,
                    gsize         length)
{
  GString *out = g_string_sized_new (length / 2 * 3 + 2);

  base41_encode (out, data, length);
  return g_string_free (out, FALSE);
}

/* Strict: only canonical encodings decode, so one token has one text. */
gboolean
curb_base41_decode (const char *text,
                    gsize       len,
                    guint8     *out,
                    gsize      *out_len)
{
  gsize n = 0;

  if (len % 3 == 1)
    return FALSE;
  for (gsize i = 0; i < len; i += 3)
    {
      gsize chunk = MIN (3, len - i);
      guint value = 0, scale = 1;
      for (gsize j = 0; j < chunk; j++, scale *= BASE)
        {
          int v = base41_value (text[i + j]);
          if (v < 0)
            return FALSE;
          value += v * scale;
        }
      if (value > (chunk == 3 ? 0xffffu : 0xffu))
        return FALSE;
      if (chunk == 3)
        out[n++] = value >> 8;
      out[n++] = value & 0xff;
    }
  *out_len = n;
  return TRUE;
}

static gboolean
text_is_valid (const char *text,
               gsize       max_len,
               gboolean    upper_only)
{
  gsize len;

  if (text == NULL)
    return FALSE;
  len = strlen (text);
  if (len == 0 || len > max_len)
    return FALSE;
  for (gsize i = 0; i < len; i++)
    {
      char c = text[i];
      gboolean ok = upper_only ? (g_ascii_isupper (c) || g_ascii_isdigit (c) || c == '-')
                               : (g_ascii_isalnum (c) || strchr ("._-", c) != NULL);
      if (!ok)
        return FALSE;
    }
  return TRUE;
}

gboolean
curb_token_store_id_is_valid (const char *store_id)
{
  return text_is_valid (store_id, CURB_TOKEN_MAX_STORE_ID_LEN, FALSE);
}

gboolean
curb_token_order_ref_is_valid (const char *order_ref)
{
  return text_is_valid (order_ref, CURB_TOKEN_MAX_ORDER_REF_LEN, TRUE);
}

/**
 * curb_token_claims_new:
 *
 * Returns: (transfer full): claims with a fresh random nonce.
 */
CurbTokenClaims *
curb_token_claims_new (const char *store_id,
                       const char *order_ref,
                       gint64      expires_s)
{
  CurbTokenClaims *claims = g_new0 (CurbTokenClaims, 1);

  claims->store_id = g_strdup (store_id);
  claims->order_ref = g_strdup (order_ref);
  claims->expires_s = expires_s;
  if (sodium_init () >= 0)
    randombytes_buf (claims->nonce, sizeof claims->nonce);
  return claims;
}

CurbTokenClaims *
curb_token_claims_copy (const CurbTokenClaims *claims)
{
  CurbTokenClaims *copy;

  g_return_val_if_fail (claims != NULL, NULL);
  copy = g_memdup2 (claims, sizeof *claims);
  copy->key_id = g_strdup (claims->key_id);
  copy->store_id = g_strdup (claims->store_id);
  copy->order_ref = g_strdup (claims->order_ref);
  return copy;
}

void
curb_token_claims_free (CurbTokenClaims *claims)
{
  if (claims == NULL)
    return;
  g_free (claims->key_id);
  g_free (claims->store_id);
  g_free (claims->order_ref);
  g_free (claims);
}

static void
append_field (GByteArray *body,
              const char *text)
{
  guint8 len = strlen (text);

  g_byte_array_append (body, &len, 1);
  g_byte_array_append (body, (const guint8 *) text, len);
}

static GByteArray *
encode_body (const char            *key_id,
             const CurbTokenClaims *claims)
{
  GByteArray *body = g_byte_array_sized_new (MAX_BINARY_LEN);
  guint8 version = CURB_TOKEN_VERSION;
  guint32 expiry = GUINT32_TO_BE ((guint32) claims->expires_s);

  g_byte_array_append (body, &version, 1);
  append_field (body, key_id);
  append_field (body, claims->store_id);
  append_field (body, claims->order_ref);
  g_byte_array_append (body, (const guint8 *) &expiry, 4);
  g_byte_array_append (body, claims->nonce, CURB_TOKEN_NONCE_LEN);
  return body;
}

static GByteArray *
signed_message (const guint8 *body,
                gsize         len)
{
  GByteArray *message = g_byte_array_sized_new (sizeof SIGNING_CONTEXT - 1 + len);

  g_byte_array_append (message, (const guint8 *) SIGNING_CONTEXT, sizeof SIGNING_CONTEXT - 1);
  g_byte_array_append (message, body, len);
  return message;
}

static gboolean
check_claims (const CurbTokenClaims  *claims,
              GError                **error)
{
  const char *problem = NULL;

  if (!curb_token_store_id_is_valid (claims->store_id))
    problem = "Store id must be 1 to 32 characters of A-Z a-z 0-9 . _ -";
  else if (!curb_token_order_ref_is_valid (claims->order_ref))
    problem = "Order reference must be 1 to 32 characters of A-Z 0-9 -";
  else if (claims->expires_s < 1 || claims->expires_s > G_MAXUINT32)
    problem = "Expiry must be between 1970 and 2106";
  if (problem != NULL)
    g_set_error_literal (error, CURB_ERROR, CURB_ERROR_INVALID, problem);
  return problem == NULL;
}

char *
curb_token_sign (CurbSigningKey         *key,
                 const CurbTokenClaims  *claims,
                 GError                **error)
{
  g_autoptr(GByteArray) body = NULL;
  g_autoptr(GByteArray) message = NULL;
  guint8 signature[CURB_TOKEN_SIGNATURE_LEN];
  GString *text;

  g_return_val_if_fail (CURB_IS_SIGNING_KEY (key), NULL);
  g_return_val_if_fail (claims != NULL, NULL);
  if (!check_claims (claims, error))
    return NULL;
  body = encode_body (curb_signing_key_get_key_id (key), claims);
  message = signed_message (body->data, body->len);
  curb_signing_key_sign (key, message->data, message->len, signature);
  g_byte_array_append (body, signature, sizeof signature);
  text = g_string_sized_new (CURB_TOKEN_MAX_TEXT_LEN);
  base41_encode (text, body->data, body->len);
  return g_string_free (text, FALSE);
}

static char *
read_field (Reader   *reader,
            gsize     max_len,
            gboolean  upper_only)
{
  g_autofree char *text = NULL;
  gsize len;

  if (reader->pos >= reader->len)
    return NULL;
  len = reader->data[reader->pos++];
  if (len == 0 || len > max_len || reader->len - reader->pos < len)
    return NULL;
  text = g_strndup ((const char *) reader->data + reader->pos, len);
  reader->pos += len;
  if (strlen (text) != len || !text_is_valid (text, max_len, upper_only))
    return NULL;
  return g_steal_pointer (&text);
}

static gboolean
malformed (GError     **error,
           const char  *why)
{
  g_set_error (error, CURB_ERROR, CURB_ERROR_TOKEN_MALFORMED, "Not a valid pickup token (%s)", why);
  return FALSE;
}

static gboolean
parse_body (Reader           *reader,
            CurbTokenClaims  *claims,
            GError          **error)
{
  guint32 expiry;

  if (reader->len < MIN_BODY_LEN + CURB_TOKEN_SIGNATURE_LEN)
    return malformed (error, "too short");
  if (reader->data[0] != CURB_TOKEN_VERSION)
    return malformed (error, "unsupported version");
  reader->pos = 1;
  if ((claims->key_id = read_field (reader, CURB_TOKEN_MAX_KEY_ID_LEN, FALSE)) == NULL
      || (claims->store_id = read_field (reader, CURB_TOKEN_MAX_STORE_ID_LEN, FALSE)) == NULL
      || (claims->order_ref = read_field (reader, CURB_TOKEN_MAX_ORDER_REF_LEN, TRUE)) == NULL)
    return malformed (error, "bad field");
  if (reader->len - reader->pos != 4 + CURB_TOKEN_NONCE_LEN + CURB_TOKEN_SIGNATURE_LEN)
    return malformed (error, "wrong length");
  memcpy (&expiry, reader->data + reader->pos, 4);
  claims->expires_s = GUINT32_FROM_BE (expiry);
  memcpy (claims->nonce, reader->data + reader->pos + 4, CURB_TOKEN_NONCE_LEN);
  reader->pos += 4 + CURB_TOKEN_NONCE_LEN;
  return TRUE;
}

static gboolean
decode_text (const char  *token,
             guint8      *binary,
             gsize       *binary_len,
             GError     **error)
{
  gsize len;

  if (token == NULL)
    return malformed (error, "empty");
  while (g_ascii_isspace (*token))
    token++;
  len = strnlen (token, CURB_TOKEN_MAX_TEXT_LEN + 1);
  while (len > 0 && g_ascii_isspace (token[len - 1]))
    len--;
  if (len == 0)
    return malformed (error, "empty");
  if (len > CURB_TOKEN_MAX_TEXT_LEN)
    return malformed (error, "too long");
  if (!curb_base41_decode (token, len, binary, binary_len))
    return malformed (error, "bad encoding");
  return TRUE;
}

/* Decodes into @binary (DECODE_BUFFER_LEN bytes); *@body_len excludes the signature. */
static CurbTokenClaims *
decode (const char  *token,
        guint8      *binary,
        gsize       *body_len,
        GError     **error)
{
  g_autoptr(CurbTokenClaims) claims = g_new0 (CurbTokenClaims, 1);
  Reader reader = { binary, 0, 0 };

  if (!decode_text (token, binary, &reader.len, error) || !parse_body (&reader, claims, error))
    return NULL;
  *body_len = reader.pos;
  return g_steal_pointer (&claims);
}

CurbTokenClaims *
curb_token_decode (const char  *token,
                   GError     **error)
{
  guint8 binary[DECODE_BUFFER_LEN];
  gsize body_len = 0;

  return decode (token, binary, &body_len, error);
}

static gboolean
signature_is_good (const guint8 *public_key,
                   const guint8 *binary,
                   gsize         body_len)
{
  g_autoptr(GByteArray) message = signed_message (binary, body_len);

  return sodium_init () >= 0
         && crypto_sign_verify_detached (binary + body_len, message->data, message->len,
                                         public_key) == 0;
}

gboolean
curb_token_verify (CurbKeyring      *keyring,
                   const char       *token,
                   const char       *expected_store_id,
                   gint64            now_s,
                   CurbTokenClaims **out_claims,
                   GError          **error)
{
  g_autoptr(CurbTokenClaims) claims = NULL;
  guint8 binary[DECODE_BUFFER_LEN];
  gsize body_len = 0;
  const guint8 *public_key;

  g_return_val_if_fail (CURB_IS_KEYRING (keyring), FALSE);
  g_return_val_if_fail (expected_store_id != NULL, FALSE);
  if ((claims = decode (token, binary, &body_len, error)) == NULL)
    return FALSE;
  if ((public_key = curb_keyring_lookup (keyring, claims->key_id)) == NULL)
    {
      g_set_error (error, CURB_ERROR, CURB_ERROR_TOKEN_UNKNOWN_KEY,
                   "Pickup token is signed with key “%s”, which is not in the keyring", claims->key_id);
      return FALSE;
    }
  if (!signature_is_good (public_key, binary, body_len))
    {
      g_set_error_literal (error, CURB_ERROR, CURB_ERROR_TOKEN_BAD_SIGNATURE,
                           "Pickup token signature is not valid");
      return FALSE;
    }
  if (!g_str_equal (claims->store_id, expected_store_id))
    {
      g_set_error_literal (error, CURB_ERROR, CURB_ERROR_TOKEN_OTHER_STORE,
                           "Pickup token is for another store");
      return FALSE;
    }
  if (now_s > claims->expires_s + CURB_TOKEN_CLOCK_SKEW_S)
    {
      g_set_error_literal (error, CURB_ERROR, CURB_ERROR_TOKEN_EXPIRED, "Pickup token has expired");
      return FALSE;
    }
  if (out_claims != NULL)
    *out_claims = g_steal_pointer (&claims);
  return TRUE;
}
