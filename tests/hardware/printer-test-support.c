#include <fontconfig/fontconfig.h>
#include <signal.h>
#include <sys/prctl.h>
#include <zbar.h>

#include "curb-test-helpers.h"
#include "printer-test-support.h"

const CurbPrintContext pt_context = {
  .store_name = "Curbside Market",
  .receipt_url = "https://shop.example.com/r/",
  .station = "kiosk 2",
  .now_ms = 1795791000000,
};

/* Receipts show local time: pin it, and read translations from the build tree. */
void
pt_init_env (void)
{
  g_autofree char *localedir = g_build_filename (g_getenv ("CURB_BUILD_ROOT"), "po", NULL);

  g_setenv ("TZ", "UTC", TRUE);
  g_setenv ("CURB_LOCALEDIR", localedir, TRUE);
}

char *
pt_golden_path (const char *name)
{
  return g_build_filename (g_getenv ("CURB_SOURCE_ROOT"), "tests", "golden", name, NULL);
}

CurbOrder *
pt_load_sample_order (void)
{
  g_autofree char *path = pt_golden_path ("order-sample.json");
  g_autofree char *json = NULL;
  g_autoptr(GError) error = NULL;
  CurbOrder *order;

  g_assert_true (g_file_get_contents (path, &json, NULL, &error));
  order = curb_order_codec_decode_string (json, &error);
  g_assert_no_error (error);
  return order;
}

/* Every QR code ZBar finds in the picture, in no particular order. */
GStrv
pt_decode_qr (cairo_surface_t *surface)
{
  int width = cairo_image_surface_get_width (surface);
  int height = cairo_image_surface_get_height (surface);
  int stride = cairo_image_surface_get_stride (surface);
  const guint8 *pixels;
  guint8 *gray = g_malloc ((gsize) width * height);
  zbar_image_scanner_t *scanner = zbar_image_scanner_create ();
  zbar_image_t *image = zbar_image_create ();
  g_autoptr(GStrvBuilder) found = g_strv_builder_new ();

  cairo_surface_flush (surface);
  pixels = cairo_image_surface_get_data (surface);
  for (int y = 0; y < height; y++)
    for (int x = 0; x < width; x++)
      gray[y * width + x] = pixels[y * stride + x * 4 + 1];
  zbar_image_scanner_set_config (scanner, 0, ZBAR_CFG_ENABLE, 0);
  zbar_image_scanner_set_config (scanner, ZBAR_QRCODE, ZBAR_CFG_ENABLE, 1);
  zbar_image_set_format (image, zbar_fourcc ('Y', '8', '0', '0'));
  zbar_image_set_size (image, (unsigned) width, (unsigned) height);
  zbar_image_set_data (image, gray, (unsigned long) width * height, zbar_image_free_data);
  zbar_scan_image (scanner, image);
  for (const zbar_symbol_t *symbol = zbar_image_first_symbol (image); symbol != NULL;
       symbol = zbar_symbol_next (symbol))
    g_strv_builder_add (found, zbar_symbol_get_data (symbol));
  zbar_image_destroy (image);
  zbar_image_scanner_destroy (scanner);
  return g_strv_builder_end (found);
}

GPtrArray *
pt_render (const CurbPrinterProfile *profile,
           GBytes                   *bytes)
{
  g_autoptr(CurbVirtualPrinterRenderer) renderer = curb_virtual_printer_renderer_new (profile);

  curb_virtual_printer_renderer_feed (renderer, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  curb_virtual_printer_renderer_finish (renderer);
  return curb_virtual_printer_renderer_take_pages (renderer);
}

/* Compares with tests/golden/@name; CURB_UPDATE_GOLDEN=1 rewrites it. */
void
pt_assert_golden_text (const char *name,
                       const char *text)
{
  g_autofree char *path = pt_golden_path (name);
  g_autofree char *expected = NULL;
  g_autoptr(GError) error = NULL;

  if (g_getenv ("CURB_UPDATE_GOLDEN") != NULL)
    {
      g_assert_true (g_file_set_contents (path, text, -1, &error));
      return;
    }
  g_assert_true (g_file_get_contents (path, &expected, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (text, ==, expected);
}

/* Rendered samples go to the build tree, for people to look at. */
char *
pt_sample_dir (void)
{
  char *dir = g_build_filename (g_getenv ("CURB_BUILD_ROOT"), "tests", "hardware", "printer-samples", NULL);

  g_mkdir_with_parents (dir, 0755);
  return dir;
}

/* cairo's toy fonts keep fontconfig caches for the life of the process;
 * free them so leak checkers see only our own leaks. */
void
pt_release_fonts (void)
{
  cairo_debug_reset_static_data ();
  FcFini ();
}

/* For programs the tests spawn: fontconfig's caches are not our leaks. */
const char *
pt_lsan_suppressions (void)
{
  static char *path;

  if (path == NULL)
    path = g_build_filename (g_getenv ("CURB_SOURCE_ROOT"), "tests", "hardware", "lsan-fontconfig.supp", NULL);
  return path;
}

/* GSubprocessLauncher child setup: a failing test leaves no process behind. */
void
pt_die_with_parent (gpointer data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}
