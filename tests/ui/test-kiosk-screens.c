#include <adwaita.h>
#include <glib/gstdio.h>

#include "curb-kiosk-application.h"
#include "curb-kiosk-i18n.h"
#include "curb-kiosk-lookup-page.h"
#include "curb-kiosk-window.h"
#include "curb-order-codec.h"
#include "curb-test-helpers.h"

/* Every screen of the kiosk, in both languages and three sizes, rendered
 * into the build dir (kiosk-screens/) and its text checked. */

typedef struct
{
  int width;
  int height;
} Size;

static const Size sizes[] = { { 1280, 800 }, { 800, 1280 }, { 1920, 1080 } };

static char *shots_dir;
static const char *shot_prefix = "";

static CurbOrder *
sample_order_with (const char *state, int ambient_bags, const char *replacement)
{
  g_autofree char *json = g_strdup_printf (
    "{\"ref\":\"A7K3Q9\",\"first_name\":\"Sam\",\"last_initial\":\"R\","
    "\"state\":\"%s\",\"staged\":%s,\"age_restricted\":true,"
    "\"window_start\":\"2026-11-27T15:00:00.000Z\",\"window_end\":\"2026-11-27T16:00:00.000Z\","
    "\"alternate_pickup\":{\"first_name\":\"Alex\",\"last_initial\":\"K\"},"
    "\"lines\":[{\"id\":\"L1\",\"name\":\"Oat milk 1 L\",\"qty\":2},{\"id\":\"L2\",\"name\":\"Bread\",\"qty\":3},"
    "{\"id\":\"L3\",\"name\":\"Apples\",\"qty\":7}],"
    "\"bags\":{\"ambient\":%d,\"chilled\":1,\"frozen\":1},"
    "\"substitutions\":[{\"id\":\"S1\",\"original\":\"Oat milk 1 L\","
    "\"replacement\":\"%s\",\"qty\":1,\"status\":\"pending\"}]}",
    state, g_str_equal (state, "pending") ? "false" : "true", ambient_bags, replacement);
  g_autoptr(GError) error = NULL;
  CurbOrder *order = curb_order_codec_decode_string (json, &error);

  g_assert_no_error (error);
  return order;
}

static CurbOrder *
sample_order (const char *state)
{
  return sample_order_with (state, 2, "Soy milk 1 L");
}

static gboolean
on_tick (GtkWidget *widget, GdkFrameClock *clock, gpointer data)
{
  int *frames = data;

  (*frames)++;
  return G_SOURCE_CONTINUE;
}

static gboolean
on_give_up (gpointer data)
{
  gboolean *timed_out = data;

  *timed_out = TRUE;
  return G_SOURCE_REMOVE;
}

static void
settle (GtkWidget *window)
{
  int frames = 0;
  gboolean timed_out = FALSE;
  guint tick = gtk_widget_add_tick_callback (window, on_tick, &frames, NULL);
  guint timeout = g_timeout_add (3000, on_give_up, &timed_out);

  while (frames < 3 && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  gtk_widget_remove_tick_callback (window, tick);
  if (!timed_out)
    g_source_remove (timeout);
  g_assert_false (timed_out);
}

static void
save_shot (GtkWidget *window, const char *name)
{
  int w = gtk_widget_get_width (window);
  int h = gtk_widget_get_height (window);
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (window);
  GtkSnapshot *snapshot = gtk_snapshot_new ();
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree char *path = g_build_filename (shots_dir, name, NULL);

  gdk_paintable_snapshot (paintable, snapshot, w, h);
  node = gtk_snapshot_free_to_node (snapshot);
  g_assert_nonnull (node);
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (GTK_NATIVE (window)), node,
                                         &GRAPHENE_RECT_INIT (0, 0, w, h));
  g_assert_true (gdk_texture_save_to_png (texture, path));
}

