#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "curb-printer-device.h"

typedef enum
{
  DEVICE_USB,     /* /dev/usb/lpN: USB printer class, bidirectional */
  DEVICE_SERIAL,  /* a tty, set raw at the configured baud rate */
  DEVICE_FILE,    /* a file or FIFO: write only, no status */
} DeviceKind;

struct _CurbPrinterDevice
{
  CurbPrinter  parent_instance;

  DeviceKind   kind;
  char        *path;
  guint        baud;
  gboolean     rtscts;
  gboolean     no_status;
  int          fd;
};

G_DEFINE_FINAL_TYPE (CurbPrinterDevice, curb_printer_device, CURB_TYPE_PRINTER)

static void
close_fd (CurbPrinterDevice *self)
{
  if (self->fd >= 0)
    close (self->fd);
  self->fd = -1;
}

static const struct { guint rate; speed_t speed; } bauds[] = {
  { 9600, B9600 }, { 19200, B19200 }, { 38400, B38400 }, { 57600, B57600 }, { 115200, B115200 },
};

static gboolean
speed_for (guint    rate,
           speed_t *out)
{
  for (guint i = 0; i < G_N_ELEMENTS (bauds); i++)
    if (bauds[i].rate == rate)
      {
        *out = bauds[i].speed;
        return TRUE;
      }
  return FALSE;
}

static int
open_error (GError     **error,
            const char  *path,
            int          errsv)
{
  int code = errsv == ENOENT || errsv == ENODEV || errsv == ENXIO
             ? CURB_HARDWARE_ERROR_PRINTER_OFFLINE : CURB_HARDWARE_ERROR_IO;

  g_set_error (error, CURB_HARDWARE_ERROR, code, "Cannot open the printer %s: %s", path, g_strerror (errsv));
  return -1;
}

static gboolean
setup_serial (CurbPrinterDevice  *self,
              GError            **error)
{
  struct termios tio;
  speed_t speed = B19200;

  speed_for (self->baud, &speed);
  if (tcgetattr (self->fd, &tio) < 0)
    return open_error (error, self->path, errno) == 0;
  cfmakeraw (&tio);
  cfsetispeed (&tio, speed);
  cfsetospeed (&tio, speed);
  tio.c_cflag |= CLOCAL | CREAD;
  tio.c_cflag &= ~(CSTOPB | PARENB);
  if (self->rtscts)
    tio.c_cflag |= CRTSCTS;
  else
    tio.c_cflag &= ~CRTSCTS;
  tio.c_cc[VMIN] = 0;
  tio.c_cc[VTIME] = 0;
  if (tcsetattr (self->fd, TCSANOW, &tio) < 0)
    return open_error (error, self->path, errno) == 0;
  return TRUE;
}

static gboolean
curb_printer_device_open (CurbPrinter  *printer,
                          GError      **error)
{
  CurbPrinterDevice *self = CURB_PRINTER_DEVICE (printer);
  int flags = self->kind == DEVICE_FILE ? O_WRONLY | O_CREAT | O_APPEND | O_NONBLOCK
                                        : O_RDWR | O_NOCTTY | O_NONBLOCK;

  self->fd = open (self->path, flags | O_CLOEXEC, 0644);
  if (self->fd < 0)
    return open_error (error, self->path, errno) == 0;
  if (self->kind == DEVICE_SERIAL && !setup_serial (self, error))
    {
      close_fd (self);
      return FALSE;
    }
  return TRUE;
}

static void
curb_printer_device_close (CurbPrinter *printer)
{
  CurbPrinterDevice *self = CURB_PRINTER_DEVICE (printer);

  close_fd (self);
}

static gboolean
wait_fd (int    fd,
         short  events,
         int    timeout_ms)
{
  struct pollfd pfd = { fd, events, 0 };
  int r;

  do
    r = poll (&pfd, 1, timeout_ms);
  while (r < 0 && errno == EINTR);
  return r > 0;
}

static gssize
io_error (GError     **error,
          const char  *path,
          int          errsv)
{
  g_set_error (error, CURB_HARDWARE_ERROR, CURB_HARDWARE_ERROR_IO,
               "Printer %s: %s", path, errsv != 0 ? g_strerror (errsv) : "disconnected");
  return -1;
}

static gssize
curb_printer_device_write (CurbPrinter   *printer,
                           const guint8  *data,
                           gsize          len,
                           GError       **error)
{
  CurbPrinterDevice *self = CURB_PRINTER_DEVICE (printer);
  gssize n;

  for (;;)
    {
      n = write (self->fd, data, len);
      if (n >= 0)
        return n;
      if (errno == EINTR)
        continue;
      if ((errno != EAGAIN && errno != EWOULDBLOCK) || !wait_fd (self->fd, POLLOUT, 10000))
        return io_error (error, self->path, errno == EAGAIN ? ETIMEDOUT : errno);
    }
}

