#include <string.h>

#include "curb-error.h"
#include "curb-escpos.h"
#include "curb-label.h"
#include "curb-order-codec.h"
#include "curb-receipt.h"
#include "curb-receipt-l10n.h"
#include "curb-test-helpers.h"

#define JOSE "Jos\xc3\xa9 N\xc3\xba\xc3\xb1" "ez"

static const CurbPrintContext context = {
  .store_name = "Curbside Market",
  .receipt_url = "https://shop.example.com/r/",
  .station = "kiosk 1",
  .now_ms = 1795791000000,
};

static char *
golden_path (const char *name)
{
  return g_build_filename (g_getenv ("CURB_SOURCE_ROOT"), "tests", "golden", name, NULL);
}

static CurbOrder *
load_sample_order (void)
{
  g_autofree char *path = golden_path ("order-sample.json");
  g_autofree char *json = NULL;
  g_autoptr(GError) error = NULL;
  CurbOrder *order;

  g_assert_true (g_file_get_contents (path, &json, NULL, &error));
  order = curb_order_codec_decode_string (json, &error);
  g_assert_no_error (error);
  return order;
}

/* Compares with tests/golden/@name; CURB_UPDATE_GOLDEN=1 rewrites it. */
static void
assert_golden (const char *name,
               GBytes     *bytes)
{
  g_autofree char *path = golden_path (name);
  g_autofree char *expected = NULL;
  gsize expected_len = 0;
  g_autoptr(GError) error = NULL;

  if (g_getenv ("CURB_UPDATE_GOLDEN") != NULL)
    {
      g_assert_true (g_file_set_contents (path, g_bytes_get_data (bytes, NULL),
                                          (gssize) g_bytes_get_size (bytes), &error));
      return;
    }
  g_assert_true (g_file_get_contents (path, &expected, &expected_len, &error));
  g_assert_no_error (error);
  g_assert_cmpmem (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), expected, expected_len);
}

static void
assert_encodes (CurbCodePage  page,
                const char   *utf8,
                const char   *expected)
{
  g_autoptr(GBytes) bytes = curb_code_page_encode (page, utf8);

  g_assert_cmpmem (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), expected, strlen (expected));
}

static void
test_jose_nunez (void)
{
  assert_encodes (CURB_CODE_PAGE_CP437, JOSE, "Jos\x82 N\xa3\xa4" "ez");
  assert_encodes (CURB_CODE_PAGE_CP858, JOSE, "Jos\x82 N\xa3\xa4" "ez");
  assert_encodes (CURB_CODE_PAGE_CP1252, JOSE, "Jos\xe9 N\xfa\xf1" "ez");
  assert_encodes (CURB_CODE_PAGE_ASCII, JOSE, "Jose Nunez");

  for (guint page = CURB_CODE_PAGE_CP437; page <= CURB_CODE_PAGE_CP1252; page++)
    {
      g_autofree char *back = curb_code_page_fit (page, JOSE);
      g_assert_cmpstr (back, ==, JOSE);
    }
}

static void
test_transliteration (void)
{
  g_autofree char *ascii = curb_transliterate_ascii ("\xc5\x81\xc3\xb3" "d\xc5\xba \xe2\x80\x94 \xe2\x80\x9cok\xe2\x80\x9d 5 \xe2\x82\xac Stra\xc3\x9f" "e");
  g_autofree char *cp437 = curb_code_page_fit (CURB_CODE_PAGE_CP437, "5 \xe2\x82\xac \xc5\x81\xc3\xb3" "d\xc5\xba");
  g_autofree char *cp858 = curb_code_page_fit (CURB_CODE_PAGE_CP858, "5 \xe2\x82\xac");
  g_autofree char *cjk = curb_transliterate_ascii ("\xe5\xaf\xbf\xe5\x8f\xb8");

  g_assert_cmpstr (ascii, ==, "Lodz - \"ok\" 5 EUR Strasse");
  g_assert_cmpstr (cp437, ==, "5 EUR L\xc3\xb3" "dz");
  g_assert_cmpstr (cp858, ==, "5 \xe2\x82\xac");
  g_assert_cmpstr (cjk, ==, "??");
}

