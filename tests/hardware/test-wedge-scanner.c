#include <fcntl.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <linux/input.h>
#include <linux/uinput.h>
#include <gio/gunixinputstream.h>

#include "curb-hardware.h"
#include "curb-qr-decoder.h"
#include "curb-wedge-scanner.h"
#include "scanner-test-util.h"

typedef struct
{
  CurbWedgeScanner *scanner;
  int               write_fd;
  GPtrArray        *codes;
  GArray           *errors;
} Fixture;

static void
on_code (CurbCodeSource *source,
         GBytes         *payload,
         const char     *name,
         gint64          frame_time,
         Fixture        *fx)
{
  g_assert_cmpstr (name, ==, "wedge");
  g_ptr_array_add (fx->codes, g_bytes_ref (payload));
}

static void
on_error (CurbCodeSource *source,
          GError         *error,
          Fixture        *fx)
{
  g_array_append_val (fx->errors, error->code);
}

static void
fixture_set_up (Fixture       *fx,
                gconstpointer  data)
{
  g_autoptr(GInputStream) stream = NULL;
  g_autoptr(GError) error = NULL;
  int fds[2];

  g_assert_no_errno (pipe (fds));
  fx->write_fd = fds[1];
  stream = g_unix_input_stream_new (fds[0], TRUE);
  fx->scanner = curb_wedge_scanner_new_for_stream (stream);
  fx->codes = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  fx->errors = g_array_new (FALSE, FALSE, sizeof (int));
  g_signal_connect (fx->scanner, "code", G_CALLBACK (on_code), fx);
  g_signal_connect (fx->scanner, "error", G_CALLBACK (on_error), fx);
  g_assert_true (curb_code_source_start (CURB_CODE_SOURCE (fx->scanner), &error));
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture       *fx,
                   gconstpointer  data)
{
  if (fx->write_fd >= 0)
    close (fx->write_fd);
  curb_code_source_stop (CURB_CODE_SOURCE (fx->scanner));
  /* let the cancelled read return its reference */
  while (G_OBJECT (fx->scanner)->ref_count > 1)
    g_main_context_iteration (NULL, TRUE);
  g_assert_finalize_object (fx->scanner);
  g_ptr_array_unref (fx->codes);
  g_array_unref (fx->errors);
}

static void
send_event (Fixture *fx,
            guint16  type,
            guint16  code,
            gint32   value)
{
  struct input_event event = { .type = type, .code = code, .value = value };

  g_assert_cmpint (write (fx->write_fd, &event, sizeof event), ==, sizeof event);
}

static void
press (Fixture *fx,
       guint16  key,
       gboolean shift)
{
  if (shift)
    send_event (fx, EV_KEY, KEY_LEFTSHIFT, 1);
  send_event (fx, EV_MSC, MSC_SCAN, 0x70004);
  send_event (fx, EV_KEY, key, 1);
  send_event (fx, EV_SYN, SYN_REPORT, 0);
  send_event (fx, EV_KEY, key, 0);
  if (shift)
    send_event (fx, EV_KEY, KEY_LEFTSHIFT, 0);
  send_event (fx, EV_SYN, SYN_REPORT, 0);
}

static guint16
key_for (char c,
         gboolean *shift)
{
  static const char *rows[] = { "1234567890-=", "qwertyuiop[]", "asdfghjkl;'", "zxcvbnm,./" };
  static const char *shifted[] = { "!@#$%^&*()_+", "QWERTYUIOP{}", "ASDFGHJKL:\"", "ZXCVBNM<>?" };
  static const guint16 first[] = { KEY_1, KEY_Q, KEY_A, KEY_Z };

  for (int r = 0; r < 4; r++)
    {
      const char *at = strchr (rows[r], c);

      *shift = at == NULL && (at = strchr (shifted[r], c)) != NULL;
      if (at)
        return first[r] + (guint16) (at - (*shift ? shifted[r] : rows[r]));
    }
  g_assert_not_reached ();
}

static void
type_text (Fixture    *fx,
           const char *text)
{
  for (const char *p = text; *p; p++)
    {
      gboolean shift;
      guint16 key = key_for (*p, &shift);

      press (fx, key, shift);
    }
  press (fx, KEY_ENTER, FALSE);
}

static void
wait_for (guint *counter,
          guint  at_least)
{
  gint64 deadline = g_get_monotonic_time () + 3 * G_USEC_PER_SEC;

  while (*counter < at_least && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, FALSE);
  g_assert_cmpuint (*counter, >=, at_least);
}

static void
test_reads_codes (Fixture       *fx,
                  gconstpointer  data)
{
  const char *token = "CP1.Ab-9_x.Zq+/=<b>";

  type_text (fx, token);
  type_text (fx, "A7K3Q9");
  wait_for (&fx->codes->len, 2);
  g_assert_true (scanner_test_bytes_equal (fx->codes->pdata[0], (const guint8 *) token, strlen (token)));
  g_assert_true (scanner_test_bytes_equal (fx->codes->pdata[1], (const guint8 *) "A7K3Q9", 6));
}

static void
test_caps_lock (Fixture       *fx,
                gconstpointer  data)
{
  press (fx, KEY_CAPSLOCK, FALSE);
  type_text (fx, "ab1");
  wait_for (&fx->codes->len, 1);
  g_assert_true (scanner_test_bytes_equal (fx->codes->pdata[0], (const guint8 *) "AB1", 3));
}

