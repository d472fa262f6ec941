#include "curb-staging-window.h"

#include "curb-staging-resources.h"

#include <glib/gi18n.h>

#include "board/curb-board-page.h"
#include "detail/curb-detail-page.h"
#include "health/curb-health-page.h"
#include "kpi/curb-kpi-page.h"
#include "signin/curb-signin-page.h"
#include "stage/curb-stage-page.h"

struct _CurbStagingWindow
{
  AdwApplicationWindow  parent_instance;

  GtkLabel             *sync_label;
  GtkButton            *signout_button;
  GtkLabel             *staff_label;
  GtkRevealer          *help_revealer;
  GtkButton            *help_button;
  GtkLabel             *help_label;
  GtkRevealer          *alert_revealer;
  GtkButton            *alert_button;
  GtkLabel             *alert_label;
  AdwToastOverlay      *toasts;
  GtkStack             *stack;
  GtkWidget            *nav_box;
  GtkToggleButton      *nav_board;
  GtkToggleButton      *nav_stage;
  GtkToggleButton      *nav_kpi;
  GtkToggleButton      *nav_health;

  CurbStagingStation   *station;
  GtkWidget            *signin;
  GtkWidget            *board;
  GtkWidget            *detail;
  GtkWidget            *stage;
  GtkWidget            *kpi;
  GtkWidget            *health;
  char                 *alert_ref;      /* the order the banner points to */
  char                 *help_id;        /* the call for staff the help banner shows */
  gboolean              syncing_nav;
  GCancellable         *cancellable;
};

G_DEFINE_FINAL_TYPE (CurbStagingWindow, curb_staging_window, ADW_TYPE_APPLICATION_WINDOW)

static gboolean
is_signed_in (CurbStagingWindow *self)
{
  return curb_staff_session_is_signed_in (curb_staging_station_get_session (self->station));
}

static void
update_banner (CurbStagingWindow *self)
{
  CurbBoardModel *board = curb_staging_station_get_board (self->station);
  g_autoptr(GPtrArray) arrived = curb_board_model_dup_column (board, CURB_BOARD_COLUMN_ARRIVED);
  CurbOrder *order = arrived->len > 0 ? g_ptr_array_index (arrived, 0) : NULL;
  g_autofree char *name = NULL, *text = NULL, *wait = NULL;
  const char *bay, *ref;

  gtk_revealer_set_reveal_child (self->alert_revealer, order != NULL);
  g_free (self->alert_ref);
  self->alert_ref = order != NULL ? g_strdup (curb_order_get_ref (order)) : NULL;
  if (order == NULL)
    return;
  ref = curb_order_get_ref (order);
  name = curb_order_dup_display_name (order);
  bay = curb_board_bay_in_sentence (order);
  wait = curb_format_wait (curb_board_model_wait_ms (board, order, curb_staging_station_now (self->station)));
  if (curb_alert_tracker_get_level (curb_staging_station_get_alerts (self->station), ref) == CURB_ALERT_LEVEL_ESCALATED)
    text = g_strdup_printf (_("ESCALATED, manager please help: %s, order %s, bay %s, waiting %s. Tap to claim."),
                            name ? name : "—", ref, bay, wait);
  else
    text = arrived->len > 1
         ? g_strdup_printf (_("%u shoppers waiting. Next: %s, order %s, bay %s, waiting %s. Tap to claim."),
                            arrived->len, name ? name : "—", ref, bay, wait)
         : g_strdup_printf (_("Shopper waiting: %s, order %s, bay %s, waiting %s. Tap to claim."),
                            name ? name : "—", ref, bay, wait);
  gtk_label_set_text (self->alert_label, text);
  if (curb_alert_tracker_get_level (curb_staging_station_get_alerts (self->station), ref) == CURB_ALERT_LEVEL_ESCALATED)
    gtk_widget_add_css_class (GTK_WIDGET (self->alert_button), "escalated");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->alert_button), "escalated");
}

/* The oldest open call for staff, above the arrivals: it rings, repeats
 * and escalates like an arrival until someone taps "I'm going". */
