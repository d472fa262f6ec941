#include "curb-alert-tracker.h"

typedef struct
{
  gint64   started_at;
  gint64   last_ring;
  gboolean escalated;
} Alert;

struct _CurbAlertTracker
{
  GObject     parent_instance;

  GHashTable *alerts;          /* ref → Alert */
  gint64      repeat_ms;
  gint64      escalate_ms;
  guint64     escalations_total;
};

G_DEFINE_FINAL_TYPE (CurbAlertTracker, curb_alert_tracker, G_TYPE_OBJECT)

enum { STARTED, RING, ESCALATED, SILENCED, N_SIGNALS };
static guint signals[N_SIGNALS];

static gboolean
is_due_to_escalate (CurbAlertTracker *self,
                    Alert            *alert,
                    gint64            now_ms)
{
  return !alert->escalated && self->escalate_ms > 0
         && now_ms - alert->started_at >= self->escalate_ms;
}

static void
ring (CurbAlertTracker *self,
      const char       *ref,
      Alert            *alert,
      gint64            now_ms)
{
  if (is_due_to_escalate (self, alert, now_ms))
    {
      alert->escalated = TRUE;
      self->escalations_total++;
      g_signal_emit (self, signals[ESCALATED], 0, ref);
    }
  alert->last_ring = now_ms;
  g_signal_emit (self, signals[RING], 0, ref,
                 alert->escalated ? CURB_ALERT_LEVEL_ESCALATED : CURB_ALERT_LEVEL_RINGING);
}

/* @since_ms is the hub's time (arrival, call for help), so a restarted
 * station resumes the same alert: same age, same escalation. */
static void
start_alert (CurbAlertTracker *self,
             const char       *key,
             gint64            since_ms,
             gint64            now_ms)
{
  Alert *alert = g_new0 (Alert, 1);

  alert->started_at = since_ms > 0 && since_ms <= now_ms ? since_ms : now_ms;
  g_hash_table_insert (self->alerts, g_strdup (key), alert);
  g_signal_emit (self, signals[STARTED], 0, key);
  ring (self, key, alert, now_ms);
}

static void
curb_alert_tracker_finalize (GObject *object)
{
  CurbAlertTracker *self = CURB_ALERT_TRACKER (object);

  g_hash_table_unref (self->alerts);

  G_OBJECT_CLASS (curb_alert_tracker_parent_class)->finalize (object);
}

