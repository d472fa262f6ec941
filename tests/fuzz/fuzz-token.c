/* Pickup token text from a scanner: decode, verify, and check that whatever
 * decodes re-encodes to the same claims and the same text. */
#include <string.h>

#include "curbside-core.h"
#include "curb-token-private.h"
#include "fuzz-target.h"

/* A test-only key, published here on purpose; corpus/token/ is signed with it. */
#define FUZZ_SECRET "curbside-secret-key-v1 c1 pjpHgJLeIU0ESYWsEId3ltW8tSQCXBLrquxSYu4k4eYwtTeY6Nd/MkSVIbL4rvnMXUcFMUB1CjUwxOXL4JE9Mg=="
#define FUZZ_NOW    1795790401

static CurbSigningKey *fuzz_key;
static CurbKeyring *fuzz_keyring;

static void
ensure_keys (void)
{
  if (fuzz_key != NULL)
    return;
  fuzz_key = curb_signing_key_load_data (FUZZ_SECRET, -1, NULL);
  g_assert (fuzz_key != NULL);
  fuzz_keyring = curb_keyring_new ();
  curb_keyring_add (fuzz_keyring, "c1", curb_signing_key_get_public_key (fuzz_key), NULL);
}

static void
check_reencodes (const CurbTokenClaims *claims)
{
  g_autoptr(CurbSigningKey) key = curb_signing_key_load_data (FUZZ_SECRET, -1, NULL);
  g_autoptr(CurbTokenClaims) again = NULL;
  g_autofree char *token = curb_token_sign (key, claims, NULL);

  g_assert (token != NULL);
  again = curb_token_decode (token, NULL);
  g_assert (again != NULL);
  g_assert (g_str_equal (again->store_id, claims->store_id));
  g_assert (g_str_equal (again->order_ref, claims->order_ref));
  g_assert (again->expires_s == claims->expires_s);
  g_assert (memcmp (again->nonce, claims->nonce, CURB_TOKEN_NONCE_LEN) == 0);
}

static void
check_codec (const char *text)
{
  gsize length = strlen (text);
  g_autofree guint8 *binary = g_malloc (length / 3 * 2 + 2);
  gsize binary_length = 0;
  g_autofree char *again = NULL;

  if (!curb_base41_decode (text, length, binary, &binary_length))
    return;
  again = curb_base41_encode (binary, binary_length);
  g_assert (g_str_equal (again, text));
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autofree char *text = g_strndup (size > 0 ? (const char *) data : "", size);
  g_autoptr(CurbTokenClaims) verified = NULL;
  g_autoptr(CurbTokenClaims) decoded = NULL;
  g_autoptr(GError) error = NULL;

  ensure_keys ();
  if (curb_token_verify (fuzz_keyring, text, "store-001", FUZZ_NOW, &verified, &error))
    g_assert (g_str_equal (verified->store_id, "store-001"));
  else
    g_assert (error != NULL && error->domain == CURB_ERROR
              && error->code >= CURB_ERROR_TOKEN_MALFORMED && error->code <= CURB_ERROR_TOKEN_OTHER_STORE);
  decoded = curb_token_decode (text, NULL);
  if (decoded != NULL)
    check_reencodes (decoded);
  if (size < 4096)
    check_codec (text);
  return 0;
}
