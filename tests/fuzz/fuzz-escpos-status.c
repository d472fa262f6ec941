/* ESC/POS status replies: the bytes a printer (or anything on port 9100)
 * sends back, fed to the real status queries (DLE EOT 1-4), the job marker
 * wait and the drain of CurbPrinter through a transport that plays them.
 * Properties: every query ends (answer, or an error and the printer
 * closed), reported status flags are known ones, and what a status byte
 * reports survives an encode/parse round trip. */
#include "curb-printer.h"
#include "fuzz-target.h"

#define KNOWN_FLAGS (CURB_PRINTER_STATUS_OFFLINE | CURB_PRINTER_STATUS_COVER_OPEN | CURB_PRINTER_STATUS_PAPER_OUT \
                     | CURB_PRINTER_STATUS_PAPER_NEAR_END | CURB_PRINTER_STATUS_ERROR | CURB_PRINTER_STATUS_UNREACHABLE)

#define FUZZ_TYPE_PRINTER (fuzz_printer_get_type ())
G_DECLARE_FINAL_TYPE (FuzzPrinter, fuzz_printer, FUZZ, PRINTER, CurbPrinter)

struct _FuzzPrinter
{
  CurbPrinter   parent_instance;
  const guint8 *data;
  gsize         left;
  gboolean      open;
};

G_DEFINE_FINAL_TYPE (FuzzPrinter, fuzz_printer, CURB_TYPE_PRINTER)

static gboolean
fuzz_open (CurbPrinter  *printer,
           GError      **error)
{
  FUZZ_PRINTER (printer)->open = TRUE;
  return TRUE;
}

static void
fuzz_close (CurbPrinter *printer)
{
  FUZZ_PRINTER (printer)->open = FALSE;
}

static gssize
fuzz_write (CurbPrinter   *printer,
            const guint8  *data,
            gsize          len,
            GError       **error)
{
  return (gssize) len;
}

/* What the "printer" answers; when it has said all, the line drops. */
static gssize
fuzz_read (CurbPrinter  *printer,
           guint8       *buf,
           gsize         len,
           guint         timeout_ms,
           GError      **error)
{
  FuzzPrinter *self = FUZZ_PRINTER (printer);
  gsize n = MIN (len, self->left);

  if (n == 0)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED, "the printer went away");
      return -1;
    }
  memcpy (buf, self->data, n);
  self->data += n;
  self->left -= n;
  return (gssize) n;
}

static void
fuzz_printer_class_init (FuzzPrinterClass *klass)
{
  CurbPrinterClass *printer_class = CURB_PRINTER_CLASS (klass);

  printer_class->open = fuzz_open;
  printer_class->close = fuzz_close;
  printer_class->write = fuzz_write;
  printer_class->read = fuzz_read;
}

static void
fuzz_printer_init (FuzzPrinter *self)
{
}

static void
check_bytes (const uint8_t *data,
             size_t         size)
{
  for (size_t i = 0; i < MIN (size, 64); i++)
    for (guint query = 1; query <= 4; query++)
      {
        CurbPrinterStatus status = curb_escpos_status_parse (query, data[i]);
        g_autofree char *text = curb_printer_status_to_string (status);

        g_assert ((status & ~KNOWN_FLAGS) == 0);
        g_assert (text != NULL);
        /* what a printer reported survives being said again (the virtual
         * printer's side): nothing is lost, nothing becomes fine */
        if (curb_escpos_status_byte_valid (data[i]))
          g_assert ((curb_escpos_status_parse (query, curb_escpos_status_encode (query, status)) & status) == status);
      }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(FuzzPrinter) printer = g_object_new (FUZZ_TYPE_PRINTER, "uri", "fuzz://", NULL);
  g_autoptr(GError) error = NULL;
  CurbPrinterStatus status = CURB_PRINTER_STATUS_OK;

  check_bytes (data, size);
  printer->data = data;
  printer->left = size;
  g_assert (curb_printer_open (CURB_PRINTER (printer), NULL));
  if (curb_printer_query_status (CURB_PRINTER (printer), 50, &status, &error))
    {
      g_autoptr(GError) blocking = NULL;

      g_assert ((status & ~KNOWN_FLAGS) == 0);
      g_assert (curb_printer_status_to_error (status, &blocking) == (blocking == NULL));
    }
  else
    {
      g_assert (error != NULL);
      g_assert (!curb_printer_is_open (CURB_PRINTER (printer)));
      return 0;
    }
  g_clear_error (&error);
  if (!curb_printer_wait_process_id (CURB_PRINTER (printer), "4711", 50, &error))
    g_assert (error != NULL);
  curb_printer_drain (CURB_PRINTER (printer));
  return 0;
}
