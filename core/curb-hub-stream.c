#include <string.h>

#include "curb-error.h"
#include "curb-hub-client-private.h"
#include "curb-json.h"

#define ACK_EVERY          32
#define ACK_DELAY_MS       100
#define SILENCE_LIMIT_S    35
#define BACKOFF_MIN_MS     250
#define BACKOFF_MAX_MS     10000

struct _CurbHubStream
{
  GObject                  parent_instance;
  CurbHubClient           *client;
  SoupSession             *session;
  SoupWebsocketConnection *connection;
  GCancellable            *cancellable;
  gint64                   last_seq;
  gint64                   acked_seq;
  char                    *log_id;       /* the hub's event log, from hello */
  gint64                   heard_us;
  guint                    attempts;
  guint                    reconnect_id;
  guint                    ack_id;
  guint                    watchdog_id;
  gboolean                 running;
};

enum { SIGNAL_EVENT, SIGNAL_CONNECTED, SIGNAL_DISCONNECTED, SIGNAL_ORDERS_CHANGED, SIGNAL_NOTICE, N_SIGNALS };
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (CurbHubStream, curb_hub_stream, G_TYPE_OBJECT)

static void connect_now (CurbHubStream *self);

static void
send_ack (CurbHubStream *self)
{
  g_autofree char *text = NULL;

  g_clear_handle_id (&self->ack_id, g_source_remove);
  if (self->connection == NULL || self->acked_seq == self->last_seq
      || soup_websocket_connection_get_state (self->connection) != SOUP_WEBSOCKET_STATE_OPEN)
    return;
  text = g_strdup_printf ("{\"type\":\"ack\",\"seq\":%" G_GINT64_FORMAT "}", self->last_seq);
  soup_websocket_connection_send_text (self->connection, text);
  self->acked_seq = self->last_seq;
}

static gboolean
on_ack_timeout (gpointer data)
{
  CurbHubStream *self = data;

  self->ack_id = 0;
  send_ack (self);
  return G_SOURCE_REMOVE;
}

static void
drop_connection (CurbHubStream *self)
{
  g_clear_handle_id (&self->ack_id, g_source_remove);
  g_clear_handle_id (&self->watchdog_id, g_source_remove);
  if (self->connection == NULL)
    return;
  g_signal_handlers_disconnect_by_data (self->connection, self);
  if (soup_websocket_connection_get_state (self->connection) == SOUP_WEBSOCKET_STATE_OPEN)
    soup_websocket_connection_close (self->connection, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
  g_clear_object (&self->connection);
}

static gboolean
on_reconnect_timeout (gpointer data)
{
  CurbHubStream *self = data;

  self->reconnect_id = 0;
  connect_now (self);
  return G_SOURCE_REMOVE;
}

static void
schedule_reconnect (CurbHubStream *self,
                    const GError  *error)
{
  guint ceiling = MIN (BACKOFF_MAX_MS, BACKOFF_MIN_MS << MIN (self->attempts, 6));

  drop_connection (self);
  g_signal_emit (self, signals[SIGNAL_DISCONNECTED], 0, error);
  if (!self->running || self->reconnect_id != 0)
    return;
  self->attempts++;
  self->reconnect_id = g_timeout_add (g_random_int_range (BACKOFF_MIN_MS / 2, ceiling + 1),
                                      on_reconnect_timeout, self);
}

static void
handle_event (CurbHubStream *self,
              JsonObject    *event)
{
  gint64 seq = json_object_get_int_member_with_default (event, "seq", 0);

  if (seq <= self->last_seq)
    return;
  self->last_seq = seq;
  g_signal_emit (self, signals[SIGNAL_EVENT], 0, event);
  if (self->last_seq - self->acked_seq >= ACK_EVERY)
    send_ack (self);
  else if (self->ack_id == 0)
    self->ack_id = g_timeout_add (ACK_DELAY_MS, on_ack_timeout, self);
}

static void
handle_orders (CurbHubStream *self,
               JsonObject    *notice)
{
  JsonNode *refs = json_object_get_member (notice, "refs");
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) strv = NULL;

  if (refs == NULL || !JSON_NODE_HOLDS_ARRAY (refs))
    return;
  for (guint i = 0; i < json_array_get_length (json_node_get_array (refs)); i++)
    {
      const char *ref = json_array_get_string_element (json_node_get_array (refs), i);

      if (ref != NULL)
        g_strv_builder_add (builder, ref);
    }
  strv = g_strv_builder_end (builder);
  g_signal_emit (self, signals[SIGNAL_ORDERS_CHANGED], 0, strv);
}

