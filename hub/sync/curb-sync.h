#pragma once

#include "curb-connector.h"
#include "curb-store.h"

G_BEGIN_DECLS

/* The meta key (curb_store_get_meta()) that holds the pull cursor. */
#define CURB_SYNC_CURSOR_META "sync.cursor"

#define CURB_SYNC_DEFAULT_POLL_INTERVAL_MS 15000
#define CURB_SYNC_DEFAULT_PAGE_SIZE        500
#define CURB_SYNC_DEFAULT_BACKOFF_BASE_MS  1000
#define CURB_SYNC_DEFAULT_BACKOFF_CAP_MS   30000

#define CURB_TYPE_SYNC (curb_sync_get_type ())
G_DECLARE_FINAL_TYPE (CurbSync, curb_sync, CURB, SYNC, GObject)

CurbSync      *curb_sync_new                  (CurbStore     *store,
                                               CurbConnector *connector) G_GNUC_WARN_UNUSED_RESULT;
void           curb_sync_start                (CurbSync      *self);
void           curb_sync_stop                 (CurbSync      *self);
void           curb_sync_kick                 (CurbSync      *self);
void           curb_sync_pull_now             (CurbSync      *self);

CurbStore     *curb_sync_get_store            (CurbSync      *self);
CurbConnector *curb_sync_get_connector        (CurbSync      *self);
gboolean       curb_sync_get_running          (CurbSync      *self);
gboolean       curb_sync_get_online           (CurbSync      *self);
gint64         curb_sync_get_offline_since    (CurbSync      *self);
gint64         curb_sync_get_last_success     (CurbSync      *self);
gint64         curb_sync_get_last_caught_up   (CurbSync      *self);
gint64         curb_sync_get_lag_s            (CurbSync      *self);
guint          curb_sync_get_outbox_depth     (CurbSync      *self);
guint64        curb_sync_get_pulled_orders    (CurbSync      *self);
guint64        curb_sync_get_pushed_events    (CurbSync      *self);
guint64        curb_sync_get_rejected_events  (CurbSync      *self);
guint64        curb_sync_get_rejected_orders  (CurbSync      *self);
const char    *curb_sync_get_last_error       (CurbSync      *self);

guint          curb_sync_get_poll_interval_ms (CurbSync      *self);
void           curb_sync_set_poll_interval_ms (CurbSync      *self,
                                               guint          poll_interval_ms);
guint          curb_sync_get_page_size        (CurbSync      *self);
void           curb_sync_set_page_size        (CurbSync      *self,
                                               guint          page_size);
void           curb_sync_set_backoff          (CurbSync      *self,
                                               guint          base_ms,
                                               guint          cap_ms,
                                               guint32        seed);

G_END_DECLS
