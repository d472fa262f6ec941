#include "curb-kiosk-session.h"

#include <glib/gi18n.h>

#include "curb-error.h"
#include "curb-order-codec.h"
#include "curb-token.h"
#include "curb-util.h"

#define STATUS_INTERVAL_S  30
#define FLUSH_INTERVAL_S   10
#define SAME_CODE_QUIET_MS 8000
#define MAX_CODE_LEN       512
/* The shortest token text: 79 bytes (version, three 1-byte fields, expiry,
 * nonce, signature) in base41. */
#define MIN_PICKUP_CODE_LEN 100

struct _CurbKioskSession
{
  GObject          parent_instance;

  CurbKioskFlow   *flow;
  CurbHubClient   *client;
  CurbKioskOutbox *outbox;
  CurbHubStream   *stream;
  CurbKeyring     *keyring;
  char            *store_id;
  char            *unconfirmed_store;
  CurbCodeSource  *source;
  CurbPrinterStation *printer;
  GCancellable    *cancellable;
  GHashTable      *decisions;     /* substitution id -> approved, this visit */
  char            *last_code;
  gint64           last_code_ms;
  char            *call_id;          /* this kiosk's open call for staff */
  char            *arrival_bay;      /* the bay sent with this visit's check-in (one-bay stores) */
  gboolean         status_pending;
  gboolean         status_again;
  gboolean         camera_ok;
  gboolean         flushing;
  guint            status_source;
  guint            flush_source;
  int              last_eta_s;
};

typedef struct
{
  CurbKioskSession *self;
  guint             visit;
  char             *token;
  char             *ref;
  char             *bay;
  char             *event_id;
  gint64            at_ms;
  gboolean          is_ticket;
  gboolean          verified;
  CurbOrder        *found;       /* the lookup's answer */
} Request;

enum { OUTBOX_CHANGED, N_SIGNALS };
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (CurbKioskSession, curb_kiosk_session, G_TYPE_OBJECT)

static void
request_free (Request *req)
{
  g_object_unref (req->self);
  g_free (req->token);
  g_free (req->ref);
  g_free (req->bay);
  g_free (req->event_id);
  g_clear_object (&req->found);
  g_free (req);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Request, request_free)

static Request *
request_new (CurbKioskSession *self,
             guint             visit)
{
  Request *req = g_new0 (Request, 1);

  req->self = g_object_ref (self);
  req->visit = visit;
  return req;
}

static void
emit_outbox_changed (CurbKioskSession *self)
{
  g_signal_emit (self, signals[OUTBOX_CHANGED], 0, curb_kiosk_outbox_get_depth (self->outbox));
}

/* --- the outbox ------------------------------------------------------- */

static JsonObject *
new_event (const char *id,
           const char *kind,
           const char *ref,
           gint64      at_ms,
           JsonObject *data)
{
  JsonObject *event = json_object_new ();
  g_autofree char *at = curb_iso8601_from_ms (at_ms);

  json_object_set_string_member (event, "id", id);
  json_object_set_string_member (event, "kind", kind);
  json_object_set_string_member (event, "order_ref", ref);
  json_object_set_string_member (event, "at", at);
  json_object_set_object_member (event, "data", data);
  return event;
}

static void
on_queued (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(CurbKioskSession) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!curb_kiosk_outbox_add_finish (CURB_KIOSK_OUTBOX (source), result, &error))
    g_warning ("Could not queue an event for the hub: %s", error->message);
  emit_outbox_changed (self);
}

static void
queue_event (CurbKioskSession *self,
             JsonObject       *event)
{
  curb_kiosk_outbox_add_async (self->outbox, event, NULL, on_queued, g_object_ref (self));
}

static void flush_outbox (CurbKioskSession *self);

static GStrv
delivered_ids (JsonObject *reply)
{
  JsonArray *results = json_object_get_array_member (reply, "results");
  g_autoptr(GStrvBuilder) ids = g_strv_builder_new ();

  for (guint i = 0; results != NULL && i < json_array_get_length (results); i++)
    {
      JsonObject *result = json_array_get_object_element (results, i);
      const char *status = json_object_get_string_member_with_default (result, "status", "");
      const char *id = json_object_get_string_member_with_default (result, "id", NULL);

      if (id == NULL || g_str_equal (status, "retry"))
        continue;
      if (g_str_equal (status, "rejected"))
        g_warning ("The hub refused queued event %s: %s", id,
                   json_object_get_string_member_with_default (result, "message", ""));
      g_strv_builder_add (ids, id);
    }
  return g_strv_builder_end (ids);
}

static void
on_removed (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(CurbKioskSession) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!curb_kiosk_outbox_remove_finish (CURB_KIOSK_OUTBOX (source), result, &error))
    g_warning ("Could not clear delivered events: %s", error->message);
  self->flushing = FALSE;
  emit_outbox_changed (self);
  if (error == NULL && curb_kiosk_outbox_get_depth (self->outbox) > 0)
    flush_outbox (self);
}

