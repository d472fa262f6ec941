#include <sqlite3.h>
#include <string.h>

#include "curb-escpos.h"
#include "curb-label.h"
#include "curb-printer-queue.h"
#include "curb-receipt.h"
#include "curb-test-helpers.h"
#include "curb-virtual-printer.h"
#include "printer-test-support.h"
#include "curb-printer-uri.h"

#define WAIT_MS        10000
#define STATUS_BYTES   12    /* DLE EOT 1..4 before each job */
#define MID_JOB_BYTES  300

typedef enum { FAULT_PAPER_OUT, FAULT_COVER_OPEN, FAULT_OFFLINE, FAULT_DISCONNECT } Fault;
typedef enum { WHEN_BEFORE, WHEN_DURING, WHEN_AFTER } When;

typedef struct
{
  Fault fault;
  When  when;
} Case;

typedef struct
{
  char               *dir;
  CurbVirtualPrinter *vp;
  CurbPrinterQueue   *queue;
  GPtrArray          *refs;
} Fixture;

static const CurbPrinterStatus fault_flags[] = {
  CURB_PRINTER_STATUS_PAPER_OUT, CURB_PRINTER_STATUS_COVER_OPEN, CURB_PRINTER_STATUS_OFFLINE,
  CURB_PRINTER_STATUS_UNREACHABLE,
};

static const char *staff_words[] = {
  "Receipt printer at kiosk 2 is out of paper", "Receipt printer at kiosk 2 has its cover open",
  "Receipt printer at kiosk 2 is offline", "Receipt printer at kiosk 2 is not responding",
};

static void
fixture_set_up (Fixture       *fx,
                gconstpointer  data)
{
  const CurbPrinterProfile *profile = curb_printer_profile_lookup ("generic-80");
  g_autoptr(GError) error = NULL;
  g_autoptr(CurbPrinter) printer = NULL;
  g_autofree char *uri = NULL;
  g_autofree char *db = NULL;

  fx->dir = curb_test_mkdtemp ();
  fx->refs = g_ptr_array_new_with_free_func (g_free);
  fx->vp = curb_virtual_printer_new (profile);
  g_assert_true (curb_virtual_printer_listen (fx->vp, 0, &error));
  uri = g_strdup_printf ("tcp://127.0.0.1:%u", curb_virtual_printer_get_port (fx->vp));
  printer = curb_printer_create (uri, &error);
  g_assert_no_error (error);
  db = g_build_filename (fx->dir, "print-queue.db", NULL);
  fx->queue = curb_printer_queue_new (db, printer, profile, &error);
  g_assert_no_error (error);
  curb_printer_queue_set_station (fx->queue, "kiosk 2");
  curb_printer_queue_set_timing (fx->queue, 50, 200);
  curb_printer_queue_set_idle_poll (fx->queue, 0);
  curb_printer_queue_start (fx->queue);
}

static void
fixture_tear_down (Fixture       *fx,
                   gconstpointer  data)
{
  curb_printer_queue_stop (fx->queue);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_finalize_object (fx->queue);
  curb_virtual_printer_stop (fx->vp);
  g_object_unref (fx->vp);
  g_ptr_array_unref (fx->refs);
  curb_test_rmdir (fx->dir);
  g_free (fx->dir);
}

static gint64
count_rows (const char *db_path)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 n = -1;

  g_assert_cmpint (sqlite3_open (db_path, &db), ==, SQLITE_OK);
  if (sqlite3_prepare_v2 (db, "SELECT count(*) FROM jobs", -1, &stmt, NULL) == SQLITE_OK
      && sqlite3_step (stmt) == SQLITE_ROW)
    n = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return n;
}

