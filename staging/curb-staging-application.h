#pragma once

#include <adwaita.h>

#include "curb-staging-station.h"
#include "curb-staging-window.h"

G_BEGIN_DECLS

#define CURB_TYPE_STAGING_APPLICATION (curb_staging_application_get_type ())
G_DECLARE_FINAL_TYPE (CurbStagingApplication, curb_staging_application, CURB, STAGING_APPLICATION, AdwApplication)

CurbStagingApplication *curb_staging_application_new        (void) G_GNUC_WARN_UNUSED_RESULT;
CurbStagingWindow      *curb_staging_application_get_window (CurbStagingApplication *self);
CurbStagingStation     *curb_staging_application_get_station (CurbStagingApplication *self);
CurbStagingSettings    *curb_staging_application_get_settings (CurbStagingApplication *self);
gboolean                curb_staging_application_use_credential_file (CurbStagingApplication  *self,
                                                                      const char              *path,
                                                                      GError                 **error);
void                    curb_staging_application_set_queue_path (CurbStagingApplication *self,
                                                                 const char             *path);
void                    curb_staging_application_set_hub_client (CurbStagingApplication *self,
                                                                 CurbHubClient          *client);

G_END_DECLS
