#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>

#include "curb-error.h"
#include "curb-hub-client-private.h"
#include "curb-util.h"

#define STAFF_HEADER "X-Curbside-Staff-Session"
#define DEFAULT_TIMEOUT_S 15

struct _CurbHubClient
{
  GObject       parent_instance;
  char         *base_url;
  char         *pinned;          /* lower-case hex, no separators */
  GTlsDatabase *ca_database;
  char         *credential;
  char         *staff_session;
  SoupSession  *session;
  guint         timeout_s;
};

G_DEFINE_FINAL_TYPE (CurbHubClient, curb_hub_client, G_TYPE_OBJECT)

static const char *action_paths[] = {
  [CURB_HUB_ACTION_CLAIM] = "claim",
  [CURB_HUB_ACTION_RELEASE] = "release",
  [CURB_HUB_ACTION_STAGE] = "stage",
  [CURB_HUB_ACTION_HANDOVER] = "handover",
  [CURB_HUB_ACTION_NO_SHOW] = "no-show",
  [CURB_HUB_ACTION_RETURN_TO_STOCK] = "return-to-stock",
  [CURB_HUB_ACTION_DECIDE_SUBSTITUTION] = "substitutions",
};

static char *
normalize_fingerprint (const char *text)
{
  GString *out = g_string_new (NULL);

  for (const char *p = text; *p != '\0'; p++)
    if (g_ascii_isxdigit (*p))
      g_string_append_c (out, g_ascii_tolower (*p));
  return g_string_free (out, FALSE);
}

static char *
certificate_fingerprint (GTlsCertificate *certificate)
{
  g_autoptr(GByteArray) der = NULL;

  g_object_get (certificate, "certificate", &der, NULL);
  if (der == NULL)
    return g_strdup ("");
  return g_compute_checksum_for_data (G_CHECKSUM_SHA256, der->data, der->len);
}

static gboolean
on_accept_certificate (SoupMessage          *msg,
                       GTlsCertificate      *certificate,
                       GTlsCertificateFlags  errors,
                       gpointer              user_data)
{
  CurbHubClient *self = user_data;
  g_autofree char *seen = NULL;

  if (self->pinned == NULL)
    return FALSE;
  seen = certificate_fingerprint (certificate);
  return g_str_equal (seen, self->pinned);
}

static void
curb_hub_client_finalize (GObject *object)
{
  CurbHubClient *self = CURB_HUB_CLIENT (object);

  g_free (self->base_url);
  g_free (self->pinned);
  g_clear_object (&self->ca_database);
  g_free (self->credential);
  g_free (self->staff_session);
  g_clear_object (&self->session);
  G_OBJECT_CLASS (curb_hub_client_parent_class)->finalize (object);
}

static void
curb_hub_client_class_init (CurbHubClientClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = curb_hub_client_finalize;
}

static void
curb_hub_client_init (CurbHubClient *self)
{
  self->timeout_s = DEFAULT_TIMEOUT_S;
}

/**
 * curb_hub_client_new:
 * @base_url: the hub, e.g. "https://192.0.2.10:8443"
 */
CurbHubClient *
curb_hub_client_new (const char *base_url)
{
  CurbHubClient *self;

  g_return_val_if_fail (base_url != NULL, NULL);

  self = g_object_new (CURB_TYPE_HUB_CLIENT, NULL);
  self->base_url = g_strdup (base_url);
  while (g_str_has_suffix (self->base_url, "/"))
    self->base_url[strlen (self->base_url) - 1] = '\0';
  return self;
}

const char *
curb_hub_client_get_base_url (CurbHubClient *self)
{
  g_return_val_if_fail (CURB_IS_HUB_CLIENT (self), NULL);
  return self->base_url;
}

/**
 * curb_hub_client_set_pinned_certificate:
 * @sha256_fingerprint: (nullable): hex SHA-256 of the hub certificate's DER;
 *   ':' separators and case are ignored
 */
void
curb_hub_client_set_pinned_certificate (CurbHubClient *self,
                                        const char    *sha256_fingerprint)
{
  g_return_if_fail (CURB_IS_HUB_CLIENT (self));

  g_clear_pointer (&self->pinned, g_free);
  if (sha256_fingerprint != NULL)
    self->pinned = normalize_fingerprint (sha256_fingerprint);
}

/**
 * curb_hub_client_set_ca_file:
 * @path: PEM file of trusted certificates, e.g. the hub's own hub-cert.pem
 */
