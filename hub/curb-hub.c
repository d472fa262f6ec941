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
};

G_DEFINE_FINAL_TYPE (CurbHub, curb_hub, G_TYPE_OBJECT)

static void
staff_session_free (CurbHubStaffSession *session)
{
  g_free (session->staff_id);
  g_free (session->first_name);
  g_free (session->role);
  g_free (session->device_id);
  g_free (session);
}

static void
ticket_free (CurbHubTicket *ticket)
{
  g_free (ticket->ref);
  g_free (ticket->device_id);
  g_free (ticket);
}

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

/* Bodies are bounded before they are read. */
static void
on_early_request (SoupServer        *server,
                  SoupServerMessage *msg,
                  const char        *path,
                  GHashTable        *query,
                  gpointer           user_data)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  SoupEncoding encoding = soup_message_headers_get_encoding (headers);
  GSocket *socket = soup_server_message_get_socket (msg);

  /* Replies and stream frames are small: send them without Nagle delay. */
  if (socket != NULL)
    g_socket_set_option (socket, IPPROTO_TCP, TCP_NODELAY, 1, NULL);

  if (encoding == SOUP_ENCODING_CONTENT_LENGTH
      && soup_message_headers_get_content_length (headers) > CURB_HUB_MAX_BODY)
    curb_hub_reply_error (msg, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, "payload_too_large",
                          "The request body is larger than 64 KiB", NULL);
  else if (encoding != SOUP_ENCODING_CONTENT_LENGTH && encoding != SOUP_ENCODING_NONE)
    curb_hub_reply_error (msg, SOUP_STATUS_LENGTH_REQUIRED, "length_required",
                          "Send a Content-Length", NULL);
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

static void
on_upgrade_written (SoupServerMessage *msg,
                    gpointer           user_data)
{
  CurbHub *self = user_data;
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  g_autoptr(GIOStream) stream = soup_server_message_steal_connection (msg);
  g_autoptr(SoupWebsocketConnection) connection = NULL;
  const char *device_id = g_object_get_data (G_OBJECT (msg), "curb-device-id");

  connection = soup_websocket_connection_new (stream, soup_server_message_get_uri (msg),
                                              SOUP_WEBSOCKET_CONNECTION_SERVER,
                                              soup_message_headers_get_one (headers, "Origin"),
                                              NULL, NULL);
  curb_event_broker_add (self->broker, connection, device_id,
                         GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (msg), "curb-after")) - 1);
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
  g_object_set_data (G_OBJECT (msg), "curb-after", GSIZE_TO_POINTER ((gsize) parse_after (msg) + 1));
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

static GPtrArray *
read_backlog (gint64   after_seq,
              guint    limit,
              gpointer user_data)
{
  CurbHub *self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) events = curb_store_list_events_since (self->store, after_seq, limit, &error);
  GPtrArray *objects = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);

  if (events == NULL)
    {
      g_warning ("Cannot read the event log: %s", error->message);
      return objects;
    }
  for (guint i = 0; i < events->len; i++)
    g_ptr_array_add (objects, curb_event_to_json (g_ptr_array_index (events, i)));
  return objects;
}

static void
curb_hub_dispose (GObject *object)
{
  CurbHub *self = CURB_HUB (object);

  curb_hub_shutdown (self);
  g_clear_object (&self->broker);
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
  g_hash_table_unref (self->staff_sessions);
  g_hash_table_unref (self->tickets);
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
  self->staff_sessions = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                (GDestroyNotify) staff_session_free);
  self->tickets = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                         (GDestroyNotify) ticket_free);
  self->sign_in_limiter = curb_rate_limiter_new (5, 5.0 / 60);
  self->broker = curb_event_broker_new (read_backlog, self);
  self->pending_writes = curb_hub_write_queue_new ();
  self->started_ms = curb_now_ms ();
  self->escalation_s = 90;
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
  return self;
}

void
curb_hub_set_tls_certificate (CurbHub         *self,
                              GTlsCertificate *certificate)
{
  g_return_if_fail (CURB_IS_HUB (self));
  g_set_object (&self->certificate, certificate);
  if (self->server != NULL)
    soup_server_set_tls_certificate (self->server, certificate);
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
  self->server = soup_server_new ("server-header", "curbside-hub ",
                                  "tls-certificate", self->certificate,
                                  NULL);
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
  if (!soup_server_listen (self->server, sockaddr,
                           self->certificate != NULL ? SOUP_SERVER_LISTEN_HTTPS : 0, error))
    return FALSE;
  self->url = g_strdup_printf ("%s://%s:%u", self->certificate != NULL ? "https" : "http",
                               address, curb_hub_get_port (self));
  return TRUE;
}

/* From the listening socket: soup_server_get_uris() leaks in libsoup 3.2. */
guint
curb_hub_get_port (CurbHub *self)
{
  g_autoptr(GSocketAddress) local = NULL;
  GSList *listeners;

  g_return_val_if_fail (CURB_IS_HUB (self), 0);

  if (self->server == NULL)
    return 0;
  listeners = soup_server_get_listeners (self->server);   /* transfer container */
  if (listeners == NULL)
    return 0;
  local = g_socket_get_local_address (listeners->data, NULL);
  g_slist_free (listeners);
  return G_IS_INET_SOCKET_ADDRESS (local)
         ? g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (local)) : 0;
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
curb_hub_broadcast (CurbHub   *self,
                    CurbEvent *event)
{
  g_autoptr(JsonObject) object = curb_event_to_json (event);

  curb_event_broker_publish (self->broker, object);
  if (self->sync != NULL && curb_event_kind_is_store_owned (curb_event_get_kind (event)))
    curb_sync_kick (self->sync);
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

