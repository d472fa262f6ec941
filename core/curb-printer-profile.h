#pragma once

#include <glib.h>

#include "curb-escpos-codepage.h"

G_BEGIN_DECLS

/**
 * CurbPrinterProfile:
 * @name: the name used in config ("generic-80")
 * @description: vendor and model, for people
 * @paper_mm: paper width in millimetres (58 or 80)
 * @dots: printable width in dots (576 on 80 mm, 384 on 58 mm)
 * @columns: characters per line in font A (12×24 dots)
 * @native_qr: understands GS ( k; otherwise QR codes are sent as raster images
 * @process_id: answers GS ( H process ID requests (job completion markers)
 * @cutter: has an autocutter (GS V)
 * @code_page: the code page text is sent in
 * @code_page_numbers: the ESC t number of each CurbCodePage, -1 when absent
 *
 * What one printer model can do, in the spirit of escpos-printer-db.
 */
typedef struct
{
  const char   *name;
  const char   *description;
  guint         paper_mm;
  guint         dots;
  guint         columns;
  gboolean      native_qr;
  gboolean      process_id;
  gboolean      cutter;
  CurbCodePage  code_page;
  int           code_page_numbers[CURB_CODE_PAGE_COUNT];
} CurbPrinterProfile;

const CurbPrinterProfile  *curb_printer_profile_lookup  (const char *name);
const CurbPrinterProfile  *curb_printer_profile_default (void);
const CurbPrinterProfile **curb_printer_profile_list    (guint *n_profiles);
gboolean                   curb_printer_profile_has_code_page (const CurbPrinterProfile *profile,
                                                               CurbCodePage              page);
gboolean                   curb_printer_profile_code_page_for_number (const CurbPrinterProfile *profile,
                                                                      int                       number,
                                                                      CurbCodePage             *out_page);

G_END_DECLS