static void
on_events_posted (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(CurbKioskSession) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) reply = curb_hub_client_request_finish (CURB_HUB_CLIENT (source), result, &error);
  g_auto(GStrv) ids = NULL;

  if (reply == NULL)
    {
      g_debug ("Queued events not delivered yet: %s", error->message);
      self->flushing = FALSE;
      return;
    }
  ids = delivered_ids (reply);
  g_message ("Delivered %u queued event(s) to the hub", g_strv_length (ids));
  curb_kiosk_outbox_remove_async (self->outbox, ids, NULL, on_removed, g_object_ref (self));
}

static void
on_peeked (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(CurbKioskSession) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonArray) events = curb_kiosk_outbox_peek_finish (CURB_KIOSK_OUTBOX (source), result, &error);

  if (events == NULL || json_array_get_length (events) == 0)
    {
      self->flushing = FALSE;
      return;
    }
  curb_hub_client_post_events_async (self->client, events, self->cancellable,
                                     on_events_posted, g_object_ref (self));
}

static void
flush_outbox (CurbKioskSession *self)
{
  if (self->flushing || curb_kiosk_outbox_get_depth (self->outbox) == 0)
    return;
  self->flushing = TRUE;
  curb_kiosk_outbox_peek_async (self->outbox, 100, NULL, on_peeked, g_object_ref (self));
}

static gboolean
on_flush_timer (gpointer data)
{
  flush_outbox (data);
  return G_SOURCE_CONTINUE;
}

/* --- scanning --------------------------------------------------------- */

/* Until the hub has told this kiosk its store (first start, hub not yet
 * reached), the signature is still checked; the store is then checked by
 * the hub, which knows no order of another store. */
static const char *
expected_store (CurbKioskSession *self,
                const char       *text)
{
  g_autoptr(CurbTokenClaims) claims = NULL;

  if (self->store_id != NULL)
    return self->store_id;
  claims = curb_token_decode (text, NULL);
  g_free (self->unconfirmed_store);
  self->unconfirmed_store = claims != NULL ? g_strdup (claims->store_id) : NULL;
  return self->unconfirmed_store;
}

static char *
verify_code (CurbKioskSession  *self,
             const char        *text,
             gboolean          *out_verified,
             GError           **error)
{
  g_autoptr(CurbTokenClaims) claims = NULL;

  *out_verified = FALSE;
  if (self->keyring == NULL)
    {
      g_set_error (error, CURB_ERROR, CURB_ERROR_TOKEN_UNKNOWN_KEY,
                   "this kiosk has no issuer keyring: pickup codes cannot be checked");
      return NULL;
    }
  if (!curb_token_verify (self->keyring, text, expected_store (self, text), curb_now_ms () / 1000,
                          &claims, error))
    return NULL;
  *out_verified = TRUE;
  return g_strdup (claims->order_ref);
}

/* --- check-in on the scan ---------------------------------------------- */

static JsonObject *
arrival_event (Request *req)
{
  JsonObject *data = json_object_new ();

  if (req->bay != NULL)
    json_object_set_string_member (data, "bay", req->bay);
  json_object_set_string_member (data, "source", req->is_ticket ? "lookup" : "scan");
  return new_event (req->event_id, "arrived", req->ref, req->at_ms, data);
}

/* The hub cannot be reached: the check-in is queued with its time and its
 * proof (the pickup code, or the signed ticket of the lookup it answered),
 * and the shopper goes on to the bay; that update queues behind it. */
static void
check_in_offline (Request *req)
{
  CurbKioskSession *self = req->self;
  g_autoptr(JsonObject) event = arrival_event (req);

  json_object_set_string_member (event, req->is_ticket ? "ticket" : "token", req->token);
  g_message ("Hub unreachable: check-in of %s queued with its time", req->ref);
  queue_event (self, event);
  g_free (self->arrival_bay);
  self->arrival_bay = g_strdup (req->bay);
  curb_kiosk_flow_show_offline (self->flow, req->visit, req->ref, req->token);
}

/* A refusal that carries the order (the shopper is already checked in, or
 * the order is in no state to arrive) shows the screen for that order. */
static gboolean
show_refused_order (Request      *req,
                    GAsyncResult *result)
{
  JsonObject *body = curb_hub_client_get_error_body (result);
  g_autoptr(CurbOrder) order = NULL;

  if (body == NULL || !json_object_has_member (body, "order"))
    return FALSE;
  order = curb_order_codec_decode_member (body, "order", NULL);
  if (order == NULL)
    return FALSE;
  curb_kiosk_flow_show_order (req->self->flow, req->visit, order, req->token, req->is_ticket ? "lookup" : "scan");
  return TRUE;
}

