#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <poll.h>
#include <pty.h>
#include <string.h>
#include <unistd.h>

#include "curb-escpos.h"
#include "curb-printer.h"
#include "curb-printer-logo.h"
#include "curb-receipt.h"
#include "curb-test-helpers.h"
#include "curb-virtual-printer.h"
#include "printer-test-support.h"
#include "curb-printer-uri.h"

#define WAIT_MS 10000

static GBytes *
sample_receipt (const CurbPrinterProfile *profile,
                const CurbBitmap         *logo)
{
  g_autoptr(CurbOrder) order = pt_load_sample_order ();
  CurbPrintContext context = pt_context;
  g_autoptr(GError) error = NULL;
  GBytes *bytes;

  context.logo = logo;
  bytes = curb_receipt_encode_pickup (profile, &context, order, "es", &error);
  g_assert_no_error (error);
  return bytes;
}

static void
test_file (void)
{
  g_autofree char *dir = curb_test_mkdtemp ();
  g_autofree char *path = g_build_filename (dir, "out.escpos", NULL);
  g_autofree char *uri = g_strconcat ("file:", path, NULL);
  g_autoptr(GBytes) bytes = sample_receipt (curb_printer_profile_default (), NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(CurbPrinter) printer = curb_printer_new_for_uri (uri, NULL, &error);
  g_autofree char *written = NULL;
  gsize len = 0;
  CurbPrinterStatus status = CURB_PRINTER_STATUS_ERROR;

  g_assert_no_error (error);
  g_assert_false (curb_printer_can_read (printer));
  g_assert_true (curb_printer_open (printer, &error));
  g_assert_true (curb_printer_query_status (printer, 100, &status, &error));
  g_assert_cmphex (status, ==, CURB_PRINTER_STATUS_OK);
  g_assert_true (curb_printer_write_all (printer, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), &error));
  curb_printer_close (printer);
  g_assert_true (g_file_get_contents (path, &written, &len, &error));
  g_assert_cmpmem (written, len, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  curb_test_rmdir (dir);
}

/* The virtual printer's FIFO endpoint prints what a file: printer writes. */
static void
test_fifo (void)
{
  const CurbPrinterProfile *profile = curb_printer_profile_lookup ("generic-58");
  g_autofree char *dir = curb_test_mkdtemp ();
  g_autofree char *fifo = g_build_filename (dir, "printer.fifo", NULL);
  g_autofree char *uri = g_strconcat ("file:", fifo, NULL);
  g_autoptr(CurbVirtualPrinter) vp = curb_virtual_printer_new (profile);
  g_autoptr(GBytes) bytes = sample_receipt (profile, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(CurbPrinter) printer = NULL;
  g_autoptr(GPtrArray) pages = NULL;
  g_auto(GStrv) codes = NULL;
  CurbVirtualPage *page;

  g_assert_true (curb_virtual_printer_read_fifo (vp, fifo, &error));
  printer = curb_printer_new_for_uri (uri, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (curb_printer_open (printer, &error));
  g_assert_true (curb_printer_write_all (printer, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), &error));
  curb_printer_close (printer);
  for (guint i = 0; i < WAIT_MS / 10 && curb_virtual_printer_get_n_pages (vp, FALSE) == 0; i++)
    g_usleep (10 * 1000);
  curb_virtual_printer_stop (vp);
  pages = curb_virtual_printer_take_pages (vp);
  g_assert_cmpuint (pages->len, ==, 1);
  page = g_ptr_array_index (pages, 0);
  g_assert_cmpint (cairo_image_surface_get_width (page->page->surface), ==, 384);
  codes = pt_decode_qr (page->page->surface);
  g_assert_cmpuint (g_strv_length (codes), ==, 1);
  g_assert_cmpstr (codes[0], ==, "https://shop.example.com/r/A7K3Q9");
  curb_test_rmdir (dir);
}

typedef struct
{
  int               master;
  CurbPrinterStatus fault;
  gboolean          stop;
  GByteArray       *received;
} FakeSerial;

static void
fake_answer (FakeSerial *fake)
{
  gsize offset = 0, used;
  CurbEscposCommand cmd;

  while ((used = curb_escpos_parse_next (fake->received->data + offset, fake->received->len - offset, &cmd)) > 0)
    {
      if (cmd.kind == CURB_ESCPOS_CMD_STATUS_REALTIME)
        {
          guint8 byte = curb_escpos_status_encode (cmd.n, fake->fault);
          g_assert_cmpint (write (fake->master, &byte, 1), ==, 1);
        }
      else if (cmd.kind == CURB_ESCPOS_CMD_PROCESS_ID)
        {
          guint8 answer[7] = { 0x37, 0x22, 0, 0, 0, 0, 0 };
          memcpy (answer + 2, cmd.data, 4);
          g_assert_cmpint (write (fake->master, answer, 7), ==, 7);
        }
      offset += used;
    }
  g_byte_array_remove_range (fake->received, 0, offset);
}

/* The printer end of a serial cable: answers status and process IDs. */
static gpointer
fake_serial_thread (gpointer data)
{
  FakeSerial *fake = data;

  while (!g_atomic_int_get (&fake->stop))
    {
      struct pollfd pfd = { fake->master, POLLIN, 0 };
      guint8 buf[512];
      gssize n;

      if (poll (&pfd, 1, 20) <= 0)
        continue;
      n = read (fake->master, buf, sizeof buf);
      if (n <= 0)
        continue;
      g_byte_array_append (fake->received, buf, (guint) n);
      fake_answer (fake);
    }
  return NULL;
}

static void
test_serial (void)
{
  FakeSerial fake = { .fault = CURB_PRINTER_STATUS_PAPER_NEAR_END, .received = g_byte_array_new () };
  int slave = -1;
  char name[256];
  g_autofree char *uri = NULL;
  g_autoptr(CurbPrinter) printer = NULL;
  g_autoptr(CurbPrinter) bad = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(CurbEscpos) escpos = curb_escpos_new (curb_printer_profile_default ());
  g_autoptr(GBytes) job = NULL;
  GThread *thread;
  CurbPrinterStatus status = CURB_PRINTER_STATUS_OK;

  g_assert_cmpint (openpty (&fake.master, &slave, name, NULL, NULL), ==, 0);
  uri = g_strdup_printf ("serial:%s?baud=19200", name);
  bad = curb_printer_create ("serial:/dev/ttyS0?baud=12345", &error);
  g_assert_error (error, CURB_HARDWARE_ERROR, CURB_HARDWARE_ERROR_UNSUPPORTED);
  g_clear_error (&error);
  thread = g_thread_new ("fake-serial", fake_serial_thread, &fake);
  printer = curb_printer_new_for_uri (uri, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (curb_printer_open (printer, &error));
  g_assert_true (curb_printer_query_status (printer, 1000, &status, &error));
  g_assert_cmphex (status, ==, CURB_PRINTER_STATUS_PAPER_NEAR_END);
  curb_escpos_initialize (escpos);
  curb_escpos_line (escpos, "Serial test");
  curb_escpos_process_id (escpos, "0815");
  job = curb_escpos_get_bytes (escpos);
  g_assert_true (curb_printer_write_all (printer, g_bytes_get_data (job, NULL), g_bytes_get_size (job), &error));
  g_assert_true (curb_printer_wait_process_id (printer, "0815", 2000, &error));
  g_assert_no_error (error);
  fake.fault = CURB_PRINTER_STATUS_COVER_OPEN;
  g_assert_true (curb_printer_query_status (printer, 1000, &status, &error));
  g_assert_cmphex (status & CURB_PRINTER_STATUS_COVER_OPEN, ==, CURB_PRINTER_STATUS_COVER_OPEN);
  g_atomic_int_set (&fake.stop, TRUE);
  g_thread_join (thread);
  curb_printer_close (printer);
  close (slave);
  close (fake.master);
  g_byte_array_unref (fake.received);
}

static void
test_bad_addresses (void)
{
  const char *bad[] = { "lpr://printer", "tcp://", "tcp://127.0.0.1:0", "usb:relative/lp0", "file:", "",
                        "usb:/dev/usb/lp0?baud=9600", "serial:/dev/ttyS0?parity=odd" };
  g_autoptr(CurbPrinter) one_way = curb_printer_create ("usb:///dev/usb/lp0?status=none", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(CurbPrinter) missing = NULL;
  g_autoptr(CurbPrinter) refused = NULL;
  g_autoptr(GSocket) socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, 0, NULL);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autofree char *closed_uri = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(CurbPrinter) printer = curb_printer_create (bad[i], &error);
      g_assert_null (printer);
      g_assert_error (error, CURB_HARDWARE_ERROR, CURB_HARDWARE_ERROR_UNSUPPORTED);
      g_clear_error (&error);
    }
  g_assert_false (curb_printer_can_read (one_way));
  missing = curb_printer_new_for_uri ("usb:///dev/usb/no-such-lp9", NULL, &error);
  g_assert_null (missing);
  g_assert_error (error, CURB_HARDWARE_ERROR, CURB_HARDWARE_ERROR_PRINTER_OFFLINE);
  g_clear_error (&error);
  /* A port nobody listens on: bind one and never listen. */
  g_assert_true (g_socket_bind (socket, any, TRUE, NULL));
  bound = g_socket_get_local_address (socket, NULL);
  closed_uri = g_strdup_printf ("tcp://127.0.0.1:%u", g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound)));
  refused = curb_printer_new_for_uri (closed_uri, NULL, &error);
  g_assert_null (refused);
  g_assert_error (error, CURB_HARDWARE_ERROR, CURB_HARDWARE_ERROR_PRINTER_OFFLINE);
}

