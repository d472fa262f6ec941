#pragma once

#include <adwaita.h>

#include "curb-staging-station.h"

G_BEGIN_DECLS

#define CURB_TYPE_BOARD_PAGE (curb_board_page_get_type ())
G_DECLARE_FINAL_TYPE (CurbBoardPage, curb_board_page, CURB, BOARD_PAGE, AdwBin)

GtkWidget          *curb_board_page_new             (CurbStagingStation *station);
GtkListView        *curb_board_page_get_column_view (CurbBoardPage      *self,
                                                     CurbBoardColumn     column);

G_END_DECLS
