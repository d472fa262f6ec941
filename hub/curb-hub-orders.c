#include <sodium.h>
#include <string.h>

#include "curb-error.h"
#include "curb-hub-private.h"
#include "curb-order-codec.h"
#include "curb-token.h"
#include "curb-util.h"

#define TICKET_TTL_MS      (10 * 60 * 1000)
#define TICKET_KEY_META    CURB_STORE_TICKET_KEY_META
#define ETA_STAGED_S        120
#define ETA_NOT_STAGED_S    600

static const char *const checkin_fields[] = { "token", "ticket", "bay", "event_id", "at", NULL };
static const char *const lookup_fields[] = { "ref", "surname", "phone_last4", NULL };

static JsonObject *
order_extra (CurbStore  *store,
             const char *ref)
{
  JsonObject *extra = json_object_new ();
  JsonObject *order = curb_store_get_order (store, ref, NULL);
  g_autoptr(CurbOrder) typed = order != NULL ? curb_order_codec_decode (order, NULL) : NULL;
  CurbPerson *claimer = typed != NULL ? curb_order_get_claimer (typed) : NULL;

  if (claimer != NULL)
    json_object_set_object_member (extra, "claimed_by", curb_order_codec_encode_person (claimer));
  if (order != NULL)
    json_object_set_object_member (extra, "order", order);
  return extra;
}

static gboolean
order_is_closed (CurbHub    *hub,
                 const char *ref)
{
  CurbOrderState state;

  return curb_store_get_order_state (hub->store, ref, &state, NULL)
         && (state == CURB_ORDER_STATE_HANDED_OVER || state == CURB_ORDER_STATE_PARTIALLY_HANDED_OVER
             || state == CURB_ORDER_STATE_NO_SHOW || state == CURB_ORDER_STATE_CANCELLED);
}

/* A valid code for an order the store does not have because central's
 * document was refused: the shopper is sent to staff, not told "not found".
 * Asked only on this rare path, so a check-in never waits for the store. */
static gboolean
reply_needs_staff (CurbHub           *hub,
                   SoupServerMessage *msg,
                   CurbEvent         *event,
                   const GError      *error)
{
  const char *ref = curb_event_get_order_ref (event);

  if (!g_error_matches (error, CURB_ERROR, CURB_ERROR_NOT_FOUND) || curb_event_get_kind (event) != CURB_EVENT_ARRIVED
      || !curb_store_claim_rejected_order (hub->store, ref))
    return FALSE;
  g_log_structured (G_LOG_DOMAIN, G_LOG_LEVEL_WARNING, "CURBSIDE_ORDER_ID", ref,
                    "CURBSIDE_DEVICE", curb_event_get_device (event),
                    "MESSAGE", "A shopper with a valid code for order %s is at %s, but central's order "
                    "could not be taken: staff must serve them by hand", ref, curb_event_get_device (event));
  curb_hub_metrics_count_rejection (hub->metrics, "needs_staff");
  curb_hub_notify_central_alert (hub, ref);
  curb_hub_reply_error (msg, SOUP_STATUS_CONFLICT, "needs_staff",
                        "The store could not take this order from central; staff will help", NULL);
  return TRUE;
}

void
curb_hub_reply_refused (CurbHub           *hub,
                        SoupServerMessage *msg,
                        CurbEvent         *event,
                        const GError      *error)
{
  g_autoptr(JsonObject) extra = NULL;

  if (reply_needs_staff (hub, msg, event, error))
    return;
  /* A replayed pickup code of a closed order: one answer for every closed
   * state, and nothing of the order (the kiosk says "see staff"). */
  if (curb_event_get_kind (event) == CURB_EVENT_ARRIVED && order_is_closed (hub, curb_event_get_order_ref (event))
      && curb_hub_status_for_error (error) == SOUP_STATUS_CONFLICT)
    {
      curb_hub_reply_error (msg, SOUP_STATUS_CONFLICT, "order_closed", "This order is closed", NULL);
      return;
    }
  if (g_error_matches (error, CURB_ERROR, CURB_ERROR_ALREADY_ARRIVED)
      || g_error_matches (error, CURB_ERROR, CURB_ERROR_ALREADY_CLAIMED)
      || g_error_matches (error, CURB_ERROR, CURB_ERROR_CANCELLED)
      || g_error_matches (error, CURB_ERROR, CURB_ERROR_ILLEGAL_TRANSITION))
    extra = order_extra (hub->store, curb_event_get_order_ref (event));
  if (curb_hub_status_for_error (error) >= 500)
    g_log_structured (G_LOG_DOMAIN, G_LOG_LEVEL_WARNING,
                      "CURBSIDE_ORDER_ID", curb_event_get_order_ref (event),
                      "CURBSIDE_DEVICE", curb_event_get_device (event),
                      "MESSAGE", "Cannot store %s event: %s",
                      curb_event_kind_to_string (curb_event_get_kind (event)), error->message);
  curb_hub_reply_gerror (msg, error, extra);
}

