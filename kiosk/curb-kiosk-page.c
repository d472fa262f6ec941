#include <glib/gi18n.h>

#include "curb-kiosk-page.h"
#include "curb-kiosk-resources.h"

void
curb_kiosk_ensure_resources (void)
{
  static gsize done;

  if (g_once_init_enter (&done))
    {
      curb_kiosk_register_resource ();
      g_once_init_leave (&done, 1);
    }
}

void
curb_kiosk_page_bind (GtkWidget     *page,
                      CurbKioskFlow *flow,
                      GCallback      refresh)
{
  g_object_set_data_full (G_OBJECT (page), "curb-flow", g_object_ref (flow), g_object_unref);
  g_signal_connect_object (flow, "changed", refresh, page, G_CONNECT_SWAPPED);
  ((void (*) (GtkWidget *)) refresh) (page);
}

void
curb_kiosk_page_set_adaptive (GtkWidget     *page,
                              GtkOrientable *layout)
{
  GPtrArray *layouts = g_object_get_data (G_OBJECT (page), "curb-adaptive");

  if (layouts == NULL)
    {
      layouts = g_ptr_array_new ();
      g_object_set_data_full (G_OBJECT (page), "curb-adaptive", layouts,
                              (GDestroyNotify) g_ptr_array_unref);
    }
  g_ptr_array_add (layouts, layout);
}

void
curb_kiosk_page_set_portrait (GtkWidget *page,
                              gboolean   portrait)
{
  GPtrArray *layouts = g_object_get_data (G_OBJECT (page), "curb-adaptive");

  for (guint i = 0; layouts != NULL && i < layouts->len; i++)
    gtk_orientable_set_orientation (g_ptr_array_index (layouts, i),
                                    portrait ? GTK_ORIENTATION_VERTICAL
                                             : GTK_ORIENTATION_HORIZONTAL);
}

/* Untrusted text never goes through markup. */
void
curb_kiosk_set_text (GtkLabel   *label,
                     const char *text)
{
  gtk_label_set_use_markup (label, FALSE);
  gtk_label_set_text (label, text != NULL ? text : "");
  gtk_widget_set_visible (GTK_WIDGET (label), text != NULL && *text != '\0');
}

void
curb_kiosk_set_name (GtkWidget  *widget,
                     const char *name)
{
  gtk_accessible_update_property (GTK_ACCESSIBLE (widget),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
}

char *
curb_kiosk_dup_plain_text (const char *text)
{
  GString *out;

  if (text == NULL)
    return NULL;
  out = g_string_new (NULL);
  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (!g_unichar_iscntrl (c) && g_unichar_type (c) != G_UNICODE_FORMAT)
        g_string_append_unichar (out, c);
    }
  return g_strstrip (g_string_free (out, FALSE));
}

char *
curb_kiosk_format_time (gint64 ms)
{
  g_autoptr(GDateTime) utc = NULL;
  g_autoptr(GDateTime) local = NULL;

  if (ms <= 0)
    return NULL;
  utc = g_date_time_new_from_unix_utc (ms / 1000);
  if (utc == NULL)
    return NULL;
  local = g_date_time_to_local (utc);
  return g_date_time_format (local, "%H:%M");
}

char *
curb_kiosk_format_minutes (int seconds)
{
  int minutes = MAX (1, (seconds + 59) / 60);

  return g_strdup_printf (ngettext ("about %d min", "about %d min",
                                       minutes), minutes);
}

void
curb_kiosk_remove_children (GtkBox *box)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (box))) != NULL)
    gtk_box_remove (box, child);
}
