#pragma once

#include <adwaita.h>

#include "curb-health.h"

G_BEGIN_DECLS

#define CURB_TYPE_HEALTH_PAGE (curb_health_page_get_type ())
G_DECLARE_FINAL_TYPE (CurbHealthPage, curb_health_page, CURB, HEALTH_PAGE, AdwBin)

GtkWidget *curb_health_page_new         (void);
void       curb_health_page_set_entries (CurbHealthPage *self,
                                         GPtrArray      *entries);
guint      curb_health_page_get_n_problems (CurbHealthPage *self);

G_END_DECLS
