#pragma once

#include "curb-hub.h"

G_BEGIN_DECLS

/* Writes the hub's metrics to a node-exporter textfile (e.g.
 * /var/lib/prometheus/node-exporter/curbside.prom) every few seconds,
 * atomically: a temporary file in the same folder, renamed over the old one,
 * so node-exporter never reads half a file. Mode 0644 whatever the umask. */
#define CURB_TYPE_METRICS_TEXTFILE (curb_metrics_textfile_get_type ())
G_DECLARE_FINAL_TYPE (CurbMetricsTextfile, curb_metrics_textfile, CURB, METRICS_TEXTFILE, GObject)

CurbMetricsTextfile *curb_metrics_textfile_new   (CurbHub             *hub,
                                                  const char          *path,
                                                  guint                interval_s) G_GNUC_WARN_UNUSED_RESULT;
const char          *curb_metrics_textfile_get_path (CurbMetricsTextfile *self);
/* Writes now, then every interval until the object is disposed. */
void                 curb_metrics_textfile_start (CurbMetricsTextfile *self);
gboolean             curb_metrics_textfile_write (CurbMetricsTextfile *self,
                                                  GError             **error);

G_END_DECLS