static gint64
enqueue_receipt (Fixture *fx)
{
  g_autofree char *ref = g_strdup_printf ("JOB%u", fx->refs->len + 1);
  g_autofree char *json = g_strdup_printf (
    "{\"ref\":\"%s\",\"first_name\":\"Jos\xc3\xa9\",\"last_initial\":\"N\",\"claimed_by\":{\"id\":\"st-3\",\"first_name\":\"Ana\"},"
    "\"lines\":[{\"id\":\"L1\",\"name\":\"Free Range Eggs (12)\",\"qty\":2},"
    "{\"id\":\"L2\",\"name\":\"Oat milk 1 L\",\"qty\":1}]}", ref);
  g_autoptr(GError) error = NULL;
  g_autoptr(CurbOrder) order = curb_order_codec_decode_string (json, &error);
  g_autoptr(GBytes) bytes = curb_receipt_encode_pickup (curb_printer_profile_lookup ("generic-80"),
                                                        &pt_context, order, "en", &error);
  gint64 id;

  g_assert_no_error (error);
  g_assert_cmpuint (g_bytes_get_size (bytes), >, MID_JOB_BYTES + 100);
  id = curb_printer_queue_enqueue (fx->queue, "receipt", bytes, "en", &error);
  g_assert_no_error (error);
  g_assert_cmpint (id, >, 0);
  g_ptr_array_add (fx->refs, g_steal_pointer (&ref));
  return id;
}

static void
inject (Fixture  *fx,
        Fault     fault,
        gboolean  mid_job)
{
  if (fault == FAULT_DISCONNECT && mid_job)
    curb_virtual_printer_disconnect_after (fx->vp, STATUS_BYTES + MID_JOB_BYTES);
  else if (fault == FAULT_DISCONNECT)
    curb_virtual_printer_set_unplugged (fx->vp, TRUE);
  else if (mid_job)
    curb_virtual_printer_fault_after (fx->vp, fault_flags[fault], STATUS_BYTES + MID_JOB_BYTES);
  else
    curb_virtual_printer_set_fault (fx->vp, fault_flags[fault]);
}

static void
repair (Fixture *fx)
{
  curb_virtual_printer_set_fault (fx->vp, CURB_PRINTER_STATUS_OK);
  curb_virtual_printer_set_unplugged (fx->vp, FALSE);
}

/* The people who must act are told, in plain words. */
static void
assert_told (Fixture *fx,
             Fault    fault)
{
  g_autofree char *staff = NULL;
  g_autofree char *shopper = NULL;

  g_assert_true (curb_printer_queue_wait_status (fx->queue, fault_flags[fault], WAIT_MS));
  staff = curb_printer_queue_dup_staff_message (fx->queue, "en");
  shopper = curb_printer_queue_dup_shopper_message (fx->queue, "es");
  g_assert_nonnull (staff);
  g_assert_true (g_str_has_prefix (staff, staff_words[fault]));
  g_assert_cmpstr (shopper, ==, "Le entregaremos el recibo en mano");
}

static guint
count_pages_with (GPtrArray  *pages,
                  const char *needle,
                  gboolean    fragments)
{
  g_autofree char *line = g_strdup_printf ("\n%s\n", needle);
  guint n = 0;

  for (guint i = 0; i < pages->len; i++)
    {
      CurbVirtualPage *page = g_ptr_array_index (pages, i);
      g_autofree char *text = g_strconcat ("\n", page->page->text, NULL);

      if (page->fragment == fragments && strstr (text, line) != NULL)
        n++;
    }
  return n;
}

static void
assert_receipt_qr (GPtrArray  *pages,
                   const char *ref)
{
  g_autofree char *url = g_strconcat (pt_context.receipt_url, ref, NULL);
  g_autofree char *order_line = g_strdup_printf ("%-18s%s", "Order", ref);

  for (guint i = 0; i < pages->len; i++)
    {
      CurbVirtualPage *page = g_ptr_array_index (pages, i);

      if (!page->fragment && strstr (page->page->text, order_line) != NULL)
        {
          g_auto(GStrv) codes = pt_decode_qr (page->page->surface);
          g_assert_cmpuint (g_strv_length (codes), ==, 1);
          g_assert_cmpstr (codes[0], ==, url);
        }
    }
}

/* Nothing lost, nothing printed twice: every job's marker was answered once,
 * and its receipt came out whole exactly once. */
