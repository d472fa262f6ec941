#include <string.h>

#include "curb-label.h"
#include "curb-receipt.h"
#include "printer-test-support.h"

typedef struct
{
  const char *template;
  const char *profile;
  const char *lang;
  guint       bag;
} Case;

static GBytes *
encode (const Case               *c,
        const CurbPrinterProfile *profile,
        CurbOrder                *order)
{
  g_autoptr(GError) error = NULL;
  GBytes *bytes;

  if (g_str_equal (c->template, "receipt"))
    bytes = curb_receipt_encode_pickup (profile, &pt_context, order, c->lang, &error);
  else if (g_str_equal (c->template, "ticket"))
    bytes = curb_receipt_encode_ticket (profile, &pt_context, order, c->lang, &error);
  else
    bytes = curb_label_encode_bag (profile, order, c->bag, c->lang, &error);
  g_assert_no_error (error);
  return bytes;
}

static char *
expected_qr (const Case           *c,
             CurbOrder *order)
{
  if (g_str_equal (c->template, "receipt"))
    return curb_receipt_url (&pt_context, order);
  if (g_str_equal (c->template, "label"))
    return curb_label_bag_code (curb_order_get_ref (order), c->bag, curb_order_get_bag_count (order));
  return NULL;
}

static void
save_sample (CurbRenderedPage *page,
             const Case       *c)
{
  g_autofree char *dir = pt_sample_dir ();
  g_autofree char *name = g_strdup_printf ("%s%s%.0u-%s-%s.png", c->template, c->bag > 0 ? "-bag" : "",
                                           c->bag, c->profile, c->lang);
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr(GError) error = NULL;

  g_assert_true (curb_rendered_page_write_png (page, path, &error));
}

static void
assert_text (const Case       *c,
             CurbRenderedPage *page,
             const char       *person)
{
  g_assert_nonnull (strstr (page->text, "A7K3Q9"));
  if (!g_str_equal (c->template, "receipt"))
    g_assert_nonnull (strstr (page->text, person));
  if (g_str_equal (c->template, "receipt"))
    g_assert_nonnull (strstr (page->text, g_str_equal (c->lang, "es") ? "Pedido" : "Order"));
  if (g_str_equal (c->template, "ticket"))
    g_assert_nonnull (strstr (page->text, g_str_equal (c->lang, "es") ? "ya vamos" : "on our way"));
  if (g_str_equal (c->template, "label"))
    g_assert_nonnull (strstr (page->text, "C-2-14"));
  if (!g_str_equal (c->template, "ticket"))
    g_assert_nonnull (strstr (page->text, "lex K."));
}

/* One page per job, at the paper's width, and its QR code scans back to
 * exactly what was encoded. */
static void
test_render (gconstpointer data)
{
  const Case *c = data;
  const CurbPrinterProfile *profile = curb_printer_profile_lookup (c->profile);
  g_autoptr(CurbOrder) order = pt_load_sample_order ();
  g_autoptr(GBytes) bytes = encode (c, profile, order);
  g_autoptr(GPtrArray) pages = pt_render (profile, bytes);
  g_autofree char *want = expected_qr (c, order);
  g_auto(GStrv) codes = NULL;
  CurbRenderedPage *page;
  gboolean ascii = profile->code_page == CURB_CODE_PAGE_ASCII;

  g_assert_cmpuint (pages->len, ==, 1);
  page = g_ptr_array_index (pages, 0);
  g_assert_cmpint (cairo_image_surface_get_width (page->surface), ==, profile->dots);
  codes = pt_decode_qr (page->surface);
  if (want == NULL)
    g_assert_cmpuint (g_strv_length (codes), ==, 0);
  else
    {
      g_assert_cmpuint (g_strv_length (codes), ==, 1);
      g_assert_cmpstr (codes[0], ==, want);
    }
  assert_text (c, page, ascii ? "Jose N." : "Jos\xc3\xa9 N.");
  save_sample (page, c);
}

static void
assert_structure (const char *name,
                  const Case *c)
{
  const CurbPrinterProfile *profile = curb_printer_profile_lookup (c->profile);
  g_autoptr(CurbOrder) order = pt_load_sample_order ();
  g_autoptr(GBytes) bytes = encode (c, profile, order);
  g_autoptr(GPtrArray) pages = pt_render (profile, bytes);
  CurbRenderedPage *page = g_ptr_array_index (pages, 0);
  g_autofree char *text = g_strdup_printf ("size %dx%d\n%s", cairo_image_surface_get_width (page->surface),
                                           cairo_image_surface_get_height (page->surface), page->text);

  pt_assert_golden_text (name, text);
}

/* Golden: the paper's size and every line as the printer would print it. */
static void
test_structure_golden (void)
{
  const Case receipt = { "receipt", "generic-80", "es", 0 };
  const Case receipt58 = { "receipt", "xprinter-58", "en", 0 };
  const Case label = { "label", "generic-58", "es", 3 };
  const Case ticket = { "ticket", "ascii-80", "es", 0 };

  assert_structure ("receipt-generic-80-es.txt", &receipt);
  assert_structure ("receipt-xprinter-58-en.txt", &receipt58);
  assert_structure ("label-generic-58-es.txt", &label);
  assert_structure ("ticket-ascii-80-es.txt", &ticket);
}

