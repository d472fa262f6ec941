#include "curb-signin-page.h"

#include "curb-staging-resources.h"

#include <glib/gi18n.h>
#include <string.h>

struct _CurbSigninPage
{
  AdwBin     parent_instance;

  GtkEntry  *staff_entry;
  GtkWidget *pin_entry;
  GtkLabel  *error_label;
  GtkButton *signin_button;
  GtkGrid   *keypad;
  GtkWidget *active;         /* the field the keypad types into */
  gboolean   letters;        /* the pad shows A–Z (staff ids with letters) */

  /* the last run of typed characters: a keyboard-wedge scanner types a
   * badge far faster than a person can */
  GtkWidget *run_field;
  guint32    run_first_ms;
  guint32    run_last_ms;
  guint      run_length;
};

/* A badge: at least this many characters, typed on average at most this
 * far apart (scanners: a few ms; people: well over 60 ms a key). */
#define BADGE_MIN_LENGTH  4
#define BADGE_MEAN_GAP_MS 30
#define RUN_BREAK_MS      1000

G_DEFINE_FINAL_TYPE (CurbSigninPage, curb_signin_page, ADW_TYPE_BIN)

enum { PIN_SUBMITTED, BADGE_SCANNED, N_SIGNALS };
static guint signals[N_SIGNALS];

static const char *const digit_keys[] = { "1", "2", "3", "4", "5", "6", "7", "8", "9", "clear", "0", "next",
                                          "letters", "back", "-" };
static const char *const letter_keys[] = { "A", "B", "C", "D", "E", "F", "G", "H", "I", "J", "K", "L", "M",
                                           "N", "O", "P", "Q", "R", "S", "T", "U", "V", "W", "X", "Y", "Z",
                                           "-", "digits", "back", "next" };

static void
submit (CurbSigninPage *self)
{
  const char *staff = gtk_editable_get_text (GTK_EDITABLE (self->staff_entry));
  const char *pin = gtk_editable_get_text (GTK_EDITABLE (self->pin_entry));

  if (*staff == '\0')
    {
      curb_signin_page_set_error (self, _("Type your staff number first."));
      self->active = GTK_WIDGET (self->staff_entry);
      return;
    }
  if (*pin == '\0')
    {
      curb_signin_page_set_error (self, _("Type your PIN."));
      self->active = self->pin_entry;
      return;
    }
  g_signal_emit (self, signals[PIN_SUBMITTED], 0, staff, pin);
}

static void
on_signin_clicked (GtkButton      *button,
                   CurbSigninPage *self)
{
  submit (self);
}

/* Whether all of @entry's text came in one scanner-fast burst. */
static gboolean
typed_by_scanner (CurbSigninPage *self,
                  GtkWidget      *entry)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (entry));

  if (self->run_field != entry || self->run_length < BADGE_MIN_LENGTH
      || (guint) g_utf8_strlen (text, -1) != self->run_length)
    return FALSE;
  return (self->run_last_ms - self->run_first_ms) / (self->run_length - 1) <= BADGE_MEAN_GAP_MS;
}

static void
on_entry_activate (GtkWidget      *entry,
                   CurbSigninPage *self)
{
  if (typed_by_scanner (self, entry))
    {
      g_autofree char *badge = g_strdup (gtk_editable_get_text (GTK_EDITABLE (entry)));

      self->run_field = NULL;
      gtk_editable_set_text (GTK_EDITABLE (entry), "");
      g_signal_emit (self, signals[BADGE_SCANNED], 0, badge);
      return;
    }
  if (entry == GTK_WIDGET (self->staff_entry))
    {
      self->active = self->pin_entry;
      gtk_widget_grab_focus (self->pin_entry);
      return;
    }
  submit (self);
}

static void
on_focus_enter (GtkEventControllerFocus *controller,
                CurbSigninPage          *self)
{
  self->active = gtk_event_controller_get_widget (GTK_EVENT_CONTROLLER (controller));
}

static void
on_key_clicked (GtkButton      *button,
                CurbSigninPage *self)
{
  curb_signin_page_press (self, g_object_get_data (G_OBJECT (button), "key"));
}

