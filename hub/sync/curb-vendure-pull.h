#pragma once

#include "curb-connector.h"
#include "curb-vendure-client.h"

G_BEGIN_DECLS

/**
 * curb_vendure_pull:
 * @location_code: the pickupLocationCode of this store's orders
 * @open_known: (element-type utf8 utf8): id → fingerprint of the open orders
 *   the hub has stored (memory only: after a restart every open order is
 *   handed over once more, which the store ignores by version)
 * @open_seen: (element-type utf8 utf8): the ids the current re-read of the
 *   open orders has met (kept between pages by the caller)
 * @pending: (element-type utf8 utf8): filled with id → fingerprint ("" for
 *   orders no longer open) of the orders in this page; merge it into
 *   @open_known once the hub has stored the page
 * @max_take: (inout): the largest page Vendure serves (adminListQueryLimit,
 *   100 by default); lowered when Vendure says so
 * @cursor: the previous page's next_cursor, or %NULL to start over
 *
 * One page of order changes: new orders by orderPlacedAt, changed ones by
 * updatedAt (re-reading the last second, skipping what was taken), then a
 * re-read of the open orders, whose fulfilment changes do not move updatedAt.
 * Blocking: call it from the client's worker thread.
 */
CurbConnectorPage *curb_vendure_pull (CurbVendureClient  *client,
                                      const char         *location_code,
                                      GHashTable         *open_known,
                                      GHashTable         *open_seen,
                                      GHashTable         *pending,
                                      guint              *max_take,
                                      const char         *cursor,
                                      guint               limit,
                                      GCancellable       *cancellable,
                                      gint64             *out_retry_after_ms,
                                      GError            **error) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