static void
collect_text (GtkWidget *widget, GString *out)
{
  if (!gtk_widget_get_visible (widget))
    return;
  if (GTK_IS_LABEL (widget))
    g_string_append_printf (out, "%s\n", gtk_label_get_text (GTK_LABEL (widget)));
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c != NULL; c = gtk_widget_get_next_sibling (c))
    collect_text (c, out);
}

static gboolean
label_shown (CurbKioskWindow *window, const char *expected)
{
  g_autoptr(GString) text = g_string_new (NULL);

  collect_text (curb_kiosk_window_get_page (window), text);
  return strstr (text->str, expected) != NULL;
}

static void
assert_shows (CurbKioskWindow *window, const char *expected)
{
  g_autoptr(GString) text = g_string_new (NULL);

  collect_text (curb_kiosk_window_get_page (window), text);
  if (strstr (text->str, expected) == NULL)
    g_error ("expected \"%s\" on screen, found:\n%s", expected, text->str);
}

static const char *
pick (const char *language, const char *en, const char *es)
{
  return g_str_equal (language, "es") ? es : en;
}

static GdkTexture *
camera_like_texture (void)
{
  const int w = 1280, h = 720;
  g_autofree guchar *pixels = g_malloc (w * h * 4);
  g_autoptr(GBytes) bytes = NULL;

  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      {
        guchar *p = pixels + (y * w + x) * 4;
        p[0] = 70 + x * 60 / w;
        p[1] = 80 + y * 50 / h;
        p[2] = 90;
        p[3] = 255;
      }
  bytes = g_bytes_new_take (g_steal_pointer (&pixels), w * h * 4);
  return gdk_memory_texture_new (w, h, GDK_MEMORY_R8G8B8A8, bytes, w * 4);
}

static void
shoot (CurbKioskWindow *window, const char *language, const Size *size, const char *screen)
{
  g_autofree char *name = g_strdup_printf ("%s%s-%dx%d-%s.png", shot_prefix, language,
                                           size->width, size->height, screen);

  settle (GTK_WIDGET (window));
  save_shot (GTK_WIDGET (window), name);
  /* the screen fits: nothing made the window grow past the display */
  if (gtk_widget_get_width (GTK_WIDGET (window)) > size->width
      || gtk_widget_get_height (GTK_WIDGET (window)) > size->height)
    g_error ("%s does not fit: %dx%d", name, gtk_widget_get_width (GTK_WIDGET (window)),
             gtk_widget_get_height (GTK_WIDGET (window)));
}

/* The greeting follows the order alone (its .ui bindings and the order's
 * list notifications): the flow says nothing here. */
static void
check_greeting_follows_order (CurbKioskWindow *window, CurbOrder *order, const char *lang)
{
  g_autoptr(CurbPerson) jo = curb_person_new (NULL, "Jo", "K");
  g_autoptr(CurbPerson) alex = curb_person_new (NULL, "Alex", "K");
  g_autoptr(CurbOrder) newer = sample_order_with ("ready", 3, "Rice milk 1 L");
  g_autoptr(CurbOrder) back = sample_order ("ready");
  const char *id_notice = pick (lang, "Please have your ID ready", "Tenga a mano su identificaci");

  curb_order_set_first_name (order, "Samuel");
  assert_shows (window, pick (lang, "Hi Samuel R.", "Hola, Samuel R."));
  curb_order_set_first_name (order, "Sam");
  curb_order_set_alternate_pickup (order, jo);
  assert_shows (window, pick (lang, "Jo K. may also pick up this order", "Jo K. también puede recoger este pedido"));
  curb_order_set_alternate_pickup (order, alex);
  assert_shows (window, id_notice);
  curb_order_set_age_restricted (order, FALSE);
  g_assert_false (label_shown (window, id_notice));
  curb_order_set_age_restricted (order, TRUE);
  assert_shows (window, id_notice);
  curb_order_update (order, newer);
  assert_shows (window, pick (lang, "3 bags", "3 bolsas"));
  assert_shows (window, "Rice milk 1 L");
  curb_order_update (order, back);
  assert_shows (window, "Soy milk 1 L");
}

