#include "curb-order-card.h"

#include "curb-staging-resources.h"

#include <glib/gi18n.h>

struct _CurbOrderCard
{
  AdwBin              parent_instance;

  GtkWidget          *box;
  GtkLabel           *ref_label;
  GtkLabel           *wait_label;
  GtkLabel           *name_label;
  GtkLabel           *bay_label;
  GtkLabel           *status_label;
  GtkLabel           *where_label;
  GtkLabel           *bags_label;
  GtkLabel           *flags_label;

  CurbBoardOrder     *order;
  CurbStagingStation *station;
  gulong              tick_handler;
};

G_DEFINE_FINAL_TYPE (CurbOrderCard, curb_order_card, ADW_TYPE_BIN)

static const char *const level_classes[] = { "level-none", "level-ok", "level-amber", "level-red" };

static char *
format_clock (gint64 ms)
{
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (ms / 1000);
  g_autoptr(GDateTime) local = utc != NULL ? g_date_time_to_local (utc) : NULL;

  return local != NULL ? g_date_time_format (local, "%H:%M") : g_strdup ("—");
}

/* Only the temperatures that have bags: "Bags: 2 ambient, 1 frozen". */
static char *
format_bags (CurbBoardOrder *order)
{
  const char *names[] = { N_("ambient"), N_("chilled"), N_("frozen") };
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint t = 0; t < CURB_BOARD_N_TEMPS; t++)
    {
      int n = curb_board_order_get_bags (order, t);

      if (n > 0)
        g_string_append_printf (text, "%s%d %s", text->len ? ", " : "", n, _(names[t]));
    }
  if (text->len == 0)
    return g_strdup (_("No bags counted yet"));
  /* Translators: %s is e.g. "2 ambient, 1 frozen" */
  return g_strdup_printf (_("Bags: %s"), text->str);
}

static char *
format_where (CurbBoardOrder *order)
{
  g_autofree char *locations = curb_board_order_dup_locations_text (order);

  if (*locations == '\0')
    return g_strdup (curb_board_order_get_staged (order) ? _("Staged, no location given")
                                                         : _("Not staged yet"));
  return g_strdup_printf (_("Location: %s"), locations);
}

static void
add_flag (GString    *flags,
          const char *text)
{
  if (flags->len > 0)
    g_string_append (flags, " · ");
  g_string_append (flags, text);
}

static char *
format_flags (CurbOrderCard *self,
              gint64         now)
{
  CurbBoardModel *board = curb_staging_station_get_board (self->station);
  g_autoptr(GString) flags = g_string_new (NULL);
  g_autofree char *alternate = curb_board_order_dup_alternate_name (self->order);
  guint subs = curb_board_order_get_pending_substitutions (self->order);

  if (curb_alert_tracker_get_level (curb_staging_station_get_alerts (self->station),
                                    curb_board_order_get_ref (self->order)) == CURB_ALERT_LEVEL_ESCALATED)
    add_flag (flags, _("ESCALATED: manager, please help"));
  if (curb_board_order_get_age_restricted (self->order))
    add_flag (flags, _("ID check"));
  if (subs > 0)
    add_flag (flags, _("Substitutions pending"));
  if (alternate != NULL)
    {
      g_autofree char *text = g_strdup_printf (_("Pickup by %s"), alternate);
      add_flag (flags, text);
    }
  if (curb_board_order_get_n_not_taken (self->order) > 0)
    add_flag (flags, _("Partial"));
  if (curb_board_order_get_restage (self->order) != NULL)
    {
      /* Translators: central changed the order after staging; %s is "+3 × Whole Milk 1 L" */
      g_autofree char *text = g_strdup_printf (_("Re-stage: %s"), curb_board_order_get_restage (self->order));
      add_flag (flags, text);
    }
  if (curb_board_order_get_eta (self->order) > 0 && curb_board_column_for_order (self->order) == CURB_BOARD_COLUMN_ON_THE_WAY)
    {
      g_autofree char *at = format_clock (curb_board_order_get_eta (self->order));
      /* Translators: %s is a clock time */
      g_autofree char *text = curb_board_model_is_late_for_eta (board, self->order, now)
                              ? g_strdup_printf (_("NOT STAGED: shopper arrives %s"), at)
                              : g_strdup_printf (_("Arrives %s"), at);
      add_flag (flags, text);
    }
  if (curb_board_model_is_cold_too_long (board, self->order, now))
    add_flag (flags, _("Cold bags staged too long"));
  if (curb_board_model_is_no_show_due (board, self->order, now))
    add_flag (flags, _("Past pickup window"));
  if (curb_staging_station_get_link (self->station) != NULL
      && curb_staging_link_is_pending (curb_staging_station_get_link (self->station),
                                       curb_board_order_get_ref (self->order)))
    add_flag (flags, _("Action waiting to be sent"));
  return g_string_free (g_steal_pointer (&flags), FALSE);
}

