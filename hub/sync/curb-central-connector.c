#include <string.h>
#include <libsoup/soup.h>

#include "curb-backoff.h"
#include "curb-central-connector.h"
#include "curb-error.h"
#include "curb-util.h"

/* The connector for the Curbside central protocol (docs/central-protocol.md)
 * over libsoup 3, on the caller's main context. */

#define MAX_CURSOR_LEN 1024

struct _CurbCentralConnector
{
  GObject      parent_instance;

  SoupSession *session;
  char        *base_url;
  char        *store_id;
  char        *api_key;
  char        *store_path;   /* /v1/stores/{escaped store id} */
};

typedef struct
{
  SoupMessage *msg;
  gint64       retry_after_ms;
} Exchange;

enum {
  PROP_0,
  PROP_BASE_URL,
  PROP_STORE_ID,
  PROP_TIMEOUT,
  N_PROPS
};

static GParamSpec *props[N_PROPS];

static void curb_central_connector_iface_init (CurbConnectorInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (CurbCentralConnector, curb_central_connector, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (CURB_TYPE_CONNECTOR,
                                                      curb_central_connector_iface_init))

static void
exchange_free (gpointer data)
{
  Exchange *exchange = data;

  g_clear_object (&exchange->msg);
  g_free (exchange);
}

/* Talking to central */

static SoupMessage *
new_message (CurbCentralConnector *self,
             const char           *method,
             const char           *path_and_query)
{
  g_autofree char *url = g_strconcat (self->base_url, path_and_query, NULL);
  g_autofree char *auth = g_strdup_printf ("Bearer %s", self->api_key);
  SoupMessage *msg = soup_message_new (method, url);

  g_assert (msg != NULL);
  /* the API key must never follow a redirect somewhere else */
  soup_message_add_flags (msg, SOUP_MESSAGE_NO_REDIRECT);
  soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", auth);
  soup_message_headers_replace (soup_message_get_request_headers (msg), "Accept", "application/json");
  return msg;
}

static GTask *
start_exchange (CurbCentralConnector *self,
                SoupMessage          *msg,
                GCancellable         *cancellable,
                GAsyncReadyCallback   callback,
                gpointer              user_data,
                gpointer              source_tag)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  Exchange *exchange = g_new0 (Exchange, 1);

  exchange->msg = msg;
  exchange->retry_after_ms = -1;
  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, exchange, exchange_free);
  return task;
}

/* "unknown_order: no order …" from central's JSON error body, or NULL. */
static char *
describe_error_body (GBytes *body)
{
  g_autoptr(JsonNode) root = NULL;
  JsonObject *object;

  if (body == NULL || g_bytes_get_size (body) == 0)
    return NULL;
  root = json_from_string (g_bytes_get_data (body, NULL), NULL);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return NULL;
  object = json_node_get_object (root);
  return g_strdup_printf ("%s: %s",
                          json_object_get_string_member_with_default (object, "error", "error"),
                          json_object_get_string_member_with_default (object, "message", ""));
}

static CurbError
error_code_for_status (guint status)
{
  switch (status)
    {
    case SOUP_STATUS_UNAUTHORIZED: return CURB_ERROR_UNAUTHORIZED;
    case SOUP_STATUS_FORBIDDEN: return CURB_ERROR_FORBIDDEN;
    case SOUP_STATUS_NOT_FOUND: return CURB_ERROR_CONFIG;
    case SOUP_STATUS_CONFLICT: return CURB_ERROR_CONFLICT;
    case 429: return CURB_ERROR_RATE_LIMITED;
    default:
      if (status >= 400 && status < 500)
        return CURB_ERROR_INVALID;
      return CURB_ERROR_UNAVAILABLE;
    }
}

static void
set_status_error (Exchange  *exchange,
                  GBytes    *body,
                  GError   **error)
{
  SoupMessageHeaders *headers = soup_message_get_response_headers (exchange->msg);
  guint status = soup_message_get_status (exchange->msg);
  g_autofree char *detail = describe_error_body (body);

  exchange->retry_after_ms = curb_backoff_parse_retry_after (
      soup_message_headers_get_one (headers, "Retry-After"), curb_now_ms ());
  g_set_error (error, CURB_ERROR, error_code_for_status (status), "central answered %u %s",
               status, detail ? detail : soup_message_get_reason_phrase (exchange->msg));
}

