#include <string.h>

#include "curb-escpos-codepage.h"

/* Unicode for bytes 0x80..0xFF (generated from Python's codecs). */
static const gunichar2 cp437_high[128] = {
  0x00c7, 0x00fc, 0x00e9, 0x00e2, 0x00e4, 0x00e0, 0x00e5, 0x00e7,
  0x00ea, 0x00eb, 0x00e8, 0x00ef, 0x00ee, 0x00ec, 0x00c4, 0x00c5,
  0x00c9, 0x00e6, 0x00c6, 0x00f4, 0x00f6, 0x00f2, 0x00fb, 0x00f9,
  0x00ff, 0x00d6, 0x00dc, 0x00a2, 0x00a3, 0x00a5, 0x20a7, 0x0192,
  0x00e1, 0x00ed, 0x00f3, 0x00fa, 0x00f1, 0x00d1, 0x00aa, 0x00ba,
  0x00bf, 0x2310, 0x00ac, 0x00bd, 0x00bc, 0x00a1, 0x00ab, 0x00bb,
  0x2591, 0x2592, 0x2593, 0x2502, 0x2524, 0x2561, 0x2562, 0x2556,
  0x2555, 0x2563, 0x2551, 0x2557, 0x255d, 0x255c, 0x255b, 0x2510,
  0x2514, 0x2534, 0x252c, 0x251c, 0x2500, 0x253c, 0x255e, 0x255f,
  0x255a, 0x2554, 0x2569, 0x2566, 0x2560, 0x2550, 0x256c, 0x2567,
  0x2568, 0x2564, 0x2565, 0x2559, 0x2558, 0x2552, 0x2553, 0x256b,
  0x256a, 0x2518, 0x250c, 0x2588, 0x2584, 0x258c, 0x2590, 0x2580,
  0x03b1, 0x00df, 0x0393, 0x03c0, 0x03a3, 0x03c3, 0x00b5, 0x03c4,
  0x03a6, 0x0398, 0x03a9, 0x03b4, 0x221e, 0x03c6, 0x03b5, 0x2229,
  0x2261, 0x00b1, 0x2265, 0x2264, 0x2320, 0x2321, 0x00f7, 0x2248,
  0x00b0, 0x2219, 0x00b7, 0x221a, 0x207f, 0x00b2, 0x25a0, 0x00a0,
};

static const gunichar2 cp858_high[128] = {
  0x00c7, 0x00fc, 0x00e9, 0x00e2, 0x00e4, 0x00e0, 0x00e5, 0x00e7,
  0x00ea, 0x00eb, 0x00e8, 0x00ef, 0x00ee, 0x00ec, 0x00c4, 0x00c5,
  0x00c9, 0x00e6, 0x00c6, 0x00f4, 0x00f6, 0x00f2, 0x00fb, 0x00f9,
  0x00ff, 0x00d6, 0x00dc, 0x00f8, 0x00a3, 0x00d8, 0x00d7, 0x0192,
  0x00e1, 0x00ed, 0x00f3, 0x00fa, 0x00f1, 0x00d1, 0x00aa, 0x00ba,
  0x00bf, 0x00ae, 0x00ac, 0x00bd, 0x00bc, 0x00a1, 0x00ab, 0x00bb,
  0x2591, 0x2592, 0x2593, 0x2502, 0x2524, 0x00c1, 0x00c2, 0x00c0,
  0x00a9, 0x2563, 0x2551, 0x2557, 0x255d, 0x00a2, 0x00a5, 0x2510,
  0x2514, 0x2534, 0x252c, 0x251c, 0x2500, 0x253c, 0x00e3, 0x00c3,
  0x255a, 0x2554, 0x2569, 0x2566, 0x2560, 0x2550, 0x256c, 0x00a4,
  0x00f0, 0x00d0, 0x00ca, 0x00cb, 0x00c8, 0x20ac, 0x00cd, 0x00ce,
  0x00cf, 0x2518, 0x250c, 0x2588, 0x2584, 0x00a6, 0x00cc, 0x2580,
  0x00d3, 0x00df, 0x00d4, 0x00d2, 0x00f5, 0x00d5, 0x00b5, 0x00fe,
  0x00de, 0x00da, 0x00db, 0x00d9, 0x00fd, 0x00dd, 0x00af, 0x00b4,
  0x00ad, 0x00b1, 0x2017, 0x00be, 0x00b6, 0x00a7, 0x00f7, 0x00b8,
  0x00b0, 0x00a8, 0x00b7, 0x00b9, 0x00b3, 0x00b2, 0x25a0, 0x00a0,
};

