/* The apps' watchdog pings reach $NOTIFY_SOCKET from the main loop, also from
 * a process that is not the service's main one (WATCHDOG_PID is not ours). */

#include <gio/gio.h>
#include <gio/gunixsocketaddress.h>

#include "curb-sd-notify.h"
#include "curb-test-helpers.h"

static GSocket *
listen_datagram (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocketAddress) address = g_unix_socket_address_new (path);
  GSocket *socket = g_socket_new (G_SOCKET_FAMILY_UNIX, G_SOCKET_TYPE_DATAGRAM, G_SOCKET_PROTOCOL_DEFAULT, &error);

  g_assert_no_error (error);
  g_assert_true (g_socket_bind (socket, address, FALSE, &error));
  g_assert_no_error (error);
  g_socket_set_blocking (socket, FALSE);
  return socket;
}

static guint
count_pings (GSocket *socket)
{
  char buffer[64];
  gssize n;
  guint pings = 0;

  while ((n = g_socket_receive (socket, buffer, sizeof buffer - 1, NULL, NULL)) > 0)
    {
      buffer[n] = '\0';
      g_assert_cmpstr (buffer, ==, "WATCHDOG=1");
      pings++;
    }
  return pings;
}

static void
test_watchdog (void)
{
  g_autofree char *dir = curb_test_mkdtemp ();
  g_autofree char *path = g_build_filename (dir, "notify", NULL);
  g_autoptr(GSocket) socket = listen_datagram (path);
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  guint pings;

  g_setenv ("NOTIFY_SOCKET", path, TRUE);
  g_setenv ("WATCHDOG_USEC", "300000", TRUE);
  g_setenv ("WATCHDOG_PID", "1", TRUE);
  if (!curb_sd_notify_start_watchdog ())
    {
      g_test_skip ("built without libsystemd");
      curb_test_rmdir (dir);
      return;
    }
  g_timeout_add_once (1050, (GSourceOnceFunc) g_main_loop_quit, loop);
  g_main_loop_run (loop);
  pings = count_pings (socket);
  /* one at once, then every 100 ms */
  g_assert_cmpuint (pings, >=, 6);
  g_assert_cmpuint (pings, <=, 13);
  curb_test_rmdir (dir);
}

static void
test_outside_systemd (void)
{
  g_unsetenv ("NOTIFY_SOCKET");
  g_setenv ("WATCHDOG_USEC", "300000", TRUE);
  g_assert_false (curb_sd_notify_start_watchdog ());
  curb_sd_notify ("READY=1");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/sd-notify/outside-systemd", test_outside_systemd);
  g_test_add_func ("/sd-notify/watchdog", test_watchdog);
  return g_test_run ();
}
