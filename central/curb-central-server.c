#include <string.h>

#include "curbside-core.h"
#include "curb-central-pickup.h"
#include "curb-central-receipt.h"
#include "curb-central-server.h"

/* The reference central: docs/central-protocol.md as a SoupServer on
 * 127.0.0.1, plus the /admin API the tests and the demo drive it with. */

#define MAX_BODY_BYTES (64 * 1024)
#define DEFAULT_LIMIT 100
#define MAX_LIMIT 1000

struct _CurbCentralServer
{
  GObject            parent_instance;

  SoupServer        *server;
  CurbCentralDb     *db;
  CurbCentralFaults *faults;
  JsonArray         *keys;
  char              *admin_key;
  CurbCentralTokenFunc token_func;
  gpointer           token_data;
  guint              port;
  guint64            requests[3];   /* per CurbCentralEndpoint */
  guint64            pushed_new;
  guint64            pushed_duplicate;
  GPtrArray         *delayed;       /* GSource of answers held back */
  char              *hint_url;      /* a hub's /v1/hints, told of order changes */
  SoupSession       *hint_session;
};

G_DEFINE_TYPE (CurbCentralServer, curb_central_server, G_TYPE_OBJECT)

static void handle_announce (CurbCentralServer *self, SoupServerMessage *msg);

typedef struct
{
  CurbCentralServer *server;
  SoupServerMessage *msg;
  GSource           *source;
} DelayedAnswer;

/* Answers */

static void
respond_json (SoupServerMessage *msg,
              guint              status,
              char              *body)
{
  soup_server_message_set_status (msg, status, status == 429 ? "Too Many Requests" : NULL);
  soup_message_body_truncate (soup_server_message_get_response_body (msg));
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_TAKE, body, strlen (body));
}

static void
respond_object (SoupServerMessage *msg,
                guint              status,
                JsonObject        *object)
{
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);

  json_node_set_object (node, object);
  respond_json (msg, status, json_to_string (node, FALSE));
}

static void
respond_error (SoupServerMessage *msg,
               guint              status,
               const char        *reason,
               const char        *message)
{
  g_autoptr(JsonObject) body = json_object_new ();

  json_object_set_string_member (body, "error", reason);
  json_object_set_string_member (body, "message", message);
  respond_object (msg, status, body);
}

static void
respond_retry_after (SoupServerMessage *msg,
                     guint              status,
                     guint              seconds)
{
  g_autofree char *value = g_strdup_printf ("%u", seconds);
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);

  soup_message_headers_replace (headers, "Retry-After", value);
  respond_error (msg, status, status == 429 ? "rate_limited" : "unavailable",
                 status == 429 ? "too many requests, slow down" : "central is unavailable");
}

static void
respond_central_error (SoupServerMessage *msg,
                       const GError      *error)
{
  static const struct { guint status; const char *reason; } map[] = {
    [CURB_CENTRAL_ERROR_INVALID] = { 400, "invalid_event" },
    [CURB_CENTRAL_ERROR_UNKNOWN_STORE] = { 404, "not_found" },
    [CURB_CENTRAL_ERROR_UNKNOWN_ORDER] = { 422, "unknown_order" },
    [CURB_CENTRAL_ERROR_UNKNOWN_KIND] = { 422, "unknown_kind" },
    [CURB_CENTRAL_ERROR_NOT_STORE_FACT] = { 422, "not_store_fact" },
    [CURB_CENTRAL_ERROR_KEY_REUSED] = { 409, "idempotency_key_reused" },
    [CURB_CENTRAL_ERROR_DATABASE] = { 500, "internal" },
  };

  if (error->domain == CURB_CENTRAL_ERROR && error->code >= 0 && (gsize) error->code < G_N_ELEMENTS (map))
    respond_error (msg, map[error->code].status, map[error->code].reason, error->message);
  else
    respond_error (msg, 500, "internal", error->message);
}

/* Faults that change an answer already computed */

static void
break_json (SoupServerMessage *msg,
            const char        *variant)
{
  SoupMessageBody *body = soup_server_message_get_response_body (msg);
  g_autoptr(GBytes) bytes = soup_message_body_flatten (body);
  gsize len = g_bytes_get_size (bytes);

  if (g_strcmp0 (variant, "not_json") == 0)
    respond_json (msg, 200, g_strdup ("<html>502 Bad Gateway</html>"));
  else if (g_strcmp0 (variant, "wrong_shape") == 0)
    respond_json (msg, 200, g_strdup ("{\"orders\": \"none\", \"accepted\": \"maybe\", \"keys\": 7}"));
  else
    respond_json (msg, 200, g_strndup (g_bytes_get_data (bytes, NULL), len / 2));
}

static void
delayed_answer_free (gpointer data)
{
  DelayedAnswer *answer = data;

  g_source_destroy (answer->source);
  g_source_unref (answer->source);
  g_object_unref (answer->msg);
  g_free (answer);
}

static gboolean
on_delay_elapsed (gpointer user_data)
{
  DelayedAnswer *answer = user_data;

  soup_server_message_unpause (answer->msg);
  g_ptr_array_remove_fast (answer->server->delayed, answer);
  return G_SOURCE_REMOVE;
}