void
curb_hub_reply_applied (CurbHub           *hub,
                        SoupServerMessage *msg,
                        JsonObject        *order,
                        CurbEvent         *event,
                        gboolean           replayed,
                        JsonObject        *extra)
{
  g_autoptr(JsonObject) reply = extra != NULL ? json_object_ref (extra) : json_object_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(CurbEvent) stored = NULL;

  /* A replay answers with what was stored the first time. */
  if (replayed)
    stored = curb_store_get_event (hub->store, curb_event_get_id (event), &error);
  json_object_set_object_member (reply, "order", json_object_ref (order));
  json_object_set_object_member (reply, "event", curb_event_to_json (stored != NULL ? stored : event));
  json_object_set_boolean_member (reply, "replayed", replayed);
  curb_hub_reply_json (msg, SOUP_STATUS_OK, reply);
}

/* --- lookup tickets ----------------------------------------------------
 * A successful manual lookup gives the kiosk a ticket that lets it (and only
 * it) check that order in for TICKET_TTL_MS. A ticket carries its order and
 * expiry and is signed with a key kept in the store, so one that a kiosk
 * queued while the hub was down still works after a hub restart:
 * "EXPIRES_MS.REF.HMAC" (HMAC-SHA-256 over ref, device and expiry). */

static GBytes *
ticket_key (CurbHub *hub)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *stored = NULL;
  guint8 key[crypto_auth_hmacsha256_KEYBYTES];
  size_t length = 0;
  char encoded[sodium_base64_ENCODED_LEN (sizeof key, sodium_base64_VARIANT_URLSAFE_NO_PADDING)];

  if (hub->ticket_key != NULL)
    return hub->ticket_key;
  stored = curb_store_get_meta (hub->store, TICKET_KEY_META, &error);
  if (stored != NULL
      && sodium_base642bin (key, sizeof key, stored, strlen (stored), NULL, &length, NULL,
                            sodium_base64_VARIANT_URLSAFE_NO_PADDING) == 0
      && length == sizeof key)
    return hub->ticket_key = g_bytes_new (key, sizeof key);
  crypto_auth_hmacsha256_keygen (key);
  sodium_bin2base64 (encoded, sizeof encoded, key, sizeof key, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  g_clear_error (&error);
  if (!curb_store_set_meta (hub->store, TICKET_KEY_META, encoded, &error))
    g_warning ("Lookup tickets will not survive a restart: %s", error->message);
  hub->ticket_key = g_bytes_new (key, sizeof key);
  sodium_memzero (key, sizeof key);
  sodium_memzero (encoded, sizeof encoded);
  return hub->ticket_key;
}

static void
ticket_mac (CurbHub    *hub,
            const char *ref,
            const char *device_id,
            gint64      expires_ms,
            guint8      mac[crypto_auth_hmacsha256_BYTES])
{
  g_autofree char *message = g_strdup_printf ("%s\n%s\n%" G_GINT64_FORMAT, ref, device_id, expires_ms);

  crypto_auth_hmacsha256 (mac, (const guint8 *) message, strlen (message),
                          g_bytes_get_data (ticket_key (hub), NULL));
}

