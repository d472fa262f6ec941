#include <string.h>

#include "curb-error.h"
#include "curb-hub-http.h"
#include "curb-json.h"
#include "curb-util.h"

static char *
object_to_string (JsonObject *object)
{
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);
  g_autoptr(JsonObject) empty = NULL;

  if (object == NULL)
    object = empty = json_object_new ();
  json_node_set_object (node, object);
  return json_to_string (node, FALSE);
}

void
curb_hub_reply_json (SoupServerMessage *msg,
                     guint              status,
                     JsonObject        *object)
{
  char *text = object_to_string (object);

  soup_server_message_set_status (msg, status, NULL);
  soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                "Cache-Control", "no-store");
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_TAKE,
                                    text, strlen (text));
}

void
curb_hub_reply_error (SoupServerMessage *msg,
                      guint              status,
                      const char        *reason,
                      const char        *message,
                      JsonObject        *extra)
{
  g_autoptr(JsonObject) object = json_object_new ();

  json_object_set_string_member (object, "error", reason);
  json_object_set_string_member (object, "message", message);
  if (extra != NULL)
    {
      JsonObjectIter iter;
      const char *name;
      JsonNode *value;

      json_object_iter_init (&iter, extra);
      while (json_object_iter_next (&iter, &name, &value))
        json_object_set_member (object, name, json_node_copy (value));
    }
  curb_hub_reply_json (msg, status, object);
}

guint
curb_hub_status_for_error (const GError *error)
{
  if (error->domain != CURB_ERROR)
    return SOUP_STATUS_INTERNAL_SERVER_ERROR;

  switch ((CurbError) error->code)
    {
    case CURB_ERROR_INVALID:
      return SOUP_STATUS_BAD_REQUEST;
    case CURB_ERROR_TOKEN_MALFORMED:
    case CURB_ERROR_TOKEN_BAD_SIGNATURE:
    case CURB_ERROR_TOKEN_UNKNOWN_KEY:
    case CURB_ERROR_TOKEN_EXPIRED:
    case CURB_ERROR_TOKEN_OTHER_STORE:
      return SOUP_STATUS_UNPROCESSABLE_ENTITY;
    case CURB_ERROR_UNAUTHORIZED:
      return SOUP_STATUS_UNAUTHORIZED;
    case CURB_ERROR_FORBIDDEN:
      return SOUP_STATUS_FORBIDDEN;
    case CURB_ERROR_NOT_FOUND:
      return SOUP_STATUS_NOT_FOUND;
    case CURB_ERROR_ILLEGAL_TRANSITION:
    case CURB_ERROR_ALREADY_ARRIVED:
    case CURB_ERROR_ALREADY_CLAIMED:
    case CURB_ERROR_CANCELLED:
    case CURB_ERROR_CONFLICT:
    case CURB_ERROR_NEEDS_STAFF:
    case CURB_ERROR_RESTAGE_REQUIRED:
      return SOUP_STATUS_CONFLICT;
    case CURB_ERROR_RATE_LIMITED:
      return CURB_HUB_STATUS_TOO_MANY_REQUESTS;
    case CURB_ERROR_DISK_FULL:
      return SOUP_STATUS_INSUFFICIENT_STORAGE;
    case CURB_ERROR_UNAVAILABLE:
      return SOUP_STATUS_SERVICE_UNAVAILABLE;
    case CURB_ERROR_FAILED:
    case CURB_ERROR_DATABASE:
    case CURB_ERROR_PROTOCOL:
    case CURB_ERROR_CONFIG:
    default:
      return SOUP_STATUS_INTERNAL_SERVER_ERROR;
    }
}

void
curb_hub_reply_gerror (SoupServerMessage *msg,
                       const GError      *error,
                       JsonObject        *extra)
{
  const char *reason = error->domain == CURB_ERROR
                       ? curb_error_code_name ((CurbError) error->code) : "failed";

  curb_hub_reply_error (msg, curb_hub_status_for_error (error), reason, error->message, extra);
}

