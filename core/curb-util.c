#include <sodium.h>
#include <string.h>

#include "curb-util.h"

char *
curb_uuid_new (void)
{
  return g_uuid_string_random ();
}

char *
curb_random_token (gsize bytes)
{
  g_autofree guint8 *raw = g_malloc (bytes);
  gsize size = sodium_base64_encoded_len (bytes, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  char *token = g_malloc (size);

  if (sodium_init () < 0)
    g_error ("libsodium cannot be initialised");
  randombytes_buf (raw, bytes);
  sodium_bin2base64 (token, size, raw, bytes, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  sodium_memzero (raw, bytes);
  return token;
}

gint64
curb_now_ms (void)
{
  return g_get_real_time () / 1000;
}

/* "2026-11-27T14:40:01.076Z": UTC, millisecond precision. */
char *
curb_iso8601_from_ms (gint64 ms)
{
  /* rounded down, also before 1970: -1 ms is 23:59:59.999 */
  gint64 seconds = ms / 1000 - (ms % 1000 < 0);
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc (seconds);
  g_autofree char *base = NULL;

  if (dt == NULL)
    return NULL;
  base = g_date_time_format (dt, "%Y-%m-%dT%H:%M:%S");
  return g_strdup_printf ("%s.%03dZ", base, (int) (ms - seconds * 1000));
}

gboolean
curb_iso8601_to_ms (const char *text, gint64 *out_ms)
{
  g_autoptr(GDateTime) dt = NULL;

  g_return_val_if_fail (out_ms != NULL, FALSE);

  if (text == NULL || *text == '\0')
    return FALSE;
  dt = g_date_time_new_from_iso8601 (text, NULL);
  if (dt == NULL)
    return FALSE;
  *out_ms = g_date_time_to_unix (dt) * 1000 + g_date_time_get_microsecond (dt) / 1000;
  return TRUE;
}

/* Text shown on staff screens and in logs: no control characters (C0, C1,
 * DEL), no format characters (bidi overrides and isolates, marks, zero
 * width), no line or paragraph separators. */
gboolean
curb_text_is_printable (const char *text,
                        gsize       max_len)
{
  gsize len;

  if (text == NULL || !g_utf8_validate (text, -1, NULL))
    return FALSE;
  len = strlen (text);
  if (len == 0 || len > max_len)
    return FALSE;
  for (const char *p = text; *p; p = g_utf8_next_char (p))
    {
      GUnicodeType type = g_unichar_type (g_utf8_get_char (p));

      if (type == G_UNICODE_CONTROL || type == G_UNICODE_FORMAT || type == G_UNICODE_LINE_SEPARATOR
          || type == G_UNICODE_PARAGRAPH_SEPARATOR || type == G_UNICODE_UNASSIGNED
          || type == G_UNICODE_SURROGATE || type == G_UNICODE_PRIVATE_USE)
        return FALSE;
    }
  return TRUE;
}