static char *
issue_ticket (CurbHub    *hub,
              const char *ref,
              const char *device_id)
{
  guint8 mac[crypto_auth_hmacsha256_BYTES];
  char encoded[sodium_base64_ENCODED_LEN (sizeof mac, sodium_base64_VARIANT_URLSAFE_NO_PADDING)];
  gint64 expires_ms = curb_now_ms () + TICKET_TTL_MS;

  ticket_mac (hub, ref, device_id, expires_ms, mac);
  sodium_bin2base64 (encoded, sizeof encoded, mac, sizeof mac, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  return g_strdup_printf ("%" G_GINT64_FORMAT ".%s.%s", expires_ms, ref, encoded);
}

/* The order @ticket is for, when this device holds it and it was valid at @at_ms. */
static char *
ticket_ref (CurbHub    *hub,
            const char *device_id,
            const char *ticket,
            gint64      at_ms)
{
  g_auto(GStrv) parts = g_strsplit (ticket, ".", 4);
  guint8 mac[crypto_auth_hmacsha256_BYTES], expected[crypto_auth_hmacsha256_BYTES];
  size_t length = 0;
  gint64 expires_ms;
  gboolean valid;

  if (g_strv_length (parts) != 3 || !curb_order_ref_is_valid (parts[1])
      || !g_ascii_string_to_signed (parts[0], 10, 0, G_MAXINT64, &expires_ms, NULL)
      || sodium_base642bin (mac, sizeof mac, parts[2], strlen (parts[2]), NULL, &length, NULL,
                            sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0
      || length != sizeof mac)
    return NULL;
  ticket_mac (hub, parts[1], device_id, expires_ms, expected);
  valid = sodium_memcmp (mac, expected, sizeof mac) == 0 && expires_ms > at_ms;
  return valid ? g_strdup (parts[1]) : NULL;
}

/* The order a check-in is for: from a pickup token or a lookup ticket of
 * this device, valid at @at_s. */
char *
curb_hub_checkin_ref (CurbHub        *hub,
                      CurbHubCaller  *caller,
                      const char     *token,
                      const char     *ticket_id,
                      gint64          at_s,
                      GError        **error)
{
  g_autoptr(CurbTokenClaims) claims = NULL;
  char *ticket_order;

  if ((token == NULL) == (ticket_id == NULL))
    {
      g_set_error_literal (error, CURB_ERROR, CURB_ERROR_INVALID, "Send exactly one of “token” and “ticket”");
      return NULL;
    }
  if (ticket_id != NULL)
    {
      ticket_order = ticket_ref (hub, caller->device_id, ticket_id, at_s * 1000);
      if (ticket_order != NULL)
        return ticket_order;
      g_set_error_literal (error, CURB_ERROR, CURB_ERROR_UNAUTHORIZED,
                           "The lookup ticket is unknown or expired; look the order up again");
      return NULL;
    }
  if (!curb_token_verify (hub->keyring, token, hub->store_id, at_s, &claims, error))
    return NULL;
  return g_strdup (claims->order_ref);
}

static char *
resolve_checkin_ref (CurbHub           *hub,
                     SoupServerMessage *msg,
                     CurbHubCaller     *caller,
                     const char        *token,
                     const char        *ticket_id)
{
  g_autoptr(GError) error = NULL;
  char *ref = curb_hub_checkin_ref (hub, caller, token, ticket_id, curb_now_ms () / 1000, &error);

  if (ref != NULL)
    return ref;
  if (g_error_matches (error, CURB_ERROR, CURB_ERROR_INVALID))
    curb_hub_reply_gerror (msg, error, NULL);
  else if (ticket_id != NULL)
    {
      curb_hub_metrics_count_rejection (hub->metrics, "ticket_invalid");
      curb_hub_reply_error (msg, SOUP_STATUS_UNPROCESSABLE_ENTITY, "ticket_invalid", error->message, NULL);
    }
  else
    {
      curb_hub_metrics_count_rejection (hub->metrics, curb_error_code_name ((CurbError) error->code));
      curb_hub_reply_gerror (msg, error, NULL);
    }
  return NULL;
}

CurbEvent *
curb_hub_event_from_body (SoupServerMessage *msg,
                     JsonObject        *body,
                     CurbEventKind      kind,
                     const char        *ref,
                     CurbHubCaller     *caller,
                     JsonObject        *data)
{
  const char *event_id = NULL;
  gint64 at_ms;
  CurbEvent *event;

  if (!curb_hub_get_string (msg, body, "event_id", FALSE, &event_id)
      || !curb_hub_get_time (msg, body, "at", &at_ms))
    return NULL;
  if (event_id != NULL && (strlen (event_id) > 64 || *event_id == '\0'))
    {
      curb_hub_reply_error (msg, SOUP_STATUS_BAD_REQUEST, "invalid",
                            "Field “event_id” must be 1 to 64 characters", NULL);
      return NULL;
    }
  event = curb_event_new (kind, ref, caller->device_id, caller->staff_id, data);
  if (event_id != NULL)
    curb_event_set_id (event, event_id);
  curb_event_set_at_ms (event, at_ms);
  return event;
}

/* Staged as the order stands now (nothing to re-stage): the shopper is
 * told how long staff take. */
static void
add_eta (JsonObject *reply,
         JsonObject *order)
{
  g_autoptr(CurbOrder) model = curb_order_codec_decode (order, NULL);
  gboolean staged = model != NULL && curb_order_get_staged (model)
                    && g_list_model_get_n_items (curb_order_get_restage (model)) == 0;

  json_object_set_boolean_member (reply, "staged", staged);
  json_object_set_int_member (reply, "eta_s", staged ? ETA_STAGED_S : ETA_NOT_STAGED_S);
}

static void
on_checkin_applied (CurbHub           *hub,
                    SoupServerMessage *msg,
                    CurbEvent         *event,
                    JsonObject        *order,
                    gboolean           replayed,
                    gpointer           data)
{
  g_autoptr(JsonObject) extra = json_object_new ();

  if (order == NULL)
    return;
  if (!replayed)
    curb_hub_metrics_count_checkin (hub->metrics);
  add_eta (extra, order);
  curb_hub_reply_applied (hub, msg, order, event, replayed, extra);
}

void
curb_hub_handle_checkin (CurbHub           *hub,
                         SoupServerMessage *msg,
                         CurbHubCaller     *caller,
                         const char        *unused_ref,
                         const char        *unused_action)
{
  g_autoptr(JsonObject) body = curb_hub_read_body (msg, checkin_fields);
  g_autoptr(JsonObject) data = json_object_new ();
  g_autoptr(CurbEvent) event = NULL;
  g_autofree char *ref = NULL;
  const char *token, *ticket, *bay, *event_id;
  gint64 at_ms;

  if (body == NULL
      || !curb_hub_get_string (msg, body, "token", FALSE, &token)
      || !curb_hub_get_string (msg, body, "ticket", FALSE, &ticket)
      || !curb_hub_get_string (msg, body, "bay", FALSE, &bay)
      || !curb_hub_get_string (msg, body, "event_id", FALSE, &event_id)
      || !curb_hub_get_time (msg, body, "at", &at_ms))
    return;
  if (event_id != NULL && (strlen (event_id) > 64 || *event_id == '\0'))
    {
      curb_hub_reply_error (msg, SOUP_STATUS_BAD_REQUEST, "invalid",
                            "Field “event_id” must be 1 to 64 characters", NULL);
      return;
    }
  if (bay != NULL && !curb_bay_is_valid (bay))
    {
      curb_hub_reply_error (msg, SOUP_STATUS_BAD_REQUEST, "invalid",
                            "Field “bay” must be 1 to 16 letters, digits or '-'", NULL);
      return;
    }
  ref = resolve_checkin_ref (hub, msg, caller, token, ticket);
  if (ref == NULL)
    return;
  /* no bay: checked in on the scan, the bay follows (bay_chosen) */
  if (bay != NULL)
    json_object_set_string_member (data, "bay", bay);
  json_object_set_string_member (data, "source", ticket != NULL ? "lookup" : "scan");
  event = curb_hub_event_from_body (msg, body, CURB_EVENT_ARRIVED, ref, caller, data);
  if (event != NULL)
    curb_hub_queue_event (hub, msg, event, on_checkin_applied, NULL, NULL);
}

static gboolean
take_lookup_token (CurbHub           *hub,
                   SoupServerMessage *msg,
                   const char        *device_id)
{
  gint64 now = g_get_monotonic_time ();
  double retry_s = 0;

  if (curb_rate_limiter_take (hub->lookup_per_device, device_id, now, &retry_s))
    {
      if (curb_rate_limiter_take (hub->lookup_global, "store", now, &retry_s))
        return TRUE;
      curb_rate_limiter_give_back (hub->lookup_per_device, device_id);
    }
  curb_hub_reply_rate_limited (msg, retry_s, "Too many lookups; try again shortly");
  return FALSE;
}

void
curb_hub_handle_lookup (CurbHub           *hub,
                        SoupServerMessage *msg,
                        CurbHubCaller     *caller,
                        const char        *unused_ref,
                        const char        *unused_action)
{
  g_autoptr(JsonObject) body = curb_hub_read_body (msg, lookup_fields);
  g_autoptr(JsonObject) order = NULL;
  g_autoptr(CurbOrder) model = NULL;
  g_autoptr(JsonObject) reply = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *ticket = NULL;
  const char *ref, *surname, *phone;

  if (body == NULL
      || !curb_hub_get_string (msg, body, "ref", TRUE, &ref)
      || !curb_hub_get_string (msg, body, "surname", FALSE, &surname)
      || !curb_hub_get_string (msg, body, "phone_last4", FALSE, &phone))
    return;
  if ((surname == NULL) == (phone == NULL))
    {
      curb_hub_reply_error (msg, SOUP_STATUS_BAD_REQUEST, "invalid",
                            "Send exactly one of “surname” and “phone_last4”", NULL);
      return;
    }
  if (!take_lookup_token (hub, msg, caller->device_id))
    return;
  order = curb_store_lookup (hub->store, ref, surname != NULL ? surname : phone, &error);
  if (order == NULL)
    {
      curb_hub_reply_gerror (msg, error, NULL);
      return;
    }
  model = curb_order_codec_decode (order, &error);
  if (model == NULL)
    {
      curb_hub_reply_gerror (msg, error, NULL);
      return;
    }
  reply = json_object_new ();
  ticket = issue_ticket (hub, curb_order_get_ref (model), caller->device_id);
  json_object_set_string_member (reply, "ticket", ticket);
  json_object_set_object_member (reply, "order", g_steal_pointer (&order));
  curb_hub_reply_json (msg, SOUP_STATUS_OK, reply);
}

/* A kiosk reads an order only with proof it is the shopper's: the pickup
 * code (?token=), this device's lookup ticket (?ticket=), or having checked
 * the shopper in (its receipt). Anything else answers like an unknown
 * order, so reading by reference tells nothing. */
static gboolean
kiosk_has_code (CurbHub           *hub,
                SoupServerMessage *msg,
                CurbHubCaller     *caller,
                const char        *ref)
{
  const char *query = g_uri_get_query (soup_server_message_get_uri (msg));
  g_autoptr(GHashTable) params = query != NULL ? g_uri_parse_params (query, -1, "&", G_URI_PARAMS_NONE, NULL) : NULL;
  const char *token = params != NULL ? g_hash_table_lookup (params, "token") : NULL;
  const char *ticket = params != NULL ? g_hash_table_lookup (params, "ticket") : NULL;
  g_autofree char *proven = NULL;

  if (token != NULL || ticket != NULL)
    proven = curb_hub_checkin_ref (hub, caller, token, ticket, curb_now_ms () / 1000, NULL);
  return g_strcmp0 (proven, ref) == 0;
}

void
curb_hub_handle_order (CurbHub           *hub,
                       SoupServerMessage *msg,
                       CurbHubCaller     *caller,
                       const char        *ref,
                       const char        *unused_action)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) order = NULL;
  g_autoptr(JsonObject) reply = json_object_new ();
  gboolean kiosk = caller->role == CURB_DEVICE_ROLE_KIOSK;

  if (!curb_order_ref_is_valid (ref))
    {
      curb_hub_reply_error (msg, SOUP_STATUS_BAD_REQUEST, "invalid",
                            "An order reference is 1 to 32 of A-Z, 0-9 and '-'", NULL);
      return;
    }
  /* the kiosk that checked the shopper in reads on (its receipt at handoff) */
  if (kiosk && !curb_hub_kiosk_checked_in (hub, ref, caller->device_id))
    {
      if (!kiosk_has_code (hub, msg, caller, ref))
        {
          curb_hub_reply_error (msg, SOUP_STATUS_NOT_FOUND, "not_found", "No such order", NULL);
          return;
        }
      if (order_is_closed (hub, ref))
        {
          curb_hub_reply_error (msg, SOUP_STATUS_CONFLICT, "order_closed", "This order is closed", NULL);
          return;
        }
    }
  order = curb_store_get_order (hub->store, ref, &error);
  if (order == NULL)
    {
      curb_hub_reply_gerror (msg, error, NULL);
      return;
    }
  json_object_set_object_member (reply, "order", g_steal_pointer (&order));
  curb_hub_reply_json (msg, SOUP_STATUS_OK, reply);
}

