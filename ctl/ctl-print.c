#include "ctl-commands.h"
#include "curb-label.h"
#include "curb-order-codec.h"
#include "curb-printer.h"
#include "curb-printer-logo.h"
#include "curb-printer-messages.h"
#include "curb-receipt.h"
#include "curb-receipt-l10n.h"
#include "curb-virtual-printer-renderer.h"
#include "curb-printer-uri.h"

static const char sample_order[] =
  "{\"ref\":\"A7K3Q9\",\"store_id\":\"store-001\",\"first_name\":\"José\",\"last_initial\":\"N\","
  "\"language\":\"es\",\"state\":\"partially_handed_over\",\"bay\":\"3\","
  "\"arrived_at\":\"2026-11-27T15:04:00.000Z\",\"handed_over_at\":\"2026-11-27T15:09:30.000Z\","
  "\"claimed_by\":{\"id\":\"st-7\",\"first_name\":\"Begoña\"},"
  "\"locations\":[{\"zone\":\"C\",\"shelf\":\"2\",\"bin\":\"14\"}],"
  "\"bags\":{\"ambient\":2,\"chilled\":1,\"frozen\":1},"
  "\"lines\":["
  "{\"id\":\"L1\",\"sku\":\"GRO-EGGS-12\",\"name\":\"Free Range Eggs (12)\",\"qty\":2,\"temperature\":\"chilled\"},"
  "{\"id\":\"L2\",\"sku\":\"DRK-OAT-1L\",\"name\":\"Oat milk 1 L\",\"qty\":1,\"temperature\":\"chilled\"},"
  "{\"id\":\"L3\",\"sku\":\"BAK-CROIS-4\",\"name\":\"Croissants au beurre (4)\",\"qty\":1,\"temperature\":\"ambient\"},"
  "{\"id\":\"L4\",\"sku\":\"FRZ-PEAS-1K\",\"name\":\"Garden peas, frozen 1 kg\",\"qty\":1,\"temperature\":\"frozen\"},"
  "{\"id\":\"L5\",\"sku\":\"GRO-JALA-200\",\"name\":\"Jalapeño salsa 200 g\",\"qty\":3,\"temperature\":\"ambient\"}],"
  "\"substitutions\":[{\"id\":\"S1\",\"line_id\":\"L2\",\"original\":\"Oat milk 1 L\","
  "\"replacement\":\"Soy milk 1 L\",\"qty\":1,\"status\":\"approved\"}],"
  "\"not_taken\":[{\"line_id\":\"L5\",\"qty\":1,\"reason\":\"damaged\"}]}";

static GBytes *
encode_template (const char                *template,
                 const CurbPrinterProfile  *profile,
                 CurbOrder                 *order,
                 const char                *lang,
                 guint                      bag,
                 const CurbBitmap          *logo,
                 GError                   **error)
{
  CurbPrintContext context = {
    .store_name = "Curbside Market",
    .receipt_url = "https://shop.example.com/r/",
    .station = "kiosk 1",
    .logo = logo,
  };

  if (g_str_equal (template, "receipt"))
    return curb_receipt_encode_pickup (profile, &context, order, lang, error);
  if (g_str_equal (template, "ticket"))
    return curb_receipt_encode_ticket (profile, &context, order, lang, error);
  if (g_str_equal (template, "label"))
    return curb_label_encode_bag (profile, order, bag, lang, error);
  if (g_str_equal (template, "test"))
    return curb_receipt_encode_test_page (profile, context.station, lang);
  g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
               "Unknown template “%s” (receipt, ticket, label, test)", template);
  return NULL;
}

static CurbOrder *
load_order (const char  *path,
            GError     **error)
{
  g_autofree char *json = NULL;

  if (path == NULL)
    return curb_order_codec_decode_string (sample_order, error);
  if (!g_file_get_contents (path, &json, NULL, error))
    return NULL;
  return curb_order_codec_decode_string (json, error);
}