/* The body of a 2xx answer, or an error that says why not. */
static GBytes *
finish_exchange (CurbCentralConnector  *self,
                 GTask                 *task,
                 GAsyncResult          *result,
                 GError               **error)
{
  Exchange *exchange = g_task_get_task_data (task);
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GBytes) body = NULL;
  guint status;

  body = soup_session_send_and_read_finish (self->session, result, &local_error);
  if (body == NULL)
    {
      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_propagate_error (error, g_steal_pointer (&local_error));
      else
        g_set_error (error, CURB_ERROR, CURB_ERROR_UNAVAILABLE, "cannot reach central at %s: %s",
                     self->base_url, local_error->message);
      return NULL;
    }
  status = soup_message_get_status (exchange->msg);
  if (!SOUP_STATUS_IS_SUCCESSFUL (status))
    {
      set_status_error (exchange, body, error);
      return NULL;
    }
  return g_steal_pointer (&body);
}

static JsonObject *
parse_object (GBytes      *body,
              const char  *what,
              GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autoptr(GError) parse_error = NULL;
  JsonNode *root;

  if (!json_parser_load_from_data (parser, g_bytes_get_data (body, NULL),
                                   g_bytes_get_size (body), &parse_error))
    {
      g_set_error (error, CURB_ERROR, CURB_ERROR_PROTOCOL,
                   "central sent %s that is not JSON: %s", what, parse_error->message);
      return NULL;
    }
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error (error, CURB_ERROR, CURB_ERROR_PROTOCOL, "central sent %s that is not a JSON object", what);
      return NULL;
    }
  return json_object_ref (json_node_get_object (root));
}

static JsonNode *
member_of_type (JsonObject   *object,
                const char   *name,
                JsonNodeType  type)
{
  JsonNode *node = json_object_get_member (object, name);

  return node != NULL && JSON_NODE_TYPE (node) == type ? node : NULL;
}

static gboolean
member_is_value_of (JsonObject *object,
                    const char *name,
                    GType       value_type)
{
  JsonNode *node = member_of_type (object, name, JSON_NODE_VALUE);

  return node != NULL && json_node_get_value_type (node) == value_type;
}

static CurbConnectorPage *
page_from_json (JsonObject  *root,
                GError     **error)
{
  g_autoptr(CurbConnectorPage) page = curb_connector_page_new ();
  JsonNode *orders = member_of_type (root, "orders", JSON_NODE_ARRAY);
  JsonArray *array = orders ? json_node_get_array (orders) : NULL;

  if (array == NULL || !member_is_value_of (root, "next_cursor", G_TYPE_STRING)
      || !member_is_value_of (root, "has_more", G_TYPE_BOOLEAN)
      || strlen (json_object_get_string_member (root, "next_cursor")) > MAX_CURSOR_LEN)
    {
      g_set_error (error, CURB_ERROR, CURB_ERROR_PROTOCOL,
                   "central sent a page without “orders” (array), “next_cursor” (string) "
                   "and “has_more” (boolean)");
      return NULL;
    }
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *order = json_array_get_element (array, i);

      if (!JSON_NODE_HOLDS_OBJECT (order))
        {
          g_set_error (error, CURB_ERROR, CURB_ERROR_PROTOCOL,
                       "central sent a page whose order %u is not a JSON object", i);
          return NULL;
        }
      g_ptr_array_add (page->orders, json_object_ref (json_node_get_object (order)));
    }
  page->next_cursor = g_strdup (json_object_get_string_member (root, "next_cursor"));
  page->has_more = json_object_get_boolean_member (root, "has_more");
  return g_steal_pointer (&page);
}

/* pull */

static void
on_pull_ready (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  CurbCentralConnector *self = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = finish_exchange (self, task, result, &error);
  g_autoptr(JsonObject) root = NULL;
  CurbConnectorPage *page = NULL;

  if (body != NULL)
    root = parse_object (body, "a page", &error);
  if (root != NULL)
    page = page_from_json (root, &error);
  if (page == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, page, (GDestroyNotify) curb_connector_page_free);
}

