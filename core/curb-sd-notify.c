#ifdef HAVE_LIBSYSTEMD
#include <systemd/sd-daemon.h>
#endif

#include "curb-sd-notify.h"

void
curb_sd_notify (const char *state)
{
  g_return_if_fail (state != NULL);
#ifdef HAVE_LIBSYSTEMD
  sd_notify (0, state);
#endif
}

static gboolean
on_watchdog_timeout (gpointer data)
{
  curb_sd_notify ("WATCHDOG=1");
  return G_SOURCE_CONTINUE;
}

/* WATCHDOG_USEC without sd_watchdog_enabled()'s WATCHDOG_PID check: under
 * cage the service's main process is the compositor, not the app. */
static guint64
watchdog_usec (void)
{
  const char *text = g_getenv ("WATCHDOG_USEC");
  guint64 usec = 0;

  if (text == NULL || g_getenv ("NOTIFY_SOCKET") == NULL)
    return 0;
  if (!g_ascii_string_to_unsigned (text, 10, 1, G_MAXUINT64, &usec, NULL))
    return 0;
  return usec;
}

gboolean
curb_sd_notify_start_watchdog (void)
{
  guint64 usec = watchdog_usec ();

#ifndef HAVE_LIBSYSTEMD
  usec = 0;
#endif
  if (usec == 0)
    return FALSE;
  curb_sd_notify ("WATCHDOG=1");
  g_timeout_add (MAX (usec / 3000, 100), on_watchdog_timeout, NULL);
  return TRUE;
}