static const gunichar2 cp1252_high[128] = {
  0x20ac, 0x0000, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021,
  0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0x0000, 0x017d, 0x0000,
  0x0000, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014,
  0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0x0000, 0x017e, 0x0178,
  0x00a0, 0x00a1, 0x00a2, 0x00a3, 0x00a4, 0x00a5, 0x00a6, 0x00a7,
  0x00a8, 0x00a9, 0x00aa, 0x00ab, 0x00ac, 0x00ad, 0x00ae, 0x00af,
  0x00b0, 0x00b1, 0x00b2, 0x00b3, 0x00b4, 0x00b5, 0x00b6, 0x00b7,
  0x00b8, 0x00b9, 0x00ba, 0x00bb, 0x00bc, 0x00bd, 0x00be, 0x00bf,
  0x00c0, 0x00c1, 0x00c2, 0x00c3, 0x00c4, 0x00c5, 0x00c6, 0x00c7,
  0x00c8, 0x00c9, 0x00ca, 0x00cb, 0x00cc, 0x00cd, 0x00ce, 0x00cf,
  0x00d0, 0x00d1, 0x00d2, 0x00d3, 0x00d4, 0x00d5, 0x00d6, 0x00d7,
  0x00d8, 0x00d9, 0x00da, 0x00db, 0x00dc, 0x00dd, 0x00de, 0x00df,
  0x00e0, 0x00e1, 0x00e2, 0x00e3, 0x00e4, 0x00e5, 0x00e6, 0x00e7,
  0x00e8, 0x00e9, 0x00ea, 0x00eb, 0x00ec, 0x00ed, 0x00ee, 0x00ef,
  0x00f0, 0x00f1, 0x00f2, 0x00f3, 0x00f4, 0x00f5, 0x00f6, 0x00f7,
  0x00f8, 0x00f9, 0x00fa, 0x00fb, 0x00fc, 0x00fd, 0x00fe, 0x00ff,
};
static const gunichar2 ascii_high[128];

static const struct { gunichar from; const char *to; } fallbacks[] = {
  { 0x00df, "ss" }, { 0x00e6, "ae" }, { 0x00c6, "AE" }, { 0x0153, "oe" }, { 0x0152, "OE" },
  { 0x00f8, "o" }, { 0x00d8, "O" }, { 0x0142, "l" }, { 0x0141, "L" }, { 0x0111, "d" },
  { 0x0110, "D" }, { 0x00f0, "d" }, { 0x00d0, "D" }, { 0x00fe, "th" }, { 0x00de, "Th" },
  { 0x0131, "i" }, { 0x20ac, "EUR" }, { 0x00a3, "GBP" }, { 0x2018, "'" }, { 0x2019, "'" },
  { 0x201a, "'" }, { 0x201c, "\"" }, { 0x201d, "\"" }, { 0x201e, "\"" }, { 0x00ab, "\"" },
  { 0x00bb, "\"" }, { 0x2013, "-" }, { 0x2014, "-" }, { 0x2212, "-" }, { 0x2026, "..." },
  { 0x2022, "*" }, { 0x00b7, "." }, { 0x00a0, " " }, { 0x2009, " " }, { 0x202f, " " },
  { 0x00d7, "x" }, { 0x2122, "TM" }, { 0x00a9, "(C)" }, { 0x00ae, "(R)" }, { 0x00bf, "?" },
  { 0x00a1, "!" }, { 0x00b0, "o" }, { 0x2192, "->" },
};

static const gunichar2 *
table_for (CurbCodePage page)
{
  switch (page)
    {
    case CURB_CODE_PAGE_CP437:
      return cp437_high;
    case CURB_CODE_PAGE_CP858:
      return cp858_high;
    case CURB_CODE_PAGE_CP1252:
      return cp1252_high;
    case CURB_CODE_PAGE_ASCII:
      return ascii_high;
    default:
      g_assert_not_reached ();
    }
}

const char *
curb_code_page_name (CurbCodePage page)
{
  static const char *names[] = { "cp437", "cp858", "cp1252", "ascii" };

  g_return_val_if_fail ((guint) page < G_N_ELEMENTS (names), NULL);
  return names[page];
}

gboolean
curb_code_page_from_name (const char   *name,
                          CurbCodePage *out_page)
{
  for (guint i = 0; i < CURB_CODE_PAGE_COUNT; i++)
    if (name != NULL && g_ascii_strcasecmp (name, curb_code_page_name (i)) == 0)
      {
        *out_page = i;
        return TRUE;
      }
  return FALSE;
}

