#include <string.h>
#include <libsoup/soup.h>

#include "curb-backoff.h"
#include "curb-error.h"
#include "curb-util.h"
#include "curb-vendure-client.h"

#define LOGIN_QUERY \
  "mutation($u: String!, $p: String!) { login(username: $u, password: $p) {" \
  " ... on CurrentUser { id } ... on ErrorResult { errorCode message } } }"

struct _CurbVendureClient
{
  GObject          parent_instance;

  SoupSession     *session;
  char            *url;
  CurbVendureAuth  auth;
  char            *credential;
  char            *session_token;
  guint            timeout_s;
  gint64           server_time_ms;
  gint             logins;
};

G_DEFINE_FINAL_TYPE (CurbVendureClient, curb_vendure_client, G_TYPE_OBJECT)

static GBytes *
request_body (const char *query,
              JsonObject *variables)
{
  g_autoptr(JsonObject) root = json_object_new ();
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);
  char *text;

  json_object_set_string_member (root, "query", query);
  if (variables != NULL)
    json_object_set_object_member (root, "variables", json_object_ref (variables));
  json_node_set_object (node, root);
  text = json_to_string (node, FALSE);
  return g_bytes_new_take (text, strlen (text));
}

static SoupMessage *
new_message (CurbVendureClient *self,
             const char        *query,
             JsonObject        *variables)
{
  g_autoptr(GBytes) body = request_body (query, variables);
  SoupMessage *msg = soup_message_new (SOUP_METHOD_POST, self->url);
  SoupMessageHeaders *headers = soup_message_get_request_headers (msg);

  g_assert (msg != NULL);
  soup_message_headers_replace (headers, "Accept", "application/json");
  if (self->auth == CURB_VENDURE_AUTH_API_KEY)
    soup_message_headers_replace (headers, "vendure-api-key", self->credential);
  else if (self->session_token != NULL)
    {
      g_autofree char *bearer = g_strdup_printf ("Bearer %s", self->session_token);
      soup_message_headers_replace (headers, "Authorization", bearer);
    }
  soup_message_set_request_body_from_bytes (msg, "application/json", body);
  /* Credentials must not follow a redirect elsewhere; a 3xx is a failure. */
  soup_message_add_flags (msg, SOUP_MESSAGE_NO_REDIRECT);
  /* Reads may reuse a kept-alive connection (and be resent if it was stale);
   * a mutation always gets a fresh one, so libsoup never sends it twice. */
  if (!g_str_has_prefix (query, "mutation"))
    soup_message_add_flags (msg, SOUP_MESSAGE_IDEMPOTENT);
  return msg;
}

static void
note_server_time (CurbVendureClient *self,
                  SoupMessage       *msg)
{
  const char *date = soup_message_headers_get_one (soup_message_get_response_headers (msg), "Date");
  g_autoptr(GDateTime) time = date ? soup_date_time_new_from_http_string (date) : NULL;

  if (time != NULL)
    self->server_time_ms = g_date_time_to_unix (time) * 1000;
}

static gboolean
check_status (SoupMessage  *msg,
              gint64       *out_retry_after_ms,
              GError      **error)
{
  guint status = soup_message_get_status (msg);
  const char *retry_after;
  CurbError code;

  if (SOUP_STATUS_IS_SUCCESSFUL (status))
    return TRUE;
  retry_after = soup_message_headers_get_one (soup_message_get_response_headers (msg), "Retry-After");
  *out_retry_after_ms = curb_backoff_parse_retry_after (retry_after, curb_now_ms ());
  if (status == 429)
    code = CURB_ERROR_RATE_LIMITED;
  else if (status == SOUP_STATUS_UNAUTHORIZED)
    code = CURB_ERROR_UNAUTHORIZED;
  else if (status == SOUP_STATUS_FORBIDDEN)
    code = CURB_ERROR_FORBIDDEN;
  else if (status == SOUP_STATUS_NOT_FOUND)
    code = CURB_ERROR_CONFIG;
  else
    code = CURB_ERROR_UNAVAILABLE;
  g_set_error (error, CURB_ERROR, code, "Vendure answered %u %s", status, soup_message_get_reason_phrase (msg));
  return FALSE;
}

static JsonObject *
parse_answer (GBytes  *body,
              GError **error)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  JsonNode *root;

  if (!json_parser_load_from_data (parser, g_bytes_get_data (body, NULL), g_bytes_get_size (body), NULL)
      || (root = json_parser_get_root (parser)) == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error_literal (error, CURB_ERROR, CURB_ERROR_PROTOCOL, "Vendure sent an answer that is not a JSON object");
      return NULL;
    }
  return json_object_ref (json_node_get_object (root));
}

