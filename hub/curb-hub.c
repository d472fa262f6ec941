#include <math.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>

#include "curb-error.h"
#include "curb-hub-private.h"
#include "curb-util.h"

static void handle_stream (CurbHub *self, SoupServerMessage *msg, CurbHubCaller *caller,
                           const char *unused_ref, const char *unused_action);

typedef struct
{
  const char     *method;
  const char     *path;        /* '*' matches one segment */
  CurbHubAuth     auth;
  CurbHubHandler  handler;
} Route;

static const Route routes[] = {
  { "GET",  "/healthz",           CURB_HUB_AUTH_NONE,    curb_hub_handle_healthz },
  { "GET",  "/metrics",           CURB_HUB_AUTH_NONE,    curb_hub_handle_metrics },
  { "POST", "/v1/enroll",         CURB_HUB_AUTH_NONE,    curb_hub_handle_enroll },
  { "POST", "/v1/checkins",       CURB_HUB_AUTH_DEVICE,  curb_hub_handle_checkin },
  { "POST", "/v1/lookup",         CURB_HUB_AUTH_DEVICE,  curb_hub_handle_lookup },
  { "GET",  "/v1/orders",         CURB_HUB_AUTH_STAGING, curb_hub_handle_orders },
  { "GET",  "/v1/orders/*",       CURB_HUB_AUTH_DEVICE,  curb_hub_handle_order },
  { "POST", "/v1/orders/*/*",     CURB_HUB_AUTH_DEVICE,  curb_hub_handle_action },
  { "POST", "/v1/staff/session",  CURB_HUB_AUTH_STAGING, curb_hub_handle_staff_session },
  { "DELETE", "/v1/staff/session", CURB_HUB_AUTH_STAGING, curb_hub_handle_staff_sign_out },
  { "POST", "/v1/events",         CURB_HUB_AUTH_DEVICE,  curb_hub_handle_events },
  { "POST", "/v1/heartbeat",      CURB_HUB_AUTH_DEVICE,  curb_hub_handle_heartbeat },
  { "POST", "/v1/hints",          CURB_HUB_AUTH_NONE,    curb_hub_handle_hint },
  { "GET",  "/v1/devices",        CURB_HUB_AUTH_STAGING, curb_hub_handle_devices },
  { "GET",  "/v1/status",         CURB_HUB_AUTH_DEVICE,  curb_hub_handle_status },
  { "GET",  "/v1/stream",         CURB_HUB_AUTH_DEVICE,  handle_stream },
  { "POST", "/v1/assistance",     CURB_HUB_AUTH_DEVICE,  curb_hub_handle_assistance_request },
  { "GET",  "/v1/assistance",     CURB_HUB_AUTH_STAGING, curb_hub_handle_assistance_list },
  { "POST", "/v1/assistance/*/acknowledge", CURB_HUB_AUTH_STAFF, curb_hub_handle_assistance_acknowledge },
};

G_DEFINE_FINAL_TYPE (CurbHub, curb_hub, G_TYPE_OBJECT)

static void
caller_clear (CurbHubCaller *caller)
{
  g_clear_pointer (&caller->device_id, g_free);
  g_clear_pointer (&caller->staff_id, g_free);
  g_clear_pointer (&caller->staff_name, g_free);
}

/* Splits @path against @pattern; the '*' segments go to @out_args. */
static gboolean
match_path (const char  *pattern,
            const char  *path,
            char       **out_args)
{
  g_auto(GStrv) want = g_strsplit (pattern, "/", -1);
  g_auto(GStrv) have = g_strsplit (path, "/", -1);
  guint n_args = 0;

  if (g_strv_length (want) != g_strv_length (have))
    return FALSE;
  for (guint i = 0; want[i] != NULL; i++)
    {
      if (g_str_equal (want[i], "*") && have[i][0] != '\0' && n_args < 2)
        out_args[n_args++] = g_strdup (have[i]);
      else if (!g_str_equal (want[i], have[i]))
        {
          for (guint j = 0; j < n_args; j++)
            g_clear_pointer (&out_args[j], g_free);
          return FALSE;
        }
    }
  return TRUE;
}

