#pragma once

#include <adwaita.h>

#include "curb-staging-station.h"

G_BEGIN_DECLS

#define CURB_TYPE_STAGE_PAGE (curb_stage_page_get_type ())
G_DECLARE_FINAL_TYPE (CurbStagePage, curb_stage_page, CURB, STAGE_PAGE, AdwBin)

GtkWidget  *curb_stage_page_new        (CurbStagingStation *station);
gboolean    curb_stage_page_select     (CurbStagePage      *self,
                                        const char         *ref);
const char *curb_stage_page_get_ref    (CurbStagePage      *self);
gboolean    curb_stage_page_scan       (CurbStagePage      *self,
                                        const char         *payload);
void        curb_stage_page_set_bags   (CurbStagePage      *self,
                                        CurbTemperature     temperature,
                                        int                 count);
JsonNode   *curb_stage_page_dup_body   (CurbStagePage      *self) G_GNUC_WARN_UNUSED_RESULT;
void        curb_stage_page_set_message (CurbStagePage     *self,
                                        const char         *message,
                                        gboolean            is_error);

G_END_DECLS
