#pragma once

#include "curb-vendure-client.h"

G_BEGIN_DECLS

/**
 * CurbVendurePartialPolicy:
 * @CURB_VENDURE_PARTIAL_CANCEL: units the shopper did not take are cancelled
 *   in Vendure (refund as the retailer configured) and the order is Delivered
 * @CURB_VENDURE_PARTIAL_KEEP: they stay open (PartiallyDelivered) for a later
 *   pickup or for staff to decide in Vendure
 */
typedef enum
{
  CURB_VENDURE_PARTIAL_CANCEL,
  CURB_VENDURE_PARTIAL_KEEP,
} CurbVendurePartialPolicy;

/* "curbside:EVENT-ID": the mark a pushed event leaves on what it made in
 * Vendure (a fulfilment's tracking code, a note), so a retry finds it. */
#define CURB_VENDURE_EVENT_TAG_PREFIX "curbside:"

/**
 * curb_vendure_push_event:
 * @event: a store event (docs/data-model.md)
 * @out_duplicate: (out): Vendure already had all of it; nothing was changed
 *
 * Applies one store event to its order in Vendure, checking Vendure's state
 * before every change so that a retry changes nothing twice. Blocking: call
 * it from the client's worker thread.
 */
gboolean curb_vendure_push_event (CurbVendureClient         *client,
                                  JsonObject                *event,
                                  CurbVendurePartialPolicy   policy,
                                  GCancellable              *cancellable,
                                  gboolean                  *out_duplicate,
                                  gint64                    *out_retry_after_ms,
                                  GError                   **error);

G_END_DECLS
