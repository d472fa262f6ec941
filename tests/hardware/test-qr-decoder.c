#include <string.h>

#include "curb-hardware.h"
#include "curb-qr-decoder.h"
#include "curb-scanner-gate.h"
#include "curb-scanner-image.h"
#include "curb-test-helpers.h"
#include "scanner-test-util.h"
#include "bench-scan-common.h"

static GPtrArray *
decode_frame (GBytes      *frame,
              int          width,
              int          height,
              CurbQrPasses passes)
{
  g_autoptr(CurbQrDecoder) decoder = curb_qr_decoder_new ();
  CurbGrayImage image = { g_bytes_get_data (frame, NULL), width, height, width };

  return curb_qr_decoder_decode (decoder, &image, passes);
}

static void
assert_round_trip (const guint8 *payload,
                   gsize         length,
                   int           module_px,
                   gboolean      inverted)
{
  g_autoptr(GBytes) frame = scanner_test_qr_frame (payload, length, module_px, 1280, 720, inverted);
  g_autoptr(GPtrArray) codes = decode_frame (frame, 1280, 720, CURB_QR_PASSES_ALL);

  g_assert_cmpuint (codes->len, ==, 1);
  g_assert_true (scanner_test_bytes_equal (codes->pdata[0], payload, length));
}

static void
test_reads_generated_code (void)
{
  const char *token = "CP1.AH7_kGNWScRpepgyG26cqCIxUiGHRS1B5hYb3RaoiHQF";

  assert_round_trip ((const guint8 *) token, strlen (token), 6, FALSE);
}

static void
test_reads_inverted_code (void)
{
  const char *token = "CP1.dark-mode-phone";
  g_autoptr(GBytes) frame = scanner_test_qr_frame ((const guint8 *) token, strlen (token), 6, 640, 480, TRUE);
  g_autoptr(GPtrArray) plain = decode_frame (frame, 640, 480, CURB_QR_PASS_ZXING);
  g_autoptr(GPtrArray) retried = decode_frame (frame, 640, 480, CURB_QR_PASSES_FAST);

  g_assert_cmpuint (plain->len, ==, 0);
  g_assert_cmpuint (retried->len, ==, 1);
  g_assert_true (scanner_test_bytes_equal (retried->pdata[0], (const guint8 *) token, strlen (token)));
}

#define LC_DARK  116
#define LC_LIGHT 130
#define LC_NOISE 4

/* A code of 14 grey levels under sensor noise, in a scene that also holds
 * black and white (so a global stretch gains nothing): only the normalised
 * pass reads it. */
static void
test_reads_low_contrast_code (void)
{
  const char *token = "CP1.AH7_kGNWScRpepgyG26cqCIxUiGHRS1B5hYb3RaoiHQF.low-contrast";
  g_autoptr(GBytes) code = scanner_test_qr_frame ((const guint8 *) token, strlen (token), 4, 1280, 720, FALSE);
  const guint8 *pixels = g_bytes_get_data (code, NULL);
  g_autofree guint8 *dim = g_malloc (1280 * 720);
  g_autoptr(GBytes) frame = NULL;
  g_autoptr(GPtrArray) without = NULL;
  g_autoptr(GPtrArray) with = NULL;
  guint32 noise = 1;

  /* soft edges, as through a lens, then noise */
  for (int y = 0; y < 720; y++)
    for (int x = 0; x < 1280; x++)
      {
        int sum = 0, value;

        for (int dy = -1; dy <= 1; dy++)
          for (int dx = -1; dx <= 1; dx++)
            sum += pixels[CLAMP (y + dy, 0, 719) * 1280 + CLAMP (x + dx, 0, 1279)] < 128 ? LC_DARK : LC_LIGHT;
        value = sum / 9;
        if (x < 120 && y < 120)
          value = 10;
        else if (x > 1160 && y > 600)
          value = 245;
        noise = noise * 1103515245u + 12345u;   /* the same noise every run */
        dim[y * 1280 + x] = (guint8) CLAMP (value + (int) ((noise >> 16) % (2 * LC_NOISE + 1)) - LC_NOISE, 0, 255);
      }
  frame = g_bytes_new_take (g_steal_pointer (&dim), 1280 * 720);
  without = decode_frame (frame, 1280, 720, CURB_QR_PASSES_ALL & ~CURB_QR_PASS_NORMALIZE);
  with = decode_frame (frame, 1280, 720, CURB_QR_PASS_NORMALIZE);
  g_assert_cmpuint (without->len, ==, 0);
  g_assert_cmpuint (with->len, ==, 1);
  g_assert_true (scanner_test_bytes_equal (with->pdata[0], (const guint8 *) token, strlen (token)));
}

