#pragma once

#include <adwaita.h>

#include "curb-staging-station.h"

G_BEGIN_DECLS

#define CURB_TYPE_ORDER_CARD (curb_order_card_get_type ())
G_DECLARE_FINAL_TYPE (CurbOrderCard, curb_order_card, CURB, ORDER_CARD, AdwBin)

GtkWidget *curb_order_card_new       (void);
CurbOrder *curb_order_card_get_order (CurbOrderCard    *self);
void       curb_order_card_set_order (CurbOrderCard    *self,
                                      CurbOrder        *order);

char      *curb_format_substitution  (CurbSubstitution *substitution) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
