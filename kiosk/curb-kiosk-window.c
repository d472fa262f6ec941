#include <glib/gi18n.h>

#include "curb-kiosk-bay-page.h"
#include "curb-kiosk-greeting-page.h"
#include "curb-kiosk-i18n.h"
#include "curb-kiosk-lookup-page.h"
#include "curb-kiosk-page.h"
#include "curb-kiosk-problem-page.h"
#include "curb-kiosk-waiting-page.h"
#include "curb-kiosk-welcome-page.h"
#include "curb-kiosk-window.h"

struct _CurbKioskWindow
{
  AdwApplicationWindow  parent_instance;

  CurbKioskFlow        *flow;
  CurbKioskSpeech      *speech;
  char                 *spoken;
  GdkTexture           *preview_texture;
  char                 *built_language;
  char                 *store_name;
  guint                 built_visit;
  CurbKioskScreen       shown_screen;
  gboolean              portrait;
  gboolean              large_screen;
  guint                 orientation_idle;
  GtkWidget            *pages[CURB_KIOSK_N_SCREENS];

  GtkLabel             *store_label;
  GtkToggleButton      *english_button;
  GtkToggleButton      *spanish_button;
  GtkToggleButton      *large_text_button;
  GtkToggleButton      *contrast_button;
  GtkButton            *call_staff_button;
  GtkStack             *stack;
  GtkWidget            *busy_box;
  GtkLabel             *busy_label;
};

G_DEFINE_FINAL_TYPE (CurbKioskWindow, curb_kiosk_window, ADW_TYPE_APPLICATION_WINDOW)

static GtkWidget *
build_page (CurbKioskWindow *self,
            CurbKioskScreen  screen)
{
  switch (screen)
    {
    case CURB_KIOSK_SCREEN_WELCOME:
      return curb_kiosk_welcome_page_new (self->flow);
    case CURB_KIOSK_SCREEN_LOOKUP:
      return curb_kiosk_lookup_page_new (self->flow);
    case CURB_KIOSK_SCREEN_GREETING:
      return curb_kiosk_greeting_page_new (self->flow);
    case CURB_KIOSK_SCREEN_BAY:
      return curb_kiosk_bay_page_new (self->flow);
    case CURB_KIOSK_SCREEN_WAITING:
      return curb_kiosk_waiting_page_new (self->flow, FALSE);
    case CURB_KIOSK_SCREEN_THANKS:
      return curb_kiosk_waiting_page_new (self->flow, TRUE);
    case CURB_KIOSK_SCREEN_PROBLEM:
    default:
      return curb_kiosk_problem_page_new (self->flow);
    }
}

static void
drop_page (CurbKioskWindow *self,
           CurbKioskScreen  screen)
{
  if (self->pages[screen] == NULL)
    return;
  g_object_remove_weak_pointer (G_OBJECT (self->pages[screen]), (gpointer *) &self->pages[screen]);
  gtk_stack_remove (self->stack, self->pages[screen]);
  self->pages[screen] = NULL;
}

static void
drop_all_pages (CurbKioskWindow *self)
{
  for (guint i = 0; i < CURB_KIOSK_N_SCREENS; i++)
    drop_page (self, i);
}

static GtkWidget *
ensure_page (CurbKioskWindow *self,
             CurbKioskScreen  screen)
{
  if (self->pages[screen] == NULL)
    {
      GtkWidget *page = build_page (self, screen);

      curb_kiosk_page_set_portrait (page, self->portrait);
      gtk_stack_add_named (self->stack, page, curb_kiosk_screen_to_string (screen));
      self->pages[screen] = page;
      g_object_add_weak_pointer (G_OBJECT (page), (gpointer *) &self->pages[screen]);
      if (screen == CURB_KIOSK_SCREEN_WELCOME && self->preview_texture != NULL)
        curb_kiosk_preview_set_texture (curb_kiosk_welcome_page_get_preview (CURB_KIOSK_WELCOME_PAGE (page)),
                                        self->preview_texture);
    }
  return self->pages[screen];
}

/* Portrait screens are too narrow for the store's name beside the buttons. */
static void
update_store_label (CurbKioskWindow *self)
{
  curb_kiosk_set_text (self->store_label, self->store_name != NULL ? self->store_name
                                                                   : _("Curbside pickup"));
  if (self->portrait)
    gtk_label_set_text (self->store_label, "");  /* still the spacer before the buttons */
}

