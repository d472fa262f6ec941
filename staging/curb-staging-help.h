#pragma once

#include <json-glib/json-glib.h>

#include "curb-hub-client.h"

G_BEGIN_DECLS

/* A call for staff rings in the alert tracker as "help:<call id>". */
#define CURB_HELP_ALERT_PREFIX "help:"

#define CURB_TYPE_STAGING_HELP (curb_staging_help_get_type ())
G_DECLARE_FINAL_TYPE (CurbStagingHelp, curb_staging_help, CURB, STAGING_HELP, GObject)

CurbStagingHelp *curb_staging_help_new            (CurbHubClient       *client) G_GNUC_WARN_UNUSED_RESULT;
void             curb_staging_help_refresh        (CurbStagingHelp     *self);
void             curb_staging_help_take_notice    (CurbStagingHelp     *self,
                                                   JsonObject          *notice);
JsonArray       *curb_staging_help_get_calls      (CurbStagingHelp     *self);
JsonObject      *curb_staging_help_lookup         (CurbStagingHelp     *self,
                                                   const char          *id);
void             curb_staging_help_acknowledge_async  (CurbStagingHelp     *self,
                                                       const char          *id,
                                                       GCancellable        *cancellable,
                                                       GAsyncReadyCallback  callback,
                                                       gpointer             user_data);
gboolean         curb_staging_help_acknowledge_finish (CurbStagingHelp     *self,
                                                       GAsyncResult        *result,
                                                       GError             **error);
gint64           curb_staging_help_call_since     (JsonObject          *call);
char            *curb_staging_help_describe       (JsonObject          *call) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
