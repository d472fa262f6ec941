#pragma once

#include "curb-central-db.h"

G_BEGIN_DECLS

/**
 * CurbCentralTokenFunc:
 * @store_id: the order's store
 * @ref: the order reference
 * @expires_ms: when the token should stop working
 * @user_data: closure
 *
 * Returns: (transfer full) (nullable): a signed pickup token
 */
typedef char *(*CurbCentralTokenFunc) (const char *store_id,
                                       const char *ref,
                                       gint64      expires_ms,
                                       gpointer    user_data);

JsonObject *curb_central_seed_demo_order (guint                 index,
                                          gint64                now_ms) G_GNUC_WARN_UNUSED_RESULT;
gboolean    curb_central_seed_demo       (CurbCentralDb        *db,
                                          const char           *store_id,
                                          guint                 count,
                                          gint64                now_ms,
                                          CurbCentralTokenFunc  token_func,
                                          gpointer              token_data,
                                          GError              **error);

G_END_DECLS
