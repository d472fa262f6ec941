#include <string.h>

#include "curb-event-broker.h"
#include "curb-json.h"

#define DEFAULT_WINDOW 1024
#define DEFAULT_MAX_PER_DEVICE 4
#define BACKLOG_PAGE   256
#define PING_INTERVAL_S 10
/* A frame whose order is larger goes without it: the client fetches it. */
#define MAX_ORDER_FRAME (256 * 1024)

typedef struct
{
  CurbEventBroker         *broker;
  SoupWebsocketConnection *connection;
  char                    *device_id;
  gint64                   sent_seq;
  gint64                   acked_seq;
  gint64                   opened_us;
  gboolean                 with_orders;
  gboolean                 live;
  guint                    pump_id;
} Subscriber;

struct _CurbEventBroker
{
  GObject               parent_instance;
  CurbEventBacklogFunc  backlog;
  gpointer              backlog_data;
  GPtrArray            *subscribers;
  guint                 window;
  gint64                head_seq;
  guint                 ping_id;
  guint                 max_per_device;
  char                 *log_id;
};

G_DEFINE_FINAL_TYPE (CurbEventBroker, curb_event_broker, G_TYPE_OBJECT)

static void schedule_pump (Subscriber *sub);

static char *
object_to_text (JsonObject *object)
{
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);

  json_node_set_object (node, object);
  return json_to_string (node, FALSE);
}

static void
subscriber_free (Subscriber *sub)
{
  g_clear_handle_id (&sub->pump_id, g_source_remove);
  g_signal_handlers_disconnect_by_data (sub->connection, sub);
  if (soup_websocket_connection_get_state (sub->connection) == SOUP_WEBSOCKET_STATE_OPEN)
    soup_websocket_connection_close (sub->connection, SOUP_WEBSOCKET_CLOSE_GOING_AWAY, NULL);
  g_object_unref (sub->connection);
  g_free (sub->device_id);
  g_free (sub);
}

static void
drop_subscriber (Subscriber *sub,
                 gushort     code,
                 const char *why)
{
  CurbEventBroker *self = sub->broker;

  g_debug ("stream: dropping %s (%s)", sub->device_id, why);
  g_signal_handlers_disconnect_by_data (sub->connection, sub);
  if (soup_websocket_connection_get_state (sub->connection) == SOUP_WEBSOCKET_STATE_OPEN)
    soup_websocket_connection_close (sub->connection, code, why);
  g_ptr_array_remove_fast (self->subscribers, sub);
}

static guint
unacked (Subscriber *sub)
{
  return (guint) MAX (0, sub->sent_seq - sub->acked_seq);
}

/* A subscriber whose connection is closing is removed by on_closed(). */
static gboolean
is_open (Subscriber *sub)
{
  return soup_websocket_connection_get_state (sub->connection) == SOUP_WEBSOCKET_STATE_OPEN;
}

static void
send_event (Subscriber *sub,
            gint64      seq,
            const char *text)
{
  if (!is_open (sub))
    return;
  soup_websocket_connection_send_text (sub->connection, text);
  sub->sent_seq = seq;
}

static gboolean
pump_backlog (gpointer data)
{
  Subscriber *sub = data;
  guint room = sub->broker->window - MIN (sub->broker->window, unacked (sub));
  guint want = MIN (room, BACKLOG_PAGE);
  g_autoptr(GPtrArray) events = NULL;

  sub->pump_id = 0;
  if (want == 0 || !is_open (sub))
    return G_SOURCE_REMOVE;
  events = sub->broker->backlog (sub->sent_seq, want, sub->with_orders, sub->broker->backlog_data);
  for (guint i = 0; i < events->len; i++)
    {
      JsonObject *event = g_ptr_array_index (events, i);
      g_autofree char *text = object_to_text (event);

      if (strlen (text) > MAX_ORDER_FRAME && json_object_has_member (event, "order"))
        {
          json_object_remove_member (event, "order");
          g_free (text);
          text = object_to_text (event);
        }

      send_event (sub, json_object_get_int_member (event, "seq"), text);
    }
  if (events->len < want)
    sub->live = TRUE;
  else
    schedule_pump (sub);
  return G_SOURCE_REMOVE;
}

