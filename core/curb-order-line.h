#pragma once

#include "curb-order-enums.h"

G_BEGIN_DECLS

/**
 * CurbOrderLine:
 *
 * One line of an order as central sent it. Immutable.
 */
#define CURB_TYPE_ORDER_LINE (curb_order_line_get_type ())
G_DECLARE_FINAL_TYPE (CurbOrderLine, curb_order_line, CURB, ORDER_LINE, GObject)

CurbOrderLine   *curb_order_line_new                (const char      *id,
                                                     const char      *sku,
                                                     const char      *name,
                                                     guint            qty,
                                                     CurbTemperature  temperature,
                                                     gboolean         age_restricted) G_GNUC_WARN_UNUSED_RESULT;
const char      *curb_order_line_get_id             (CurbOrderLine *self);
const char      *curb_order_line_get_sku            (CurbOrderLine *self);
const char      *curb_order_line_get_name           (CurbOrderLine *self);
guint            curb_order_line_get_qty            (CurbOrderLine *self);
CurbTemperature  curb_order_line_get_temperature    (CurbOrderLine *self);
gboolean         curb_order_line_get_age_restricted (CurbOrderLine *self);
gboolean         curb_order_line_equal              (CurbOrderLine *a,
                                                     CurbOrderLine *b);

G_END_DECLS
