#include "curb-staging-station.h"

#include <glib/gi18n.h>

#include "curbside-core.h"
#include "curb-order-codec.h"
#include "curb-health.h"

#include <string.h>

struct _CurbStagingStation
{
  GObject              parent_instance;

  CurbStagingSettings  settings;
  CurbBoardModel      *board;
  CurbAlertTracker    *alerts;
  CurbStaffSession    *session;
  CurbSound           *sound;
  CurbStagingLink     *link;
  CurbStagingHelp     *help;
  char                *sound_problem;
  CurbClockFunc        clock;
  gpointer             clock_data;
  guint                tick_id;
  gint64               last_sound_at;
  guint                n_ticks;
  GPtrArray           *code_sources;
  CurbStagingPrinter  *printer;
  GHashTable          *greeted;   /* refs whose claimer was told of the arrival */
};

G_DEFINE_FINAL_TYPE (CurbStagingStation, curb_staging_station, G_TYPE_OBJECT)

enum { TICK, LINK_CHANGED, NOTICE, CODE, HELP_CHANGED, N_SIGNALS };
static guint signals[N_SIGNALS];

static void on_session_signed_out (CurbStagingStation *self);
static void on_help_changed (CurbStagingStation *self);

/* Several arrivals ringing at once make one sound, not a cacophony. */
#define MIN_SOUND_GAP_MS 1500

void
curb_staging_settings_init (CurbStagingSettings *settings)
{
  g_return_if_fail (settings != NULL);
  *settings = (CurbStagingSettings) {
    .amber_ms = 2 * 60 * 1000,
    .red_ms = 4 * 60 * 1000,
    .repeat_ms = 20 * 1000,
    .escalate_ms = 3 * 60 * 1000,
    .inactivity_ms = 10 * 60 * 1000,
    .cold_limit_ms = 45 * 60 * 1000,
    .no_show_grace_ms = 30 * 60 * 1000,
    .eta_warning_ms = 10 * 60 * 1000,
    .audio_sink = NULL,
    .station_id = g_strdup ("staging-1"),
  };
}

void
curb_staging_settings_clear (CurbStagingSettings *settings)
{
  g_clear_pointer (&settings->audio_sink, g_free);
  g_clear_pointer (&settings->station_id, g_free);
}

/* An arrival long past (a station starting up) is not news. */
#define GREET_WITHIN_MS (5 * 60 * 1000)

static gboolean
is_mine_taken_on_arrival (CurbStagingStation *self,
                          CurbOrder          *order)
{
  CurbPerson *claimer = curb_order_get_claimer (order);
  const char *me = curb_staff_session_get_staff_id (self->session);
  gint64 arrived_at = curb_order_get_arrived_at (order);

  return curb_order_get_state (order) == CURB_ORDER_STATE_CLAIMED && arrived_at > 0
         && curb_order_get_claimed_at (order) < arrived_at
         && curb_staging_station_now (self) - arrived_at < GREET_WITHIN_MS
         && me != NULL && claimer != NULL && g_strcmp0 (curb_person_get_id (claimer), me) == 0;
}

/* The shopper of an order this station's staff member took on while they
 * were on the way has arrived: no unclaimed alert rings anywhere, so the
 * claimer hears it here, once. */
static void
greet_claimer (CurbStagingStation *self,
               CurbOrder          *order)
{
  g_autofree char *name = NULL;
  g_autofree char *text = NULL;

  if (!is_mine_taken_on_arrival (self, order)
      || !g_hash_table_add (self->greeted, g_strdup (curb_order_get_ref (order))))
    return;
  name = curb_order_dup_display_name (order);
  /* Translators: "Sam R. is here (order A7K3Q9, bay 3): you are bringing it out" */
  text = g_strdup_printf (_("%s is here (order %s, bay %s): you are bringing it out"),
                          name != NULL ? name : "—", curb_order_get_ref (order),
                          curb_board_bay_in_sentence (order));
  if (self->sound != NULL && curb_sound_play (self->sound, CURB_SOUND_ARRIVAL))
    self->last_sound_at = curb_staging_station_now (self);
  g_signal_emit (self, signals[NOTICE], 0, text);
}