static void
curb_central_connector_pull_async (CurbConnector       *connector,
                                   const char          *cursor,
                                   guint                limit,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  CurbCentralConnector *self = CURB_CENTRAL_CONNECTOR (connector);
  g_autofree char *escaped = g_uri_escape_string (cursor ? cursor : "", NULL, FALSE);
  g_autofree char *path = g_strdup_printf ("%s/orders?cursor=%s&limit=%u", self->store_path, escaped, limit);
  SoupMessage *msg = new_message (self, SOUP_METHOD_GET, path);
  GTask *task = start_exchange (self, msg, cancellable, callback, user_data,
                                curb_central_connector_pull_async);

  soup_session_send_and_read_async (self->session, msg, G_PRIORITY_DEFAULT, cancellable,
                                    on_pull_ready, task);
}

static CurbConnectorPage *
curb_central_connector_pull_finish (CurbConnector  *connector,
                                    GAsyncResult   *result,
                                    gint64         *out_retry_after_ms,
                                    GError        **error)
{
  Exchange *exchange = g_task_get_task_data (G_TASK (result));

  g_return_val_if_fail (g_task_is_valid (result, connector), NULL);

  *out_retry_after_ms = exchange->retry_after_ms;
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* push */

static gboolean
receipt_from_json (JsonObject  *root,
                   gboolean    *out_duplicate,
                   GError     **error)
{
  if (!member_is_value_of (root, "accepted", G_TYPE_BOOLEAN)
      || !json_object_get_boolean_member (root, "accepted"))
    {
      g_set_error (error, CURB_ERROR, CURB_ERROR_PROTOCOL,
                   "central answered an event without “accepted”: true");
      return FALSE;
    }
  *out_duplicate = json_object_get_boolean_member_with_default (root, "duplicate", FALSE);
  return TRUE;
}

static void
on_push_ready (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  CurbCentralConnector *self = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = finish_exchange (self, task, result, &error);
  g_autoptr(JsonObject) root = NULL;
  gboolean duplicate = FALSE;

  if (body != NULL)
    root = parse_object (body, "an event receipt", &error);
  if (root != NULL && receipt_from_json (root, &duplicate, &error))
    g_task_return_int (task, duplicate);
  else
    g_task_return_error (task, g_steal_pointer (&error));
}

static void
curb_central_connector_push_event_async (CurbConnector       *connector,
                                         JsonObject          *event,
                                         const char          *idempotency_key,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data)
{
  CurbCentralConnector *self = CURB_CENTRAL_CONNECTOR (connector);
  g_autofree char *path = g_strconcat (self->store_path, "/events", NULL);
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);
  g_autoptr(GBytes) body = NULL;
  SoupMessage *msg = new_message (self, SOUP_METHOD_POST, path);
  GTask *task = start_exchange (self, msg, cancellable, callback, user_data,
                                curb_central_connector_push_event_async);
  char *text;

  json_node_set_object (node, event);
  text = json_to_string (node, FALSE);
  body = g_bytes_new_take (text, strlen (text));
  soup_message_headers_replace (soup_message_get_request_headers (msg), "Idempotency-Key", idempotency_key);
  soup_message_set_request_body_from_bytes (msg, "application/json", body);
  soup_session_send_and_read_async (self->session, msg, G_PRIORITY_DEFAULT, cancellable,
                                    on_push_ready, task);
}

static gboolean
curb_central_connector_push_event_finish (CurbConnector  *connector,
                                          GAsyncResult   *result,
                                          gboolean       *out_duplicate,
                                          gint64         *out_retry_after_ms,
                                          GError        **error)
{
  Exchange *exchange = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) local_error = NULL;
  gssize duplicate;

  g_return_val_if_fail (g_task_is_valid (result, connector), FALSE);

  *out_retry_after_ms = exchange->retry_after_ms;
  duplicate = g_task_propagate_int (G_TASK (result), &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  *out_duplicate = duplicate != 0;
  return TRUE;
}

/* keys */

static JsonArray *
keys_from_json (JsonObject  *root,
                GError     **error)
{
  JsonNode *keys = member_of_type (root, "keys", JSON_NODE_ARRAY);
  JsonArray *array = keys ? json_node_get_array (keys) : NULL;

  for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
    {
      JsonNode *key = json_array_get_element (array, i);

      if (!JSON_NODE_HOLDS_OBJECT (key)
          || !member_is_value_of (json_node_get_object (key), "kid", G_TYPE_STRING)
          || !member_is_value_of (json_node_get_object (key), "public_key", G_TYPE_STRING))
        array = NULL;
    }
  if (array == NULL)
    {
      g_set_error (error, CURB_ERROR, CURB_ERROR_PROTOCOL,
                   "central sent keys that are not [{\"kid\": …, \"public_key\": …}]");
      return NULL;
    }
  return json_array_ref (array);
}