static void
test_no_command_injection (void)
{
  g_autoptr(CurbEscpos) escpos = curb_escpos_new (curb_printer_profile_lookup ("generic-80"));
  g_autoptr(GBytes) bytes = NULL;

  curb_escpos_text (escpos, "a\x1b@b\x1dV\x10\x04" "c");
  bytes = curb_escpos_get_bytes (escpos);
  g_assert_cmpmem (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), "a @b V  c", 9);
}

static void
test_builder_commands (void)
{
  g_autoptr(CurbEscpos) escpos = curb_escpos_new (curb_printer_profile_lookup ("generic-80"));
  g_autoptr(GBytes) bytes = NULL;
  static const guint8 expected[] = {
    0x1b, '@', 0x1b, 't', 19,
    0x1b, 'a', 1,
    0x1b, 'E', 1, 0x1b, '-', 1, 0x1d, 'B', 0, 0x1d, '!', 0x11,
    'H', 'i', '\n',
    0x1b, 'd', 2,
    0x1d, 'V', 66, 3,
    0x1d, '(', 'H', 6, 0, 48, 48, '0', '0', '4', '2',
  };

  curb_escpos_initialize (escpos);
  curb_escpos_set_align (escpos, CURB_ESCPOS_ALIGN_CENTER);
  curb_escpos_set_style (escpos, CURB_ESCPOS_STYLE_BOLD | CURB_ESCPOS_STYLE_UNDERLINE | CURB_ESCPOS_STYLE_DOUBLE);
  g_assert_cmpuint (curb_escpos_get_columns (escpos), ==, 24);
  curb_escpos_line (escpos, "Hi");
  curb_escpos_feed (escpos, 2);
  curb_escpos_cut (escpos);
  curb_escpos_process_id (escpos, "0042");
  bytes = curb_escpos_get_bytes (escpos);
  g_assert_cmpmem (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), expected, sizeof expected);
}

static void
test_qr_native (void)
{
  g_autoptr(CurbEscpos) escpos = curb_escpos_new (curb_printer_profile_lookup ("generic-58"));
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  static const guint8 expected[] = {
    0x1d, '(', 'k', 4, 0, 49, 65, 50, 0,
    0x1d, '(', 'k', 3, 0, 49, 67, 6,
    0x1d, '(', 'k', 3, 0, 49, 69, 49,
    0x1d, '(', 'k', 6, 0, 49, 80, 48, 'A', 'B', 'C',
    0x1d, '(', 'k', 3, 0, 49, 81, 48,
    '\n',
  };

  g_assert_true (curb_escpos_qr (escpos, "ABC", 6, CURB_ESCPOS_QR_LEVEL_M, &error));
  g_assert_no_error (error);
  bytes = curb_escpos_get_bytes (escpos);
  g_assert_cmpmem (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), expected, sizeof expected);
}

static void
test_qr_raster_fallback (void)
{
  const CurbPrinterProfile *profile = curb_printer_profile_lookup ("xprinter-58");
  g_autoptr(CurbEscpos) escpos = curb_escpos_new (profile);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(CurbBitmap) qr = curb_bitmap_new_qr ("CB1:A7K3Q9:1/3", 5, 1, &error);
  const guint8 *data;
  gsize len;

  g_assert_false (profile->native_qr);
  g_assert_true (curb_escpos_qr (escpos, "CB1:A7K3Q9:1/3", 5, CURB_ESCPOS_QR_LEVEL_M, &error));
  bytes = curb_escpos_get_bytes (escpos);
  data = g_bytes_get_data (bytes, &len);
  g_assert_cmpuint (data[0], ==, 0x1d);
  g_assert_cmpuint (data[1], ==, 'v');
  g_assert_cmpuint (data[4] | (data[5] << 8), ==, qr->stride);
  g_assert_cmpuint (data[6] | (data[7] << 8), ==, MIN (qr->height, 128));
  g_assert_null (memmem (data, len, "\x1d(k", 3));
  g_assert_cmpuint (len, ==, qr->stride * qr->height + 8 * ((qr->height + 127) / 128) + 1);
}