static void
answer_later (CurbCentralServer *self,
              SoupServerMessage *msg,
              guint              delay_ms)
{
  DelayedAnswer *answer = g_new0 (DelayedAnswer, 1);

  answer->server = self;
  answer->msg = g_object_ref (msg);
  answer->source = g_timeout_source_new (delay_ms);
  g_source_set_callback (answer->source, on_delay_elapsed, answer, NULL);
  g_source_attach (answer->source, NULL);
  g_ptr_array_add (self->delayed, answer);
  soup_server_message_pause (msg);
}

static void
drop_connection (SoupServerMessage *msg)
{
  g_autoptr(GIOStream) stream = soup_server_message_steal_connection (msg);

  if (stream != NULL)
    g_io_stream_close (stream, NULL, NULL);
}

/* Applies the faults that act after processing. Takes @msg's answer as set. */
static void
finish_with_fault (CurbCentralServer *self,
                   SoupServerMessage *msg,
                   CurbCentralFault  *fault)
{
  if (fault == NULL)
    return;
  switch (fault->kind)
    {
    case CURB_CENTRAL_FAULT_DELAY:
      answer_later (self, msg, fault->delay_ms);
      break;
    case CURB_CENTRAL_FAULT_DROP:
      drop_connection (msg);
      break;
    case CURB_CENTRAL_FAULT_BROKEN_JSON:
      break_json (msg, fault->variant);
      break;
    case CURB_CENTRAL_FAULT_STATUS:
    case CURB_CENTRAL_FAULT_RATE_LIMIT:
    case CURB_CENTRAL_FAULT_UNAVAILABLE:
    case CURB_CENTRAL_FAULT_DUPLICATE_PAGE:
    default:
      break;
    }
}

/* Faults that replace processing. Returns TRUE when @msg was answered. */
static gboolean
refuse_with_fault (SoupServerMessage *msg,
                   CurbCentralFault  *fault)
{
  g_autofree char *message = NULL;

  if (fault == NULL)
    return FALSE;
  switch (fault->kind)
    {
    case CURB_CENTRAL_FAULT_STATUS:
      message = g_strdup_printf ("injected fault: status %u", fault->status);
      respond_error (msg, fault->status, fault->status >= 500 ? "internal" : "injected", message);
      return TRUE;
    case CURB_CENTRAL_FAULT_RATE_LIMIT:
      respond_retry_after (msg, 429, fault->retry_after_s);
      return TRUE;
    case CURB_CENTRAL_FAULT_UNAVAILABLE:
      respond_retry_after (msg, 503, fault->retry_after_s);
      return TRUE;
    case CURB_CENTRAL_FAULT_DELAY:
    case CURB_CENTRAL_FAULT_DROP:
    case CURB_CENTRAL_FAULT_DUPLICATE_PAGE:
    case CURB_CENTRAL_FAULT_BROKEN_JSON:
    default:
      return FALSE;
    }
}

/* Requests */

static const char *
bearer_token (SoupServerMessage *msg)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  const char *value = soup_message_headers_get_one (headers, "Authorization");

  if (value == NULL || g_ascii_strncasecmp (value, "Bearer ", 7) != 0)
    return NULL;
  return value + 7;
}

static JsonObject *
parse_body_object (SoupServerMessage  *msg,
                   GError            **error)
{
  SoupMessageBody *body = soup_server_message_get_request_body (msg);
  g_autoptr(GBytes) bytes = soup_message_body_flatten (body);
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonNode *root;

  if (!json_parser_load_from_data (parser, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), error))
    return NULL;
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error (error, CURB_CENTRAL_ERROR, CURB_CENTRAL_ERROR_INVALID, "the body is not a JSON object");
      return NULL;
    }
  return json_object_ref (json_node_get_object (root));
}

static gboolean
store_id_is_valid (const char *id)
{
  if (id == NULL || *id == '\0' || strlen (id) > 64)
    return FALSE;
  for (const char *p = id; *p; p++)
    if (!g_ascii_isalnum (*p) && *p != '-' && *p != '_' && *p != '.')
      return FALSE;
  return TRUE;
}

/* 401 without a known key, 403 with another store's key. */
static gboolean
authorize_store (CurbCentralServer *self,
                 SoupServerMessage *msg,
                 const char        *store_id)
{
  g_autofree char *key_store = curb_central_db_store_for_key (self->db, bearer_token (msg));

  if (key_store == NULL)
    {
      respond_error (msg, 401, "unauthorized", "a store API key is required (Authorization: Bearer …)");
      return FALSE;
    }
  if (g_strcmp0 (key_store, store_id) != 0)
    {
      respond_error (msg, 403, "forbidden", "this key belongs to another store");
      return FALSE;
    }
  return TRUE;
}

static gboolean
parse_cursor (const char *text,
              gint64     *out_change)
{
  guint64 value = 0;

  *out_change = 0;
  if (text == NULL || *text == '\0')
    return TRUE;
  if (text[0] != 'c' || !g_ascii_string_to_unsigned (text + 1, 10, 0, G_MAXINT64, &value, NULL))
    return FALSE;
  *out_change = (gint64) value;
  return TRUE;
}