/* The hub resumes from @after: less than what this stream saw means the
 * hub's store went back (a restore). Its events after that point are new
 * ones, whatever their seq: take them. */
static void
handle_hello (CurbHubStream *self,
              JsonObject    *hello)
{
  gint64 after = curb_json_get_int (hello, "after", self->last_seq);
  JsonNode *log = json_object_get_member (hello, "log");

  if (log != NULL && json_node_get_value_type (log) == G_TYPE_STRING)
    {
      g_free (self->log_id);
      self->log_id = g_strdup (json_node_get_string (log));
    }

  if (after >= self->last_seq)
    return;
  g_debug ("stream: the hub is back at seq %" G_GINT64_FORMAT " (was %" G_GINT64_FORMAT "): a restored store",
           after, self->last_seq);
  self->last_seq = self->acked_seq = MAX (after, 0);
}

/* A head behind what this stream saw without a new hello: reconnect, the
 * hello then says where the hub is. */
static void
handle_ping (CurbHubStream *self,
             JsonObject    *ping)
{
  g_autoptr(GError) error = NULL;

  if (curb_json_get_int (ping, "head_seq", self->last_seq) >= self->last_seq)
    return;
  error = g_error_new (CURB_ERROR, CURB_ERROR_UNAVAILABLE, "The hub's event log went back");
  schedule_reconnect (self, error);
}

