#include <netinet/in.h>
#include <netinet/tcp.h>

#include "curb-printer-tcp.h"

#define CONNECT_TIMEOUT_S 3
#define WRITE_TIMEOUT_S   10

/* Raw TCP, "port 9100" / JetDirect style. */
struct _CurbPrinterTcp
{
  CurbPrinter         parent_instance;

  char               *host;
  guint16             port;
  GSocketConnection  *connection;
  GSocket            *socket;
};

G_DEFINE_FINAL_TYPE (CurbPrinterTcp, curb_printer_tcp, CURB_TYPE_PRINTER)

static gboolean
curb_printer_tcp_open (CurbPrinter  *printer,
                       GError      **error)
{
  CurbPrinterTcp *self = CURB_PRINTER_TCP (printer);
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GError) local_error = NULL;

  g_socket_client_set_timeout (client, CONNECT_TIMEOUT_S);
  self->connection = g_socket_client_connect_to_host (client, self->host, self->port, NULL, &local_error);
  if (self->connection == NULL)
    {
      g_set_error (error, CURB_HARDWARE_ERROR, CURB_HARDWARE_ERROR_PRINTER_OFFLINE,
                   "Cannot reach the printer at %s:%u: %s", self->host, self->port, local_error->message);
      return FALSE;
    }
  self->socket = g_object_ref (g_socket_connection_get_socket (self->connection));
  g_socket_set_timeout (self->socket, WRITE_TIMEOUT_S);
  g_socket_set_option (self->socket, IPPROTO_TCP, TCP_NODELAY, 1, NULL);
  return TRUE;
}

static void
curb_printer_tcp_close (CurbPrinter *printer)
{
  CurbPrinterTcp *self = CURB_PRINTER_TCP (printer);

  if (self->connection != NULL)
    g_io_stream_close (G_IO_STREAM (self->connection), NULL, NULL);
  g_clear_object (&self->socket);
  g_clear_object (&self->connection);
}

static gssize
io_error (GError **error,
          GError  *local_error)
{
  g_set_error (error, CURB_HARDWARE_ERROR, CURB_HARDWARE_ERROR_IO,
               "Printer connection lost: %s", local_error != NULL ? local_error->message : "closed");
  g_clear_error (&local_error);
  return -1;
}

static gssize
curb_printer_tcp_write (CurbPrinter   *printer,
                        const guint8  *data,
                        gsize          len,
                        GError       **error)
{
  CurbPrinterTcp *self = CURB_PRINTER_TCP (printer);
  GError *local_error = NULL;
  gssize n;

  n = g_socket_send_with_blocking (self->socket, (const char *) data, len, TRUE, NULL, &local_error);
  if (n <= 0)
    return io_error (error, local_error);
  return n;
}

static gssize
curb_printer_tcp_read (CurbPrinter  *printer,
                       guint8       *buf,
                       gsize         len,
                       guint         timeout_ms,
                       GError      **error)
{
  CurbPrinterTcp *self = CURB_PRINTER_TCP (printer);
  GError *local_error = NULL;
  gssize n;

  if (!g_socket_condition_timed_wait (self->socket, G_IO_IN, (gint64) timeout_ms * 1000, NULL, &local_error))
    {
      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
        {
          g_clear_error (&local_error);
          return 0;
        }
      return io_error (error, local_error);
    }
  n = g_socket_receive_with_blocking (self->socket, (char *) buf, len, FALSE, NULL, &local_error);
  if (n == 0 || (n < 0 && !g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK)))
    return io_error (error, local_error);
  if (n < 0)
    {
      g_clear_error (&local_error);
      return 0;
    }
  return n;
}

static void
curb_printer_tcp_finalize (GObject *object)
{
  CurbPrinterTcp *self = CURB_PRINTER_TCP (object);

  curb_printer_tcp_close (CURB_PRINTER (self));
  g_free (self->host);
  G_OBJECT_CLASS (curb_printer_tcp_parent_class)->finalize (object);
}

static void
curb_printer_tcp_class_init (CurbPrinterTcpClass *klass)
{
  CurbPrinterClass *printer_class = CURB_PRINTER_CLASS (klass);

  G_OBJECT_CLASS (klass)->finalize = curb_printer_tcp_finalize;
  printer_class->open = curb_printer_tcp_open;
  printer_class->close = curb_printer_tcp_close;
  printer_class->write = curb_printer_tcp_write;
  printer_class->read = curb_printer_tcp_read;
}

static void
curb_printer_tcp_init (CurbPrinterTcp *self)
{
}

/* tcp://HOST:PORT (port 9100 when absent). */
CurbPrinter *
curb_printer_tcp_new (const char  *uri,
                      GError     **error)
{
  g_autoptr(GUri) parsed = g_uri_parse (uri, G_URI_FLAGS_NONE, NULL);
  CurbPrinterTcp *self;

  if (parsed == NULL || g_uri_get_host (parsed) == NULL || *g_uri_get_host (parsed) == '\0'
      || g_uri_get_port (parsed) == 0 || g_uri_get_port (parsed) > 65535)
    {
      g_set_error (error, CURB_HARDWARE_ERROR, CURB_HARDWARE_ERROR_UNSUPPORTED,
                   "Not a printer address: “%s” (expected tcp://HOST:PORT)", uri);
      return NULL;
    }
  self = g_object_new (CURB_TYPE_PRINTER_TCP, "uri", uri, NULL);
  self->host = g_strdup (g_uri_get_host (parsed));
  self->port = g_uri_get_port (parsed) > 0 ? (guint16) g_uri_get_port (parsed) : 9100;
  return CURB_PRINTER (self);
}