static void
run_main_screens (CurbKioskFlow *flow, CurbKioskWindow *window, const char *lang, const Size *size)
{
  g_autoptr(CurbOrder) order = sample_order ("ready");
  guint visit;

  curb_kiosk_flow_set_queue_status (flow, 3, 240);
  shoot (window, lang, size, "welcome");
  assert_shows (window, pick (lang, "Hold your pickup code up to the camera",
                              "Acerque su código de recogida a la cámara"));
  assert_shows (window, pick (lang, "3 shoppers waiting for staff", "3 clientes esperando al personal"));

  curb_kiosk_flow_find_order (flow);
  curb_kiosk_lookup_page_type (CURB_KIOSK_LOOKUP_PAGE (curb_kiosk_window_get_page (window)), "A7K3Q9");
  curb_kiosk_lookup_page_next_field (CURB_KIOSK_LOOKUP_PAGE (curb_kiosk_window_get_page (window)), FALSE);
  curb_kiosk_lookup_page_type (CURB_KIOSK_LOOKUP_PAGE (curb_kiosk_window_get_page (window)), "Rivera");
  shoot (window, lang, size, "lookup");
  assert_shows (window, "A7K3Q9");
  assert_shows (window, "RIVERA");
  curb_kiosk_flow_start_over (flow);

  curb_kiosk_flow_set_language (flow, lang);
  visit = curb_kiosk_flow_begin (flow);
  curb_kiosk_flow_show_arrival (flow, visit, order, "tok", "scan", 600);
  shoot (window, lang, size, "greeting");
  assert_shows (window, pick (lang, "Hi Sam R.", "Hola, Sam R."));
  assert_shows (window, pick (lang, "Order A7K3Q9", "Pedido A7K3Q9"));
  check_greeting_follows_order (window, order, lang);

  g_assert_false (label_shown (window, pick (lang, "Alex is bringing your order", "Alex le lleva su pedido")));
  curb_kiosk_flow_order_event (flow, "A7K3Q9", "claimed", "Alex", 0);
  shoot (window, lang, size, "greeting-taken-on");
  assert_shows (window, pick (lang, "Alex is bringing your order", "Alex le lleva su pedido"));
  curb_kiosk_flow_order_event (flow, "A7K3Q9", "released", NULL, 0);

  curb_kiosk_flow_confirm (flow);
  shoot (window, lang, size, "bay");
  assert_shows (window, pick (lang, "Which bay", "En qué plaza"));

  curb_kiosk_flow_choose_bay (flow, "4");
  shoot (window, lang, size, "waiting-checked-in");
  assert_shows (window, pick (lang, "You are checked in", "Ya registramos su llegada"));
  curb_kiosk_flow_order_event (flow, "A7K3Q9", "claimed", "Alex", 180);
  shoot (window, lang, size, "waiting-claimed");
  assert_shows (window, pick (lang, "Alex is bringing your order", "Alex le lleva su pedido"));
  assert_shows (window, pick (lang, "about 3 min", "unos 3 min"));

  curb_kiosk_flow_set_receipt_note (flow, pick (lang, "Your receipt is printing below the screen.",
                                                "Su recibo se está imprimiendo debajo de la pantalla."));
  curb_kiosk_flow_order_event (flow, "A7K3Q9", "handed_over", NULL, 0);
  shoot (window, lang, size, "thanks");
  assert_shows (window, pick (lang, "Thank you, Sam!", "¡Gracias, Sam!"));
  /* bound to the order's first name in the .ui */
  curb_order_set_first_name (order, "Samuel");
  assert_shows (window, pick (lang, "Thank you, Samuel!", "¡Gracias, Samuel!"));
  g_assert_false (label_shown (window, pick (lang, "Thank you, Sam!", "¡Gracias, Sam!")));
  curb_order_set_first_name (order, "Sam");
  curb_kiosk_flow_start_over (flow);
}

