#include <glib/gi18n.h>

#include "curb-kiosk-keyboard.h"
#include "curb-kiosk-lookup-page.h"
#include "curb-kiosk-page.h"

#define REF_MAX 32
#define SURNAME_MAX 40

struct _CurbKioskLookupPage
{
  GtkBox             parent_instance;

  CurbKioskFlow     *flow;
  GString           *ref;
  GString           *secret;
  gboolean           phone_mode;
  gboolean           editing_secret;

  GtkLabel          *title;
  GtkBox            *title_row;
  GtkLabel          *notice_label;
  GtkButton         *ref_button;
  GtkLabel          *ref_value;
  GtkButton         *secret_button;
  GtkLabel          *secret_caption;
  GtkLabel          *secret_value;
  GtkToggleButton   *surname_toggle;
  GtkToggleButton   *phone_toggle;
  CurbKioskKeyboard *keyboard;
  GtkButton         *find_button;
};

G_DEFINE_FINAL_TYPE (CurbKioskLookupPage, curb_kiosk_lookup_page, GTK_TYPE_BOX)

static void
refresh_fields (CurbKioskLookupPage *self)
{
  gboolean ready = self->ref->len > 0
                   && (self->phone_mode ? self->secret->len == 4 : self->secret->len > 0);
  g_autofree char *ref_name = g_strdup_printf ("%s: %s", _("Order number"), self->ref->str);
  g_autofree char *secret_name = NULL;

  if (self->flow == NULL)
    return;
  gtk_label_set_text (self->ref_value, self->ref->len > 0 ? self->ref->str : " ");
  gtk_label_set_text (self->secret_value, self->secret->len > 0 ? self->secret->str : " ");
  gtk_label_set_text (self->secret_caption, self->phone_mode ? _("Last 4 digits of your phone")
                                                             : _("Last name"));
  secret_name = g_strdup_printf ("%s: %s", gtk_label_get_text (self->secret_caption),
                                 self->secret->str);
  curb_kiosk_set_name (GTK_WIDGET (self->ref_button), ref_name);
  curb_kiosk_set_name (GTK_WIDGET (self->secret_button), secret_name);
  if (self->editing_secret)
    {
      gtk_widget_remove_css_class (GTK_WIDGET (self->ref_button), "active");
      gtk_widget_add_css_class (GTK_WIDGET (self->secret_button), "active");
    }
  else
    {
      gtk_widget_add_css_class (GTK_WIDGET (self->ref_button), "active");
      gtk_widget_remove_css_class (GTK_WIDGET (self->secret_button), "active");
    }
  curb_kiosk_keyboard_set_digits_only (self->keyboard, self->editing_secret && self->phone_mode);
  gtk_widget_set_sensitive (GTK_WIDGET (self->find_button),
                            ready && !curb_kiosk_flow_get_busy (self->flow));
}

static void
refresh (CurbKioskLookupPage *self)
{
  gboolean camera_failed = curb_kiosk_flow_get_notice (self->flow) == CURB_KIOSK_PROBLEM_CAMERA_FAILED;
  gboolean offline = !curb_kiosk_flow_get_hub_reachable (self->flow);
  const char *notice = NULL;

  /* said before the shopper types, not after they chose a bay */
  if (offline)
    notice = _("Our store system is offline, so we cannot find orders right now. Your pickup code still "
               "works, or call a team member.");
  else if (camera_failed)
    notice = _("The camera is not working right now, so let's find your order by its number.");
  curb_kiosk_set_text (self->notice_label, notice);
  gtk_widget_set_visible (GTK_WIDGET (self->title), notice == NULL);
  refresh_fields (self);
}

static gboolean
accepts (CurbKioskLookupPage *self,
         char                 c)
{
  if (!self->editing_secret)
    return self->ref->len < REF_MAX && (g_ascii_isalnum (c) || c == '-');
  if (self->phone_mode)
    return self->secret->len < 4 && g_ascii_isdigit (c);
  return self->secret->len < SURNAME_MAX && g_ascii_isalpha (c);
}

static void
on_key (CurbKioskLookupPage *self,
        const char          *key)
{
  for (const char *p = key; *p != '\0'; p++)
    if (accepts (self, *p))
      g_string_append_c (self->editing_secret ? self->secret : self->ref, g_ascii_toupper (*p));
  curb_kiosk_flow_touch (self->flow);
  refresh_fields (self);
}

static void
on_backspace (CurbKioskLookupPage *self)
{
  GString *field = self->editing_secret ? self->secret : self->ref;

  if (field->len > 0)
    g_string_truncate (field, field->len - 1);
  curb_kiosk_flow_touch (self->flow);
  refresh_fields (self);
}

static void
on_ref_clicked (CurbKioskLookupPage *self)
{
  self->editing_secret = FALSE;
  refresh_fields (self);
}

static void
on_secret_clicked (CurbKioskLookupPage *self)
{
  self->editing_secret = TRUE;
  refresh_fields (self);
}

static void
on_mode_toggled (CurbKioskLookupPage *self)
{
  gboolean phone = gtk_toggle_button_get_active (self->phone_toggle);

  if (phone != self->phone_mode)
    g_string_truncate (self->secret, 0);
  self->phone_mode = phone;
  self->editing_secret = TRUE;
  refresh_fields (self);
}

static void
on_find_clicked (CurbKioskLookupPage *self)
{
  curb_kiosk_flow_submit_lookup (self->flow, self->ref->str,
                                 self->phone_mode ? NULL : self->secret->str,
                                 self->phone_mode ? self->secret->str : NULL);
}

static void
on_back_clicked (CurbKioskLookupPage *self)
{
  curb_kiosk_flow_back (self->flow);
}