static const char *
bearer_credential (SoupServerMessage *msg)
{
  const char *header = soup_message_headers_get_one (soup_server_message_get_request_headers (msg),
                                                     "Authorization");

  if (header == NULL || g_ascii_strncasecmp (header, "Bearer ", 7) != 0)
    return NULL;
  return header + 7;
}

static gboolean
authenticate_device (CurbHub           *self,
                     SoupServerMessage *msg,
                     CurbHubCaller     *caller)
{
  const char *credential = bearer_credential (msg);
  g_autoptr(GError) error = NULL;

  if (credential != NULL
      && curb_store_authenticate_device (self->store, credential, &caller->device_id,
                                         &caller->role, &error))
    return TRUE;
  soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                "WWW-Authenticate", "Bearer realm=\"curbside-hub\"");
  if (error != NULL && !g_error_matches (error, CURB_ERROR, CURB_ERROR_UNAUTHORIZED))
    curb_hub_reply_gerror (msg, error, NULL);
  else
    curb_hub_reply_error (msg, SOUP_STATUS_UNAUTHORIZED, "unauthorized",
                          "A valid device credential is required", NULL);
  return FALSE;
}

static gboolean
require_staff_session (CurbHub           *self,
                       SoupServerMessage *msg,
                       CurbHubCaller     *caller)
{
  const char *token = soup_message_headers_get_one (soup_server_message_get_request_headers (msg),
                                                    CURB_HUB_STAFF_HEADER);

  if (token != NULL && curb_hub_staff_session_check (self, token, caller->device_id, caller))
    return TRUE;
  curb_hub_reply_error (msg, SOUP_STATUS_UNAUTHORIZED, "staff_session_required",
                        "Sign in as staff first (POST /v1/staff/session)", NULL);
  return FALSE;
}

gboolean
curb_hub_authorize (CurbHub           *self,
                    SoupServerMessage *msg,
                    CurbHubCaller     *caller,
                    CurbHubAuth        auth)
{
  if (auth == CURB_HUB_AUTH_NONE)
    return TRUE;
  if (caller->device_id == NULL && !authenticate_device (self, msg, caller))
    return FALSE;
  if (auth == CURB_HUB_AUTH_DEVICE)
    return TRUE;
  if (caller->role == CURB_DEVICE_ROLE_KIOSK)
    {
      curb_hub_reply_error (msg, SOUP_STATUS_FORBIDDEN, "forbidden",
                            "This device may not do that", NULL);
      return FALSE;
    }
  if (auth == CURB_HUB_AUTH_STAGING || caller->staff_id != NULL)
    return TRUE;
  return require_staff_session (self, msg, caller);
}

static const Route *
find_route (SoupServerMessage *msg,
            const char        *path,
            char             **args,
            gboolean          *out_path_known)
{
  const char *method = soup_server_message_get_method (msg);

  *out_path_known = FALSE;
  for (gsize i = 0; i < G_N_ELEMENTS (routes); i++)
    {
      if (!match_path (routes[i].path, path, args))
        continue;
      if (g_str_equal (routes[i].method, method))
        return &routes[i];
      *out_path_known = TRUE;
      g_clear_pointer (&args[0], g_free);
      g_clear_pointer (&args[1], g_free);
    }
  return NULL;
}

static void
on_request (SoupServer        *server,
            SoupServerMessage *msg,
            const char        *path,
            GHashTable        *query,
            gpointer           user_data)
{
  CurbHub *self = user_data;
  CurbHubCaller caller = { NULL, };
  char *args[2] = { NULL, NULL };
  gboolean path_known;
  const Route *route = find_route (msg, path, args, &path_known);

  if (route == NULL && path_known)
    curb_hub_reply_error (msg, SOUP_STATUS_METHOD_NOT_ALLOWED, "method_not_allowed",
                          "This route does not take that method", NULL);
  else if (route == NULL)
    curb_hub_reply_error (msg, SOUP_STATUS_NOT_FOUND, "no_route", "No such route", NULL);
  else if (curb_hub_authorize (self, msg, &caller, route->auth))
    route->handler (self, msg, &caller, args[0], args[1]);
  caller_clear (&caller);
  g_free (args[0]);
  g_free (args[1]);
}

/* Content-Length exactly as RFC 9110 has it (digits only, one value); the
 * value itself, or -1 when the header is absent. */