static void
update_help_banner (CurbStagingWindow *self)
{
  CurbStagingHelp *help = curb_staging_station_get_help (self->station);
  JsonArray *calls = help != NULL ? curb_staging_help_get_calls (help) : NULL;
  JsonObject *call = calls != NULL && json_array_get_length (calls) > 0
                     ? json_array_get_object_element (calls, 0) : NULL;
  g_autofree char *where = NULL, *text = NULL, *key = NULL, *wait = NULL;
  gboolean escalated;

  gtk_revealer_set_reveal_child (self->help_revealer, call != NULL);
  g_clear_pointer (&self->help_id, g_free);
  if (call == NULL)
    return;
  self->help_id = g_strdup (json_object_get_string_member_with_default (call, "id", ""));
  key = g_strconcat (CURB_HELP_ALERT_PREFIX, self->help_id, NULL);
  escalated = curb_alert_tracker_get_level (curb_staging_station_get_alerts (self->station), key)
              == CURB_ALERT_LEVEL_ESCALATED;
  where = curb_staging_help_describe (call);
  wait = curb_format_wait (MAX (curb_staging_station_now (self->station) - curb_staging_help_call_since (call), 0));
  text = escalated
         ? g_strdup_printf (_("ESCALATED, manager please help: a shopper at %s called for staff %s ago. Tap when you go."),
                            where, wait)
         : g_strdup_printf (_("Call for staff: a shopper at %s needs help, waiting %s. Tap when you go."),
                            where, wait);
  gtk_label_set_text (self->help_label, text);
  if (escalated)
    gtk_widget_add_css_class (GTK_WIDGET (self->help_button), "escalated");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->help_button), "escalated");
}

static void
on_help_acknowledged (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  CurbStagingWindow *self = user_data;
  g_autoptr(GError) error = NULL;

  if (curb_staging_help_acknowledge_finish (CURB_STAGING_HELP (source), result, &error))
    curb_staging_window_toast (self, _("Thank you. The kiosk tells the shopper you are on your way."));
  else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    curb_staging_window_toast (self, error->message);
}

static void
on_help_clicked (CurbStagingWindow *self)
{
  if (self->help_id == NULL)
    return;
  if (!is_signed_in (self))
    {
      curb_staging_window_toast (self, _("Sign in first, then tap the call to say you are going."));
      return;
    }
  curb_staging_help_acknowledge_async (curb_staging_station_get_help (self->station), self->help_id,
                                       self->cancellable, on_help_acknowledged, self);
}

static void
update_nav (CurbStagingWindow *self)
{
  const char *page = gtk_stack_get_visible_child_name (self->stack);

  self->syncing_nav = TRUE;
  if (g_strcmp0 (page, "board") == 0 || g_strcmp0 (page, "detail") == 0)
    gtk_toggle_button_set_active (self->nav_board, TRUE);
  else if (g_strcmp0 (page, "stage") == 0)
    gtk_toggle_button_set_active (self->nav_stage, TRUE);
  else if (g_strcmp0 (page, "kpi") == 0)
    gtk_toggle_button_set_active (self->nav_kpi, TRUE);
  else if (g_strcmp0 (page, "health") == 0)
    gtk_toggle_button_set_active (self->nav_health, TRUE);
  self->syncing_nav = FALSE;
}

static void
on_session_changed (CurbStagingWindow *self)
{
  CurbStaffSession *session = curb_staging_station_get_session (self->station);
  gboolean signed_in = curb_staff_session_is_signed_in (session);
  g_autofree char *who = signed_in ? g_strdup_printf (_("Signed in: %s"), curb_staff_session_get_first_name (session))
                                   : g_strdup (_("Not signed in"));

  gtk_label_set_text (self->staff_label, who);
  gtk_widget_set_visible (GTK_WIDGET (self->signout_button), signed_in);
  gtk_widget_set_visible (self->nav_box, signed_in);
  if (signed_in)
    {
      if (g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), "signin") == 0)
        curb_staging_window_show_page (self, "board");
    }
  else
    {
      curb_staging_window_show_page (self, "signin");
      curb_signin_page_reset (CURB_SIGNIN_PAGE (self->signin));
    }
}

static void
on_signed_out (CurbStaffSession  *session,
               int                reason,
               CurbStagingWindow *self)
{
  if (reason == CURB_SIGN_OUT_INACTIVE)
    curb_staging_window_toast (self, _("Signed out after no activity."));
  else if (reason == CURB_SIGN_OUT_REJECTED)
    curb_signin_page_set_error (CURB_SIGNIN_PAGE (self->signin),
                                _("The hub asks you to sign in again. Saved actions are sent after you sign in."));
}

