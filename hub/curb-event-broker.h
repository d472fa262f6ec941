#pragma once

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

G_BEGIN_DECLS

/* Close code for a subscriber that fell too far behind; it reconnects with
 * ?after=<last seq it saw> and loses nothing. */
#define CURB_STREAM_CLOSE_SLOW_CONSUMER 4001
#define CURB_STREAM_CLOSE_REPLACED      4002   /* the device opened too many */
#define CURB_STREAM_CLOSE_REVOKED       4003   /* the device was revoked */

/* Returns up to @limit events (JsonObject with "seq") after @after_seq, in
 * seq order: the store's event log; with @with_orders each carries its
 * order as it stands now in the member "order". */
typedef GPtrArray *(*CurbEventBacklogFunc) (gint64   after_seq,
                                            guint    limit,
                                            gboolean with_orders,
                                            gpointer user_data);

/* The WebSocket fan-out of the hub's events: every subscriber first gets the
 * stored events after its resume point, then live ones, each once and in
 * seq order. Subscribers added with @with_orders get each event with the
 * order it changed ("order"), so they need no request to show it. A subscriber acknowledges with {"type":"ack","seq":N}; one with
 * more than a window of unacknowledged events is closed
 * (CURB_STREAM_CLOSE_SLOW_CONSUMER) so it never holds the hub back. */
#define CURB_TYPE_EVENT_BROKER (curb_event_broker_get_type ())
G_DECLARE_FINAL_TYPE (CurbEventBroker, curb_event_broker, CURB, EVENT_BROKER, GObject)

CurbEventBroker *curb_event_broker_new        (CurbEventBacklogFunc     backlog,
                                               gpointer                 user_data) G_GNUC_WARN_UNUSED_RESULT;
void             curb_event_broker_set_window (CurbEventBroker         *self,
                                               guint                    window);
/* The store's event log identity, told in hello ("log"). */
void             curb_event_broker_set_log_id (CurbEventBroker *self,
                                               const char      *log_id);
/* A device's streams beyond @max: its oldest is closed (CURB_STREAM_CLOSE_REPLACED). */
void             curb_event_broker_set_max_per_device (CurbEventBroker *self,
                                                       guint            max);
void             curb_event_broker_set_head_seq (CurbEventBroker       *self,
                                                 gint64                 head_seq);
void             curb_event_broker_add        (CurbEventBroker         *self,
                                               SoupWebsocketConnection *connection,
                                               const char              *device_id,
                                               gint64                   after_seq,
                                               gboolean                 with_orders);
/* @order: (nullable): the order after @event (hub-API shape) */
void             curb_event_broker_publish    (CurbEventBroker         *self,
                                               JsonObject              *event,
                                               JsonObject              *order);
/* Closes every stream of @device_id with @code. */
void             curb_event_broker_close_device (CurbEventBroker *self,
                                                 const char      *device_id,
                                                 gushort          code,
                                                 const char      *why);
/* (transfer full): the devices with a stream open, each once. */
GStrv            curb_event_broker_list_devices (CurbEventBroker *self);
/* A control message ({"type": ...}) to every subscriber, e.g. new orders. */
void             curb_event_broker_notify     (CurbEventBroker         *self,
                                               JsonObject              *notice);
/**
 * CurbNoticeFunc:
 * @device_id: the subscriber's device
 * @with_orders: whether it was added with orders (a staging or admin device)
 *
 * Returns: (transfer full) (nullable): the notice for this subscriber, or
 *   %NULL to send it nothing
 */
typedef JsonObject *(*CurbNoticeFunc) (const char *device_id,
                                       gboolean    with_orders,
                                       gpointer    user_data);
/* A control message made for each subscriber (what a kiosk may see differs
 * from what a station sees). */
void             curb_event_broker_notify_each (CurbEventBroker *self,
                                                CurbNoticeFunc   notice_for,
                                                gpointer         user_data);
guint            curb_event_broker_get_n_subscribers (CurbEventBroker  *self);
void             curb_event_broker_close_all  (CurbEventBroker         *self);

G_END_DECLS