static GPtrArray *
assert_exactly_once (Fixture *fx)
{
  GPtrArray *pages;

  g_assert_true (curb_printer_queue_wait_idle (fx->queue, WAIT_MS));
  g_assert_cmpuint (curb_printer_queue_get_pending (fx->queue), ==, 0);
  g_usleep (300 * 1000);
  g_assert_cmpuint (curb_virtual_printer_get_n_markers (fx->vp), ==, fx->refs->len);
  for (guint i = 0; i < fx->refs->len; i++)
    {
      g_autofree char *marker = curb_escpos_marker_for_job (i + 1);
      g_assert_cmpuint (curb_virtual_printer_get_marker_count (fx->vp, marker), ==, 1);
    }
  pages = curb_virtual_printer_take_pages (fx->vp);
  for (guint i = 0; i < fx->refs->len; i++)
    {
      g_autofree char *order_line = g_strdup_printf ("%-18s%s", "Order", (char *) fx->refs->pdata[i]);
      g_assert_cmpuint (count_pages_with (pages, order_line, FALSE), ==, 1);
      assert_receipt_qr (pages, fx->refs->pdata[i]);
    }
  g_assert_cmpuint (curb_virtual_printer_get_n_pages (fx->vp, FALSE), ==, fx->refs->len);
  return pages;
}

static void
assert_ok_again (Fixture *fx)
{
  g_autofree char *staff = NULL;

  g_assert_true (curb_printer_queue_wait_status (fx->queue, 0, WAIT_MS));
  staff = curb_printer_queue_dup_staff_message (fx->queue, "en");
  g_assert_null (staff);
}

/* For people: what the paper looks like after the fault. */
static void
save_samples (GPtrArray  *pages,
              const char *prefix)
{
  g_autofree char *dir = pt_sample_dir ();

  for (guint i = 0; i < pages->len; i++)
    {
      CurbVirtualPage *page = g_ptr_array_index (pages, i);
      g_autofree char *name = g_strdup_printf ("%s-%u-%s.png", prefix, i + 1, page->fragment ? "fragment" : "page");
      g_autofree char *path = g_build_filename (dir, name, NULL);

      g_assert_true (curb_rendered_page_write_png (page->page, path, NULL));
    }
}

static void
run_before (Fixture *fx,
            Fault    fault)
{
  g_autoptr(GPtrArray) pages = NULL;

  inject (fx, fault, FALSE);
  enqueue_receipt (fx);
  assert_told (fx, fault);
  g_usleep (200 * 1000);
  g_assert_cmpuint (curb_virtual_printer_get_n_markers (fx->vp), ==, 0);
  g_assert_cmpuint (curb_printer_queue_get_pending (fx->queue), ==, 1);
  repair (fx);
  pages = assert_exactly_once (fx);
  g_assert_cmpuint (count_pages_with (pages, "** REPRINT **", FALSE), ==, 0);
  assert_ok_again (fx);
}

/* Stopped mid-job (paper, cover, offline) the job waits in the printer and
 * finishes once repaired: no reprint. A dropped link loses the printer's
 * buffer: the whole job is sent again under a REPRINT banner. */
static void
run_during (Fixture *fx,
            Fault    fault)
{
  g_autoptr(GPtrArray) pages = NULL;

  inject (fx, fault, TRUE);
  enqueue_receipt (fx);
  if (fault != FAULT_DISCONNECT)
    {
      assert_told (fx, fault);
      g_usleep (300 * 1000);
      g_assert_cmpuint (curb_virtual_printer_get_n_markers (fx->vp), ==, 0);
      repair (fx);
    }
  pages = assert_exactly_once (fx);
  if (fault == FAULT_DISCONNECT)
    save_samples (pages, "disconnect-during");
  g_assert_cmpuint (count_pages_with (pages, "** REPRINT **", FALSE), ==, fault == FAULT_DISCONNECT ? 1 : 0);
  g_assert_cmpuint (curb_virtual_printer_get_n_pages (fx->vp, TRUE), ==, fault == FAULT_DISCONNECT ? 1 : 0);
  assert_ok_again (fx);
}

