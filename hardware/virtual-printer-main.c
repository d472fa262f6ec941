#include <glib-unix.h>
#include <locale.h>

#include "curb-virtual-printer.h"

static gboolean
on_signal (gpointer data)
{
  g_main_loop_quit (data);
  return G_SOURCE_REMOVE;
}

static int
run (CurbVirtualPrinter *printer)
{
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);

  g_unix_signal_add (SIGINT, on_signal, loop);
  g_unix_signal_add (SIGTERM, on_signal, loop);
  g_main_loop_run (loop);
  curb_virtual_printer_stop (printer);
  return 0;
}

int
main (int    argc,
      char **argv)
{
  int port = 9100, control_port = -1;
  g_autofree char *profile_name = NULL, *out_dir = NULL, *fifo = NULL;
  GOptionEntry entries[] = {
    { "port", 'p', 0, G_OPTION_ARG_INT, &port, "TCP port on 127.0.0.1 (default 9100, 0 picks one)", "PORT" },
    { "control-port", 'c', 0, G_OPTION_ARG_INT, &control_port, "Control port (default PORT+1, 0 picks one)", "PORT" },
    { "profile", 0, 0, G_OPTION_ARG_STRING, &profile_name, "Printer profile (default generic-80)", "NAME" },
    { "out-dir", 'o', 0, G_OPTION_ARG_FILENAME, &out_dir, "Where pages go as PNG (default ./virtual-printer)", "DIR" },
    { "fifo", 0, 0, G_OPTION_ARG_FILENAME, &fifo, "Also print what is written to this FIFO", "PATH" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("- an ESC/POS printer that draws to PNG");
  g_autoptr(GError) error = NULL;
  g_autoptr(CurbVirtualPrinter) printer = NULL;
  const CurbPrinterProfile *profile;

  setlocale (LC_ALL, "");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("curbside-virtual-printer: %s\n", error->message);
      return 2;
    }
  profile = profile_name != NULL ? curb_printer_profile_lookup (profile_name) : curb_printer_profile_default ();
  if (profile == NULL || port < 0 || port > 65535 || control_port > 65535)
    {
      g_printerr ("curbside-virtual-printer: bad profile or port\n");
      return 2;
    }
  if (control_port < 0)
    control_port = port == 0 ? 0 : port + 1;
  if (out_dir == NULL)
    out_dir = g_strdup ("virtual-printer");
  g_mkdir_with_parents (out_dir, 0755);
  printer = curb_virtual_printer_new (profile);
  curb_virtual_printer_set_output_dir (printer, out_dir);
  if (!curb_virtual_printer_listen (printer, (guint16) port, &error)
      || !curb_virtual_printer_listen_control (printer, (guint16) control_port, &error)
      || (fifo != NULL && !curb_virtual_printer_read_fifo (printer, fifo, &error)))
    {
      g_printerr ("curbside-virtual-printer: %s\n", error->message);
      return 1;
    }
  g_print ("printer tcp://127.0.0.1:%u control 127.0.0.1:%u profile %s pages in %s\n",
           curb_virtual_printer_get_port (printer), curb_virtual_printer_get_control_port (printer),
           profile->name, out_dir);
  return run (printer);
}
