#include <glib/gi18n.h>

#include "curb-kiosk-page.h"
#include "curb-kiosk-waiting-page.h"

struct _CurbKioskWaitingPage
{
  GtkBox         parent_instance;

  CurbKioskFlow *flow;
  CurbOrder     *order;         /* the shopper's, on the thanks page: the .ui binds thanks_title to it */
  gboolean       thanks;
  GtkImage      *icon;
  GtkLabel      *title;
  GtkLabel      *thanks_title;
  GtkLabel      *subtitle;
  GtkLabel      *body;
  GtkButton     *done_button;
};

G_DEFINE_FINAL_TYPE (CurbKioskWaitingPage, curb_kiosk_waiting_page, GTK_TYPE_BOX)

enum { PROP_0, PROP_ORDER, N_PROPS };
static GParamSpec *props[N_PROPS];

static void
refresh_waiting (CurbKioskWaitingPage *self)
{
  const char *staff = curb_kiosk_flow_get_staff_name (self->flow);
  const char *bay = curb_kiosk_flow_get_bay (self->flow);
  g_autofree char *title = NULL;
  g_autofree char *subtitle = NULL;
  g_autofree char *body = NULL;

  if (staff != NULL && *staff != '\0')
    {
      int eta_s = curb_kiosk_flow_get_eta_s (self->flow);

      title = g_strdup_printf (_("%s is bringing your order"), staff);
      subtitle = eta_s > 0 ? curb_kiosk_format_minutes (eta_s) : g_strdup (_("On the way now"));
    }
  else
    {
      int eta_s = curb_kiosk_flow_get_eta_s (self->flow);
      g_autofree char *minutes = eta_s > 0 ? curb_kiosk_format_minutes (eta_s) : NULL;

      title = g_strdup (_("You are checked in"));
      /* Translators: "Ready in about 4 min" */
      subtitle = minutes != NULL ? g_strdup_printf (_("Ready in %s"), minutes)
                                 : g_strdup (_("We are getting your order now"));
    }
  if (bay != NULL)
    body = g_strdup_printf (_("You can wait in your car at bay %s. We will bring everything out."), bay);
  else
    body = g_strdup (_("You can wait in your car. We will bring everything out."));
  curb_kiosk_set_text (self->title, title);
  curb_kiosk_set_text (self->subtitle, subtitle);
  curb_kiosk_set_text (self->body, body);
}

/* Closures of the template: the thanks title follows the order's first name. */
static char *
format_thanks (CurbKioskWaitingPage *self,
               const char           *first_name)
{
  g_autofree char *first = curb_kiosk_dup_plain_text (first_name);

  return first != NULL && *first != '\0' ? g_strdup_printf (_("Thank you, %s!"), first)
                                          : g_strdup (_("Thank you!"));
}

/* A label shows while it has text (bound to its own label). */
static gboolean
has_text (CurbKioskWaitingPage *self,
          const char           *text)
{
  return text != NULL && *text != '\0';
}

/* Without an order (checked in offline) the plain title says thanks. */
static void
refresh_thanks (CurbKioskWaitingPage *self)
{
  CurbOrder *order = curb_kiosk_flow_get_order (self->flow);

  if (g_set_object (&self->order, order))
    g_object_notify_by_pspec (G_OBJECT (self), props[PROP_ORDER]);
  curb_kiosk_set_text (self->title, order == NULL ? _("Thank you!") : NULL);
  curb_kiosk_set_text (self->subtitle, _("Enjoy your order."));
  curb_kiosk_set_text (self->body, curb_kiosk_flow_get_receipt_note (self->flow));
}

static void
refresh (CurbKioskWaitingPage *self)
{
  if (self->thanks)
    refresh_thanks (self);
  else
    refresh_waiting (self);
}

static void
on_done_clicked (CurbKioskWaitingPage *self)
{
  curb_kiosk_flow_start_over (self->flow);
}

static void
curb_kiosk_waiting_page_dispose (GObject *object)
{
  CurbKioskWaitingPage *self = CURB_KIOSK_WAITING_PAGE (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), CURB_TYPE_KIOSK_WAITING_PAGE);
  g_clear_object (&self->flow);
  g_clear_object (&self->order);
  G_OBJECT_CLASS (curb_kiosk_waiting_page_parent_class)->dispose (object);
}

static void
curb_kiosk_waiting_page_get_property (GObject    *object,
                                      guint       prop_id,
                                      GValue     *value,
                                      GParamSpec *pspec)
{
  CurbKioskWaitingPage *self = CURB_KIOSK_WAITING_PAGE (object);

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
curb_kiosk_waiting_page_class_init (CurbKioskWaitingPageClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = curb_kiosk_waiting_page_dispose;
  G_OBJECT_CLASS (klass)->get_property = curb_kiosk_waiting_page_get_property;
  props[PROP_ORDER] = g_param_spec_object ("order", NULL, NULL, CURB_TYPE_ORDER,
                                           G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (G_OBJECT_CLASS (klass), N_PROPS, props);
  curb_kiosk_ensure_resources ();
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/curbside/Kiosk/waiting/curb-kiosk-waiting-page.ui");
  gtk_widget_class_bind_template_child (widget_class, CurbKioskWaitingPage, icon);
  gtk_widget_class_bind_template_child (widget_class, CurbKioskWaitingPage, title);
  gtk_widget_class_bind_template_child (widget_class, CurbKioskWaitingPage, thanks_title);
  gtk_widget_class_bind_template_child (widget_class, CurbKioskWaitingPage, subtitle);
  gtk_widget_class_bind_template_child (widget_class, CurbKioskWaitingPage, body);
  gtk_widget_class_bind_template_child (widget_class, CurbKioskWaitingPage, done_button);
  gtk_widget_class_bind_template_callback (widget_class, on_done_clicked);
  gtk_widget_class_bind_template_callback (widget_class, format_thanks);
  gtk_widget_class_bind_template_callback (widget_class, has_text);
}

static void
curb_kiosk_waiting_page_init (CurbKioskWaitingPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
curb_kiosk_waiting_page_new (CurbKioskFlow *flow,
                             gboolean       thanks)
{
  CurbKioskWaitingPage *self = g_object_new (CURB_TYPE_KIOSK_WAITING_PAGE, NULL);

  self->flow = g_object_ref (flow);
  self->thanks = thanks;
  gtk_image_set_from_icon_name (self->icon, thanks ? "emblem-ok-symbolic" : "content-loading-symbolic");
  gtk_button_set_label (self->done_button, thanks ? _("Done") : _("I'm all set"));
  gtk_widget_add_css_class (GTK_WIDGET (self), thanks ? "thanks" : "waiting");
  curb_kiosk_page_bind (GTK_WIDGET (self), flow, G_CALLBACK (refresh));
  return GTK_WIDGET (self);
}