static void
on_message (SoupWebsocketConnection *connection,
            gint                     type,
            GBytes                  *message,
            gpointer                 data)
{
  CurbHubStream *self = data;
  g_autoptr(JsonParser) parser = json_parser_new ();
  gsize len;
  const char *text = g_bytes_get_data (message, &len);
  JsonObject *object;

  self->heard_us = g_get_monotonic_time ();
  if (type != SOUP_WEBSOCKET_DATA_TEXT || !json_parser_load_from_data (parser, text, len, NULL)
      || !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    return;
  object = json_node_get_object (json_parser_get_root (parser));
  /* A handler may drop its last reference to the stream. */
  g_object_ref (self);
  if (!json_object_has_member (object, "type"))
    handle_event (self, object);
  else if (g_strcmp0 (json_object_get_string_member_with_default (object, "type", ""), "orders") == 0)
    handle_orders (self, object);
  else
    {
      const char *kind = json_object_get_string_member_with_default (object, "type", "");

      if (g_strcmp0 (kind, "hello") == 0)
        handle_hello (self, object);
      else if (g_strcmp0 (kind, "ping") == 0)
        handle_ping (self, object);
      if (JSON_NODE_HOLDS_VALUE (json_object_get_member (object, "type")))
        g_signal_emit (self, signals[SIGNAL_NOTICE], 0, object);
    }
  g_object_unref (self);
}

static void
on_closed (SoupWebsocketConnection *connection,
           gpointer                 data)
{
  CurbHubStream *self = data;
  g_autoptr(GError) error = g_error_new (CURB_ERROR, CURB_ERROR_UNAVAILABLE,
                                         "The hub closed the event stream (code %u)",
                                         soup_websocket_connection_get_close_code (connection));

  schedule_reconnect (self, error);
}

static gboolean
on_watchdog (gpointer data)
{
  CurbHubStream *self = data;
  g_autoptr(GError) error = NULL;

  if (g_get_monotonic_time () - self->heard_us < SILENCE_LIMIT_S * G_USEC_PER_SEC)
    return G_SOURCE_CONTINUE;
  self->watchdog_id = 0;
  error = g_error_new (CURB_ERROR, CURB_ERROR_UNAVAILABLE, "The hub went silent");
  schedule_reconnect (self, error);
  return G_SOURCE_REMOVE;
}

static void
on_connected (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(CurbHubStream) self = user_data;
  g_autoptr(GError) error = NULL;
  SoupWebsocketConnection *connection;

  connection = soup_session_websocket_connect_finish (SOUP_SESSION (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (connection == NULL)
    {
      g_autoptr(GError) wrapped = g_error_new (CURB_ERROR, CURB_ERROR_UNAVAILABLE,
                                               "Cannot open the event stream: %s", error->message);
      schedule_reconnect (self, wrapped);
      return;
    }
  self->connection = connection;
  self->attempts = 0;
  self->acked_seq = self->last_seq;
  self->heard_us = g_get_monotonic_time ();
  soup_websocket_connection_set_max_incoming_payload_size (connection, 1024 * 1024);
  soup_websocket_connection_set_keepalive_interval (connection, 10);
  g_signal_connect (connection, "message", G_CALLBACK (on_message), self);
  g_signal_connect (connection, "closed", G_CALLBACK (on_closed), self);
  self->watchdog_id = g_timeout_add_seconds (5, on_watchdog, self);
  g_signal_emit (self, signals[SIGNAL_CONNECTED], 0);
}

static void
connect_now (CurbHubStream *self)
{
  g_autofree char *escaped = self->log_id != NULL ? g_uri_escape_string (self->log_id, NULL, FALSE) : NULL;
  g_autofree char *path = g_strdup_printf ("/v1/stream?after=%" G_GINT64_FORMAT "%s%s", self->last_seq,
                                           escaped != NULL ? "&log=" : "", escaped != NULL ? escaped : "");
  g_autoptr(SoupMessage) msg = curb_hub_client_new_message (self->client, "GET", path);

  if (msg == NULL)
    {
      g_autoptr(GError) error = g_error_new (CURB_ERROR, CURB_ERROR_INVALID, "Bad hub URL");

      self->running = FALSE;
      g_signal_emit (self, signals[SIGNAL_DISCONNECTED], 0, error);
      return;
    }
  soup_session_websocket_connect_async (self->session, msg, NULL, NULL, G_PRIORITY_DEFAULT,
                                        self->cancellable, on_connected, g_object_ref (self));
}

static void
curb_hub_stream_dispose (GObject *object)
{
  CurbHubStream *self = CURB_HUB_STREAM (object);

  curb_hub_stream_stop (self);
  g_clear_pointer (&self->log_id, g_free);
  g_clear_object (&self->session);
  g_clear_object (&self->client);
  G_OBJECT_CLASS (curb_hub_stream_parent_class)->dispose (object);
}

static void
curb_hub_stream_class_init (CurbHubStreamClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = curb_hub_stream_dispose;

  signals[SIGNAL_EVENT] = g_signal_new ("event", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                        0, NULL, NULL, NULL, G_TYPE_NONE, 1, JSON_TYPE_OBJECT);
  signals[SIGNAL_CONNECTED] = g_signal_new ("connected", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                            0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[SIGNAL_DISCONNECTED] = g_signal_new ("disconnected", G_TYPE_FROM_CLASS (klass),
                                               G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                               G_TYPE_NONE, 1, G_TYPE_ERROR);
  signals[SIGNAL_ORDERS_CHANGED] = g_signal_new ("orders-changed", G_TYPE_FROM_CLASS (klass),
                                                 G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                                 G_TYPE_NONE, 1, G_TYPE_STRV);
  /* Any other control message ({"type": "assistance", ...}), as it came. */
  signals[SIGNAL_NOTICE] = g_signal_new ("notice", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                         0, NULL, NULL, NULL, G_TYPE_NONE, 1, JSON_TYPE_OBJECT);
}

static void
curb_hub_stream_init (CurbHubStream *self)
{
}

CurbHubStream *
curb_hub_stream_new (CurbHubClient *client,
                     gint64         after_seq)
{
  CurbHubStream *self = g_object_new (CURB_TYPE_HUB_STREAM, NULL);

  self->client = g_object_ref (client);
  self->session = curb_hub_client_new_session (client, 0);
  self->last_seq = self->acked_seq = MAX (after_seq, 0);
  return self;
}

void
curb_hub_stream_start (CurbHubStream *self)
{
  g_return_if_fail (CURB_IS_HUB_STREAM (self));

  if (self->running)
    return;
  self->running = TRUE;
  self->attempts = 0;
  self->cancellable = g_cancellable_new ();
  connect_now (self);
}

void
curb_hub_stream_stop (CurbHubStream *self)
{
  g_return_if_fail (CURB_IS_HUB_STREAM (self));

  self->running = FALSE;
  g_clear_handle_id (&self->reconnect_id, g_source_remove);
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  send_ack (self);
  drop_connection (self);
}

gboolean
curb_hub_stream_is_connected (CurbHubStream *self)
{
  g_return_val_if_fail (CURB_IS_HUB_STREAM (self), FALSE);
  return self->connection != NULL
         && soup_websocket_connection_get_state (self->connection) == SOUP_WEBSOCKET_STATE_OPEN;
}

gint64
curb_hub_stream_get_last_seq (CurbHubStream *self)
{
  g_return_val_if_fail (CURB_IS_HUB_STREAM (self), 0);
  return self->last_seq;
}