gboolean
curb_hub_client_set_ca_file (CurbHubClient  *self,
                             const char     *path,
                             GError        **error)
{
  GTlsDatabase *database;

  g_return_val_if_fail (CURB_IS_HUB_CLIENT (self), FALSE);

  database = g_tls_file_database_new (path, error);
  if (database == NULL)
    return FALSE;
  g_clear_object (&self->ca_database);
  self->ca_database = database;
  g_clear_object (&self->session);
  return TRUE;
}

void
curb_hub_client_set_credential (CurbHubClient *self,
                                const char    *credential)
{
  g_return_if_fail (CURB_IS_HUB_CLIENT (self));
  g_free (self->credential);
  self->credential = g_strdup (credential);
}

void
curb_hub_client_set_staff_session (CurbHubClient *self,
                                   const char    *session_token)
{
  g_return_if_fail (CURB_IS_HUB_CLIENT (self));
  g_free (self->staff_session);
  self->staff_session = g_strdup (session_token);
}

void
curb_hub_client_set_timeout (CurbHubClient *self,
                             guint          seconds)
{
  g_return_if_fail (CURB_IS_HUB_CLIENT (self));
  self->timeout_s = seconds;
  g_clear_object (&self->session);
}

SoupSession *
curb_hub_client_new_session (CurbHubClient *self,
                             guint          timeout_s)
{
  SoupSession *session = soup_session_new_with_options ("timeout", timeout_s,
                                                        "idle-timeout", 60,
                                                        "max-conns-per-host", 8,
                                                        "user-agent", "curbside/" CURB_VERSION,
                                                        NULL);

  if (self->ca_database != NULL)
    soup_session_set_tls_database (session, self->ca_database);
  return session;
}

static SoupSession *
get_session (CurbHubClient *self)
{
  if (self->session == NULL)
    self->session = curb_hub_client_new_session (self, self->timeout_s);
  return self->session;
}

/* Requests are small and latency matters: no Nagle delay. */
static void
on_network_event (SoupMessage        *msg,
                  GSocketClientEvent  event,
                  GIOStream          *connection,
                  gpointer            user_data)
{
  if (event == G_SOCKET_CLIENT_CONNECTED && G_IS_SOCKET_CONNECTION (connection))
    g_socket_set_option (g_socket_connection_get_socket (G_SOCKET_CONNECTION (connection)),
                         IPPROTO_TCP, TCP_NODELAY, 1, NULL);
}

SoupMessage *
curb_hub_client_new_message (CurbHubClient *self,
                             const char    *method,
                             const char    *path_and_query)
{
  g_autofree char *url = g_strconcat (self->base_url, path_and_query, NULL);
  SoupMessage *msg = soup_message_new (method, url);
  SoupMessageHeaders *headers;

  if (msg == NULL)
    return NULL;
  headers = soup_message_get_request_headers (msg);
  if (self->credential != NULL)
    {
      g_autofree char *bearer = g_strconcat ("Bearer ", self->credential, NULL);

      soup_message_headers_replace (headers, "Authorization", bearer);
    }
  if (self->staff_session != NULL)
    soup_message_headers_replace (headers, STAFF_HEADER, self->staff_session);
  g_signal_connect_object (msg, "accept-certificate", G_CALLBACK (on_accept_certificate), self, 0);
  g_signal_connect (msg, "network-event", G_CALLBACK (on_network_event), NULL);
  return msg;
}

JsonObject *
curb_hub_client_get_error_body (GAsyncResult *result)
{
  g_return_val_if_fail (G_IS_TASK (result), NULL);
  return g_object_get_data (G_OBJECT (result), "curb-error-body");
}

const char *
curb_hub_action_path (CurbHubAction action)
{
  g_return_val_if_fail (action <= CURB_HUB_ACTION_DECIDE_SUBSTITUTION, NULL);
  return action_paths[action];
}

static CurbError
error_code_for (const char *reason,
                guint       status)
{
  for (int code = CURB_ERROR_FAILED; code <= CURB_ERROR_LAST; code++)
    if (g_strcmp0 (reason, curb_error_code_name ((CurbError) code)) == 0)
      return (CurbError) code;
  switch (status)
    {
    case 400: case 413: case 411: case 422: return CURB_ERROR_INVALID;
    case 401: return CURB_ERROR_UNAUTHORIZED;
    case 403: return CURB_ERROR_FORBIDDEN;
    case 404: return CURB_ERROR_NOT_FOUND;
    case 409: return CURB_ERROR_CONFLICT;
    case 429: return CURB_ERROR_RATE_LIMITED;
    case 503: return CURB_ERROR_UNAVAILABLE;
    case 507: return CURB_ERROR_DISK_FULL;
    default: return status >= 500 ? CURB_ERROR_UNAVAILABLE : CURB_ERROR_PROTOCOL;
    }
}