static void
schedule_pump (Subscriber *sub)
{
  if (sub->live || sub->pump_id != 0 || unacked (sub) >= sub->broker->window)
    return;
  sub->pump_id = g_idle_add (pump_backlog, sub);
}

/* Acknowledgements are strict JSON like every other input from the LAN. */
static void
on_message (SoupWebsocketConnection *connection,
            gint                     type,
            GBytes                  *message,
            gpointer                 data)
{
  Subscriber *sub = data;
  gsize len;
  const char *text = g_bytes_get_data (message, &len);
  g_autoptr(JsonObject) object = NULL;
  JsonNode *kind, *seq;

  if (type != SOUP_WEBSOCKET_DATA_TEXT
      || (object = curb_json_parse_object (text, len, 4, NULL)) == NULL)
    return;
  kind = json_object_get_member (object, "type");
  seq = json_object_get_member (object, "seq");
  if (kind == NULL || json_node_get_value_type (kind) != G_TYPE_STRING
      || g_strcmp0 (json_node_get_string (kind), "ack") != 0
      || seq == NULL || json_node_get_value_type (seq) != G_TYPE_INT64)
    return;
  sub->acked_seq = CLAMP (json_node_get_int (seq), sub->acked_seq, sub->sent_seq);
  schedule_pump (sub);
}

static void
on_closed (SoupWebsocketConnection *connection,
           gpointer                 data)
{
  Subscriber *sub = data;

  g_ptr_array_remove_fast (sub->broker->subscribers, sub);
}

static void
send_hello (Subscriber *sub,
            gint64      after_seq)
{
  g_autoptr(JsonObject) hello = json_object_new ();
  g_autofree char *text = NULL;

  json_object_set_string_member (hello, "type", "hello");
  json_object_set_int_member (hello, "after", after_seq);
  json_object_set_int_member (hello, "head_seq", sub->broker->head_seq);
  json_object_set_int_member (hello, "window", sub->broker->window);
  if (sub->broker->log_id != NULL)
    json_object_set_string_member (hello, "log", sub->broker->log_id);
  text = object_to_text (hello);
  if (is_open (sub))
    soup_websocket_connection_send_text (sub->connection, text);
}

static gboolean
on_ping_timeout (gpointer data)
{
  CurbEventBroker *self = data;
  g_autofree char *text = g_strdup_printf ("{\"type\":\"ping\",\"head_seq\":%" G_GINT64_FORMAT "}",
                                           self->head_seq);

  for (guint i = 0; i < self->subscribers->len; i++)
    {
      Subscriber *sub = g_ptr_array_index (self->subscribers, i);

      if (is_open (sub))
        soup_websocket_connection_send_text (sub->connection, text);
    }
  return G_SOURCE_CONTINUE;
}

static void
curb_event_broker_dispose (GObject *object)
{
  CurbEventBroker *self = CURB_EVENT_BROKER (object);

  g_clear_handle_id (&self->ping_id, g_source_remove);
  if (self->subscribers != NULL)
    g_ptr_array_set_size (self->subscribers, 0);
  G_OBJECT_CLASS (curb_event_broker_parent_class)->dispose (object);
}

static void
curb_event_broker_finalize (GObject *object)
{
  CurbEventBroker *self = CURB_EVENT_BROKER (object);

  g_ptr_array_unref (self->subscribers);
  g_free (self->log_id);
  G_OBJECT_CLASS (curb_event_broker_parent_class)->finalize (object);
}

static void
curb_event_broker_class_init (CurbEventBrokerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = curb_event_broker_dispose;
  object_class->finalize = curb_event_broker_finalize;
}

static void
curb_event_broker_init (CurbEventBroker *self)
{
  self->subscribers = g_ptr_array_new_with_free_func ((GDestroyNotify) subscriber_free);
  self->window = DEFAULT_WINDOW;
  self->max_per_device = DEFAULT_MAX_PER_DEVICE;
  self->ping_id = g_timeout_add_seconds (PING_INTERVAL_S, on_ping_timeout, self);
}

