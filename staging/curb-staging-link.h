#pragma once

#include "curb-board-model.h"
#include "curb-hub-client.h"

G_BEGIN_DECLS

#define CURB_TYPE_STAGING_LINK (curb_staging_link_get_type ())
G_DECLARE_FINAL_TYPE (CurbStagingLink, curb_staging_link, CURB, STAGING_LINK, GObject)

CurbStagingLink *curb_staging_link_new            (CurbHubClient       *client,
                                                   CurbBoardModel      *board) G_GNUC_WARN_UNUSED_RESULT;
void             curb_staging_link_start          (CurbStagingLink     *self);
void             curb_staging_link_stop           (CurbStagingLink     *self);
CurbHubClient   *curb_staging_link_get_client     (CurbStagingLink     *self);
gboolean         curb_staging_link_is_online      (CurbStagingLink     *self);
gint64           curb_staging_link_get_offline_since (CurbStagingLink  *self);
guint            curb_staging_link_get_n_pending  (CurbStagingLink     *self);
gboolean         curb_staging_link_is_pending     (CurbStagingLink     *self,
                                                   const char          *ref);
gboolean         curb_staging_link_is_claim_pending (CurbStagingLink   *self,
                                                     const char        *ref);
GPtrArray       *curb_staging_link_dup_health     (CurbStagingLink     *self) G_GNUC_WARN_UNUSED_RESULT;
void             curb_staging_link_refresh_status (CurbStagingLink     *self);
gboolean         curb_staging_link_set_queue_file (CurbStagingLink     *self,
                                                   const char          *path,
                                                   GError             **error);
void             curb_staging_link_reload_board   (CurbStagingLink     *self);
void             curb_staging_link_resume         (CurbStagingLink     *self);
gboolean         curb_staging_link_needs_sign_in  (CurbStagingLink     *self);
void             curb_staging_link_set_device_status (CurbStagingLink  *self,
                                                      const char       *part,
                                                      const char       *state);

void             curb_staging_link_act_async      (CurbStagingLink     *self,
                                                   CurbHubAction        action,
                                                   const char          *ref,
                                                   JsonObject          *body,
                                                   GCancellable        *cancellable,
                                                   GAsyncReadyCallback  callback,
                                                   gpointer             user_data);
gboolean         curb_staging_link_act_finish     (CurbStagingLink     *self,
                                                   GAsyncResult        *result,
                                                   gboolean            *out_queued,
                                                   GError             **error);

G_END_DECLS