static void
warn_untranslated (const char *lang)
{
  if (lang == NULL || g_str_has_prefix (lang, "en")
      || curb_print_catalog_is_translated (curb_print_catalog_get (lang)))
    return;
  g_printerr ("print-preview: no “%s” translations in %s; printing English (set CURB_LOCALEDIR, "
              "e.g. to the build tree's po/ folder)\n", lang, curb_print_catalog_dir ());
}

static gboolean
render_png (const CurbPrinterProfile  *profile,
            GBytes                    *bytes,
            const char                *out,
            GError                   **error)
{
  g_autoptr(CurbVirtualPrinterRenderer) renderer = curb_virtual_printer_renderer_new (profile);
  g_autoptr(GPtrArray) pages = NULL;
  gsize len = 0;
  const guint8 *data = g_bytes_get_data (bytes, &len);

  curb_virtual_printer_renderer_feed (renderer, data, len);
  curb_virtual_printer_renderer_finish (renderer);
  pages = curb_virtual_printer_renderer_take_pages (renderer);
  if (pages->len == 0)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED, "Nothing was printed");
      return FALSE;
    }
  return curb_rendered_page_write_png (g_ptr_array_index (pages, 0), out, error);
}

int
ctl_print_preview (int    argc,
                   char **argv)
{
  g_autofree char *template = NULL, *lang = NULL, *profile_name = NULL, *out = NULL;
  g_autofree char *order_path = NULL, *bin_out = NULL, *logo_path = NULL;
  g_autoptr(CurbBitmap) logo = NULL;
  int bag = 1;
  GOptionEntry entries[] = {
    { "template", 't', 0, G_OPTION_ARG_STRING, &template, "receipt, ticket, label or test", "NAME" },
    { "lang", 'l', 0, G_OPTION_ARG_STRING, &lang, "Language (en, es); default: the order's", "LANG" },
    { "profile", 'p', 0, G_OPTION_ARG_STRING, &profile_name, "Printer profile (generic-80, generic-58, …)", "NAME" },
    { "order", 0, 0, G_OPTION_ARG_FILENAME, &order_path, "Order JSON (default: a built-in sample)", "FILE" },
    { "bag", 0, 0, G_OPTION_ARG_INT, &bag, "Bag number for labels (default 1)", "N" },
    { "out", 'o', 0, G_OPTION_ARG_FILENAME, &out, "PNG to write", "FILE" },
    { "logo", 0, 0, G_OPTION_ARG_FILENAME, &logo_path, "Store logo (PNG or PGM) for receipts", "FILE" },
    { "escpos-out", 0, 0, G_OPTION_ARG_FILENAME, &bin_out, "Also write the ESC/POS bytes", "FILE" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("- render a receipt, ticket or label to PNG");
  g_autoptr(GError) error = NULL;
  g_autoptr(CurbOrder) order = NULL;
  g_autoptr(GBytes) bytes = NULL;
  const CurbPrinterProfile *profile;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) || template == NULL || out == NULL)
    {
      g_printerr ("print-preview: %s\n", error != NULL ? error->message : "--template and --out are required");
      return 2;
    }
  profile = profile_name != NULL ? curb_printer_profile_lookup (profile_name) : curb_printer_profile_default ();
  if (profile == NULL)
    {
      g_printerr ("print-preview: unknown profile “%s”\n", profile_name);
      return 2;
    }
  if ((order = load_order (order_path, &error)) != NULL)
    warn_untranslated (lang != NULL ? lang : curb_order_get_language (order));
  if (order == NULL
      || (logo_path != NULL && (logo = curb_printer_logo_load (logo_path, profile->dots, &error)) == NULL)
      || (bytes = encode_template (template, profile, order, lang, (guint) MAX (bag, 0), logo, &error)) == NULL
      || (bin_out != NULL && !g_file_set_contents (bin_out, g_bytes_get_data (bytes, NULL),
                                                   (gssize) g_bytes_get_size (bytes), &error))
      || !render_png (profile, bytes, out, &error))
    {
      g_printerr ("print-preview: %s\n", error->message);
      return 1;
    }
  g_print ("%s: %s, %s, %zu bytes of ESC/POS\n", out, template, profile->name, g_bytes_get_size (bytes));
  return 0;
}