static void
on_keys_ready (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  CurbCentralConnector *self = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = finish_exchange (self, task, result, &error);
  g_autoptr(JsonObject) root = NULL;
  JsonArray *keys = NULL;

  if (body != NULL)
    root = parse_object (body, "keys", &error);
  if (root != NULL)
    keys = keys_from_json (root, &error);
  if (keys == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, keys, (GDestroyNotify) json_array_unref);
}

static void
curb_central_connector_fetch_keys_async (CurbConnector       *connector,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data)
{
  CurbCentralConnector *self = CURB_CENTRAL_CONNECTOR (connector);
  SoupMessage *msg = new_message (self, SOUP_METHOD_GET, "/v1/keys");
  GTask *task = start_exchange (self, msg, cancellable, callback, user_data,
                                curb_central_connector_fetch_keys_async);

  soup_session_send_and_read_async (self->session, msg, G_PRIORITY_DEFAULT, cancellable,
                                    on_keys_ready, task);
}

static JsonArray *
curb_central_connector_fetch_keys_finish (CurbConnector  *connector,
                                          GAsyncResult   *result,
                                          GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, connector), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* name */

static const char *
curb_central_connector_get_name (CurbConnector *connector)
{
  return "curbside-central";
}

static char *
curb_central_connector_get_description (CurbConnector *connector)
{
  CurbCentralConnector *self = CURB_CENTRAL_CONNECTOR (connector);

  return g_strdup_printf ("Curbside central protocol v1 at %s, store %s", self->base_url, self->store_id);
}

/* GObject */

static void
curb_central_connector_iface_init (CurbConnectorInterface *iface)
{
  iface->get_name = curb_central_connector_get_name;
  iface->get_description = curb_central_connector_get_description;
  iface->pull_async = curb_central_connector_pull_async;
  iface->pull_finish = curb_central_connector_pull_finish;
  iface->push_event_async = curb_central_connector_push_event_async;
  iface->push_event_finish = curb_central_connector_push_event_finish;
  iface->fetch_keys_async = curb_central_connector_fetch_keys_async;
  iface->fetch_keys_finish = curb_central_connector_fetch_keys_finish;
}

static void
curb_central_connector_dispose (GObject *object)
{
  CurbCentralConnector *self = CURB_CENTRAL_CONNECTOR (object);

  if (self->session != NULL)
    soup_session_abort (self->session);
  g_clear_object (&self->session);
  G_OBJECT_CLASS (curb_central_connector_parent_class)->dispose (object);
}

static void
curb_central_connector_finalize (GObject *object)
{
  CurbCentralConnector *self = CURB_CENTRAL_CONNECTOR (object);

  g_free (self->base_url);
  g_free (self->store_id);
  g_free (self->store_path);
  if (self->api_key != NULL)
    memset (self->api_key, 0, strlen (self->api_key));
  g_free (self->api_key);
  G_OBJECT_CLASS (curb_central_connector_parent_class)->finalize (object);
}