static void
test_probe (void)
{
  g_autoptr(CurbVirtualPrinter) vp = curb_virtual_printer_new (curb_printer_profile_default ());
  g_autoptr(GError) error = NULL;
  g_autofree char *uri = NULL;
  g_autoptr(CurbPrinter) ok = NULL;
  g_autoptr(CurbPrinter) paper = NULL;
  g_autoptr(CurbPrinter) cover = NULL;

  g_assert_true (curb_virtual_printer_listen (vp, 0, &error));
  uri = g_strdup_printf ("tcp://127.0.0.1:%u", curb_virtual_printer_get_port (vp));
  ok = curb_printer_new_for_uri (uri, NULL, &error);
  g_assert_no_error (error);
  curb_virtual_printer_set_fault (vp, CURB_PRINTER_STATUS_PAPER_OUT);
  paper = curb_printer_new_for_uri (uri, NULL, &error);
  g_assert_error (error, CURB_HARDWARE_ERROR, CURB_HARDWARE_ERROR_PAPER_OUT);
  g_clear_error (&error);
  curb_virtual_printer_set_fault (vp, CURB_PRINTER_STATUS_COVER_OPEN);
  cover = curb_printer_new_for_uri (uri, NULL, &error);
  g_assert_error (error, CURB_HARDWARE_ERROR, CURB_HARDWARE_ERROR_COVER_OPEN);
  curb_virtual_printer_stop (vp);
}