static char *
format_done_status (CurbBoardOrder *order)
{
  g_autofree char *at = format_clock (curb_board_order_get_handed_over_at (order));

  switch (curb_board_order_get_state (order))
    {
    case CURB_BOARD_STATE_HANDED_OVER:
      return g_strdup_printf (_("Handed over at %s"), at);
    case CURB_BOARD_STATE_PARTIALLY_HANDED_OVER:
      return g_strdup_printf (_("Partly handed over at %s"), at);
    case CURB_BOARD_STATE_NO_SHOW:
      return g_strdup (_("No-show"));
    case CURB_BOARD_STATE_CANCELLED:
      return g_strdup (_("Cancelled"));
    case CURB_BOARD_STATE_PENDING:
    case CURB_BOARD_STATE_READY:
    case CURB_BOARD_STATE_ARRIVED:
    case CURB_BOARD_STATE_CLAIMED:
    default:
      return g_strdup ("");
    }
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
      return "";
    }
}

static char *
format_status (CurbOrderCard    *self,
               CurbServiceLevel  level)
{
  CurbBoardOrder *order = self->order;
  g_autofree char *start = NULL, *end = NULL;

  switch (curb_board_order_get_state (order))
    {
    case CURB_BOARD_STATE_ARRIVED:
      return g_strdup_printf (_("Waiting, %s"), level_text (level));
    case CURB_BOARD_STATE_CLAIMED:
      return g_strdup_printf (_("On the way: %s, %s"),
                              curb_board_order_get_claimed_by_name (order) ?: _("staff"),
                              level_text (level));
    case CURB_BOARD_STATE_PENDING:
    case CURB_BOARD_STATE_READY:
      if (curb_board_order_get_window_start (order) <= 0)
        return g_strdup (_("Pickup window not set"));
      start = format_clock (curb_board_order_get_window_start (order));
      end = format_clock (curb_board_order_get_window_end (order));
      return g_strdup_printf (_("Pickup %s–%s"), start, end);
    case CURB_BOARD_STATE_HANDED_OVER:
    case CURB_BOARD_STATE_PARTIALLY_HANDED_OVER:
    case CURB_BOARD_STATE_NO_SHOW:
    case CURB_BOARD_STATE_CANCELLED:
    default:
      return format_done_status (order);
    }
}

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
update_ringing (CurbOrderCard *self)
{
  CurbAlertTracker *alerts = curb_staging_station_get_alerts (self->station);
  CurbAlertLevel level = curb_alert_tracker_get_level (alerts, curb_board_order_get_ref (self->order));

  /* a ringing card blinks once a second, with the station's tick: only
   * the cards on screen restyle, never the whole board */
  if (level != CURB_ALERT_LEVEL_NONE)
    {
      gtk_widget_add_css_class (self->box, "ringing");
      if (gtk_widget_has_css_class (self->box, "blink"))
        gtk_widget_remove_css_class (self->box, "blink");
      else
        gtk_widget_add_css_class (self->box, "blink");
    }
  else
    {
      gtk_widget_remove_css_class (self->box, "ringing");
      gtk_widget_remove_css_class (self->box, "blink");
    }
  if (level == CURB_ALERT_LEVEL_ESCALATED)
    gtk_widget_add_css_class (self->box, "escalated");
  else
    gtk_widget_remove_css_class (self->box, "escalated");
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
on_station_tick (CurbStagingStation *station,
                 gint64              now,
                 CurbOrderCard      *self)
{
  curb_order_card_refresh (self, now);
}

static void
fill_static (CurbOrderCard *self)
{
  g_autofree char *name = curb_board_order_dup_display_name (self->order);
  g_autofree char *where = format_where (self->order);
  g_autofree char *bags = format_bags (self->order);
  const char *bay = curb_board_order_get_bay (self->order);
  g_autofree char *bay_text = bay != NULL ? g_strdup_printf (_("Bay %s"), bay) : g_strdup ("");

  gtk_label_set_text (self->ref_label, curb_board_order_get_ref (self->order));
  gtk_label_set_text (self->name_label, name);
  gtk_label_set_text (self->bay_label, bay_text);
  gtk_widget_set_visible (GTK_WIDGET (self->bay_label), bay != NULL);
  gtk_label_set_text (self->where_label, where);
  gtk_label_set_text (self->bags_label, bags);
}

static void
curb_order_card_dispose (GObject *object)
{
  curb_order_card_unbind (CURB_ORDER_CARD (object));

  G_OBJECT_CLASS (curb_order_card_parent_class)->dispose (object);
}

static void
curb_order_card_class_init (CurbOrderCardClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = curb_order_card_dispose;
  curb_staging_resources_ensure ();
  gtk_widget_class_set_template_from_resource (widget_class, "/org/curbside/Staging/board/curb-order-card.ui");
  gtk_widget_class_bind_template_child (widget_class, CurbOrderCard, box);
  gtk_widget_class_bind_template_child (widget_class, CurbOrderCard, ref_label);
  gtk_widget_class_bind_template_child (widget_class, CurbOrderCard, wait_label);
  gtk_widget_class_bind_template_child (widget_class, CurbOrderCard, name_label);
  gtk_widget_class_bind_template_child (widget_class, CurbOrderCard, bay_label);
  gtk_widget_class_bind_template_child (widget_class, CurbOrderCard, status_label);
  gtk_widget_class_bind_template_child (widget_class, CurbOrderCard, where_label);
  gtk_widget_class_bind_template_child (widget_class, CurbOrderCard, bags_label);
  gtk_widget_class_bind_template_child (widget_class, CurbOrderCard, flags_label);
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

void
curb_order_card_bind (CurbOrderCard      *self,
                      CurbBoardOrder     *order,
                      CurbStagingStation *station)
{
  g_return_if_fail (CURB_IS_ORDER_CARD (self));
  g_return_if_fail (CURB_IS_BOARD_ORDER (order));

  curb_order_card_unbind (self);
  self->order = g_object_ref (order);
  self->station = g_object_ref (station);
  self->tick_handler = g_signal_connect (station, "tick", G_CALLBACK (on_station_tick), self);
  fill_static (self);
  curb_order_card_refresh (self, curb_staging_station_now (station));
}

void
curb_order_card_unbind (CurbOrderCard *self)
{
  g_return_if_fail (CURB_IS_ORDER_CARD (self));

  if (self->station != NULL)
    g_clear_signal_handler (&self->tick_handler, self->station);
  g_clear_object (&self->station);
  g_clear_object (&self->order);
}

void
curb_order_card_refresh (CurbOrderCard *self,
                         gint64         now_ms)
{
  CurbBoardModel *board;
  CurbServiceLevel level;
  g_autofree char *wait = NULL, *status = NULL, *flags = NULL;

  g_return_if_fail (CURB_IS_ORDER_CARD (self));
  if (self->order == NULL)
    return;
  board = curb_staging_station_get_board (self->station);
  level = curb_board_model_service_level (board, self->order, now_ms);
  wait = level != CURB_SERVICE_LEVEL_NONE
         ? curb_format_wait (curb_board_model_wait_ms (board, self->order, now_ms)) : g_strdup ("");
  status = format_status (self, level);
  flags = format_flags (self, now_ms);
  gtk_label_set_text (self->wait_label, wait);
  gtk_label_set_text (self->status_label, status);
  gtk_label_set_text (self->flags_label, flags);
  gtk_widget_set_visible (GTK_WIDGET (self->flags_label), *flags != '\0');
  set_level_class (self, level);
  update_ringing (self);
  update_accessible_label (self);
}

/* Returns: (transfer none) (nullable): the order shown */
CurbBoardOrder *
curb_order_card_get_order (CurbOrderCard *self)
{
  g_return_val_if_fail (CURB_IS_ORDER_CARD (self), NULL);
  return self->order;
}
