#pragma once

#include "curb-escpos.h"
#include "curb-order-model.h"
#include "curb-print-context.h"

G_BEGIN_DECLS

GBytes *curb_receipt_encode_pickup  (const CurbPrinterProfile *profile,
                                     const CurbPrintContext   *context,
                                     CurbOrder                *order,
                                     const char               *lang,
                                     GError                  **error) G_GNUC_WARN_UNUSED_RESULT;
GBytes *curb_receipt_encode_ticket  (const CurbPrinterProfile *profile,
                                     const CurbPrintContext   *context,
                                     CurbOrder                *order,
                                     const char               *lang,
                                     GError                  **error) G_GNUC_WARN_UNUSED_RESULT;
GBytes *curb_receipt_encode_reprint_banner (const CurbPrinterProfile *profile,
                                            const char               *lang) G_GNUC_WARN_UNUSED_RESULT;
GBytes *curb_receipt_encode_test_page (const CurbPrinterProfile *profile,
                                       const char               *station,
                                       const char               *lang) G_GNUC_WARN_UNUSED_RESULT;
char   *curb_receipt_url            (const CurbPrintContext *context,
                                     CurbOrder              *order) G_GNUC_WARN_UNUSED_RESULT;
const char *curb_receipt_reason_text (const char *reason,
                                      const char *lang);

G_END_DECLS