static gpointer
type_overlong (gpointer data)
{
  Fixture *fx = data;

  for (int i = 0; i < CURB_QR_MAX_PAYLOAD + 10; i++)
    press (fx, KEY_A, FALSE);
  press (fx, KEY_ENTER, FALSE);
  type_text (fx, "ok");
  return NULL;
}

static void
test_overlong_code_is_dropped (Fixture       *fx,
                               gconstpointer  data)
{
  GThread *typist = g_thread_new ("typist", type_overlong, fx);

  wait_for (&fx->codes->len, 1);
  g_thread_join (typist);
  g_assert_cmpuint (fx->codes->len, ==, 1);
  g_assert_true (scanner_test_bytes_equal (fx->codes->pdata[0], (const guint8 *) "ok", 2));
}

static void
test_unplug_reports_error (Fixture       *fx,
                           gconstpointer  data)
{
  type_text (fx, "abc");
  close (fx->write_fd);
  fx->write_fd = -1;
  wait_for (&fx->errors->len, 1);
  g_assert_cmpint (g_array_index (fx->errors, int, 0), ==, CURB_HARDWARE_ERROR_IO);
  g_assert_cmpuint (fx->codes->len, ==, 1);
  g_assert_cmpint (curb_code_source_get_state (CURB_CODE_SOURCE (fx->scanner)), ==, CURB_CODE_SOURCE_FAILED);
}

static void
test_missing_device (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CurbWedgeScanner) scanner = curb_wedge_scanner_new ("/dev/input/no-such-event", NULL, &error);

  g_assert_null (scanner);
  g_assert_error (error, CURB_HARDWARE_ERROR, CURB_HARDWARE_ERROR_IO);
}

/* A real virtual keyboard through uinput, where the machine allows it. */
static char *
create_uinput_keyboard (int fd)
{
  struct uinput_setup setup = { .id = { BUS_USB, 0x1234, 0x5678, 1 } };
  char sysname[64] = "";
  g_autofree char *sysdir = NULL;
  g_autoptr(GDir) dir = NULL;
  const char *name;

  ioctl (fd, UI_SET_EVBIT, EV_KEY);
  for (int key = 1; key < 128; key++)
    ioctl (fd, UI_SET_KEYBIT, key);
  g_strlcpy (setup.name, "Curbside test barcode scanner", UINPUT_MAX_NAME_SIZE);
  if (ioctl (fd, UI_DEV_SETUP, &setup) < 0 || ioctl (fd, UI_DEV_CREATE) < 0
      || ioctl (fd, UI_GET_SYSNAME (sizeof sysname), sysname) < 0)
    return NULL;
  sysdir = g_build_filename ("/sys/devices/virtual/input", sysname, NULL);
  for (int tries = 0; tries < 40 && dir == NULL; tries++, g_usleep (50000))
    dir = g_dir_open (sysdir, 0, NULL);
  while (dir && (name = g_dir_read_name (dir)))
    if (g_str_has_prefix (name, "event"))
      {
        char *node = g_build_filename ("/dev/input", name, NULL);

        for (int tries = 0; tries < 40 && !g_file_test (node, G_FILE_TEST_EXISTS); tries++)
          g_usleep (50000);
        if (g_file_test (node, G_FILE_TEST_EXISTS))
          return node;
        g_free (node);
      }
  return NULL;
}

static void
test_uinput_device (void)
{
  Fixture fx = { 0 };
  g_autoptr(GError) error = NULL;
  g_autofree char *node = NULL;

  fx.write_fd = open ("/dev/uinput", O_WRONLY | O_NONBLOCK | O_CLOEXEC);
  if (fx.write_fd < 0 || (node = create_uinput_keyboard (fx.write_fd)) == NULL)
    {
      g_test_skip ("no writable /dev/uinput with device nodes");
      if (fx.write_fd >= 0)
        close (fx.write_fd);
      return;
    }
  fx.scanner = curb_wedge_scanner_new (node, NULL, &error);
  g_assert_no_error (error);
  fx.codes = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  fx.errors = g_array_new (FALSE, FALSE, sizeof (int));
  g_signal_connect (fx.scanner, "code", G_CALLBACK (on_code), &fx);
  g_signal_connect (fx.scanner, "error", G_CALLBACK (on_error), &fx);
  g_assert_true (curb_code_source_start (CURB_CODE_SOURCE (fx.scanner), &error));
  type_text (&fx, "CP1.uinput");
  wait_for (&fx.codes->len, 1);
  g_assert_true (scanner_test_bytes_equal (fx.codes->pdata[0], (const guint8 *) "CP1.uinput", 10));
  ioctl (fx.write_fd, UI_DEV_DESTROY);
  wait_for (&fx.errors->len, 1);
  g_assert_cmpint (g_array_index (fx.errors, int, 0), ==, CURB_HARDWARE_ERROR_IO);
  fixture_tear_down (&fx, NULL);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/wedge-scanner/codes", Fixture, NULL, fixture_set_up, test_reads_codes, fixture_tear_down);
  g_test_add ("/wedge-scanner/caps-lock", Fixture, NULL, fixture_set_up, test_caps_lock, fixture_tear_down);
  g_test_add ("/wedge-scanner/overlong", Fixture, NULL, fixture_set_up, test_overlong_code_is_dropped, fixture_tear_down);
  g_test_add ("/wedge-scanner/unplug", Fixture, NULL, fixture_set_up, test_unplug_reports_error, fixture_tear_down);
  g_test_add_func ("/wedge-scanner/missing-device", test_missing_device);
  g_test_add_func ("/wedge-scanner/uinput", test_uinput_device);

  return g_test_run ();
}
