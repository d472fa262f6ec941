#include <string.h>
#include <sodium.h>

#include "curb-error.h"
#include "curb-signing-key.h"

#define SECRET_KEY_MAGIC    "curbside-secret-key-v1"
#define SECRET_FILE_MAX_LEN 4096

struct _CurbSigningKey
{
  GObject  parent_instance;

  char    *key_id;
  guint8  *secret_key;   /* sodium_malloc()ed, CURB_SIGNING_KEY_SECRET_LEN */
  guint8   public_key[CURB_SIGNING_KEY_PUBLIC_LEN];
};

G_DEFINE_FINAL_TYPE (CurbSigningKey, curb_signing_key, G_TYPE_OBJECT)

static gboolean
ensure_sodium (GError **error)
{
  if (sodium_init () < 0)
    {
      g_set_error_literal (error, CURB_ERROR, CURB_ERROR_FAILED, "libsodium could not be initialised");
      return FALSE;
    }
  return TRUE;
}

static gboolean
check_key_id (const char  *key_id,
              GError     **error)
{
  if (curb_key_id_is_valid (key_id))
    return TRUE;
  g_set_error (error, CURB_ERROR, CURB_ERROR_INVALID,
               "Key id must be 1 to 16 characters of A-Z a-z 0-9 . _ -");
  return FALSE;
}

static CurbSigningKey *
signing_key_new (const char *key_id)
{
  CurbSigningKey *self = g_object_new (CURB_TYPE_SIGNING_KEY, NULL);

  self->key_id = g_strdup (key_id);
  self->secret_key = sodium_malloc (CURB_SIGNING_KEY_SECRET_LEN);
  g_assert (self->secret_key != NULL);
  return self;
}

/* The 64-byte secret key is seed || public key: re-derive it from the seed so
 * a corrupted or hand-edited file cannot yield a mismatched pair. */
static gboolean
signing_key_set_secret (CurbSigningKey  *self,
                        const guint8    *secret_key,
                        GError         **error)
{
  guint8 derived[CURB_SIGNING_KEY_SECRET_LEN];
  gboolean ok;

  crypto_sign_seed_keypair (self->public_key, derived, secret_key);
  ok = sodium_memcmp (derived, secret_key, sizeof derived) == 0;
  memcpy (self->secret_key, derived, sizeof derived);
  sodium_memzero (derived, sizeof derived);
  if (!ok)
    g_set_error_literal (error, CURB_ERROR, CURB_ERROR_INVALID,
                         "Secret key is damaged: its public half does not match");
  return ok;
}

static void
curb_signing_key_finalize (GObject *object)
{
  CurbSigningKey *self = CURB_SIGNING_KEY (object);

  g_free (self->key_id);
  sodium_free (self->secret_key);
  G_OBJECT_CLASS (curb_signing_key_parent_class)->finalize (object);
}

static void
curb_signing_key_class_init (CurbSigningKeyClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = curb_signing_key_finalize;
}

static void
curb_signing_key_init (CurbSigningKey *self)
{
}

gboolean
curb_key_id_is_valid (const char *key_id)
{
  gsize len;

  if (key_id == NULL)
    return FALSE;
  len = strlen (key_id);
  if (len == 0 || len > 16)
    return FALSE;
  for (gsize i = 0; i < len; i++)
    if (!g_ascii_isalnum (key_id[i]) && strchr ("._-", key_id[i]) == NULL)
      return FALSE;
  return TRUE;
}

/**
 * curb_signing_key_generate:
 *
 * Returns: (transfer full): a fresh random key pair named @key_id.
 */
CurbSigningKey *
curb_signing_key_generate (const char  *key_id,
                           GError     **error)
{
  CurbSigningKey *self;

  if (!ensure_sodium (error) || !check_key_id (key_id, error))
    return NULL;
  self = signing_key_new (key_id);
  crypto_sign_keypair (self->public_key, self->secret_key);
  return self;
}

static gboolean
decode_secret (const char  *text,
               guint8      *secret_key,
               GError     **error)
{
  gsize len = 0;

  if (sodium_base642bin (secret_key, CURB_SIGNING_KEY_SECRET_LEN, text, strlen (text), NULL, &len,
                         NULL, sodium_base64_VARIANT_ORIGINAL) != 0
      || len != CURB_SIGNING_KEY_SECRET_LEN)
    {
      g_set_error_literal (error, CURB_ERROR, CURB_ERROR_INVALID,
                           "Secret key file does not hold a 64-byte base64 key");
      return FALSE;
    }
  return TRUE;
}

/**
 * curb_signing_key_load_data:
 *
 * Parses the text of a secret key file.
 *
 * Returns: (transfer full): the key, or %NULL with CURB_ERROR_INVALID.
 */