static void
run_after (Fixture *fx,
           Fault    fault)
{
  g_autoptr(GPtrArray) pages = NULL;

  enqueue_receipt (fx);
  g_assert_true (curb_printer_queue_wait_idle (fx->queue, WAIT_MS));
  if (fault == FAULT_DISCONNECT)
    curb_virtual_printer_disconnect_now (fx->vp);
  else
    inject (fx, fault, FALSE);
  enqueue_receipt (fx);
  if (fault != FAULT_DISCONNECT)
    {
      assert_told (fx, fault);
      repair (fx);
    }
  pages = assert_exactly_once (fx);
  g_assert_cmpuint (count_pages_with (pages, "** REPRINT **", FALSE), ==, 0);
  assert_ok_again (fx);
}

static void
test_fault (Fixture       *fx,
            gconstpointer  data)
{
  const Case *c = data;

  if (c->when == WHEN_BEFORE)
    run_before (fx, c->fault);
  else if (c->when == WHEN_DURING)
    run_during (fx, c->fault);
  else
    run_after (fx, c->fault);
}

/* Paper nearly out: keep printing, tell staff early. */
static void
test_near_end (Fixture       *fx,
               gconstpointer  data)
{
  g_autoptr(GPtrArray) pages = NULL;
  g_autofree char *staff = NULL;
  g_autofree char *shopper = NULL;

  curb_virtual_printer_set_fault (fx->vp, CURB_PRINTER_STATUS_PAPER_NEAR_END);
  enqueue_receipt (fx);
  enqueue_receipt (fx);
  pages = assert_exactly_once (fx);
  {
    g_autofree char *db = g_build_filename (fx->dir, "print-queue.db", NULL);
    g_assert_cmpint (count_rows (db), ==, 2);
  }
  g_assert_true (curb_printer_queue_wait_status (fx->queue, CURB_PRINTER_STATUS_PAPER_NEAR_END, WAIT_MS));
  staff = curb_printer_queue_dup_staff_message (fx->queue, "es");
  shopper = curb_printer_queue_dup_shopper_message (fx->queue, "en");
  g_assert_cmpstr (staff, ==, "A la impresora de recibos de kiosk 2 le queda poco papel");
  g_assert_null (shopper);
}

static void
on_status_changed (CurbPrinterQueue *queue,
                   guint             status,
                   gpointer          data)
{
  *(guint *) data |= status;
}

/* Signals reach the thread that made the queue, so a GTK app can show them. */
static void
test_signals (Fixture       *fx,
              gconstpointer  data)
{
  guint seen = 0;
  guint done = 0;
  gint64 deadline = g_get_monotonic_time () + WAIT_MS * 1000;

  g_signal_connect (fx->queue, "status-changed", G_CALLBACK (on_status_changed), &seen);
  g_signal_connect_swapped (fx->queue, "job-done", G_CALLBACK (g_atomic_int_inc), &done);
  curb_virtual_printer_set_fault (fx->vp, CURB_PRINTER_STATUS_COVER_OPEN);
  enqueue_receipt (fx);
  g_assert_true (curb_printer_queue_wait_status (fx->queue, CURB_PRINTER_STATUS_COVER_OPEN, WAIT_MS));
  repair (fx);
  while (done == 0 && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, FALSE);
  g_assert_cmpuint (done, ==, 1);
  g_assert_cmphex (seen & CURB_PRINTER_STATUS_COVER_OPEN, ==, CURB_PRINTER_STATUS_COVER_OPEN);
  g_signal_handlers_disconnect_by_data (fx->queue, &seen);
  g_signal_handlers_disconnect_by_data (fx->queue, &done);
}

static void
on_enqueued (GObject      *source,
             GAsyncResult *result,
             gpointer      data)
{
  g_autoptr(GError) error = NULL;
  GArray *ids = data;
  gint64 id = curb_printer_queue_enqueue_finish (CURB_PRINTER_QUEUE (source), result, &error);

  g_assert_no_error (error);
  g_array_append_val (ids, id);
}

/* Staging prints one label per bag; each label is a job of its own, so a
 * fault reprints one label, never the whole set. */