static void
curb_alert_tracker_class_init (CurbAlertTrackerClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = curb_alert_tracker_finalize;

  /**
   * CurbAlertTracker::started:
   * @ref: an order that just started waiting (or was found waiting)
   *
   * Emitted before its first #CurbAlertTracker::ring.
   */
  signals[STARTED] = g_signal_new ("started", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  /**
   * CurbAlertTracker::ring:
   * @ref: the order that is waiting
   * @level: a #CurbAlertLevel (ringing or escalated)
   *
   * Time to sound the alert for @ref (first time, or a repeat).
   */
  signals[RING] = g_signal_new ("ring", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_INT);
  signals[ESCALATED] = g_signal_new ("escalated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                     0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  /**
   * CurbAlertTracker::silenced:
   * @ref: the order
   * @alert_ms: how long it rang
   */
  signals[SILENCED] = g_signal_new ("silenced", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                    0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_INT64);
}

static void
curb_alert_tracker_init (CurbAlertTracker *self)
{
  self->alerts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}

/**
 * curb_alert_tracker_new:
 * @repeat_ms: how often a waiting arrival rings again
 * @escalate_ms: after how long waiting it escalates (0: never)
 */
CurbAlertTracker *
curb_alert_tracker_new (gint64 repeat_ms,
                        gint64 escalate_ms)
{
  CurbAlertTracker *self;

  g_return_val_if_fail (repeat_ms > 0, NULL);
  self = g_object_new (CURB_TYPE_ALERT_TRACKER, NULL);
  self->repeat_ms = repeat_ms;
  self->escalate_ms = escalate_ms;
  return self;
}

/**
 * curb_alert_tracker_update_order:
 *
 * Feeds the newest state of an order: an arrived (unclaimed) order rings
 * at once when it is new; any other state silences it.
 */
void
curb_alert_tracker_update_order (CurbAlertTracker *self,
                                 CurbOrder        *order,
                                 gint64            now_ms)
{
  const char *ref;

  g_return_if_fail (CURB_IS_ALERT_TRACKER (self));
  g_return_if_fail (CURB_IS_ORDER (order));

  ref = curb_order_get_ref (order);
  if (curb_order_get_state (order) != CURB_ORDER_STATE_ARRIVED)
    {
      curb_alert_tracker_forget (self, ref);
      return;
    }
  if (!g_hash_table_contains (self->alerts, ref))
    start_alert (self, ref, curb_order_get_arrived_at (order), now_ms);
}

/**
 * curb_alert_tracker_ring_for:
 * @key: what rings besides arrivals, e.g. "help:<call id>" for a call for staff
 * @since_ms: when it started (the hub's time)
 *
 * Starts an alert that rings, repeats and escalates like an arrival until
 * curb_alert_tracker_forget(); nothing happens when it already rings.
 */
void
curb_alert_tracker_ring_for (CurbAlertTracker *self,
                             const char       *key,
                             gint64            since_ms,
                             gint64            now_ms)
{
  g_return_if_fail (CURB_IS_ALERT_TRACKER (self));
  g_return_if_fail (key != NULL);
  if (!g_hash_table_contains (self->alerts, key))
    start_alert (self, key, since_ms, now_ms);
}

/* Returns: (transfer container) (element-type utf8): what rings now */
GPtrArray *
curb_alert_tracker_dup_keys (CurbAlertTracker *self)
{
  GPtrArray *keys = g_ptr_array_new_with_free_func (g_free);
  GHashTableIter iter;
  gpointer key;

  g_return_val_if_fail (CURB_IS_ALERT_TRACKER (self), keys);
  g_hash_table_iter_init (&iter, self->alerts);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    g_ptr_array_add (keys, g_strdup (key));
  return keys;
}

void
curb_alert_tracker_forget (CurbAlertTracker *self,
                           const char       *ref)
{
  Alert *alert;
  gint64 rang_ms;
  g_autofree char *key = NULL;

  g_return_if_fail (CURB_IS_ALERT_TRACKER (self));
  alert = ref != NULL ? g_hash_table_lookup (self->alerts, ref) : NULL;
  if (alert == NULL)
    return;
  rang_ms = MAX (alert->last_ring - alert->started_at, 0);
  key = g_strdup (ref);
  g_hash_table_remove (self->alerts, key);
  g_signal_emit (self, signals[SILENCED], 0, key, rang_ms);
}

void
curb_alert_tracker_tick (CurbAlertTracker *self,
                         gint64            now_ms)
{
  g_autoptr(GPtrArray) due = g_ptr_array_new_with_free_func (g_free);
  GHashTableIter iter;
  gpointer key, value;

  g_return_if_fail (CURB_IS_ALERT_TRACKER (self));

  g_hash_table_iter_init (&iter, self->alerts);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      Alert *alert = value;

      if (now_ms - alert->last_ring >= self->repeat_ms || is_due_to_escalate (self, alert, now_ms))
        g_ptr_array_add (due, g_strdup (key));
    }
  for (guint i = 0; i < due->len; i++)
    {
      const char *ref = g_ptr_array_index (due, i);
      Alert *alert = g_hash_table_lookup (self->alerts, ref);

      if (alert != NULL)
        ring (self, ref, alert, now_ms);
    }
}

CurbAlertLevel
curb_alert_tracker_get_level (CurbAlertTracker *self,
                              const char       *ref)
{
  Alert *alert;

  g_return_val_if_fail (CURB_IS_ALERT_TRACKER (self), CURB_ALERT_LEVEL_NONE);
  alert = ref != NULL ? g_hash_table_lookup (self->alerts, ref) : NULL;
  if (alert == NULL)
    return CURB_ALERT_LEVEL_NONE;
  return alert->escalated ? CURB_ALERT_LEVEL_ESCALATED : CURB_ALERT_LEVEL_RINGING;
}

guint
curb_alert_tracker_get_n_ringing (CurbAlertTracker *self)
{
  g_return_val_if_fail (CURB_IS_ALERT_TRACKER (self), 0);
  return g_hash_table_size (self->alerts);
}

guint
curb_alert_tracker_get_n_escalated (CurbAlertTracker *self)
{
  GHashTableIter iter;
  gpointer value;
  guint n = 0;

  g_return_val_if_fail (CURB_IS_ALERT_TRACKER (self), 0);
  g_hash_table_iter_init (&iter, self->alerts);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    n += ((Alert *) value)->escalated ? 1 : 0;
  return n;
}

guint64
curb_alert_tracker_get_escalations_total (CurbAlertTracker *self)
{
  g_return_val_if_fail (CURB_IS_ALERT_TRACKER (self), 0);
  return self->escalations_total;
}

/* When the next repeat or escalation is due, or G_MAXINT64 when nothing rings. */
gint64
curb_alert_tracker_get_next_due (CurbAlertTracker *self)
{
  GHashTableIter iter;
  gpointer value;
  gint64 next = G_MAXINT64;

  g_return_val_if_fail (CURB_IS_ALERT_TRACKER (self), G_MAXINT64);
  g_hash_table_iter_init (&iter, self->alerts);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      Alert *alert = value;

      next = MIN (next, alert->last_ring + self->repeat_ms);
      if (!alert->escalated && self->escalate_ms > 0)
        next = MIN (next, alert->started_at + self->escalate_ms);
    }
  return next;
}
