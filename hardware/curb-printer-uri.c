#include "curb-printer-uri.h"

#include "curb-hardware.h"
#include "curb-printer-device.h"
#include "curb-printer-tcp.h"

/**
 * curb_printer_create:
 * @uri: tcp://HOST:PORT, usb:/dev/usb/lp0, serial:/dev/ttyUSB0?baud=19200,
 *   file:/path (a file or FIFO)
 * @error: return location for a #CURB_HARDWARE_ERROR_UNSUPPORTED error
 *
 * A printer for @uri, not yet probed or opened (the print queue opens it
 * when it has something to print, and again after every failure).
 */
CurbPrinter *
curb_printer_create (const char  *uri,
                     GError     **error)
{
  g_return_val_if_fail (uri != NULL, NULL);

  if (g_str_has_prefix (uri, "tcp://"))
    return curb_printer_tcp_new (uri, error);
  if (g_str_has_prefix (uri, "usb:") || g_str_has_prefix (uri, "serial:")
      || g_str_has_prefix (uri, "file:"))
    return curb_printer_device_new (uri, error);
  g_set_error (error, CURB_HARDWARE_ERROR, CURB_HARDWARE_ERROR_UNSUPPORTED,
               "Unknown printer address “%s” (use tcp://, usb:, serial: or file:)", uri);
  return NULL;
}

/**
 * curb_printer_new_for_uri:
 * @uri: see curb_printer_create()
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #CURB_HARDWARE_ERROR error
 *
 * A printer that answered the probe: it opened and its status allows printing.
 */
CurbPrinter *
curb_printer_new_for_uri (const char    *uri,
                          GCancellable  *cancellable,
                          GError       **error)
{
  g_autoptr(CurbPrinter) printer = curb_printer_create (uri, error);

  if (printer == NULL || !g_initable_init (G_INITABLE (printer), cancellable, error))
    return NULL;
  return g_steal_pointer (&printer);
}