static void
curb_central_connector_get_property (GObject    *object,
                                     guint       prop_id,
                                     GValue     *value,
                                     GParamSpec *pspec)
{
  CurbCentralConnector *self = CURB_CENTRAL_CONNECTOR (object);

  switch (prop_id)
    {
    case PROP_BASE_URL:
      g_value_set_string (value, self->base_url);
      break;
    case PROP_STORE_ID:
      g_value_set_string (value, self->store_id);
      break;
    case PROP_TIMEOUT:
      g_value_set_uint (value, curb_central_connector_get_timeout (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
curb_central_connector_set_property (GObject      *object,
                                     guint         prop_id,
                                     const GValue *value,
                                     GParamSpec   *pspec)
{
  CurbCentralConnector *self = CURB_CENTRAL_CONNECTOR (object);

  switch (prop_id)
    {
    case PROP_TIMEOUT:
      curb_central_connector_set_timeout (self, g_value_get_uint (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
curb_central_connector_class_init (CurbCentralConnectorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = curb_central_connector_dispose;
  object_class->finalize = curb_central_connector_finalize;
  object_class->get_property = curb_central_connector_get_property;
  object_class->set_property = curb_central_connector_set_property;

  props[PROP_BASE_URL] =
    g_param_spec_string ("base-url", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  props[PROP_STORE_ID] =
    g_param_spec_string ("store-id", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  props[PROP_TIMEOUT] =
    g_param_spec_uint ("timeout", NULL, NULL, 1, 600, CURB_CENTRAL_CONNECTOR_DEFAULT_TIMEOUT_S,
                       G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, props);
}

static void
curb_central_connector_init (CurbCentralConnector *self)
{
  self->session = soup_session_new_with_options ("timeout", CURB_CENTRAL_CONNECTOR_DEFAULT_TIMEOUT_S,
                                                 "idle-timeout", 60,
                                                 "user-agent", "curbside-hub/" CURB_VERSION,
                                                 NULL);
}

/* Public API */

static gboolean
check_base_url (const char  *base_url,
                GError     **error)
{
  g_autoptr(GUri) uri = g_uri_parse (base_url ? base_url : "", G_URI_FLAGS_NONE, NULL);
  const char *scheme = uri ? g_uri_get_scheme (uri) : NULL;
  const char *host = uri ? g_uri_get_host (uri) : NULL;

  if (uri == NULL || (g_strcmp0 (scheme, "http") != 0 && g_strcmp0 (scheme, "https") != 0)
      || host == NULL || *host == '\0' || g_uri_get_query (uri) != NULL)
    {
      g_set_error (error, CURB_ERROR, CURB_ERROR_CONFIG,
                   "the central URL must be http(s)://host[:port][/path], not “%s”",
                   base_url ? base_url : "");
      return FALSE;
    }
  return TRUE;
}

/**
 * curb_central_connector_new:
 * @base_url: central's root, e.g. "https://central.example.com/curbside";
 *   a trailing "/v1" is taken as the protocol's and removed
 * @store_id: this store's id at central
 * @api_key: the store's API key
 *
 * Returns: (transfer full): a connector, or %NULL with %CURB_ERROR_CONFIG
 */
CurbCentralConnector *
curb_central_connector_new (const char  *base_url,
                            const char  *store_id,
                            const char  *api_key,
                            GError     **error)
{
  CurbCentralConnector *self;
  g_autofree char *escaped = NULL;

  if (!check_base_url (base_url, error))
    return NULL;
  if (store_id == NULL || *store_id == '\0' || api_key == NULL || *api_key == '\0')
    {
      g_set_error (error, CURB_ERROR, CURB_ERROR_CONFIG, "a store id and an API key are required");
      return NULL;
    }

  self = g_object_new (CURB_TYPE_CENTRAL_CONNECTOR, NULL);
  self->base_url = g_strdup (base_url);
  while (g_str_has_suffix (self->base_url, "/"))
    self->base_url[strlen (self->base_url) - 1] = '\0';
  if (g_str_has_suffix (self->base_url, "/v1"))
    self->base_url[strlen (self->base_url) - 3] = '\0';
  self->store_id = g_strdup (store_id);
  self->api_key = g_strdup (api_key);
  escaped = g_uri_escape_string (store_id, NULL, FALSE);
  self->store_path = g_strconcat ("/v1/stores/", escaped, NULL);
  return self;
}

const char *
curb_central_connector_get_base_url (CurbCentralConnector *self)
{
  g_return_val_if_fail (CURB_IS_CENTRAL_CONNECTOR (self), NULL);

  return self->base_url;
}

const char *
curb_central_connector_get_store_id (CurbCentralConnector *self)
{
  g_return_val_if_fail (CURB_IS_CENTRAL_CONNECTOR (self), NULL);

  return self->store_id;
}

guint
curb_central_connector_get_timeout (CurbCentralConnector *self)
{
  g_return_val_if_fail (CURB_IS_CENTRAL_CONNECTOR (self), 0);

  return soup_session_get_timeout (self->session);
}

/**
 * curb_central_connector_set_timeout:
 * @timeout_s: give up on a request after this many seconds of silence
 *
 * Short timeouts make a lost central visible quickly (the hub must show
 * offline within 40 s).
 */
void
curb_central_connector_set_timeout (CurbCentralConnector *self,
                                    guint                 timeout_s)
{
  g_return_if_fail (CURB_IS_CENTRAL_CONNECTOR (self));
  g_return_if_fail (timeout_s > 0);

  if (curb_central_connector_get_timeout (self) == timeout_s)
    return;
  soup_session_set_timeout (self->session, timeout_s);
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_TIMEOUT]);
}
