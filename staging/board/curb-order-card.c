#include "curb-order-card.h"

#include "curb-staging-resources.h"

#include <glib/gi18n.h>

#include "curb-staging-station.h"
#include "curb-rules.h"

/* One order on the board. Its texts are bindings in curb-order-card.ui over
 * the order's properties; waits, lateness and flags also follow the card's
 * clock ("now"), which the station's one-second tick moves. */

struct _CurbOrderCard
{
  AdwBin              parent_instance;

  GtkWidget          *box;
  GtkLabel           *ref_label;
  GtkLabel           *wait_label;
  GtkLabel           *name_label;
  GtkLabel           *bay_label;
  GtkLabel           *status_label;
  GtkLabel           *substitutions_label;
  GtkLabel           *where_label;
  GtkLabel           *bags_label;
  GtkLabel           *flags_label;

  CurbOrder          *order;
  gint64              now;
  CurbStagingStation *station;
  gulong              tick_handler;
};

G_DEFINE_FINAL_TYPE (CurbOrderCard, curb_order_card, ADW_TYPE_BIN)

enum { PROP_0, PROP_ORDER, PROP_NOW, N_PROPS };
static GParamSpec *props[N_PROPS];

static const char *const level_classes[] = { "level-none", "level-ok", "level-amber", "level-red" };

/* --- texts (closures of the template) --- */

static char *
format_clock (gint64 ms)
{
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (ms / 1000);
  g_autoptr(GDateTime) local = utc != NULL ? g_date_time_to_local (utc) : NULL;

  return local != NULL ? g_date_time_format (local, "%H:%M") : g_strdup ("—");
}

/* "25 min", "1 h 05 min" */
static char *
format_duration (gint64 ms)
{
  gint64 minutes = MAX (ms, 0) / 60000;

  if (minutes >= 60)
    return g_strdup_printf (_("%d h %02d min"), (int) (minutes / 60), (int) (minutes % 60));
  return g_strdup_printf (_("%d min"), (int) minutes);
}

static CurbBoardModel *
board_of (CurbOrderCard *self)
{
  return self->station != NULL ? curb_staging_station_get_board (self->station) : NULL;
}

static CurbServiceLevel
service_level (CurbOrderCard *self)
{
  CurbBoardModel *board = board_of (self);

  if (board == NULL || self->order == NULL)
    return CURB_SERVICE_LEVEL_NONE;
  return curb_board_model_service_level (board, self->order, self->now);
}

static char *
format_wait (CurbOrderCard  *self,
             CurbOrder      *order,
             CurbOrderState  state,
             gint64          now)
{
  if (order == NULL || service_level (self) == CURB_SERVICE_LEVEL_NONE)
    return g_strdup ("");
  return curb_format_wait (curb_board_model_wait_ms (board_of (self), order, now));
}

static char *
format_name (CurbOrderCard *self,
             const char    *display_name)
{
  return g_strdup (display_name != NULL ? display_name : "—");
}

static char *
format_bay (CurbOrderCard  *self,
            const char     *bay,
            gboolean        skipped,
            CurbOrderState  state)
{
  char *label = curb_board_dup_bay_label (bay, skipped, state);

  return label != NULL ? label : g_strdup ("");
}

static gboolean
bay_shown (CurbOrderCard  *self,
           const char     *bay,
           gboolean        skipped,
           CurbOrderState  state)
{
  g_autofree char *label = curb_board_dup_bay_label (bay, skipped, state);

  return label != NULL;
}

static gboolean
has_text (CurbOrderCard *self,
          const char    *text)
{
  return text != NULL && *text != '\0';
}

static gboolean
has_items (CurbOrderCard *self,
           GListModel    *list)
{
  return list != NULL && g_list_model_get_n_items (list) > 0;
}

static const char *
level_text (CurbServiceLevel level)
{
  switch (level)
    {
    case CURB_SERVICE_LEVEL_OK:
      return _("on time");
    case CURB_SERVICE_LEVEL_AMBER:
      return _("getting late");
    case CURB_SERVICE_LEVEL_RED:
      return _("LATE");
    case CURB_SERVICE_LEVEL_NONE:
    default:
      return NULL;
    }
}

/* How the wait goes, and whether the shopper came after the pickup window:
 * "on time" only when both are true. */