static gboolean
content_length (SoupMessageHeaders *headers,
                gint64             *out_length)
{
  const char *text = soup_message_headers_get_list (headers, "Content-Length");
  guint64 value = 0;

  *out_length = -1;
  if (text == NULL)
    return TRUE;
  if (*text == '\0' || strlen (text) > 18 || strspn (text, "0123456789") != strlen (text)
      || !g_ascii_string_to_unsigned (text, 10, 0, G_MAXINT64, &value, NULL))
    return FALSE;
  *out_length = (gint64) value;
  return TRUE;
}

/* A refusal written straight to the connection, which then closes: the
 * body the client announced is never read (libsoup would read it all, or
 * until the client closes for a bogus length, before answering). */
typedef struct
{
  GIOStream    *stream;
  GCancellable *cancellable;
  char         *text;
  guint         timeout_id;
} EarlyRefusal;

static void
early_refusal_free (EarlyRefusal *refusal)
{
  g_clear_handle_id (&refusal->timeout_id, g_source_remove);
  g_object_unref (refusal->stream);
  g_object_unref (refusal->cancellable);
  g_free (refusal->text);
  g_free (refusal);
}

static void
on_early_refusal_closed (GObject      *source,
                         GAsyncResult *result,
                         gpointer      data)
{
  g_io_stream_close_finish (G_IO_STREAM (source), result, NULL);
  early_refusal_free (data);
}

static void
on_early_refusal_written (GObject      *source,
                          GAsyncResult *result,
                          gpointer      data)
{
  EarlyRefusal *refusal = data;

  g_output_stream_write_all_finish (G_OUTPUT_STREAM (source), result, NULL, NULL);
  g_io_stream_close_async (refusal->stream, G_PRIORITY_DEFAULT, refusal->cancellable,
                           on_early_refusal_closed, refusal);
}

static gboolean
on_early_refusal_timeout (gpointer data)
{
  EarlyRefusal *refusal = data;

  refusal->timeout_id = 0;
  g_cancellable_cancel (refusal->cancellable);
  return G_SOURCE_REMOVE;
}

static void
refuse_early (SoupServerMessage *msg,
              guint              status,
              const char        *reason,
              const char        *message)
{
  g_autoptr(JsonObject) object = json_object_new ();
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *body = NULL;
  EarlyRefusal *refusal = g_new0 (EarlyRefusal, 1);

  json_object_set_string_member (object, "error", reason);
  json_object_set_string_member (object, "message", message);
  node = json_node_init_object (json_node_alloc (), object);
  body = json_to_string (node, FALSE);
  refusal->text = g_strdup_printf ("HTTP/1.1 %u %s\r\nContent-Type: application/json\r\n"
                                   "Cache-Control: no-store\r\nConnection: close\r\n"
                                   "Content-Length: %zu\r\n\r\n%s",
                                   status, soup_status_get_phrase (status), strlen (body), body);
  refusal->stream = soup_server_message_steal_connection (msg);
  refusal->cancellable = g_cancellable_new ();
  refusal->timeout_id = g_timeout_add_seconds (5, on_early_refusal_timeout, refusal);
  g_output_stream_write_all_async (g_io_stream_get_output_stream (refusal->stream), refusal->text,
                                   strlen (refusal->text), G_PRIORITY_DEFAULT, refusal->cancellable,
                                   on_early_refusal_written, refusal);
}

/* Bodies are bounded before a byte of them is read: only a plain
 * Content-Length up to 64 KiB; no transfer encodings at all. A body up to
 * 1 MiB is drained (not kept) so the client reads the 413; anything else is
 * answered at once and the connection closed. */
#define CURB_HUB_MAX_DRAIN (1024 * 1024)

