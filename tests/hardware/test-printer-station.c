#include <string.h>

#include "curb-error.h"
#include "curb-label.h"
#include "curb-printer-station.h"
#include "curb-test-helpers.h"
#include "curb-virtual-printer.h"
#include "printer-test-support.h"

#define WAIT_MS 10000

typedef struct
{
  char               *dir;
  char               *queue_path;
  char               *uri;
  CurbVirtualPrinter *vp;
  JsonNode           *order;
} Fixture;

static void
fixture_set_up (Fixture       *fx,
                gconstpointer  data)
{
  g_autofree char *json_path = pt_golden_path ("order-sample.json");
  g_autoptr(GError) error = NULL;

  fx->dir = curb_test_mkdtemp ();
  fx->queue_path = g_build_filename (fx->dir, "print-queue.db", NULL);
  fx->vp = curb_virtual_printer_new (curb_printer_profile_lookup ("generic-58"));
  g_assert_true (curb_virtual_printer_listen (fx->vp, 0, &error));
  fx->uri = g_strdup_printf ("tcp://127.0.0.1:%u", curb_virtual_printer_get_port (fx->vp));
  {
    g_autoptr(JsonParser) parser = json_parser_new ();
    g_assert_true (json_parser_load_from_file (parser, json_path, &error));
    fx->order = json_node_copy (json_parser_get_root (parser));
  }
}

static void
fixture_tear_down (Fixture       *fx,
                   gconstpointer  data)
{
  curb_virtual_printer_stop (fx->vp);
  g_object_unref (fx->vp);
  json_node_unref (fx->order);
  curb_test_rmdir (fx->dir);
  g_free (fx->dir);
  g_free (fx->queue_path);
  g_free (fx->uri);
}

static CurbPrinterStation *
new_station (Fixture         *fx,
             CurbPrinterRole  role,
             GError         **error)
{
  CurbPrinterStationSetup setup = {
    .uri = fx->uri, .profile = "generic-58", .station = "staging 1", .role = role,
    .queue_path = fx->queue_path, .store_name = "Curbside Market",
    .receipt_url = "https://shop.example.com/r/",
  };

  return curb_printer_station_new (&setup, error);
}

static void
on_printed (GObject      *source,
            GAsyncResult *result,
            gpointer      data)
{
  GError **error = data;

  g_assert_true (curb_printer_station_print_finish (CURB_PRINTER_STATION (source), result, error)
                 || *error != NULL);
  if (*error == NULL)
    *error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_NONE, "done");
}

/* Runs the main loop until the print call finished; returns its error, or NULL. */
static GError *
print_and_wait (CurbPrinterStation *station,
                CurbPrintKind       kind,
                JsonNode           *order,
                const char         *lang)
{
  GError *result = NULL;

  curb_printer_station_print_async (station, kind, order, lang, NULL, on_printed, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  if (g_error_matches (result, G_IO_ERROR, G_IO_ERROR_NONE))
    g_clear_error (&result);
  return result;
}

/* What the apps do: a receipt, a ticket and the bag labels from the hub's
 * order JSON, all on paper once, every QR code scanning back. */
static void
test_print_everything (Fixture       *fx,
                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CurbPrinterStation) station = new_station (fx, CURB_PRINTER_ROLE_LABEL, &error);
  g_autoptr(GPtrArray) pages = NULL;
  CurbPrinterQueue *queue;

  g_assert_no_error (error);
  queue = curb_printer_station_get_queue (station);
  g_assert_null (print_and_wait (station, CURB_PRINT_RECEIPT, fx->order, NULL));
  g_assert_null (print_and_wait (station, CURB_PRINT_BAG_LABELS, fx->order, "es"));
  g_assert_null (print_and_wait (station, CURB_PRINT_TICKET, fx->order, "en"));
  g_assert_true (curb_printer_queue_wait_idle (queue, WAIT_MS));
  g_assert_true (curb_virtual_printer_wait_markers (fx->vp, 6, WAIT_MS));
  pages = curb_virtual_printer_take_pages (fx->vp);
  g_assert_cmpuint (pages->len, ==, 6);
  for (guint i = 0; i < 5; i++)
    {
      CurbVirtualPage *page = g_ptr_array_index (pages, i);
      g_auto(GStrv) codes = pt_decode_qr (page->page->surface);
      g_autofree char *want = i == 0 ? g_strdup ("https://shop.example.com/r/A7K3Q9")
                                     : curb_label_bag_code ("A7K3Q9", i, 4);

      g_assert_cmpstrv (codes, ((const char *[]) { want, NULL }));
    }
  g_assert_nonnull (strstr (((CurbVirtualPage *) pages->pdata[0])->page->text, "Recibo de recogida"));
  g_assert_nonnull (strstr (((CurbVirtualPage *) pages->pdata[5])->page->text, "we're on our way"));
  curb_printer_queue_stop (queue);
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

/* Bad input is refused with a clear error and queues nothing. */
static void
test_refuses_bad_input (Fixture       *fx,
                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CurbPrinterStation) station = new_station (fx, CURB_PRINTER_ROLE_RECEIPT, &error);
  g_autoptr(JsonNode) no_ref = json_from_string ("{\"first_name\":\"Sam\"}", NULL);
  g_autoptr(JsonNode) no_bags = json_from_string ("{\"ref\":\"B2\",\"bags\":{}}", NULL);
  g_autoptr(GError) first = NULL;
  g_autoptr(GError) second = NULL;
  CurbPrinterStationSetup bad = { .uri = fx->uri, .profile = "no-such-printer", .queue_path = fx->queue_path };
  CurbPrinterStationSetup no_logo = { .uri = fx->uri, .queue_path = fx->queue_path, .logo_path = "/nonexistent.png" };
  g_autoptr(CurbPrinterStation) none = NULL;
  g_autoptr(CurbPrinterStation) unlogoed = NULL;

  first = print_and_wait (station, CURB_PRINT_RECEIPT, no_ref, NULL);
  second = print_and_wait (station, CURB_PRINT_BAG_LABELS, no_bags, NULL);
  g_assert_error (first, CURB_ERROR, CURB_ERROR_INVALID);
  g_assert_error (second, CURB_ERROR, CURB_ERROR_INVALID);
  g_assert_cmpuint (curb_printer_queue_get_pending (curb_printer_station_get_queue (station)), ==, 0);
  none = curb_printer_station_new (&bad, &error);
  g_assert_error (error, CURB_HARDWARE_ERROR, CURB_HARDWARE_ERROR_UNSUPPORTED);
  g_clear_error (&error);
  unlogoed = curb_printer_station_new (&no_logo, &error);
  g_assert_null (unlogoed);
  g_assert_nonnull (error);
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

int
main (int argc, char **argv)
{
  int status;

  pt_init_env ();
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/printer/station/print-everything", Fixture, NULL, fixture_set_up, test_print_everything,
              fixture_tear_down);
  g_test_add ("/printer/station/refuses-bad-input", Fixture, NULL, fixture_set_up, test_refuses_bad_input,
              fixture_tear_down);
  status = g_test_run ();
  pt_release_fonts ();
  return status;
}