static char *
format_timeliness (CurbOrderCard *self)
{
  CurbServiceLevel level = service_level (self);
  gint64 late = curb_board_model_past_window_ms (board_of (self), self->order, self->now);
  g_autofree char *duration = NULL;

  if (late <= 0)
    return g_strdup (level_text (level));
  duration = format_duration (late);
  if (level == CURB_SERVICE_LEVEL_OK || level == CURB_SERVICE_LEVEL_NONE)
    /* Translators: %s is "1 h 05 min" */
    return g_strdup_printf (_("%s late for the pickup window"), duration);
  /* Translators: "LATE · 1 h 05 min late for the pickup window" */
  return g_strdup_printf (_("%s · %s late for the pickup window"), level_text (level), duration);
}

static char *
format_window (CurbOrderCard *self)
{
  CurbOrder *order = self->order;
  g_autofree char *start = NULL, *end = NULL, *window = NULL;
  gint64 late = curb_board_model_past_window_ms (board_of (self), order, self->now);

  if (curb_order_get_window_start (order) <= 0)
    return g_strdup (_("Pickup window not set"));
  start = format_clock (curb_order_get_window_start (order));
  end = format_clock (curb_order_get_window_end (order));
  window = g_strdup_printf (_("Pickup %s–%s"), start, end);
  if (late > 0)
    {
      g_autofree char *duration = format_duration (late);

      /* Translators: "Pickup 13:00–14:00 · 1 h 05 min late" */
      return g_strdup_printf (_("%s · %s late"), window, duration);
    }
  return g_steal_pointer (&window);
}

static char *
format_done (CurbOrder      *order,
             CurbOrderState  state)
{
  g_autofree char *at = format_clock (curb_order_get_handed_over_at (order));

  switch (state)
    {
    case CURB_ORDER_STATE_HANDED_OVER:
      return g_strdup_printf (_("Handed over at %s"), at);
    case CURB_ORDER_STATE_PARTIALLY_HANDED_OVER:
      return g_strdup_printf (_("Partly handed over at %s"), at);
    case CURB_ORDER_STATE_NO_SHOW:
      return g_strdup (_("No-show"));
    case CURB_ORDER_STATE_CANCELLED:
      return g_strdup (_("Cancelled"));
    case CURB_ORDER_STATE_PENDING:
    case CURB_ORDER_STATE_READY:
    case CURB_ORDER_STATE_ARRIVED:
    case CURB_ORDER_STATE_CLAIMED:
    default:
      return g_strdup ("");
    }
}

static char *
format_status (CurbOrderCard  *self,
               CurbOrder      *order,
               CurbOrderState  state,
               CurbPerson     *claimer,
               gint64          now)
{
  g_autofree char *timeliness = NULL;

  if (order == NULL || self->station == NULL)
    return g_strdup ("");
  switch (state)
    {
    case CURB_ORDER_STATE_ARRIVED:
      timeliness = format_timeliness (self);
      return g_strdup_printf (_("Waiting, %s"), timeliness);
    case CURB_ORDER_STATE_CLAIMED:
      timeliness = format_timeliness (self);
      return g_strdup_printf (_("On the way: %s, %s"),
                              claimer != NULL && curb_person_get_first_name (claimer) != NULL
                              ? curb_person_get_first_name (claimer) : _("staff"),
                              timeliness);
    case CURB_ORDER_STATE_PENDING:
    case CURB_ORDER_STATE_READY:
      return format_window (self);
    case CURB_ORDER_STATE_HANDED_OVER:
    case CURB_ORDER_STATE_PARTIALLY_HANDED_OVER:
    case CURB_ORDER_STATE_NO_SHOW:
    case CURB_ORDER_STATE_CANCELLED:
    default:
      return format_done (order, state);
    }
}

/**
 * curb_format_substitution:
 *
 * What staff hand over for a substitution, in the shopper's decision:
 * "1 × Soy milk 1 L instead of Oat milk 1 L".
 */
char *
curb_format_substitution (CurbSubstitution *substitution)
{
  const char *original = curb_substitution_get_original (substitution);
  const char *replacement = curb_substitution_get_replacement (substitution);

  switch (curb_substitution_get_status (substitution))
    {
    case CURB_SUBSTITUTION_APPROVED:
      /* Translators: "1 × Soy milk 1 L instead of Oat milk 1 L" */
      return g_strdup_printf (_("%u × %s instead of %s"), curb_substitution_get_qty (substitution),
                              replacement, original);
    case CURB_SUBSTITUTION_DECLINED:
      return g_strdup_printf (_("No %s: the shopper declined %s"), original, replacement);
    case CURB_SUBSTITUTION_PENDING:
    default:
      return g_strdup_printf (_("Ask the shopper: %s instead of %s?"), replacement, original);
    }
}