static void
on_closed_order_read (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(Request) req = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) reply = curb_hub_client_request_finish (CURB_HUB_CLIENT (source), result, &error);
  g_autoptr(CurbOrder) order = reply != NULL ? curb_order_codec_decode_member (reply, "order", &error) : NULL;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (order == NULL)
    curb_kiosk_flow_fail (req->self->flow, req->visit, curb_kiosk_problem_from_error (error));
  else
    curb_kiosk_flow_show_order (req->self->flow, req->visit, order, req->token, "scan");
}

/* A closed order's code answers the same for every closed state and says
 * nothing of the order; the kiosk that checked this shopper in may read it
 * (as for its receipt) and says what became of it. Only on this rare path. */
static gboolean
read_closed_order (Request      *req,
                   GAsyncResult *result)
{
  JsonObject *body = curb_hub_client_get_error_body (result);
  CurbKioskSession *self = req->self;
  Request *read;

  if (body == NULL || g_strcmp0 (json_object_get_string_member_with_default (body, "error", NULL), "order_closed") != 0)
    return FALSE;
  if (req->found != NULL)
    {
      /* found by name: the lookup said what became of it */
      curb_kiosk_flow_show_order (self->flow, req->visit, req->found, req->token, "lookup");
      return TRUE;
    }
  read = request_new (self, req->visit);
  read->token = g_strdup (req->token);
  read->ref = g_strdup (req->ref);
  curb_hub_client_get_order_for_code_async (self->client, read->ref, read->token, self->cancellable,
                                            on_closed_order_read, read);
  return TRUE;
}

static void
on_checked_in (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(Request) req = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) reply = curb_hub_client_request_finish (CURB_HUB_CLIENT (source), result, &error);
  CurbKioskSession *self = req->self;
  g_autoptr(CurbOrder) order = NULL;

  if (reply == NULL)
    {
      if (g_error_matches (error, CURB_ERROR, CURB_ERROR_UNAVAILABLE) && (req->verified || req->is_ticket))
        check_in_offline (req);
      else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || show_refused_order (req, result)
               || read_closed_order (req, result))
        return;
      else
        curb_kiosk_flow_fail (self->flow, req->visit, curb_kiosk_problem_from_error (error));
      return;
    }
  order = curb_order_codec_decode_member (reply, "order", &error);
  if (order == NULL)
    {
      g_warning ("The hub sent an order the kiosk cannot show: %s", error->message);
      curb_kiosk_flow_fail (self->flow, req->visit, CURB_KIOSK_PROBLEM_FAILED);
      return;
    }
  g_free (self->arrival_bay);
  self->arrival_bay = g_strdup (req->bay);
  curb_kiosk_flow_show_arrival (self->flow, req->visit, order, req->token, req->is_ticket ? "lookup" : "scan",
                                (int) json_object_get_int_member_with_default (reply, "eta_s", 0));
}

/* One request: staff are alerted by the hub's push, the greeting shows the
 * reply's order. A one-bay store sends its bay with it. */
static void
check_in (Request *req)
{
  CurbKioskSession *self = req->self;
  const char * const *bays = curb_kiosk_flow_get_bays (self->flow);

  req->event_id = curb_uuid_new ();
  req->at_ms = curb_now_ms ();
  if (bays != NULL && bays[0] != NULL && bays[1] == NULL)
    req->bay = g_strdup (bays[0]);
  curb_hub_client_checkin_async (self->client, req->token, req->is_ticket, req->bay, req->event_id,
                                 req->at_ms, self->cancellable, on_checked_in, req);
}

static gboolean
is_repeat (CurbKioskSession *self,
           const char       *text)
{
  gint64 now = g_get_monotonic_time () / 1000;
  gboolean repeat = g_strcmp0 (self->last_code, text) == 0
                    && now - self->last_code_ms < SAME_CODE_QUIET_MS;

  g_free (self->last_code);
  self->last_code = g_strdup (text);
  self->last_code_ms = now;
  return repeat;
}

/* A pickup code is long base41 text (docs/tokens.md); anything else held
 * up to the camera (a web address, a payment code) is not one. */