static void
run_problem_screens (CurbKioskFlow *flow, CurbKioskWindow *window, const char *lang, const Size *size)
{
  for (CurbKioskProblem p = CURB_KIOSK_PROBLEM_UNREADABLE; p < CURB_KIOSK_N_PROBLEMS; p++)
    {
      g_autoptr(CurbOrder) order = sample_order ("pending");
      g_autofree char *screen = g_strdup_printf ("problem-%s", curb_kiosk_problem_to_string (p));
      guint visit;

      curb_kiosk_flow_start_over (flow);
      curb_kiosk_flow_set_language (flow, lang);
      visit = curb_kiosk_flow_begin (flow);
      if (p == CURB_KIOSK_PROBLEM_NOT_READY)
        curb_kiosk_flow_show_order (flow, visit, order, "tok", "scan");
      else if (p == CURB_KIOSK_PROBLEM_STAFF_CALLED)
        {
          curb_kiosk_flow_fail (flow, visit, CURB_KIOSK_PROBLEM_FAILED);
          curb_kiosk_flow_call_staff (flow);
        }
      else
        curb_kiosk_flow_fail (flow, visit, p);
      g_assert_cmpint (curb_kiosk_flow_get_problem (flow), ==, p);
      shoot (window, lang, size, screen);
    }
  curb_kiosk_flow_start_over (flow);
  curb_kiosk_flow_set_camera_ok (flow, FALSE);
  shoot (window, lang, size, "lookup-camera-failed");
  curb_kiosk_flow_set_camera_ok (flow, TRUE);
  curb_kiosk_flow_start_over (flow);
}

static CurbKioskWindow *
open_window (CurbKioskFlow *flow, const Size *size)
{
  CurbKioskWindow *window = curb_kiosk_window_new (NULL, flow);
  g_autoptr(GdkTexture) frame = camera_like_texture ();

  curb_kiosk_window_set_store_name (window, "Curbside Market · Elm St");
  curb_kiosk_window_set_preview_texture (window, frame);
  gtk_window_set_decorated (GTK_WINDOW (window), FALSE);
  gtk_window_set_default_size (GTK_WINDOW (window), size->width, size->height);
  gtk_window_present (GTK_WINDOW (window));
  return window;
}

static CurbKioskFlow *
new_flow (const char *lang)
{
  const char *bays[] = { "1", "2", "3", "4", "5", "6", "7", "8", NULL };
  CurbKioskFlow *flow = curb_kiosk_flow_new ();

  curb_kiosk_flow_set_bays (flow, bays);
  curb_kiosk_flow_set_store_phone (flow, "(555) 010-0142");
  curb_kiosk_flow_set_default_language (flow, lang);
  return flow;
}

static void
test_screens (gconstpointer data)
{
  const char *lang = data;

  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
    {
      g_autoptr(CurbKioskFlow) flow = new_flow (lang);
      CurbKioskWindow *window = open_window (flow, &sizes[i]);

      run_main_screens (flow, window, lang, &sizes[i]);
      run_problem_screens (flow, window, lang, &sizes[i]);
      gtk_window_destroy (GTK_WINDOW (window));
    }
}

static void
test_accessibility_toggles (void)
{
  g_autoptr(CurbKioskFlow) flow = new_flow ("en");
  CurbKioskWindow *window = open_window (flow, &sizes[0]);

  curb_kiosk_window_set_high_contrast (window, TRUE);
  curb_kiosk_window_set_large_text (window, TRUE);
  shoot (window, "en", &sizes[0], "welcome-high-contrast-large");
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (window), "high-contrast"));
  curb_kiosk_flow_find_order (flow);
  shoot (window, "en", &sizes[0], "lookup-high-contrast-large");
  gtk_window_destroy (GTK_WINDOW (window));
}