static gboolean
parse_limit (const char *text,
             guint      *out_limit)
{
  guint64 value = DEFAULT_LIMIT;

  if (text != NULL && !g_ascii_string_to_unsigned (text, 10, 1, MAX_LIMIT, &value, NULL))
    return FALSE;
  *out_limit = (guint) value;
  return TRUE;
}

static char *
page_to_json (CurbCentralPage *page,
              gint64           cursor_change,
              gboolean         duplicate)
{
  GString *out = g_string_new ("{\"orders\":[");
  guint copies = duplicate ? 2 : 1;
  gboolean first = TRUE;

  for (guint copy = 0; copy < copies; copy++)
    for (guint i = 0; i < page->orders_json->len; i++)
      {
        if (!first)
          g_string_append_c (out, ',');
        g_string_append (out, g_ptr_array_index (page->orders_json, i));
        first = FALSE;
      }
  g_string_append_printf (out, "],\"next_cursor\":\"c%" G_GINT64_FORMAT "\",\"has_more\":%s}",
                          duplicate ? cursor_change : page->last_change,
                          page->has_more || duplicate ? "true" : "false");
  return g_string_free (out, FALSE);
}

static void
handle_pull (CurbCentralServer *self,
             SoupServerMessage *msg,
             const char        *store_id,
             GHashTable        *query,
             CurbCentralFault  *fault)
{
  g_autoptr(CurbCentralPage) page = NULL;
  g_autoptr(GError) error = NULL;
  gint64 cursor_change;
  guint limit;

  if (!parse_cursor (query ? g_hash_table_lookup (query, "cursor") : NULL, &cursor_change))
    {
      respond_error (msg, 400, "invalid_cursor", "the cursor was not issued by this server");
      return;
    }
  if (!parse_limit (query ? g_hash_table_lookup (query, "limit") : NULL, &limit))
    {
      respond_error (msg, 400, "invalid_limit", "limit is 1…1000");
      return;
    }

  page = curb_central_db_list_changes (self->db, store_id, cursor_change, limit, &error);
  if (page == NULL)
    {
      respond_central_error (msg, error);
      return;
    }
  respond_json (msg, 200, page_to_json (page, cursor_change,
                                        fault != NULL && fault->kind == CURB_CENTRAL_FAULT_DUPLICATE_PAGE));
}

static void
respond_receipt (CurbCentralServer  *self,
                 SoupServerMessage  *msg,
                 CurbCentralReceipt  receipt)
{
  g_autoptr(JsonObject) body = json_object_new ();
  gboolean duplicate = receipt == CURB_CENTRAL_RECEIPT_DUPLICATE;

  if (duplicate)
    self->pushed_duplicate++;
  else
    self->pushed_new++;
  json_object_set_boolean_member (body, "accepted", TRUE);
  json_object_set_boolean_member (body, "duplicate", duplicate);
  respond_object (msg, duplicate ? 200 : 201, body);
}

static void
handle_push (CurbCentralServer *self,
             SoupServerMessage *msg,
             const char        *store_id)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  const char *key = soup_message_headers_get_one (headers, "Idempotency-Key");
  g_autoptr(JsonObject) event = NULL;
  g_autoptr(GError) error = NULL;
  CurbCentralReceipt receipt;

  if (soup_server_message_get_request_body (msg)->length > MAX_BODY_BYTES)
    {
      respond_error (msg, 413, "too_large", "an event is at most 64 KiB");
      return;
    }
  if (key == NULL || *key == '\0')
    {
      respond_error (msg, 400, "missing_idempotency_key", "Idempotency-Key: <event id> is required");
      return;
    }
  event = parse_body_object (msg, &error);
  if (event == NULL)
    {
      respond_error (msg, 400, "invalid_json", error->message);
      return;
    }
  if (g_strcmp0 (json_object_get_string_member_with_default (event, "id", NULL), key) != 0)
    {
      respond_error (msg, 400, "idempotency_key_mismatch", "Idempotency-Key must equal the event id");
      return;
    }

  if (!curb_central_db_record_event (self->db, store_id, event, &receipt, &error))
    {
      respond_central_error (msg, error);
      return;
    }
  respond_receipt (self, msg, receipt);
}

static void
handle_keys (CurbCentralServer *self,
             SoupServerMessage *msg)
{
  g_autoptr(JsonObject) body = json_object_new ();

  json_object_set_array_member (body, "keys", json_array_ref (self->keys));
  respond_object (msg, 200, body);
}

/* Routes /v1/keys and /v1/stores/{store}/(orders|events) to @out_endpoint;
 * fills @out_store for store paths. */