static char *
format_substitutions (CurbOrderCard *self,
                      GListModel    *substitutions)
{
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint i = 0; substitutions != NULL && i < g_list_model_get_n_items (substitutions); i++)
    {
      g_autoptr(CurbSubstitution) substitution = g_list_model_get_item (substitutions, i);
      g_autofree char *one = curb_format_substitution (substitution);

      g_string_append_printf (text, "%s%s", text->len > 0 ? "\n" : "", one);
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

static char *
format_where (CurbOrderCard *self,
              gboolean       staged,
              GListModel    *locations)
{
  g_autofree char *where = self->order != NULL ? curb_order_dup_locations_text (self->order) : NULL;

  if (where == NULL)
    return g_strdup (staged ? _("Staged, no location given") : _("Not staged yet"));
  return g_strdup_printf (_("Location: %s"), where);
}

/* Only the temperatures that have bags: "Bags: 2 ambient, 1 frozen". */
static char *
format_bags (CurbOrderCard *self,
             GListModel    *bags)
{
  const char *names[] = { N_("ambient"), N_("chilled"), N_("frozen") };
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint t = 0; self->order != NULL && t < CURB_TEMPERATURE_COUNT; t++)
    {
      guint n = curb_order_count_bags (self->order, t);

      if (n > 0)
        g_string_append_printf (text, "%s%u %s", text->len ? ", " : "", n, _(names[t]));
    }
  if (text->len == 0)
    return g_strdup (_("No bags counted yet"));
  /* Translators: %s is e.g. "2 ambient, 1 frozen" */
  return g_strdup_printf (_("Bags: %s"), text->str);
}

static void
add_flag (GString    *flags,
          const char *text)
{
  if (flags->len > 0)
    g_string_append (flags, " · ");
  g_string_append (flags, text);
}

static void
add_people_flags (CurbOrderCard *self,
                  GString       *flags)
{
  CurbPerson *person = curb_order_get_alternate_pickup (self->order);
  g_autofree char *alternate = person != NULL ? curb_person_dup_display_name (person) : NULL;

  if (curb_rules_needs_id_check (self->order, NULL))
    add_flag (flags, _("ID check"));
  if (alternate != NULL)
    {
      g_autofree char *text = g_strdup_printf (_("Pickup by %s"), alternate);
      add_flag (flags, text);
    }
}

/* "+3 × Whole Milk 1 L, −1 × Eggs" */
static char *
format_restage (GListModel *restage)
{
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint i = 0; i < g_list_model_get_n_items (restage); i++)
    {
      g_autoptr(CurbRestageLine) line = g_list_model_get_item (restage, i);
      gint64 delta = (gint64) curb_restage_line_get_qty (line) - curb_restage_line_get_staged_qty (line);
      const char *name = curb_restage_line_get_name (line) ?: curb_restage_line_get_line_id (line);

      if (delta != 0)
        g_string_append_printf (text, "%s%s%" G_GINT64_FORMAT " \u00d7 %s", text->len > 0 ? ", " : "",
                                delta > 0 ? "+" : "\u2212", ABS (delta), name);
    }
  return text->len > 0 ? g_string_free (g_steal_pointer (&text), FALSE) : NULL;
}

/* Central changed the order after staging; the shopper is on the way. */
static void
add_on_the_way_flags (CurbOrderCard *self,
                      CurbOrder     *order,
                      gint64         now,
                      GString       *flags)
{
  g_autofree char *restage = format_restage (curb_order_get_restage (order));
  gint64 eta = curb_order_get_eta (order);

  if (restage != NULL)
    {
      /* Translators: central changed the order after staging; %s is "+3 × Whole Milk 1 L" */
      g_autofree char *text = g_strdup_printf (_("Re-stage: %s"), restage);
      add_flag (flags, text);
    }
  if (curb_rules_is_taken_on (order))
    {
      CurbPerson *claimer = curb_order_get_claimer (order);
      const char *me = curb_staff_session_get_staff_id (curb_staging_station_get_session (self->station));
      g_autofree char *text = g_strcmp0 (curb_person_get_id (claimer), me) == 0
                              ? g_strdup (_("You are bringing it out"))
                              : g_strdup_printf (_("%s is bringing it out"),
                                                 curb_person_get_first_name (claimer) != NULL
                                                 ? curb_person_get_first_name (claimer) : _("staff"));
      add_flag (flags, text);
    }
  if (eta > 0 && curb_board_column_for_order (order) == CURB_BOARD_COLUMN_ON_THE_WAY)
    {
      g_autofree char *at = format_clock (eta);
      /* Translators: %s is a clock time */
      g_autofree char *text = curb_board_model_is_late_for_eta (board_of (self), order, now)
                              ? g_strdup_printf (_("NOT STAGED: shopper arrives %s"), at)
                              : g_strdup_printf (_("Arrives %s"), at);
      add_flag (flags, text);
    }
}