static void
test_hostile_payloads_are_exact_bytes (void)
{
  const char markup[] = "<b>markup</b><span foreground=\"red\">&amp;</span>";
  const char control[] = "\x1b[31mRED\x07\r\n\t\x7f\x1b]0;title\x07";
  const guint8 binary[] = { 0x00, 0xff, 0xfe, 0x80, 0x00, 0xc3, 0x28, 0x01, 0x0a, 0x00 };
  g_autofree guint8 *big = g_malloc (2048);

  for (int i = 0; i < 2048; i++)
    big[i] = (guint8) g_test_rand_int_range (0, 256);
  assert_round_trip ((const guint8 *) markup, strlen (markup), 6, FALSE);
  assert_round_trip ((const guint8 *) control, strlen (control), 6, FALSE);
  assert_round_trip (binary, sizeof binary, 6, FALSE);
  assert_round_trip (big, 2048, 3, FALSE);
}

static void
test_empty_and_noise_read_nothing (void)
{
  g_autoptr(GBytes) empty = scanner_test_qr_frame (NULL, 0, 4, 640, 480, FALSE);
  g_autofree guint8 *noise = g_malloc (640 * 480);
  g_autoptr(GBytes) noisy = NULL;
  g_autoptr(GPtrArray) a = NULL;
  g_autoptr(GPtrArray) b = NULL;

  for (int i = 0; i < 640 * 480; i++)
    noise[i] = (guint8) g_test_rand_int_range (0, 256);
  noisy = g_bytes_new_take (g_steal_pointer (&noise), 640 * 480);
  a = decode_frame (empty, 640, 480, CURB_QR_PASSES_ALL);
  b = decode_frame (noisy, 640, 480, CURB_QR_PASSES_ALL);
  g_assert_cmpuint (a->len, ==, 0);
  g_assert_cmpuint (b->len, ==, 0);
}

static void
test_gate_sees_finder_patterns (void)
{
  const char *token = "CP1.gate";
  g_autoptr(GBytes) code = scanner_test_qr_frame ((const guint8 *) token, strlen (token), 4, 640, 480, FALSE);
  g_autoptr(GBytes) empty = scanner_test_qr_frame (NULL, 0, 4, 640, 480, FALSE);
  CurbGrayImage with = { g_bytes_get_data (code, NULL), 640, 480, 640 };
  CurbGrayImage without = { g_bytes_get_data (empty, NULL), 640, 480, 640 };
  g_autoptr(CurbScannerGate) gate = curb_scanner_gate_new (G_USEC_PER_SEC);

  g_assert_cmpuint (curb_scanner_finder_count (&with), >=, 3);
  g_assert_cmpuint (curb_scanner_finder_count (&without), ==, 0);
  /* Nothing code-like: one decode per interval; a code: every frame. */
  g_assert_true (curb_scanner_gate_should_decode (gate, &without, 0));
  g_assert_false (curb_scanner_gate_should_decode (gate, &without, 100000));
  g_assert_true (curb_scanner_gate_should_decode (gate, &with, 200000));
  g_assert_true (curb_scanner_gate_should_decode (gate, &with, 233000));
  g_assert_true (curb_scanner_gate_should_decode (gate, &without, 1300000));
  /* nothing code-like in view: the gate looks at most every 60 ms */
  g_assert_false (curb_scanner_gate_should_decode (gate, &without, 1400000));
  g_assert_false (curb_scanner_gate_should_decode (gate, &with, 1433000));
  g_assert_true (curb_scanner_gate_should_decode (gate, &with, 1466000));
}

