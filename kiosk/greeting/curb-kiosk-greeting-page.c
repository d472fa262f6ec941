#include <glib/gi18n.h>

#include "curb-kiosk-greeting-page.h"
#include "curb-kiosk-page.h"
#include "curb-rules.h"

struct _CurbKioskGreetingPage
{
  GtkBox         parent_instance;

  CurbKioskFlow *flow;
  CurbOrder     *order;         /* the shopper's: the .ui binds the greeting to it */
  GtkBox        *layout;
  GtkLabel      *title;
  GtkLabel      *order_label;
  GtkLabel      *bringer_label;
  GtkBox        *bags_box;
  GtkLabel      *window_label;
  GtkLabel      *alternate_label;
  GtkLabel      *id_label;
  GtkBox        *subs_box;
  GtkButton     *confirm_button;
  GtkBox        *actions;
};

G_DEFINE_FINAL_TYPE (CurbKioskGreetingPage, curb_kiosk_greeting_page, GTK_TYPE_BOX)

enum { PROP_0, PROP_ORDER, N_PROPS };
static GParamSpec *props[N_PROPS];

static const char *
temperature_name (CurbTemperature temperature)
{
  switch (temperature)
    {
    case CURB_TEMPERATURE_AMBIENT:
      return _("Pantry");
    case CURB_TEMPERATURE_CHILLED:
      return _("Chilled");
    case CURB_TEMPERATURE_FROZEN:
    default:
      return _("Frozen");
    }
}

static GtkWidget *
bag_chip (CurbTemperature temperature,
          guint           count)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
  g_autofree char *bags = g_strdup_printf (ngettext ("%d bag", "%d bags", count), (int) count);
  GtkWidget *count_label = gtk_label_new (bags);
  GtkWidget *kind_label = gtk_label_new (temperature_name (temperature));

  gtk_widget_add_css_class (box, "chip");
  gtk_widget_add_css_class (box, curb_temperature_to_string (temperature));
  gtk_widget_add_css_class (count_label, "chip-count");
  gtk_box_append (GTK_BOX (box), count_label);
  gtk_box_append (GTK_BOX (box), kind_label);
  return box;
}

static void
refresh_bags (CurbKioskGreetingPage *self,
              CurbOrder             *order)
{
  curb_kiosk_remove_children (self->bags_box);
  for (CurbTemperature t = 0; t < CURB_TEMPERATURE_COUNT; t++)
    {
      guint count = curb_order_count_bags (order, t);

      if (count > 0)
        gtk_box_append (self->bags_box, bag_chip (t, count));
    }
  gtk_widget_set_visible (GTK_WIDGET (self->bags_box),
                          gtk_widget_get_first_child (GTK_WIDGET (self->bags_box)) != NULL);
}

static void
on_decision_clicked (GtkButton             *button,
                     CurbKioskGreetingPage *self)
{
  const char *id = g_object_get_data (G_OBJECT (button), "substitution-id");
  gboolean approved = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (button), "approved"));

  curb_kiosk_flow_decide_substitution (self->flow, id, approved);
}

static GtkWidget *
decision_button (CurbKioskGreetingPage *self,
                 CurbSubstitution      *sub,
                 gboolean               approved)
{
  GtkWidget *button = gtk_toggle_button_new_with_label (approved ? _("Yes, that's fine")
                                                                 : _("No, thanks"));
  gboolean active = curb_substitution_get_status (sub) == (approved ? CURB_SUBSTITUTION_APPROVED
                                                                    : CURB_SUBSTITUTION_DECLINED);

  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (button), active);
  gtk_widget_add_css_class (button, approved ? "approve" : "decline");
  g_object_set_data_full (G_OBJECT (button), "substitution-id", g_strdup (curb_substitution_get_id (sub)), g_free);
  g_object_set_data (G_OBJECT (button), "approved", GINT_TO_POINTER (approved));
  g_signal_connect (button, "clicked", G_CALLBACK (on_decision_clicked), self);
  return button;
}

static GtkWidget *
substitution_row (CurbKioskGreetingPage *self,
                  CurbSubstitution      *sub)
{
  GtkWidget *row = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  GtkWidget *buttons = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  g_autofree char *replacement = curb_kiosk_dup_plain_text (curb_substitution_get_replacement (sub));
  g_autofree char *original = curb_kiosk_dup_plain_text (curb_substitution_get_original (sub));
  g_autofree char *swap = g_strdup_printf (_("%s instead of %s"), replacement,
                                           original != NULL ? original : "");
  GtkWidget *label = gtk_label_new (NULL);

  curb_kiosk_set_text (GTK_LABEL (label), swap);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_add_css_class (row, "substitution");
  gtk_box_set_homogeneous (GTK_BOX (buttons), TRUE);
  gtk_widget_add_css_class (buttons, "decisions");
  gtk_box_append (GTK_BOX (buttons), decision_button (self, sub, TRUE));
  gtk_box_append (GTK_BOX (buttons), decision_button (self, sub, FALSE));
  gtk_box_append (GTK_BOX (row), label);
  gtk_box_append (GTK_BOX (row), buttons);
  return row;
}