static char *
control (GSocketConnection *connection,
         const char        *line)
{
  GOutputStream *out = g_io_stream_get_output_stream (G_IO_STREAM (connection));
  g_autoptr(GDataInputStream) in = g_data_input_stream_new (g_io_stream_get_input_stream (G_IO_STREAM (connection)));
  g_autofree char *request = g_strconcat (line, "\n", NULL);

  g_filter_input_stream_set_close_base_stream (G_FILTER_INPUT_STREAM (in), FALSE);
  g_assert_true (g_output_stream_write_all (out, request, strlen (request), NULL, NULL, NULL));
  return g_data_input_stream_read_line (in, NULL, NULL, NULL);
}

/* What store IT (or the demo) types into the control port. */
static void
test_control_port (void)
{
  g_autoptr(CurbVirtualPrinter) vp = curb_virtual_printer_new (curb_printer_profile_default ());
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) connection = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *a = NULL, *b = NULL, *c = NULL, *d = NULL, *e = NULL;

  g_assert_true (curb_virtual_printer_listen (vp, 0, &error));
  g_assert_true (curb_virtual_printer_listen_control (vp, 0, &error));
  connection = g_socket_client_connect_to_host (client, "127.0.0.1", curb_virtual_printer_get_control_port (vp),
                                                NULL, &error);
  g_assert_no_error (error);
  a = control (connection, "paper-out");
  b = control (connection, "status");
  c = control (connection, "fault-after cover-open 10");
  d = control (connection, "explode");
  e = control (connection, "clear");
  g_assert_cmpstr (a, ==, "ok");
  g_assert_true (g_str_has_prefix (b, "fault=paper-out pages=0 fragments=0 markers=0"));
  g_assert_cmpstr (c, ==, "ok");
  g_assert_true (g_str_has_prefix (d, "error:"));
  g_assert_cmpstr (e, ==, "ok");
  g_assert_cmphex (curb_virtual_printer_get_fault (vp), ==, CURB_PRINTER_STATUS_OK);
  g_io_stream_close (G_IO_STREAM (connection), NULL, NULL);
  curb_virtual_printer_stop (vp);
}

static void
write_png_logo (const char *path,
                int         width)
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width, 40);
  cairo_t *cr = cairo_create (surface);

  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  cairo_set_source_rgb (cr, 0, 0, 0);
  cairo_rectangle (cr, 0, 0, width / 2.0, 40);
  cairo_fill (cr);
  cairo_destroy (cr);
  g_assert_cmpint (cairo_surface_write_to_png (surface, path), ==, CAIRO_STATUS_SUCCESS);
  cairo_surface_destroy (surface);
}