static gssize
curb_printer_device_read (CurbPrinter  *printer,
                          guint8       *buf,
                          gsize         len,
                          guint         timeout_ms,
                          GError      **error)
{
  CurbPrinterDevice *self = CURB_PRINTER_DEVICE (printer);
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_ms * 1000;

  /* Some USB printers signal readiness before data: poll, then retry briefly. */
  for (;;)
    {
      gint64 left = (deadline - g_get_monotonic_time ()) / 1000;
      gssize n;

      if (left <= 0 || !wait_fd (self->fd, POLLIN, (int) MIN (left, 50)))
        {
          if (left <= 0)
            return 0;
          continue;
        }
      n = read (self->fd, buf, len);
      if (n > 0)
        return n;
      if (n == 0 && self->kind == DEVICE_USB)
        continue;
      if (n < 0 && (errno == EAGAIN || errno == EINTR))
        continue;
      if (n == 0)
        continue;
      return io_error (error, self->path, errno);
    }
}

static gboolean
curb_printer_device_can_read (CurbPrinter *printer)
{
  CurbPrinterDevice *self = CURB_PRINTER_DEVICE (printer);

  return self->kind != DEVICE_FILE && !self->no_status;
}

static void
curb_printer_device_finalize (GObject *object)
{
  CurbPrinterDevice *self = CURB_PRINTER_DEVICE (object);

  close_fd (self);
  g_free (self->path);
  G_OBJECT_CLASS (curb_printer_device_parent_class)->finalize (object);
}

static void
curb_printer_device_class_init (CurbPrinterDeviceClass *klass)
{
  CurbPrinterClass *printer_class = CURB_PRINTER_CLASS (klass);

  G_OBJECT_CLASS (klass)->finalize = curb_printer_device_finalize;
  printer_class->open = curb_printer_device_open;
  printer_class->close = curb_printer_device_close;
  printer_class->write = curb_printer_device_write;
  printer_class->read = curb_printer_device_read;
  printer_class->can_read = curb_printer_device_can_read;
}

static void
curb_printer_device_init (CurbPrinterDevice *self)
{
  self->fd = -1;
  self->baud = 19200;
}

static gboolean
parse_options (CurbPrinterDevice  *self,
               const char         *query,
               GError            **error)
{
  g_auto(GStrv) pairs = g_strsplit (query, "&", -1);
  speed_t speed;

  for (guint i = 0; pairs[i] != NULL; i++)
    {
      if (g_str_has_prefix (pairs[i], "baud=") && self->kind == DEVICE_SERIAL)
        {
          self->baud = (guint) g_ascii_strtoull (pairs[i] + 5, NULL, 10);
          if (!speed_for (self->baud, &speed))
            {
              g_set_error (error, CURB_HARDWARE_ERROR, CURB_HARDWARE_ERROR_UNSUPPORTED,
                           "Unsupported baud rate “%s” (9600, 19200, 38400, 57600, 115200)", pairs[i] + 5);
              return FALSE;
            }
        }
      else if (g_str_equal (pairs[i], "flow=rtscts"))
        self->rtscts = TRUE;
      else if (g_str_equal (pairs[i], "status=none"))
        self->no_status = TRUE;
      else
        {
          g_set_error (error, CURB_HARDWARE_ERROR, CURB_HARDWARE_ERROR_UNSUPPORTED,
                       "Unknown printer option “%s” (baud=N, flow=rtscts, status=none)", pairs[i]);
          return FALSE;
        }
    }
  return TRUE;
}

/* usb:/dev/usb/lp0, serial:/dev/ttyUSB0?baud=19200&flow=rtscts, file:/path;
 * "status=none" for a printer that never answers (one-way USB/serial). */
CurbPrinter *
curb_printer_device_new (const char  *uri,
                         GError     **error)
{
  g_autoptr(CurbPrinterDevice) self = g_object_new (CURB_TYPE_PRINTER_DEVICE, "uri", uri, NULL);
  const char *colon = strchr (uri, ':');
  const char *query = strchr (uri, '?');

  if (g_str_has_prefix (uri, "usb:"))
    self->kind = DEVICE_USB;
  else if (g_str_has_prefix (uri, "serial:"))
    self->kind = DEVICE_SERIAL;
  else
    self->kind = DEVICE_FILE;
  self->path = query != NULL && self->kind != DEVICE_FILE
               ? g_strndup (colon + 1, query - colon - 1) : g_strdup (colon + 1);
  if (g_str_has_prefix (self->path, "//"))
    memmove (self->path, self->path + 2, strlen (self->path + 2) + 1);
  if (!g_path_is_absolute (self->path))
    {
      g_set_error (error, CURB_HARDWARE_ERROR, CURB_HARDWARE_ERROR_UNSUPPORTED,
                   "The printer path in “%s” must be absolute", uri);
      return NULL;
    }
  if (query != NULL && self->kind != DEVICE_FILE && !parse_options (self, query + 1, error))
    return NULL;
  return CURB_PRINTER (g_steal_pointer (&self));
}