static gboolean
route_protocol (const char           *path,
                const char           *method,
                CurbCentralEndpoint  *out_endpoint,
                char                **out_store)
{
  g_auto(GStrv) parts = g_strsplit (path, "/", -1);
  guint n = g_strv_length (parts);

  if (n == 3 && g_str_equal (parts[2], "keys") && g_str_equal (method, "GET"))
    {
      *out_endpoint = CURB_CENTRAL_ENDPOINT_KEYS;
      return TRUE;
    }
  if (n != 5 || !g_str_equal (parts[2], "stores") || !store_id_is_valid (parts[3]))
    return FALSE;
  if (g_str_equal (parts[4], "orders") && g_str_equal (method, "GET"))
    *out_endpoint = CURB_CENTRAL_ENDPOINT_PULL;
  else if (g_str_equal (parts[4], "events") && g_str_equal (method, "POST"))
    *out_endpoint = CURB_CENTRAL_ENDPOINT_PUSH;
  else
    return FALSE;
  *out_store = g_strdup (parts[3]);
  return TRUE;
}

static void
on_protocol_request (SoupServer        *server,
                     SoupServerMessage *msg,
                     const char        *path,
                     GHashTable        *query,
                     gpointer           user_data)
{
  CurbCentralServer *self = user_data;
  g_autoptr(CurbCentralFault) fault = NULL;
  g_autofree char *store_id = NULL;
  CurbCentralEndpoint endpoint;

  if (g_str_equal (path, "/v1/announce") && g_str_equal (soup_server_message_get_method (msg), "POST"))
    {
      handle_announce (self, msg);
      return;
    }
  if (!route_protocol (path, soup_server_message_get_method (msg), &endpoint, &store_id))
    {
      respond_error (msg, 404, "not_found", "no such resource in protocol v1");
      return;
    }
  self->requests[endpoint]++;
  if (store_id != NULL && !authorize_store (self, msg, store_id))
    return;

  fault = curb_central_faults_take (self->faults, endpoint);
  if (refuse_with_fault (msg, fault))
    return;
  if (endpoint == CURB_CENTRAL_ENDPOINT_PULL)
    handle_pull (self, msg, store_id, query, fault);
  else if (endpoint == CURB_CENTRAL_ENDPOINT_PUSH)
    handle_push (self, msg, store_id);
  else
    handle_keys (self, msg);
  finish_with_fault (self, msg, fault);
}

/* Change hints: a poke to a hub that pulls at once. They carry no order
 * data and the hub trusts none, so any certificate is accepted. */

static gboolean
on_hint_certificate (SoupMessage          *msg,
                     GTlsCertificate      *certificate,
                     GTlsCertificateFlags  errors,
                     gpointer              user_data)
{
  return TRUE;
}

static void
on_hint_sent (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GBytes) body = soup_session_send_and_read_finish (SOUP_SESSION (source), result, NULL);
}

static void
send_hint (CurbCentralServer *self,
           const char        *type,
           const char        *ref)
{
  g_autoptr(JsonObject) hint = json_object_new ();
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(GBytes) body = NULL;
  char *text;

  if (self->hint_url == NULL || (msg = soup_message_new (SOUP_METHOD_POST, self->hint_url)) == NULL)
    return;
  if (self->hint_session == NULL)
    self->hint_session = soup_session_new_with_options ("timeout", 2, NULL);
  json_object_set_string_member (hint, "type", type);
  json_object_set_string_member (hint, "code", ref);
  node = json_node_init_object (json_node_alloc (), hint);
  text = json_to_string (node, FALSE);
  body = g_bytes_new_take (text, strlen (text));
  soup_message_set_request_body_from_bytes (msg, "application/json", body);
  g_signal_connect (msg, "accept-certificate", G_CALLBACK (on_hint_certificate), NULL);
  soup_session_send_and_read_async (self->hint_session, msg, G_PRIORITY_DEFAULT, NULL, on_hint_sent, NULL);
}

/* "I'm on my way" (docs/central-protocol.md, "Announce"): the pickup token
 * alone authenticates it. */

static CurbKeyring *
issuer_keyring (CurbCentralServer *self)
{
  CurbKeyring *keyring = curb_keyring_new ();

  for (guint i = 0; i < json_array_get_length (self->keys); i++)
    {
      JsonObject *key = json_array_get_object_element (self->keys, i);

      curb_keyring_add_base64 (keyring, json_object_get_string_member_with_default (key, "kid", ""),
                               json_object_get_string_member_with_default (key, "public_key", ""), NULL);
    }
  return keyring;
}

static gboolean
announce (CurbCentralServer    *self,
          const char           *token,
          gint64                eta_minutes,
          CurbCentralAnnounce  *out_result,
          JsonObject          **out_order,
          GError              **error)
{
  g_autoptr(CurbKeyring) keyring = issuer_keyring (self);
  g_autofree char *store_id = NULL;

  if (!curb_central_pickup_announce (self->db, keyring, token, eta_minutes, curb_now_ms (), out_result, &store_id,
                                     out_order, error))
    return FALSE;
  if (*out_result == CURB_CENTRAL_ANNOUNCE_ACCEPTED)
    send_hint (self, "order.announced", json_object_get_string_member (*out_order, "ref"));
  return TRUE;
}

static guint
announce_status_for (const GError *error)
{
  if (g_error_matches (error, CURB_ERROR, CURB_ERROR_CANCELLED))
    return 409;
  if (g_error_matches (error, CURB_ERROR, CURB_ERROR_INVALID))
    return 400;
  if (error->domain == CURB_ERROR && error->code >= CURB_ERROR_TOKEN_MALFORMED
      && error->code <= CURB_ERROR_TOKEN_OTHER_STORE)
    return 422;
  return 500;
}

