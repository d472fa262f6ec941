#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/**
 * CurbHubClient:
 *
 * The async client of the hub's LAN API (docs/hub-api.md), used by the
 * kiosk, the staging station and curbside-ctl.
 *
 * Every request method has an `_async`/`_finish` pair. `_finish` returns the
 * hub's JSON response object (transfer full) or %NULL with a #GError in the
 * %CURB_ERROR domain: the code is mapped from the hub's `"error"` reason
 * (e.g. %CURB_ERROR_TOKEN_EXPIRED, %CURB_ERROR_ALREADY_CLAIMED,
 * %CURB_ERROR_RATE_LIMITED), %CURB_ERROR_UNAVAILABLE when the hub could not
 * be reached. The full error body (with extra members such as `"order"`,
 * `"claimed_by"` or `"retry_after_s"`) is available from
 * curb_hub_client_get_error_body() on the same #GAsyncResult.
 *
 * TLS: the hub serves a self-signed certificate. Pin it with
 * curb_hub_client_set_pinned_certificate() (SHA-256 of the certificate's DER,
 * as printed by `curbside-hub --fingerprint`), or trust a CA/certificate file
 * with curb_hub_client_set_ca_file(). Without either, only certificates that
 * the system trusts are accepted.
 */
#define CURB_TYPE_HUB_CLIENT (curb_hub_client_get_type ())
G_DECLARE_FINAL_TYPE (CurbHubClient, curb_hub_client, CURB, HUB_CLIENT, GObject)

/**
 * CurbHubStream:
 *
 * A live subscription to the hub's event stream (`/v1/stream`). It reconnects
 * by itself with backoff and resumes after the last sequence number it
 * delivered, so a subscriber sees every event once, in order.
 *
 * Signals:
 * - `event` (JsonObject *event): one event, with its `seq`.
 * - `connected`: the WebSocket is open (after every reconnect, too).
 * - `disconnected` (const GError *error): the connection dropped; it will
 *   reconnect unless stopped.
 * - `orders-changed` (GStrv refs): central sent new or changed orders
 *   (refresh them with GET /v1/orders/{ref} or the board).
 */
#define CURB_TYPE_HUB_STREAM (curb_hub_stream_get_type ())
G_DECLARE_FINAL_TYPE (CurbHubStream, curb_hub_stream, CURB, HUB_STREAM, GObject)

CurbHubClient *curb_hub_client_new                    (const char     *base_url) G_GNUC_WARN_UNUSED_RESULT;
const char    *curb_hub_client_get_base_url           (CurbHubClient  *self);
void           curb_hub_client_set_pinned_certificate (CurbHubClient  *self,
                                                       const char     *sha256_fingerprint);
gboolean       curb_hub_client_set_ca_file            (CurbHubClient  *self,
                                                       const char     *path,
                                                       GError        **error);
void           curb_hub_client_set_credential         (CurbHubClient  *self,
                                                       const char     *credential);
void           curb_hub_client_set_staff_session      (CurbHubClient  *self,
                                                       const char     *session_token);
void           curb_hub_client_set_timeout            (CurbHubClient  *self,
                                                       guint           seconds);

JsonObject    *curb_hub_client_get_error_body         (GAsyncResult   *result);

/* POST /v1/enroll {code, name} -> {device_id, role, credential} */
void        curb_hub_client_enroll_async          (CurbHubClient       *self,
                                                   const char          *code,
                                                   const char          *device_name,
                                                   GCancellable        *cancellable,
                                                   GAsyncReadyCallback  callback,
                                                   gpointer             user_data);
/**
 * curb_hub_client_enroll_to_file:
 * @path: where the device keeps its credential (written 0600, its folder 0700)
 *
 * Enrolls with a one-time code from the hub and keeps the credential in
 * @path, then uses it. For a program's start, before any window exists:
 * it iterates the thread-default main context until the hub answers.
 *
 * Returns: (transfer full): the device id the hub gave, or %NULL
 */
char       *curb_hub_client_enroll_to_file        (CurbHubClient       *self,
                                                   const char          *code,
                                                   const char          *device_name,
                                                   const char          *path,
                                                   GError             **error) G_GNUC_WARN_UNUSED_RESULT;
/* Uses the credential kept in @path (white space stripped); a file that
 * cannot be read is an error (G_FILE_ERROR_NOENT when there is none yet). */
gboolean    curb_hub_client_load_credential       (CurbHubClient       *self,
                                                   const char          *path,
                                                   GError             **error);
/* POST /v1/checkins {token | ticket, bay?, event_id, at} -> {order, event, eta_s, replayed};
 * @bay may be %NULL: checked in on the scan, the bay follows as bay_chosen. */
void        curb_hub_client_checkin_async         (CurbHubClient       *self,
                                                   const char          *token_or_ticket,
                                                   gboolean             is_ticket,
                                                   const char          *bay,
                                                   const char          *event_id,
                                                   gint64               at_ms,
                                                   GCancellable        *cancellable,
                                                   GAsyncReadyCallback  callback,
                                                   gpointer             user_data);
/* POST /v1/lookup {ref, surname | phone_last4} -> {order, ticket} */
void        curb_hub_client_lookup_async          (CurbHubClient       *self,
                                                   const char          *ref,
                                                   const char          *surname,
                                                   const char          *phone_last4,
                                                   GCancellable        *cancellable,
                                                   GAsyncReadyCallback  callback,
                                                   gpointer             user_data);
