#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * A SQLite VFS over the default one that simulates a power cut.
 *
 * Every write and truncate reaches the real file at once (the OS page
 * cache) but is also queued per file; xSync moves the queue into the file's
 * durable image. curb_crash_vfs_power_cut() stops all I/O (every later call
 * fails with SQLITE_IOERR, as if the machine were off); once every
 * connection is closed, curb_crash_vfs_restore() rewrites each file as the
 * disk would hold it after the reboot: the durable image plus a random
 * subset of the unsynced writes (the disk may have reordered them), one of
 * them possibly torn at a 512-byte boundary. The -shm file is removed.
 *
 * Real fsyncs are skipped: durability is what this module decides.
 */

typedef struct
{
  guint64 writes;          /* xWrite calls seen */
  guint64 syncs;           /* xSync calls seen */
  guint64 dropped_writes;  /* unsynced writes discarded by restores */
  guint64 kept_writes;     /* unsynced writes that survived a restore */
  guint64 torn_writes;     /* writes torn by restores */
} CurbCrashVfsStats;

/* Registers the VFS "curb-crash" as the default one (idempotent). */
void     curb_crash_vfs_install   (void);
/* Cut the power after @ops more write/sync/truncate calls (0: right now). */
void     curb_crash_vfs_arm       (guint64 ops);
void     curb_crash_vfs_disarm    (void);
void     curb_crash_vfs_power_cut (void);
gboolean curb_crash_vfs_is_dead   (void);
/* After a cut, with no connection open: rebuild the files as described
 * above using @rand, and bring the power back. */
void     curb_crash_vfs_restore   (GRand   *rand,
                                   gboolean allow_torn);
/* Forget every tracked file (between independent runs). */
void     curb_crash_vfs_reset     (void);
void     curb_crash_vfs_get_stats (CurbCrashVfsStats *out_stats);

G_END_DECLS