static JsonObject *
parse_object (GBytes *bytes)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  gsize len = 0;
  const char *data = bytes != NULL ? g_bytes_get_data (bytes, &len) : NULL;
  JsonNode *root;

  if (data == NULL || len == 0 || !json_parser_load_from_data (parser, data, len, NULL))
    return NULL;
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return NULL;
  return json_object_ref (json_node_get_object (root));
}

static void
return_http_error (GTask      *task,
                   guint       status,
                   JsonObject *body)
{
  const char *reason = body != NULL ? json_object_get_string_member_with_default (body, "error", NULL) : NULL;
  const char *message = body != NULL ? json_object_get_string_member_with_default (body, "message", NULL) : NULL;

  if (body != NULL)
    g_object_set_data_full (G_OBJECT (task), "curb-error-body", json_object_ref (body),
                            (GDestroyNotify) json_object_unref);
  g_task_return_new_error (task, CURB_ERROR, error_code_for (reason, status),
                           "The hub refused the request (HTTP %u, %s): %s", status,
                           reason != NULL ? reason : "no reason",
                           message != NULL ? message : soup_status_get_phrase (status));
}

static void
on_response_ready (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  CurbHubClient *self = g_task_get_source_object (task);
  SoupMessage *msg = soup_session_get_async_result_message (SOUP_SESSION (source), result);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &error);
  g_autoptr(JsonObject) body = NULL;
  guint status;

  if (bytes == NULL)
    {
      g_task_return_new_error (task, CURB_ERROR, CURB_ERROR_UNAVAILABLE,
                               "Cannot reach the hub: %s", error->message);
      return;
    }
  status = soup_message_get_status (msg);
  body = parse_object (bytes);
  if (!SOUP_STATUS_IS_SUCCESSFUL (status))
    return_http_error (task, status, body);
  else if (body == NULL)
    g_task_return_new_error (task, CURB_ERROR, CURB_ERROR_PROTOCOL, "The hub answered no JSON object");
  else
    {
      if (g_task_get_task_data (task) != NULL
          && json_object_get_string_member_with_default (body, "session", NULL) != NULL)
        curb_hub_client_set_staff_session (self, json_object_get_string_member (body, "session"));
      g_task_return_pointer (task, g_steal_pointer (&body), (GDestroyNotify) json_object_unref);
    }
}

static void
send_request (CurbHubClient       *self,
              const char          *method,
              const char          *path,
              JsonObject          *body,
              gboolean             keeps_session,
              GCancellable        *cancellable,
              GAsyncReadyCallback  callback,
              gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  g_autoptr(SoupMessage) msg = curb_hub_client_new_message (self, method, path);

  g_task_set_source_tag (task, curb_hub_client_request_async);
  if (keeps_session)
    g_task_set_task_data (task, GINT_TO_POINTER (1), NULL);
  if (msg == NULL)
    {
      g_task_return_new_error (task, CURB_ERROR, CURB_ERROR_INVALID, "Bad hub URL or path: %s%s",
                               self->base_url, path);
      g_object_unref (task);
      return;
    }
  /* Every route but enrollment is safe to resend (event ids make the
   * writes idempotent), which also lets libsoup reuse the keep-alive
   * connection instead of a new TLS handshake per POST. */
  if (!g_str_equal (path, "/v1/enroll"))
    soup_message_add_flags (msg, SOUP_MESSAGE_IDEMPOTENT);
  if (body != NULL)
    {
      g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), body);
      gsize len;
      char *text = json_to_string (node, FALSE);
      g_autoptr(GBytes) bytes = NULL;

      len = strlen (text);
      bytes = g_bytes_new_take (text, len);
      soup_message_set_request_body_from_bytes (msg, "application/json", bytes);
    }
  soup_session_send_and_read_async (get_session (self), msg, G_PRIORITY_DEFAULT, cancellable,
                                    on_response_ready, task);
}

void
curb_hub_client_request_async (CurbHubClient       *self,
                               const char          *method,
                               const char          *path,
                               JsonObject          *body,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_return_if_fail (CURB_IS_HUB_CLIENT (self));
  g_return_if_fail (method != NULL && path != NULL);

  send_request (self, method, path, body, FALSE, cancellable, callback, user_data);
}