static const char *
key_label (const char *key)
{
  if (g_str_equal (key, "clear"))
    return _("Clear");
  if (g_str_equal (key, "next"))
    return _("Next");
  if (g_str_equal (key, "back"))
    return _("Delete");
  if (g_str_equal (key, "letters"))
    return _("A–Z");
  if (g_str_equal (key, "digits"))
    return _("0–9");
  return key;
}

/* Digits in a 3-wide pad; letters (for staff ids such as "st-alex") in a
 * 6-wide one. Keys stay at least 80 px for gloves. */
static void
build_keypad (CurbSigninPage *self)
{
  const char *const *keys = self->letters ? letter_keys : digit_keys;
  guint n = self->letters ? G_N_ELEMENTS (letter_keys) : G_N_ELEMENTS (digit_keys);
  guint columns = self->letters ? 6 : 3;
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->keypad))) != NULL)
    gtk_grid_remove (self->keypad, child);
  if (self->letters)
    gtk_widget_add_css_class (GTK_WIDGET (self->keypad), "letters");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->keypad), "letters");
  for (guint i = 0; i < n; i++)
    {
      GtkWidget *button = gtk_button_new_with_label (key_label (keys[i]));

      g_object_set_data (G_OBJECT (button), "key", (gpointer) keys[i]);
      gtk_widget_add_css_class (button, "keypad-key");
      gtk_widget_set_size_request (button, self->letters ? 80 : 96, 80);
      g_signal_connect (button, "clicked", G_CALLBACK (on_key_clicked), self);
      gtk_grid_attach (self->keypad, button, (int) (i % columns), (int) (i / columns), 1, 1);
    }
}

static gboolean
on_field_key_pressed (GtkEventControllerKey *controller,
                      guint                  keyval,
                      guint                  keycode,
                      GdkModifierType        state,
                      CurbSigninPage        *self)
{
  GtkWidget *field = gtk_event_controller_get_widget (GTK_EVENT_CONTROLLER (controller));
  guint32 now = gtk_event_controller_get_current_event_time (GTK_EVENT_CONTROLLER (controller));

  if (!g_unichar_isprint (gdk_keyval_to_unicode (keyval)))
    return GDK_EVENT_PROPAGATE;
  if (self->run_field != field || now - self->run_last_ms > RUN_BREAK_MS)
    {
      self->run_field = field;
      self->run_first_ms = now;
      self->run_length = 0;
    }
  self->run_last_ms = now;
  self->run_length++;
  return GDK_EVENT_PROPAGATE;
}

static void
watch_focus (CurbSigninPage *self,
             GtkWidget      *entry)
{
  GtkEventController *focus = gtk_event_controller_focus_new ();
  GtkEventController *keys = gtk_event_controller_key_new ();

  g_signal_connect (focus, "enter", G_CALLBACK (on_focus_enter), self);
  gtk_widget_add_controller (entry, focus);
  gtk_event_controller_set_propagation_phase (keys, GTK_PHASE_CAPTURE);
  g_signal_connect (keys, "key-pressed", G_CALLBACK (on_field_key_pressed), self);
  gtk_widget_add_controller (entry, keys);
  g_signal_connect (entry, "activate", G_CALLBACK (on_entry_activate), self);
}