static void
on_early_request (SoupServer        *server,
                  SoupServerMessage *msg,
                  const char        *path,
                  GHashTable        *query,
                  gpointer           user_data)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  gint64 length;

  if (soup_message_headers_get_one (headers, "Transfer-Encoding") != NULL)
    refuse_early (msg, SOUP_STATUS_LENGTH_REQUIRED, "length_required",
                  "Send a Content-Length, no transfer encoding");
  else if (!content_length (headers, &length))
    refuse_early (msg, SOUP_STATUS_BAD_REQUEST, "invalid", "Content-Length must be one decimal number");
  else if (length > CURB_HUB_MAX_DRAIN)
    refuse_early (msg, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, "payload_too_large",
                  "The request body is larger than 64 KiB");
  else if (length > CURB_HUB_MAX_BODY)
    {
      /* a well-formed length: drained without keeping a byte, so that the
       * client (still sending) gets the answer */
      soup_message_body_set_accumulate (soup_server_message_get_request_body (msg), FALSE);
      soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Connection", "close");
      curb_hub_reply_error (msg, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, "payload_too_large",
                            "The request body is larger than 64 KiB", NULL);
    }
}

static gint64
parse_after (SoupServerMessage *msg)
{
  const char *query = g_uri_get_query (soup_server_message_get_uri (msg));
  g_autoptr(GHashTable) params = NULL;
  const char *after;
  gint64 value = 0;

  if (query == NULL)
    return 0;
  params = g_uri_parse_params (query, -1, "&", G_URI_PARAMS_NONE, NULL);
  after = params != NULL ? g_hash_table_lookup (params, "after") : NULL;
  if (after != NULL && !g_ascii_string_to_signed (after, 10, 0, G_MAXINT64, &value, NULL))
    value = 0;
  return value;
}

/* Where a stream resumes: after=N, but never past the store's head, and
 * for a client of another log (the store was restored since) never past
 * the point where the logs part: every event after it is new to it. */
static gint64
resume_point (CurbHub           *self,
              SoupServerMessage *msg)
{
  const char *query = g_uri_get_query (soup_server_message_get_uri (msg));
  g_autoptr(GHashTable) params = query != NULL ? g_uri_parse_params (query, -1, "&", G_URI_PARAMS_NONE, NULL) : NULL;
  const char *log = params != NULL ? g_hash_table_lookup (params, "log") : NULL;
  gint64 fork_seq = 0;
  g_autofree char *current = curb_store_get_log_id (self->store, &fork_seq);
  gint64 after = MIN (parse_after (msg), curb_store_get_last_seq (self->store));

  if (log != NULL && g_strcmp0 (log, current) != 0)
    after = MIN (after, fork_seq);
  return after;
}

static void
on_upgrade_written (SoupServerMessage *msg,
                    gpointer           user_data)
{
  CurbHub *self = user_data;
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  g_autoptr(GIOStream) stream = soup_server_message_steal_connection (msg);
  g_autoptr(SoupWebsocketConnection) connection = NULL;
  const char *device_id = g_object_get_data (G_OBJECT (msg), "curb-device-id");
  gboolean with_orders = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (msg), "curb-with-orders"));

  connection = soup_websocket_connection_new (stream, soup_server_message_get_uri (msg),
                                              SOUP_WEBSOCKET_CONNECTION_SERVER,
                                              soup_message_headers_get_one (headers, "Origin"),
                                              NULL, NULL);
  curb_event_broker_add (self->broker, connection, device_id,
                         GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (msg), "curb-after")) - 1, with_orders);
}

/* The WebSocket upgrade, done here rather than by libsoup's websocket
 * handler so that a bad credential is refused before the handshake. */
static void
handle_stream (CurbHub           *self,
               SoupServerMessage *msg,
               CurbHubCaller     *caller,
               const char        *unused_ref,
               const char        *unused_action)
{
  g_autoptr(GError) error = NULL;

  if (!soup_websocket_server_check_handshake (msg, NULL, NULL, NULL, &error))
    {
      curb_hub_reply_error (msg, SOUP_STATUS_BAD_REQUEST, "websocket_required", error->message, NULL);
      return;
    }
  soup_websocket_server_process_handshake (msg, NULL, NULL, NULL, NULL);
  g_object_set_data_full (G_OBJECT (msg), "curb-device-id", g_strdup (caller->device_id), g_free);
  g_object_set_data (G_OBJECT (msg), "curb-after", GSIZE_TO_POINTER ((gsize) resume_point (self, msg) + 1));
  /* Staff screens get each event with its order; a kiosk, which shows one
   * shopper, only the events (no other shoppers' names). */
  g_object_set_data (G_OBJECT (msg), "curb-with-orders", GINT_TO_POINTER (caller->role != CURB_DEVICE_ROLE_KIOSK));
  g_signal_connect_object (msg, "wrote-informational", G_CALLBACK (on_upgrade_written), self, 0);
}

