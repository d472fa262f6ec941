#include <signal.h>
#include <string.h>

#include "curb-escpos.h"
#include "curb-printer-queue.h"
#include "curb-receipt.h"
#include "curb-test-helpers.h"
#include "curb-virtual-printer.h"
#include "printer-test-support.h"
#include "curb-printer-uri.h"

#define WAIT_MS 15000

typedef struct
{
  char               *dir;
  char               *db;
  char               *uri;
  CurbVirtualPrinter *vp;
  CurbPrinterQueue   *queue;  /* enqueues only; the worker is another process */
} Fixture;

static void
fixture_set_up (Fixture       *fx,
                gconstpointer  data)
{
  const CurbPrinterProfile *profile = curb_printer_profile_lookup ("generic-80");
  g_autoptr(GError) error = NULL;
  g_autoptr(CurbPrinter) printer = NULL;

  fx->dir = curb_test_mkdtemp ();
  fx->db = g_build_filename (fx->dir, "print-queue.db", NULL);
  fx->vp = curb_virtual_printer_new (profile);
  g_assert_true (curb_virtual_printer_listen (fx->vp, 0, &error));
  fx->uri = g_strdup_printf ("tcp://127.0.0.1:%u", curb_virtual_printer_get_port (fx->vp));
  printer = curb_printer_create (fx->uri, &error);
  fx->queue = curb_printer_queue_new (fx->db, printer, profile, &error);
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture       *fx,
                   gconstpointer  data)
{
  g_object_unref (fx->queue);
  curb_virtual_printer_stop (fx->vp);
  g_object_unref (fx->vp);
  curb_test_rmdir (fx->dir);
  g_free (fx->dir);
  g_free (fx->db);
  g_free (fx->uri);
}

static GSubprocess *
spawn_worker (Fixture *fx)
{
  g_autofree char *program = curb_test_build_path ("tests/hardware", "printer-queue-worker");
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_NONE);
  g_autoptr(GError) error = NULL;
  GSubprocess *worker;

  g_subprocess_launcher_set_child_setup (launcher, pt_die_with_parent, NULL, NULL);
  worker = g_subprocess_launcher_spawn (launcher, &error, program, fx->db, fx->uri, "generic-80", NULL);

  g_assert_no_error (error);
  return worker;
}

static void
kill_worker (GSubprocess *worker)
{
  g_subprocess_send_signal (worker, SIGKILL);
  g_assert_true (g_subprocess_wait (worker, NULL, NULL));
  g_assert_true (g_subprocess_get_if_signaled (worker));
  g_assert_cmpint (g_subprocess_get_term_sig (worker), ==, SIGKILL);
}

static void
enqueue (Fixture *fx,
         guint    n)
{
  g_autofree char *json = g_strdup_printf ("{\"ref\":\"JOB%u\",\"first_name\":\"Sam\",\"last_initial\":\"R\","
                                           "\"lines\":[{\"id\":\"L1\",\"name\":\"Free Range Eggs (12)\",\"qty\":2}]}", n);
  g_autoptr(GError) error = NULL;
  g_autoptr(CurbOrder) order = curb_order_codec_decode_string (json, &error);
  g_autoptr(GBytes) bytes = curb_receipt_encode_pickup (curb_printer_profile_lookup ("generic-80"),
                                                        &pt_context, order, "en", &error);

  g_assert_cmpint (curb_printer_queue_enqueue (fx->queue, "receipt", bytes, "en", &error), ==, n);
  g_assert_no_error (error);
}

static gboolean
wait_fault (CurbVirtualPrinter *vp,
            CurbPrinterStatus   fault)
{
  for (guint i = 0; i < WAIT_MS / 10; i++, g_usleep (10 * 1000))
    if (curb_virtual_printer_get_fault (vp) & fault)
      return TRUE;
  return FALSE;
}

static guint
pages_with (GPtrArray  *pages,
            const char *needle,
            gboolean    fragments)
{
  guint n = 0;

  for (guint i = 0; i < pages->len; i++)
    {
      CurbVirtualPage *page = g_ptr_array_index (pages, i);
      if (page->fragment == fragments && strstr (page->page->text, needle) != NULL)
        n++;
    }
  return n;
}

static guint
pending_on_disk (Fixture *fx)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CurbPrinter) printer = curb_printer_create (fx->uri, &error);
  g_autoptr(CurbPrinterQueue) fresh = curb_printer_queue_new (fx->db, printer, curb_printer_profile_default (),
                                                              &error);

  g_assert_no_error (error);
  return curb_printer_queue_get_pending (fresh);
}

