#include <stdlib.h>
#include <string.h>

#include "curb-vendure-cursor.h"

/* Text: "vendure1 PHASE PLACED_MS PLACED_ID UPDATED_MS OPEN_SKIP FIRST SEEN",
 * SEEN being "-" or "id=fingerprint,…". */

#define MAGIC "vendure1"
#define MAX_SEEN 4096

static const char phase_letters[] = "nco";

static CurbVendureCursor *
cursor_new (void)
{
  CurbVendureCursor *cursor = g_new0 (CurbVendureCursor, 1);

  cursor->seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  cursor->first_sweep = TRUE;
  return cursor;
}

void
curb_vendure_cursor_free (CurbVendureCursor *cursor)
{
  if (cursor == NULL)
    return;
  g_hash_table_unref (cursor->seen);
  g_free (cursor);
}

static gboolean
parse_int (const char *text,
           gint64     *out)
{
  return g_ascii_string_to_signed (text, 10, -1, G_MAXINT64, out, NULL);
}

static gboolean
parse_seen (CurbVendureCursor *cursor,
            const char        *text)
{
  g_auto(GStrv) entries = NULL;

  if (g_str_equal (text, "-"))
    return TRUE;
  entries = g_strsplit (text, ",", MAX_SEEN + 1);
  if (g_strv_length (entries) > MAX_SEEN)
    return FALSE;
  for (guint i = 0; entries[i] != NULL; i++)
    {
      char *equals = strchr (entries[i], '=');

      if (equals == NULL || equals == entries[i])
        return FALSE;
      g_hash_table_insert (cursor->seen, g_strndup (entries[i], equals - entries[i]), g_strdup (equals + 1));
    }
  return TRUE;
}

static gboolean
parse_fields (CurbVendureCursor  *cursor,
              char              **fields)
{
  const char *phase;
  gint64 skip = 0, first = 0;

  if (g_strv_length (fields) != 8 || !g_str_equal (fields[0], MAGIC) || strlen (fields[1]) != 1
      || (phase = strchr (phase_letters, fields[1][0])) == NULL)
    return FALSE;
  cursor->phase = (CurbVendurePhase) (phase - phase_letters);
  if (!parse_int (fields[2], &cursor->placed_ms) || !parse_int (fields[3], &cursor->placed_id)
      || !parse_int (fields[4], &cursor->updated_ms) || !parse_int (fields[5], &skip)
      || !parse_int (fields[6], &first) || skip > G_MAXUINT || first > 1)
    return FALSE;
  cursor->open_skip = skip;
  cursor->first_sweep = first == 1;
  return parse_seen (cursor, fields[7]);
}

CurbVendureCursor *
curb_vendure_cursor_parse (const char *text)
{
  g_autoptr(CurbVendureCursor) cursor = cursor_new ();
  g_auto(GStrv) fields = NULL;

  if (text == NULL || *text == '\0')
    return g_steal_pointer (&cursor);
  fields = g_strsplit (text, " ", 9);
  if (!parse_fields (cursor, fields))
    {
      curb_vendure_cursor_free (cursor);
      cursor = cursor_new ();
    }
  return g_steal_pointer (&cursor);
}

static gint
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

char *
curb_vendure_cursor_to_string (const CurbVendureCursor *cursor)
{
  g_autoptr(GString) text = g_string_new (MAGIC);
  g_autofree gpointer *ids = NULL;
  guint n = 0;

  g_return_val_if_fail (cursor != NULL, NULL);

  g_string_append_printf (text, " %c %" G_GINT64_FORMAT " %" G_GINT64_FORMAT " %" G_GINT64_FORMAT " %u %d ",
                          phase_letters[cursor->phase], cursor->placed_ms, cursor->placed_id,
                          cursor->updated_ms, cursor->open_skip, cursor->first_sweep ? 1 : 0);
  ids = g_hash_table_get_keys_as_array (cursor->seen, &n);
  qsort (ids, n, sizeof *ids, compare_strings);
  for (guint i = 0; i < n; i++)
    g_string_append_printf (text, "%s%s=%s", i ? "," : "", (char *) ids[i],
                            (char *) g_hash_table_lookup (cursor->seen, ids[i]));
  if (n == 0)
    g_string_append_c (text, '-');
  return g_string_free (g_steal_pointer (&text), FALSE);
}

void
curb_vendure_cursor_take (CurbVendureCursor *cursor,
                          gint64             updated_ms,
                          const char        *id,
                          const char        *fingerprint)
{
  g_return_if_fail (cursor != NULL && id != NULL && fingerprint != NULL);

  if (updated_ms < cursor->updated_ms)
    return;
  if (updated_ms > cursor->updated_ms)
    {
      g_hash_table_remove_all (cursor->seen);
      cursor->updated_ms = updated_ms;
    }
  if (g_hash_table_size (cursor->seen) < MAX_SEEN)
    g_hash_table_insert (cursor->seen, g_strdup (id), g_strdup (fingerprint));
}

gboolean
curb_vendure_cursor_has_seen (const CurbVendureCursor *cursor,
                              gint64                   updated_ms,
                              const char              *id,
                              const char              *fingerprint)
{
  g_return_val_if_fail (cursor != NULL && id != NULL && fingerprint != NULL, FALSE);

  return updated_ms == cursor->updated_ms
         && g_strcmp0 (g_hash_table_lookup (cursor->seen, id), fingerprint) == 0;
}