CurbEventBroker *
curb_event_broker_new (CurbEventBacklogFunc backlog,
                       gpointer             user_data)
{
  CurbEventBroker *self;

  g_return_val_if_fail (backlog != NULL, NULL);

  self = g_object_new (CURB_TYPE_EVENT_BROKER, NULL);
  self->backlog = backlog;
  self->backlog_data = user_data;
  return self;
}

void
curb_event_broker_set_window (CurbEventBroker *self,
                              guint            window)
{
  g_return_if_fail (CURB_IS_EVENT_BROKER (self));
  self->window = MAX (window, 1);
}

void
curb_event_broker_set_head_seq (CurbEventBroker *self,
                                gint64           head_seq)
{
  g_return_if_fail (CURB_IS_EVENT_BROKER (self));
  self->head_seq = MAX (self->head_seq, head_seq);
}

/* One device holds at most max_per_device streams: its oldest gives way. */
static void
make_room_for (CurbEventBroker *self,
               const char      *device_id)
{
  Subscriber *oldest = NULL;
  guint count = 0;

  for (guint i = 0; i < self->subscribers->len; i++)
    {
      Subscriber *sub = g_ptr_array_index (self->subscribers, i);

      if (g_strcmp0 (sub->device_id, device_id) != 0)
        continue;
      count++;
      if (oldest == NULL || sub->opened_us < oldest->opened_us)
        oldest = sub;
    }
  if (count >= self->max_per_device)
    drop_subscriber (oldest, CURB_STREAM_CLOSE_REPLACED, "too many streams of this device");
}

void
curb_event_broker_set_log_id (CurbEventBroker *self,
                              const char      *log_id)
{
  g_return_if_fail (CURB_IS_EVENT_BROKER (self));
  g_free (self->log_id);
  self->log_id = g_strdup (log_id);
}

void
curb_event_broker_set_max_per_device (CurbEventBroker *self,
                                      guint            max)
{
  g_return_if_fail (CURB_IS_EVENT_BROKER (self));
  self->max_per_device = MAX (max, 1);
}

void
curb_event_broker_close_device (CurbEventBroker *self,
                                const char      *device_id,
                                gushort          code,
                                const char      *why)
{
  g_return_if_fail (CURB_IS_EVENT_BROKER (self));

  for (guint i = self->subscribers->len; i > 0; i--)
    {
      Subscriber *sub = g_ptr_array_index (self->subscribers, i - 1);

      if (g_strcmp0 (sub->device_id, device_id) == 0)
        drop_subscriber (sub, code, why);
    }
}

GStrv
curb_event_broker_list_devices (CurbEventBroker *self)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

  g_return_val_if_fail (CURB_IS_EVENT_BROKER (self), NULL);

  for (guint i = 0; i < self->subscribers->len; i++)
    {
      Subscriber *sub = g_ptr_array_index (self->subscribers, i);

      if (sub->device_id != NULL && g_hash_table_add (seen, sub->device_id))
        g_strv_builder_add (builder, sub->device_id);
    }
  return g_strv_builder_end (builder);
}

void
curb_event_broker_add (CurbEventBroker         *self,
                       SoupWebsocketConnection *connection,
                       const char              *device_id,
                       gint64                   after_seq,
                       gboolean                 with_orders)
{
  Subscriber *sub;

  g_return_if_fail (CURB_IS_EVENT_BROKER (self));
  g_return_if_fail (SOUP_IS_WEBSOCKET_CONNECTION (connection));

  make_room_for (self, device_id);
  sub = g_new0 (Subscriber, 1);
  sub->broker = self;
  sub->opened_us = g_get_monotonic_time ();
  sub->connection = g_object_ref (connection);
  sub->device_id = g_strdup (device_id);
  sub->sent_seq = sub->acked_seq = MAX (after_seq, 0);
  sub->with_orders = with_orders;
  soup_websocket_connection_set_max_incoming_payload_size (connection, 4096);
  soup_websocket_connection_set_keepalive_interval (connection, PING_INTERVAL_S);
  g_signal_connect (connection, "message", G_CALLBACK (on_message), sub);
  g_signal_connect (connection, "closed", G_CALLBACK (on_closed), sub);
  g_ptr_array_add (self->subscribers, sub);
  send_hello (sub, sub->sent_seq);
  schedule_pump (sub);
}