static void
on_order_changed (CurbBoardModel     *board,
                  const char         *ref,
                  CurbOrder          *order,
                  CurbStagingStation *self)
{
  if (order != NULL)
    {
      curb_alert_tracker_update_order (self->alerts, order, curb_staging_station_now (self));
      greet_claimer (self, order);
    }
  else
    {
      curb_alert_tracker_forget (self->alerts, ref);
      g_hash_table_remove (self->greeted, ref);
    }
}

/* A new arrival always chimes at once (unless an escalation is sounding). */
static void
on_alert_started (CurbAlertTracker   *alerts,
                  const char         *ref,
                  CurbStagingStation *self)
{
  if (self->sound != NULL && curb_sound_play (self->sound, CURB_SOUND_ARRIVAL))
    self->last_sound_at = curb_staging_station_now (self);
}

static void
on_alert_ring (CurbAlertTracker   *alerts,
               const char         *ref,
               int                 level,
               CurbStagingStation *self)
{
  gint64 now = curb_staging_station_now (self);

  if (self->sound == NULL)
    return;
  if (level != CURB_ALERT_LEVEL_ESCALATED && now - self->last_sound_at < MIN_SOUND_GAP_MS)
    return;
  if (curb_sound_play (self->sound, level == CURB_ALERT_LEVEL_ESCALATED
                                    ? CURB_SOUND_ESCALATION : CURB_SOUND_ARRIVAL))
    self->last_sound_at = now;
}

static void
on_sound_failed (CurbSound          *sound,
                 const GError       *error,
                 CurbStagingStation *self)
{
  if (g_strcmp0 (self->sound_problem, error->message) == 0)
    return;
  g_warning ("Alert sound failed: %s", error->message);
  g_free (self->sound_problem);
  self->sound_problem = g_strdup (error->message);
}

static void
on_sound_started (CurbSound          *sound,
                  int                 cue,
                  CurbStagingStation *self)
{
  g_clear_pointer (&self->sound_problem, g_free);
}

/* Alerts are checked four times a second (a repeat is never late by more
 * than 250 ms); timers on screen move once a second. */
static gboolean
on_tick (gpointer user_data)
{
  CurbStagingStation *self = user_data;
  gint64 now = curb_staging_station_now (self);

  curb_alert_tracker_tick (self->alerts, now);
  if (++self->n_ticks % 4 == 0)
    curb_staging_station_tick (self);
  return G_SOURCE_CONTINUE;
}

static gint64
system_clock (gpointer user_data)
{
  return curb_now_ms ();
}

static void
setup_sound (CurbStagingStation *self)
{
  g_autoptr(GError) error = NULL;

  self->sound = curb_sound_new (self->settings.audio_sink, &error);
  if (self->sound == NULL)
    {
      g_warning ("No alert sound: %s", error->message);
      self->sound_problem = g_strdup (error->message);
      return;
    }
  g_signal_connect_object (self->sound, "failed", G_CALLBACK (on_sound_failed), self, 0);
  g_signal_connect_object (self->sound, "started", G_CALLBACK (on_sound_started), self, 0);
}

static void
curb_staging_station_dispose (GObject *object)
{
  CurbStagingStation *self = CURB_STAGING_STATION (object);

  g_clear_handle_id (&self->tick_id, g_source_remove);
  if (self->link != NULL)
    curb_staging_link_stop (self->link);
  g_clear_object (&self->link);
  g_clear_object (&self->help);
  if (self->sound != NULL)
    curb_sound_stop (self->sound);
  g_clear_object (&self->sound);
  if (self->code_sources != NULL)
    g_ptr_array_foreach (self->code_sources, (GFunc) curb_code_source_stop, NULL);
  g_clear_pointer (&self->code_sources, g_ptr_array_unref);
  g_clear_object (&self->printer);
  g_clear_object (&self->board);
  g_clear_object (&self->alerts);
  g_clear_object (&self->session);
  g_clear_pointer (&self->greeted, g_hash_table_unref);

  G_OBJECT_CLASS (curb_staging_station_parent_class)->dispose (object);
}