static void
refresh_substitutions (CurbKioskGreetingPage *self,
                       CurbOrder             *order)
{
  GListModel *subs = curb_order_get_substitutions (order);
  guint n = g_list_model_get_n_items (subs);
  GtkWidget *heading;

  curb_kiosk_remove_children (self->subs_box);
  gtk_widget_set_visible (GTK_WIDGET (self->subs_box), n > 0);
  if (n == 0)
    return;
  heading = gtk_label_new (ngettext ("We swapped an item. Is that OK?",
                                     "We swapped some items. Are they OK?", n));
  gtk_label_set_wrap (GTK_LABEL (heading), TRUE);
  gtk_label_set_xalign (GTK_LABEL (heading), 0);
  gtk_widget_add_css_class (heading, "heading");
  gtk_box_append (self->subs_box, heading);
  for (guint i = 0; i < n && i < 3; i++)
    {
      g_autoptr(CurbSubstitution) sub = g_list_model_get_item (subs, i);

      gtk_box_append (self->subs_box, substitution_row (self, sub));
    }
}

static guint
count_items (GListModel *lines)
{
  guint items = 0;

  for (guint i = 0; lines != NULL && i < g_list_model_get_n_items (lines); i++)
    {
      g_autoptr(CurbOrderLine) line = g_list_model_get_item (lines, i);

      items += curb_order_line_get_qty (line);
    }
  return items;
}

/* Staff took the order on while the shopper was on the way. */
static void
refresh_bringer (CurbKioskGreetingPage *self)
{
  const char *staff = curb_kiosk_flow_get_staff_name (self->flow);
  g_autofree char *text = staff != NULL && *staff != '\0'
                          ? g_strdup_printf (_("%s is bringing your order"), staff) : NULL;

  curb_kiosk_set_text (self->bringer_label, text);
}

/* Closures of the template: the greeting and the order line follow the
 * order's properties. */
static char *
format_hello (CurbKioskGreetingPage *self,
              const char            *display_name)
{
  g_autofree char *name = display_name != NULL ? curb_kiosk_dup_plain_text (display_name) : NULL;

  return name != NULL ? g_strdup_printf (_("Hi %s"), name) : g_strdup (_("Hi there"));
}

static char *
format_order (CurbKioskGreetingPage *self,
              const char            *ref,
              GListModel            *lines)
{
  guint items = count_items (lines);

  if (ref == NULL)
    return g_strdup ("");
  return g_strdup_printf (ngettext ("Order %s  ·  %d item", "Order %s  ·  %d items", items), ref, (int) items);
}

static char *
format_window (CurbKioskGreetingPage *self,
               gint64                 window_start,
               gint64                 window_end)
{
  g_autofree char *start = curb_kiosk_format_time (window_start);
  g_autofree char *end = curb_kiosk_format_time (window_end);

  if (start == NULL || end == NULL)
    return g_strdup ("");
  return g_strdup_printf (_("Pickup time %s – %s"), start, end);
}

static char *
format_alternate (CurbKioskGreetingPage *self,
                  CurbPerson            *alternate_pickup)
{
  g_autofree char *name = alternate_pickup != NULL
                          ? curb_person_dup_display_name (alternate_pickup) : NULL;
  g_autofree char *alternate = curb_kiosk_dup_plain_text (name);

  if (alternate == NULL || *alternate == '\0')
    return g_strdup ("");
  return g_strdup_printf (_("%s may also pick up this order"), alternate);
}

/* The lines and age-restricted are there so the notice follows them. */
static char *
format_id_notice (CurbKioskGreetingPage *self,
                  CurbOrder             *order,
                  GListModel            *lines,
                  gboolean               age_restricted)
{
  if (order == NULL || !curb_rules_needs_id_check (order, NULL))
    return g_strdup ("");
  return g_strdup (_("Please have your ID ready: some items need an ID check."));
}

/* A label shows while it has text (bound to its own label). */
static gboolean
has_text (CurbKioskGreetingPage *self,
          const char            *text)
{
  return text != NULL && *text != '\0';
}

static void
on_bags_changed (CurbKioskGreetingPage *self)
{
  refresh_bags (self, self->order);
}

static void
on_substitutions_changed (CurbKioskGreetingPage *self)
{
  refresh_substitutions (self, self->order);
}

/* The bag chips and the substitution rows are built from the order's lists,
 * again whenever a list changes. */
static void
set_order (CurbKioskGreetingPage *self,
           CurbOrder             *order)
{
  if (self->order == order)
    return;
  if (self->order != NULL)
    g_signal_handlers_disconnect_by_data (self->order, self);
  g_set_object (&self->order, order);
  g_signal_connect_object (order, "notify::bags", G_CALLBACK (on_bags_changed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (order, "notify::substitutions", G_CALLBACK (on_substitutions_changed),
                           self, G_CONNECT_SWAPPED);
  refresh_bags (self, order);
  refresh_substitutions (self, order);
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_ORDER]);
}

