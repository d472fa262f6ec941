/* A station's print worker in a process of its own, so a test can SIGKILL
 * it mid-job. Usage: printer-queue-worker DB URI PROFILE */
#include "curb-printer-queue.h"
#include "curb-printer-uri.h"

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CurbPrinter) printer = NULL;
  g_autoptr(CurbPrinterQueue) queue = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  const CurbPrinterProfile *profile;

  if (argc != 4 || (profile = curb_printer_profile_lookup (argv[3])) == NULL)
    {
      g_printerr ("usage: printer-queue-worker DB URI PROFILE\n");
      return 2;
    }
  printer = curb_printer_create (argv[2], &error);
  if (printer != NULL)
    queue = curb_printer_queue_new (argv[1], printer, profile, &error);
  if (queue == NULL)
    {
      g_printerr ("printer-queue-worker: %s\n", error->message);
      return 1;
    }
  curb_printer_queue_set_timing (queue, 50, 200);
  curb_printer_queue_start (queue);
  loop = g_main_loop_new (NULL, FALSE);
  g_main_loop_run (loop);
  return 0;
}