static gboolean
looks_like_pickup_code (const char *text)
{
  static const char alphabet[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ-.:+/";

  return strlen (text) >= MIN_PICKUP_CODE_LEN && strspn (text, alphabet) == strlen (text);
}

void
curb_kiosk_session_handle_code (CurbKioskSession *self,
                                const char       *text)
{
  g_autoptr(GError) error = NULL;
  Request *req;
  gboolean verified;
  char *ref;

  g_return_if_fail (CURB_IS_KIOSK_SESSION (self));

  if (text == NULL || !curb_kiosk_flow_accepts_scan (self->flow) || is_repeat (self, text))
    return;
  if (!looks_like_pickup_code (text))
    {
      curb_kiosk_flow_reject_scan (self->flow, CURB_KIOSK_PROBLEM_NOT_PICKUP_CODE);
      return;
    }
  ref = verify_code (self, text, &verified, &error);
  if (ref == NULL)
    {
      curb_kiosk_flow_reject_scan (self->flow, curb_kiosk_problem_from_error (error));
      return;
    }
  req = request_new (self, curb_kiosk_flow_begin (self->flow));
  req->token = g_strdup (text);
  req->ref = ref;
  req->verified = verified;
  check_in (req);
}

static void
on_code (CurbCodeSource   *source,
         GBytes           *payload,
         const char       *source_name,
         gint64            frame_time,
         CurbKioskSession *self)
{
  gsize size = 0;
  const char *data = g_bytes_get_data (payload, &size);
  g_autofree char *text = NULL;

  if (data == NULL || size == 0 || size > MAX_CODE_LEN)
    return;
  text = g_strndup (data, size);
  if (strlen (text) != size || !g_utf8_validate (text, -1, NULL))
    {
      if (curb_kiosk_flow_accepts_scan (self->flow) && !is_repeat (self, "\x01binary"))
        curb_kiosk_flow_reject_scan (self->flow, CURB_KIOSK_PROBLEM_NOT_PICKUP_CODE);
      return;
    }
  curb_kiosk_session_handle_code (self, g_strstrip (text));
}

static void
on_camera_error (CurbCodeSource   *source,
                 const GError     *error,
                 CurbKioskSession *self)
{
  g_warning ("Camera failed: %s; shoppers are sent to the order lookup", error->message);
  self->camera_ok = FALSE;
  curb_kiosk_flow_set_camera_ok (self->flow, FALSE);
}

static void
on_camera_recovered (CurbCodeSource   *source,
                     CurbKioskSession *self)
{
  g_message ("Camera recovered");
  self->camera_ok = TRUE;
  curb_kiosk_flow_set_camera_ok (self->flow, TRUE);
}

/* --- lookup ----------------------------------------------------------- */

static void
on_lookup_ready (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(Request) req = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) reply = curb_hub_client_request_finish (CURB_HUB_CLIENT (source), result, &error);
  g_autoptr(CurbOrder) order = NULL;

  if (reply == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        curb_kiosk_flow_fail (req->self->flow, req->visit, curb_kiosk_problem_from_error (error));
      return;
    }
  order = curb_order_codec_decode_member (reply, "order", &error);
  if (order == NULL)
    {
      g_warning ("The hub sent an order the kiosk cannot show: %s", error->message);
      curb_kiosk_flow_fail (req->self->flow, req->visit, CURB_KIOSK_PROBLEM_FAILED);
      return;
    }
  /* found by name: checked in with the lookup's ticket, as a scan with its code */
  g_free (req->ref);
  req->ref = g_strdup (curb_order_get_ref (order));
  req->found = g_steal_pointer (&order);
  g_free (req->token);
  req->token = g_strdup (json_object_get_string_member_with_default (reply, "ticket", ""));
  req->is_ticket = TRUE;
  check_in (g_steal_pointer (&req));
}

static void
on_lookup (CurbKioskFlow    *flow,
           const char       *ref,
           const char       *surname,
           const char       *phone_last4,
           CurbKioskSession *self)
{
  Request *req = request_new (self, curb_kiosk_flow_get_visit (flow));

  curb_hub_client_lookup_async (self->client, ref, surname, phone_last4, self->cancellable,
                                on_lookup_ready, req);
}

static void on_heartbeat_sent (GObject *source, GAsyncResult *result, gpointer user_data);

/* --- substitutions ---------------------------------------------------- */

static JsonObject *
decision_data (const char *id,
               gboolean    approved)
{
  JsonObject *data = json_object_new ();

  json_object_set_string_member (data, "substitution_id", id);
  json_object_set_boolean_member (data, "approved", approved);
  return data;
}

static void
on_substitution_decided (CurbKioskFlow    *flow,
                         const char       *id,
                         gboolean          approved,
                         CurbKioskSession *self)
{
  g_hash_table_insert (self->decisions, g_strdup (id), GINT_TO_POINTER (approved));
}

/* --- the update after the check-in ------------------------------------ */

static void
on_update_queued (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(CurbKioskSession) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!curb_kiosk_outbox_add_finish (CURB_KIOSK_OUTBOX (source), result, &error))
    g_warning ("Could not queue the shopper's answers and bay: %s", error->message);
  emit_outbox_changed (self);
  flush_outbox (self);
}

/* The substitution answers and the bay as one request after the check-in,
 * off the path to the staff alert: through the outbox, so the order is kept
 * behind a queued check-in and a lost answer is sent again (each event id
 * lands once). No bay: the shopper left without saying ("bay not given"). */