static void
report_status (const char        *when,
               CurbPrinterStatus  status,
               const char        *station)
{
  g_autofree char *flags = curb_printer_status_to_string (status);
  g_autofree char *words = curb_printer_staff_message (status, CURB_PRINTER_ROLE_RECEIPT, station, NULL);

  g_print ("%s: %s%s%s\n", when, flags, words != NULL ? " — " : "", words != NULL ? words : "");
}

static gboolean
send_test_page (CurbPrinter               *printer,
                const CurbPrinterProfile  *profile,
                const char                *station,
                GError                   **error)
{
  g_autoptr(GBytes) page = curb_receipt_encode_test_page (profile, station, NULL);
  g_autoptr(CurbEscpos) escpos = curb_escpos_new (profile);
  g_autoptr(GBytes) bytes = NULL;

  curb_escpos_raw (escpos, g_bytes_get_data (page, NULL), g_bytes_get_size (page));
  curb_escpos_process_id (escpos, "0000");
  bytes = curb_escpos_get_bytes (escpos);
  if (!curb_printer_write_all (printer, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), error))
    return FALSE;
  if (profile->process_id && curb_printer_can_read (printer)
      && !curb_printer_wait_process_id (printer, "0000", 10000, error))
    return FALSE;
  return TRUE;
}

static int
print_test_run (const char               *uri,
                const CurbPrinterProfile *profile,
                const char               *station)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CurbPrinter) printer = curb_printer_create (uri, &error);
  CurbPrinterStatus status = CURB_PRINTER_STATUS_OK;

  if (printer == NULL || !curb_printer_open (printer, &error))
    {
      g_print ("The printer at %s cannot be reached: %s\n", uri, error->message);
      return 1;
    }
  if (!curb_printer_can_read (printer))
    g_print ("This connection cannot report the printer's status (no back channel).\n");
  if (!curb_printer_query_status (printer, CURB_PRINTER_STATUS_TIMEOUT_MS, &status, &error))
    {
      g_print ("The printer does not answer status queries: %s\n", error->message);
      return 1;
    }
  report_status ("Before printing", status, station);
  if (status & CURB_PRINTER_STATUS_BLOCKING)
    return 1;
  if (!send_test_page (printer, profile, station, &error)
      || !curb_printer_query_status (printer, CURB_PRINTER_STATUS_TIMEOUT_MS, &status, &error))
    {
      g_print ("The test page did not print: %s\n", error->message);
      return 1;
    }
  report_status ("After printing", status, station);
  g_print ("%s\n", status & CURB_PRINTER_STATUS_BLOCKING ? "The test page may be incomplete."
                                                         : "Test page printed.");
  return status & CURB_PRINTER_STATUS_BLOCKING ? 1 : 0;
}

int
ctl_print_test (int    argc,
                char **argv)
{
  g_autofree char *uri = NULL, *profile_name = NULL, *station = NULL;
  GOptionEntry entries[] = {
    { "printer", 0, 0, G_OPTION_ARG_STRING, &uri,
      "tcp://HOST:PORT, usb:/dev/usb/lp0, serial:/dev/ttyUSB0?baud=19200, file:/path", "URI" },
    { "profile", 'p', 0, G_OPTION_ARG_STRING, &profile_name, "Printer profile (default generic-80)", "NAME" },
    { "station", 0, 0, G_OPTION_ARG_STRING, &station, "Station name for messages (default “this station”)", "NAME" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("- print a test page and report the printer's status");
  g_autoptr(GError) error = NULL;
  const CurbPrinterProfile *profile;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) || uri == NULL)
    {
      g_printerr ("print-test: %s\n", error != NULL ? error->message : "--printer is required");
      return 2;
    }
  profile = profile_name != NULL ? curb_printer_profile_lookup (profile_name) : curb_printer_profile_default ();
  if (profile == NULL)
    {
      g_printerr ("print-test: unknown profile “%s”\n", profile_name);
      return 2;
    }
  return print_test_run (uri, profile, station != NULL ? station : "this station");
}