gunichar
curb_code_page_to_unichar (CurbCodePage page,
                           guint8       byte)
{
  gunichar c;

  if (byte < 0x80)
    return byte;
  c = table_for (page)[byte - 0x80];
  return c != 0 ? c : '?';
}

static int
byte_for (CurbCodePage page,
          gunichar     c)
{
  const gunichar2 *table = table_for (page);

  if (c < 0x80)
    return (int) c;
  for (guint i = 0; i < 128; i++)
    if (table[i] == c)
      return 0x80 + i;
  return -1;
}

static const char *
fallback_for (gunichar c)
{
  for (guint i = 0; i < G_N_ELEMENTS (fallbacks); i++)
    if (fallbacks[i].from == c)
      return fallbacks[i].to;
  return NULL;
}

/* One character that the code page lacks: its base letter without accents
 * (NFD, combining marks dropped), a known spelling, or '?'. */
static void
append_transliterated (GString  *out,
                       gunichar  c)
{
  char utf8[8];
  g_autofree char *nfd = NULL;
  const char *fallback = fallback_for (c);
  gsize before = out->len;

  if (fallback != NULL)
    {
      g_string_append (out, fallback);
      return;
    }
  utf8[g_unichar_to_utf8 (c, utf8)] = '\0';
  nfd = g_utf8_normalize (utf8, -1, G_NORMALIZE_NFD);
  for (const char *p = nfd; p != NULL && *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar d = g_utf8_get_char (p);
      if (d >= 0x20 && d < 0x7f)
        g_string_append_c (out, (char) d);
    }
  if (out->len == before && !g_unichar_iszerowidth (c) && !g_unichar_ismark (c))
    g_string_append_c (out, '?');
}

static gboolean
is_printable_ascii (gunichar c)
{
  return c >= 0x20 && c < 0x7f;
}

GBytes *
curb_code_page_encode (CurbCodePage  page,
                       const char   *utf8)
{
  g_autoptr(GString) out = g_string_new (NULL);
  g_autofree char *valid = NULL;
  g_autofree char *nfc = NULL;

  g_return_val_if_fail (utf8 != NULL, NULL);

  valid = g_utf8_make_valid (utf8, -1);
  nfc = g_utf8_normalize (valid, -1, G_NORMALIZE_NFC);
  for (const char *p = nfc; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);
      int b = byte_for (page, c);

      if (c == '\n')
        g_string_append_c (out, '\n');
      else if (c < 0x80 ? is_printable_ascii (c) : b >= 0)
        g_string_append_c (out, (char) b);
      else if (c < 0x80)
        g_string_append_c (out, ' ');
      else
        append_transliterated (out, c);
    }
  return g_string_free_to_bytes (g_steal_pointer (&out));
}

char *
curb_code_page_decode (CurbCodePage  page,
                       const guint8 *bytes,
                       gsize         len)
{
  GString *out = g_string_sized_new (len);

  for (gsize i = 0; i < len; i++)
    g_string_append_unichar (out, curb_code_page_to_unichar (page, bytes[i]));
  return g_string_free (out, FALSE);
}

/**
 * curb_transliterate_ascii:
 * @utf8: text
 *
 * The text in printable ASCII only: "José Núñez" becomes "Jose Nunez".
 */
char *
curb_transliterate_ascii (const char *utf8)
{
  g_autoptr(GString) out = g_string_new (NULL);
  g_autofree char *valid = NULL;

  g_return_val_if_fail (utf8 != NULL, NULL);

  valid = g_utf8_make_valid (utf8, -1);
  for (const char *p = valid; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (is_printable_ascii (c) || c == '\n')
        g_string_append_c (out, (char) c);
      else if (c < 0x80)
        g_string_append_c (out, ' ');
      else
        append_transliterated (out, c);
    }
  return g_string_free (g_steal_pointer (&out), FALSE);
}

/**
 * curb_code_page_fit:
 * @page: the code page
 * @utf8: text
 *
 * The text as it will print in @page: every character the page lacks is
 * transliterated, so g_utf8_strlen() of the result is its width in columns.
 */
char *
curb_code_page_fit (CurbCodePage  page,
                    const char   *utf8)
{
  g_autoptr(GBytes) bytes = curb_code_page_encode (page, utf8);
  gsize len = 0;
  const guint8 *data = g_bytes_get_data (bytes, &len);

  return curb_code_page_decode (page, data, len);
}