static void
handle_announce (CurbCentralServer *self,
                 SoupServerMessage *msg)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) body = parse_body_object (msg, &error);
  g_autoptr(JsonObject) order = NULL;
  g_autoptr(JsonObject) reply = json_object_new ();
  CurbCentralAnnounce result;
  JsonNode *eta = body != NULL ? json_object_get_member (body, "eta_minutes") : NULL;

  if (body == NULL || json_object_get_string_member_with_default (body, "token", NULL) == NULL || eta == NULL
      || !JSON_NODE_HOLDS_VALUE (eta) || json_node_get_value_type (eta) != G_TYPE_INT64)
    {
      respond_error (msg, 400, "invalid", "send {\"token\": \"…\", \"eta_minutes\": N}");
      return;
    }
  if (!announce (self, json_object_get_string_member (body, "token"), json_node_get_int (eta), &result, &order,
                 &error))
    {
      respond_error (msg, announce_status_for (error),
                     error->domain == CURB_ERROR ? curb_error_code_name (error->code) : "internal", error->message);
      return;
    }
  json_object_set_boolean_member (reply, "accepted", result == CURB_CENTRAL_ANNOUNCE_ACCEPTED);
  json_object_set_string_member (reply, "status", result == CURB_CENTRAL_ANNOUNCE_ACCEPTED ? "announced" : "ignored");
  json_object_set_string_member (reply, "ref", json_object_get_string_member (order, "ref"));
  if (json_object_has_member (order, "on_the_way"))
    json_object_set_member (reply, "on_the_way", json_node_copy (json_object_get_member (order, "on_the_way")));
  respond_object (msg, 200, reply);
}

/* The pickup message pages (demo): GET /pickup?t=TOKEN, POST /pickup/on-my-way */

static void
respond_html (SoupServerMessage *msg,
              guint              status,
              char              *html)
{
  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "text/html; charset=utf-8", SOUP_MEMORY_TAKE, html, strlen (html));
}

static void
pickup_page (CurbCentralServer *self,
             SoupServerMessage *msg,
             const char        *token)
{
  g_autoptr(CurbKeyring) keyring = issuer_keyring (self);
  g_autoptr(CurbTokenClaims) claims = curb_token_decode (token, NULL);
  g_autoptr(JsonObject) order = NULL;

  if (claims != NULL && curb_token_verify (keyring, token, claims->store_id, curb_now_ms () / 1000, NULL, NULL))
    order = curb_central_db_get_order (self->db, claims->store_id, claims->order_ref, NULL);
  if (order == NULL)
    respond_html (msg, 404, curb_central_pickup_answer_html ("We cannot find this pickup code",
                                                             "Please use the link in your latest order message."));
  else
    respond_html (msg, 200, curb_central_pickup_message_html (token, order));
}

static void
pickup_on_my_way (CurbCentralServer *self,
                  SoupServerMessage *msg)
{
  SoupMessageBody *body = soup_server_message_get_request_body (msg);
  g_autoptr(GBytes) bytes = soup_message_body_flatten (body);
  g_autofree char *text = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  g_autoptr(GHashTable) form = soup_form_decode (text);
  const char *token = g_hash_table_lookup (form, "t");
  const char *eta = g_hash_table_lookup (form, "eta");
  g_autoptr(JsonObject) order = NULL;
  g_autoptr(GError) error = NULL;
  CurbCentralAnnounce result;

  if (token == NULL || eta == NULL
      || !announce (self, token, g_ascii_strtoll (eta, NULL, 10), &result, &order, &error))
    respond_html (msg, 422, curb_central_pickup_answer_html ("We could not tell the store",
                                                             error != NULL && g_error_matches (error, CURB_ERROR, CURB_ERROR_CANCELLED)
                                                             ? "This order was cancelled. Please contact the store."
                                                             : "Please use the link in your latest order message."));
  else if (result == CURB_CENTRAL_ANNOUNCE_IGNORED)
    respond_html (msg, 200, curb_central_pickup_answer_html ("You are already checked in",
                                                             "Our team knows you are here."));
  else
    respond_html (msg, 200, curb_central_pickup_answer_html ("Thanks, see you soon",
                                                             "The store knows you are on your way and will have your order at the door."));
}

static void
on_pickup_request (SoupServer        *server,
                   SoupServerMessage *msg,
                   const char        *path,
                   GHashTable        *query,
                   gpointer           user_data)
{
  CurbCentralServer *self = user_data;
  const char *method = soup_server_message_get_method (msg);

  if (g_str_equal (path, "/pickup") && g_str_equal (method, "GET") && query != NULL
      && g_hash_table_lookup (query, "t") != NULL)
    pickup_page (self, msg, g_hash_table_lookup (query, "t"));
  else if (g_str_equal (path, "/pickup/on-my-way") && g_str_equal (method, "POST"))
    pickup_on_my_way (self, msg);
  else
    respond_html (msg, 404, curb_central_pickup_answer_html ("Not found", "No such page."));
}