static JsonObject *
get_object (JsonObject *object,
            const char *name)
{
  JsonNode *node = object ? json_object_get_member (object, name) : NULL;

  return node && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

static CurbError
error_code_for_graphql (const char *code)
{
  if (g_strcmp0 (code, "FORBIDDEN") == 0)
    return CURB_ERROR_FORBIDDEN;
  if (g_strcmp0 (code, "UNAUTHORIZED") == 0)
    return CURB_ERROR_UNAUTHORIZED;
  if (g_strcmp0 (code, "ENTITY_NOT_FOUND") == 0 || g_strcmp0 (code, "BAD_USER_INPUT") == 0
      || g_strcmp0 (code, "USER_INPUT_ERROR") == 0 || g_strcmp0 (code, "ILLEGAL_OPERATION") == 0)
    return CURB_ERROR_INVALID;
  if (g_strcmp0 (code, "INTERNAL_SERVER_ERROR") == 0)
    return CURB_ERROR_UNAVAILABLE;
  return CURB_ERROR_PROTOCOL;
}

/* The answer's "data", or the first of its "errors" as a GError. */
static JsonObject *
take_data (JsonObject  *answer,
           GError     **error)
{
  JsonNode *errors = json_object_get_member (answer, "errors");
  JsonNode *data = json_object_get_member (answer, "data");

  if (errors != NULL && JSON_NODE_HOLDS_ARRAY (errors) && json_array_get_length (json_node_get_array (errors)) > 0)
    {
      JsonNode *first = json_array_get_element (json_node_get_array (errors), 0);
      JsonObject *object = JSON_NODE_HOLDS_OBJECT (first) ? json_node_get_object (first) : NULL;
      JsonObject *extensions = object ? get_object (object, "extensions") : NULL;
      const char *code = extensions ? json_object_get_string_member_with_default (extensions, "code", NULL) : NULL;
      const char *message = object ? json_object_get_string_member_with_default (object, "message", "") : "";

      g_set_error (error, CURB_ERROR, error_code_for_graphql (code), "Vendure: %s (%s)", message,
                   code ? code : "no code");
      return NULL;
    }
  if (data == NULL || !JSON_NODE_HOLDS_OBJECT (data))
    {
      g_set_error_literal (error, CURB_ERROR, CURB_ERROR_PROTOCOL, "Vendure sent an answer without data");
      return NULL;
    }
  return json_object_ref (json_node_get_object (data));
}

static void
ensure_session (CurbVendureClient *self)
{
  if (self->session != NULL)
    return;
  self->session = soup_session_new_with_options ("timeout", self->timeout_s,
                                                 "idle-timeout", 60,
                                                 "user-agent", "curbside-hub/" CURB_VERSION,
                                                 NULL);
}

/* One POST; *@out_msg keeps the message for its headers. */
static JsonObject *
post (CurbVendureClient  *self,
      const char         *query,
      JsonObject         *variables,
      GCancellable       *cancellable,
      SoupMessage       **out_msg,
      gint64             *out_retry_after_ms,
      GError            **error)
{
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(JsonObject) answer = NULL;

  ensure_session (self);
  msg = new_message (self, query, variables);
  body = soup_session_send_and_read (self->session, msg, cancellable, &local_error);
  if (body == NULL)
    {
      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_propagate_error (error, g_steal_pointer (&local_error));
      else
        g_set_error (error, CURB_ERROR, CURB_ERROR_UNAVAILABLE, "cannot reach Vendure at %s: %s",
                     self->url, local_error->message);
      return NULL;
    }
  note_server_time (self, msg);
  if (soup_message_get_status (msg) == SOUP_STATUS_BAD_REQUEST && (answer = parse_answer (body, NULL)) != NULL)
    {
      g_autoptr(JsonObject) data = take_data (answer, &local_error);

      g_set_error (error, CURB_ERROR, CURB_ERROR_PROTOCOL, "Vendure refused the request: %s",
                   data == NULL && local_error != NULL ? local_error->message : "400 Bad Request");
      return NULL;
    }
  if (!check_status (msg, out_retry_after_ms, error) || (answer = parse_answer (body, error)) == NULL)
    return NULL;
  if (out_msg != NULL)
    *out_msg = g_steal_pointer (&msg);
  return take_data (answer, error);
}

static gboolean
log_in (CurbVendureClient  *self,
        GCancellable       *cancellable,
        gint64             *out_retry_after_ms,
        GError            **error)
{
  const char *colon = strchr (self->credential, ':');
  g_autofree char *username = colon ? g_strndup (self->credential, colon - self->credential) : NULL;
  g_autoptr(JsonObject) variables = json_object_new ();
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(JsonObject) data = NULL;
  JsonObject *login;
  const char *token;

  if (username == NULL)
    {
      g_set_error_literal (error, CURB_ERROR, CURB_ERROR_CONFIG,
                           "the Vendure credential must be “username:password”");
      return FALSE;
    }
  json_object_set_string_member (variables, "u", username);
  json_object_set_string_member (variables, "p", colon + 1);
  g_clear_pointer (&self->session_token, g_free);
  data = post (self, LOGIN_QUERY, variables, cancellable, &msg, out_retry_after_ms, error);
  if (data == NULL)
    return FALSE;
  login = get_object (data, "login");
  token = soup_message_headers_get_one (soup_message_get_response_headers (msg), "vendure-auth-token");
  if (login == NULL || json_object_has_member (login, "errorCode") || token == NULL)
    {
      g_set_error (error, CURB_ERROR, CURB_ERROR_UNAUTHORIZED, "Vendure refused the login of “%s”%s%s",
                   username, login ? ": " : "",
                   login ? json_object_get_string_member_with_default (login, "message", "") : "");
      return FALSE;
    }
  self->session_token = g_strdup (token);
  g_atomic_int_inc (&self->logins);
  return TRUE;
}

JsonObject *
curb_vendure_client_query (CurbVendureClient  *self,
                           const char         *query,
                           JsonObject         *variables,
                           GCancellable       *cancellable,
                           gint64             *out_retry_after_ms,
                           GError            **error)
{
  g_autoptr(GError) local_error = NULL;
  gint64 retry_after_ms = -1;
  JsonObject *data;

  g_return_val_if_fail (CURB_IS_VENDURE_CLIENT (self), NULL);
  g_return_val_if_fail (query != NULL, NULL);

  if (out_retry_after_ms != NULL)
    *out_retry_after_ms = -1;
  if (self->auth == CURB_VENDURE_AUTH_PASSWORD && self->session_token == NULL
      && !log_in (self, cancellable, out_retry_after_ms ? out_retry_after_ms : &retry_after_ms, error))
    return NULL;
  data = post (self, query, variables, cancellable, NULL, &retry_after_ms, &local_error);
  if (data == NULL && self->auth == CURB_VENDURE_AUTH_PASSWORD
      && g_error_matches (local_error, CURB_ERROR, CURB_ERROR_FORBIDDEN))
    {
      g_clear_error (&local_error);
      if (!log_in (self, cancellable, &retry_after_ms, &local_error))
        data = NULL;
      else
        data = post (self, query, variables, cancellable, NULL, &retry_after_ms, &local_error);
    }
  if (out_retry_after_ms != NULL)
    *out_retry_after_ms = retry_after_ms;
  if (data == NULL)
    g_propagate_error (error, g_steal_pointer (&local_error));
  return data;
}

gint64
curb_vendure_client_get_server_time (CurbVendureClient *self)
{
  g_return_val_if_fail (CURB_IS_VENDURE_CLIENT (self), -1);

  return self->server_time_ms;
}

const char *
curb_vendure_client_get_url (CurbVendureClient *self)
{
  g_return_val_if_fail (CURB_IS_VENDURE_CLIENT (self), NULL);

  return self->url;
}

guint
curb_vendure_client_get_logins (CurbVendureClient *self)
{
  g_return_val_if_fail (CURB_IS_VENDURE_CLIENT (self), 0);

  return g_atomic_int_get (&self->logins);
}

static void
curb_vendure_client_finalize (GObject *object)
{
  CurbVendureClient *self = CURB_VENDURE_CLIENT (object);

  g_clear_object (&self->session);
  g_free (self->url);
  if (self->credential != NULL)
    memset (self->credential, 0, strlen (self->credential));
  g_free (self->credential);
  g_free (self->session_token);
  G_OBJECT_CLASS (curb_vendure_client_parent_class)->finalize (object);
}

static void
curb_vendure_client_class_init (CurbVendureClientClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = curb_vendure_client_finalize;
}

static void
curb_vendure_client_init (CurbVendureClient *self)
{
  self->server_time_ms = -1;
}

CurbVendureClient *
curb_vendure_client_new (const char      *admin_api_url,
                         CurbVendureAuth  auth,
                         const char      *credential,
                         guint            timeout_s)
{
  CurbVendureClient *self;

  g_return_val_if_fail (admin_api_url != NULL, NULL);
  g_return_val_if_fail (credential != NULL, NULL);

  self = g_object_new (CURB_TYPE_VENDURE_CLIENT, NULL);
  self->url = g_strdup (admin_api_url);
  self->auth = auth;
  self->credential = g_strdup (credential);
  self->timeout_s = timeout_s > 0 ? timeout_s : 10;
  return self;
}