static void
test_sharpness_tracks_focus (void)
{
  const char *token = "CP1.focus";
  g_autoptr(GBytes) sharp = scanner_test_qr_frame ((const guint8 *) token, strlen (token), 6, 640, 480, FALSE);
  g_autofree guint8 *blurred = g_memdup2 (g_bytes_get_data (sharp, NULL), 640 * 480);
  CurbGrayImage a = { g_bytes_get_data (sharp, NULL), 640, 480, 640 };
  CurbGrayImage b = { blurred, 640, 480, 640 };

  for (int pass = 0; pass < 3; pass++)
    for (int i = 640; i < 640 * 479; i++)
      blurred[i] = (guint8) ((blurred[i - 640] + blurred[i - 1] + 4 * blurred[i]
                              + blurred[i + 1] + blurred[i + 640]) / 8);
  g_assert_cmpfloat (curb_qr_decoder_sharpness (&a), >, 1.5 * curb_qr_decoder_sharpness (&b));
}

static void
test_passes_parse (void)
{
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (curb_qr_passes_parse ("zxing,zbar", NULL), ==, CURB_QR_PASS_ZXING | CURB_QR_PASS_ZBAR);
  g_assert_cmpint (curb_qr_passes_parse ("all", NULL), ==, CURB_QR_PASSES_ALL);
  g_assert_cmpint (curb_qr_passes_parse ("normalize", NULL), ==, CURB_QR_PASS_NORMALIZE);
  g_assert_cmpint (curb_qr_passes_parse ("zxing,bogus", &error), ==, 0);
  g_assert_error (error, CURB_HARDWARE_ERROR, CURB_HARDWARE_ERROR_UNSUPPORTED);
}