/* The admin API (tests and demo only) */

static gboolean
authorize_admin (CurbCentralServer *self,
                 SoupServerMessage *msg)
{
  if (self->admin_key == NULL || g_strcmp0 (bearer_token (msg), self->admin_key) == 0)
    return TRUE;
  respond_error (msg, 401, "unauthorized", "the admin key is required");
  return FALSE;
}

static void
admin_put_order (CurbCentralServer *self,
                 SoupServerMessage *msg,
                 const char        *store_id,
                 const char        *ref,
                 gboolean           patch)
{
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(JsonObject) stored = NULL;
  g_autoptr(GError) error = NULL;

  body = parse_body_object (msg, &error);
  if (body == NULL)
    {
      respond_error (msg, 400, "invalid_json", error->message);
      return;
    }
  json_object_set_string_member (body, "ref", ref);
  if (patch)
    stored = curb_central_db_patch_order (self->db, store_id, ref, body, &error);
  else
    stored = curb_central_db_put_order (self->db, store_id, body, &error);
  if (stored == NULL)
    {
      respond_central_error (msg, error);
      return;
    }
  send_hint (self, "order.changed", ref);
  respond_object (msg, 200, stored);
}

static void
admin_cancel_order (CurbCentralServer *self,
                    SoupServerMessage *msg,
                    const char        *store_id,
                    const char        *ref)
{
  g_autoptr(JsonObject) fields = json_object_new ();
  g_autoptr(JsonObject) stored = NULL;
  g_autoptr(GError) error = NULL;

  json_object_set_boolean_member (fields, "cancelled", TRUE);
  stored = curb_central_db_patch_order (self->db, store_id, ref, fields, &error);
  if (stored == NULL)
    {
      respond_central_error (msg, error);
      return;
    }
  send_hint (self, "order.cancelled", ref);
  respond_object (msg, 200, stored);
}

static void
admin_get_order (CurbCentralServer *self,
                 SoupServerMessage *msg,
                 const char        *store_id,
                 const char        *ref)
{
  g_autoptr(JsonObject) stored = NULL;
  g_autoptr(GError) error = NULL;

  stored = curb_central_db_get_order (self->db, store_id, ref, &error);
  if (stored == NULL)
    {
      respond_error (msg, 404, "not_found", error->message);
      return;
    }
  respond_object (msg, 200, stored);
}

static void
admin_list_events (CurbCentralServer *self,
                   SoupServerMessage *msg,
                   const char        *store_id)
{
  g_autoptr(JsonObject) body = json_object_new ();
  g_autoptr(GError) error = NULL;
  JsonArray *events = curb_central_db_list_events (self->db, store_id, &error);
  gint64 deliveries = 0;

  if (events == NULL)
    {
      respond_central_error (msg, error);
      return;
    }
  for (guint i = 0; i < json_array_get_length (events); i++)
    deliveries += json_object_get_int_member (json_array_get_object_element (events, i), "deliveries");
  json_object_set_array_member (body, "events", events);
  json_object_set_int_member (body, "total_deliveries", deliveries);
  respond_object (msg, 200, body);
}

static void
admin_seed (CurbCentralServer *self,
            SoupServerMessage *msg,
            const char        *store_id)
{
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(GError) error = NULL;
  gint64 count;

  body = parse_body_object (msg, &error);
  if (body == NULL)
    {
      respond_error (msg, 400, "invalid_json", error->message);
      return;
    }
  count = json_object_get_int_member_with_default (body, "count", 0);
  if (count < 1 || count > 100000)
    {
      respond_error (msg, 400, "invalid", "count is 1…100000");
      return;
    }
  if (!curb_central_seed_demo (self->db, store_id, (guint) count, curb_now_ms (),
                               self->token_func, self->token_data, &error))
    {
      respond_central_error (msg, error);
      return;
    }
  respond_object (msg, 200, body);
}

static void
admin_faults (CurbCentralServer *self,
              SoupServerMessage *msg)
{
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(GError) error = NULL;

  if (g_str_equal (soup_server_message_get_method (msg), "DELETE"))
    {
      curb_central_faults_clear (self->faults);
      {
        respond_json (msg, 200, g_strdup ("{}"));
        return;
      }
    }
  body = parse_body_object (msg, &error);
  if (body == NULL || !curb_central_faults_add_json (self->faults, body, &error))
    {
      respond_error (msg, 400, "invalid", error->message);
      return;
    }
  respond_object (msg, 200, body);
}

static void
admin_stats (CurbCentralServer *self,
             SoupServerMessage *msg)
{
  g_autoptr(JsonObject) body = json_object_new ();

  json_object_set_int_member (body, "pull_requests", self->requests[CURB_CENTRAL_ENDPOINT_PULL]);
  json_object_set_int_member (body, "push_requests", self->requests[CURB_CENTRAL_ENDPOINT_PUSH]);
  json_object_set_int_member (body, "keys_requests", self->requests[CURB_CENTRAL_ENDPOINT_KEYS]);
  json_object_set_int_member (body, "pushed_new", self->pushed_new);
  json_object_set_int_member (body, "pushed_duplicate", self->pushed_duplicate);
  respond_object (msg, 200, body);
}

