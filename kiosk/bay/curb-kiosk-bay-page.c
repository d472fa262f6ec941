#include <glib/gi18n.h>

#include "curb-kiosk-bay-page.h"
#include "curb-kiosk-page.h"

#define KEYPAD_COLUMNS 4

struct _CurbKioskBayPage
{
  GtkBox         parent_instance;

  CurbKioskFlow *flow;
  GtkGrid       *keypad;
};

G_DEFINE_FINAL_TYPE (CurbKioskBayPage, curb_kiosk_bay_page, GTK_TYPE_BOX)

static void
on_bay_clicked (GtkButton        *button,
                CurbKioskBayPage *self)
{
  curb_kiosk_flow_choose_bay (self->flow, gtk_button_get_label (button));
}

static void
fill_keypad (CurbKioskBayPage *self)
{
  const char * const *bays = curb_kiosk_flow_get_bays (self->flow);

  for (guint i = 0; bays != NULL && bays[i] != NULL; i++)
    {
      GtkWidget *button = gtk_button_new_with_label (bays[i]);
      g_autofree char *name = g_strdup_printf (_("Bay %s"), bays[i]);

      curb_kiosk_set_name (button, name);
      gtk_widget_add_css_class (button, "bay-key");
      gtk_widget_set_hexpand (button, TRUE);
      gtk_widget_set_vexpand (button, TRUE);
      g_signal_connect (button, "clicked", G_CALLBACK (on_bay_clicked), self);
      gtk_grid_attach (self->keypad, button, i % KEYPAD_COLUMNS, i / KEYPAD_COLUMNS, 1, 1);
    }
}

static void
refresh (CurbKioskBayPage *self)
{
  gtk_widget_set_sensitive (GTK_WIDGET (self->keypad), !curb_kiosk_flow_get_busy (self->flow));
}

static void
on_back_clicked (CurbKioskBayPage *self)
{
  curb_kiosk_flow_back (self->flow);
}

static void
curb_kiosk_bay_page_dispose (GObject *object)
{
  CurbKioskBayPage *self = CURB_KIOSK_BAY_PAGE (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), CURB_TYPE_KIOSK_BAY_PAGE);
  g_clear_object (&self->flow);
  G_OBJECT_CLASS (curb_kiosk_bay_page_parent_class)->dispose (object);
}

static void
curb_kiosk_bay_page_class_init (CurbKioskBayPageClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = curb_kiosk_bay_page_dispose;
  curb_kiosk_ensure_resources ();
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/curbside/Kiosk/bay/curb-kiosk-bay-page.ui");
  gtk_widget_class_bind_template_child (widget_class, CurbKioskBayPage, keypad);
  gtk_widget_class_bind_template_callback (widget_class, on_back_clicked);
}

static void
curb_kiosk_bay_page_init (CurbKioskBayPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
curb_kiosk_bay_page_new (CurbKioskFlow *flow)
{
  CurbKioskBayPage *self = g_object_new (CURB_TYPE_KIOSK_BAY_PAGE, NULL);

  self->flow = g_object_ref (flow);
  fill_keypad (self);
  curb_kiosk_page_bind (GTK_WIDGET (self), flow, G_CALLBACK (refresh));
  return GTK_WIDGET (self);
}