/* GET /v1/orders/{ref} -> {order} */
void        curb_hub_client_get_order_async       (CurbHubClient       *self,
                                                   const char          *ref,
                                                   GCancellable        *cancellable,
                                                   GAsyncReadyCallback  callback,
                                                   gpointer             user_data);
/* The same for a kiosk, proving with the shopper's pickup code that it may
 * read the order (the hub answers 404 otherwise, unless this kiosk checked
 * the order in). */
void        curb_hub_client_get_order_for_code_async (CurbHubClient       *self,
                                                      const char          *ref,
                                                      const char          *token,
                                                      GCancellable        *cancellable,
                                                      GAsyncReadyCallback  callback,
                                                      gpointer             user_data);
/* GET /v1/orders?view=board -> {orders, alerts, last_seq} */
void        curb_hub_client_get_board_async       (CurbHubClient       *self,
                                                   GCancellable        *cancellable,
                                                   GAsyncReadyCallback  callback,
                                                   gpointer             user_data);
/* POST /v1/staff/session {staff_id, pin} or {badge} -> {session, staff, expires_at};
 * on success the client keeps the session for later staff actions. */
void        curb_hub_client_staff_sign_in_async   (CurbHubClient       *self,
                                                   const char          *staff_id,
                                                   const char          *pin,
                                                   const char          *badge,
                                                   GCancellable        *cancellable,
                                                   GAsyncReadyCallback  callback,
                                                   gpointer             user_data);

/**
 * CurbHubAction:
 *
 * Staff (and, for substitutions, kiosk) actions on one order:
 * `POST /v1/orders/{ref}/{action}`.
 */
typedef enum
{
  CURB_HUB_ACTION_CLAIM,                 /* claim         {}                                  */
  CURB_HUB_ACTION_RELEASE,               /* release       {reason?}                           */
  CURB_HUB_ACTION_STAGE,                 /* stage         {locations, bags}                   */
  CURB_HUB_ACTION_HANDOVER,              /* handover      {id_checked, proof?, not_taken?}    */
  CURB_HUB_ACTION_NO_SHOW,               /* no-show       {reason?}                           */
  CURB_HUB_ACTION_RETURN_TO_STOCK,       /* return-to-stock {reason?}                         */
  CURB_HUB_ACTION_DECIDE_SUBSTITUTION,   /* substitutions {substitution_id, approved}         */
} CurbHubAction;

const char *curb_hub_action_path (CurbHubAction action);

/* @body: the action's members (may be NULL); "event_id" and "at" are added
 * when absent so a retry of the same call is idempotent.
 * -> {order, event, replayed} */
void        curb_hub_client_action_async          (CurbHubClient       *self,
                                                   const char          *ref,
                                                   CurbHubAction        action,
                                                   JsonObject          *body,
                                                   GCancellable        *cancellable,
                                                   GAsyncReadyCallback  callback,
                                                   gpointer             user_data);
/* POST /v1/events {events: [...]} -> {results: [{id, status, seq | error}]} */
void        curb_hub_client_post_events_async     (CurbHubClient       *self,
                                                   JsonArray           *events,
                                                   GCancellable        *cancellable,
                                                   GAsyncReadyCallback  callback,
                                                   gpointer             user_data);
/* POST /v1/heartbeat {camera, printer, app_version, ...} -> {ok, server_time} */
void        curb_hub_client_heartbeat_async       (CurbHubClient       *self,
                                                   JsonObject          *status,
                                                   GCancellable        *cancellable,
                                                   GAsyncReadyCallback  callback,
                                                   gpointer             user_data);
/* GET /v1/devices -> {devices} */
void        curb_hub_client_get_devices_async     (CurbHubClient       *self,
                                                   GCancellable        *cancellable,
                                                   GAsyncReadyCallback  callback,
                                                   gpointer             user_data);
/* GET /v1/status -> {store_id, sync, outbox_depth, devices, alerts_outstanding, last_seq} */
void        curb_hub_client_get_status_async      (CurbHubClient       *self,
                                                   GCancellable        *cancellable,
                                                   GAsyncReadyCallback  callback,
                                                   gpointer             user_data);

/* Finishes any of the calls above. */
JsonObject *curb_hub_client_request_finish        (CurbHubClient       *self,
                                                   GAsyncResult        *result,
                                                   GError             **error) G_GNUC_WARN_UNUSED_RESULT;

/* Generic request, for routes without a wrapper: @body may be NULL (GET). */
void        curb_hub_client_request_async         (CurbHubClient       *self,
                                                   const char          *method,
                                                   const char          *path,
                                                   JsonObject          *body,
                                                   GCancellable        *cancellable,
                                                   GAsyncReadyCallback  callback,
                                                   gpointer             user_data);

/* The stream: created stopped; curb_hub_stream_start() connects. */
CurbHubStream *curb_hub_client_open_stream  (CurbHubClient *self,
                                             gint64         after_seq) G_GNUC_WARN_UNUSED_RESULT;
void           curb_hub_stream_start        (CurbHubStream *self);
void           curb_hub_stream_stop         (CurbHubStream *self);
gboolean       curb_hub_stream_is_connected (CurbHubStream *self);
gint64         curb_hub_stream_get_last_seq (CurbHubStream *self);

G_END_DECLS
