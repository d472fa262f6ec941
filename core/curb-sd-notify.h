#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Tells systemd about the program's state (e.g. "READY=1"); does nothing
 * outside a systemd service or when built without libsystemd. */
void curb_sd_notify                (const char *state);

/* When the service has WatchdogSec=, pings the watchdog from the default
 * main context every third of the interval, so a hung main loop gets the
 * service restarted. Works in a child of the main process too (the apps run
 * under cage; the unit needs NotifyAccess=all). Returns whether it pings. */
gboolean curb_sd_notify_start_watchdog (void);

G_END_DECLS
