#pragma once

#include <gio/gio.h>

#include "curb-event.h"
#include "curb-hub-listener.h"
#include "curb-keyring.h"
#include "curb-store.h"
#include "curb-sync.h"

G_BEGIN_DECLS

/**
 * CurbHub:
 *
 * The store hub's LAN API (docs/hub-api.md): HTTPS + WebSocket on a
 * #SoupServer, device and staff authentication, check-ins, lookups, staff
 * actions, the event stream, /healthz and /metrics. The single writer of
 * the #CurbStore it is given.
 */
#define CURB_TYPE_HUB (curb_hub_get_type ())
G_DECLARE_FINAL_TYPE (CurbHub, curb_hub, CURB, HUB, GObject)

CurbHub    *curb_hub_new                 (CurbStore       *store,
                                          CurbKeyring     *keyring,
                                          const char      *store_id) G_GNUC_WARN_UNUSED_RESULT;
/* NULL serves plain HTTP, which curb_hub_listen() allows on loopback only. */
void        curb_hub_set_tls_certificate (CurbHub         *self,
                                          GTlsCertificate *certificate);
void        curb_hub_set_keyring         (CurbHub         *self,
                                          CurbKeyring     *keyring);
void        curb_hub_set_lookup_limits   (CurbHub         *self,
                                          guint            per_device_per_minute,
                                          guint            per_store_per_minute);
/* Seconds an arrival may ring unclaimed before the board lists it as
 * escalated (default 90). */
void        curb_hub_set_alert_escalation (CurbHub        *self,
                                           guint           seconds);
/* Events a stream subscriber may leave unacknowledged before it is dropped. */
void        curb_hub_set_stream_window   (CurbHub         *self,
                                          guint            window);
/* Event streams one device may hold; a new one closes its oldest (4). */
void        curb_hub_set_streams_per_device (CurbHub *self,
                                             guint    max);
/* Connection limits (curb-hub-listener.h); before curb_hub_listen(). */
void        curb_hub_set_limits          (CurbHub             *self,
                                          const CurbHubLimits *limits);
/* The sync with central: its state shows in /v1/status and /metrics, the
 * events it stores are streamed, central's keys join the keyring, and
 * every store event kicks its outbox pusher. */
void        curb_hub_set_sync            (CurbHub         *self,
                                          CurbSync        *sync);

gboolean    curb_hub_listen              (CurbHub         *self,
                                          const char      *address,
                                          guint            port,
                                          GError         **error);
guint       curb_hub_get_port            (CurbHub         *self);
/* "https://127.0.0.1:PORT" (or http://) once listening. */
char       *curb_hub_get_url             (CurbHub         *self) G_GNUC_WARN_UNUSED_RESULT;
void        curb_hub_shutdown            (CurbHub         *self);

CurbStore  *curb_hub_get_store           (CurbHub         *self);
/* Fans an event stored by someone else (e.g. the sync) out to the stream. */
void        curb_hub_publish_event       (CurbHub         *self,
                                          CurbEvent       *event);
guint       curb_hub_get_n_subscribers   (CurbHub         *self);
/* The /metrics page (Prometheus text format). */
char       *curb_hub_render_metrics      (CurbHub         *self) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