static void
on_arrival_update (CurbKioskFlow    *flow,
                   const char       *bay,
                   CurbKioskSession *self)
{
  CurbOrder *order = curb_kiosk_flow_get_order (flow);
  g_autoptr(JsonArray) events = json_array_new ();
  GHashTableIter iter;
  gpointer key, value;
  const char *ref;

  if (order == NULL)
    return;
  ref = curb_order_get_ref (order);
  g_hash_table_iter_init (&iter, self->decisions);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      g_autofree char *id = curb_uuid_new ();

      json_array_add_object_element (events, new_event (id, "substitution_decided", ref, curb_now_ms (),
                                                        decision_data (key, GPOINTER_TO_INT (value))));
    }
  g_hash_table_remove_all (self->decisions);
  if (bay == NULL || g_strcmp0 (bay, self->arrival_bay) != 0)
    {
      g_autofree char *id = curb_uuid_new ();
      JsonObject *data = json_object_new ();

      if (bay != NULL)
        json_object_set_string_member (data, "bay", bay);
      json_array_add_object_element (events, new_event (id, "bay_chosen", ref, curb_now_ms (), data));
    }
  if (json_array_get_length (events) == 0)
    return;
  curb_kiosk_outbox_add_all_async (self->outbox, events, NULL, on_update_queued, g_object_ref (self));
}

/* --- "Not you? Start over" -------------------------------------------- */

typedef struct
{
  CurbKioskSession *self;
  guint             visit;
  JsonObject       *event;
} Withdrawal;

static void
withdrawal_free (Withdrawal *withdrawal)
{
  g_object_unref (withdrawal->self);
  json_object_unref (withdrawal->event);
  g_free (withdrawal);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Withdrawal, withdrawal_free)

static const char *
first_result_error (JsonObject *reply)
{
  JsonArray *results = json_object_get_array_member (reply, "results");
  JsonObject *result = results != NULL && json_array_get_length (results) > 0
                       ? json_array_get_object_element (results, 0) : NULL;

  if (result == NULL)
    return "protocol";
  if (g_strcmp0 (json_object_get_string_member_with_default (result, "status", ""), "rejected") != 0)
    return NULL;
  return json_object_get_string_member_with_default (result, "error", "rejected");
}

static void
on_withdraw_posted (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(Withdrawal) withdrawal = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) reply = curb_hub_client_request_finish (CURB_HUB_CLIENT (source), result, &error);
  CurbKioskSession *self = withdrawal->self;
  const char *refused;

  if (reply == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      if (g_error_matches (error, CURB_ERROR, CURB_ERROR_UNAVAILABLE))
        queue_event (self, withdrawal->event);
      else
        g_warning ("The hub did not take the arrival back: %s", error->message);
      curb_kiosk_flow_withdrawn (self->flow, withdrawal->visit);
      return;
    }
  refused = first_result_error (reply);
  if (g_strcmp0 (refused, "already_claimed") == 0)
    {
      curb_kiosk_flow_withdraw_refused (self->flow, withdrawal->visit, NULL);
      return;
    }
  if (refused != NULL)
    g_warning ("The hub did not take the arrival back: %s", refused);
  curb_kiosk_flow_withdrawn (self->flow, withdrawal->visit);
}

static void
on_withdraw (CurbKioskFlow    *flow,
             CurbKioskSession *self)
{
  CurbOrder *order = curb_kiosk_flow_get_order (flow);
  Withdrawal *withdrawal = g_new0 (Withdrawal, 1);
  g_autoptr(JsonArray) events = json_array_new ();
  g_autofree char *id = curb_uuid_new ();

  withdrawal->self = g_object_ref (self);
  withdrawal->visit = curb_kiosk_flow_get_visit (flow);
  withdrawal->event = new_event (id, "withdrawn", curb_order_get_ref (order), curb_now_ms (), json_object_new ());
  json_array_add_object_element (events, json_object_ref (withdrawal->event));
  g_hash_table_remove_all (self->decisions);
  curb_hub_client_post_events_async (self->client, events, self->cancellable, on_withdraw_posted, withdrawal);
}

/* --- the receipt ------------------------------------------------------ */

static void
on_receipt_queued (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(Request) req = user_data;
  g_autoptr(GError) error = NULL;
  CurbKioskSession *self = req->self;
  g_autofree char *blocked = NULL;
  const char *lang = curb_kiosk_flow_get_language (self->flow);

  if (req->visit != curb_kiosk_flow_get_visit (self->flow))
    return;
  if (!curb_printer_station_print_finish (CURB_PRINTER_STATION (source), result, &error))
    {
      g_warning ("Receipt for %s not queued: %s", req->ref, error->message);
      curb_kiosk_flow_set_receipt_note (self->flow, _("Your receipt will be handed to you"));
      return;
    }
  blocked = curb_printer_queue_dup_shopper_message (curb_printer_station_get_queue (self->printer), lang);
  curb_kiosk_flow_set_receipt_note (self->flow, blocked != NULL ? blocked
                                    : _("Your receipt is printing below the screen. Its code opens your digital receipt."));
}

