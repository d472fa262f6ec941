#include "curb-printer-profile.h"

/* ESC t numbers follow Epson's tables: 0 PC437, 16 WPC1252, 19 PC858. */
static const CurbPrinterProfile profiles[] = {
  { "generic-80", "Generic 80 mm ESC/POS printer", 80, 576, 48, TRUE, TRUE, TRUE,
    CURB_CODE_PAGE_CP858, { 0, 19, 16, -1 } },
  { "generic-58", "Generic 58 mm ESC/POS printer", 58, 384, 32, TRUE, TRUE, TRUE,
    CURB_CODE_PAGE_CP858, { 0, 19, 16, -1 } },
  { "epson-tm-t20ii", "Epson TM-T20II (80 mm)", 80, 576, 48, TRUE, TRUE, TRUE,
    CURB_CODE_PAGE_CP858, { 0, 19, 16, -1 } },
  { "epson-tm-t88v", "Epson TM-T88V (80 mm)", 80, 512, 42, TRUE, TRUE, TRUE,
    CURB_CODE_PAGE_CP858, { 0, 19, 16, -1 } },
  { "xprinter-58", "Xprinter XP-58 (58 mm, no native QR, no cutter)", 58, 384, 32, FALSE, FALSE, FALSE,
    CURB_CODE_PAGE_CP437, { 0, -1, 16, -1 } },
  { "star-tsp100-escpos", "Star TSP100 in ESC/POS emulation (80 mm)", 80, 576, 48, TRUE, FALSE, TRUE,
    CURB_CODE_PAGE_CP1252, { 0, 19, 16, -1 } },
  { "ascii-80", "Any 80 mm ESC/POS printer, ASCII only", 80, 576, 48, FALSE, FALSE, TRUE,
    CURB_CODE_PAGE_ASCII, { 0, -1, -1, -1 } },
};

/**
 * curb_printer_profile_lookup:
 * @name: a profile name from config
 *
 * Returns: (nullable): the profile, or %NULL when there is none by that name
 */
const CurbPrinterProfile *
curb_printer_profile_lookup (const char *name)
{
  for (guint i = 0; name != NULL && i < G_N_ELEMENTS (profiles); i++)
    if (g_str_equal (profiles[i].name, name))
      return &profiles[i];
  return NULL;
}

const CurbPrinterProfile *
curb_printer_profile_default (void)
{
  return &profiles[0];
}

const CurbPrinterProfile **
curb_printer_profile_list (guint *n_profiles)
{
  static const CurbPrinterProfile *list[] = {
    &profiles[0], &profiles[1], &profiles[2], &profiles[3], &profiles[4], &profiles[5],
    &profiles[6], NULL,
  };

  G_STATIC_ASSERT (G_N_ELEMENTS (list) == G_N_ELEMENTS (profiles) + 1);
  if (n_profiles != NULL)
    *n_profiles = G_N_ELEMENTS (profiles);
  return list;
}

gboolean
curb_printer_profile_has_code_page (const CurbPrinterProfile *profile,
                                    CurbCodePage              page)
{
  g_return_val_if_fail (profile != NULL, FALSE);
  if (page == CURB_CODE_PAGE_ASCII)
    return TRUE;
  return (guint) page < CURB_CODE_PAGE_COUNT && profile->code_page_numbers[page] >= 0;
}

gboolean
curb_printer_profile_code_page_for_number (const CurbPrinterProfile *profile,
                                           int                       number,
                                           CurbCodePage             *out_page)
{
  for (guint i = 0; i < CURB_CODE_PAGE_COUNT; i++)
    if (i != CURB_CODE_PAGE_ASCII && profile->code_page_numbers[i] == number)
      {
        *out_page = i;
        return TRUE;
      }
  return FALSE;
}