static void
curb_signin_page_class_init (CurbSigninPageClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  curb_staging_resources_ensure ();
  gtk_widget_class_set_template_from_resource (widget_class, "/org/curbside/Staging/signin/curb-signin-page.ui");
  gtk_widget_class_bind_template_child (widget_class, CurbSigninPage, staff_entry);
  gtk_widget_class_bind_template_child (widget_class, CurbSigninPage, pin_entry);
  gtk_widget_class_bind_template_child (widget_class, CurbSigninPage, error_label);
  gtk_widget_class_bind_template_child (widget_class, CurbSigninPage, signin_button);
  gtk_widget_class_bind_template_child (widget_class, CurbSigninPage, keypad);

  /**
   * CurbSigninPage::pin-submitted:
   * @staff_id: the staff number typed
   * @pin: the PIN typed
   */
  signals[PIN_SUBMITTED] = g_signal_new ("pin-submitted", G_TYPE_FROM_CLASS (klass),
                                         G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                         G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_STRING);
  /**
   * CurbSigninPage::badge-scanned:
   * @badge: what a keyboard-wedge scanner typed into a field, then Enter
   */
  signals[BADGE_SCANNED] = g_signal_new ("badge-scanned", G_TYPE_FROM_CLASS (klass),
                                         G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                         G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
curb_signin_page_init (CurbSigninPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  build_keypad (self);
  watch_focus (self, GTK_WIDGET (self->staff_entry));
  watch_focus (self, self->pin_entry);
  g_signal_connect (self->signin_button, "clicked", G_CALLBACK (on_signin_clicked), self);
  self->active = GTK_WIDGET (self->staff_entry);
}

GtkWidget *
curb_signin_page_new (void)
{
  return g_object_new (CURB_TYPE_SIGNIN_PAGE, NULL);
}

void
curb_signin_page_reset (CurbSigninPage *self)
{
  g_return_if_fail (CURB_IS_SIGNIN_PAGE (self));
  gtk_editable_set_text (GTK_EDITABLE (self->staff_entry), "");
  gtk_editable_set_text (GTK_EDITABLE (self->pin_entry), "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), FALSE);
  curb_signin_page_set_busy (self, FALSE);
  gtk_widget_grab_focus (GTK_WIDGET (self->staff_entry));
  self->active = GTK_WIDGET (self->staff_entry);
}

/* Shown as plain text: a hub's error message never renders as markup. */
void
curb_signin_page_set_error (CurbSigninPage *self,
                            const char     *message)
{
  g_return_if_fail (CURB_IS_SIGNIN_PAGE (self));
  gtk_label_set_text (self->error_label, message);
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), message != NULL);
  if (message != NULL)
    gtk_editable_set_text (GTK_EDITABLE (self->pin_entry), "");
}

void
curb_signin_page_set_busy (CurbSigninPage *self,
                           gboolean        busy)
{
  g_return_if_fail (CURB_IS_SIGNIN_PAGE (self));
  gtk_widget_set_sensitive (GTK_WIDGET (self->signin_button), !busy);
  gtk_button_set_label (self->signin_button, busy ? _("Signing in…") : _("Sign in"));
}

/* One key of the on-screen pad: a digit or letter, "clear", "back",
 * "letters", "digits" or "next". */
void
curb_signin_page_press (CurbSigninPage *self,
                        const char     *key)
{
  GtkEditable *field;
  g_autofree char *text = NULL;

  g_return_if_fail (CURB_IS_SIGNIN_PAGE (self));
  field = GTK_EDITABLE (self->active);
  if (g_str_equal (key, "letters") || g_str_equal (key, "digits"))
    {
      self->letters = g_str_equal (key, "letters");
      build_keypad (self);
    }
  else if (g_str_equal (key, "back"))
    {
      g_autofree char *shorter = g_strdup (gtk_editable_get_text (field));
      char *last = *shorter ? g_utf8_find_prev_char (shorter, shorter + strlen (shorter)) : NULL;

      if (last != NULL)
        *last = '\0';
      gtk_editable_set_text (field, shorter);
    }
  else if (g_str_equal (key, "clear"))
    gtk_editable_set_text (field, "");
  else if (g_str_equal (key, "next"))
    on_entry_activate (self->active, self);
  else
    {
      /* staff ids are lower case ("st-alex"); the pad shows capitals to be read */
      g_autofree char *lower = g_utf8_strdown (key, -1);

      text = g_strconcat (gtk_editable_get_text (field), lower, NULL);
      gtk_editable_set_text (field, text);
    }
}

const char *
curb_signin_page_get_staff_id (CurbSigninPage *self)
{
  g_return_val_if_fail (CURB_IS_SIGNIN_PAGE (self), NULL);
  return gtk_editable_get_text (GTK_EDITABLE (self->staff_entry));
}