static void
sync_language (CurbKioskWindow *self)
{
  const char *language = curb_kiosk_flow_get_language (self->flow);

  if (g_strcmp0 (language, self->built_language) == 0)
    return;
  g_free (self->built_language);
  self->built_language = g_strdup (language);
  curb_kiosk_i18n_set_language (language);
  gtk_toggle_button_set_active (g_str_equal (language, "es") ? self->spanish_button
                                                             : self->english_button, TRUE);
  gtk_button_set_label (self->call_staff_button, _("Call staff"));
  gtk_label_set_text (self->busy_label, _("One moment…"));
  update_store_label (self);
  curb_kiosk_set_name (GTK_WIDGET (self->large_text_button), _("Larger text"));
  curb_kiosk_set_name (GTK_WIDGET (self->contrast_button), _("High contrast"));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->large_text_button), _("Larger text"));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->contrast_button), _("High contrast"));
  drop_all_pages (self);
}

static void
sync_visit (CurbKioskWindow *self)
{
  guint visit = curb_kiosk_flow_get_visit (self->flow);

  if (visit == self->built_visit)
    return;
  self->built_visit = visit;
  drop_all_pages (self);
}

static void
collect_prompt (GtkWidget *widget,
                GString   *out)
{
  if (!gtk_widget_get_visible (widget))
    return;
  if (GTK_IS_LABEL (widget)
      && (gtk_widget_has_css_class (widget, "title") || gtk_widget_has_css_class (widget, "eta")
          || gtk_widget_has_css_class (widget, "body")))
    g_string_append_printf (out, "%s. ", gtk_label_get_text (GTK_LABEL (widget)));
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect_prompt (child, out);
}

static void
speak_page (CurbKioskWindow *self,
            GtkWidget       *page)
{
  g_autoptr(GString) prompt = g_string_new (NULL);

  if (self->speech == NULL)
    return;
  collect_prompt (page, prompt);
  if (g_strcmp0 (prompt->str, self->spoken) == 0)
    return;
  g_free (self->spoken);
  self->spoken = g_strdup (prompt->str);
  curb_kiosk_speech_say (self->speech, curb_kiosk_flow_get_language (self->flow), prompt->str);
}

static void
on_flow_changed (CurbKioskWindow *self)
{
  CurbKioskScreen screen = curb_kiosk_flow_get_screen (self->flow);
  GtkWidget *page;

  sync_language (self);
  sync_visit (self);
  page = ensure_page (self, screen);
  gtk_stack_set_visible_child (self->stack, page);
  self->shown_screen = screen;
  speak_page (self, page);
  gtk_widget_set_visible (self->busy_box, curb_kiosk_flow_get_busy (self->flow));
}

static void
on_language_toggled (GtkToggleButton *button,
                     CurbKioskWindow *self)
{
  const char *language;

  if (!gtk_toggle_button_get_active (button))
    return;
  language = button == self->spanish_button ? "es" : "en";
  if (g_strcmp0 (language, curb_kiosk_flow_get_language (self->flow)) != 0)
    curb_kiosk_flow_set_language (self->flow, language);
}

static void
on_large_text_toggled (CurbKioskWindow *self)
{
  curb_kiosk_window_set_large_text (self, gtk_toggle_button_get_active (self->large_text_button));
  curb_kiosk_flow_touch (self->flow);
}

static void
on_contrast_toggled (CurbKioskWindow *self)
{
  curb_kiosk_window_set_high_contrast (self, gtk_toggle_button_get_active (self->contrast_button));
  curb_kiosk_flow_touch (self->flow);
}

/* The next shopper starts with the kiosk's own looks: larger text and high
 * contrast were the last shopper's choice, like the language. */
static void
on_flow_reset (CurbKioskWindow *self)
{
  curb_kiosk_window_set_large_text (self, FALSE);
  curb_kiosk_window_set_high_contrast (self, FALSE);
}

static void
on_call_staff_clicked (CurbKioskWindow *self)
{
  curb_kiosk_flow_call_staff (self->flow);
}

static void
on_any_press (GtkGestureClick *gesture,
              int              n_press,
              double           x,
              double           y,
              CurbKioskWindow *self)
{
  curb_kiosk_flow_touch (self->flow);
}

static void apply_orientation_now (CurbKioskWindow *self);

static gboolean
apply_orientation (gpointer data)
{
  CurbKioskWindow *self = data;

  self->orientation_idle = 0;
  apply_orientation_now (self);
  return G_SOURCE_REMOVE;
}

/* 1920x1080 and up: everything a size larger, read from further away */
static gboolean
is_large_screen (int width,
                 int height)
{
  return MIN (width, height) >= 1000;
}

static void
on_default_size_changed (CurbKioskWindow *self)
{
  int width = 0, height = 0;

  gtk_window_get_default_size (GTK_WINDOW (self), &width, &height);
  if (width <= 0 || height <= 0)
    return;
  if ((height > width) == self->portrait && is_large_screen (width, height) == self->large_screen)
    return;
  self->portrait = height > width;
  self->large_screen = is_large_screen (width, height);
  apply_orientation_now (self);
}