/* The refs of the orders waiting for staff (arrived, not claimed): all of
 * them into @alerts, those that arrived before @escalate_before_ms into
 * @escalated (either may be %NULL). Read through the order codec. */
static void
collect_alerts (JsonArray *orders,
                gint64     escalate_before_ms,
                JsonArray *alerts,
                JsonArray *escalated)
{
  for (guint i = 0; i < json_array_get_length (orders); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(CurbOrder) order = curb_order_codec_decode (json_array_get_object_element (orders, i), &error);
      gint64 arrived;

      if (order == NULL)
        {
          g_warning ("An order in the store does not read: %s", error->message);
          continue;
        }
      if (curb_order_get_state (order) != CURB_ORDER_STATE_ARRIVED)
        continue;
      arrived = curb_order_get_arrived_at (order);
      if (alerts != NULL)
        json_array_add_string_element (alerts, curb_order_get_ref (order));
      if (escalated != NULL && arrived > 0 && arrived <= escalate_before_ms)
        json_array_add_string_element (escalated, curb_order_get_ref (order));
    }
}

/* Arrived and not yet claimed: the staging station rings for these. */
JsonArray *
curb_hub_outstanding_alerts (JsonArray *orders)
{
  JsonArray *alerts = json_array_new ();

  collect_alerts (orders, 0, alerts, NULL);
  return alerts;
}

