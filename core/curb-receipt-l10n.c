#include <string.h>

#include "curb-error.h"
#include "curb-receipt-l10n.h"

#define MO_MAGIC         0x950412deu
#define MO_MAGIC_SWAPPED 0xde120495u

struct _CurbPrintCatalog
{
  char       *lang;
  GHashTable *strings;  /* msgid → translation, or NULL for English */
};

static GMutex catalogs_lock;
static GHashTable *catalogs;

static guint32
read_u32 (const guint8 *data,
          gsize         offset,
          gboolean      swapped)
{
  guint32 v;

  memcpy (&v, data + offset, 4);
  return swapped ? GUINT32_SWAP_LE_BE (v) : v;
}

static gboolean
read_string (const guint8  *data,
             gsize          size,
             gsize          entry,
             gboolean       swapped,
             const char   **out)
{
  guint32 len, offset;

  if (entry + 8 > size)
    return FALSE;
  len = read_u32 (data, entry, swapped);
  offset = read_u32 (data, entry + 4, swapped);
  if ((gsize) offset + len + 1 > size || data[offset + len] != '\0')
    return FALSE;
  *out = (const char *) data + offset;
  return TRUE;
}

/**
 * curb_print_catalog_parse_mo:
 * @mo: the contents of a GNU .mo file
 * @error: return location for a #CURB_ERROR_INVALID error
 *
 * Returns: msgid → first translation; plural and context entries keep their
 *   first msgid form as key
 */
GHashTable *
curb_print_catalog_parse_mo (GBytes  *mo,
                             GError **error)
{
  gsize size = 0;
  const guint8 *data = g_bytes_get_data (mo, &size);
  g_autoptr(GHashTable) strings = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  guint32 magic, n, orig, trans;
  gboolean swapped;

  if (size < 20)
    goto bad;
  magic = read_u32 (data, 0, FALSE);
  if (magic != MO_MAGIC && magic != MO_MAGIC_SWAPPED)
    goto bad;
  swapped = magic == MO_MAGIC_SWAPPED;
  n = read_u32 (data, 8, swapped);
  orig = read_u32 (data, 12, swapped);
  trans = read_u32 (data, 16, swapped);
  if (n > size / 16)
    goto bad;
  for (guint32 i = 0; i < n; i++)
    {
      const char *id, *str;

      if (!read_string (data, size, (gsize) orig + 8 * i, swapped, &id)
          || !read_string (data, size, (gsize) trans + 8 * i, swapped, &str))
        goto bad;
      if (*id != '\0' && *str != '\0')
        g_hash_table_insert (strings, g_strdup (id), g_strdup (str));
    }
  return g_steal_pointer (&strings);

bad:
  g_set_error_literal (error, CURB_ERROR, CURB_ERROR_INVALID, "Not a valid .mo file");
  return NULL;
}

static const char *
locale_dir (void)
{
  const char *dir = g_getenv ("CURB_LOCALEDIR");

  return dir != NULL && *dir != '\0' ? dir : CURB_LOCALEDIR;
}

static GHashTable *
load_language (const char *lang)
{
  g_autofree char *path = g_build_filename (locale_dir (), lang, "LC_MESSAGES", "curbside.mo", NULL);
  g_autoptr(GMappedFile) file = g_mapped_file_new (path, FALSE, NULL);
  g_autoptr(GBytes) bytes = NULL;

  if (file == NULL)
    return NULL;
  bytes = g_mapped_file_get_bytes (file);
  return curb_print_catalog_parse_mo (bytes, NULL);
}

static CurbPrintCatalog *
catalog_new (const char *lang)
{
  CurbPrintCatalog *catalog = g_new0 (CurbPrintCatalog, 1);
  g_auto(GStrv) parts = g_strsplit_set (lang, "_-.@", 2);

  catalog->lang = g_strdup (lang);
  catalog->strings = load_language (lang);
  if (catalog->strings == NULL && parts[0] != NULL && !g_str_equal (parts[0], lang))
    catalog->strings = load_language (parts[0]);
  return catalog;
}

/**
 * curb_print_catalog_get:
 * @lang: (nullable): a language tag ("es", "es_MX", "es-MX"); %NULL for English
 *
 * Returns: (transfer none): the catalog, loaded once and kept; a language
 *   without translations gives the English text
 */
const CurbPrintCatalog *
curb_print_catalog_get (const char *lang)
{
  CurbPrintCatalog *catalog;

  if (lang == NULL || *lang == '\0')
    lang = "en";
  g_mutex_lock (&catalogs_lock);
  if (catalogs == NULL)
    catalogs = g_hash_table_new (g_str_hash, g_str_equal);
  catalog = g_hash_table_lookup (catalogs, lang);
  if (catalog == NULL)
    {
      catalog = catalog_new (lang);
      g_hash_table_insert (catalogs, catalog->lang, catalog);
    }
  g_mutex_unlock (&catalogs_lock);
  return catalog;
}

const char *
curb_print_catalog_lang (const CurbPrintCatalog *catalog)
{
  return catalog->lang;
}

const char *
curb_print_catalog_lookup (const CurbPrintCatalog *catalog,
                           const char             *msgid)
{
  const char *str;

  if (catalog == NULL || catalog->strings == NULL)
    return msgid;
  str = g_hash_table_lookup (catalog->strings, msgid);
  return str != NULL ? str : msgid;
}

/* FALSE when no curbside.mo was found for the language (English text). */
gboolean
curb_print_catalog_is_translated (const CurbPrintCatalog *catalog)
{
  return catalog != NULL && catalog->strings != NULL;
}

/* Where catalogs are read from: $CURB_LOCALEDIR, else the install location. */
const char *
curb_print_catalog_dir (void)
{
  return locale_dir ();
}
