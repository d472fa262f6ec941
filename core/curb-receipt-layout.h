#pragma once

#include "curb-escpos.h"
#include "curb-receipt-l10n.h"
#include "curb-order-model.h"
#include "curb-print-context.h"

G_BEGIN_DECLS

/* Shared by the receipt, ticket and label templates. */

void  curb_layout_rule      (CurbEscpos *escpos);
void  curb_layout_wrap      (CurbEscpos *escpos,
                             const char *text,
                             guint       indent);
void  curb_layout_pair      (CurbEscpos *escpos,
                             const char *label,
                             const char *value);
void  curb_layout_header    (CurbEscpos             *escpos,
                             const CurbPrintContext *context,
                             const char             *title);
char *curb_layout_time      (const CurbPrintCatalog *catalog,
                             gint64                  ms) G_GNUC_WARN_UNUSED_RESULT;
/* "Sam R.", or "" when the order names nobody. */
char *curb_layout_person    (CurbOrder              *order) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
