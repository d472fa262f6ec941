#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* curbside-hub's main(): options, config, store, TLS, signals, sd_notify.
 * Returns the process exit status. */
int curb_hub_daemon_run (int    argc,
                         char **argv);

G_END_DECLS