/* /admin/stores/{store}/orders/{ref}[/cancel], /admin/stores/{store}/(events|seed) */
static void
route_admin_store (CurbCentralServer  *self,
                   SoupServerMessage  *msg,
                   const char         *method,
                   char              **parts,
                   guint               n)
{
  const char *store_id = parts[3];
  gboolean is_order = n >= 6 && g_str_equal (parts[4], "orders");

  if (!curb_central_db_has_store (self->db, store_id))
    respond_error (msg, 404, "not_found", "no such store");
  else if (n == 5 && g_str_equal (parts[4], "events") && g_str_equal (method, "GET"))
    admin_list_events (self, msg, store_id);
  else if (n == 5 && g_str_equal (parts[4], "seed") && g_str_equal (method, "POST"))
    admin_seed (self, msg, store_id);
  else if (is_order && n == 6 && g_str_equal (method, "PUT"))
    admin_put_order (self, msg, store_id, parts[5], FALSE);
  else if (is_order && n == 6 && g_str_equal (method, "PATCH"))
    admin_put_order (self, msg, store_id, parts[5], TRUE);
  else if (is_order && n == 6 && g_str_equal (method, "GET"))
    admin_get_order (self, msg, store_id, parts[5]);
  else if (is_order && n == 7 && g_str_equal (parts[6], "cancel") && g_str_equal (method, "POST"))
    admin_cancel_order (self, msg, store_id, parts[5]);
  else
    respond_error (msg, 404, "not_found", "no such admin resource");
}

static void
on_admin_request (SoupServer        *server,
                  SoupServerMessage *msg,
                  const char        *path,
                  GHashTable        *query,
                  gpointer           user_data)
{
  CurbCentralServer *self = user_data;
  const char *method = soup_server_message_get_method (msg);
  g_auto(GStrv) parts = g_strsplit (path, "/", -1);
  guint n = g_strv_length (parts);

  if (!authorize_admin (self, msg))
    return;
  if (n == 3 && g_str_equal (parts[2], "faults"))
    admin_faults (self, msg);
  else if (n == 3 && g_str_equal (parts[2], "stats"))
    admin_stats (self, msg);
  else if (n >= 5 && g_str_equal (parts[2], "stores"))
    route_admin_store (self, msg, method, parts, n);
  else
    respond_error (msg, 404, "not_found", "no such admin resource");
}

/* GET /receipts/{ref}: the digital receipt a printed receipt's QR opens. */
static void
on_receipt_request (SoupServer        *server,
                    SoupServerMessage *msg,
                    const char        *path,
                    GHashTable        *query,
                    gpointer           user_data)
{
  CurbCentralServer *self = user_data;
  g_auto(GStrv) parts = g_strsplit (path, "/", -1);
  g_autoptr(JsonObject) order = NULL;
  g_autoptr(JsonArray) events = NULL;
  g_autoptr(GError) error = NULL;

  if (!g_str_equal (soup_server_message_get_method (msg), "GET") || g_strv_length (parts) != 3)
    {
      respond_error (msg, 404, "not_found", "a receipt is at /receipts/ORDER");
      return;
    }
  order = curb_central_db_find_order (self->db, parts[2], &error);
  if (order != NULL)
    events = curb_central_db_list_order_events (self->db, json_object_get_string_member (order, "store_id"),
                                                parts[2], &error);
  if (order == NULL || events == NULL)
    {
      gboolean unknown = g_error_matches (error, CURB_CENTRAL_ERROR, CURB_CENTRAL_ERROR_UNKNOWN_ORDER);

      respond_html (msg, unknown ? 404 : 500,
                    g_strdup (unknown ? "<!DOCTYPE html><html><body><h1>No receipt here</h1>"
                                        "<p>Check the order number on your paper receipt.</p></body></html>\n"
                                      : "<!DOCTYPE html><html><body><h1>Receipts are unavailable</h1>"
                                        "<p>Please try again later.</p></body></html>\n"));
      return;
    }
  respond_html (msg, 200, curb_central_receipt_html (order, events));
}

static void
on_other_request (SoupServer        *server,
                  SoupServerMessage *msg,
                  const char        *path,
                  GHashTable        *query,
                  gpointer           user_data)
{
  respond_error (msg, 404, "not_found", "this is a Curbside central; see /v1");
}

/* GObject */

static void
curb_central_server_dispose (GObject *object)
{
  CurbCentralServer *self = CURB_CENTRAL_SERVER (object);

  g_clear_pointer (&self->delayed, g_ptr_array_unref);
  if (self->server != NULL)
    soup_server_disconnect (self->server);
  g_clear_object (&self->server);
  g_clear_object (&self->db);
  g_clear_object (&self->faults);
  g_clear_pointer (&self->keys, json_array_unref);
  if (self->hint_session != NULL)
    soup_session_abort (self->hint_session);
  g_clear_object (&self->hint_session);
  G_OBJECT_CLASS (curb_central_server_parent_class)->dispose (object);
}