static gboolean
check_members (SoupServerMessage *msg,
               JsonObject        *object,
               const char *const *allowed)
{
  g_autoptr(GList) names = json_object_get_members (object);

  for (GList *l = names; l != NULL; l = l->next)
    if (allowed == NULL || !g_strv_contains (allowed, l->data))
      {
        g_autofree char *message = g_strdup_printf ("Unknown field “%s”", (const char *) l->data);

        curb_hub_reply_error (msg, SOUP_STATUS_BAD_REQUEST, "unknown_field", message, NULL);
        return FALSE;
      }
  return TRUE;
}

JsonObject *
curb_hub_read_body (SoupServerMessage *msg,
                    const char *const *allowed)
{
  SoupMessageBody *body = soup_server_message_get_request_body (msg);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) object = NULL;

  if (body->length > CURB_HUB_MAX_BODY)
    {
      curb_hub_reply_error (msg, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, "payload_too_large",
                            "The request body is larger than 64 KiB", NULL);
      return NULL;
    }
  object = curb_json_parse_object (body->data, body->length, CURB_HUB_MAX_DEPTH, &error);
  if (object == NULL)
    {
      curb_hub_reply_error (msg, SOUP_STATUS_BAD_REQUEST, "malformed_json", error->message, NULL);
      return NULL;
    }
  if (!check_members (msg, object, allowed))
    return NULL;
  return g_steal_pointer (&object);
}

static gboolean
bad_field (SoupServerMessage *msg,
           const char        *member,
           const char        *expected)
{
  g_autofree char *message = g_strdup_printf ("Field “%s” must be %s", member, expected);

  curb_hub_reply_error (msg, SOUP_STATUS_BAD_REQUEST, "invalid", message, NULL);
  return FALSE;
}

gboolean
curb_hub_get_string (SoupServerMessage  *msg,
                     JsonObject         *body,
                     const char         *member,
                     gboolean            required,
                     const char        **out)
{
  JsonNode *node = json_object_get_member (body, member);

  *out = NULL;
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return required ? bad_field (msg, member, "a non-empty string") : TRUE;
  if (json_node_get_value_type (node) != G_TYPE_STRING)
    return bad_field (msg, member, "a string");
  *out = json_node_get_string (node);
  if (required && **out == '\0')
    return bad_field (msg, member, "a non-empty string");
  if (strlen (*out) > 4096)
    return bad_field (msg, member, "at most 4096 bytes");
  return TRUE;
}

gboolean
curb_hub_get_bool (SoupServerMessage  *msg,
                   JsonObject         *body,
                   const char         *member,
                   gboolean            required,
                   gboolean           *out)
{
  JsonNode *node = json_object_get_member (body, member);

  *out = FALSE;
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return required ? bad_field (msg, member, "true or false") : TRUE;
  if (json_node_get_value_type (node) != G_TYPE_BOOLEAN)
    return bad_field (msg, member, "true or false");
  *out = json_node_get_boolean (node);
  return TRUE;
}

gboolean
curb_hub_get_time (SoupServerMessage  *msg,
                   JsonObject         *body,
                   const char         *member,
                   gint64             *out_ms)
{
  const char *text = NULL;
  gint64 now = curb_now_ms ();

  *out_ms = now;
  if (!curb_hub_get_string (msg, body, member, FALSE, &text))
    return FALSE;
  if (text != NULL && !curb_iso8601_to_ms (text, out_ms))
    return bad_field (msg, member, "an ISO 8601 time");
  if (!curb_hub_time_is_plausible (*out_ms, now))
    return bad_field (msg, member, "a time within the last 30 days and at most a day ahead");
  return TRUE;
}

gboolean
curb_hub_time_is_plausible (gint64 at_ms,
                            gint64 now_ms)
{
  return at_ms <= now_ms + CURB_HUB_MAX_FUTURE_MS && at_ms >= now_ms - CURB_HUB_MAX_PAST_MS;
}

void
curb_hub_reply_rate_limited (SoupServerMessage *msg,
                             double             retry_s,
                             const char        *message)
{
  g_autoptr(JsonObject) extra = json_object_new ();
  gint64 seconds = MAX (1, (gint64) (retry_s + 0.999));
  g_autofree char *text = g_strdup_printf ("%" G_GINT64_FORMAT, seconds);

  soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Retry-After", text);
  json_object_set_int_member (extra, "retry_after_s", seconds);
  curb_hub_reply_error (msg, CURB_HUB_STATUS_TOO_MANY_REQUESTS, "rate_limited", message, extra);
}