static void
on_receipt_order_ready (GObject      *source,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  g_autoptr(Request) req = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) reply = curb_hub_client_request_finish (CURB_HUB_CLIENT (source), result, &error);
  g_autoptr(JsonNode) order = NULL;
  CurbKioskSession *self = req->self;

  if (reply == NULL || !json_object_has_member (reply, "order"))
    {
      g_warning ("No receipt for %s: %s", req->ref, error != NULL ? error->message : "no order");
      curb_kiosk_flow_set_receipt_note (self->flow, _("Your receipt will be handed to you"));
      return;
    }
  order = json_node_copy (json_object_get_member (reply, "order"));
  curb_printer_station_print_async (self->printer, CURB_PRINT_RECEIPT, order,
                                    curb_kiosk_flow_get_language (self->flow), self->cancellable,
                                    on_receipt_queued, g_steal_pointer (&req));
}

static void
on_print_receipt (CurbKioskFlow    *flow,
                  CurbKioskSession *self)
{
  CurbOrder *order = curb_kiosk_flow_get_order (flow);
  Request *req;

  if (self->printer == NULL || order == NULL)
    return;
  req = request_new (self, curb_kiosk_flow_get_visit (flow));
  req->ref = g_strdup (curb_order_get_ref (order));
  curb_hub_client_get_order_async (self->client, req->ref, self->cancellable,
                                   on_receipt_order_ready, req);
}

static void
on_staff_called (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(CurbKioskSession) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) reply = curb_hub_client_request_finish (CURB_HUB_CLIENT (source), result, &error);

  if (reply != NULL || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  g_warning ("A shopper called for staff and the hub did not take the call: %s", error->message);
  curb_kiosk_flow_staff_call_failed (self->flow);
}

/* "Call staff": every staging station rings, naming this kiosk and the
 * screen the shopper was on (the flow has not left it yet). */
static void
on_call_staff (CurbKioskFlow    *flow,
               CurbKioskSession *self)
{
  g_autoptr(JsonObject) call = json_object_new ();
  CurbOrder *order = curb_kiosk_flow_get_order (flow);

  g_message ("A shopper asked for help at this kiosk");
  g_free (self->call_id);
  self->call_id = curb_uuid_new ();
  json_object_set_string_member (call, "id", self->call_id);
  json_object_set_string_member (call, "screen", curb_kiosk_screen_to_string (curb_kiosk_flow_get_screen (flow)));
  json_object_set_string_member (call, "language", curb_kiosk_flow_get_language (flow));
  if (order != NULL)
    json_object_set_string_member (call, "order_ref", curb_order_get_ref (order));
  curb_hub_client_request_async (self->client, "POST", "/v1/assistance", call, self->cancellable,
                                 on_staff_called, g_object_ref (self));
}

/* The hub tells every device when a call for staff was answered. */
static void
on_stream_notice (CurbHubStream    *stream,
                  JsonObject       *notice,
                  CurbKioskSession *self)
{
  JsonObject *answered;

  if (g_strcmp0 (json_object_get_string_member_with_default (notice, "type", ""), "assistance") != 0
      || !json_object_has_member (notice, "acknowledged")
      || !JSON_NODE_HOLDS_OBJECT (json_object_get_member (notice, "acknowledged")))
    return;
  answered = json_object_get_object_member (notice, "acknowledged");
  if (self->call_id == NULL
      || g_strcmp0 (json_object_get_string_member_with_default (answered, "id", NULL), self->call_id) != 0)
    return;
  curb_kiosk_flow_staff_call_answered (self->flow,
                                       json_object_get_string_member_with_default (answered, "acknowledged_by", NULL));
}

static void
on_reset (CurbKioskFlow    *flow,
          CurbKioskSession *self)
{
  g_hash_table_remove_all (self->decisions);
  g_clear_pointer (&self->arrival_bay, g_free);
}

/* --- the hub's live events and status --------------------------------- */

static void on_status_ready (GObject *source, GAsyncResult *result, gpointer user_data);

/* The wait line on the welcome screen follows arrivals and claims as they
 * happen (one status request at a time), not only every 30 s. */
static void
refresh_queue_status (CurbKioskSession *self)
{
  if (self->status_pending)
    {
      self->status_again = TRUE;
      return;
    }
  self->status_pending = TRUE;
  curb_hub_client_get_status_async (self->client, self->cancellable, on_status_ready, g_object_ref (self));
}

static void
on_stream_event (CurbHubStream    *stream,
                 JsonObject       *event,
                 CurbKioskSession *self)
{
  const char *kind = json_object_get_string_member_with_default (event, "kind", "");
  const char *ref = json_object_get_string_member_with_default (event, "order_ref", NULL);
  JsonObject *data = json_object_get_object_member (event, "data");
  const char *staff = NULL;
  int eta_s = 0;

  if (data != NULL)
    {
      staff = json_object_get_string_member_with_default (data, "staff_name", NULL);
      eta_s = (int) CLAMP (json_object_get_int_member_with_default (data, "eta_s", 0), 0, 24 * 3600);
    }
  if (g_str_equal (kind, "claimed") && eta_s > 0)
    self->last_eta_s = eta_s;
  curb_kiosk_flow_order_event (self->flow, ref, kind, staff, eta_s);
  refresh_queue_status (self);
}