CurbSigningKey *
curb_signing_key_load_data (const char  *data,
                            gssize       length,
                            GError     **error)
{
  g_autoptr(CurbSigningKey) self = NULL;
  g_auto(GStrv) fields = NULL;
  g_autofree char *text = NULL;
  guint8 *secret;

  g_return_val_if_fail (data != NULL, NULL);
  if (!ensure_sodium (error))
    return NULL;
  if (length < 0)
    length = strlen (data);
  if (length > SECRET_FILE_MAX_LEN || memchr (data, '\0', length) != NULL)
    {
      g_set_error_literal (error, CURB_ERROR, CURB_ERROR_INVALID, "Not a Curbside secret key file");
      return NULL;
    }
  text = g_strndup (data, length);
  fields = g_regex_split_simple ("[ \t]+", g_strstrip (text), 0, 0);
  if (g_strv_length (fields) != 3 || !g_str_equal (fields[0], SECRET_KEY_MAGIC))
    {
      g_set_error_literal (error, CURB_ERROR, CURB_ERROR_INVALID,
                           "Not a Curbside secret key file (expected “" SECRET_KEY_MAGIC " KID KEY”)");
      return NULL;
    }
  if (!check_key_id (fields[1], error))
    return NULL;
  self = signing_key_new (fields[1]);
  secret = sodium_malloc (CURB_SIGNING_KEY_SECRET_LEN);
  if (!decode_secret (fields[2], secret, error) || !signing_key_set_secret (self, secret, error))
    g_clear_object (&self);
  sodium_free (secret);
  sodium_memzero (fields[2], strlen (fields[2]));
  return g_steal_pointer (&self);
}

/**
 * curb_signing_key_load:
 *
 * Returns: (transfer full): the key stored at @path, or %NULL.
 */
CurbSigningKey *
curb_signing_key_load (const char  *path,
                       GError     **error)
{
  g_autofree char *data = NULL;
  gsize length = 0;
  CurbSigningKey *key;

  g_return_val_if_fail (path != NULL, NULL);
  if (!g_file_get_contents (path, &data, &length, error))
    return NULL;
  key = curb_signing_key_load_data (data, length, error);
  sodium_memzero (data, length);
  if (key == NULL)
    g_prefix_error (error, "%s: ", path);
  return key;
}

/**
 * curb_signing_key_save:
 *
 * Writes the secret key file atomically with mode 0600.
 */
gboolean
curb_signing_key_save (CurbSigningKey  *self,
                       const char      *path,
                       GError         **error)
{
  char b64[sodium_base64_ENCODED_LEN (CURB_SIGNING_KEY_SECRET_LEN, sodium_base64_VARIANT_ORIGINAL)];
  g_autofree char *text = NULL;
  gboolean ok;

  g_return_val_if_fail (CURB_IS_SIGNING_KEY (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);
  sodium_bin2base64 (b64, sizeof b64, self->secret_key, CURB_SIGNING_KEY_SECRET_LEN,
                     sodium_base64_VARIANT_ORIGINAL);
  text = g_strdup_printf (SECRET_KEY_MAGIC " %s %s\n", self->key_id, b64);
  ok = g_file_set_contents_full (path, text, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0600, error);
  sodium_memzero (b64, sizeof b64);
  sodium_memzero (text, strlen (text));
  return ok;
}

const char *
curb_signing_key_get_key_id (CurbSigningKey *self)
{
  g_return_val_if_fail (CURB_IS_SIGNING_KEY (self), NULL);
  return self->key_id;
}

const guint8 *
curb_signing_key_get_public_key (CurbSigningKey *self)
{
  g_return_val_if_fail (CURB_IS_SIGNING_KEY (self), NULL);
  return self->public_key;
}

char *
curb_signing_key_to_public_line (CurbSigningKey *self)
{
  char b64[sodium_base64_ENCODED_LEN (CURB_SIGNING_KEY_PUBLIC_LEN, sodium_base64_VARIANT_ORIGINAL)];

  g_return_val_if_fail (CURB_IS_SIGNING_KEY (self), NULL);
  sodium_bin2base64 (b64, sizeof b64, self->public_key, CURB_SIGNING_KEY_PUBLIC_LEN,
                     sodium_base64_VARIANT_ORIGINAL);
  return g_strdup_printf ("%s %s", self->key_id, b64);
}

void
curb_signing_key_sign (CurbSigningKey *self,
                       const guint8   *message,
                       gsize           length,
                       guint8         *signature)
{
  g_return_if_fail (CURB_IS_SIGNING_KEY (self));
  crypto_sign_detached (signature, NULL, message, length, self->secret_key);
}