static void
test_bag_labels (Fixture       *fx,
                 gconstpointer  data)
{
  const CurbPrinterProfile *profile = curb_printer_profile_lookup ("generic-80");
  g_autoptr(CurbOrder) order = pt_load_sample_order ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) labels = curb_label_encode_all_bags (profile, order, "es", &error);
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GPtrArray) pages = NULL;

  g_assert_no_error (error);
  curb_printer_queue_set_role (fx->queue, CURB_PRINTER_ROLE_LABEL);
  for (guint i = 0; i < labels->len; i++)
    curb_printer_queue_enqueue_async (fx->queue, "label", labels->pdata[i], "es", NULL, on_enqueued, ids);
  while (ids->len < labels->len)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (curb_printer_queue_wait_idle (fx->queue, WAIT_MS));
  g_assert_cmpuint (curb_virtual_printer_get_n_markers (fx->vp), ==, 4);
  pages = curb_virtual_printer_take_pages (fx->vp);
  g_assert_cmpuint (pages->len, ==, 4);
  for (guint i = 0; i < pages->len; i++)
    {
      CurbVirtualPage *page = g_ptr_array_index (pages, i);
      g_autofree char *code = curb_label_bag_code ("A7K3Q9", i + 1, 4);
      g_auto(GStrv) codes = pt_decode_qr (page->page->surface);

      g_assert_cmpstrv (codes, ((const char *[]) { code, NULL }));
    }
  curb_virtual_printer_set_fault (fx->vp, CURB_PRINTER_STATUS_PAPER_OUT);
  curb_printer_queue_enqueue (fx->queue, "label", labels->pdata[0], "es", &error);
  g_assert_true (curb_printer_queue_wait_status (fx->queue, CURB_PRINTER_STATUS_PAPER_OUT, WAIT_MS));
  {
    g_autofree char *staff = curb_printer_queue_dup_staff_message (fx->queue, "es");
    g_autofree char *shopper = curb_printer_queue_dup_shopper_message (fx->queue, "es");
    g_assert_cmpstr (staff, ==, "La impresora de etiquetas de kiosk 2 no tiene etiquetas");
    g_assert_null (shopper);
  }
  repair (fx);
  g_assert_true (curb_printer_queue_wait_idle (fx->queue, WAIT_MS));
}

/* An idle station still notices the paper running out, and says so. */
static void
test_idle_poll (Fixture       *fx,
                gconstpointer  data)
{
  g_autofree char *staff = NULL;
  g_autoptr(GBytes) huge = g_bytes_new_take (g_malloc0 (5 * 1024 * 1024), 5 * 1024 * 1024);
  g_autoptr(GError) error = NULL;

  curb_printer_queue_stop (fx->queue);
  curb_printer_queue_set_idle_poll (fx->queue, 100);
  curb_printer_queue_start (fx->queue);
  curb_virtual_printer_set_fault (fx->vp, CURB_PRINTER_STATUS_PAPER_OUT);
  g_assert_true (curb_printer_queue_wait_status (fx->queue, CURB_PRINTER_STATUS_PAPER_OUT, WAIT_MS));
  staff = curb_printer_queue_dup_staff_message (fx->queue, "en");
  g_assert_cmpstr (staff, ==, "Receipt printer at kiosk 2 is out of paper");
  repair (fx);
  g_assert_true (curb_printer_queue_wait_status (fx->queue, 0, WAIT_MS));
  g_assert_cmpint (curb_printer_queue_enqueue (fx->queue, "receipt", huge, NULL, &error), ==, 0);
  g_assert_error (error, CURB_HARDWARE_ERROR, CURB_HARDWARE_ERROR_UNSUPPORTED);
  g_assert_cmpuint (curb_printer_queue_get_pending (fx->queue), ==, 0);
}

/* A printer without process IDs or native QR (xprinter-58): confirmed by
 * its status after the job, QR codes sent as raster images. */