static void
test_qr_refused (void)
{
  g_autoptr(CurbEscpos) escpos = curb_escpos_new (curb_printer_profile_default ());
  g_autofree char *huge = g_strnfill (CURB_ESCPOS_QR_MAX_PAYLOAD + 1, 'x');
  g_autoptr(GError) error = NULL;

  g_assert_false (curb_escpos_qr (escpos, huge, 4, CURB_ESCPOS_QR_LEVEL_L, &error));
  g_assert_error (error, CURB_ERROR, CURB_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (curb_escpos_qr (escpos, "", 4, CURB_ESCPOS_QR_LEVEL_L, &error));
  g_assert_error (error, CURB_ERROR, CURB_ERROR_INVALID);
  g_assert_cmpuint (curb_escpos_get_size (escpos), ==, 0);
}

static void
test_status_round_trip (void)
{
  struct { CurbPrinterStatus set, seen; } cases[] = {
    { CURB_PRINTER_STATUS_OK, CURB_PRINTER_STATUS_OK },
    { CURB_PRINTER_STATUS_PAPER_NEAR_END, CURB_PRINTER_STATUS_PAPER_NEAR_END },
    { CURB_PRINTER_STATUS_PAPER_OUT,
      CURB_PRINTER_STATUS_PAPER_OUT | CURB_PRINTER_STATUS_PAPER_NEAR_END | CURB_PRINTER_STATUS_OFFLINE },
    { CURB_PRINTER_STATUS_COVER_OPEN, CURB_PRINTER_STATUS_COVER_OPEN | CURB_PRINTER_STATUS_OFFLINE },
    { CURB_PRINTER_STATUS_OFFLINE, CURB_PRINTER_STATUS_OFFLINE },
    { CURB_PRINTER_STATUS_ERROR, CURB_PRINTER_STATUS_ERROR | CURB_PRINTER_STATUS_OFFLINE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      CurbPrinterStatus seen = CURB_PRINTER_STATUS_OK;

      for (guint query = 1; query <= 4; query++)
        {
          guint8 byte = curb_escpos_status_encode (query, cases[i].set);
          g_assert_true (curb_escpos_status_byte_valid (byte));
          seen |= curb_escpos_status_parse (query, byte);
        }
      g_assert_cmphex (seen, ==, cases[i].seen);
    }
  /* Epson's documented answers: 0x12 = all clear, 0x72 = paper end. */
  g_assert_cmphex (curb_escpos_status_parse (4, 0x12), ==, CURB_PRINTER_STATUS_OK);
  g_assert_cmphex (curb_escpos_status_parse (4, 0x7e), ==,
                   CURB_PRINTER_STATUS_PAPER_OUT | CURB_PRINTER_STATUS_PAPER_NEAR_END);
  g_assert_cmphex (curb_escpos_status_parse (2, 0x16), ==, CURB_PRINTER_STATUS_COVER_OPEN);
  g_assert_cmphex (curb_escpos_status_parse (1, 0xff), ==, CURB_PRINTER_STATUS_ERROR);
}

static void
test_profiles (void)
{
  const CurbPrinterProfile *p80 = curb_printer_profile_lookup ("generic-80");
  const CurbPrinterProfile *p58 = curb_printer_profile_lookup ("generic-58");
  const CurbPrinterProfile **all;
  guint n = 0;

  g_assert_cmpuint (p80->dots, ==, 576);
  g_assert_cmpuint (p80->columns, ==, 48);
  g_assert_cmpuint (p58->dots, ==, 384);
  g_assert_cmpuint (p58->columns, ==, 32);
  g_assert_false (curb_printer_profile_lookup ("xprinter-58")->native_qr);
  g_assert_null (curb_printer_profile_lookup ("no-such-printer"));
  g_assert_null (curb_printer_profile_lookup (NULL));
  all = curb_printer_profile_list (&n);
  g_assert_cmpuint (n, >=, 6);
  for (guint i = 0; i < n; i++)
    {
      g_assert_true (curb_printer_profile_lookup (all[i]->name) == all[i]);
      g_assert_cmpuint (all[i]->columns * 12, <=, all[i]->dots);
      g_assert_true (curb_printer_profile_has_code_page (all[i], all[i]->code_page));
    }
  g_assert_null (all[n]);
}

static void
test_bag_code (void)
{
  g_autofree char *code = curb_label_bag_code ("A7K3Q9", 2, 3);
  g_autofree char *ref = NULL;
  guint n = 0, total = 0;
  const char *bad[] = { "CB1:A7K3Q9:0/3", "CB1:A7K3Q9:4/3", "CB1::1/1", "CB2:A7K3Q9:1/3",
                        "CB1:a7k3q9:1/3", "CB1:A7K3Q9:1/", "CB1:A7K3Q9:1/3x", "CB1:A7K3Q9:100/100",
                        "CB1:A7K3Q9", "" };

  g_assert_cmpstr (code, ==, "CB1:A7K3Q9:2/3");
  g_assert_true (curb_label_parse_bag_code (code, &ref, &n, &total));
  g_assert_cmpstr (ref, ==, "A7K3Q9");
  g_assert_cmpuint (n, ==, 2);
  g_assert_cmpuint (total, ==, 3);
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    g_assert_false (curb_label_parse_bag_code (bad[i], NULL, NULL, NULL));
}

static void
test_order_json (void)
{
  g_autoptr(CurbOrder) order = load_sample_order ();
  g_autoptr(GError) error = NULL;
  const char *bad[] = { "[]", "{\"ref\": \"lower\"}", "{}", "{\"ref\": 5}", "not json" };
  CurbTemperature temperature;
  g_autofree char *location = curb_order_dup_locations_text (order);

  g_assert_cmpstr (curb_order_get_ref (order), ==, "A7K3Q9");
  g_assert_cmpstr (curb_person_get_first_name (curb_order_get_claimer (order)), ==, "Bego\xc3\xb1" "a");
  g_assert_cmpstr (location, ==, "C-2-14");
  g_assert_cmpuint (curb_order_get_bag_count (order), ==, 4);
  g_assert_cmpuint (g_list_model_get_n_items (curb_order_get_lines (order)), ==, 5);
  g_assert_cmpuint (curb_order_get_not_taken_qty (order, "L5"), ==, 1);
  g_assert_true (curb_label_bag_temperature (order, 3, &temperature));
  g_assert_cmpint (temperature, ==, CURB_TEMPERATURE_CHILLED);
  g_assert_true (curb_label_bag_temperature (order, 4, &temperature));
  g_assert_cmpint (temperature, ==, CURB_TEMPERATURE_FROZEN);
  g_assert_false (curb_label_bag_temperature (order, 5, &temperature));
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(CurbOrder) broken = curb_order_codec_decode_string (bad[i], &error);
      g_assert_null (broken);
      g_assert_error (error, CURB_ERROR, CURB_ERROR_INVALID);
      g_clear_error (&error);
    }
}

/* Malformed numbers are refused with the field named (never printed
 * clamped); control characters in names never reach the printer. */
static void
test_hostile_order (void)
{
  const char *json = "{\"ref\":\"X1\",\"first_name\":\"\\u001b@\\u001dV\",\"bags\":{\"ambient\":99},"
                     "\"lines\":[{\"id\":\"L1\",\"name\":\"\\u001dV0\",\"qty\":9999}]}";
  const char *bad_qty = "{\"ref\":\"X1\",\"lines\":[{\"id\":\"L1\",\"name\":\"x\",\"qty\":-5}]}";
  const char *too_many_bags = "{\"ref\":\"X1\",\"bags\":{\"ambient\":100000}}";
  g_autoptr(GError) error = NULL;
  g_autoptr(CurbOrder) order = curb_order_codec_decode_string (json, &error);
  g_autoptr(CurbOrder) refused = NULL;
  g_autoptr(GBytes) receipt = NULL;
  g_autoptr(GPtrArray) labels = NULL;

  g_assert_no_error (error);
  receipt = curb_receipt_encode_pickup (curb_printer_profile_default (), &context, order, "en", &error);
  g_assert_no_error (error);
  /* The control characters from the JSON never reach the printer. */
  g_assert_null (memmem (g_bytes_get_data (receipt, NULL), g_bytes_get_size (receipt), "\x1b@\x1dV", 4));
  labels = curb_label_encode_all_bags (curb_printer_profile_default (), order, "en", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (labels->len, ==, 99);
  refused = curb_order_codec_decode_string (bad_qty, &error);
  g_assert_null (refused);
  g_assert_error (error, CURB_ERROR, CURB_ERROR_INVALID);
  g_assert_cmpstr (error->message, ==, "Order field lines[0].qty is out of range");
  g_clear_error (&error);
  refused = curb_order_codec_decode_string (too_many_bags, &error);
  g_assert_null (refused);
  g_assert_cmpstr (error->message, ==, "Order field bags.ambient is out of range");
}

static void
test_catalog (void)
{
  const CurbPrintCatalog *es = curb_print_catalog_get ("es_MX.UTF-8");
  const CurbPrintCatalog *en = curb_print_catalog_get (NULL);
  g_autoptr(GBytes) garbage = g_bytes_new_static ("\xde\x12\x04\x95\0\0\0\0\xff\xff\xff\xff", 12);
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) table = curb_print_catalog_parse_mo (garbage, &error);

  g_assert_cmpstr (curb_print_catalog_lookup (es, "Order"), ==, "Pedido");
  g_assert_cmpstr (curb_print_catalog_lookup (es, "no such string"), ==, "no such string");
  g_assert_cmpstr (curb_print_catalog_lookup (en, "Order"), ==, "Order");
  g_assert_null (table);
  g_assert_error (error, CURB_ERROR, CURB_ERROR_INVALID);
}

typedef struct
{
  const char *template;
  const char *profile;
  const char *lang;
} Golden;

static void
test_golden (gconstpointer data)
{
  const Golden *golden = data;
  const CurbPrinterProfile *profile = curb_printer_profile_lookup (golden->profile);
  g_autoptr(CurbOrder) order = load_sample_order ();
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *name = g_strdup_printf ("%s-%s-%s.escpos", golden->template, golden->profile, golden->lang);

  if (g_str_equal (golden->template, "receipt"))
    bytes = curb_receipt_encode_pickup (profile, &context, order, golden->lang, &error);
  else if (g_str_equal (golden->template, "ticket"))
    bytes = curb_receipt_encode_ticket (profile, &context, order, golden->lang, &error);
  else
    bytes = curb_label_encode_bag (profile, order, 3, golden->lang, &error);
  g_assert_no_error (error);
  assert_golden (name, bytes);
}

static const Golden goldens[] = {
  { "receipt", "generic-80", "en" }, { "receipt", "generic-80", "es" },
  { "receipt", "generic-58", "es" }, { "receipt", "xprinter-58", "en" },
  { "ticket", "generic-80", "es" }, { "ticket", "generic-58", "en" },
  { "label", "generic-80", "en" }, { "label", "generic-58", "es" },
  { "label", "xprinter-58", "es" },
};

int
main (int argc, char **argv)
{
  g_autofree char *localedir = g_build_filename (g_getenv ("CURB_BUILD_ROOT"), "po", NULL);

  g_setenv ("TZ", "UTC", TRUE);
  g_setenv ("CURB_LOCALEDIR", localedir, TRUE);
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/escpos/code-page/jose-nunez", test_jose_nunez);
  g_test_add_func ("/escpos/code-page/transliteration", test_transliteration);
  g_test_add_func ("/escpos/text/no-command-injection", test_no_command_injection);
  g_test_add_func ("/escpos/builder/commands", test_builder_commands);
  g_test_add_func ("/escpos/qr/native", test_qr_native);
  g_test_add_func ("/escpos/qr/raster-fallback", test_qr_raster_fallback);
  g_test_add_func ("/escpos/qr/refused", test_qr_refused);
  g_test_add_func ("/escpos/status/round-trip", test_status_round_trip);
  g_test_add_func ("/escpos/profiles", test_profiles);
  g_test_add_func ("/escpos/label/bag-code", test_bag_code);
  g_test_add_func ("/escpos/order/json", test_order_json);
  g_test_add_func ("/escpos/order/hostile", test_hostile_order);
  g_test_add_func ("/escpos/l10n/catalog", test_catalog);
  for (guint i = 0; i < G_N_ELEMENTS (goldens); i++)
    {
      g_autofree char *path = g_strdup_printf ("/escpos/golden/%s-%s-%s", goldens[i].template,
                                               goldens[i].profile, goldens[i].lang);
      g_test_add_data_func (path, &goldens[i], test_golden);
    }
  return g_test_run ();
}
