#include <string.h>
#include <sodium.h>

#include "curb-error.h"
#include "curb-keyring.h"

#define KEYRING_MAX_LEN (1024 * 1024)

struct _CurbKeyring
{
  GObject     parent_instance;

  GHashTable *keys;   /* key id → 32-byte public key */
};

G_DEFINE_FINAL_TYPE (CurbKeyring, curb_keyring, G_TYPE_OBJECT)

static void
curb_keyring_finalize (GObject *object)
{
  CurbKeyring *self = CURB_KEYRING (object);

  g_hash_table_unref (self->keys);
  G_OBJECT_CLASS (curb_keyring_parent_class)->finalize (object);
}

static void
curb_keyring_class_init (CurbKeyringClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = curb_keyring_finalize;
}

static void
curb_keyring_init (CurbKeyring *self)
{
  self->keys = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}

CurbKeyring *
curb_keyring_new (void)
{
  return g_object_new (CURB_TYPE_KEYRING, NULL);
}

/**
 * curb_keyring_add:
 * @public_key: 32 bytes
 *
 * Adds a trusted key. Adding the same key again is a no-op; a different key
 * under an id already present is refused (CURB_ERROR_CONFLICT).
 */
gboolean
curb_keyring_add (CurbKeyring   *self,
                  const char    *key_id,
                  const guint8  *public_key,
                  GError       **error)
{
  const guint8 *existing;

  g_return_val_if_fail (CURB_IS_KEYRING (self), FALSE);
  g_return_val_if_fail (public_key != NULL, FALSE);
  if (!curb_key_id_is_valid (key_id))
    {
      g_set_error_literal (error, CURB_ERROR, CURB_ERROR_INVALID,
                           "Key id must be 1 to 16 characters of A-Z a-z 0-9 . _ -");
      return FALSE;
    }
  existing = g_hash_table_lookup (self->keys, key_id);
  if (existing != NULL && memcmp (existing, public_key, CURB_SIGNING_KEY_PUBLIC_LEN) != 0)
    {
      g_set_error (error, CURB_ERROR, CURB_ERROR_CONFLICT,
                   "Key id “%s” is already in the keyring with a different key", key_id);
      return FALSE;
    }
  g_hash_table_replace (self->keys, g_strdup (key_id),
                        g_memdup2 (public_key, CURB_SIGNING_KEY_PUBLIC_LEN));
  return TRUE;
}

gboolean
curb_keyring_add_base64 (CurbKeyring  *self,
                         const char   *key_id,
                         const char   *public_key_base64,
                         GError      **error)
{
  guint8 key[CURB_SIGNING_KEY_PUBLIC_LEN];
  gsize len = 0;

  g_return_val_if_fail (public_key_base64 != NULL, FALSE);
  if (sodium_init () < 0
      || sodium_base642bin (key, sizeof key, public_key_base64, strlen (public_key_base64),
                            NULL, &len, NULL, sodium_base64_VARIANT_ORIGINAL) != 0
      || len != sizeof key)
    {
      g_set_error_literal (error, CURB_ERROR, CURB_ERROR_INVALID,
                           "Public key is not 32 bytes of base64");
      return FALSE;
    }
  return curb_keyring_add (self, key_id, key, error);
}

/* Splits on runs of blanks. */
static char **
split_fields (const char *line)
{
  g_auto(GStrv) parts = g_strsplit_set (line, " \t", -1);
  g_autoptr(GStrvBuilder) fields = g_strv_builder_new ();

  for (guint i = 0; parts[i] != NULL; i++)
    if (*parts[i] != '\0')
      g_strv_builder_add (fields, parts[i]);
  return g_strv_builder_end (fields);
}

static gboolean
load_line (CurbKeyring  *self,
           char         *line,
           GError      **error)
{
  g_auto(GStrv) fields = NULL;
  char *hash = strchr (line, '#');

  if (hash != NULL)
    *hash = '\0';
  g_strstrip (line);
  if (*line == '\0')
    return TRUE;
  fields = split_fields (line);
  if (g_strv_length (fields) != 2)
    {
      g_set_error_literal (error, CURB_ERROR, CURB_ERROR_INVALID, "expected “KID BASE64-PUBLIC-KEY”");
      return FALSE;
    }
  return curb_keyring_add_base64 (self, fields[0], fields[1], error);
}

/**
 * curb_keyring_load_data:
 *
 * Adds the keys of a keyring text. On error (CURB_ERROR_INVALID, the
 * message starts with "line N: ") nothing is added.
 */
