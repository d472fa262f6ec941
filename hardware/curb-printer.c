#include <string.h>

#include "curb-escpos.h"
#include "curb-printer.h"

typedef struct
{
  char     *uri;
  gboolean  open;
} CurbPrinterPrivate;

enum
{
  PROP_0,
  PROP_URI,
  N_PROPS
};

static GParamSpec *props[N_PROPS];

static void curb_printer_initable_iface_init (GInitableIface *iface);

G_DEFINE_ABSTRACT_TYPE_WITH_CODE (CurbPrinter, curb_printer, G_TYPE_OBJECT,
                                  G_ADD_PRIVATE (CurbPrinter)
                                  G_IMPLEMENT_INTERFACE (G_TYPE_INITABLE,
                                                         curb_printer_initable_iface_init))

/* The probe: the printer can be opened and, when the transport carries
 * answers, reports a status that lets it print. */
static gboolean
curb_printer_initable_init (GInitable     *initable,
                            GCancellable  *cancellable,
                            GError       **error)
{
  CurbPrinter *self = CURB_PRINTER (initable);
  CurbPrinterStatus status = CURB_PRINTER_STATUS_OK;
  gboolean ok;

  if (!curb_printer_open (self, error))
    return FALSE;
  ok = curb_printer_query_status (self, CURB_PRINTER_STATUS_TIMEOUT_MS, &status, error)
       && curb_printer_status_to_error (status, error);
  curb_printer_close (self);
  return ok;
}

static void
curb_printer_initable_iface_init (GInitableIface *iface)
{
  iface->init = curb_printer_initable_init;
}

static void
curb_printer_finalize (GObject *object)
{
  CurbPrinter *self = CURB_PRINTER (object);
  CurbPrinterPrivate *priv = curb_printer_get_instance_private (self);

  curb_printer_close (self);
  g_free (priv->uri);
  G_OBJECT_CLASS (curb_printer_parent_class)->finalize (object);
}