static void
on_request_finished (SoupServer        *server,
                     SoupServerMessage *msg,
                     gpointer           user_data)
{
  CurbHub *self = user_data;

  curb_hub_metrics_count_request (self->metrics, soup_server_message_get_status (msg));
}

static void
unref_order (gpointer order)
{
  if (order != NULL)
    json_object_unref (order);
}

/* The order an event changed, as it stands now; read once per page. */
static void
attach_order (CurbHub    *self,
              JsonObject *event,
              GHashTable *orders)
{
  const char *ref = json_object_get_string_member (event, "order_ref");
  JsonObject *order = g_hash_table_lookup (orders, ref);

  if (order == NULL && !g_hash_table_contains (orders, ref))
    {
      order = curb_store_get_order (self->store, ref, NULL);
      g_hash_table_insert (orders, g_strdup (ref), order);
    }
  if (order != NULL)
    json_object_set_object_member (event, "order", json_object_ref (order));
}

static GPtrArray *
read_backlog (gint64   after_seq,
              guint    limit,
              gboolean with_orders,
              gpointer user_data)
{
  CurbHub *self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) events = curb_store_list_events_since (self->store, after_seq, limit, &error);
  g_autoptr(GHashTable) orders = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, unref_order);
  GPtrArray *objects = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);

  if (events == NULL)
    {
      g_warning ("Cannot read the event log: %s", error->message);
      return objects;
    }
  for (guint i = 0; i < events->len; i++)
    {
      JsonObject *event = curb_event_to_json (g_ptr_array_index (events, i));

      if (with_orders)
        attach_order (self, event, orders);
      g_ptr_array_add (objects, event);
    }
  return objects;
}

/* A device revoked with curbside-ctl (another process) loses its streams
 * within a second; its requests fail at once (each is authenticated). */
static gboolean
on_revocation_check (gpointer data)
{
  CurbHub *self = data;
  g_auto(GStrv) devices = curb_event_broker_list_devices (self->broker);

  for (guint i = 0; devices[i] != NULL; i++)
    if (!curb_store_device_is_active (self->store, devices[i]))
      {
        g_log_structured (G_LOG_DOMAIN, G_LOG_LEVEL_MESSAGE, "CURBSIDE_DEVICE", devices[i],
                          "MESSAGE", "Closing the event streams of revoked device %s", devices[i]);
        curb_event_broker_close_device (self->broker, devices[i], CURB_STREAM_CLOSE_REVOKED, "device revoked");
      }
  return G_SOURCE_CONTINUE;
}

static void
curb_hub_dispose (GObject *object)
{
  CurbHub *self = CURB_HUB (object);

  curb_hub_shutdown (self);
  g_clear_handle_id (&self->revocation_id, g_source_remove);
  g_clear_object (&self->broker);
  g_clear_object (&self->listener);
  g_clear_object (&self->server);
  curb_hub_set_sync (self, NULL);
  G_OBJECT_CLASS (curb_hub_parent_class)->dispose (object);
}

static void
curb_hub_finalize (GObject *object)
{
  CurbHub *self = CURB_HUB (object);

  g_clear_object (&self->store);
  g_clear_object (&self->keyring);
  g_clear_object (&self->certificate);
  g_clear_object (&self->metrics);
  g_clear_object (&self->lookup_per_device);
  g_clear_object (&self->lookup_global);
  g_clear_object (&self->sign_in_limiter);
  g_clear_object (&self->enroll_limiter);
  g_hash_table_unref (self->lockouts);
  g_clear_pointer (&self->ticket_key, g_bytes_unref);
  g_hash_table_unref (self->help_calls);
  g_hash_table_unref (self->help_answered);
  g_ptr_array_unref (self->pending_writes);
  g_free (self->store_id);
  g_free (self->url);
  G_OBJECT_CLASS (curb_hub_parent_class)->finalize (object);
}

static void
curb_hub_class_init (CurbHubClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = curb_hub_dispose;
  object_class->finalize = curb_hub_finalize;
}