static void
curb_staging_station_finalize (GObject *object)
{
  CurbStagingStation *self = CURB_STAGING_STATION (object);

  curb_staging_settings_clear (&self->settings);
  g_free (self->sound_problem);

  G_OBJECT_CLASS (curb_staging_station_parent_class)->finalize (object);
}

static void
curb_staging_station_class_init (CurbStagingStationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = curb_staging_station_dispose;
  object_class->finalize = curb_staging_station_finalize;

  /**
   * CurbStagingStation::tick:
   * @now_ms: the station's clock
   *
   * Once a second: wait timers count up, alerts repeat, sessions time out.
   */
  signals[TICK] = g_signal_new ("tick", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_INT64);
  /**
   * CurbStagingStation::link-changed:
   *
   * The hub connection, the pending actions or device health changed.
   */
  /**
   * CurbStagingStation::notice:
   * @message: something staff should read (a queued action was refused)
   */
  /**
   * CurbStagingStation::code:
   * @code: a scanned code (badge, bag label, bin label) as text
   */
  signals[CODE] = g_signal_new ("code", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  signals[NOTICE] = g_signal_new ("notice", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  signals[LINK_CHANGED] = g_signal_new ("link-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                        0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  /**
   * CurbStagingStation::help-changed:
   *
   * The open calls for staff changed (see curb_staging_station_get_help()).
   */
  signals[HELP_CHANGED] = g_signal_new ("help-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                        0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
curb_staging_station_init (CurbStagingStation *self)
{
  self->clock = system_clock;
  self->greeted = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}

CurbStagingStation *
curb_staging_station_new (const CurbStagingSettings *settings)
{
  CurbStagingStation *self = g_object_new (CURB_TYPE_STAGING_STATION, NULL);

  g_return_val_if_fail (settings != NULL, self);
  self->settings = *settings;
  self->settings.audio_sink = g_strdup (settings->audio_sink);
  self->settings.station_id = g_strdup (settings->station_id);
  self->board = curb_board_model_new ();
  curb_board_model_set_thresholds (self->board, settings->amber_ms, settings->red_ms);
  curb_board_model_set_cold_limit (self->board, settings->cold_limit_ms);
  curb_board_model_set_eta_warning (self->board, settings->eta_warning_ms);
  curb_board_model_set_no_show_grace (self->board, settings->no_show_grace_ms);
  self->alerts = curb_alert_tracker_new (settings->repeat_ms, settings->escalate_ms);
  self->session = curb_staff_session_new (settings->inactivity_ms);
  g_signal_connect_object (self->board, "order-changed", G_CALLBACK (on_order_changed), self, 0);
  g_signal_connect_object (self->alerts, "started", G_CALLBACK (on_alert_started), self, 0);
  g_signal_connect_object (self->alerts, "ring", G_CALLBACK (on_alert_ring), self, 0);
  g_signal_connect_object (self->session, "signed-out", G_CALLBACK (on_session_signed_out), self, G_CONNECT_SWAPPED);
  setup_sound (self);
  self->tick_id = g_timeout_add (250, on_tick, self);
  return self;
}

const CurbStagingSettings *
curb_staging_station_get_settings (CurbStagingStation *self)
{
  g_return_val_if_fail (CURB_IS_STAGING_STATION (self), NULL);
  return &self->settings;
}

CurbBoardModel *
curb_staging_station_get_board (CurbStagingStation *self)
{
  g_return_val_if_fail (CURB_IS_STAGING_STATION (self), NULL);
  return self->board;
}

CurbAlertTracker *
curb_staging_station_get_alerts (CurbStagingStation *self)
{
  g_return_val_if_fail (CURB_IS_STAGING_STATION (self), NULL);
  return self->alerts;
}

CurbStaffSession *
curb_staging_station_get_session (CurbStagingStation *self)
{
  g_return_val_if_fail (CURB_IS_STAGING_STATION (self), NULL);
  return self->session;
}

/* Returns: (transfer none) (nullable): the speaker, NULL when GStreamer cannot make tones */
CurbSound *
curb_staging_station_get_sound (CurbStagingStation *self)
{
  g_return_val_if_fail (CURB_IS_STAGING_STATION (self), NULL);
  return self->sound;
}

/* For tests and benchmarks: a compressed or fixed clock. */
void
curb_staging_station_set_clock (CurbStagingStation *self,
                                CurbClockFunc       clock,
                                gpointer            user_data)
{
  g_return_if_fail (CURB_IS_STAGING_STATION (self));
  self->clock = clock != NULL ? clock : system_clock;
  self->clock_data = user_data;
}

gint64
curb_staging_station_now (CurbStagingStation *self)
{
  g_return_val_if_fail (CURB_IS_STAGING_STATION (self), 0);
  return self->clock (self->clock_data);
}

void
curb_staging_station_tick (CurbStagingStation *self)
{
  gint64 now;

  g_return_if_fail (CURB_IS_STAGING_STATION (self));
  now = curb_staging_station_now (self);
  curb_alert_tracker_tick (self->alerts, now);
  curb_staff_session_poll (self->session, now);
  g_signal_emit (self, signals[TICK], 0, now);
}

void
curb_staging_station_ingest_order (CurbStagingStation *self,
                                   CurbOrder          *order)
{
  g_return_if_fail (CURB_IS_STAGING_STATION (self));
  curb_board_model_upsert (self->board, order);
}

/* Returns: (nullable): why the alert sound does not work, in plain words */
const char *
curb_staging_station_get_sound_problem (CurbStagingStation *self)
{
  g_return_val_if_fail (CURB_IS_STAGING_STATION (self), NULL);
  return self->sound_problem;
}

static void
report_not_connected (CurbStagingStation  *self,
                      gpointer             source_tag,
                      GAsyncReadyCallback  callback,
                      gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, NULL, callback, user_data);

  g_task_set_source_tag (task, source_tag);
  g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_CONNECTED,
                           _("Not connected to the store hub."));
}

static gboolean
action_from_string (const char    *action,
                    CurbHubAction *out)
{
  static const struct { const char *name; CurbHubAction action; } table[] = {
    { "claim", CURB_HUB_ACTION_CLAIM }, { "release", CURB_HUB_ACTION_RELEASE },
    { "stage", CURB_HUB_ACTION_STAGE }, { "handover", CURB_HUB_ACTION_HANDOVER },
    { "no_show", CURB_HUB_ACTION_NO_SHOW }, { "return_to_stock", CURB_HUB_ACTION_RETURN_TO_STOCK },
  };

  for (guint i = 0; i < G_N_ELEMENTS (table); i++)
    if (g_str_equal (action, table[i].name))
      {
        *out = table[i].action;
        return TRUE;
      }
  return FALSE;
}

/* Who claimed the order, from the order the hub's refusal carries. */
static char *
dup_claimer_name (JsonObject *body)
{
  g_autoptr(CurbOrder) order = body != NULL ? curb_order_codec_decode_member (body, "order", NULL) : NULL;
  CurbPerson *claimer = order != NULL ? curb_order_get_claimer (order) : NULL;

  return claimer != NULL ? g_strdup (curb_person_get_first_name (claimer)) : NULL;
}

static char *
explain_refusal (CurbStagingStation *self,
                 const GError       *error,
                 JsonObject         *body)
{
  g_autofree char *name = dup_claimer_name (body);

  if (g_error_matches (error, CURB_ERROR, CURB_ERROR_ALREADY_CLAIMED))
    return name != NULL ? g_strdup_printf (_("%s already claimed this order. Leave it to them."), name)
                        : g_strdup (_("Someone else already claimed this order."));
  if (g_error_matches (error, CURB_ERROR, CURB_ERROR_CANCELLED))
    return g_strdup (_("This order was cancelled. Do not hand it over; return the items to stock."));
  if (g_error_matches (error, CURB_ERROR, CURB_ERROR_UNAUTHORIZED))
    return g_strdup (_("Your sign-in ran out. Sign in again."));
  if (g_error_matches (error, CURB_ERROR, CURB_ERROR_ILLEGAL_TRANSITION))
    return g_strdup (_("This cannot be done now: the order changed. Look at the board."));
  return g_strdup_printf (_("The hub refused: %s"), error->message);
}

/* Completion prints the receipt, from the order as the hub now has it. */
static void
print_receipt (CurbStagingStation *self,
               const char         *ref)
{
  CurbOrder *order = curb_board_model_lookup (self->board, ref);
  g_autoptr(GError) error = NULL;

  if (self->printer == NULL || order == NULL)
    return;
  if (!curb_staging_printer_print_receipt (self->printer, order, &error))
    {
      g_autofree char *text = g_strdup_printf (_("The receipt for %s cannot be printed: %s"), ref, error->message);
      g_signal_emit (self, signals[NOTICE], 0, text);
    }
}

static void
on_act_ready (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  gboolean queued = FALSE;

  if (curb_staging_link_act_finish (CURB_STAGING_LINK (source), result, &queued, &error))
    {
      CurbStagingStation *self = g_task_get_source_object (task);
      const char *ref = g_object_get_data (G_OBJECT (task), "ref");

      if (!queued && g_object_get_data (G_OBJECT (task), "handover") != NULL)
        print_receipt (self, ref);
      g_object_set_data (G_OBJECT (task), "queued", GINT_TO_POINTER (queued));
      g_task_return_boolean (task, TRUE);
      return;
    }
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  {
    CurbStagingStation *self = g_task_get_source_object (task);
    g_autofree char *text = explain_refusal (self, error, g_object_get_data (G_OBJECT (result), "error-body"));

    g_task_return_new_error (task, error->domain, error->code, "%s", text);
  }
}

/**
 * curb_staging_station_act_async:
 * @action: "claim", "release", "stage", "handover", "no_show", "return_to_stock"
 * @body: (nullable): the route's JSON body
 *
 * Sends a staff action for @ref as the signed-in staff member. Refusals
 * come back as errors whose message a staff member understands ("Jo already
 * claimed this order"). While the hub is unreachable the action waits in
 * this station's queue; curb_staging_station_act_finish() says so.
 */
void
curb_staging_station_act_async (CurbStagingStation  *self,
                                const char          *action,
                                const char          *ref,
                                JsonNode            *body,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  CurbHubAction hub_action;
  GTask *task;

  g_return_if_fail (CURB_IS_STAGING_STATION (self));
  g_return_if_fail (action != NULL && ref != NULL);

  if (self->link == NULL || !action_from_string (action, &hub_action))
    {
      report_not_connected (self, curb_staging_station_act_async, callback, user_data);
      return;
    }
  curb_staff_session_touch (self->session, curb_staging_station_now (self));
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, curb_staging_station_act_async);
  g_object_set_data_full (G_OBJECT (task), "ref", g_strdup (ref), g_free);
  if (hub_action == CURB_HUB_ACTION_HANDOVER)
    g_object_set_data (G_OBJECT (task), "handover", GINT_TO_POINTER (TRUE));
  curb_staging_link_act_async (self->link, hub_action, ref,
                               body != NULL && JSON_NODE_HOLDS_OBJECT (body) ? json_node_get_object (body) : NULL,
                               cancellable, on_act_ready, task);
}

gboolean
curb_staging_station_act_finish (CurbStagingStation  *self,
                                 GAsyncResult        *result,
                                 gboolean            *out_queued,
                                 GError             **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  if (out_queued != NULL)
    *out_queued = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (result), "queued"));
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
on_sign_in_ready (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  CurbStagingStation *self = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) reply = curb_hub_client_request_finish (CURB_HUB_CLIENT (source), result, &error);
  JsonObject *staff;

  if (reply == NULL)
    {
      if (g_error_matches (error, CURB_ERROR, CURB_ERROR_UNAUTHORIZED)
          || g_error_matches (error, CURB_ERROR, CURB_ERROR_NOT_FOUND))
        g_task_return_new_error (task, error->domain, error->code, "%s",
                                 _("Staff number, PIN or badge not recognised. Try again."));
      else if (g_error_matches (error, CURB_ERROR, CURB_ERROR_RATE_LIMITED))
        g_task_return_new_error (task, error->domain, error->code, "%s",
                                 _("Too many tries. Wait a minute, then try again."));
      else if (g_error_matches (error, CURB_ERROR, CURB_ERROR_UNAVAILABLE))
        g_task_return_new_error (task, error->domain, error->code, "%s",
                                 _("The store hub does not answer, so sign-in cannot be checked. Alerts keep ringing here."));
      else
        g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  staff = json_object_get_object_member (reply, "staff");
  curb_staff_session_sign_in (self->session,
                              staff ? json_object_get_string_member_with_default (staff, "id", "?") : "?",
                              staff ? json_object_get_string_member_with_default (staff, "first_name", NULL) : NULL,
                              json_object_get_string_member_with_default (reply, "session", NULL),
                              curb_staging_station_now (self));
  g_task_return_boolean (task, TRUE);
}

void
curb_staging_station_sign_in_async (CurbStagingStation  *self,
                                    const char          *staff_id,
                                    const char          *pin,
                                    const char          *badge,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (CURB_IS_STAGING_STATION (self));
  if (self->link == NULL)
    {
      report_not_connected (self, curb_staging_station_sign_in_async, callback, user_data);
      return;
    }
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, curb_staging_station_sign_in_async);
  curb_hub_client_staff_sign_in_async (curb_staging_link_get_client (self->link), staff_id, pin, badge,
                                       cancellable, on_sign_in_ready, task);
}