static char *
format_flags (CurbOrderCard *self,
              CurbOrder     *order,
              gint64         now)
{
  CurbBoardModel *board = board_of (self);
  CurbStagingLink *link;
  g_autoptr(GString) flags = g_string_new (NULL);

  if (order == NULL || board == NULL)
    return g_strdup ("");
  link = curb_staging_station_get_link (self->station);
  if (curb_alert_tracker_get_level (curb_staging_station_get_alerts (self->station),
                                    curb_order_get_ref (order)) == CURB_ALERT_LEVEL_ESCALATED)
    add_flag (flags, _("ESCALATED: manager, please help"));
  add_people_flags (self, flags);
  if (g_list_model_get_n_items (curb_order_get_not_taken (order)) > 0)
    add_flag (flags, _("Partial"));
  add_on_the_way_flags (self, order, now, flags);
  if (curb_board_model_is_cold_too_long (board, order, now))
    add_flag (flags, _("Cold bags staged too long"));
  if (curb_board_model_is_no_show_due (board, order, now))
    add_flag (flags, _("Past pickup window"));
  if (link != NULL && curb_staging_link_is_pending (link, curb_order_get_ref (order)))
    add_flag (flags, _("Action waiting to be sent"));
  return g_string_free (g_steal_pointer (&flags), FALSE);
}

/* --- what bindings cannot say: style classes, the accessible name --- */

static void
set_level_class (CurbOrderCard    *self,
                 CurbServiceLevel  level)
{
  for (guint i = 0; i < G_N_ELEMENTS (level_classes); i++)
    {
      if (i == level)
        gtk_widget_add_css_class (self->box, level_classes[i]);
      else
        gtk_widget_remove_css_class (self->box, level_classes[i]);
    }
}

static void
set_class (GtkWidget  *widget,
           const char *name,
           gboolean    on)
{
  if (on)
    gtk_widget_add_css_class (widget, name);
  else
    gtk_widget_remove_css_class (widget, name);
}

/* A ringing card blinks once a second, with the station's tick: only the
 * cards on screen restyle, never the whole board. */
static void
update_ringing (CurbOrderCard *self)
{
  CurbAlertLevel level = CURB_ALERT_LEVEL_NONE;

  if (self->order != NULL && self->station != NULL)
    level = curb_alert_tracker_get_level (curb_staging_station_get_alerts (self->station),
                                          curb_order_get_ref (self->order));
  set_class (self->box, "ringing", level != CURB_ALERT_LEVEL_NONE);
  set_class (self->box, "blink", level != CURB_ALERT_LEVEL_NONE && !gtk_widget_has_css_class (self->box, "blink"));
  set_class (self->box, "escalated", level == CURB_ALERT_LEVEL_ESCALATED);
}

static void
update_accessible_label (CurbOrderCard *self)
{
  g_autofree char *label = g_strdup_printf ("%s, %s, %s, %s, %s",
                                            gtk_label_get_text (self->ref_label),
                                            gtk_label_get_text (self->name_label),
                                            gtk_label_get_text (self->bay_label),
                                            gtk_label_get_text (self->status_label),
                                            gtk_label_get_text (self->wait_label));

  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
}

static void
set_now (CurbOrderCard *self,
         gint64         now_ms)
{
  if (self->now != now_ms)
    {
      self->now = now_ms;
      g_object_notify_by_pspec (G_OBJECT (self), props[PROP_NOW]);
    }
  set_level_class (self, service_level (self));
  update_ringing (self);
  update_accessible_label (self);
}

static void
on_station_tick (CurbStagingStation *station,
                 gint64              now_ms,
                 CurbOrderCard      *self)
{
  set_now (self, now_ms);
}

static void
attach_station (CurbOrderCard      *self,
                CurbStagingStation *station)
{
  if (self->station == station)
    return;
  if (self->station != NULL)
    g_clear_signal_handler (&self->tick_handler, self->station);
  g_set_object (&self->station, station);
  if (station == NULL)
    return;
  self->tick_handler = g_signal_connect (station, "tick", G_CALLBACK (on_station_tick), self);
  set_now (self, curb_staging_station_now (station));
}

/* --- GObject, GtkWidget --- */

