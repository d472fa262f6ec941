#pragma once

#include "curb-order-model.h"
#include "curb-printer-queue.h"

G_BEGIN_DECLS

#define CURB_TYPE_STAGING_PRINTER (curb_staging_printer_get_type ())
G_DECLARE_FINAL_TYPE (CurbStagingPrinter, curb_staging_printer, CURB, STAGING_PRINTER, GObject)

CurbStagingPrinter *curb_staging_printer_new           (const char         *uri,
                                                        const char         *profile,
                                                        const char         *queue_path,
                                                        const char         *station_name,
                                                        GError            **error) G_GNUC_WARN_UNUSED_RESULT;
gboolean            curb_staging_printer_print_labels  (CurbStagingPrinter *self,
                                                        CurbOrder     *order,
                                                        GError            **error);
gboolean            curb_staging_printer_print_receipt (CurbStagingPrinter *self,
                                                        CurbOrder     *order,
                                                        GError            **error);
char               *curb_staging_printer_dup_problem   (CurbStagingPrinter *self) G_GNUC_WARN_UNUSED_RESULT;
guint               curb_staging_printer_get_pending   (CurbStagingPrinter *self);

G_END_DECLS