static void
refresh (CurbKioskGreetingPage *self)
{
  CurbOrder *order = curb_kiosk_flow_get_order (self->flow);

  if (order == NULL || curb_kiosk_flow_get_screen (self->flow) != CURB_KIOSK_SCREEN_GREETING)
    return;
  set_order (self, order);
  refresh_bringer (self);
  gtk_widget_set_sensitive (GTK_WIDGET (self->confirm_button),
                            !curb_kiosk_flow_get_busy (self->flow));
}

static void
on_confirm_clicked (CurbKioskGreetingPage *self)
{
  curb_kiosk_flow_confirm (self->flow);
}

static void
on_start_over_clicked (CurbKioskGreetingPage *self)
{
  curb_kiosk_flow_start_over (self->flow);
}

static void
curb_kiosk_greeting_page_dispose (GObject *object)
{
  CurbKioskGreetingPage *self = CURB_KIOSK_GREETING_PAGE (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), CURB_TYPE_KIOSK_GREETING_PAGE);
  g_clear_object (&self->flow);
  if (self->order != NULL)
    g_signal_handlers_disconnect_by_data (self->order, self);
  g_clear_object (&self->order);
  G_OBJECT_CLASS (curb_kiosk_greeting_page_parent_class)->dispose (object);
}

static void
curb_kiosk_greeting_page_get_property (GObject    *object,
                                       guint       prop_id,
                                       GValue     *value,
                                       GParamSpec *pspec)
{
  CurbKioskGreetingPage *self = CURB_KIOSK_GREETING_PAGE (object);

  switch (prop_id)
    {
    case PROP_ORDER:
      g_value_set_object (value, self->order);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
curb_kiosk_greeting_page_class_init (CurbKioskGreetingPageClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = curb_kiosk_greeting_page_dispose;
  G_OBJECT_CLASS (klass)->get_property = curb_kiosk_greeting_page_get_property;
  props[PROP_ORDER] = g_param_spec_object ("order", NULL, NULL, CURB_TYPE_ORDER,
                                           G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (G_OBJECT_CLASS (klass), N_PROPS, props);
  curb_kiosk_ensure_resources ();
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/curbside/Kiosk/greeting/curb-kiosk-greeting-page.ui");
  gtk_widget_class_bind_template_child (widget_class, CurbKioskGreetingPage, layout);
  gtk_widget_class_bind_template_child (widget_class, CurbKioskGreetingPage, title);
  gtk_widget_class_bind_template_child (widget_class, CurbKioskGreetingPage, order_label);
  gtk_widget_class_bind_template_child (widget_class, CurbKioskGreetingPage, bringer_label);
  gtk_widget_class_bind_template_child (widget_class, CurbKioskGreetingPage, bags_box);
  gtk_widget_class_bind_template_child (widget_class, CurbKioskGreetingPage, window_label);
  gtk_widget_class_bind_template_child (widget_class, CurbKioskGreetingPage, alternate_label);
  gtk_widget_class_bind_template_child (widget_class, CurbKioskGreetingPage, id_label);
  gtk_widget_class_bind_template_child (widget_class, CurbKioskGreetingPage, subs_box);
  gtk_widget_class_bind_template_child (widget_class, CurbKioskGreetingPage, confirm_button);
  gtk_widget_class_bind_template_child (widget_class, CurbKioskGreetingPage, actions);
  gtk_widget_class_bind_template_callback (widget_class, on_confirm_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_start_over_clicked);
  gtk_widget_class_bind_template_callback (widget_class, format_hello);
  gtk_widget_class_bind_template_callback (widget_class, format_order);
  gtk_widget_class_bind_template_callback (widget_class, format_window);
  gtk_widget_class_bind_template_callback (widget_class, format_alternate);
  gtk_widget_class_bind_template_callback (widget_class, format_id_notice);
  gtk_widget_class_bind_template_callback (widget_class, has_text);
}

static void
curb_kiosk_greeting_page_init (CurbKioskGreetingPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  curb_kiosk_page_set_adaptive (GTK_WIDGET (self), GTK_ORIENTABLE (self->layout));
  curb_kiosk_page_set_adaptive (GTK_WIDGET (self), GTK_ORIENTABLE (self->actions));
}

GtkWidget *
curb_kiosk_greeting_page_new (CurbKioskFlow *flow)
{
  CurbKioskGreetingPage *self = g_object_new (CURB_TYPE_KIOSK_GREETING_PAGE, NULL);

  self->flow = g_object_ref (flow);
  curb_kiosk_page_bind (GTK_WIDGET (self), flow, G_CALLBACK (refresh));
  return GTK_WIDGET (self);
}