static void
curb_printer_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  CurbPrinterPrivate *priv = curb_printer_get_instance_private (CURB_PRINTER (object));

  switch (prop_id)
    {
    case PROP_URI:
      g_value_set_string (value, priv->uri);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
curb_printer_set_property (GObject      *object,
                           guint         prop_id,
                           const GValue *value,
                           GParamSpec   *pspec)
{
  CurbPrinterPrivate *priv = curb_printer_get_instance_private (CURB_PRINTER (object));

  switch (prop_id)
    {
    case PROP_URI:
      priv->uri = g_value_dup_string (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static gboolean
curb_printer_real_can_read (CurbPrinter *self)
{
  return TRUE;
}

static void
curb_printer_class_init (CurbPrinterClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = curb_printer_finalize;
  object_class->get_property = curb_printer_get_property;
  object_class->set_property = curb_printer_set_property;
  klass->can_read = curb_printer_real_can_read;

  props[PROP_URI] = g_param_spec_string ("uri", NULL, NULL, NULL,
                                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                                         G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, props);
}

static void
curb_printer_init (CurbPrinter *self)
{
}

const char *
curb_printer_get_uri (CurbPrinter *self)
{
  CurbPrinterPrivate *priv = curb_printer_get_instance_private (self);

  g_return_val_if_fail (CURB_IS_PRINTER (self), NULL);
  return priv->uri;
}

gboolean
curb_printer_is_open (CurbPrinter *self)
{
  CurbPrinterPrivate *priv = curb_printer_get_instance_private (self);

  g_return_val_if_fail (CURB_IS_PRINTER (self), FALSE);
  return priv->open;
}

gboolean
curb_printer_open (CurbPrinter  *self,
                   GError      **error)
{
  CurbPrinterPrivate *priv = curb_printer_get_instance_private (self);

  g_return_val_if_fail (CURB_IS_PRINTER (self), FALSE);

  if (priv->open)
    return TRUE;
  priv->open = CURB_PRINTER_GET_CLASS (self)->open (self, error);
  return priv->open;
}

void
curb_printer_close (CurbPrinter *self)
{
  CurbPrinterPrivate *priv = curb_printer_get_instance_private (self);

  g_return_if_fail (CURB_IS_PRINTER (self));

  if (priv->open)
    CURB_PRINTER_GET_CLASS (self)->close (self);
  priv->open = FALSE;
}

gboolean
curb_printer_can_read (CurbPrinter *self)
{
  g_return_val_if_fail (CURB_IS_PRINTER (self), FALSE);
  return CURB_PRINTER_GET_CLASS (self)->can_read (self);
}

static gboolean
fail_closed (CurbPrinter  *self,
             GError      **error)
{
  if (error != NULL && *error == NULL)
    g_set_error_literal (error, CURB_HARDWARE_ERROR, CURB_HARDWARE_ERROR_IO,
                         "The printer connection is closed");
  curb_printer_close (self);
  return FALSE;
}

/* Any failure closes the printer, so the next job reconnects. */
gboolean
curb_printer_write_all (CurbPrinter   *self,
                        const guint8  *data,
                        gsize          len,
                        GError       **error)
{
  gsize done = 0;

  g_return_val_if_fail (CURB_IS_PRINTER (self), FALSE);

  if (!curb_printer_is_open (self))
    return fail_closed (self, error);
  while (done < len)
    {
      gssize n = CURB_PRINTER_GET_CLASS (self)->write (self, data + done, len - done, error);
      if (n <= 0)
        return fail_closed (self, error);
      done += (gsize) n;
    }
  return TRUE;
}

static gssize
read_some (CurbPrinter  *self,
           guint8       *buf,
           gsize         len,
           gint64        deadline,
           GError      **error)
{
  gint64 left = (deadline - g_get_monotonic_time ()) / 1000;
  gssize n;

  if (left <= 0)
    return 0;
  n = CURB_PRINTER_GET_CLASS (self)->read (self, buf, len, (guint) left, error);
  if (n < 0)
    fail_closed (self, NULL);
  return n;
}

/* Throw away answers nobody waits for any more (late markers, echoes);
 * never waits. */
void
curb_printer_drain (CurbPrinter *self)
{
  guint8 buf[256];

  while (curb_printer_is_open (self) && curb_printer_can_read (self))
    {
      gssize n = CURB_PRINTER_GET_CLASS (self)->read (self, buf, sizeof buf, 0, NULL);

      if (n < 0)
        fail_closed (self, NULL);
      if (n <= 0)
        break;
    }
}

static gboolean
query_one (CurbPrinter        *self,
           guint               query,
           gint64              deadline,
           CurbPrinterStatus  *status,
           GError            **error)
{
  guint8 request[3];
  guint8 answer;

  curb_escpos_status_request (query, request);
  if (!curb_printer_write_all (self, request, sizeof request, error))
    return FALSE;
  for (;;)
    {
      gssize n = read_some (self, &answer, 1, deadline, error);

      if (n < 0)
        return FALSE;
      if (n == 0)
        {
          g_set_error (error, CURB_HARDWARE_ERROR, CURB_HARDWARE_ERROR_PRINTER_OFFLINE,
                       "The printer did not answer a status query");
          return FALSE;
        }
      if (curb_escpos_status_byte_valid (answer))
        break;
    }
  *status |= curb_escpos_status_parse (query, answer);
  return TRUE;
}

/**
 * curb_printer_query_status:
 * @self: an open printer
 * @timeout_ms: for each of the four queries
 * @out_status: (out): what the printer reports
 * @error: return location for a #CURB_HARDWARE_ERROR error
 *
 * DLE EOT 1, 2, 3 and 4. A transport without a back channel reports OK.
 * When the printer does not answer, @error is set and the printer closed.
 */
gboolean
curb_printer_query_status (CurbPrinter        *self,
                           guint               timeout_ms,
                           CurbPrinterStatus  *out_status,
                           GError            **error)
{
  CurbPrinterStatus status = CURB_PRINTER_STATUS_OK;

  g_return_val_if_fail (CURB_IS_PRINTER (self), FALSE);

  if (!curb_printer_is_open (self))
    return fail_closed (self, error);
  if (!curb_printer_can_read (self))
    {
      *out_status = CURB_PRINTER_STATUS_OK;
      return TRUE;
    }
  for (guint query = 1; query <= 4; query++)
    {
      gint64 deadline = g_get_monotonic_time () + (gint64) timeout_ms * 1000;

      if (!query_one (self, query, deadline, &status, error))
        return fail_closed (self, NULL);
    }
  *out_status = status;
  return TRUE;
}

/* Looks for "7 \" d1 d2 d3 d4 NUL" in what arrives. */
static gboolean
scan_for_marker (GByteArray *seen,
                 const char *marker)
{
  guint8 want[7] = { 0x37, 0x22, 0, 0, 0, 0, 0x00 };

  memcpy (want + 2, marker, 4);
  for (guint i = 0; i + sizeof want <= seen->len; i++)
    if (memcmp (seen->data + i, want, sizeof want) == 0)
      return TRUE;
  if (seen->len > 64)
    g_byte_array_remove_range (seen, 0, seen->len - 8);
  return FALSE;
}

/**
 * curb_printer_wait_process_id:
 * @self: an open printer
 * @marker: the four digits sent with curb_escpos_process_id()
 * @timeout_ms: how long to wait
 * @error: %G_IO_ERROR_TIMED_OUT, or a #CURB_HARDWARE_ERROR_IO when the
 *   printer went away (it is then closed)
 *
 * Returns: %TRUE once the printer has confirmed everything before the marker
 */
gboolean
curb_printer_wait_process_id (CurbPrinter  *self,
                              const char   *marker,
                              guint         timeout_ms,
                              GError      **error)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_ms * 1000;
  g_autoptr(GByteArray) seen = g_byte_array_new ();

  g_return_val_if_fail (CURB_IS_PRINTER (self), FALSE);
  g_return_val_if_fail (curb_escpos_marker_valid (marker), FALSE);

  for (;;)
    {
      guint8 buf[64];
      gssize n;

      if (!curb_printer_is_open (self))
        return fail_closed (self, error);
      n = read_some (self, buf, sizeof buf, deadline, error);
      if (n < 0)
        return FALSE;
      if (n == 0)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT, "No confirmation from the printer yet");
          return FALSE;
        }
      g_byte_array_append (seen, buf, (guint) n);
      if (scan_for_marker (seen, marker))
        return TRUE;
    }
}

/**
 * curb_printer_status_to_error:
 * @status: flags from curb_printer_query_status()
 * @error: return location for the matching #CURB_HARDWARE_ERROR
 *
 * Returns: %TRUE when @status lets the printer print
 */
gboolean
curb_printer_status_to_error (CurbPrinterStatus   status,
                              GError            **error)
{
  if (status & CURB_PRINTER_STATUS_UNREACHABLE)
    g_set_error (error, CURB_HARDWARE_ERROR, CURB_HARDWARE_ERROR_PRINTER_OFFLINE, "The printer does not answer");
  else if (status & CURB_PRINTER_STATUS_PAPER_OUT)
    g_set_error (error, CURB_HARDWARE_ERROR, CURB_HARDWARE_ERROR_PAPER_OUT, "The printer is out of paper");
  else if (status & CURB_PRINTER_STATUS_COVER_OPEN)
    g_set_error (error, CURB_HARDWARE_ERROR, CURB_HARDWARE_ERROR_COVER_OPEN, "The printer cover is open");
  else if (status & CURB_PRINTER_STATUS_ERROR)
    g_set_error (error, CURB_HARDWARE_ERROR, CURB_HARDWARE_ERROR_PRINTER_ERROR, "The printer reports an error");
  else if (status & CURB_PRINTER_STATUS_OFFLINE)
    g_set_error (error, CURB_HARDWARE_ERROR, CURB_HARDWARE_ERROR_PRINTER_OFFLINE, "The printer is offline");
  else
    return TRUE;
  return FALSE;
}
