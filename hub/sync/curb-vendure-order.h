#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define CURB_VENDURE_CUSTOM_FIELDS \
  "customFields { pickupLocationCode pickupStatus pickupBay customerArrivedAt pickupToken pickupEta" \
  " pickupAnnouncedAt } "

/* The Vendure Order fields the connector reads (a GraphQL selection set). */
#define CURB_VENDURE_ORDER_FIELDS \
  "id code state active updatedAt orderPlacedAt " CURB_VENDURE_CUSTOM_FIELDS \
  "customer { firstName lastName phoneNumber } " \
  "lines { id quantity orderPlacedQuantity productVariant { sku name } } " \
  "fulfillments { id state trackingCode lines { orderLineId quantity } } " \
  "shippingLines { shippingMethod { code customFields { pickupLocationCode } } } modifications { id }"

/* Just what curb_vendure_order_fingerprint() reads: cheap to re-read often. */
#define CURB_VENDURE_ORDER_FINGERPRINT_FIELDS \
  "id state updatedAt " CURB_VENDURE_CUSTOM_FIELDS "lines { id quantity } fulfillments { id state }"

/* Vendure order states in which a pickup order is still open at the store. */
#define CURB_VENDURE_OPEN_STATES \
  "[\"PaymentAuthorized\", \"PaymentSettled\", \"PartiallyShipped\", \"Shipped\", \"PartiallyDelivered\"]"

JsonObject *curb_vendure_order_to_curbside  (JsonObject  *vendure_order,
                                             GError     **error) G_GNUC_WARN_UNUSED_RESULT;
gint64      curb_vendure_order_version      (JsonObject  *vendure_order);
/* Shipped with the store's pickup method (its pickupLocationCode is @location_code). */
gboolean    curb_vendure_order_is_pickup    (JsonObject  *vendure_order,
                                             const char  *location_code);
char       *curb_vendure_order_fingerprint  (JsonObject  *vendure_order) G_GNUC_WARN_UNUSED_RESULT;
gint64      curb_vendure_order_time_ms      (JsonObject  *vendure_order,
                                             const char  *member);
gint64      curb_vendure_id_to_int          (const char  *id);

G_END_DECLS
