#include <glib/gi18n.h>

#include "curb-kiosk-page.h"
#include "curb-kiosk-welcome-page.h"

struct _CurbKioskWelcomePage
{
  GtkBox            parent_instance;

  CurbKioskFlow    *flow;
  GtkBox           *layout;
  CurbKioskPreview *preview;
  GtkLabel         *queue_label;
  GtkLabel         *offline_label;
};

G_DEFINE_FINAL_TYPE (CurbKioskWelcomePage, curb_kiosk_welcome_page, GTK_TYPE_BOX)

static char *
queue_text (CurbKioskFlow *flow)
{
  int waiting = curb_kiosk_flow_get_queue_waiting (flow);
  int wait_s = curb_kiosk_flow_get_queue_wait_s (flow);
  g_autofree char *serving = NULL;
  g_autofree char *wait = NULL;

  if (waiting < 0)
    return NULL;
  if (waiting == 0)
    return g_strdup (_("No wait right now"));
  serving = g_strdup_printf (ngettext ("%d shopper waiting for staff", "%d shoppers waiting for staff",
                                       waiting), waiting);
  if (wait_s <= 0)
    return g_steal_pointer (&serving);
  wait = curb_kiosk_format_minutes (wait_s);
  /* Translators: "Current wait: about 4 min" */
  return g_strdup_printf ("%s  ·  %s %s", serving, _("Current wait:"), wait);
}

static void
refresh (CurbKioskWelcomePage *self)
{
  gboolean reachable = curb_kiosk_flow_get_hub_reachable (self->flow);
  g_autofree char *text = reachable ? queue_text (self->flow) : NULL;

  curb_kiosk_set_text (self->queue_label, text);
  curb_kiosk_set_text (self->offline_label,
                       reachable ? NULL
                                 : _("Our store system is offline right now. Your pickup code still works: "
                                     "hold it up and you are checked in. Finding an order without a code "
                                     "has to wait until the system is back."));
}

static void
on_find_clicked (CurbKioskWelcomePage *self)
{
  curb_kiosk_flow_find_order (self->flow);
}

static void
curb_kiosk_welcome_page_dispose (GObject *object)
{
  CurbKioskWelcomePage *self = CURB_KIOSK_WELCOME_PAGE (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), CURB_TYPE_KIOSK_WELCOME_PAGE);
  g_clear_object (&self->flow);
  G_OBJECT_CLASS (curb_kiosk_welcome_page_parent_class)->dispose (object);
}

static void
curb_kiosk_welcome_page_class_init (CurbKioskWelcomePageClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = curb_kiosk_welcome_page_dispose;
  g_type_ensure (CURB_TYPE_KIOSK_PREVIEW);
  curb_kiosk_ensure_resources ();
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/curbside/Kiosk/welcome/curb-kiosk-welcome-page.ui");
  gtk_widget_class_bind_template_child (widget_class, CurbKioskWelcomePage, layout);
  gtk_widget_class_bind_template_child (widget_class, CurbKioskWelcomePage, preview);
  gtk_widget_class_bind_template_child (widget_class, CurbKioskWelcomePage, queue_label);
  gtk_widget_class_bind_template_child (widget_class, CurbKioskWelcomePage, offline_label);
  gtk_widget_class_bind_template_callback (widget_class, on_find_clicked);
}

static void
curb_kiosk_welcome_page_init (CurbKioskWelcomePage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  curb_kiosk_page_set_adaptive (GTK_WIDGET (self), GTK_ORIENTABLE (self->layout));
}

GtkWidget *
curb_kiosk_welcome_page_new (CurbKioskFlow *flow)
{
  CurbKioskWelcomePage *self = g_object_new (CURB_TYPE_KIOSK_WELCOME_PAGE, NULL);

  self->flow = g_object_ref (flow);
  curb_kiosk_page_bind (GTK_WIDGET (self), flow, G_CALLBACK (refresh));
  return GTK_WIDGET (self);
}

CurbKioskPreview *
curb_kiosk_welcome_page_get_preview (CurbKioskWelcomePage *self)
{
  g_return_val_if_fail (CURB_IS_KIOSK_WELCOME_PAGE (self), NULL);
  return self->preview;
}