JsonObject *
curb_hub_client_request_finish (CurbHubClient  *self,
                                GAsyncResult   *result,
                                GError        **error)
{
  g_return_val_if_fail (CURB_IS_HUB_CLIENT (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

void
curb_hub_client_enroll_async (CurbHubClient       *self,
                              const char          *code,
                              const char          *device_name,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(JsonObject) body = json_object_new ();

  g_return_if_fail (CURB_IS_HUB_CLIENT (self));

  json_object_set_string_member (body, "code", code);
  json_object_set_string_member (body, "name", device_name);
  send_request (self, "POST", "/v1/enroll", body, FALSE, cancellable, callback, user_data);
}

static void
on_enrolled (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

char *
curb_hub_client_enroll_to_file (CurbHubClient  *self,
                                const char     *code,
                                const char     *device_name,
                                const char     *path,
                                GError        **error)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(JsonObject) reply = NULL;
  g_autofree char *dir = NULL;
  const char *credential;

  g_return_val_if_fail (CURB_IS_HUB_CLIENT (self), NULL);
  g_return_val_if_fail (code != NULL && device_name != NULL && path != NULL, NULL);

  curb_hub_client_enroll_async (self, code, device_name, NULL, on_enrolled, &result);
  while (result == NULL)
    g_main_context_iteration (g_main_context_get_thread_default (), TRUE);
  reply = curb_hub_client_request_finish (self, result, error);
  if (reply == NULL)
    return NULL;
  credential = json_object_get_string_member_with_default (reply, "credential", "");
  dir = g_path_get_dirname (path);
  g_mkdir_with_parents (dir, 0700);
  if (!g_file_set_contents_full (path, credential, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0600, error))
    return NULL;
  curb_hub_client_set_credential (self, credential);
  return g_strdup (json_object_get_string_member_with_default (reply, "device_id", "?"));
}

gboolean
curb_hub_client_load_credential (CurbHubClient  *self,
                                 const char     *path,
                                 GError        **error)
{
  g_autofree char *text = NULL;

  g_return_val_if_fail (CURB_IS_HUB_CLIENT (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  if (!g_file_get_contents (path, &text, NULL, error))
    return FALSE;
  curb_hub_client_set_credential (self, g_strstrip (text));
  return TRUE;
}

void
curb_hub_client_checkin_async (CurbHubClient       *self,
                               const char          *token_or_ticket,
                               gboolean             is_ticket,
                               const char          *bay,
                               const char          *event_id,
                               gint64               at_ms,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(JsonObject) body = json_object_new ();
  g_autofree char *at = curb_iso8601_from_ms (at_ms > 0 ? at_ms : curb_now_ms ());
  g_autofree char *fresh_id = event_id == NULL ? curb_uuid_new () : NULL;

  g_return_if_fail (CURB_IS_HUB_CLIENT (self));

  json_object_set_string_member (body, is_ticket ? "ticket" : "token", token_or_ticket);
  if (bay != NULL)
    json_object_set_string_member (body, "bay", bay);
  json_object_set_string_member (body, "event_id", event_id != NULL ? event_id : fresh_id);
  json_object_set_string_member (body, "at", at);
  send_request (self, "POST", "/v1/checkins", body, FALSE, cancellable, callback, user_data);
}

void
curb_hub_client_lookup_async (CurbHubClient       *self,
                              const char          *ref,
                              const char          *surname,
                              const char          *phone_last4,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(JsonObject) body = json_object_new ();

  g_return_if_fail (CURB_IS_HUB_CLIENT (self));

  json_object_set_string_member (body, "ref", ref);
  if (surname != NULL)
    json_object_set_string_member (body, "surname", surname);
  if (phone_last4 != NULL)
    json_object_set_string_member (body, "phone_last4", phone_last4);
  send_request (self, "POST", "/v1/lookup", body, FALSE, cancellable, callback, user_data);
}

void
curb_hub_client_get_order_async (CurbHubClient       *self,
                                 const char          *ref,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_autofree char *escaped = g_uri_escape_string (ref, NULL, FALSE);
  g_autofree char *path = g_strconcat ("/v1/orders/", escaped, NULL);

  g_return_if_fail (CURB_IS_HUB_CLIENT (self));
  send_request (self, "GET", path, NULL, FALSE, cancellable, callback, user_data);
}

/**
 * curb_hub_client_get_order_for_code_async:
 * @token: the shopper's pickup code, which proves the kiosk may read it
 *
 * curb_hub_client_get_order_async() for a kiosk: the hub shows a kiosk an
 * order only with its pickup code, or once that kiosk checked it in.
 */
void
curb_hub_client_get_order_for_code_async (CurbHubClient       *self,
                                          const char          *ref,
                                          const char          *token,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data)
{
  g_autofree char *escaped = g_uri_escape_string (ref, NULL, FALSE);
  g_autofree char *code = g_uri_escape_string (token, NULL, FALSE);
  g_autofree char *path = g_strconcat ("/v1/orders/", escaped, "?token=", code, NULL);

  g_return_if_fail (CURB_IS_HUB_CLIENT (self));
  g_return_if_fail (token != NULL);
  send_request (self, "GET", path, NULL, FALSE, cancellable, callback, user_data);
}

void
curb_hub_client_get_board_async (CurbHubClient       *self,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_return_if_fail (CURB_IS_HUB_CLIENT (self));
  send_request (self, "GET", "/v1/orders?view=board", NULL, FALSE, cancellable, callback, user_data);
}

void
curb_hub_client_staff_sign_in_async (CurbHubClient       *self,
                                     const char          *staff_id,
                                     const char          *pin,
                                     const char          *badge,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  g_autoptr(JsonObject) body = json_object_new ();

  g_return_if_fail (CURB_IS_HUB_CLIENT (self));

  if (badge != NULL)
    json_object_set_string_member (body, "badge", badge);
  else
    {
      json_object_set_string_member (body, "staff_id", staff_id);
      json_object_set_string_member (body, "pin", pin);
    }
  send_request (self, "POST", "/v1/staff/session", body, TRUE, cancellable, callback, user_data);
}

/**
 * curb_hub_client_action_async:
 * @body: (nullable): the action's members; "event_id" and "at" are added to
 *   it when absent, so sending the same @body again is idempotent
 */
void
curb_hub_client_action_async (CurbHubClient       *self,
                              const char          *ref,
                              CurbHubAction        action,
                              JsonObject          *body,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(JsonObject) members = body != NULL ? json_object_ref (body) : json_object_new ();
  g_autofree char *escaped = g_uri_escape_string (ref, NULL, FALSE);
  g_autofree char *path = NULL;

  g_return_if_fail (CURB_IS_HUB_CLIENT (self));
  g_return_if_fail (action <= CURB_HUB_ACTION_DECIDE_SUBSTITUTION);

  if (!json_object_has_member (members, "event_id"))
    {
      g_autofree char *event_id = curb_uuid_new ();

      json_object_set_string_member (members, "event_id", event_id);
    }
  if (!json_object_has_member (members, "at"))
    {
      g_autofree char *at = curb_iso8601_from_ms (curb_now_ms ());

      json_object_set_string_member (members, "at", at);
    }
  path = g_strdup_printf ("/v1/orders/%s/%s", escaped, action_paths[action]);
  send_request (self, "POST", path, members, FALSE, cancellable, callback, user_data);
}

void
curb_hub_client_post_events_async (CurbHubClient       *self,
                                   JsonArray           *events,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_autoptr(JsonObject) body = json_object_new ();

  g_return_if_fail (CURB_IS_HUB_CLIENT (self));
  g_return_if_fail (events != NULL);

  json_object_set_array_member (body, "events", json_array_ref (events));
  send_request (self, "POST", "/v1/events", body, FALSE, cancellable, callback, user_data);
}

void
curb_hub_client_heartbeat_async (CurbHubClient       *self,
                                 JsonObject          *status,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_autoptr(JsonObject) empty = NULL;

  g_return_if_fail (CURB_IS_HUB_CLIENT (self));

  if (status == NULL)
    status = empty = json_object_new ();
  send_request (self, "POST", "/v1/heartbeat", status, FALSE, cancellable, callback, user_data);
}

void
curb_hub_client_get_devices_async (CurbHubClient       *self,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_return_if_fail (CURB_IS_HUB_CLIENT (self));
  send_request (self, "GET", "/v1/devices", NULL, FALSE, cancellable, callback, user_data);
}

void
curb_hub_client_get_status_async (CurbHubClient       *self,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_return_if_fail (CURB_IS_HUB_CLIENT (self));
  send_request (self, "GET", "/v1/status", NULL, FALSE, cancellable, callback, user_data);
}

CurbHubStream *
curb_hub_client_open_stream (CurbHubClient *self,
                             gint64         after_seq)
{
  g_return_val_if_fail (CURB_IS_HUB_CLIENT (self), NULL);
  return curb_hub_stream_new (self, after_seq);
}
