#include <glib/gi18n.h>

#include "curb-kiosk-keyboard.h"
#include "curb-kiosk-page.h"

struct _CurbKioskKeyboard
{
  GtkBox     parent_instance;

  GPtrArray *letter_rows;
};

enum { KEY, BACKSPACE, N_SIGNALS };
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (CurbKioskKeyboard, curb_kiosk_keyboard, GTK_TYPE_BOX)

static const char * const rows[] = { "1234567890", "QWERTYUIOP", "ASDFGHJKL", "ZXCVBNM-" };

static void
on_key_clicked (GtkButton         *button,
                CurbKioskKeyboard *self)
{
  g_signal_emit (self, signals[KEY], 0, gtk_button_get_label (button));
}

static void
on_backspace_clicked (CurbKioskKeyboard *self)
{
  g_signal_emit (self, signals[BACKSPACE], 0);
}

static GtkWidget *
key_button (CurbKioskKeyboard *self,
            gunichar           c)
{
  char text[8] = { 0 };
  GtkWidget *button;

  g_unichar_to_utf8 (c, text);
  button = gtk_button_new_with_label (text);
  gtk_widget_add_css_class (button, "key");
  gtk_widget_set_hexpand (button, TRUE);
  if (c == '-')
    curb_kiosk_set_name (button, _("Dash"));
  g_signal_connect (button, "clicked", G_CALLBACK (on_key_clicked), self);
  return button;
}

static GtkWidget *
backspace_button (CurbKioskKeyboard *self)
{
  GtkWidget *button = gtk_button_new_with_label ("⌫");

  gtk_widget_add_css_class (button, "key");
  gtk_widget_add_css_class (button, "backspace");
  gtk_widget_set_hexpand (button, TRUE);
  gtk_widget_set_tooltip_text (button, _("Delete"));
  curb_kiosk_set_name (button, _("Delete"));
  g_signal_connect_swapped (button, "clicked", G_CALLBACK (on_backspace_clicked), self);
  return button;
}

static void
add_row (CurbKioskKeyboard *self,
         const char        *keys,
         gboolean           with_backspace)
{
  GtkWidget *row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);

  gtk_box_set_homogeneous (GTK_BOX (row), TRUE);
  for (const char *p = keys; *p != '\0'; p = g_utf8_next_char (p))
    gtk_box_append (GTK_BOX (row), key_button (self, g_utf8_get_char (p)));
  if (with_backspace)
    gtk_box_append (GTK_BOX (row), backspace_button (self));
  gtk_box_append (GTK_BOX (self), row);
  if (keys != rows[0])
    g_ptr_array_add (self->letter_rows, row);
}

static void
curb_kiosk_keyboard_finalize (GObject *object)
{
  CurbKioskKeyboard *self = CURB_KIOSK_KEYBOARD (object);

  g_ptr_array_unref (self->letter_rows);
  G_OBJECT_CLASS (curb_kiosk_keyboard_parent_class)->finalize (object);
}

static void
curb_kiosk_keyboard_class_init (CurbKioskKeyboardClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = curb_kiosk_keyboard_finalize;

  signals[KEY] = g_signal_new ("key", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                               0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  signals[BACKSPACE] = g_signal_new ("backspace", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                     0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  gtk_widget_class_set_css_name (GTK_WIDGET_CLASS (klass), "keyboard");
}

static void
curb_kiosk_keyboard_init (CurbKioskKeyboard *self)
{
  self->letter_rows = g_ptr_array_new ();
  gtk_orientable_set_orientation (GTK_ORIENTABLE (self), GTK_ORIENTATION_VERTICAL);
  gtk_box_set_spacing (GTK_BOX (self), 8);
  curb_kiosk_set_name (GTK_WIDGET (self), _("Keyboard"));
  for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
    add_row (self, rows[i], i == 0);
}

GtkWidget *
curb_kiosk_keyboard_new (void)
{
  return g_object_new (CURB_TYPE_KIOSK_KEYBOARD, NULL);
}

void
curb_kiosk_keyboard_set_digits_only (CurbKioskKeyboard *self,
                                     gboolean           digits_only)
{
  g_return_if_fail (CURB_IS_KIOSK_KEYBOARD (self));

  for (guint i = 0; i < self->letter_rows->len; i++)
    gtk_widget_set_visible (g_ptr_array_index (self->letter_rows, i), !digits_only);
}
