#pragma once

#include <adwaita.h>

#include "curb-staging-station.h"

G_BEGIN_DECLS

#define CURB_TYPE_STAGING_WINDOW (curb_staging_window_get_type ())
G_DECLARE_FINAL_TYPE (CurbStagingWindow, curb_staging_window, CURB, STAGING_WINDOW, AdwApplicationWindow)

CurbStagingWindow  *curb_staging_window_new          (AdwApplication     *app,
                                                      CurbStagingStation *station);
CurbStagingStation *curb_staging_window_get_station  (CurbStagingWindow  *self);
void                curb_staging_window_show_page    (CurbStagingWindow  *self,
                                                      const char         *name);
const char         *curb_staging_window_get_page     (CurbStagingWindow  *self);
GtkWidget          *curb_staging_window_get_page_widget (CurbStagingWindow *self,
                                                      const char         *name);
gboolean            curb_staging_window_open_order   (CurbStagingWindow  *self,
                                                      const char         *ref);
void                curb_staging_window_handle_code  (CurbStagingWindow  *self,
                                                      const char         *code);
void                curb_staging_window_toast        (CurbStagingWindow  *self,
                                                      const char         *message);
const char         *curb_staging_window_get_banner_text (CurbStagingWindow *self);
void                curb_staging_window_set_sync_text (CurbStagingWindow *self,
                                                      const char         *text,
                                                      gboolean            ok);

G_END_DECLS
