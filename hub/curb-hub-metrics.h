#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/* The hub's counters and histograms, rendered in Prometheus text format.
 * Gauges that are read from live state are appended by the caller with
 * curb_hub_metrics_append_gauge(). */
#define CURB_TYPE_HUB_METRICS (curb_hub_metrics_get_type ())
G_DECLARE_FINAL_TYPE (CurbHubMetrics, curb_hub_metrics, CURB, HUB_METRICS, GObject)

CurbHubMetrics *curb_hub_metrics_new                (void) G_GNUC_WARN_UNUSED_RESULT;
void            curb_hub_metrics_count_checkin      (CurbHubMetrics *self);
void            curb_hub_metrics_count_rejection    (CurbHubMetrics *self,
                                                     const char     *reason);
void            curb_hub_metrics_count_request      (CurbHubMetrics *self,
                                                     guint           status);
void            curb_hub_metrics_observe_alert_to_claim (CurbHubMetrics *self,
                                                         double          seconds);
guint64         curb_hub_metrics_get_checkins       (CurbHubMetrics *self);
void            curb_hub_metrics_render             (CurbHubMetrics *self,
                                                     GString        *out);

/* One gauge sample; @labels is e.g. "device=\"kiosk-1\"" or NULL. @help is
 * written (with the TYPE line) when not NULL. */
void            curb_hub_metrics_append_gauge       (GString        *out,
                                                     const char     *name,
                                                     const char     *help,
                                                     const char     *labels,
                                                     double          value);
/* Escapes a label value (\\, \" and \n). */
char           *curb_hub_metrics_escape_label       (const char     *value) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
