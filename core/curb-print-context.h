#pragma once

#include "curb-escpos-bitmap.h"

G_BEGIN_DECLS

/**
 * CurbPrintContext:
 * @store_name: printed at the top
 * @receipt_url: the digital receipt / returns page; the order reference is appended
 * @station: the station's name for people ("kiosk 2")
 * @logo: (nullable): a 1-bit logo printed above the store name
 * @now_ms: the time to print when the order has none; 0 for the clock
 *
 * Where and for whom printed matter is made (the order itself is a #CurbOrder).
 */
typedef struct
{
  const char       *store_name;
  const char       *receipt_url;
  const char       *station;
  const CurbBitmap *logo;
  gint64            now_ms;
} CurbPrintContext;

G_END_DECLS