static void
test_hostile_pgm_is_refused (void)
{
  g_autofree char *dir = curb_test_mkdtemp ();
  g_autofree char *path = g_build_filename (dir, "evil.pgm", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(CurbScannerImage) image = NULL;

  g_assert_true (g_file_set_contents (path, "P5\n99999999 99999999\n255\n\x01\x02", -1, NULL));
  image = curb_scanner_image_load (path, &error);
  g_assert_null (image);
  g_assert_error (error, CURB_HARDWARE_ERROR, CURB_HARDWARE_ERROR_UNSUPPORTED);
  curb_test_rmdir (dir);
}

static void
test_mutated_pgm_never_crashes (void)
{
  g_autofree char *dir = curb_test_mkdtemp ();
  g_autofree char *path = g_build_filename (dir, "mutant.pgm", NULL);
  const char *token = "CP1.mutant";
  g_autoptr(GBytes) frame = scanner_test_qr_frame ((const guint8 *) token, strlen (token), 2, 64, 64, FALSE);
  g_autofree char *header = g_strdup ("P5\n64 64\n255\n");
  gsize header_len = strlen (header);

  for (int round = 0; round < 100; round++)
    {
      g_autoptr(GByteArray) file = g_byte_array_new ();
      g_autoptr(CurbScannerImage) image = NULL;
      g_autoptr(GError) error = NULL;
      guint cut;

      g_byte_array_append (file, (const guint8 *) header, header_len);
      g_byte_array_append (file, g_bytes_get_data (frame, NULL), g_bytes_get_size (frame));
      for (int flips = g_test_rand_int_range (1, 4); flips > 0; flips--)
        file->data[g_test_rand_int_range (0, header_len + 8)] = (guint8) g_test_rand_int_range (0, 256);
      cut = (guint) g_test_rand_int_range (0, file->len + 1);
      g_assert_true (g_file_set_contents (path, (const char *) file->data, cut, NULL));
      image = curb_scanner_image_load (path, &error);
      if (image != NULL)
        {
          g_autoptr(CurbQrDecoder) decoder = curb_qr_decoder_new ();
          g_autoptr(GPtrArray) codes = NULL;
          CurbGrayImage gray;

          curb_scanner_image_get_gray (image, &gray);
          codes = curb_qr_decoder_decode (decoder, &gray, CURB_QR_PASSES_ALL);
          g_assert_cmpuint (codes->len, <=, 1);
        }
      else
        g_assert_nonnull (error);
    }
  curb_test_rmdir (dir);
}

static void
test_tiny_images (void)
{
  g_autoptr(CurbQrDecoder) decoder = curb_qr_decoder_new ();
  static const guint8 pixels[400] = { 0 };
  const int sizes[][2] = { { 1, 1 }, { 2, 2 }, { 1, 400 }, { 400, 1 }, { 7, 7 }, { 20, 20 } };

  for (gsize i = 0; i < G_N_ELEMENTS (sizes); i++)
    {
      CurbGrayImage image = { pixels, sizes[i][0], sizes[i][1], sizes[i][0] };
      g_autoptr(GPtrArray) codes = curb_qr_decoder_decode (decoder, &image, CURB_QR_PASSES_ALL);

      g_assert_cmpuint (codes->len, ==, 0);
      (void) curb_qr_decoder_sharpness (&image);
    }
}

/* A few frames per category of the shared corpus, when it is there. */
static void
test_corpus_subset (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(CurbQrDecoder) decoder = curb_qr_decoder_new ();
  guint positives = 0, ok = 0, false_reads = 0;

  if (curb_test_shared_dir () == NULL)
    {
      g_test_skip ("no ../shared (CURB_SHARED_DIR)");
      return;
    }
  dir = bench_corpus_ensure (BENCH_DEFAULT_SEED, FALSE, &error);
  g_assert_no_error (error);
  list = bench_corpus_load (dir, 2, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < list->len; i++)
    {
      BenchCorpusEntry *entry = list->pdata[i];
      g_autoptr(CurbScannerImage) image = NULL;
      g_autoptr(GPtrArray) codes = NULL;
      CurbGrayImage gray;

      if (!g_str_equal (entry->res, "480p"))
        continue;
      image = curb_scanner_image_load (entry->path, &error);
      g_assert_no_error (error);
      curb_scanner_image_get_gray (image, &gray);
      codes = curb_qr_decoder_decode (decoder, &gray, CURB_QR_PASSES_ALL);
      positives += entry->positive;
      ok += entry->positive && bench_codes_contain (codes, entry->payload);
      false_reads += bench_false_reads (codes, entry);
    }
  g_test_message ("corpus subset: %u/%u read", ok, positives);
  g_assert_cmpuint (positives, >, 20);
  g_assert_cmpuint (ok * 100, >=, positives * 60);
  g_assert_cmpuint (false_reads, ==, 0);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  gst_init (NULL, NULL);

  g_test_add_func ("/qr-decoder/generated", test_reads_generated_code);
  g_test_add_func ("/qr-decoder/inverted", test_reads_inverted_code);
  g_test_add_func ("/qr-decoder/low-contrast", test_reads_low_contrast_code);
  g_test_add_func ("/qr-decoder/hostile-payloads", test_hostile_payloads_are_exact_bytes);
  g_test_add_func ("/qr-decoder/empty-and-noise", test_empty_and_noise_read_nothing);
  g_test_add_func ("/qr-decoder/gate", test_gate_sees_finder_patterns);
  g_test_add_func ("/qr-decoder/sharpness", test_sharpness_tracks_focus);
  g_test_add_func ("/qr-decoder/passes", test_passes_parse);
  g_test_add_func ("/qr-decoder/hostile-pgm", test_hostile_pgm_is_refused);
  g_test_add_func ("/qr-decoder/mutated-pgm", test_mutated_pgm_never_crashes);
  g_test_add_func ("/qr-decoder/tiny-images", test_tiny_images);
  g_test_add_func ("/qr-decoder/corpus", test_corpus_subset);

  return g_test_run ();
}