static void
curb_hub_init (CurbHub *self)
{
  self->metrics = curb_hub_metrics_new ();
  self->lockouts = curb_hub_lockouts_new ();
  self->sign_in_limiter = curb_rate_limiter_new (5, 5.0 / 60);
  self->enroll_limiter = curb_rate_limiter_new (5, 5.0 / 60);
  self->broker = curb_event_broker_new (read_backlog, self);
  self->pending_writes = curb_hub_write_queue_new ();
  self->started_ms = curb_now_ms ();
  self->escalation_s = 90;
  curb_hub_limits_init_defaults (&self->limits);
  self->revocation_id = g_timeout_add_seconds (1, on_revocation_check, self);
  self->help_calls = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) json_object_unref);
  self->help_answered = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  curb_hub_set_lookup_limits (self, 10, 60);
}

CurbHub *
curb_hub_new (CurbStore   *store,
              CurbKeyring *keyring,
              const char  *store_id)
{
  CurbHub *self;

  g_return_val_if_fail (CURB_IS_STORE (store), NULL);
  g_return_val_if_fail (store_id != NULL, NULL);

  self = g_object_new (CURB_TYPE_HUB, NULL);
  self->store = g_object_ref (store);
  self->keyring = keyring != NULL ? g_object_ref (keyring) : curb_keyring_new ();
  self->store_id = g_strdup (store_id);
  curb_event_broker_set_head_seq (self->broker, curb_store_get_last_seq (store));
  {
    g_autofree char *log = curb_store_get_log_id (store, NULL);

    curb_event_broker_set_log_id (self->broker, log);
  }
  curb_hub_load_assistance (self);
  return self;
}

void
curb_hub_set_tls_certificate (CurbHub         *self,
                              GTlsCertificate *certificate)
{
  g_return_if_fail (CURB_IS_HUB (self));
  g_set_object (&self->certificate, certificate);
  if (self->listener != NULL)
    curb_hub_listener_set_certificate (self->listener, certificate);
}

void
curb_hub_set_keyring (CurbHub     *self,
                      CurbKeyring *keyring)
{
  g_return_if_fail (CURB_IS_HUB (self));
  g_return_if_fail (CURB_IS_KEYRING (keyring));
  g_set_object (&self->keyring, keyring);
}

void
curb_hub_set_lookup_limits (CurbHub *self,
                            guint    per_device_per_minute,
                            guint    per_store_per_minute)
{
  g_return_if_fail (CURB_IS_HUB (self));

  g_clear_object (&self->lookup_per_device);
  g_clear_object (&self->lookup_global);
  self->lookup_per_device = curb_rate_limiter_new (MAX (per_device_per_minute, 1),
                                                   MAX (per_device_per_minute, 1) / 60.0);
  self->lookup_global = curb_rate_limiter_new (MAX (per_store_per_minute, 1),
                                               MAX (per_store_per_minute, 1) / 60.0);
}

void
curb_hub_set_alert_escalation (CurbHub *self,
                               guint    seconds)
{
  g_return_if_fail (CURB_IS_HUB (self));
  self->escalation_s = seconds;
}

void
curb_hub_set_stream_window (CurbHub *self,
                            guint    window)
{
  g_return_if_fail (CURB_IS_HUB (self));
  curb_event_broker_set_window (self->broker, window);
}

static gboolean
create_server (CurbHub  *self,
               GError  **error)
{
  self->server = soup_server_new ("server-header", "curbside-hub ", NULL);
  soup_server_add_early_handler (self->server, NULL, on_early_request, self, NULL);
  soup_server_add_handler (self->server, NULL, on_request, self, NULL);
  g_signal_connect (self->server, "request-finished", G_CALLBACK (on_request_finished), self);
  return TRUE;
}