/* A store logo from PNG or PGM, thresholded to 1 bit and fitted to the paper. */
static void
test_logo (void)
{
  const CurbPrinterProfile *profile = curb_printer_profile_lookup ("generic-80");
  g_autofree char *dir = curb_test_mkdtemp ();
  g_autofree char *png = g_build_filename (dir, "logo.png", NULL);
  g_autofree char *wide = g_build_filename (dir, "wide.png", NULL);
  g_autofree char *pgm = g_build_filename (dir, "logo.pgm", NULL);
  g_autofree char *junk = g_build_filename (dir, "logo.txt", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(CurbBitmap) logo = NULL;
  g_autoptr(CurbBitmap) scaled = NULL;
  g_autoptr(CurbBitmap) gray = NULL;
  g_autoptr(CurbBitmap) none = NULL;
  g_autoptr(GBytes) receipt = NULL;
  g_autoptr(GPtrArray) pages = NULL;
  g_auto(GStrv) codes = NULL;
  CurbRenderedPage *page;
  static const char pgm_data[] = "P5\n# logo\n4 2\n255\n\x00\xff\x00\xff\xff\x00\xff\x00";

  write_png_logo (png, 100);
  write_png_logo (wide, 1000);
  g_assert_true (g_file_set_contents (pgm, pgm_data, sizeof pgm_data - 1, NULL));
  g_assert_true (g_file_set_contents (junk, "hello", -1, NULL));
  logo = curb_printer_logo_load (png, profile->dots, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (logo->width, ==, 100);
  g_assert_true (curb_bitmap_get (logo, 10, 20));
  g_assert_false (curb_bitmap_get (logo, 90, 20));
  scaled = curb_printer_logo_load (wide, profile->dots, &error);
  g_assert_cmpuint (scaled->width, ==, 576);
  g_assert_cmpuint (scaled->height, ==, 23);
  gray = curb_printer_logo_load (pgm, profile->dots, &error);
  g_assert_no_error (error);
  g_assert_true (curb_bitmap_get (gray, 0, 0));
  g_assert_false (curb_bitmap_get (gray, 1, 0));
  g_assert_false (curb_bitmap_get (gray, 0, 1));
  none = curb_printer_logo_load (junk, profile->dots, &error);
  g_assert_error (error, CURB_HARDWARE_ERROR, CURB_HARDWARE_ERROR_UNSUPPORTED);

  receipt = sample_receipt (profile, logo);
  pages = pt_render (profile, receipt);
  page = g_ptr_array_index (pages, 0);
  g_assert_true (g_str_has_prefix (page->text, "[IMAGE 104x40]\n"));
  codes = pt_decode_qr (page->surface);
  g_assert_cmpuint (g_strv_length (codes), ==, 1);
  curb_test_rmdir (dir);
}

static char *
run_ctl (int          *status,
         const char  *first,
         ...)
{
  g_autofree char *ctl = curb_test_build_path ("ctl", "curbside-ctl");
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *lsan = NULL;
  char *out = NULL;
  va_list args;

  g_ptr_array_add (argv, ctl);
  va_start (args, first);
  for (const char *arg = first; arg != NULL; arg = va_arg (args, const char *))
    g_ptr_array_add (argv, (gpointer) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  lsan = g_strdup_printf ("suppressions=%s", pt_lsan_suppressions ());
  g_subprocess_launcher_setenv (launcher, "LSAN_OPTIONS", lsan, TRUE);
  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_communicate_utf8 (process, NULL, NULL, &out, NULL, &error));
  *status = g_subprocess_get_exit_status (process);
  return out;
}

/* curbside-ctl print-preview: the real encoder and renderer, to a PNG that scans. */
static void
test_ctl_preview (void)
{
  g_autofree char *dir = curb_test_mkdtemp ();
  g_autofree char *png = g_build_filename (dir, "label.png", NULL);
  g_autofree char *out = NULL;
  cairo_surface_t *surface;
  g_auto(GStrv) codes = NULL;
  int status = -1;

  out = run_ctl (&status, "print-preview", "--template", "label", "--bag", "2", "--lang", "es",
                 "--profile", "generic-58", "--out", png, NULL);
  g_assert_cmpint (status, ==, 0);
  surface = cairo_image_surface_create_from_png (png);
  g_assert_cmpint (cairo_image_surface_get_width (surface), ==, 384);
  codes = pt_decode_qr (surface);
  cairo_surface_destroy (surface);
  g_assert_cmpstrv (codes, ((const char *[]) { "CB1:A7K3Q9:2/4", NULL }));
  g_free (out);
  out = run_ctl (&status, "print-preview", "--template", "poster", "--out", png, NULL);
  g_assert_cmpint (status, ==, 1);
  curb_test_rmdir (dir);
}

/* curbside-ctl print-test says in plain words what is wrong. */
static void
test_ctl_print_test (void)
{
  g_autoptr(CurbVirtualPrinter) vp = curb_virtual_printer_new (curb_printer_profile_default ());
  g_autoptr(GError) error = NULL;
  g_autofree char *uri = NULL;
  g_autofree char *ok = NULL;
  g_autofree char *paper = NULL;
  int status = -1;

  g_assert_true (curb_virtual_printer_listen (vp, 0, &error));
  uri = g_strdup_printf ("tcp://127.0.0.1:%u", curb_virtual_printer_get_port (vp));
  ok = run_ctl (&status, "print-test", "--printer", uri, "--station", "kiosk 2", NULL);
  g_assert_cmpint (status, ==, 0);
  g_assert_nonnull (strstr (ok, "Test page printed."));
  g_assert_cmpuint (curb_virtual_printer_get_n_pages (vp, FALSE), ==, 1);
  curb_virtual_printer_set_fault (vp, CURB_PRINTER_STATUS_PAPER_OUT);
  paper = run_ctl (&status, "print-test", "--printer", uri, "--station", "kiosk 2", NULL);
  g_assert_cmpint (status, ==, 1);
  g_assert_nonnull (strstr (paper, "Receipt printer at kiosk 2 is out of paper"));
  curb_virtual_printer_stop (vp);
}

/* The curbside-virtual-printer program, as store IT and the demo run it. */
static void
test_virtual_printer_program (void)
{
  g_autofree char *program = curb_test_build_path ("hardware", "curbside-virtual-printer");
  g_autofree char *dir = curb_test_mkdtemp ();
  g_autofree char *png = g_build_filename (dir, "page-0001.png", NULL);
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_autoptr(GSubprocess) printer = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *banner = NULL;
  g_autofree char *uri = NULL;
  g_autofree char *report = NULL;
  g_autofree char *lsan = g_strdup_printf ("suppressions=%s", pt_lsan_suppressions ());
  unsigned port = 0, control = 0;
  cairo_surface_t *surface;
  g_auto(GStrv) codes = NULL;
  int status = -1;

  g_subprocess_launcher_setenv (launcher, "LSAN_OPTIONS", lsan, TRUE);
  g_subprocess_launcher_set_child_setup (launcher, pt_die_with_parent, NULL, NULL);
  printer = g_subprocess_launcher_spawn (launcher, &error, program, "--port", "0", "--profile", "generic-58",
                                         "--out-dir", dir, NULL);
  g_assert_no_error (error);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (printer));
  banner = g_data_input_stream_read_line (out, NULL, NULL, &error);
  g_assert_nonnull (banner);
  g_assert_cmpint (sscanf (banner, "printer tcp://127.0.0.1:%u control 127.0.0.1:%u", &port, &control), ==, 2);
  uri = g_strdup_printf ("tcp://127.0.0.1:%u", port);
  report = run_ctl (&status, "print-test", "--printer", uri, "--profile", "generic-58", NULL);
  g_assert_cmpint (status, ==, 0);
  g_subprocess_send_signal (printer, SIGTERM);
  g_assert_true (g_subprocess_wait_check (printer, NULL, &error));
  surface = cairo_image_surface_create_from_png (png);
  g_assert_cmpint (cairo_image_surface_get_width (surface), ==, 384);
  codes = pt_decode_qr (surface);
  cairo_surface_destroy (surface);
  g_assert_cmpstrv (codes, ((const char *[]) { "CURBSIDE-TEST", NULL }));
  curb_test_rmdir (dir);
}

int
main (int argc, char **argv)
{
  int status;
  pt_init_env ();
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/printer/transport/file", test_file);
  g_test_add_func ("/printer/transport/fifo", test_fifo);
  g_test_add_func ("/printer/transport/serial", test_serial);
  g_test_add_func ("/printer/transport/bad-addresses", test_bad_addresses);
  g_test_add_func ("/printer/transport/probe", test_probe);
  g_test_add_func ("/printer/virtual/control-port", test_control_port);
  g_test_add_func ("/printer/logo", test_logo);
  g_test_add_func ("/printer/ctl/print-preview", test_ctl_preview);
  g_test_add_func ("/printer/ctl/print-test", test_ctl_print_test);
  g_test_add_func ("/printer/virtual/program", test_virtual_printer_program);
  status = g_test_run ();
  pt_release_fonts ();
  return status;
}