static void
on_order_changed (CurbStagingWindow *self)
{
  update_banner (self);
}

static void
on_ring (CurbAlertTracker  *alerts,
         const char        *ref,
         int                level,
         CurbStagingWindow *self)
{
  GtkWidget *banner = GTK_WIDGET (g_str_has_prefix (ref, CURB_HELP_ALERT_PREFIX) ? self->help_button
                                                                                : self->alert_button);

  update_banner (self);
  update_help_banner (self);
  /* restart the flash animation */
  gtk_widget_remove_css_class (banner, "flash");
  gtk_widget_add_css_class (banner, "flash");
}

static void
on_tick (CurbStagingStation *station,
         gint64              now,
         CurbStagingWindow  *self)
{
  if (self->alert_ref != NULL)
    update_banner (self);
  if (self->help_id != NULL)
    update_help_banner (self);
}

static char *
format_clock (gint64 ms)
{
  g_autoptr(GDateTime) local = g_date_time_new_from_unix_local (ms / 1000);

  return g_date_time_format (local, "%H:%M");
}

static void
update_sync_pill (CurbStagingWindow *self,
                  CurbStagingLink   *link)
{
  guint pending = curb_staging_link_get_n_pending (link);
  g_autofree char *text = NULL, *since = NULL;

  if (curb_staging_link_is_online (link))
    {
      text = pending > 0 ? g_strdup_printf (_("Hub: connected, sending %u"), pending)
                         : g_strdup (_("Hub: connected"));
      curb_staging_window_set_sync_text (self, text, TRUE);
      return;
    }
  since = format_clock (curb_staging_link_get_offline_since (link));
  text = pending > 0
         ? g_strdup_printf (g_dngettext (NULL, "Hub unreachable since %s · %u action waiting",
                                         "Hub unreachable since %s · %u actions waiting", pending), since, pending)
         : g_strdup_printf (_("Hub unreachable since %s"), since);
  curb_staging_window_set_sync_text (self, text, FALSE);
}

static void
on_link_changed (CurbStagingWindow *self)
{
  CurbStagingLink *link = curb_staging_station_get_link (self->station);
  g_autoptr(GPtrArray) health = curb_staging_station_dup_local_health (self->station);
  g_autoptr(GPtrArray) hub = NULL;

  if (link != NULL)
    {
      update_sync_pill (self, link);
      hub = curb_staging_link_dup_health (link);
      g_ptr_array_extend_and_steal (health, g_steal_pointer (&hub));
    }
  curb_health_page_set_entries (CURB_HEALTH_PAGE (self->health), health);
}

static void
on_user_activity (CurbStagingWindow *self)
{
  curb_staff_session_touch (curb_staging_station_get_session (self->station),
                            curb_staging_station_now (self->station));
}

/* Runs in the capture phase before every key reaches its field: it only
 * notes the activity and must let the key through. */
static gboolean
on_key_pressed (GtkEventControllerKey *controller,
                guint                  keyval,
                guint                  keycode,
                GdkModifierType        state,
                CurbStagingWindow     *self)
{
  on_user_activity (self);
  return GDK_EVENT_PROPAGATE;
}

static void
on_alert_clicked (CurbStagingWindow *self)
{
  if (self->alert_ref == NULL)
    return;
  if (!is_signed_in (self))
    {
      curb_staging_window_toast (self, _("Sign in first, then claim the order."));
      return;
    }
  curb_staging_window_open_order (self, self->alert_ref);
}

static void
on_nav_toggled (GtkToggleButton   *button,
                CurbStagingWindow *self)
{
  if (!gtk_toggle_button_get_active (button) || self->syncing_nav)
    return;
  curb_staging_window_show_page (self, g_object_get_data (G_OBJECT (button), "page"));
}

static void
on_order_activated (CurbBoardPage     *board,
                    const char        *ref,
                    CurbStagingWindow *self)
{
  curb_staging_window_open_order (self, ref);
}

static void
on_signin_ready (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  CurbStagingWindow *self = user_data;
  g_autoptr(GError) error = NULL;

  if (curb_staging_station_sign_in_finish (CURB_STAGING_STATION (source), result, &error))
    return;
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  curb_signin_page_set_busy (CURB_SIGNIN_PAGE (self->signin), FALSE);
  curb_signin_page_set_error (CURB_SIGNIN_PAGE (self->signin), error->message);
}