/* The event's text, with its order for subscribers who take orders. */
static char *
event_with_order_text (JsonObject *event,
                       JsonObject *order)
{
  g_autoptr(JsonObject) frame = json_object_new ();
  g_autoptr(GList) members = json_object_get_members (event);
  char *text;

  for (GList *l = members; l != NULL; l = l->next)
    json_object_set_member (frame, l->data, json_node_copy (json_object_get_member (event, l->data)));
  if (order == NULL)
    return object_to_text (frame);
  json_object_set_object_member (frame, "order", json_object_ref (order));
  text = object_to_text (frame);
  if (strlen (text) <= MAX_ORDER_FRAME)
    return text;
  g_free (text);
  json_object_remove_member (frame, "order");
  return object_to_text (frame);
}

void
curb_event_broker_publish (CurbEventBroker *self,
                           JsonObject      *event,
                           JsonObject      *order)
{
  g_autofree char *text = NULL;
  g_autofree char *text_with_order = NULL;
  gint64 seq;

  g_return_if_fail (CURB_IS_EVENT_BROKER (self));

  seq = json_object_get_int_member_with_default (event, "seq", 0);
  self->head_seq = MAX (self->head_seq, seq);
  for (guint i = self->subscribers->len; i > 0; i--)
    {
      Subscriber *sub = g_ptr_array_index (self->subscribers, i - 1);

      if (!sub->live || seq <= sub->sent_seq || !is_open (sub))
        continue;
      if (unacked (sub) >= self->window)
        {
          drop_subscriber (sub, CURB_STREAM_CLOSE_SLOW_CONSUMER, "slow consumer: resume with after=");
          continue;
        }
      if (sub->with_orders && text_with_order == NULL)
        text_with_order = event_with_order_text (event, order);
      else if (!sub->with_orders && text == NULL)
        text = object_to_text (event);
      send_event (sub, seq, sub->with_orders ? text_with_order : text);
    }
}

void
curb_event_broker_notify (CurbEventBroker *self,
                          JsonObject      *notice)
{
  g_autofree char *text = NULL;

  g_return_if_fail (CURB_IS_EVENT_BROKER (self));

  text = object_to_text (notice);
  for (guint i = 0; i < self->subscribers->len; i++)
    {
      Subscriber *sub = g_ptr_array_index (self->subscribers, i);

      if (is_open (sub))
        soup_websocket_connection_send_text (sub->connection, text);
    }
}

void
curb_event_broker_notify_each (CurbEventBroker *self,
                               CurbNoticeFunc   notice_for,
                               gpointer         user_data)
{
  g_return_if_fail (CURB_IS_EVENT_BROKER (self));
  g_return_if_fail (notice_for != NULL);

  for (guint i = 0; i < self->subscribers->len; i++)
    {
      Subscriber *sub = g_ptr_array_index (self->subscribers, i);
      g_autoptr(JsonObject) notice = NULL;
      g_autofree char *text = NULL;

      if (!is_open (sub))
        continue;
      notice = notice_for (sub->device_id, sub->with_orders, user_data);
      if (notice == NULL)
        continue;
      text = object_to_text (notice);
      soup_websocket_connection_send_text (sub->connection, text);
    }
}

guint
curb_event_broker_get_n_subscribers (CurbEventBroker *self)
{
  g_return_val_if_fail (CURB_IS_EVENT_BROKER (self), 0);
  return self->subscribers->len;
}

void
curb_event_broker_close_all (CurbEventBroker *self)
{
  g_return_if_fail (CURB_IS_EVENT_BROKER (self));
  g_ptr_array_set_size (self->subscribers, 0);
}
