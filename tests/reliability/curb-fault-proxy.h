#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * A fault-injecting HTTP/1.1 proxy on 127.0.0.1 for the WAN tests: one
 * request per connection (it answers "Connection: close"), each request
 * meets one fault drawn from a weighted mix. Runs in its own threads with
 * blocking sockets, so the test's main loop stays free for the store's
 * sync engine and the in-process central.
 */

typedef enum
{
  CURB_PROXY_PASS,          /* forwarded, answered */
  CURB_PROXY_LATENCY,       /* forwarded, answered after the latency */
  CURB_PROXY_RESET_AFTER,   /* forwarded and processed by central; the client gets a reset */
  CURB_PROXY_TRUNCATE,      /* forwarded; the client gets half the body, then EOF */
  CURB_PROXY_STATUS_500,    /* not forwarded: 500 with a JSON body */
  CURB_PROXY_RATE_LIMIT,    /* not forwarded: 429 with Retry-After: 1 */
  CURB_PROXY_FAULT_COUNT,
} CurbProxyFault;

typedef enum
{
  CURB_PROXY_UP,
  CURB_PROXY_DOWN_REFUSE,     /* connections reset at once (router up, central gone) */
  CURB_PROXY_DOWN_BLACKHOLE,  /* connections accepted, never answered (cable pulled upstream) */
} CurbProxyOutage;

typedef struct _CurbFaultProxy CurbFaultProxy;

CurbFaultProxy *curb_fault_proxy_new         (guint            upstream_port);
/* A plain TCP relay (TLS passes through) that resets every connection
 * after a random lifetime in [@cut_min_ms, @cut_max_ms]. */
CurbFaultProxy *curb_fault_proxy_new_relay   (guint            upstream_port,
                                              guint            cut_min_ms,
                                              guint            cut_max_ms);
guint64         curb_fault_proxy_get_cuts    (CurbFaultProxy  *proxy);
void            curb_fault_proxy_free        (CurbFaultProxy  *proxy);
guint           curb_fault_proxy_get_port    (CurbFaultProxy  *proxy);
/* Weights per CurbProxyFault (all zero but PASS by default). */
void            curb_fault_proxy_set_mix     (CurbFaultProxy  *proxy,
                                              const guint     *weights,
                                              guint32          seed);
void            curb_fault_proxy_set_latency (CurbFaultProxy  *proxy,
                                              guint            latency_ms);
void            curb_fault_proxy_set_outage  (CurbFaultProxy  *proxy,
                                              CurbProxyOutage  outage);
/* Requests that met each fault so far; connections turned away by outages. */
void            curb_fault_proxy_get_counts  (CurbFaultProxy  *proxy,
                                              guint64         *out_counts,
                                              guint64         *out_refused);
const char     *curb_proxy_fault_to_string   (CurbProxyFault   fault);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CurbFaultProxy, curb_fault_proxy_free)

G_END_DECLS
