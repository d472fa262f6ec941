/* The staging station in Spanish (po/es.po, built by the project): the
 * board and an order, with screenshots. */
#include <glib/gi18n.h>
#include <locale.h>

#include "curb-staging-application.h"
#include "curbside-core.h"
#include "test-staging-display.h"
#include "test-staging-orders.h"

static gboolean
board_shown (gpointer window)
{
  GtkWidget *board = curb_staging_window_get_page_widget (window, "board");

  return gtk_widget_get_mapped (board) && gtk_widget_get_child_visible (board)
         && g_strcmp0 (curb_staging_window_get_page (window), "board") == 0;
}

static void
check_board (CurbStagingWindow *window,
             const char        *name)
{
  g_autofree char *path = NULL;

  curb_test_spin (400);
  path = curb_test_screenshot (GTK_WIDGET (window), name);
  g_test_message ("screenshot %s", path);
  g_assert_cmpuint (curb_test_assert_nothing_cut (curb_staging_window_get_page_widget (window, "board")), >, 20);
  curb_test_assert_board_at_top (curb_staging_window_get_page_widget (window, "board"));
}

/* The board in Spanish at the station's 1280×800, at normal size and with
 * large text (GNOME's 1.25 text scale): every text whole. */
static void
test_spanish_board (void)
{
  g_autoptr(CurbStagingApplication) app = curb_staging_application_new ();
  g_autofree char *path = NULL;
  CurbStagingWindow *window;
  CurbStagingStation *station;
  gint64 now = curb_now_ms ();
  const char *banner;

  g_free (curb_staging_application_get_settings (app)->audio_sink);
  curb_staging_application_get_settings (app)->audio_sink = g_strdup ("fakesink sync=true");
  curb_staging_application_get_settings (app)->escalate_ms = 60 * 60 * 1000;
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, NULL));
  g_application_activate (G_APPLICATION (app));
  window = curb_staging_application_get_window (app);
  station = curb_staging_application_get_station (app);
  for (guint i = 0; i < 7; i++)
    {
      const char *states[] = { "arrived", "arrived", "claimed", "ready", "ready", "arrived", "pending" };
      g_autoptr(CurbOrder) order = curb_test_order_nth (i * 37 + 5, states[i], now);

      curb_staging_station_ingest_order (station, order);
    }
  curb_staff_session_sign_in (curb_staging_station_get_session (station), "1007", "Alex", NULL, now);
  g_assert_true (curb_test_spin_until (board_shown, window, 5000));
  banner = curb_staging_window_get_banner_text (window);
  g_assert_nonnull (banner);
  g_assert_nonnull (strstr (banner, "clientes esperando"));
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (window)), ==, "Curbside preparación");
  check_board (window, "board-es");
  g_object_set (gtk_settings_get_default (), "gtk-xft-dpi", 120 * 1024, NULL);
  check_board (window, "board-es-large");
  g_object_set (gtk_settings_get_default (), "gtk-xft-dpi", 96 * 1024, NULL);
  curb_staging_window_show_page (window, "stage");
  curb_test_spin (300);
  path = curb_test_screenshot (GTK_WIDGET (window), "stage-es");
  g_test_message ("screenshot %s", path);
  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int argc, char *argv[])
{
  g_autofree char *podir = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);
  g_setenv ("LANGUAGE", "es", TRUE);
  setlocale (LC_ALL, "");
  podir = g_build_filename (g_getenv ("CURB_BUILD_ROOT"), "po", NULL);
  bindtextdomain (GETTEXT_PACKAGE, podir);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
  if (!g_file_test (podir, G_FILE_TEST_IS_DIR) || !curb_test_display_start ())
    {
      g_test_skip ("no built translations or no Xvfb");
      return g_test_run ();
    }
  gtk_init ();
  adw_init ();
  g_test_add_func ("/staging/i18n/spanish-board", test_spanish_board);
  status = g_test_run ();
  curb_test_display_stop ();
  return status;
}
