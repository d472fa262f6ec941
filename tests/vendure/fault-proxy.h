#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A TCP proxy on 127.0.0.1 (port 0) in front of an upstream port. Armed,
 * it forwards the next request that contains a given text, waits until the
 * upstream starts answering (so the request was carried out), then drops both
 * connections without passing the answer on: a lost reply. */
typedef struct _FaultProxy FaultProxy;

FaultProxy *fault_proxy_new        (guint16     upstream_port);
guint16     fault_proxy_get_port   (FaultProxy *self);
void        fault_proxy_arm        (FaultProxy *self,
                                    const char *request_text);
guint       fault_proxy_get_drops  (FaultProxy *self);
void        fault_proxy_free       (FaultProxy *self);

G_END_DECLS