static void
apply_orientation_now (CurbKioskWindow *self)
{
  if (self->portrait)
    gtk_widget_add_css_class (GTK_WIDGET (self), "portrait");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self), "portrait");
  update_store_label (self);
  if (self->large_screen)
    gtk_widget_add_css_class (GTK_WIDGET (self), "large-screen");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self), "large-screen");
  for (guint i = 0; i < CURB_KIOSK_N_SCREENS; i++)
    if (self->pages[i] != NULL)
      curb_kiosk_page_set_portrait (self->pages[i], self->portrait);
}

static void
curb_kiosk_window_size_allocate (GtkWidget *widget,
                                 int        width,
                                 int        height,
                                 int        baseline)
{
  CurbKioskWindow *self = CURB_KIOSK_WINDOW (widget);
  gboolean portrait = height > width;
  gboolean large = is_large_screen (width, height);

  GTK_WIDGET_CLASS (curb_kiosk_window_parent_class)->size_allocate (widget, width, height, baseline);
  if ((portrait != self->portrait || large != self->large_screen) && self->orientation_idle == 0)
    {
      self->portrait = portrait;
      self->large_screen = large;
      self->orientation_idle = g_idle_add (apply_orientation, self);
    }
}

static void
curb_kiosk_window_dispose (GObject *object)
{
  CurbKioskWindow *self = CURB_KIOSK_WINDOW (object);

  g_clear_handle_id (&self->orientation_idle, g_source_remove);
  gtk_widget_dispose_template (GTK_WIDGET (self), CURB_TYPE_KIOSK_WINDOW);
  g_clear_object (&self->flow);
  g_clear_object (&self->preview_texture);
  g_clear_object (&self->speech);
  g_clear_pointer (&self->spoken, g_free);
  g_clear_pointer (&self->built_language, g_free);
  g_clear_pointer (&self->store_name, g_free);
  G_OBJECT_CLASS (curb_kiosk_window_parent_class)->dispose (object);
}

static void
curb_kiosk_window_class_init (CurbKioskWindowClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = curb_kiosk_window_dispose;
  widget_class->size_allocate = curb_kiosk_window_size_allocate;
  curb_kiosk_ensure_resources ();
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/curbside/Kiosk/curb-kiosk-window.ui");
  gtk_widget_class_bind_template_child (widget_class, CurbKioskWindow, store_label);
  gtk_widget_class_bind_template_child (widget_class, CurbKioskWindow, english_button);
  gtk_widget_class_bind_template_child (widget_class, CurbKioskWindow, spanish_button);
  gtk_widget_class_bind_template_child (widget_class, CurbKioskWindow, large_text_button);
  gtk_widget_class_bind_template_child (widget_class, CurbKioskWindow, contrast_button);
  gtk_widget_class_bind_template_child (widget_class, CurbKioskWindow, call_staff_button);
  gtk_widget_class_bind_template_child (widget_class, CurbKioskWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, CurbKioskWindow, busy_box);
  gtk_widget_class_bind_template_child (widget_class, CurbKioskWindow, busy_label);
  gtk_widget_class_bind_template_callback (widget_class, on_language_toggled);
  gtk_widget_class_bind_template_callback (widget_class, on_large_text_toggled);
  gtk_widget_class_bind_template_callback (widget_class, on_contrast_toggled);
  gtk_widget_class_bind_template_callback (widget_class, on_call_staff_clicked);
}

/* A USB keyboard types into the order lookup, as its on-screen keyboard does. */
static gboolean
on_key_pressed (GtkEventControllerKey *controller,
                guint                  keyval,
                guint                  keycode,
                GdkModifierType        state,
                CurbKioskWindow       *self)
{
  GtkWidget *lookup = self->pages[CURB_KIOSK_SCREEN_LOOKUP];

  if (lookup == NULL || curb_kiosk_flow_get_screen (self->flow) != CURB_KIOSK_SCREEN_LOOKUP)
    return FALSE;
  return curb_kiosk_lookup_page_key_pressed (CURB_KIOSK_LOOKUP_PAGE (lookup), keyval, state);
}