/* The worker is killed while job 3 is half in a printer that ran out of
 * paper. After a restart every job prints exactly once; job 3 again in
 * full under a REPRINT banner, its torn fragment the only waste. */
static void
test_killed_mid_job (Fixture       *fx,
                     gconstpointer  data)
{
  g_autoptr(GSubprocess) worker = spawn_worker (fx);
  g_autoptr(GSubprocess) restarted = NULL;
  g_autoptr(GPtrArray) pages = NULL;

  enqueue (fx, 1);
  enqueue (fx, 2);
  g_assert_true (curb_virtual_printer_wait_markers (fx->vp, 2, WAIT_MS));
  curb_virtual_printer_fault_after (fx->vp, CURB_PRINTER_STATUS_PAPER_OUT, 12 + 300);
  for (guint n = 3; n <= 5; n++)
    enqueue (fx, n);
  g_assert_true (wait_fault (fx->vp, CURB_PRINTER_STATUS_PAPER_OUT));
  g_usleep (400 * 1000);
  kill_worker (worker);
  g_assert_cmpuint (curb_virtual_printer_get_n_markers (fx->vp), ==, 2);
  g_assert_cmpuint (pending_on_disk (fx), ==, 3);

  curb_virtual_printer_set_fault (fx->vp, CURB_PRINTER_STATUS_OK);
  restarted = spawn_worker (fx);
  g_assert_true (curb_virtual_printer_wait_markers (fx->vp, 5, WAIT_MS));
  g_usleep (300 * 1000);
  kill_worker (restarted);

  g_assert_cmpuint (pending_on_disk (fx), ==, 0);
  g_assert_cmpuint (curb_virtual_printer_get_n_markers (fx->vp), ==, 5);
  for (guint n = 1; n <= 5; n++)
    {
      g_autofree char *marker = curb_escpos_marker_for_job (n);
      g_autofree char *ref = g_strdup_printf ("JOB%u\n", n);
      g_assert_cmpuint (curb_virtual_printer_get_marker_count (fx->vp, marker), ==, 1);
      pages = pages != NULL ? pages : curb_virtual_printer_take_pages (fx->vp);
      g_assert_cmpuint (pages_with (pages, ref, FALSE), ==, 1);
    }
  g_assert_cmpuint (pages_with (pages, "** REPRINT **", FALSE), ==, 1);
  g_assert_cmpuint (pages_with (pages, "** REPRINT **\n", FALSE), ==, pages_with (pages, "JOB3\n", FALSE));
  g_assert_cmpuint (curb_virtual_printer_get_n_pages (fx->vp, FALSE), ==, 5);
  g_assert_cmpuint (curb_virtual_printer_get_n_pages (fx->vp, TRUE), ==, 1);
}

/* Killed with jobs queued and none in flight: they all print once, no banner. */
static void
test_killed_idle (Fixture       *fx,
                  gconstpointer  data)
{
  g_autoptr(GSubprocess) worker = NULL;
  g_autoptr(GPtrArray) pages = NULL;

  curb_virtual_printer_set_unplugged (fx->vp, TRUE);
  worker = spawn_worker (fx);
  enqueue (fx, 1);
  enqueue (fx, 2);
  g_usleep (300 * 1000);
  kill_worker (worker);
  g_clear_object (&worker);
  curb_virtual_printer_set_unplugged (fx->vp, FALSE);
  worker = spawn_worker (fx);
  g_assert_true (curb_virtual_printer_wait_markers (fx->vp, 2, WAIT_MS));
  g_usleep (300 * 1000);
  kill_worker (worker);
  pages = curb_virtual_printer_take_pages (fx->vp);
  g_assert_cmpuint (curb_virtual_printer_get_n_markers (fx->vp), ==, 2);
  g_assert_cmpuint (pages_with (pages, "** REPRINT **", FALSE), ==, 0);
  g_assert_cmpuint (pending_on_disk (fx), ==, 0);
}

int
main (int argc, char **argv)
{
  int status;
  pt_init_env ();
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/printer/queue/killed-mid-job", Fixture, NULL, fixture_set_up, test_killed_mid_job, fixture_tear_down);
  g_test_add ("/printer/queue/killed-idle", Fixture, NULL, fixture_set_up, test_killed_idle, fixture_tear_down);
  status = g_test_run ();
  pt_release_fonts ();
  return status;
}
