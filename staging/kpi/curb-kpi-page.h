#pragma once

#include <adwaita.h>

#include "curb-staging-station.h"

G_BEGIN_DECLS

#define CURB_TYPE_KPI_PAGE (curb_kpi_page_get_type ())
G_DECLARE_FINAL_TYPE (CurbKpiPage, curb_kpi_page, CURB, KPI_PAGE, AdwBin)

GtkWidget *curb_kpi_page_new     (CurbStagingStation *station);
void       curb_kpi_page_refresh (CurbKpiPage        *self);

G_END_DECLS
