#include "curbside-core.h"
#include "curb-central-issuer.h"

#define DEMO_KEY_ID "c1"

/**
 * curb_central_issuer_load_or_create:
 * @path: a secret key file (curb-signing-key.h); created with a new key
 *   (key id "c1", mode 0600) when missing
 *
 * Returns: (transfer full): the issuing key, or %NULL
 */
CurbSigningKey *
curb_central_issuer_load_or_create (const char  *path,
                                    GError     **error)
{
  g_autoptr(CurbSigningKey) key = NULL;

  if (g_file_test (path, G_FILE_TEST_EXISTS))
    return curb_signing_key_load (path, error);
  key = curb_signing_key_generate (DEMO_KEY_ID, error);
  if (key == NULL || !curb_signing_key_save (key, path, error))
    return NULL;
  return g_steal_pointer (&key);
}

/**
 * curb_central_issuer_sign_token:
 * @signing_key: (type CurbSigningKey): the issuing key
 *
 * A #CurbCentralTokenFunc.
 *
 * Returns: (transfer full) (nullable): the pickup token, or %NULL when the
 *   claims do not fit a token
 */
char *
curb_central_issuer_sign_token (const char *store_id,
                                const char *ref,
                                gint64      expires_ms,
                                gpointer    signing_key)
{
  g_autoptr(CurbTokenClaims) claims = curb_token_claims_new (store_id, ref, expires_ms / 1000);

  if (claims == NULL)
    return NULL;
  return curb_token_sign (signing_key, claims, NULL);
}

/**
 * curb_central_issuer_public_keys:
 *
 * Returns: (transfer full): [{kid, alg, public_key}] as /v1/keys serves it;
 *   public_key is standard base64, as in a keyring file
 */
JsonArray *
curb_central_issuer_public_keys (CurbSigningKey *key)
{
  JsonArray *keys = json_array_new ();
  JsonObject *entry;
  g_autofree char *public_key = NULL;

  if (key == NULL)
    return keys;
  public_key = g_base64_encode (curb_signing_key_get_public_key (key), CURB_SIGNING_KEY_PUBLIC_LEN);
  entry = json_object_new ();
  json_object_set_string_member (entry, "kid", curb_signing_key_get_key_id (key));
  json_object_set_string_member (entry, "alg", "Ed25519");
  json_object_set_string_member (entry, "public_key", public_key);
  json_array_add_object_element (keys, entry);
  return keys;
}
