#include <glib/gi18n-lib.h>

#include "curb-printer-messages.h"
#include "curb-receipt-l10n.h"

static const char *tr (const char *lang,
                       const char *msgid) G_GNUC_FORMAT (2);

static const char *
tr (const char *lang,
    const char *msgid)
{
  if (lang == NULL)
    lang = g_get_language_names ()[0];
  return curb_print_catalog_lookup (curb_print_catalog_get (lang), msgid);
}

/* The sentence with its one %s replaced by @station (no printf: the
 * sentence is chosen at run time). */
static char *
fill_station (const char *sentence,
              const char *station)
{
  g_auto(GStrv) parts = g_strsplit (sentence, "%s", 2);

  return g_strjoinv (station, parts);
}

static const char *
receipt_text (CurbPrinterStatus status)
{
  if (status & CURB_PRINTER_STATUS_UNREACHABLE)
    return N_("Receipt printer at %s is not responding. Check that it is switched on and plugged in.");
  if (status & CURB_PRINTER_STATUS_PAPER_OUT)
    return N_("Receipt printer at %s is out of paper");
  if (status & CURB_PRINTER_STATUS_COVER_OPEN)
    return N_("Receipt printer at %s has its cover open");
  if (status & CURB_PRINTER_STATUS_ERROR)
    return N_("Receipt printer at %s has a fault. Switch it off and on again.");
  if (status & CURB_PRINTER_STATUS_OFFLINE)
    return N_("Receipt printer at %s is offline");
  if (status & CURB_PRINTER_STATUS_PAPER_NEAR_END)
    return N_("Receipt printer at %s is running low on paper");
  return NULL;
}

static const char *
label_text (CurbPrinterStatus status)
{
  if (status & CURB_PRINTER_STATUS_UNREACHABLE)
    return N_("Label printer at %s is not responding. Check that it is switched on and plugged in.");
  if (status & CURB_PRINTER_STATUS_PAPER_OUT)
    return N_("Label printer at %s is out of labels");
  if (status & CURB_PRINTER_STATUS_COVER_OPEN)
    return N_("Label printer at %s has its cover open");
  if (status & CURB_PRINTER_STATUS_ERROR)
    return N_("Label printer at %s has a fault. Switch it off and on again.");
  if (status & CURB_PRINTER_STATUS_OFFLINE)
    return N_("Label printer at %s is offline");
  if (status & CURB_PRINTER_STATUS_PAPER_NEAR_END)
    return N_("Label printer at %s is running low on labels");
  return NULL;
}

/**
 * curb_printer_staff_message:
 * @status: the printer's status
 * @role: what the printer prints
 * @station: where it stands, as staff call it ("kiosk 2")
 * @lang: (nullable): language; %NULL for the process's
 *
 * Returns: (nullable): what staff should do, e.g. "Receipt printer at
 *   kiosk 2 is out of paper"; %NULL when there is nothing to do
 */
char *
curb_printer_staff_message (CurbPrinterStatus  status,
                            CurbPrinterRole    role,
                            const char        *station,
                            const char        *lang)
{
  const char *text = role == CURB_PRINTER_ROLE_LABEL ? label_text (status) : receipt_text (status);

  if (text == NULL)
    return NULL;
  return fill_station (tr (lang, text), station != NULL ? station : "?");
}

/**
 * curb_printer_shopper_message:
 * @status: the printer's status
 * @role: what the printer prints
 * @lang: (nullable): the shopper's language
 *
 * Returns: (nullable): what the shopper needs to know when their receipt
 *   cannot print ("Your receipt will be handed to you"); %NULL when it prints
 */
char *
curb_printer_shopper_message (CurbPrinterStatus  status,
                              CurbPrinterRole    role,
                              const char        *lang)
{
  if (role != CURB_PRINTER_ROLE_RECEIPT || !(status & CURB_PRINTER_STATUS_BLOCKING))
    return NULL;
  return g_strdup (tr (lang, N_("Your receipt will be handed to you")));
}
