#pragma once

#include "curb-order-enums.h"

G_BEGIN_DECLS

/**
 * CurbBag:
 *
 * One staged bag of an order: its number (1 to the order's bag count;
 * ambient bags first, then chilled, then frozen, as on the labels) and its
 * temperature class. Immutable.
 */
#define CURB_TYPE_BAG (curb_bag_get_type ())
G_DECLARE_FINAL_TYPE (CurbBag, curb_bag, CURB, BAG, GObject)

CurbBag         *curb_bag_new             (guint            number,
                                           CurbTemperature  temperature) G_GNUC_WARN_UNUSED_RESULT;
guint            curb_bag_get_number      (CurbBag *self);
CurbTemperature  curb_bag_get_temperature (CurbBag *self);
gboolean         curb_bag_equal           (CurbBag *a,
                                           CurbBag *b);

G_END_DECLS