static void
curb_central_server_finalize (GObject *object)
{
  CurbCentralServer *self = CURB_CENTRAL_SERVER (object);

  g_free (self->admin_key);
  g_free (self->hint_url);
  G_OBJECT_CLASS (curb_central_server_parent_class)->finalize (object);
}

static void
curb_central_server_class_init (CurbCentralServerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = curb_central_server_dispose;
  object_class->finalize = curb_central_server_finalize;
}

static void
curb_central_server_init (CurbCentralServer *self)
{
  self->server = soup_server_new ("server-header", "curbside-central/" CURB_VERSION, NULL);
  self->faults = curb_central_faults_new ();
  self->keys = json_array_new ();
  self->delayed = g_ptr_array_new_with_free_func (delayed_answer_free);
  soup_server_add_handler (self->server, "/v1", on_protocol_request, self, NULL);
  soup_server_add_handler (self->server, "/admin", on_admin_request, self, NULL);
  soup_server_add_handler (self->server, "/pickup", on_pickup_request, self, NULL);
  soup_server_add_handler (self->server, "/receipts", on_receipt_request, self, NULL);
  soup_server_add_handler (self->server, NULL, on_other_request, self, NULL);
}

/* Public API */

/**
 * curb_central_server_new:
 * @db: central's state
 *
 * Returns: (transfer full): a reference central, not yet listening
 */
CurbCentralServer *
curb_central_server_new (CurbCentralDb *db)
{
  CurbCentralServer *self;

  g_return_val_if_fail (CURB_IS_CENTRAL_DB (db), NULL);

  self = g_object_new (CURB_TYPE_CENTRAL_SERVER, NULL);
  self->db = g_object_ref (db);
  return self;
}

/**
 * curb_central_server_listen:
 * @port: a TCP port on 127.0.0.1, or 0 to pick a free one
 *
 * Starts serving on the thread-default main context.
 */
gboolean
curb_central_server_listen (CurbCentralServer  *self,
                            guint               port,
                            GError            **error)
{
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, port);
  g_autoptr(GSocketAddress) bound = NULL;
  GSList *listeners;

  g_return_val_if_fail (CURB_IS_CENTRAL_SERVER (self), FALSE);

  if (!soup_server_listen (self->server, address, 0, error))
    return FALSE;
  listeners = soup_server_get_listeners (self->server);
  bound = listeners ? g_socket_get_local_address (listeners->data, error) : NULL;
  g_slist_free (listeners);
  if (bound == NULL)
    return FALSE;
  self->port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  return TRUE;
}

guint
curb_central_server_get_port (CurbCentralServer *self)
{
  g_return_val_if_fail (CURB_IS_CENTRAL_SERVER (self), 0);

  return self->port;
}

/**
 * curb_central_server_get_db:
 *
 * Returns: (transfer none): central's state
 */
CurbCentralDb *
curb_central_server_get_db (CurbCentralServer *self)
{
  g_return_val_if_fail (CURB_IS_CENTRAL_SERVER (self), NULL);

  return self->db;
}

/**
 * curb_central_server_get_faults:
 *
 * Returns: (transfer none): the fault queue
 */
CurbCentralFaults *
curb_central_server_get_faults (CurbCentralServer *self)
{
  g_return_val_if_fail (CURB_IS_CENTRAL_SERVER (self), NULL);

  return self->faults;
}

/**
 * curb_central_server_set_admin_key:
 * @admin_key: (nullable): the bearer key /admin requires, or %NULL for none
 */
void
curb_central_server_set_admin_key (CurbCentralServer *self,
                                   const char        *admin_key)
{
  g_return_if_fail (CURB_IS_CENTRAL_SERVER (self));

  g_free (self->admin_key);
  self->admin_key = g_strdup (admin_key);
}

/**
 * curb_central_server_set_keys:
 * @keys: the issuer keys /v1/keys lists: [{kid, alg, public_key}]
 */
void
curb_central_server_set_keys (CurbCentralServer *self,
                              JsonArray         *keys)
{
  g_return_if_fail (CURB_IS_CENTRAL_SERVER (self));
  g_return_if_fail (keys != NULL);

  g_clear_pointer (&self->keys, json_array_unref);
  self->keys = json_array_ref (keys);
}

/**
 * curb_central_server_set_token_func:
 * @func: (nullable): signs the pickup tokens of seeded orders
 *
 * Without one, seeded orders carry no token.
 */
void
curb_central_server_set_token_func (CurbCentralServer    *self,
                                    CurbCentralTokenFunc  func,
                                    gpointer              user_data)
{
  g_return_if_fail (CURB_IS_CENTRAL_SERVER (self));

  self->token_func = func;
  self->token_data = user_data;
}

/**
 * curb_central_server_set_hint_url:
 * @url: (nullable): a hub's hint URL (`https://hub:8443/v1/hints`)
 *
 * Central then POSTs a small hint there whenever it changes an order of a
 * store (an announcement, an admin change), so the hub pulls at once.
 */
void
curb_central_server_set_hint_url (CurbCentralServer *self,
                                  const char        *url)
{
  g_return_if_fail (CURB_IS_CENTRAL_SERVER (self));

  g_free (self->hint_url);
  self->hint_url = g_strdup (url);
}