static void
curb_kiosk_window_init (CurbKioskWindow *self)
{
  GtkGesture *press = gtk_gesture_click_new ();
  GtkEventController *keys = gtk_event_controller_key_new ();

  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_event_controller_set_propagation_phase (GTK_EVENT_CONTROLLER (press), GTK_PHASE_CAPTURE);
  g_signal_connect (press, "pressed", G_CALLBACK (on_any_press), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (press));
  gtk_event_controller_set_propagation_phase (keys, GTK_PHASE_CAPTURE);
  g_signal_connect (keys, "key-pressed", G_CALLBACK (on_key_pressed), self);
  gtk_widget_add_controller (GTK_WIDGET (self), keys);
  gtk_widget_add_css_class (GTK_WIDGET (self), "kiosk");
  g_signal_connect (self, "notify::default-width", G_CALLBACK (on_default_size_changed), NULL);
  g_signal_connect (self, "notify::default-height", G_CALLBACK (on_default_size_changed), NULL);
}

CurbKioskWindow *
curb_kiosk_window_new (GtkApplication *application,
                       CurbKioskFlow  *flow)
{
  CurbKioskWindow *self;

  g_return_val_if_fail (CURB_IS_KIOSK_FLOW (flow), NULL);

  self = g_object_new (CURB_TYPE_KIOSK_WINDOW, "application", application, NULL);
  self->flow = g_object_ref (flow);
  self->built_visit = curb_kiosk_flow_get_visit (flow);
  g_signal_connect_object (flow, "changed", G_CALLBACK (on_flow_changed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (flow, "reset", G_CALLBACK (on_flow_reset), self, G_CONNECT_SWAPPED);
  on_flow_changed (self);
  return self;
}

void
curb_kiosk_window_set_store_name (CurbKioskWindow *self,
                                  const char      *name)
{
  g_return_if_fail (CURB_IS_KIOSK_WINDOW (self));
  g_free (self->store_name);
  self->store_name = g_strdup (name);
  update_store_label (self);
}

void
curb_kiosk_window_set_preview_texture (CurbKioskWindow *self,
                                       GdkTexture      *texture)
{
  CurbKioskPreview *preview;
  GtkWidget *welcome;

  g_return_if_fail (CURB_IS_KIOSK_WINDOW (self));

  g_set_object (&self->preview_texture, texture);
  welcome = self->pages[CURB_KIOSK_SCREEN_WELCOME];
  if (welcome != NULL && (preview = curb_kiosk_welcome_page_get_preview (CURB_KIOSK_WELCOME_PAGE (welcome))) != NULL)
    curb_kiosk_preview_set_texture (preview, texture);
}

/**
 * curb_kiosk_window_get_preview_size:
 *
 * The frame size that fills the camera preview on screen, for the preview
 * sink (curb_kiosk_preview_sink_set_size()).
 *
 * Returns: %FALSE while no preview is on screen
 */
gboolean
curb_kiosk_window_get_preview_size (CurbKioskWindow *self,
                                    int             *width,
                                    int             *height)
{
  GtkWidget *welcome;

  g_return_val_if_fail (CURB_IS_KIOSK_WINDOW (self), FALSE);

  welcome = self->pages[CURB_KIOSK_SCREEN_WELCOME];
  return welcome != NULL
         && curb_kiosk_preview_get_frame_size (curb_kiosk_welcome_page_get_preview (CURB_KIOSK_WELCOME_PAGE (welcome)),
                                               width, height);
}

GtkWidget *
curb_kiosk_window_get_page (CurbKioskWindow *self)
{
  g_return_val_if_fail (CURB_IS_KIOSK_WINDOW (self), NULL);
  return self->pages[self->shown_screen];
}

gboolean
curb_kiosk_window_get_portrait (CurbKioskWindow *self)
{
  g_return_val_if_fail (CURB_IS_KIOSK_WINDOW (self), FALSE);
  return self->portrait;
}

void
curb_kiosk_window_set_large_text (CurbKioskWindow *self,
                                  gboolean         large)
{
  g_return_if_fail (CURB_IS_KIOSK_WINDOW (self));
  if (large)
    gtk_widget_add_css_class (GTK_WIDGET (self), "large-text");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self), "large-text");
  if (gtk_toggle_button_get_active (self->large_text_button) != large)
    gtk_toggle_button_set_active (self->large_text_button, large);
}

void
curb_kiosk_window_set_high_contrast (CurbKioskWindow *self,
                                     gboolean         high)
{
  g_return_if_fail (CURB_IS_KIOSK_WINDOW (self));
  if (high)
    gtk_widget_add_css_class (GTK_WIDGET (self), "high-contrast");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self), "high-contrast");
  if (gtk_toggle_button_get_active (self->contrast_button) != high)
    gtk_toggle_button_set_active (self->contrast_button, high);
}

void
curb_kiosk_window_set_speech (CurbKioskWindow *self,
                              CurbKioskSpeech *speech)
{
  g_return_if_fail (CURB_IS_KIOSK_WINDOW (self));
  g_set_object (&self->speech, speech);
}
