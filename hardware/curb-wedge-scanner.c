#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <linux/input.h>
#include <gio/gunixinputstream.h>

#include "curb-hardware.h"
#include "curb-qr-decoder.h"
#include "curb-wedge-scanner.h"

#define RETRY_MS 1000

struct _CurbWedgeScanner
{
  CurbCodeSource  parent_instance;

  char           *device;
  GInputStream   *stream;
  GCancellable   *cancellable;
  GSource        *retry;
  GByteArray     *pending;
  GByteArray     *code;
  gboolean        shift;
  gboolean        caps_lock;
  gboolean        overflow;
  gint64          first_key_time;
};

static void curb_wedge_scanner_initable_iface_init (GInitableIface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (CurbWedgeScanner, curb_wedge_scanner, CURB_TYPE_CODE_SOURCE,
                               G_IMPLEMENT_INTERFACE (G_TYPE_INITABLE,
                                                      curb_wedge_scanner_initable_iface_init))

enum {
  PROP_0,
  PROP_DEVICE,
  PROP_STREAM,
  N_PROPS
};

static GParamSpec *props[N_PROPS];

/* The US keymap: what scanners in keyboard mode assume. */
static const char keymap[KEY_SPACE + 1][2] = {
  [KEY_1] = "1!", [KEY_2] = "2@", [KEY_3] = "3#", [KEY_4] = "4$", [KEY_5] = "5%",
  [KEY_6] = "6^", [KEY_7] = "7&", [KEY_8] = "8*", [KEY_9] = "9(", [KEY_0] = "0)",
  [KEY_MINUS] = "-_", [KEY_EQUAL] = "=+", [KEY_TAB] = "\t\t",
  [KEY_Q] = "qQ", [KEY_W] = "wW", [KEY_E] = "eE", [KEY_R] = "rR", [KEY_T] = "tT",
  [KEY_Y] = "yY", [KEY_U] = "uU", [KEY_I] = "iI", [KEY_O] = "oO", [KEY_P] = "pP",
  [KEY_LEFTBRACE] = "[{", [KEY_RIGHTBRACE] = "]}",
  [KEY_A] = "aA", [KEY_S] = "sS", [KEY_D] = "dD", [KEY_F] = "fF", [KEY_G] = "gG",
  [KEY_H] = "hH", [KEY_J] = "jJ", [KEY_K] = "kK", [KEY_L] = "lL",
  [KEY_SEMICOLON] = ";:", [KEY_APOSTROPHE] = "'\"", [KEY_GRAVE] = "`~", [KEY_BACKSLASH] = "\\|",
  [KEY_Z] = "zZ", [KEY_X] = "xX", [KEY_C] = "cC", [KEY_V] = "vV", [KEY_B] = "bB",
  [KEY_N] = "nN", [KEY_M] = "mM", [KEY_COMMA] = ",<", [KEY_DOT] = ".>", [KEY_SLASH] = "/?",
  [KEY_SPACE] = "  ",
};

static void read_next (CurbWedgeScanner *self);

static void
finish_code (CurbWedgeScanner *self)
{
  if (self->code->len > 0 && !self->overflow)
    {
      g_autoptr(GBytes) payload = g_bytes_new (self->code->data, self->code->len);

      curb_code_source_emit_code (CURB_CODE_SOURCE (self), payload, self->first_key_time);
    }
  g_byte_array_set_size (self->code, 0);
  self->overflow = FALSE;
}

static void
add_char (CurbWedgeScanner *self,
          guint16           key)
{
  gboolean letter = g_ascii_isalpha (keymap[key][0]);
  gboolean upper = self->shift != (letter && self->caps_lock);
  guint8 c = (guint8) keymap[key][upper ? 1 : 0];

  if (self->code->len == 0)
    self->first_key_time = g_get_monotonic_time ();
  if (self->code->len >= CURB_QR_MAX_PAYLOAD)
    self->overflow = TRUE;
  else
    g_byte_array_append (self->code, &c, 1);
}

static void
handle_key (CurbWedgeScanner *self,
            guint16           key,
            gint32            value)
{
  if (key == KEY_LEFTSHIFT || key == KEY_RIGHTSHIFT)
    self->shift = value != 0;
  else if (value == 0)
    return;
  else if (key == KEY_CAPSLOCK && value == 1)
    self->caps_lock = !self->caps_lock;
  else if (key == KEY_ENTER || key == KEY_KPENTER)
    finish_code (self);
  else if (key < G_N_ELEMENTS (keymap) && keymap[key][0])
    add_char (self, key);
}

static void
handle_events (CurbWedgeScanner *self)
{
  gsize n = self->pending->len / sizeof (struct input_event);

  for (gsize i = 0; i < n; i++)
    {
      struct input_event event;

      memcpy (&event, self->pending->data + i * sizeof event, sizeof event);
      if (event.type == EV_KEY)
        handle_key (self, event.code, event.value);
    }
  g_byte_array_remove_range (self->pending, 0, n * sizeof (struct input_event));
}

static gboolean
on_retry (gpointer user_data)
{
  CurbWedgeScanner *self = user_data;
  g_autoptr(GError) error = NULL;

  g_clear_pointer (&self->retry, g_source_unref);
  if (!g_initable_init (G_INITABLE (self), NULL, &error))
    {
      self->retry = g_timeout_source_new (RETRY_MS);
      g_source_set_callback (self->retry, on_retry, self, NULL);
      g_source_attach (self->retry, g_main_context_get_thread_default ());
      return G_SOURCE_REMOVE;
    }
  curb_code_source_report_running (CURB_CODE_SOURCE (self));
  read_next (self);
  return G_SOURCE_REMOVE;
}

static void
lost_device (CurbWedgeScanner *self,
             const GError     *cause)
{
  g_autoptr(GError) error = g_error_new (CURB_HARDWARE_ERROR, CURB_HARDWARE_ERROR_IO,
                                         "The barcode scanner was disconnected%s%s",
                                         cause ? ": " : "", cause ? cause->message : "");

  g_clear_object (&self->stream);
  g_byte_array_set_size (self->pending, 0);
  g_byte_array_set_size (self->code, 0);
  curb_code_source_report_error (CURB_CODE_SOURCE (self), error);
  if (self->device == NULL || self->retry)
    return;
  self->retry = g_timeout_source_new (RETRY_MS);
  g_source_set_callback (self->retry, on_retry, self, NULL);
  g_source_attach (self->retry, g_main_context_get_thread_default ());
}

static void
on_read_ready (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(CurbWedgeScanner) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = g_input_stream_read_bytes_finish (G_INPUT_STREAM (object), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (bytes == NULL || g_bytes_get_size (bytes) == 0)
    {
      lost_device (self, error);
      return;
    }
  g_byte_array_append (self->pending, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  handle_events (self);
  read_next (self);
}

static void
read_next (CurbWedgeScanner *self)
{
  if (self->stream == NULL)
    return;
  g_input_stream_read_bytes_async (self->stream, 64 * sizeof (struct input_event),
                                   G_PRIORITY_DEFAULT, self->cancellable,
                                   on_read_ready, g_object_ref (self));
}

static gboolean
curb_wedge_scanner_start (CurbCodeSource  *source,
                          GError         **error)
{
  CurbWedgeScanner *self = CURB_WEDGE_SCANNER (source);

  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  if (self->stream == NULL && !g_initable_init (G_INITABLE (self), NULL, error))
    return FALSE;
  curb_code_source_report_running (source);
  read_next (self);
  return TRUE;
}

static void
curb_wedge_scanner_stop (CurbCodeSource *source)
{
  CurbWedgeScanner *self = CURB_WEDGE_SCANNER (source);

  g_cancellable_cancel (self->cancellable);
  if (self->retry)
    g_source_destroy (self->retry);
  g_clear_pointer (&self->retry, g_source_unref);
  if (self->device)
    g_clear_object (&self->stream);
}

static gboolean
curb_wedge_scanner_initable_init (GInitable     *initable,
                                  GCancellable  *cancellable,
                                  GError       **error)
{
  CurbWedgeScanner *self = CURB_WEDGE_SCANNER (initable);
  int fd;

  if (self->stream)
    return TRUE;
  if (self->device == NULL && (self->device = curb_wedge_scanner_find_device ()) == NULL)
    {
      g_set_error (error, CURB_HARDWARE_ERROR, CURB_HARDWARE_ERROR_IO,
                   "No barcode scanner found in /dev/input/by-id");
      return FALSE;
    }
  fd = open (self->device, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0)
    {
      int saved = errno;

      g_set_error (error, CURB_HARDWARE_ERROR, CURB_HARDWARE_ERROR_IO,
                   "Cannot open the barcode scanner %s: %s", self->device, g_strerror (saved));
      return FALSE;
    }
  /* Keep the scanned keystrokes away from whatever window has the focus. */
  ioctl (fd, EVIOCGRAB, 1);
  self->stream = g_unix_input_stream_new (fd, TRUE);
  return TRUE;
}

static void
curb_wedge_scanner_initable_iface_init (GInitableIface *iface)
{
  iface->init = curb_wedge_scanner_initable_init;
}

static void
curb_wedge_scanner_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  CurbWedgeScanner *self = CURB_WEDGE_SCANNER (object);

  switch (prop_id)
    {
    case PROP_DEVICE:
      self->device = g_value_dup_string (value);
      break;
    case PROP_STREAM:
      self->stream = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
curb_wedge_scanner_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  CurbWedgeScanner *self = CURB_WEDGE_SCANNER (object);

  switch (prop_id)
    {
    case PROP_DEVICE:
      g_value_set_string (value, self->device);
      break;
    case PROP_STREAM:
      g_value_set_object (value, self->stream);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
curb_wedge_scanner_dispose (GObject *object)
{
  CurbWedgeScanner *self = CURB_WEDGE_SCANNER (object);

  curb_code_source_stop (CURB_CODE_SOURCE (object));
  g_clear_object (&self->stream);
  g_clear_object (&self->cancellable);
  G_OBJECT_CLASS (curb_wedge_scanner_parent_class)->dispose (object);
}

static void
curb_wedge_scanner_finalize (GObject *object)
{
  CurbWedgeScanner *self = CURB_WEDGE_SCANNER (object);

  g_free (self->device);
  g_byte_array_unref (self->pending);
  g_byte_array_unref (self->code);
  G_OBJECT_CLASS (curb_wedge_scanner_parent_class)->finalize (object);
}

static void
curb_wedge_scanner_class_init (CurbWedgeScannerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  CurbCodeSourceClass *source_class = CURB_CODE_SOURCE_CLASS (klass);

  object_class->set_property = curb_wedge_scanner_set_property;
  object_class->get_property = curb_wedge_scanner_get_property;
  object_class->dispose = curb_wedge_scanner_dispose;
  object_class->finalize = curb_wedge_scanner_finalize;
  source_class->start = curb_wedge_scanner_start;
  source_class->stop = curb_wedge_scanner_stop;

  props[PROP_DEVICE] =
    g_param_spec_string ("device", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  props[PROP_STREAM] =
    g_param_spec_object ("stream", NULL, NULL, G_TYPE_INPUT_STREAM,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, props);
}

static void
curb_wedge_scanner_init (CurbWedgeScanner *self)
{
  self->pending = g_byte_array_new ();
  self->code = g_byte_array_new ();
}

/**
 * curb_wedge_scanner_new:
 * @device: (nullable): an evdev node (/dev/input/eventN), or %NULL for the
 *   first keyboard in /dev/input/by-id whose name says scanner or barcode
 *
 * A keyboard-wedge barcode scanner: key presses in the US layout, Enter
 * ends a code. The device is grabbed so its keystrokes reach no window.
 */
CurbWedgeScanner *
curb_wedge_scanner_new (const char    *device,
                        GCancellable  *cancellable,
                        GError       **error)
{
  return g_initable_new (CURB_TYPE_WEDGE_SCANNER, cancellable, error,
                         "name", "wedge", "device", device, NULL);
}

/**
 * curb_wedge_scanner_new_for_stream:
 * @events: a stream of `struct input_event` records
 */
CurbWedgeScanner *
curb_wedge_scanner_new_for_stream (GInputStream *events)
{
  g_return_val_if_fail (G_IS_INPUT_STREAM (events), NULL);

  return g_object_new (CURB_TYPE_WEDGE_SCANNER, "name", "wedge", "stream", events, NULL);
}

/**
 * curb_wedge_scanner_find_device:
 *
 * Returns: (nullable): the evdev path of a keyboard-wedge scanner
 */
char *
curb_wedge_scanner_find_device (void)
{
  g_autoptr(GDir) dir = g_dir_open ("/dev/input/by-id", 0, NULL);
  const char *name;

  while (dir && (name = g_dir_read_name (dir)))
    {
      g_autofree char *lower = g_ascii_strdown (name, -1);

      if (g_str_has_suffix (lower, "-event-kbd")
          && (strstr (lower, "scanner") || strstr (lower, "barcode")))
        return g_build_filename ("/dev/input/by-id", name, NULL);
    }
  return NULL;
}