static void
on_stream_connected (CurbHubStream    *stream,
                     CurbKioskSession *self)
{
  g_message ("Connected to the hub's event stream");
  curb_kiosk_flow_set_hub_reachable (self->flow, TRUE);
  flush_outbox (self);
}

static void
on_stream_disconnected (CurbHubStream    *stream,
                        const GError     *error,
                        CurbKioskSession *self)
{
  curb_kiosk_flow_set_hub_reachable (self->flow, FALSE);
}

static void
open_stream (CurbKioskSession *self,
             gint64            after_seq)
{
  if (self->stream != NULL)
    return;
  self->stream = curb_hub_client_open_stream (self->client, after_seq);
  g_signal_connect_object (self->stream, "event", G_CALLBACK (on_stream_event), self, 0);
  g_signal_connect_object (self->stream, "connected", G_CALLBACK (on_stream_connected), self, 0);
  g_signal_connect_object (self->stream, "disconnected", G_CALLBACK (on_stream_disconnected), self, 0);
  g_signal_connect_object (self->stream, "notice", G_CALLBACK (on_stream_notice), self, 0);
  curb_hub_stream_start (self->stream);
}

/* The store id tokens must name: from the hub, remembered for offline starts. */
static void
learn_store_id (CurbKioskSession *self,
                const char       *store_id)
{
  if (store_id == NULL || *store_id == '\0' || g_strcmp0 (store_id, self->store_id) == 0)
    return;
  if (self->store_id != NULL)
    g_warning ("The hub serves store %s, not %s: using the hub's", store_id, self->store_id);
  g_free (self->store_id);
  self->store_id = g_strdup (store_id);
  curb_kiosk_outbox_set_meta (self->outbox, "store_id", store_id);
}

static void
on_status_ready (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(CurbKioskSession) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) reply = curb_hub_client_request_finish (CURB_HUB_CLIENT (source), result, &error);
  int waiting;

  self->status_pending = FALSE;
  if (self->status_again && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      self->status_again = FALSE;
      refresh_queue_status (self);
    }
  if (reply == NULL)
    {
      g_debug ("Hub status: %s", error->message);
      if (g_error_matches (error, CURB_ERROR, CURB_ERROR_UNAVAILABLE))
        curb_kiosk_flow_set_hub_reachable (self->flow, FALSE);
      return;
    }
  open_stream (self, json_object_get_int_member_with_default (reply, "last_seq", 0));
  learn_store_id (self, json_object_get_string_member_with_default (reply, "store_id", NULL));
  waiting = (int) json_object_get_int_member_with_default (reply, "alerts_outstanding", -1);
  curb_kiosk_flow_set_queue_status (self->flow, waiting, waiting > 0 ? self->last_eta_s : 0);
}

static void
on_heartbeat_sent (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  JsonObject *reply = curb_hub_client_request_finish (CURB_HUB_CLIENT (source), result, &error);

  if (reply == NULL)
    g_debug ("Heartbeat not delivered: %s", error->message);
  g_clear_pointer (&reply, json_object_unref);
}

static gboolean
on_status_timer (gpointer data)
{
  CurbKioskSession *self = data;
  g_autoptr(JsonObject) status = json_object_new ();

  refresh_queue_status (self);
  json_object_set_string_member (status, "kind", "app");
  json_object_set_string_member (status, "camera", self->camera_ok ? "ok" : "failed");
  json_object_set_string_member (status, "app_version", CURB_VERSION);
  json_object_set_int_member (status, "outbox_depth", curb_kiosk_outbox_get_depth (self->outbox));
  curb_hub_client_heartbeat_async (self->client, status, self->cancellable, on_heartbeat_sent, NULL);
  return G_SOURCE_CONTINUE;
}

/* --- GObject ------------------------------------------------------------ */

static void
curb_kiosk_session_dispose (GObject *object)
{
  CurbKioskSession *self = CURB_KIOSK_SESSION (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->status_source, g_source_remove);
  g_clear_handle_id (&self->flush_source, g_source_remove);
  if (self->stream != NULL)
    curb_hub_stream_stop (self->stream);
  g_clear_object (&self->stream);
  if (self->source != NULL)
    g_signal_handlers_disconnect_by_data (self->source, self);
  g_clear_object (&self->source);
  if (self->flow != NULL)
    g_signal_handlers_disconnect_by_data (self->flow, self);
  g_clear_object (&self->flow);
  g_clear_object (&self->client);
  g_clear_object (&self->outbox);
  g_clear_object (&self->keyring);
  g_clear_object (&self->printer);
  G_OBJECT_CLASS (curb_kiosk_session_parent_class)->dispose (object);
}