/* Larger text must still fit every screen, in the longer language, at the
 * smallest size of each orientation. */
static void
test_large_text_fits (void)
{
  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(CurbKioskFlow) flow = new_flow ("es");
      CurbKioskWindow *window = open_window (flow, &sizes[i]);

      shot_prefix = "large-text-";
      curb_kiosk_window_set_large_text (window, TRUE);
      run_main_screens (flow, window, "es", &sizes[i]);
      run_problem_screens (flow, window, "es", &sizes[i]);
      gtk_window_destroy (GTK_WINDOW (window));
      shot_prefix = "";
    }
}

static void
test_portrait_layout (void)
{
  g_autoptr(CurbKioskFlow) flow = new_flow ("en");
  CurbKioskWindow *window = open_window (flow, &sizes[1]);

  settle (GTK_WIDGET (window));
  settle (GTK_WIDGET (window));
  g_assert_true (curb_kiosk_window_get_portrait (window));
  gtk_window_destroy (GTK_WINDOW (window));
}

static gboolean
file_has (const char *path, const char *text)
{
  g_autofree char *contents = NULL;

  return g_file_get_contents (path, &contents, NULL, NULL) && strstr (contents, text) != NULL;
}

static void
wait_for_line (const char *path, const char *text)
{
  gint64 deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;

  while (!file_has (path, text) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, FALSE), g_usleep (10000);
  if (!file_has (path, text))
    g_error ("\"%s\" was not spoken", text);
}

/* Prompts go to the speech command in the screen's language: a stand-in
 * command that writes what it would say to a file. */
static void
test_speech (void)
{
  g_autofree char *dir = curb_test_mkdtemp ();
  g_autofree char *said = g_build_filename (dir, "said.txt", NULL);
  g_autofree char *script = g_strdup_printf ("printf '%%s|%%s\\n' \"$2\" \"$4\" >> '%s'", said);
  const char *argv[] = { "sh", "-c", script, "sh", NULL };
  g_autoptr(CurbKioskSpeech) speech = curb_kiosk_speech_new (argv);
  g_autoptr(CurbKioskFlow) flow = new_flow ("en");
  CurbKioskWindow *window = open_window (flow, &sizes[0]);

  curb_kiosk_window_set_speech (window, speech);
  curb_kiosk_flow_find_order (flow);
  wait_for_line (said, "en|Find your order");
  curb_kiosk_flow_set_language (flow, "es");
  wait_for_line (said, "es|Buscar su pedido");
  g_assert_cmpuint (curb_kiosk_speech_get_n_said (speech), >=, 2);
  gtk_window_destroy (GTK_WINDOW (window));
  curb_test_rmdir (dir);
}

int
main (int argc, char **argv)
{
  const char *build = g_getenv ("G_TEST_BUILDDIR");

  g_setenv ("GSK_RENDERER", "cairo", FALSE);
  g_setenv ("GDK_BACKEND", "x11", FALSE);
  g_test_init (&argc, &argv, NULL);
  curb_kiosk_i18n_init ();
  if (!gtk_init_check ())
    {
      g_test_skip ("no display");
      return g_test_run ();
    }
  adw_init ();
  curb_kiosk_load_style ();
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);
  shots_dir = g_build_filename (build != NULL ? build : ".", "kiosk-screens", NULL);
  g_mkdir_with_parents (shots_dir, 0755);

  g_test_add_data_func ("/kiosk/screens/en", "en", test_screens);
  g_test_add_data_func ("/kiosk/screens/es", "es", test_screens);
  g_test_add_func ("/kiosk/screens/accessibility", test_accessibility_toggles);
  g_test_add_func ("/kiosk/screens/portrait", test_portrait_layout);
  g_test_add_func ("/kiosk/screens/large-text-fits", test_large_text_fits);
  g_test_add_func ("/kiosk/screens/speech", test_speech);
  return g_test_run ();
}
