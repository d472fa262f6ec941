#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* The Vendure Order fields the connector reads (a GraphQL selection set). */
#define CURB_VENDURE_ORDER_FIELDS \
  "id code state active updatedAt orderPlacedAt " \
  "customFields { pickupLocationCode pickupStatus pickupBay customerArrivedAt pickupToken } " \
  "customer { firstName lastName phoneNumber } " \
  "lines { id quantity orderPlacedQuantity productVariant { sku name } } " \
  "fulfillments { id state trackingCode lines { orderLineId quantity } }"

/* Vendure order states in which a pickup order is still open at the store. */
#define CURB_VENDURE_OPEN_STATES \
  "[\"PaymentAuthorized\", \"PaymentSettled\", \"PartiallyShipped\", \"Shipped\", \"PartiallyDelivered\"]"

JsonObject *curb_vendure_order_to_curbside  (JsonObject  *vendure_order,
                                             GError     **error) G_GNUC_WARN_UNUSED_RESULT;
gint64      curb_vendure_order_version      (JsonObject  *vendure_order);
char       *curb_vendure_order_fingerprint  (JsonObject  *vendure_order) G_GNUC_WARN_UNUSED_RESULT;
gint64      curb_vendure_order_time_ms      (JsonObject  *vendure_order,
                                             const char  *member);
gint64      curb_vendure_id_to_int          (const char  *id);

G_END_DECLS