static void
curb_kiosk_session_finalize (GObject *object)
{
  CurbKioskSession *self = CURB_KIOSK_SESSION (object);

  g_clear_object (&self->cancellable);
  g_hash_table_unref (self->decisions);
  g_free (self->store_id);
  g_free (self->unconfirmed_store);
  g_free (self->last_code);
  g_free (self->call_id);
  g_free (self->arrival_bay);
  G_OBJECT_CLASS (curb_kiosk_session_parent_class)->finalize (object);
}

static void
curb_kiosk_session_class_init (CurbKioskSessionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = curb_kiosk_session_dispose;
  object_class->finalize = curb_kiosk_session_finalize;
  signals[OUTBOX_CHANGED] = g_signal_new ("outbox-changed", G_TYPE_FROM_CLASS (klass),
                                          G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                          G_TYPE_NONE, 1, G_TYPE_UINT);
}

static void
curb_kiosk_session_init (CurbKioskSession *self)
{
  self->cancellable = g_cancellable_new ();
  self->decisions = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->camera_ok = TRUE;
}

CurbKioskSession *
curb_kiosk_session_new (CurbKioskFlow   *flow,
                        CurbHubClient   *client,
                        CurbKioskOutbox *outbox)
{
  CurbKioskSession *self;

  g_return_val_if_fail (CURB_IS_KIOSK_FLOW (flow), NULL);
  g_return_val_if_fail (CURB_IS_HUB_CLIENT (client), NULL);
  g_return_val_if_fail (CURB_IS_KIOSK_OUTBOX (outbox), NULL);

  self = g_object_new (CURB_TYPE_KIOSK_SESSION, NULL);
  self->flow = g_object_ref (flow);
  self->client = g_object_ref (client);
  self->outbox = g_object_ref (outbox);
  self->store_id = g_strdup (curb_kiosk_outbox_get_meta (outbox, "store_id"));
  g_signal_connect (flow, "arrival-update", G_CALLBACK (on_arrival_update), self);
  g_signal_connect (flow, "withdraw", G_CALLBACK (on_withdraw), self);
  g_signal_connect (flow, "lookup", G_CALLBACK (on_lookup), self);
  g_signal_connect (flow, "substitution-decided", G_CALLBACK (on_substitution_decided), self);
  g_signal_connect (flow, "reset", G_CALLBACK (on_reset), self);
  g_signal_connect (flow, "call-staff", G_CALLBACK (on_call_staff), self);
  g_signal_connect (flow, "print-receipt", G_CALLBACK (on_print_receipt), self);
  return self;
}

void
curb_kiosk_session_set_keyring (CurbKioskSession *self,
                                CurbKeyring      *keyring,
                                const char       *store_id)
{
  g_return_if_fail (CURB_IS_KIOSK_SESSION (self));
  g_set_object (&self->keyring, keyring);
  if (store_id != NULL)
    {
      g_free (self->store_id);
      self->store_id = g_strdup (store_id);
    }
}

void
curb_kiosk_session_set_code_source (CurbKioskSession *self,
                                    CurbCodeSource   *source)
{
  g_return_if_fail (CURB_IS_KIOSK_SESSION (self));
  g_return_if_fail (self->source == NULL);

  self->source = g_object_ref (source);
  g_signal_connect (source, "code", G_CALLBACK (on_code), self);
  g_signal_connect (source, "error", G_CALLBACK (on_camera_error), self);
  g_signal_connect (source, "recovered", G_CALLBACK (on_camera_recovered), self);
}

void
curb_kiosk_session_start (CurbKioskSession *self)
{
  g_return_if_fail (CURB_IS_KIOSK_SESSION (self));

  if (self->status_source != 0)
    return;
  on_status_timer (self);
  self->status_source = g_timeout_add_seconds (STATUS_INTERVAL_S, on_status_timer, self);
  self->flush_source = g_timeout_add_seconds (FLUSH_INTERVAL_S, on_flush_timer, self);
}

void
curb_kiosk_session_flush_outbox (CurbKioskSession *self)
{
  g_return_if_fail (CURB_IS_KIOSK_SESSION (self));
  flush_outbox (self);
}

guint
curb_kiosk_session_get_outbox_depth (CurbKioskSession *self)
{
  g_return_val_if_fail (CURB_IS_KIOSK_SESSION (self), 0);
  return curb_kiosk_outbox_get_depth (self->outbox);
}

gboolean
curb_kiosk_session_get_stream_connected (CurbKioskSession *self)
{
  g_return_val_if_fail (CURB_IS_KIOSK_SESSION (self), FALSE);
  return self->stream != NULL && curb_hub_stream_is_connected (self->stream);
}

void
curb_kiosk_session_set_printer (CurbKioskSession   *self,
                                CurbPrinterStation *printer)
{
  g_return_if_fail (CURB_IS_KIOSK_SESSION (self));
  g_set_object (&self->printer, printer);
}
