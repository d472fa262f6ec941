#pragma once

#include <adwaita.h>

#include "curb-staging-station.h"

G_BEGIN_DECLS

#define CURB_TYPE_ORDER_CARD (curb_order_card_get_type ())
G_DECLARE_FINAL_TYPE (CurbOrderCard, curb_order_card, CURB, ORDER_CARD, AdwBin)

GtkWidget      *curb_order_card_new       (void);
void            curb_order_card_bind      (CurbOrderCard      *self,
                                           CurbBoardOrder     *order,
                                           CurbStagingStation *station);
void            curb_order_card_unbind    (CurbOrderCard      *self);
void            curb_order_card_refresh   (CurbOrderCard      *self,
                                           gint64              now_ms);
CurbBoardOrder *curb_order_card_get_order (CurbOrderCard      *self);

G_END_DECLS
