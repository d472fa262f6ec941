/* Linked into every fuzz target: a critical or warning from any library
 * (json-glib's included) aborts the run, whatever G_DEBUG says, so the
 * fuzzer saves the input. Finding 3 of issue 13 (criticals from
 * copy_object() in core/curb-event.c) slipped past a run without it. */
#include <glib.h>

__attribute__ ((constructor)) static void
make_criticals_fatal (void)
{
  g_log_set_always_fatal (G_LOG_FATAL_MASK | G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING);
}
