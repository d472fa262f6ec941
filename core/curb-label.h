#pragma once

#include "curb-escpos.h"
#include "curb-order-model.h"

G_BEGIN_DECLS

/* The bag label QR: "CB1:<order ref>:<n>/<N>" (see docs/design-printing.md). */
#define CURB_LABEL_CODE_PREFIX "CB1:"

char       *curb_label_bag_code         (const char *ref,
                                         guint       n,
                                         guint       total) G_GNUC_WARN_UNUSED_RESULT;
gboolean    curb_label_parse_bag_code   (const char  *code,
                                         char       **out_ref,
                                         guint       *out_n,
                                         guint       *out_total);
gboolean    curb_label_bag_temperature  (CurbOrder       *order,
                                         guint            n,
                                         CurbTemperature *out_temperature);
GBytes     *curb_label_encode_bag       (const CurbPrinterProfile *profile,
                                         CurbOrder                *order,
                                         guint                     n,
                                         const char               *lang,
                                         GError                  **error) G_GNUC_WARN_UNUSED_RESULT;
GPtrArray  *curb_label_encode_all_bags  (const CurbPrinterProfile *profile,
                                         CurbOrder                *order,
                                         const char               *lang,
                                         GError                  **error) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