static void
curb_order_card_root (GtkWidget *widget)
{
  CurbOrderCard *self = CURB_ORDER_CARD (widget);

  GTK_WIDGET_CLASS (curb_order_card_parent_class)->root (widget);
  for (GtkWidget *w = gtk_widget_get_parent (widget); w != NULL; w = gtk_widget_get_parent (w))
    {
      CurbStagingStation *station = g_object_get_data (G_OBJECT (w), CURB_STAGING_STATION_KEY);

      if (station != NULL)
        {
          attach_station (self, station);
          return;
        }
    }
}

static void
curb_order_card_dispose (GObject *object)
{
  CurbOrderCard *self = CURB_ORDER_CARD (object);

  attach_station (self, NULL);
  g_clear_object (&self->order);

  G_OBJECT_CLASS (curb_order_card_parent_class)->dispose (object);
}

static void
curb_order_card_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  CurbOrderCard *self = CURB_ORDER_CARD (object);

  switch (prop_id)
    {
    case PROP_ORDER:
      g_value_set_object (value, self->order);
      break;
    case PROP_NOW:
      g_value_set_int64 (value, self->now);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
curb_order_card_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  CurbOrderCard *self = CURB_ORDER_CARD (object);

  switch (prop_id)
    {
    case PROP_ORDER:
      curb_order_card_set_order (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
bind_template (GtkWidgetClass *widget_class)
{
  gtk_widget_class_set_template_from_resource (widget_class, "/org/curbside/Staging/board/curb-order-card.ui");
  gtk_widget_class_bind_template_child (widget_class, CurbOrderCard, box);
  gtk_widget_class_bind_template_child (widget_class, CurbOrderCard, ref_label);
  gtk_widget_class_bind_template_child (widget_class, CurbOrderCard, wait_label);
  gtk_widget_class_bind_template_child (widget_class, CurbOrderCard, name_label);
  gtk_widget_class_bind_template_child (widget_class, CurbOrderCard, bay_label);
  gtk_widget_class_bind_template_child (widget_class, CurbOrderCard, status_label);
  gtk_widget_class_bind_template_child (widget_class, CurbOrderCard, substitutions_label);
  gtk_widget_class_bind_template_child (widget_class, CurbOrderCard, where_label);
  gtk_widget_class_bind_template_child (widget_class, CurbOrderCard, bags_label);
  gtk_widget_class_bind_template_child (widget_class, CurbOrderCard, flags_label);
  gtk_widget_class_bind_template_callback (widget_class, format_wait);
  gtk_widget_class_bind_template_callback (widget_class, format_name);
  gtk_widget_class_bind_template_callback (widget_class, format_bay);
  gtk_widget_class_bind_template_callback (widget_class, bay_shown);
  gtk_widget_class_bind_template_callback (widget_class, has_text);
  gtk_widget_class_bind_template_callback (widget_class, has_items);
  gtk_widget_class_bind_template_callback (widget_class, format_status);
  gtk_widget_class_bind_template_callback (widget_class, format_substitutions);
  gtk_widget_class_bind_template_callback (widget_class, format_where);
  gtk_widget_class_bind_template_callback (widget_class, format_bags);
  gtk_widget_class_bind_template_callback (widget_class, format_flags);
}

static void
curb_order_card_class_init (CurbOrderCardClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = curb_order_card_dispose;
  object_class->get_property = curb_order_card_get_property;
  object_class->set_property = curb_order_card_set_property;
  widget_class->root = curb_order_card_root;

  props[PROP_ORDER] = g_param_spec_object ("order", NULL, NULL, CURB_TYPE_ORDER,
                                           G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /* the station's clock, moved by its tick: waits and flags follow it */
  props[PROP_NOW] = g_param_spec_int64 ("now", NULL, NULL, 0, G_MAXINT64, 0,
                                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, props);

  g_type_ensure (CURB_TYPE_ORDER);
  curb_staging_resources_ensure ();
  bind_template (widget_class);
}

static void
curb_order_card_init (CurbOrderCard *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
curb_order_card_new (void)
{
  return g_object_new (CURB_TYPE_ORDER_CARD, NULL);
}

/* Returns: (transfer none) (nullable): the order shown */
CurbOrder *
curb_order_card_get_order (CurbOrderCard *self)
{
  g_return_val_if_fail (CURB_IS_ORDER_CARD (self), NULL);
  return self->order;
}

void
curb_order_card_set_order (CurbOrderCard *self,
                           CurbOrder     *order)
{
  g_return_if_fail (CURB_IS_ORDER_CARD (self));
  g_return_if_fail (order == NULL || CURB_IS_ORDER (order));

  if (!g_set_object (&self->order, order))
    return;
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_ORDER]);
  set_now (self, self->station != NULL ? curb_staging_station_now (self->station) : self->now);
}