/* A long unbroken word wraps at the paper's edge instead of running off. */
static void
test_lines_fit (void)
{
  const CurbPrinterProfile *profile = curb_printer_profile_lookup ("generic-58");
  g_autoptr(GError) error = NULL;
  g_autoptr(CurbOrder) order = curb_order_codec_decode_string (
    "{\"ref\":\"LONG-1\",\"first_name\":\"Maximiliano\",\"last_initial\":\"Z\",\"lines\":[{\"id\":\"L1\","
    "\"name\":\"Supercalifragilisticexpialidocious-extra-long-product-name with more words after it\","
    "\"qty\":1}]}", &error);
  g_autoptr(GBytes) bytes = curb_receipt_encode_pickup (profile, &pt_context, order, "en", &error);
  g_autoptr(GPtrArray) pages = pt_render (profile, bytes);
  CurbRenderedPage *page = g_ptr_array_index (pages, 0);
  g_auto(GStrv) lines = g_strsplit (page->text, "\n", -1);

  g_assert_no_error (error);
  for (guint i = 0; lines[i] != NULL; i++)
    if (!g_str_has_prefix (lines[i], "[QR"))
      g_assert_cmpint (g_utf8_strlen (lines[i], -1), <=, profile->columns);
}

static void
render_bytes (const guint8 *data,
              gsize         len)
{
  const CurbPrinterProfile *profile = curb_printer_profile_lookup ("generic-58");
  g_autoptr(CurbVirtualPrinterRenderer) renderer = curb_virtual_printer_renderer_new (profile);
  g_autoptr(GPtrArray) pages = NULL;

  curb_virtual_printer_renderer_feed (renderer, data, len);
  curb_virtual_printer_renderer_finish (renderer);
  pages = curb_virtual_printer_renderer_take_pages (renderer);
  for (guint i = 0; i < pages->len; i++)
    {
      CurbRenderedPage *page = g_ptr_array_index (pages, i);
      g_assert_cmpint (cairo_image_surface_get_width (page->surface), ==, 384);
      g_assert_true (g_utf8_validate (page->text, -1, NULL));
    }
}

/* The virtual printer reads whatever a client sends: random bytes, every
 * truncation of a real job, absurd sizes. It must draw what it can and
 * never crash or allocate without bound. */
static void
test_hostile_input (void)
{
  static const guint8 absurd[] = {
    0x1d, 'v', '0', 0, 0xff, 0xff, 0xff, 0xff,           /* 65535×65535 raster: skipped */
    0x1d, '!', 0x77, 'W', '\n',                          /* 8×8 characters */
    0x1d, '(', 'k', 3, 0, 49, 67, 16,                     /* QR module 16 */
    0x1d, '(', 'k', 3, 0, 49, 81, 48,                     /* print with nothing stored */
    0x1b, 't', 200, 0x80, 0xff, '\n',                    /* unknown code page */
    0x10, 0x04, 9, 0x1b, 0x1d, 0x10,                      /* bad status query, dangling prefixes */
  };
  const CurbPrinterProfile *profile = curb_printer_profile_lookup ("generic-58");
  g_autoptr(CurbOrder) order = pt_load_sample_order ();
  g_autoptr(GBytes) receipt = curb_receipt_encode_pickup (profile, &pt_context, order, "en", NULL);
  gsize len = 0;
  const guint8 *data = g_bytes_get_data (receipt, &len);
  guint8 noise[2048];

  render_bytes (absurd, sizeof absurd);
  for (gsize cut = 1; cut < len; cut += 37)
    render_bytes (data, cut);
  for (guint round = 0; round < 200; round++)
    {
      for (guint i = 0; i < sizeof noise; i++)
        noise[i] = (guint8) g_test_rand_int_range (0, 256);
      render_bytes (noise, sizeof noise);
    }
}

static const char *templates[] = { "receipt", "ticket", "label" };
static const char *profiles[] = { "generic-80", "generic-58", "epson-tm-t20ii", "epson-tm-t88v",
                                  "xprinter-58", "star-tsp100-escpos", "ascii-80" };
static const char *langs[] = { "en", "es" };

int
main (int argc, char **argv)
{
  int status;
  g_autoptr(GPtrArray) cases = g_ptr_array_new_with_free_func (g_free);

  pt_init_env ();
  g_test_init (&argc, &argv, NULL);
  for (guint t = 0; t < G_N_ELEMENTS (templates); t++)
    for (guint p = 0; p < G_N_ELEMENTS (profiles); p++)
      for (guint l = 0; l < G_N_ELEMENTS (langs); l++)
        for (guint bag = g_str_equal (templates[t], "label") ? 1 : 0;
             bag <= (g_str_equal (templates[t], "label") ? 4u : 0u); bag++)
          {
            Case *c = g_new0 (Case, 1);
            g_autofree char *path = NULL;

            *c = (Case) { templates[t], profiles[p], langs[l], bag };
            path = g_strdup_printf ("/printer/render/%s%s%.0u/%s/%s", c->template, bag > 0 ? "-bag" : "",
                                    bag, c->profile, c->lang);
            g_ptr_array_add (cases, c);
            g_test_add_data_func (path, c, test_render);
          }
  g_test_add_func ("/printer/render/structure-golden", test_structure_golden);
  g_test_add_func ("/printer/render/lines-fit", test_lines_fit);
  g_test_add_func ("/printer/render/hostile-input", test_hostile_input);
  status = g_test_run ();
  pt_release_fonts ();
  return status;
}
