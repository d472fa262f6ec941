/* Printing benchmarks, JSON lines: encoding a receipt, rendering it, and
 * jobs per second through the persistent queue against raw socket writes
 * of the same bytes to the same virtual printer. */
#include "curb-escpos.h"
#include "curb-printer-queue.h"
#include "curb-order-codec.h"
#include "curb-receipt.h"
#include "curb-test-helpers.h"
#include "curb-virtual-printer.h"
#include "curb-printer-uri.h"

#define ENCODE_ROUNDS 2000
#define RENDER_ROUNDS 50
#define JOBS          300

static const char order_json[] =
  "{\"ref\":\"A7K3Q9\",\"first_name\":\"Jos\xc3\xa9\",\"last_initial\":\"N\",\"bay\":\"3\","
  "\"claimed_by\":{\"id\":\"st-7\",\"first_name\":\"Bego\xc3\xb1" "a\"},\"handed_over_at\":\"2026-11-27T15:09:30.000Z\","
  "\"lines\":[{\"id\":\"L1\",\"name\":\"Free Range Eggs (12)\",\"qty\":2},"
  "{\"id\":\"L2\",\"name\":\"Oat milk 1 L\",\"qty\":1},{\"id\":\"L3\",\"name\":\"Jalape\xc3\xb1o salsa\",\"qty\":3}],"
  "\"substitutions\":[{\"line_id\":\"L2\",\"original\":\"Oat milk 1 L\",\"replacement\":\"Soy milk 1 L\","
  "\"qty\":1,\"status\":\"approved\"}],\"not_taken\":[{\"line_id\":\"L3\",\"qty\":1,\"reason\":\"damaged\"}]}";

static const CurbPrintContext context = {
  .store_name = "Curbside Market",
  .receipt_url = "https://shop.example.com/r/",
};

static void
emit (const char *name,
      double      value,
      const char *unit)
{
  g_print ("{\"name\": \"%s\", \"value\": %.6g, \"unit\": \"%s\"}\n", name, value, unit);
}

static GBytes *
encode_receipt (CurbOrder *order)
{
  return curb_receipt_encode_pickup (curb_printer_profile_default (), &context, order, "es", NULL);
}

static void
bench_encode (CurbOrder *order)
{
  gint64 start = g_get_monotonic_time ();

  for (guint i = 0; i < ENCODE_ROUNDS; i++)
    g_bytes_unref (encode_receipt (order));
  emit ("print/encode-receipt", (double) (g_get_monotonic_time () - start) / ENCODE_ROUNDS, "us");
}

static void
bench_render (GBytes *receipt)
{
  gint64 start = g_get_monotonic_time ();

  for (guint i = 0; i < RENDER_ROUNDS; i++)
    {
      g_autoptr(CurbVirtualPrinterRenderer) renderer = curb_virtual_printer_renderer_new (curb_printer_profile_default ());
      g_autoptr(GPtrArray) pages = NULL;

      curb_virtual_printer_renderer_feed (renderer, g_bytes_get_data (receipt, NULL), g_bytes_get_size (receipt));
      pages = curb_virtual_printer_renderer_take_pages (renderer);
      g_assert_cmpuint (pages->len, ==, 1);
    }
  emit ("print/render-receipt-to-image", (double) (g_get_monotonic_time () - start) / RENDER_ROUNDS, "us");
}

static CurbVirtualPrinter *
start_printer (char **uri)
{
  CurbVirtualPrinter *vp = curb_virtual_printer_new (curb_printer_profile_default ());

  curb_virtual_printer_set_render (vp, FALSE);
  g_assert_true (curb_virtual_printer_listen (vp, 0, NULL));
  *uri = g_strdup_printf ("tcp://127.0.0.1:%u", curb_virtual_printer_get_port (vp));
  return vp;
}

/* Baselines: the same jobs with their markers on one socket, no status
 * checks, no disk; either back to back, or each waiting for its marker. */
static double
bench_raw (GBytes   *receipt,
           gboolean  confirm_each)
{
  g_autofree char *uri = NULL;
  g_autoptr(CurbVirtualPrinter) vp = start_printer (&uri);
  g_autoptr(CurbPrinter) printer = curb_printer_create (uri, NULL);
  gint64 start;
  double rate;

  g_assert_true (curb_printer_open (printer, NULL));
  start = g_get_monotonic_time ();
  for (guint i = 1; i <= JOBS; i++)
    {
      g_autoptr(CurbEscpos) escpos = curb_escpos_new (curb_printer_profile_default ());
      g_autoptr(GBytes) job = NULL;
      g_autofree char *marker = curb_escpos_marker_for_job (i);

      curb_escpos_raw (escpos, g_bytes_get_data (receipt, NULL), g_bytes_get_size (receipt));
      curb_escpos_process_id (escpos, marker);
      job = curb_escpos_get_bytes (escpos);
      g_assert_true (curb_printer_write_all (printer, g_bytes_get_data (job, NULL), g_bytes_get_size (job), NULL));
      if (confirm_each)
        g_assert_true (curb_printer_wait_process_id (printer, marker, 10000, NULL));
    }
  g_assert_true (curb_virtual_printer_wait_markers (vp, JOBS, 60000));
  rate = JOBS / ((g_get_monotonic_time () - start) / 1e6);
  curb_virtual_printer_stop (vp);
  emit (confirm_each ? "print/raw-socket-confirmed-jobs-per-s" : "print/raw-socket-pipelined-jobs-per-s",
        rate, "jobs/s");
  return rate;
}

/* The queue: on disk first, status before and after, confirmed one by one. */
static double
bench_queue (GBytes *receipt)
{
  g_autofree char *dir = curb_test_mkdtemp ();
  g_autofree char *db = g_build_filename (dir, "queue.db", NULL);
  g_autofree char *uri = NULL;
  g_autoptr(CurbVirtualPrinter) vp = start_printer (&uri);
  g_autoptr(CurbPrinter) printer = curb_printer_create (uri, NULL);
  g_autoptr(CurbPrinterQueue) queue = curb_printer_queue_new (db, printer, curb_printer_profile_default (), NULL);
  gint64 start = g_get_monotonic_time ();
  double rate;

  curb_printer_queue_start (queue);
  for (guint i = 0; i < JOBS; i++)
    g_assert_cmpint (curb_printer_queue_enqueue (queue, "receipt", receipt, "es", NULL), >, 0);
  g_assert_true (curb_printer_queue_wait_idle (queue, 120000));
  rate = JOBS / ((g_get_monotonic_time () - start) / 1e6);
  g_assert_cmpuint (curb_virtual_printer_get_n_markers (vp), ==, JOBS);
  curb_printer_queue_stop (queue);
  curb_virtual_printer_stop (vp);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  curb_test_rmdir (dir);
  emit ("print/queue-jobs-per-s", rate, "jobs/s");
  return rate;
}

int
main (int argc, char **argv)
{
  g_autoptr(CurbOrder) order = curb_order_codec_decode_string (order_json, NULL);
  g_autoptr(GBytes) receipt = encode_receipt (order);
  double raw, raw_confirmed, queued;

  g_setenv ("TZ", "UTC", TRUE);
  bench_encode (order);
  bench_render (receipt);
  raw = bench_raw (receipt, FALSE);
  raw_confirmed = bench_raw (receipt, TRUE);
  queued = bench_queue (receipt);
  emit ("print/queue-vs-raw-socket-confirmed", queued / raw_confirmed, "ratio");
  emit ("print/queue-vs-raw-socket-pipelined", queued / raw, "ratio");
  emit ("print/receipt-bytes", (double) g_bytes_get_size (receipt), "bytes");
  return 0;
}
