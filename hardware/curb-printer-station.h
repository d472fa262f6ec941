#pragma once

#include <json-glib/json-glib.h>

#include "curb-printer-queue.h"

G_BEGIN_DECLS

typedef enum
{
  CURB_PRINT_RECEIPT,     /* pickup receipt, shopper's language */
  CURB_PRINT_TICKET,      /* check-in ticket, shopper's language */
  CURB_PRINT_BAG_LABELS,  /* one label per bag, staff's language */
} CurbPrintKind;

/**
 * CurbPrinterStationSetup:
 * @uri: the printer (see curb_printer_create())
 * @profile: (nullable): a profile name; %NULL for generic-80
 * @station: the station's name as staff say it ("kiosk 2")
 * @role: receipt or label printer, for the messages
 * @queue_path: the station's print queue file
 * @store_name: printed on receipts and tickets
 * @receipt_url: (nullable): digital receipt / returns page; the order ref is appended
 * @logo_path: (nullable): PNG or PGM printed above the store name
 *
 * What an app reads from its config to print.
 */
typedef struct
{
  const char      *uri;
  const char      *profile;
  const char      *station;
  CurbPrinterRole  role;
  const char      *queue_path;
  const char      *store_name;
  const char      *receipt_url;
  const char      *logo_path;
} CurbPrinterStationSetup;

#define CURB_TYPE_PRINTER_STATION (curb_printer_station_get_type ())
G_DECLARE_FINAL_TYPE (CurbPrinterStation, curb_printer_station, CURB, PRINTER_STATION, GObject)

CurbPrinterStation *curb_printer_station_new          (const CurbPrinterStationSetup  *setup,
                                                       GError                        **error) G_GNUC_WARN_UNUSED_RESULT;
CurbPrinterQueue   *curb_printer_station_get_queue    (CurbPrinterStation *self);
const CurbPrinterProfile *curb_printer_station_get_profile (CurbPrinterStation *self);
void                curb_printer_station_print_async  (CurbPrinterStation  *self,
                                                       CurbPrintKind        kind,
                                                       JsonNode            *order,
                                                       const char          *lang,
                                                       GCancellable        *cancellable,
                                                       GAsyncReadyCallback  callback,
                                                       gpointer             user_data);
gboolean            curb_printer_station_print_finish (CurbPrinterStation  *self,
                                                       GAsyncResult        *result,
                                                       GError             **error);

G_END_DECLS