static void
on_pin_submitted (CurbSigninPage    *page,
                  const char        *staff_id,
                  const char        *pin,
                  CurbStagingWindow *self)
{
  curb_signin_page_set_busy (page, TRUE);
  curb_staging_station_sign_in_async (self->station, staff_id, pin, NULL, self->cancellable,
                                      on_signin_ready, self);
}

/* A keyboard-wedge scanner typed a badge into the sign-in page's fields. */
static void
on_badge_scanned (CurbSigninPage    *page,
                  const char        *badge,
                  CurbStagingWindow *self)
{
  curb_staging_window_handle_code (self, badge);
}

static void
on_action_ready (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  CurbStagingWindow *self = user_data;
  g_autoptr(GError) error = NULL;
  gboolean queued = FALSE;

  if (curb_staging_station_act_finish (CURB_STAGING_STATION (source), result, &queued, &error))
    {
      if (queued)
        curb_staging_window_toast (self, _("The hub does not answer: saved here, and sent when it is back."));
      return;
    }
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  curb_detail_page_set_message (CURB_DETAIL_PAGE (self->detail), error->message, TRUE);
  curb_stage_page_set_message (CURB_STAGE_PAGE (self->stage), error->message, TRUE);
  curb_staging_window_toast (self, error->message);
}

static void
act (CurbStagingWindow *self,
     const char        *action,
     const char        *ref,
     JsonNode          *body)
{
  curb_staging_station_act_async (self->station, action, ref, body, self->cancellable,
                                  on_action_ready, self);
}

static void
on_claim (CurbDetailPage *page, const char *ref, CurbStagingWindow *self)
{
  act (self, "claim", ref, NULL);
}

static void
on_release (CurbDetailPage *page, const char *ref, CurbStagingWindow *self)
{
  act (self, "release", ref, NULL);
}

static void
on_no_show (CurbDetailPage *page, const char *ref, CurbStagingWindow *self)
{
  act (self, "no_show", ref, NULL);
}

static void
on_return_to_stock (CurbDetailPage *page, const char *ref, CurbStagingWindow *self)
{
  act (self, "return_to_stock", ref, NULL);
}

static void
on_complete (CurbDetailPage    *page,
             const char        *ref,
             gboolean           id_checked,
             JsonNode          *not_taken,
             CurbStagingWindow *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) body = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id_checked");
  json_builder_add_boolean_value (builder, id_checked);
  json_builder_set_member_name (builder, "not_taken");
  json_builder_add_value (builder, json_node_copy (not_taken));
  json_builder_end_object (builder);
  body = json_builder_get_root (builder);
  act (self, "handover", ref, body);
}

static void
on_print_labels (CurbStagePage     *page,
                 const char        *ref,
                 JsonNode          *body,
                 CurbStagingWindow *self)
{
  g_autoptr(GError) error = NULL;

  if (curb_staging_station_print_labels (self->station, ref, &error))
    curb_stage_page_set_message (page, _("Bag labels sent to the printer."), FALSE);
  else
    curb_stage_page_set_message (page, error->message, TRUE);
}

