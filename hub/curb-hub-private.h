#pragma once

#include <libsoup/soup.h>

#include "curb-event-broker.h"
#include "curb-hub-http.h"
#include "curb-hub-listener.h"
#include "curb-hub-metrics.h"
#include "curb-hub.h"
#include "curb-rate-limiter.h"

G_BEGIN_DECLS

#define CURB_HUB_STAFF_HEADER "X-Curbside-Staff-Session"

typedef enum
{
  CURB_HUB_AUTH_NONE,      /* anyone on the LAN */
  CURB_HUB_AUTH_DEVICE,    /* any enrolled device */
  CURB_HUB_AUTH_STAGING,   /* a staging (or admin) device */
  CURB_HUB_AUTH_STAFF,     /* a staging device with a staff session */
} CurbHubAuth;

/* Who is asking: filled in by the router before a handler runs. */
typedef struct
{
  char           *device_id;
  CurbDeviceRole  role;
  char           *staff_id;       /* with a staff session */
  char           *staff_name;
} CurbHubCaller;

typedef void (*CurbHubHandler) (CurbHub           *hub,
                                SoupServerMessage *msg,
                                CurbHubCaller     *caller,
                                const char        *ref,
                                const char        *action);

struct _CurbHub
{
  GObject          parent_instance;
  CurbStore       *store;
  CurbKeyring     *keyring;
  char            *store_id;
  GTlsCertificate *certificate;
  SoupServer      *server;
  CurbHubListener *listener;
  CurbHubLimits    limits;
  char            *url;
  CurbEventBroker *broker;
  CurbHubMetrics  *metrics;
  CurbRateLimiter *lookup_per_device;
  CurbRateLimiter *lookup_global;
  CurbRateLimiter *sign_in_limiter;
  CurbRateLimiter *enroll_limiter;  /* per client address */
  GHashTable      *lockouts;        /* staff id -> failed sign-ins (curb-hub-sign-in.c) */
  GBytes          *ticket_key;      /* signs lookup tickets; kept in the store's meta */
  CurbSync        *sync;
  GPtrArray       *pending_writes;  /* group commit queue (curb-hub-writer.c) */
  guint            flush_id;
  guint            revocation_id;
  gint64           started_ms;
  guint            escalation_s;
  GHashTable      *help_calls;      /* call id -> JsonObject: open calls for staff */
  guint64          help_calls_total;
};

/* curb-hub.c */
gboolean    curb_hub_authorize       (CurbHub           *self,
                                      SoupServerMessage *msg,
                                      CurbHubCaller     *caller,
                                      CurbHubAuth        auth);
/* Publishes @event on the stream with its order (read from the store). */
void        curb_hub_broadcast       (CurbHub    *self,
                                      CurbEvent  *event);
/* The same with the order already at hand (hub-API shape). */
void        curb_hub_broadcast_order (CurbHub    *self,
                                      CurbEvent  *event,
                                      JsonObject *order);
void        curb_hub_log_event       (CurbHub    *self,
                                      CurbEvent  *event,
                                      const char *what);

/* curb-hub-orders.c */
void curb_hub_handle_checkin   (CurbHub *hub, SoupServerMessage *msg, CurbHubCaller *caller,
                                const char *ref, const char *action);
void curb_hub_handle_lookup    (CurbHub *hub, SoupServerMessage *msg, CurbHubCaller *caller,
                                const char *ref, const char *action);
void curb_hub_handle_order     (CurbHub *hub, SoupServerMessage *msg, CurbHubCaller *caller,
                                const char *ref, const char *action);
void curb_hub_handle_orders    (CurbHub *hub, SoupServerMessage *msg, CurbHubCaller *caller,
                                const char *ref, const char *action);
/* The order a token (valid at @at_s) or this device's lookup ticket is for;
 * %CURB_ERROR_INVALID unless exactly one is given, %CURB_ERROR_UNAUTHORIZED
 * for a bad ticket, the token verifier's errors. */
char *curb_hub_checkin_ref (CurbHub *hub, CurbHubCaller *caller, const char *token,
                            const char *ticket_id, gint64 at_s, GError **error);

/* curb-hub-events.c */
void curb_hub_handle_events    (CurbHub *hub, SoupServerMessage *msg, CurbHubCaller *caller,
                                const char *ref, const char *action);
/* Replies with a store refusal, with the current order when it helps. */
void curb_hub_reply_refused (CurbHub *hub, SoupServerMessage *msg, CurbEvent *event,
                             const GError *error);

/* curb-hub-writer.c: @order is the order after the event, or NULL after the
 * refusal was already replied; the callback replies on success. */
