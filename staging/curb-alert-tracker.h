#pragma once

#include <glib-object.h>

#include "curb-order-model.h"

G_BEGIN_DECLS

typedef enum
{
  CURB_ALERT_LEVEL_NONE,
  CURB_ALERT_LEVEL_RINGING,
  CURB_ALERT_LEVEL_ESCALATED,
} CurbAlertLevel;

#define CURB_TYPE_ALERT_TRACKER (curb_alert_tracker_get_type ())
G_DECLARE_FINAL_TYPE (CurbAlertTracker, curb_alert_tracker, CURB, ALERT_TRACKER, GObject)

CurbAlertTracker *curb_alert_tracker_new             (gint64            repeat_ms,
                                                      gint64            escalate_ms) G_GNUC_WARN_UNUSED_RESULT;
void              curb_alert_tracker_update_order    (CurbAlertTracker *self,
                                                      CurbOrder        *order,
                                                      gint64            now_ms);
void              curb_alert_tracker_forget          (CurbAlertTracker *self,
                                                      const char       *ref);
void              curb_alert_tracker_ring_for        (CurbAlertTracker *self,
                                                      const char       *key,
                                                      gint64            since_ms,
                                                      gint64            now_ms);
GPtrArray        *curb_alert_tracker_dup_keys        (CurbAlertTracker *self) G_GNUC_WARN_UNUSED_RESULT;
void              curb_alert_tracker_tick            (CurbAlertTracker *self,
                                                      gint64            now_ms);
CurbAlertLevel    curb_alert_tracker_get_level       (CurbAlertTracker *self,
                                                      const char       *ref);
guint             curb_alert_tracker_get_n_ringing   (CurbAlertTracker *self);
guint             curb_alert_tracker_get_n_escalated (CurbAlertTracker *self);
guint64           curb_alert_tracker_get_escalations_total (CurbAlertTracker *self);
gint64            curb_alert_tracker_get_next_due    (CurbAlertTracker *self);

G_END_DECLS