static const char *
query_view (SoupServerMessage *msg)
{
  const char *query = g_uri_get_query (soup_server_message_get_uri (msg));
  g_autoptr(GHashTable) params = NULL;
  const char *view;

  if (query == NULL)
    return "board";
  params = g_uri_parse_params (query, -1, "&", G_URI_PARAMS_NONE, NULL);
  view = params != NULL ? g_hash_table_lookup (params, "view") : NULL;
  if (view == NULL || g_str_equal (view, "board"))
    return "board";
  if (g_str_equal (view, "active"))
    return "active";
  return NULL;
}

void
curb_hub_handle_orders (CurbHub           *hub,
                        SoupServerMessage *msg,
                        CurbHubCaller     *caller,
                        const char        *unused_ref,
                        const char        *unused_action)
{
  const char *view = query_view (msg);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonArray) orders = NULL;
  g_autoptr(JsonObject) reply = json_object_new ();
  JsonArray *alerts, *escalated;
  gint64 last_seq = curb_store_get_last_seq (hub->store);

  if (view == NULL)
    {
      curb_hub_reply_error (msg, SOUP_STATUS_BAD_REQUEST, "invalid",
                            "view must be “board” or “active”", NULL);
      return;
    }
  orders = curb_store_list_orders (hub->store, g_str_equal (view, "board")
                                   ? CURB_ORDER_FILTER_TODAY : CURB_ORDER_FILTER_ACTIVE, &error);
  if (orders == NULL)
    {
      curb_hub_reply_gerror (msg, error, NULL);
      return;
    }
  /* outstanding alerts ringing longer than the escalation time escalate
   * (e.g. to a manager's screen or a louder sound) */
  alerts = json_array_new ();
  escalated = json_array_new ();
  collect_alerts (orders, curb_now_ms () - (gint64) hub->escalation_s * 1000, alerts, escalated);
  json_object_set_array_member (reply, "alerts", alerts);
  json_object_set_array_member (reply, "escalated", escalated);
  json_object_set_array_member (reply, "orders", g_steal_pointer (&orders));
  json_object_set_int_member (reply, "last_seq", last_seq);
  curb_hub_reply_json (msg, SOUP_STATUS_OK, reply);
}