typedef void (*CurbHubAppliedFunc) (CurbHub *hub, SoupServerMessage *msg, CurbEvent *event,
                                    JsonObject *order, gboolean replayed, gpointer data);
/* Pauses @msg and appends @event with the next group commit. */
void curb_hub_queue_event   (CurbHub *hub, SoupServerMessage *msg, CurbEvent *event,
                             CurbHubAppliedFunc done, gpointer data, GDestroyNotify destroy);
void curb_hub_flush_writes  (CurbHub *hub);
GPtrArray *curb_hub_write_queue_new (void);
/* A new event of @kind by @caller with the body's optional "event_id" and
 * "at"; NULL after replying 400. */
CurbEvent *curb_hub_event_from_body (SoupServerMessage *msg, JsonObject *body, CurbEventKind kind,
                                     const char *ref, CurbHubCaller *caller, JsonObject *data);
JsonArray *curb_hub_outstanding_alerts (JsonArray *orders);
/* {order, event, replayed} */
void curb_hub_reply_applied (CurbHub *hub, SoupServerMessage *msg, JsonObject *order, CurbEvent *event,
                             gboolean replayed, JsonObject *extra);

/* curb-hub-sign-in.c */
void curb_hub_handle_staff_session (CurbHub *hub, SoupServerMessage *msg, CurbHubCaller *caller,
                                    const char *ref, const char *action);
void curb_hub_handle_staff_sign_out (CurbHub *hub, SoupServerMessage *msg, CurbHubCaller *caller,
                                     const char *ref, const char *action);
/* Fills in @caller's staff from a live session of its device. */
gboolean curb_hub_staff_session_check (CurbHub *hub, const char *token, const char *device_id,
                                       CurbHubCaller *caller);
GHashTable *curb_hub_lockouts_new (void);

/* curb-hub-staff.c */
void curb_hub_handle_action        (CurbHub *hub, SoupServerMessage *msg, CurbHubCaller *caller,
                                    const char *ref, const char *action);
gboolean curb_hub_kiosk_checked_in (CurbHub *hub, const char *ref, const char *device_id);
gboolean curb_hub_order_needs_id_check (CurbHub *hub, const char *ref, JsonNode *not_taken);

/* curb-hub-assistance.c: "Call staff" from a kiosk */
void curb_hub_handle_assistance_request     (CurbHub *hub, SoupServerMessage *msg, CurbHubCaller *caller,
                                             const char *ref, const char *action);
void curb_hub_handle_assistance_list        (CurbHub *hub, SoupServerMessage *msg, CurbHubCaller *caller,
                                             const char *ref, const char *action);
void curb_hub_handle_assistance_acknowledge (CurbHub *hub, SoupServerMessage *msg, CurbHubCaller *caller,
                                             const char *id, const char *action);
void        curb_hub_load_assistance            (CurbHub *hub);
JsonObject *curb_hub_assistance_status          (CurbHub *hub);
void        curb_hub_append_assistance_metrics  (CurbHub *hub, GString *out);

/* curb-hub-sync.c */
JsonObject *curb_hub_sync_status         (CurbHub *self);
/* Tells streams that the store-level central alerts changed ({"type": "central_alert"}). */
void        curb_hub_notify_central_alert (CurbHub    *self,
                                           const char *ref);
void        curb_hub_append_sync_metrics (CurbHub *self,
                                          GString *out);

/* curb-hub-devices.c */
void curb_hub_handle_enroll    (CurbHub *hub, SoupServerMessage *msg, CurbHubCaller *caller,
                                const char *ref, const char *action);
/* curb-hub-sync.c: central says orders changed; the hub pulls now. */
void curb_hub_handle_hint (CurbHub *hub, SoupServerMessage *msg, CurbHubCaller *caller,
                           const char *unused_ref, const char *unused_action);
void curb_hub_handle_heartbeat (CurbHub *hub, SoupServerMessage *msg, CurbHubCaller *caller,
                                const char *ref, const char *action);
void curb_hub_handle_devices   (CurbHub *hub, SoupServerMessage *msg, CurbHubCaller *caller,
                                const char *ref, const char *action);
void curb_hub_handle_status    (CurbHub *hub, SoupServerMessage *msg, CurbHubCaller *caller,
                                const char *ref, const char *action);
void curb_hub_handle_healthz   (CurbHub *hub, SoupServerMessage *msg, CurbHubCaller *caller,
                                const char *ref, const char *action);
void curb_hub_handle_metrics   (CurbHub *hub, SoupServerMessage *msg, CurbHubCaller *caller,
                                const char *ref, const char *action);

/* curb-hub-device-metrics.c: per-device series from curb_store_list_devices()
 * with "online" set. */
void curb_hub_append_device_metrics (GString   *out,
                                     JsonArray *devices);

G_END_DECLS
