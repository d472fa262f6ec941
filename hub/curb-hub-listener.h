#pragma once

#include <libsoup/soup.h>

G_BEGIN_DECLS

/* What one client may hold; the defaults fit systemd's 1,024 descriptors. */
typedef struct
{
  guint handshake_timeout_s;        /* accept → TLS established */
  guint idle_timeout_s;             /* a connection with nothing to read or write */
  guint max_pending_per_address;    /* handshakes under way; the oldest gives way */
  guint max_pending;
  guint max_per_address;            /* established connections */
  guint max_connections;
} CurbHubLimits;

void curb_hub_limits_init_defaults (CurbHubLimits *limits);

/*
 * The hub's own accept loop in front of its SoupServer. A TLS handshake only
 * starts once the client's whole first record has arrived (so a silent or
 * byte-a-second client never holds a worker thread), has a deadline, and
 * handshakes under way are capped per address and in all, the oldest giving
 * way to new ones; established connections are capped per address and in
 * all, and time out when idle. Shutting down ends every connection at once,
 * whatever its client does.
 */
#define CURB_TYPE_HUB_LISTENER (curb_hub_listener_get_type ())
G_DECLARE_FINAL_TYPE (CurbHubListener, curb_hub_listener, CURB, HUB_LISTENER, GObject)

/* @certificate: (nullable): plain HTTP without one */
CurbHubListener *curb_hub_listener_new        (SoupServer          *server,
                                               GTlsCertificate     *certificate,
                                               const CurbHubLimits *limits);
gboolean         curb_hub_listener_listen     (CurbHubListener     *self,
                                               GSocketAddress      *address,
                                               GError             **error);
guint            curb_hub_listener_get_port   (CurbHubListener     *self);
void             curb_hub_listener_set_certificate (CurbHubListener *self,
                                                    GTlsCertificate *certificate);
guint            curb_hub_listener_get_n_pending     (CurbHubListener *self);
guint            curb_hub_listener_get_n_established (CurbHubListener *self);
/* Stops accepting and shuts every connection down (pending and served). */
void             curb_hub_listener_shutdown   (CurbHubListener     *self);

G_END_DECLS
