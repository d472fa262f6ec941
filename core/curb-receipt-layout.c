#include <string.h>

#include <glib/gi18n-lib.h>

#include "curb-receipt-layout.h"
#include "curb-util.h"

void
curb_layout_rule (CurbEscpos *escpos)
{
  g_autofree char *rule = g_strnfill (curb_escpos_get_columns (escpos), '-');

  curb_escpos_line (escpos, rule);
}

/* Split at the last space (or after the last slash, for URLs) that fits,
 * or hard-break a word longer than a line. */
static const char *
next_break (const char *text,
            guint       width)
{
  const char *p = text;
  const char *last_break = NULL;

  for (guint col = 0; *p != '\0' && col < width; col++, p = g_utf8_next_char (p))
    if (*p == ' ')
      last_break = p;
    else if (*p == '/' && p[1] != '/' && p[1] != '\0')
      last_break = p + 1;
  if (*p == '\0' || *p == ' ')
    return p;
  return last_break != NULL && last_break > text ? last_break : p;
}

/**
 * curb_layout_wrap:
 * @escpos: the stream
 * @text: text to print
 * @indent: columns to leave on continuation lines
 *
 * Word-wrapped to the current style's columns, after transliteration so
 * the widths are the printed ones.
 */
void
curb_layout_wrap (CurbEscpos *escpos,
                  const char *text,
                  guint       indent)
{
  g_autofree char *fitted = curb_escpos_fit (escpos, text);
  guint columns = curb_escpos_get_columns (escpos);
  g_autofree char *pad = g_strnfill (MIN (indent, columns / 2), ' ');
  const char *p = fitted;
  gboolean first = TRUE;

  do
    {
      guint width = first ? columns : columns - (guint) strlen (pad);
      const char *end = next_break (p, width);
      g_autofree char *piece = g_strndup (p, end - p);
      g_autofree char *line = g_strconcat (first ? "" : pad, piece, NULL);

      curb_escpos_line (escpos, line);
      p = end;
      while (*p == ' ')
        p++;
      first = FALSE;
    }
  while (*p != '\0');
}

/* "Label:        value" with the value column at three eighths of the
 * line; a label too long for that column gets a line of its own. */
void
curb_layout_pair (CurbEscpos *escpos,
                  const char *label,
                  const char *value)
{
  guint label_width = curb_escpos_get_columns (escpos) * 3 / 8;
  g_autofree char *fitted = curb_escpos_fit (escpos, label);
  glong len = g_utf8_strlen (fitted, -1);
  g_autofree char *pad = NULL;
  g_autofree char *text = NULL;

  if (len >= (glong) label_width)
    {
      curb_layout_wrap (escpos, fitted, 2);
      len = 0;
    }
  pad = g_strnfill (label_width - len, ' ');
  text = g_strconcat (len > 0 ? fitted : "", pad, value != NULL ? value : "", NULL);
  curb_layout_wrap (escpos, text, label_width);
}

void
curb_layout_header (CurbEscpos             *escpos,
                    const CurbPrintContext *context,
                    const char             *title)
{
  curb_escpos_set_align (escpos, CURB_ESCPOS_ALIGN_CENTER);
  if (context->logo != NULL
      && context->logo->width <= curb_escpos_get_profile (escpos)->dots)
    curb_escpos_raster (escpos, context->logo);
  if (context->store_name != NULL && *context->store_name != '\0')
    {
      curb_escpos_set_style (escpos, CURB_ESCPOS_STYLE_BOLD | CURB_ESCPOS_STYLE_DOUBLE);
      curb_layout_wrap (escpos, context->store_name, 0);
    }
  curb_escpos_set_style (escpos, CURB_ESCPOS_STYLE_BOLD);
  curb_layout_wrap (escpos, title, 0);
  curb_escpos_set_style (escpos, CURB_ESCPOS_STYLE_NONE);
  curb_escpos_set_align (escpos, CURB_ESCPOS_ALIGN_LEFT);
  curb_layout_rule (escpos);
}

/* Local time in the catalog's format. */
char *
curb_layout_time (const CurbPrintCatalog *catalog,
                  gint64                  ms)
{
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (ms / 1000);
  g_autoptr(GDateTime) local = NULL;

  if (utc == NULL)
    return g_strdup ("?");
  local = g_date_time_to_local (utc);
  /* TRANSLATORS: date and time on receipts, strftime format */
  return g_date_time_format (local, curb_print_catalog_lookup (catalog, N_("%Y-%m-%d %H:%M")));
}

/* "Sam R." — first name and last initial only. */
char *
curb_layout_person (CurbOrder *order)
{
  char *name = curb_order_dup_display_name (order);

  return name != NULL ? name : g_strdup ("");
}