gboolean
curb_staging_station_sign_in_finish (CurbStagingStation  *self,
                                     GAsyncResult        *result,
                                     GError             **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

gboolean
curb_staging_station_is_connected (CurbStagingStation *self)
{
  g_return_val_if_fail (CURB_IS_STAGING_STATION (self), FALSE);
  return self->link != NULL && curb_staging_link_is_online (self->link);
}

static void
on_link_changed (CurbStagingStation *self)
{
  g_signal_emit (self, signals[LINK_CHANGED], 0);
}

/* A call for staff rings like an arrival ("help:<id>") until someone
 * answers it at any station. */
static void
on_help_changed (CurbStagingStation *self)
{
  JsonArray *calls = curb_staging_help_get_calls (self->help);
  g_autoptr(GPtrArray) ringing = curb_alert_tracker_dup_keys (self->alerts);
  gint64 now = curb_staging_station_now (self);

  for (guint i = 0; i < ringing->len; i++)
    {
      const char *key = g_ptr_array_index (ringing, i);

      if (g_str_has_prefix (key, CURB_HELP_ALERT_PREFIX)
          && curb_staging_help_lookup (self->help, key + strlen (CURB_HELP_ALERT_PREFIX)) == NULL)
        curb_alert_tracker_forget (self->alerts, key);
    }
  for (guint i = 0; i < json_array_get_length (calls); i++)
    {
      JsonObject *call = json_array_get_object_element (calls, i);
      g_autofree char *key = g_strconcat (CURB_HELP_ALERT_PREFIX,
                                          json_object_get_string_member_with_default (call, "id", ""), NULL);
      curb_alert_tracker_ring_for (self->alerts, key, curb_staging_help_call_since (call), now);
    }
  g_signal_emit (self, signals[HELP_CHANGED], 0);
}

static void
on_link_action_refused (CurbStagingStation *self,
                        const char         *message)
{
  g_signal_emit (self, signals[NOTICE], 0, message);
}

static void
on_link_delivered (CurbStagingStation *self,
                   int                 action,
                   const char         *ref)
{
  if (action == CURB_HUB_ACTION_HANDOVER)
    print_receipt (self, ref);
}

static void
on_link_session_rejected (CurbStagingStation *self)
{
  curb_staff_session_sign_out (self->session, CURB_SIGN_OUT_REJECTED);
}

static void
on_session_signed_in (CurbStagingStation *self)
{
  if (self->link != NULL && curb_staff_session_is_signed_in (self->session))
    curb_staging_link_resume (self->link);
}

static void
on_session_signed_out (CurbStagingStation *self)
{
  if (self->link != NULL)
    {
      CurbHubClient *client = curb_staging_link_get_client (self->link);

      curb_hub_client_request_async (client, "DELETE", "/v1/staff/session", NULL, NULL, NULL, NULL);
      curb_hub_client_set_staff_session (client, NULL);
    }
}

/**
 * curb_staging_station_attach_hub:
 * @client: an enrolled staging client of the store hub
 *
 * Loads the board from the hub and follows its event stream; alerts for
 * orders already waiting ring at once (a restart never silences them).
 */
void
curb_staging_station_attach_hub (CurbStagingStation *self,
                                 CurbHubClient      *client)
{
  g_return_if_fail (CURB_IS_STAGING_STATION (self));
  g_return_if_fail (CURB_IS_HUB_CLIENT (client));

  if (self->link != NULL)
    curb_staging_link_stop (self->link);
  g_clear_object (&self->link);
  g_clear_object (&self->help);
  self->help = curb_staging_help_new (client);
  g_signal_connect_object (self->help, "changed", G_CALLBACK (on_help_changed), self, G_CONNECT_SWAPPED);
  self->link = curb_staging_link_new (client, self->board);
  g_signal_connect_object (self->link, "notice", G_CALLBACK (curb_staging_help_take_notice), self->help,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->link, "changed", G_CALLBACK (on_link_changed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->link, "delivered", G_CALLBACK (on_link_delivered), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->link, "action-refused", G_CALLBACK (on_link_action_refused), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->link, "session-rejected", G_CALLBACK (on_link_session_rejected), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->session, "notify::signed-in", G_CALLBACK (on_session_signed_in), self,
                           G_CONNECT_SWAPPED);
  curb_staging_link_start (self->link);
  curb_staging_help_refresh (self->help);
}

/* Returns: (transfer none) (nullable): the open calls for staff, once attached */
CurbStagingHelp *
curb_staging_station_get_help (CurbStagingStation *self)
{
  g_return_val_if_fail (CURB_IS_STAGING_STATION (self), NULL);
  return self->help;
}

/* Returns: (transfer none) (nullable): the hub link, once attached */
CurbStagingLink *
curb_staging_station_get_link (CurbStagingStation *self)
{
  g_return_val_if_fail (CURB_IS_STAGING_STATION (self), NULL);
  return self->link;
}

static void
on_code (CurbCodeSource     *source,
         GBytes             *payload,
         const char         *kind,
         gint64              frame_time,
         CurbStagingStation *self)
{
  gsize size = 0;
  const char *data = g_bytes_get_data (payload, &size);
  g_autofree char *text = NULL;

  /* codes we act on are short printable text; anything else is dropped */
  if (size == 0 || size > 512 || !g_utf8_validate_len (data, size, NULL))
    return;
  text = g_strstrip (g_strndup (data, size));
  if (*text == '\0' || memchr (data, '\0', size) != NULL)
    return;
  curb_staff_session_touch (self->session, curb_staging_station_now (self));
  g_signal_emit (self, signals[CODE], 0, text);
}

static void
on_code_source_error (CurbCodeSource     *source,
                      const GError       *error,
                      CurbStagingStation *self)
{
  g_message ("Scanner %s: %s", curb_code_source_get_name (source), error->message);
  g_signal_emit (self, signals[LINK_CHANGED], 0);
}

/**
 * curb_staging_station_add_code_source:
 * @source: a camera or keyboard-wedge scanner (started here)
 *
 * Its codes arrive as #CurbStagingStation::code: badges sign in, bag labels
 * prove bags, bin labels give staging locations.
 */
gboolean
curb_staging_station_add_code_source (CurbStagingStation  *self,
                                      CurbCodeSource      *source,
                                      GError             **error)
{
  g_return_val_if_fail (CURB_IS_STAGING_STATION (self), FALSE);
  g_return_val_if_fail (CURB_IS_CODE_SOURCE (source), FALSE);

  if (self->code_sources == NULL)
    self->code_sources = g_ptr_array_new_with_free_func (g_object_unref);
  g_signal_connect_object (source, "code", G_CALLBACK (on_code), self, 0);
  g_signal_connect_object (source, "error", G_CALLBACK (on_code_source_error), self, 0);
  g_signal_connect_object (source, "recovered", G_CALLBACK (on_link_changed), self, G_CONNECT_SWAPPED);
  g_ptr_array_add (self->code_sources, g_object_ref (source));
  return curb_code_source_start (source, error);
}

/* Returns: (transfer full) (element-type CurbHealthEntry): this station's own devices */
GPtrArray *
curb_staging_station_dup_local_health (CurbStagingStation *self)
{
  GPtrArray *entries = g_ptr_array_new_with_free_func ((GDestroyNotify) curb_health_entry_free);

  g_return_val_if_fail (CURB_IS_STAGING_STATION (self), entries);
  if (self->sound_problem != NULL)
    g_ptr_array_add (entries, curb_health_entry_new (_("This station's speaker"), CURB_HEALTH_PROBLEM,
                                                     self->sound_problem,
                                                     _("Check the speaker cable and volume. Watch the screen for arrivals meanwhile.")));
  if (self->printer != NULL)
    {
      g_autofree char *problem = curb_staging_printer_dup_problem (self->printer);
      guint pending = curb_staging_printer_get_pending (self->printer);
      g_autofree char *waiting = g_strdup_printf (_("%u jobs waiting"), pending);

      g_ptr_array_add (entries, curb_health_entry_new (_("This station's label printer"),
                                                       problem != NULL ? CURB_HEALTH_PROBLEM : CURB_HEALTH_OK,
                                                       problem != NULL ? problem : pending > 0 ? waiting : _("Ready"),
                                                       problem != NULL ? _("Nothing is lost: waiting labels and receipts print when it is fixed.") : ""));
    }
  for (guint i = 0; self->code_sources != NULL && i < self->code_sources->len; i++)
    {
      CurbCodeSource *source = g_ptr_array_index (self->code_sources, i);
      const GError *error = curb_code_source_get_error (source);
      g_autofree char *name = g_strdup_printf (_("This station's scanner (%s)"), curb_code_source_get_name (source));

      if (curb_code_source_get_state (source) == CURB_CODE_SOURCE_RUNNING)
        g_ptr_array_add (entries, curb_health_entry_new (name, CURB_HEALTH_OK, _("Working"), ""));
      else
        g_ptr_array_add (entries, curb_health_entry_new (name, CURB_HEALTH_PROBLEM,
                                                         error != NULL ? error->message : _("Not reading"),
                                                         _("Check its cable. Meanwhile type bag and bin labels by hand.")));
    }
  return entries;
}

void
curb_staging_station_set_printer (CurbStagingStation *self,
                                  CurbStagingPrinter *printer)
{
  g_return_if_fail (CURB_IS_STAGING_STATION (self));
  if (!g_set_object (&self->printer, printer))
    return;
  if (printer != NULL)
    g_signal_connect_object (printer, "changed", G_CALLBACK (on_link_changed), self, G_CONNECT_SWAPPED);
  g_signal_emit (self, signals[LINK_CHANGED], 0);
}

/* Returns: (transfer none) (nullable): the label/receipt printer */
CurbStagingPrinter *
curb_staging_station_get_printer (CurbStagingStation *self)
{
  g_return_val_if_fail (CURB_IS_STAGING_STATION (self), NULL);
  return self->printer;
}

/* Prints every bag label of @ref as staged on the hub. */
gboolean
curb_staging_station_print_labels (CurbStagingStation  *self,
                                   const char          *ref,
                                   GError             **error)
{
  CurbOrder *order;

  g_return_val_if_fail (CURB_IS_STAGING_STATION (self), FALSE);
  order = curb_board_model_lookup (self->board, ref);
  if (self->printer == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, _("No label printer is set up on this station."));
      return FALSE;
    }
  if (order == NULL || curb_order_get_bag_count (order) == 0)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, _("Mark the order as staged with its bags first."));
      return FALSE;
    }
  return curb_staging_printer_print_labels (self->printer, order, error);
}