static void
on_staged (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  CurbStagingWindow *self = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;
  gboolean queued = FALSE;
  const char *ref = g_task_get_task_data (task);

  if (!curb_staging_station_act_finish (CURB_STAGING_STATION (source), result, &queued, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        curb_stage_page_set_message (CURB_STAGE_PAGE (self->stage), error->message, TRUE);
      return;
    }
  if (queued)
    curb_stage_page_set_message (CURB_STAGE_PAGE (self->stage),
                                 _("The hub does not answer: saved here, and sent when it is back."), FALSE);
  else if (curb_staging_station_get_printer (self->station) != NULL)
    on_print_labels (CURB_STAGE_PAGE (self->stage), ref, NULL, self);
  else
    curb_stage_page_set_message (CURB_STAGE_PAGE (self->stage), _("Staged."), FALSE);
}

static void
on_stage (CurbStagePage *page, const char *ref, JsonNode *body, CurbStagingWindow *self)
{
  GTask *task = g_task_new (self, self->cancellable, NULL, NULL);

  g_task_set_task_data (task, g_strdup (ref), g_free);
  curb_staging_station_act_async (self->station, "stage", ref, body, self->cancellable, on_staged, task);
}


static void
on_detail_back (CurbStagingWindow *self)
{
  curb_staging_window_show_page (self, "board");
}

static void
on_signout_clicked (CurbStagingWindow *self)
{
  curb_staff_session_sign_out (curb_staging_station_get_session (self->station), CURB_SIGN_OUT_USER);
}

static void
add_page (CurbStagingWindow *self,
          GtkWidget         *page,
          const char        *name,
          const char        *title)
{
  GtkStackPage *stack_page = gtk_stack_add_titled (self->stack, page, name, title);

  g_assert (stack_page != NULL);
}

static void
build_pages (CurbStagingWindow *self)
{
  self->signin = curb_signin_page_new ();
  self->board = curb_board_page_new (self->station);
  self->detail = curb_detail_page_new (self->station);
  self->stage = curb_stage_page_new (self->station);
  self->kpi = curb_kpi_page_new (self->station);
  self->health = curb_health_page_new ();
  add_page (self, self->signin, "signin", _("Sign in"));
  add_page (self, self->board, "board", _("Board"));
  add_page (self, self->detail, "detail", _("Order"));
  add_page (self, self->stage, "stage", _("Stage orders"));
  add_page (self, self->kpi, "kpi", _("Today's numbers"));
  add_page (self, self->health, "health", _("Devices"));
  g_signal_connect (self->signin, "pin-submitted", G_CALLBACK (on_pin_submitted), self);
  g_signal_connect (self->signin, "badge-scanned", G_CALLBACK (on_badge_scanned), self);
  g_signal_connect (self->board, "order-activated", G_CALLBACK (on_order_activated), self);
  g_signal_connect_swapped (self->detail, "back", G_CALLBACK (on_detail_back), self);
  g_signal_connect (self->detail, "claim", G_CALLBACK (on_claim), self);
  g_signal_connect (self->detail, "release", G_CALLBACK (on_release), self);
  g_signal_connect (self->detail, "complete", G_CALLBACK (on_complete), self);
  g_signal_connect (self->detail, "no-show", G_CALLBACK (on_no_show), self);
  g_signal_connect (self->detail, "return-to-stock", G_CALLBACK (on_return_to_stock), self);
  g_signal_connect (self->stage, "stage", G_CALLBACK (on_stage), self);
  g_signal_connect (self->stage, "print-labels", G_CALLBACK (on_print_labels), self);
}

static void
watch_activity (CurbStagingWindow *self)
{
  GtkGesture *click = gtk_gesture_click_new ();
  GtkEventController *keys = gtk_event_controller_key_new ();

  gtk_event_controller_set_propagation_phase (GTK_EVENT_CONTROLLER (click), GTK_PHASE_CAPTURE);
  gtk_event_controller_set_propagation_phase (keys, GTK_PHASE_CAPTURE);
  g_signal_connect_swapped (click, "pressed", G_CALLBACK (on_user_activity), self);
  g_signal_connect (keys, "key-pressed", G_CALLBACK (on_key_pressed), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (click));
  gtk_widget_add_controller (GTK_WIDGET (self), keys);
}

static void
connect_station (CurbStagingWindow *self)
{
  CurbStaffSession *session = curb_staging_station_get_session (self->station);

  g_signal_connect_object (session, "notify::signed-in", G_CALLBACK (on_session_changed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (session, "signed-out", G_CALLBACK (on_signed_out), self, 0);
  g_signal_connect_object (curb_staging_station_get_board (self->station), "order-changed",
                           G_CALLBACK (on_order_changed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (curb_staging_station_get_alerts (self->station), "ring",
                           G_CALLBACK (on_ring), self, 0);
  g_signal_connect_object (self->station, "tick", G_CALLBACK (on_tick), self, 0);
  g_signal_connect_object (self->station, "link-changed", G_CALLBACK (on_link_changed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->station, "help-changed", G_CALLBACK (update_help_banner), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->station, "code", G_CALLBACK (curb_staging_window_handle_code), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->station, "notice", G_CALLBACK (curb_staging_window_toast), self, G_CONNECT_SWAPPED);
}

static void
curb_staging_window_dispose (GObject *object)
{
  CurbStagingWindow *self = CURB_STAGING_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->alert_ref, g_free);
  g_clear_pointer (&self->help_id, g_free);

  G_OBJECT_CLASS (curb_staging_window_parent_class)->dispose (object);
  g_clear_object (&self->station);
}

static void
curb_staging_window_class_init (CurbStagingWindowClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = curb_staging_window_dispose;
  curb_staging_resources_ensure ();
  gtk_widget_class_set_template_from_resource (widget_class, "/org/curbside/Staging/curb-staging-window.ui");
  gtk_widget_class_bind_template_child (widget_class, CurbStagingWindow, sync_label);
  gtk_widget_class_bind_template_child (widget_class, CurbStagingWindow, signout_button);
  gtk_widget_class_bind_template_child (widget_class, CurbStagingWindow, staff_label);
  gtk_widget_class_bind_template_child (widget_class, CurbStagingWindow, help_revealer);
  gtk_widget_class_bind_template_child (widget_class, CurbStagingWindow, help_button);
  gtk_widget_class_bind_template_child (widget_class, CurbStagingWindow, help_label);
  gtk_widget_class_bind_template_child (widget_class, CurbStagingWindow, alert_revealer);
  gtk_widget_class_bind_template_child (widget_class, CurbStagingWindow, alert_button);
  gtk_widget_class_bind_template_child (widget_class, CurbStagingWindow, alert_label);
  gtk_widget_class_bind_template_child (widget_class, CurbStagingWindow, toasts);
  gtk_widget_class_bind_template_child (widget_class, CurbStagingWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, CurbStagingWindow, nav_box);
  gtk_widget_class_bind_template_child (widget_class, CurbStagingWindow, nav_board);
  gtk_widget_class_bind_template_child (widget_class, CurbStagingWindow, nav_stage);
  gtk_widget_class_bind_template_child (widget_class, CurbStagingWindow, nav_kpi);
  gtk_widget_class_bind_template_child (widget_class, CurbStagingWindow, nav_health);
}

static void
curb_staging_window_init (CurbStagingWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  g_object_set_data (G_OBJECT (self->nav_board), "page", (gpointer) "board");
  g_object_set_data (G_OBJECT (self->nav_stage), "page", (gpointer) "stage");
  g_object_set_data (G_OBJECT (self->nav_kpi), "page", (gpointer) "kpi");
  g_object_set_data (G_OBJECT (self->nav_health), "page", (gpointer) "health");
  g_signal_connect (self->nav_board, "toggled", G_CALLBACK (on_nav_toggled), self);
  g_signal_connect (self->nav_stage, "toggled", G_CALLBACK (on_nav_toggled), self);
  g_signal_connect (self->nav_kpi, "toggled", G_CALLBACK (on_nav_toggled), self);
  g_signal_connect (self->nav_health, "toggled", G_CALLBACK (on_nav_toggled), self);
  g_signal_connect_swapped (self->alert_button, "clicked", G_CALLBACK (on_alert_clicked), self);
  g_signal_connect_swapped (self->help_button, "clicked", G_CALLBACK (on_help_clicked), self);
  g_signal_connect_swapped (self->signout_button, "clicked", G_CALLBACK (on_signout_clicked), self);
  watch_activity (self);
}

CurbStagingWindow *
curb_staging_window_new (AdwApplication     *app,
                         CurbStagingStation *station)
{
  CurbStagingWindow *self = g_object_new (CURB_TYPE_STAGING_WINDOW, "application", app, NULL);

  self->station = g_object_ref (station);
  build_pages (self);
  connect_station (self);
  curb_staging_window_set_sync_text (self, _("Hub: not connected"), FALSE);
  on_session_changed (self);
  update_banner (self);
  update_help_banner (self);
  return self;
}

CurbStagingStation *
curb_staging_window_get_station (CurbStagingWindow *self)
{
  g_return_val_if_fail (CURB_IS_STAGING_WINDOW (self), NULL);
  return self->station;
}

/* Pages other than the sign-in page need a signed-in staff member. */
void
curb_staging_window_show_page (CurbStagingWindow *self,
                               const char        *name)
{
  g_return_if_fail (CURB_IS_STAGING_WINDOW (self));
  g_return_if_fail (name != NULL);

  if (!is_signed_in (self))
    name = "signin";
  gtk_stack_set_visible_child_name (self->stack, name);
  update_nav (self);
}

const char *
curb_staging_window_get_page (CurbStagingWindow *self)
{
  g_return_val_if_fail (CURB_IS_STAGING_WINDOW (self), NULL);
  return gtk_stack_get_visible_child_name (self->stack);
}

/* Returns: (transfer none) (nullable): the page widget called @name */
GtkWidget *
curb_staging_window_get_page_widget (CurbStagingWindow *self,
                                     const char        *name)
{
  g_return_val_if_fail (CURB_IS_STAGING_WINDOW (self), NULL);
  return gtk_stack_get_child_by_name (self->stack, name);
}

gboolean
curb_staging_window_open_order (CurbStagingWindow *self,
                                const char        *ref)
{
  CurbOrder *order;
  CurbBoardColumn column;

  g_return_val_if_fail (CURB_IS_STAGING_WINDOW (self), FALSE);
  order = curb_board_model_lookup (curb_staging_station_get_board (self->station), ref);
  if (order == NULL)
    return FALSE;
  column = curb_board_column_for_order (order);
  if ((column == CURB_BOARD_COLUMN_STAGED || column == CURB_BOARD_COLUMN_TO_STAGE
       || column == CURB_BOARD_COLUMN_ON_THE_WAY)
      && !curb_board_model_is_no_show_due (curb_staging_station_get_board (self->station), order,
                                           curb_staging_station_now (self->station)))
    {
      curb_stage_page_select (CURB_STAGE_PAGE (self->stage), ref);
      curb_staging_window_show_page (self, "stage");
      return TRUE;
    }
  curb_detail_page_show_order (CURB_DETAIL_PAGE (self->detail), order);
  curb_staging_window_show_page (self, "detail");
  return TRUE;
}

/* A code from a scanner: a badge signs in, a bag label goes to the open
 * order, a bin label to the order being staged. */
void
curb_staging_window_handle_code (CurbStagingWindow *self,
                                 const char        *code)
{
  const char *page;

  g_return_if_fail (CURB_IS_STAGING_WINDOW (self));
  g_return_if_fail (code != NULL);
  on_user_activity (self);
  page = curb_staging_window_get_page (self);
  if (g_strcmp0 (page, "signin") == 0)
    {
      curb_signin_page_set_busy (CURB_SIGNIN_PAGE (self->signin), TRUE);
      curb_staging_station_sign_in_async (self->station, NULL, NULL, code, self->cancellable,
                                          on_signin_ready, self);
    }
  else if (g_strcmp0 (page, "detail") == 0)
    curb_detail_page_scan (CURB_DETAIL_PAGE (self->detail), code);
  else if (g_strcmp0 (page, "stage") == 0)
    curb_stage_page_scan (CURB_STAGE_PAGE (self->stage), code);
  else
    curb_staging_window_toast (self, _("Open an order before scanning its bags."));
}

void
curb_staging_window_toast (CurbStagingWindow *self,
                           const char        *message)
{
  AdwToast *toast;

  g_return_if_fail (CURB_IS_STAGING_WINDOW (self));
  toast = adw_toast_new ("");
  /* adw_toast_new() parses markup: set the title as escaped text */
  {
    g_autofree char *escaped = g_markup_escape_text (message, -1);
    adw_toast_set_title (toast, escaped);
  }
  adw_toast_set_timeout (toast, 4);
  adw_toast_overlay_add_toast (self->toasts, toast);
}

const char *
curb_staging_window_get_banner_text (CurbStagingWindow *self)
{
  g_return_val_if_fail (CURB_IS_STAGING_WINDOW (self), NULL);
  if (!gtk_revealer_get_reveal_child (self->alert_revealer))
    return NULL;
  return gtk_label_get_text (self->alert_label);
}

void
curb_staging_window_set_sync_text (CurbStagingWindow *self,
                                   const char        *text,
                                   gboolean           ok)
{
  g_return_if_fail (CURB_IS_STAGING_WINDOW (self));
  gtk_label_set_text (self->sync_label, text);
  if (ok)
    {
      gtk_widget_add_css_class (GTK_WIDGET (self->sync_label), "sync-ok");
      gtk_widget_remove_css_class (GTK_WIDGET (self->sync_label), "sync-problem");
    }
  else
    {
      gtk_widget_add_css_class (GTK_WIDGET (self->sync_label), "sync-problem");
      gtk_widget_remove_css_class (GTK_WIDGET (self->sync_label), "sync-ok");
    }
}