gboolean
curb_keyring_load_data (CurbKeyring  *self,
                        const char   *data,
                        gssize        length,
                        GError      **error)
{
  g_autoptr(CurbKeyring) staged = curb_keyring_new ();
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  GHashTableIter iter;
  gpointer kid, key;

  g_return_val_if_fail (CURB_IS_KEYRING (self), FALSE);
  g_return_val_if_fail (data != NULL, FALSE);
  if (length < 0)
    length = strlen (data);
  if (length > KEYRING_MAX_LEN || memchr (data, '\0', length) != NULL)
    {
      g_set_error_literal (error, CURB_ERROR, CURB_ERROR_INVALID, "Not a keyring file");
      return FALSE;
    }
  text = g_strndup (data, length);
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    if (!load_line (staged, lines[i], error))
      {
        g_prefix_error (error, "line %u: ", i + 1);
        return FALSE;
      }
  g_hash_table_iter_init (&iter, staged->keys);
  while (g_hash_table_iter_next (&iter, &kid, &key))
    {
      const guint8 *existing = g_hash_table_lookup (self->keys, kid);
      if (existing != NULL && memcmp (existing, key, CURB_SIGNING_KEY_PUBLIC_LEN) != 0)
        return curb_keyring_add (self, kid, key, error);
    }
  g_hash_table_iter_init (&iter, staged->keys);
  while (g_hash_table_iter_next (&iter, &kid, &key))
    curb_keyring_add (self, kid, key, NULL);
  return TRUE;
}

/**
 * curb_keyring_load:
 *
 * Returns: (transfer full): the keyring stored at @path, or %NULL.
 */
CurbKeyring *
curb_keyring_load (const char  *path,
                   GError     **error)
{
  g_autoptr(CurbKeyring) self = curb_keyring_new ();
  g_autofree char *data = NULL;
  gsize length = 0;

  g_return_val_if_fail (path != NULL, NULL);
  if (!g_file_get_contents (path, &data, &length, error))
    return NULL;
  if (!curb_keyring_load_data (self, data, length, error))
    {
      g_prefix_error (error, "%s: ", path);
      return NULL;
    }
  return g_steal_pointer (&self);
}

char *
curb_keyring_to_data (CurbKeyring *self)
{
  g_auto(GStrv) ids = curb_keyring_list_key_ids (self);
  GString *out = g_string_new ("# Curbside pickup token issuers: key id, Ed25519 public key (base64)\n");

  for (guint i = 0; ids[i] != NULL; i++)
    {
      const guint8 *key = g_hash_table_lookup (self->keys, ids[i]);
      char b64[sodium_base64_ENCODED_LEN (CURB_SIGNING_KEY_PUBLIC_LEN, sodium_base64_VARIANT_ORIGINAL)];

      sodium_bin2base64 (b64, sizeof b64, key, CURB_SIGNING_KEY_PUBLIC_LEN,
                         sodium_base64_VARIANT_ORIGINAL);
      g_string_append_printf (out, "%s %s\n", ids[i], b64);
    }
  return g_string_free (out, FALSE);
}

gboolean
curb_keyring_save (CurbKeyring  *self,
                   const char   *path,
                   GError      **error)
{
  g_autofree char *text = NULL;

  g_return_val_if_fail (CURB_IS_KEYRING (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);
  text = curb_keyring_to_data (self);
  return g_file_set_contents_full (path, text, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0644, error);
}

gboolean
curb_keyring_remove (CurbKeyring *self,
                     const char  *key_id)
{
  g_return_val_if_fail (CURB_IS_KEYRING (self), FALSE);
  return key_id != NULL && g_hash_table_remove (self->keys, key_id);
}

/**
 * curb_keyring_lookup:
 *
 * Returns: (transfer none) (nullable): the 32-byte public key of @key_id.
 */
const guint8 *
curb_keyring_lookup (CurbKeyring *self,
                     const char  *key_id)
{
  g_return_val_if_fail (CURB_IS_KEYRING (self), NULL);
  if (key_id == NULL)
    return NULL;
  return g_hash_table_lookup (self->keys, key_id);
}

guint
curb_keyring_get_n_keys (CurbKeyring *self)
{
  g_return_val_if_fail (CURB_IS_KEYRING (self), 0);
  return g_hash_table_size (self->keys);
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

char **
curb_keyring_list_key_ids (CurbKeyring *self)
{
  guint n = 0;
  char **ids;

  g_return_val_if_fail (CURB_IS_KEYRING (self), NULL);
  ids = (char **) g_hash_table_get_keys_as_array (self->keys, &n);
  for (guint i = 0; i < n; i++)
    ids[i] = g_strdup (ids[i]);
  qsort (ids, n, sizeof (char *), compare_strings);
  return ids;
}