static void
curb_kiosk_lookup_page_dispose (GObject *object)
{
  CurbKioskLookupPage *self = CURB_KIOSK_LOOKUP_PAGE (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), CURB_TYPE_KIOSK_LOOKUP_PAGE);
  g_clear_object (&self->flow);
  G_OBJECT_CLASS (curb_kiosk_lookup_page_parent_class)->dispose (object);
}

static void
curb_kiosk_lookup_page_finalize (GObject *object)
{
  CurbKioskLookupPage *self = CURB_KIOSK_LOOKUP_PAGE (object);

  g_string_free (self->ref, TRUE);
  g_string_free (self->secret, TRUE);
  G_OBJECT_CLASS (curb_kiosk_lookup_page_parent_class)->finalize (object);
}

static void
curb_kiosk_lookup_page_class_init (CurbKioskLookupPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = curb_kiosk_lookup_page_dispose;
  object_class->finalize = curb_kiosk_lookup_page_finalize;
  g_type_ensure (CURB_TYPE_KIOSK_KEYBOARD);
  curb_kiosk_ensure_resources ();
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/curbside/Kiosk/lookup/curb-kiosk-lookup-page.ui");
  gtk_widget_class_bind_template_child (widget_class, CurbKioskLookupPage, title);
  gtk_widget_class_bind_template_child (widget_class, CurbKioskLookupPage, title_row);
  gtk_widget_class_bind_template_child (widget_class, CurbKioskLookupPage, notice_label);
  gtk_widget_class_bind_template_child (widget_class, CurbKioskLookupPage, ref_button);
  gtk_widget_class_bind_template_child (widget_class, CurbKioskLookupPage, ref_value);
  gtk_widget_class_bind_template_child (widget_class, CurbKioskLookupPage, secret_button);
  gtk_widget_class_bind_template_child (widget_class, CurbKioskLookupPage, secret_caption);
  gtk_widget_class_bind_template_child (widget_class, CurbKioskLookupPage, secret_value);
  gtk_widget_class_bind_template_child (widget_class, CurbKioskLookupPage, surname_toggle);
  gtk_widget_class_bind_template_child (widget_class, CurbKioskLookupPage, phone_toggle);
  gtk_widget_class_bind_template_child (widget_class, CurbKioskLookupPage, keyboard);
  gtk_widget_class_bind_template_child (widget_class, CurbKioskLookupPage, find_button);
  gtk_widget_class_bind_template_callback (widget_class, on_key);
  gtk_widget_class_bind_template_callback (widget_class, on_backspace);
  gtk_widget_class_bind_template_callback (widget_class, on_ref_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_secret_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_mode_toggled);
  gtk_widget_class_bind_template_callback (widget_class, on_find_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_back_clicked);
}

static void
curb_kiosk_lookup_page_init (CurbKioskLookupPage *self)
{
  self->ref = g_string_new (NULL);
  self->secret = g_string_new (NULL);
  gtk_widget_init_template (GTK_WIDGET (self));
  curb_kiosk_page_set_adaptive (GTK_WIDGET (self), GTK_ORIENTABLE (self->title_row));
}

GtkWidget *
curb_kiosk_lookup_page_new (CurbKioskFlow *flow)
{
  CurbKioskLookupPage *self = g_object_new (CURB_TYPE_KIOSK_LOOKUP_PAGE, NULL);

  self->flow = g_object_ref (flow);
  curb_kiosk_page_bind (GTK_WIDGET (self), flow, G_CALLBACK (refresh));
  return GTK_WIDGET (self);
}

void
curb_kiosk_lookup_page_type (CurbKioskLookupPage *self,
                             const char          *text)
{
  g_return_if_fail (CURB_IS_KIOSK_LOOKUP_PAGE (self));
  on_key (self, text);
}

void
curb_kiosk_lookup_page_next_field (CurbKioskLookupPage *self,
                                   gboolean             phone)
{
  g_return_if_fail (CURB_IS_KIOSK_LOOKUP_PAGE (self));
  gtk_toggle_button_set_active (phone ? self->phone_toggle : self->surname_toggle, TRUE);
  on_mode_toggled (self);
}

void
curb_kiosk_lookup_page_submit (CurbKioskLookupPage *self)
{
  g_return_if_fail (CURB_IS_KIOSK_LOOKUP_PAGE (self));
  on_find_clicked (self);
}

static void
on_enter (CurbKioskLookupPage *self)
{
  if (!self->editing_secret && self->ref->len > 0)
    {
      self->editing_secret = TRUE;
      curb_kiosk_flow_touch (self->flow);
      refresh_fields (self);
    }
  else if (gtk_widget_get_sensitive (GTK_WIDGET (self->find_button)))
    on_find_clicked (self);
}

gboolean
curb_kiosk_lookup_page_key_pressed (CurbKioskLookupPage *self,
                                    guint                keyval,
                                    GdkModifierType      state)
{
  gunichar c = gdk_keyval_to_unicode (keyval);
  char text[2] = { 0 };

  g_return_val_if_fail (CURB_IS_KIOSK_LOOKUP_PAGE (self), FALSE);

  if ((state & (GDK_CONTROL_MASK | GDK_ALT_MASK | GDK_SUPER_MASK)) != 0)
    return FALSE;
  switch (keyval)
    {
    case GDK_KEY_BackSpace:
      on_backspace (self);
      return TRUE;
    case GDK_KEY_Return:
    case GDK_KEY_KP_Enter:
    case GDK_KEY_ISO_Enter:
      on_enter (self);
      return TRUE;
    default:
      break;
    }
  if (c == 0 || c > 0x7f || (!g_ascii_isalnum ((char) c) && c != '-'))
    return FALSE;
  text[0] = (char) c;
  on_key (self, text);
  return TRUE;
}