static void
test_without_process_id (void)
{
  const CurbPrinterProfile *profile = curb_printer_profile_lookup ("xprinter-58");
  g_autofree char *dir = curb_test_mkdtemp ();
  g_autofree char *db = g_build_filename (dir, "print-queue.db", NULL);
  g_autoptr(CurbVirtualPrinter) vp = curb_virtual_printer_new (profile);
  g_autoptr(CurbPrinter) printer = NULL;
  g_autoptr(CurbPrinterQueue) queue = NULL;
  g_autoptr(CurbOrder) order = pt_load_sample_order ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) receipt = NULL;
  g_autoptr(GPtrArray) pages = NULL;
  g_autofree char *uri = NULL;

  g_assert_true (curb_virtual_printer_listen (vp, 0, &error));
  uri = g_strdup_printf ("tcp://127.0.0.1:%u", curb_virtual_printer_get_port (vp));
  printer = curb_printer_create (uri, &error);
  queue = curb_printer_queue_new (db, printer, profile, &error);
  g_assert_no_error (error);
  curb_printer_queue_set_timing (queue, 50, 200);
  curb_printer_queue_set_idle_poll (queue, 0);
  curb_printer_queue_set_retention (queue, 0);
  receipt = curb_receipt_encode_pickup (profile, &pt_context, order, "es", &error);
  curb_printer_queue_enqueue (queue, "receipt", receipt, "es", &error);
  curb_virtual_printer_fault_after (vp, CURB_PRINTER_STATUS_PAPER_OUT, STATUS_BYTES + MID_JOB_BYTES);
  curb_printer_queue_start (queue);
  g_assert_true (curb_printer_queue_wait_status (queue, CURB_PRINTER_STATUS_PAPER_OUT, WAIT_MS));
  curb_virtual_printer_set_fault (vp, CURB_PRINTER_STATUS_OK);
  g_assert_true (curb_printer_queue_wait_idle (queue, WAIT_MS));
  curb_printer_queue_stop (queue);
  curb_virtual_printer_stop (vp);
  g_assert_cmpint (count_rows (db), ==, 0);
  pages = curb_virtual_printer_take_pages (vp);
  g_assert_cmpuint (pages->len, ==, 1);
  g_assert_cmpuint (curb_virtual_printer_get_n_markers (vp), ==, 0);
  {
    CurbVirtualPage *page = g_ptr_array_index (pages, 0);
    g_auto(GStrv) codes = pt_decode_qr (page->page->surface);
    g_assert_cmpstrv (codes, ((const char *[]) { "https://shop.example.com/r/A7K3Q9", NULL }));
    g_assert_null (strstr (page->page->text, "REPRINT"));
  }
  while (g_main_context_iteration (NULL, FALSE))
    ;
  curb_test_rmdir (dir);
}

static const char *fault_names[] = { "paper-out", "cover-open", "offline", "disconnect" };
static const char *when_names[] = { "before", "during", "after" };

int
main (int argc, char **argv)
{
  int status;
  static Case cases[G_N_ELEMENTS (fault_names) * G_N_ELEMENTS (when_names)];
  guint n = 0;

  pt_init_env ();
  g_test_init (&argc, &argv, NULL);
  for (guint f = 0; f < G_N_ELEMENTS (fault_names); f++)
    for (guint w = 0; w < G_N_ELEMENTS (when_names); w++)
      {
        g_autofree char *path = g_strdup_printf ("/printer/faults/%s/%s", fault_names[f], when_names[w]);

        cases[n] = (Case) { f, w };
        g_test_add (path, Fixture, &cases[n], fixture_set_up, test_fault, fixture_tear_down);
        n++;
      }
  g_test_add ("/printer/faults/near-end", Fixture, NULL, fixture_set_up, test_near_end, fixture_tear_down);
  g_test_add ("/printer/queue/idle-poll", Fixture, NULL, fixture_set_up, test_idle_poll, fixture_tear_down);
  g_test_add ("/printer/queue/bag-labels", Fixture, NULL, fixture_set_up, test_bag_labels, fixture_tear_down);
  g_test_add_func ("/printer/queue/without-process-id", test_without_process_id);
  g_test_add ("/printer/queue/signals", Fixture, NULL, fixture_set_up, test_signals, fixture_tear_down);
  status = g_test_run ();
  pt_release_fonts ();
  return status;
}