gboolean
curb_hub_listen (CurbHub     *self,
                 const char  *address,
                 guint        port,
                 GError     **error)
{
  g_autoptr(GInetAddress) inet = NULL;
  g_autoptr(GSocketAddress) sockaddr = NULL;
  g_return_val_if_fail (CURB_IS_HUB (self), FALSE);
  g_return_val_if_fail (self->server == NULL, FALSE);

  inet = g_inet_address_new_from_string (address);
  if (inet == NULL)
    {
      g_set_error (error, CURB_ERROR, CURB_ERROR_CONFIG, "Not an IP address: %s", address);
      return FALSE;
    }
  if (self->certificate == NULL && !g_inet_address_get_is_loopback (inet))
    {
      g_set_error (error, CURB_ERROR, CURB_ERROR_CONFIG,
                   "Plain HTTP is only allowed on 127.0.0.1; configure TLS to listen on %s", address);
      return FALSE;
    }
  if (!create_server (self, error))
    return FALSE;
  sockaddr = g_inet_socket_address_new (inet, port);
  self->listener = curb_hub_listener_new (self->server, self->certificate, &self->limits);
  if (!curb_hub_listener_listen (self->listener, sockaddr, error))
    return FALSE;
  self->url = g_strdup_printf ("%s://%s:%u", self->certificate != NULL ? "https" : "http",
                               address, curb_hub_get_port (self));
  return TRUE;
}

guint
curb_hub_get_port (CurbHub *self)
{
  g_return_val_if_fail (CURB_IS_HUB (self), 0);

  return self->listener != NULL ? curb_hub_listener_get_port (self->listener) : 0;
}

char *
curb_hub_get_url (CurbHub *self)
{
  g_return_val_if_fail (CURB_IS_HUB (self), NULL);
  return g_strdup (self->url);
}

void
curb_hub_shutdown (CurbHub *self)
{
  g_return_if_fail (CURB_IS_HUB (self));

  curb_hub_flush_writes (self);
  /* first every socket, so that nothing below can wait for a client */
  if (self->listener != NULL)
    curb_hub_listener_shutdown (self->listener);
  if (self->broker != NULL)
    curb_event_broker_close_all (self->broker);
  if (self->server != NULL)
    soup_server_disconnect (self->server);
}

CurbStore *
curb_hub_get_store (CurbHub *self)
{
  g_return_val_if_fail (CURB_IS_HUB (self), NULL);
  return self->store;
}

void
curb_hub_log_event (CurbHub    *self,
                    CurbEvent  *event,
                    const char *what)
{
  g_autofree char *message = g_strdup_printf ("%s %s of order %s (seq %" G_GINT64_FORMAT ")", what,
                                              curb_event_kind_to_string (curb_event_get_kind (event)),
                                              curb_event_get_order_ref (event),
                                              curb_event_get_seq (event));

  g_log_structured (G_LOG_DOMAIN, G_LOG_LEVEL_INFO,
                    "CURBSIDE_ORDER_ID", curb_event_get_order_ref (event),
                    "CURBSIDE_DEVICE", curb_event_get_device (event),
                    "CURBSIDE_EVENT_ID", curb_event_get_id (event),
                    "MESSAGE", "%s", message);
}

void
curb_hub_broadcast_order (CurbHub    *self,
                          CurbEvent  *event,
                          JsonObject *order)
{
  g_autoptr(JsonObject) object = curb_event_to_json (event);

  curb_event_broker_publish (self->broker, object, order);
  if (self->sync != NULL && curb_event_kind_is_store_owned (curb_event_get_kind (event)))
    curb_sync_kick (self->sync);
}

void
curb_hub_broadcast (CurbHub   *self,
                    CurbEvent *event)
{
  g_autoptr(JsonObject) order = curb_store_get_order (self->store, curb_event_get_order_ref (event), NULL);

  curb_hub_broadcast_order (self, event, order);
}

void
curb_hub_publish_event (CurbHub   *self,
                        CurbEvent *event)
{
  g_return_if_fail (CURB_IS_HUB (self));
  g_return_if_fail (CURB_IS_EVENT (event));

  curb_hub_log_event (self, event, "Stored");
  curb_hub_broadcast (self, event);
}

guint
curb_hub_get_n_subscribers (CurbHub *self)
{
  g_return_val_if_fail (CURB_IS_HUB (self), 0);
  return curb_event_broker_get_n_subscribers (self->broker);
}


void
curb_hub_set_limits (CurbHub             *self,
                     const CurbHubLimits *limits)
{
  g_return_if_fail (CURB_IS_HUB (self));
  g_return_if_fail (self->listener == NULL);
  self->limits = *limits;
}

void
curb_hub_set_streams_per_device (CurbHub *self,
                                 guint    max)
{
  g_return_if_fail (CURB_IS_HUB (self));
  curb_event_broker_set_max_per_device (self->broker, max);
}
