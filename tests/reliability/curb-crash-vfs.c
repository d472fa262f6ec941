#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sqlite3.h>
#include <unistd.h>

#include "curb-crash-vfs.h"

#define SECTOR 512

typedef struct
{
  gint64  offset;
  GBytes *data;    /* NULL: a truncate to offset */
} PendingOp;

typedef struct
{
  char       *path;
  gboolean    main_db;
  GByteArray *durable;
  GPtrArray  *pending;
} FileState;

typedef struct
{
  sqlite3_file  base;
  FileState    *state;   /* NULL for untracked (temporary) files */
  sqlite3_file *real;
} CrashFile;

static GMutex lock;
static sqlite3_vfs crash_vfs;
static sqlite3_vfs *real_vfs;
static GHashTable *files;          /* path → FileState */
static gboolean dead;
static gboolean armed;
static guint64 ops_left;
static CurbCrashVfsStats stats;

/* --- file states --- */

static void
pending_op_free (PendingOp *op)
{
  g_clear_pointer (&op->data, g_bytes_unref);
  g_free (op);
}

static void
file_state_free (FileState *state)
{
  g_free (state->path);
  g_byte_array_unref (state->durable);
  g_ptr_array_unref (state->pending);
  g_free (state);
}

static GByteArray *
read_whole_file (const char *path)
{
  GByteArray *bytes = g_byte_array_new ();
  g_autofree char *contents = NULL;
  gsize length = 0;

  if (g_file_get_contents (path, &contents, &length, NULL))
    g_byte_array_append (bytes, (const guint8 *) contents, length);
  return bytes;
}

static FileState *
file_state_lookup (const char *path,
                   gboolean    main_db)
{
  FileState *state;

  if (files == NULL)
    files = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) file_state_free);
  state = g_hash_table_lookup (files, path);
  if (state == NULL)
    {
      state = g_new0 (FileState, 1);
      state->path = g_strdup (path);
      state->durable = read_whole_file (path);
      state->pending = g_ptr_array_new_with_free_func ((GDestroyNotify) pending_op_free);
      g_hash_table_insert (files, state->path, state);
    }
  state->main_db |= main_db;
  return state;
}

static void
apply_op (GByteArray      *content,
          const PendingOp *op,
          gsize            keep_bytes)
{
  gsize length = 0;
  const guint8 *data;

  if (op->data == NULL)
    {
      if ((gint64) content->len > op->offset)
        g_byte_array_set_size (content, op->offset);
      return;
    }
  data = g_bytes_get_data (op->data, &length);
  length = MIN (length, keep_bytes);
  if (length == 0)
    return;
  if (content->len < op->offset + length)
    {
      guint old = content->len;
      g_byte_array_set_size (content, op->offset + length);
      memset (content->data + old, 0, content->len - old);
    }
  memcpy (content->data + op->offset, data, length);
}

static void
file_state_sync (FileState *state)
{
  for (guint i = 0; i < state->pending->len; i++)
    apply_op (state->durable, state->pending->pdata[i], G_MAXSIZE);
  g_ptr_array_set_size (state->pending, 0);
}

static void
queue_op (FileState *state,
          gint64     offset,
          const void *data,
          gsize      length)
{
  PendingOp *op = g_new0 (PendingOp, 1);

  op->offset = offset;
  op->data = data != NULL ? g_bytes_new (data, length) : NULL;
  g_ptr_array_add (state->pending, op);
}

/* Counts one write-ish call; TRUE when the power is (now) off. */
static gboolean
tick_is_dead (void)
{
  if (!dead && armed)
    {
      if (ops_left == 0)
        dead = TRUE;
      else
        ops_left--;
    }
  return dead;
}

/* --- io methods --- */

static int
crash_close (sqlite3_file *file)
{
  CrashFile *self = (CrashFile *) file;
  int rc = self->real->pMethods != NULL ? self->real->pMethods->xClose (self->real) : SQLITE_OK;

  g_free (self->real);
  return rc;
}

static int
crash_read (sqlite3_file *file, void *buffer, int amount, sqlite3_int64 offset)
{
  CrashFile *self = (CrashFile *) file;

  return self->real->pMethods->xRead (self->real, buffer, amount, offset);
}

static int
crash_write (sqlite3_file *file, const void *buffer, int amount, sqlite3_int64 offset)
{
  CrashFile *self = (CrashFile *) file;
  g_autoptr(GMutexLocker) locker G_GNUC_UNUSED = g_mutex_locker_new (&lock);

  if (self->state == NULL)
    return self->real->pMethods->xWrite (self->real, buffer, amount, offset);
  stats.writes++;
  if (dead)
    return SQLITE_IOERR_WRITE;
  if (tick_is_dead ())
    {
      /* the write in flight when the power went: it may or may not land */
      queue_op (self->state, offset, buffer, amount);
      return SQLITE_IOERR_WRITE;
    }
  queue_op (self->state, offset, buffer, amount);
  return self->real->pMethods->xWrite (self->real, buffer, amount, offset);
}

static int
crash_truncate (sqlite3_file *file, sqlite3_int64 size)
{
  CrashFile *self = (CrashFile *) file;
  g_autoptr(GMutexLocker) locker G_GNUC_UNUSED = g_mutex_locker_new (&lock);

  if (self->state == NULL)
    return self->real->pMethods->xTruncate (self->real, size);
  if (tick_is_dead ())
    return SQLITE_IOERR_TRUNCATE;
  queue_op (self->state, size, NULL, 0);
  return self->real->pMethods->xTruncate (self->real, size);
}

static int
crash_sync (sqlite3_file *file, int flags)
{
  CrashFile *self = (CrashFile *) file;
  g_autoptr(GMutexLocker) locker G_GNUC_UNUSED = g_mutex_locker_new (&lock);

  if (self->state == NULL)
    return SQLITE_OK;
  stats.syncs++;
  if (tick_is_dead ())
    return SQLITE_IOERR_FSYNC;
  file_state_sync (self->state);
  return SQLITE_OK;
}

static int
crash_file_size (sqlite3_file *file, sqlite3_int64 *size)
{
  CrashFile *self = (CrashFile *) file;

  return self->real->pMethods->xFileSize (self->real, size);
}

static int
crash_lock (sqlite3_file *file, int level)
{
  CrashFile *self = (CrashFile *) file;

  return self->real->pMethods->xLock (self->real, level);
}

static int
crash_unlock (sqlite3_file *file, int level)
{
  CrashFile *self = (CrashFile *) file;

  return self->real->pMethods->xUnlock (self->real, level);
}

static int
crash_check_reserved_lock (sqlite3_file *file, int *out)
{
  CrashFile *self = (CrashFile *) file;

  return self->real->pMethods->xCheckReservedLock (self->real, out);
}

static int
crash_file_control (sqlite3_file *file, int op, void *arg)
{
  CrashFile *self = (CrashFile *) file;

  return self->real->pMethods->xFileControl (self->real, op, arg);
}

static int
crash_sector_size (sqlite3_file *file)
{
  CrashFile *self = (CrashFile *) file;

  return self->real->pMethods->xSectorSize (self->real);
}

static int
crash_device_characteristics (sqlite3_file *file)
{
  CrashFile *self = (CrashFile *) file;

  return self->real->pMethods->xDeviceCharacteristics (self->real);
}

static int
crash_shm_map (sqlite3_file *file, int page, int page_size, int extend, void volatile **out)
{
  CrashFile *self = (CrashFile *) file;

  return self->real->pMethods->xShmMap (self->real, page, page_size, extend, out);
}

static int
crash_shm_lock (sqlite3_file *file, int offset, int n, int flags)
{
  CrashFile *self = (CrashFile *) file;

  return self->real->pMethods->xShmLock (self->real, offset, n, flags);
}

static void
crash_shm_barrier (sqlite3_file *file)
{
  CrashFile *self = (CrashFile *) file;

  self->real->pMethods->xShmBarrier (self->real);
}

static int
crash_shm_unmap (sqlite3_file *file, int delete_flag)
{
  CrashFile *self = (CrashFile *) file;

  return self->real->pMethods->xShmUnmap (self->real, delete_flag);
}

static const sqlite3_io_methods crash_io_methods = {
  .iVersion = 2,
  .xClose = crash_close,
  .xRead = crash_read,
  .xWrite = crash_write,
  .xTruncate = crash_truncate,
  .xSync = crash_sync,
  .xFileSize = crash_file_size,
  .xLock = crash_lock,
  .xUnlock = crash_unlock,
  .xCheckReservedLock = crash_check_reserved_lock,
  .xFileControl = crash_file_control,
  .xSectorSize = crash_sector_size,
  .xDeviceCharacteristics = crash_device_characteristics,
  .xShmMap = crash_shm_map,
  .xShmLock = crash_shm_lock,
  .xShmBarrier = crash_shm_barrier,
  .xShmUnmap = crash_shm_unmap,
};

/* --- vfs methods --- */

static int
crash_open (sqlite3_vfs *vfs, const char *name, sqlite3_file *file, int flags, int *out_flags)
{
  CrashFile *self = (CrashFile *) file;
  gboolean tracked = name != NULL
      && (flags & (SQLITE_OPEN_MAIN_DB | SQLITE_OPEN_WAL | SQLITE_OPEN_MAIN_JOURNAL)) != 0;
  int rc;

  memset (self, 0, sizeof *self);
  self->real = g_malloc0 (real_vfs->szOsFile);
  rc = real_vfs->xOpen (real_vfs, name, self->real, flags, out_flags);
  if (rc != SQLITE_OK)
    {
      g_clear_pointer (&self->real, g_free);
      return rc;
    }
  if (tracked)
    {
      g_autoptr(GMutexLocker) locker G_GNUC_UNUSED = g_mutex_locker_new (&lock);
      self->state = file_state_lookup (name, (flags & SQLITE_OPEN_MAIN_DB) != 0);
    }
  self->base.pMethods = &crash_io_methods;
  return SQLITE_OK;
}

static int
crash_delete (sqlite3_vfs *vfs, const char *name, int sync_dir)
{
  g_autoptr(GMutexLocker) locker G_GNUC_UNUSED = g_mutex_locker_new (&lock);

  if (dead)
    return SQLITE_IOERR_DELETE;
  if (files != NULL)
    g_hash_table_remove (files, name);
  return real_vfs->xDelete (real_vfs, name, sync_dir);
}

static int
crash_access (sqlite3_vfs *vfs, const char *name, int flags, int *out)
{
  return real_vfs->xAccess (real_vfs, name, flags, out);
}

static int
crash_full_pathname (sqlite3_vfs *vfs, const char *name, int size, char *out)
{
  return real_vfs->xFullPathname (real_vfs, name, size, out);
}

static int
crash_randomness (sqlite3_vfs *vfs, int size, char *out)
{
  return real_vfs->xRandomness (real_vfs, size, out);
}

static int
crash_sleep (sqlite3_vfs *vfs, int microseconds)
{
  return real_vfs->xSleep (real_vfs, microseconds);
}

static int
crash_current_time (sqlite3_vfs *vfs, double *out)
{
  return real_vfs->xCurrentTime (real_vfs, out);
}

static int
crash_get_last_error (sqlite3_vfs *vfs, int size, char *out)
{
  return real_vfs->xGetLastError (real_vfs, size, out);
}

static int
crash_current_time_int64 (sqlite3_vfs *vfs, sqlite3_int64 *out)
{
  return real_vfs->xCurrentTimeInt64 (real_vfs, out);
}

/* --- restore --- */

static void
write_file (const char       *path,
            const GByteArray *content)
{
  int fd = open (path, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
  gsize done = 0;

  g_assert_cmpint (fd, >=, 0);
  while (done < content->len)
    {
      ssize_t n = pwrite (fd, content->data + done, content->len - done, done);
      g_assert_cmpint (n, >, 0);
      done += n;
    }
  g_assert_cmpint (ftruncate (fd, content->len), ==, 0);
  close (fd);
}

static void
restore_file (FileState *state,
              GRand     *rand,
              gboolean   allow_torn)
{
  gint torn_at = allow_torn && state->pending->len > 0
      ? g_rand_int_range (rand, 0, state->pending->len) : -1;

  for (guint i = 0; i < state->pending->len; i++)
    {
      PendingOp *op = state->pending->pdata[i];
      gsize length = op->data != NULL ? g_bytes_get_size (op->data) : 0;

      if (g_rand_boolean (rand))
        {
          stats.dropped_writes++;
          continue;
        }
      if ((gint) i == torn_at && length > SECTOR)
        {
          stats.torn_writes++;
          apply_op (state->durable, op, SECTOR * g_rand_int_range (rand, 1, length / SECTOR + 1));
          continue;
        }
      stats.kept_writes++;
      apply_op (state->durable, op, G_MAXSIZE);
    }
  g_ptr_array_set_size (state->pending, 0);
  write_file (state->path, state->durable);
  if (state->main_db)
    {
      g_autofree char *shm = g_strconcat (state->path, "-shm", NULL);
      unlink (shm);
    }
}

/* --- public API --- */

void
curb_crash_vfs_install (void)
{
  g_autoptr(GMutexLocker) locker G_GNUC_UNUSED = g_mutex_locker_new (&lock);

  if (real_vfs != NULL)
    return;
  real_vfs = sqlite3_vfs_find (NULL);
  g_assert_nonnull (real_vfs);
  crash_vfs = (sqlite3_vfs) {
    .iVersion = 2,
    .szOsFile = sizeof (CrashFile),
    .mxPathname = real_vfs->mxPathname,
    .zName = "curb-crash",
    .xOpen = crash_open,
    .xDelete = crash_delete,
    .xAccess = crash_access,
    .xFullPathname = crash_full_pathname,
    .xRandomness = crash_randomness,
    .xSleep = crash_sleep,
    .xCurrentTime = crash_current_time,
    .xGetLastError = crash_get_last_error,
    .xCurrentTimeInt64 = crash_current_time_int64,
  };
  g_assert_cmpint (sqlite3_vfs_register (&crash_vfs, 1), ==, SQLITE_OK);
}

void
curb_crash_vfs_arm (guint64 ops)
{
  g_autoptr(GMutexLocker) locker G_GNUC_UNUSED = g_mutex_locker_new (&lock);

  armed = TRUE;
  ops_left = ops;
}

void
curb_crash_vfs_disarm (void)
{
  g_autoptr(GMutexLocker) locker G_GNUC_UNUSED = g_mutex_locker_new (&lock);

  armed = FALSE;
}

void
curb_crash_vfs_power_cut (void)
{
  g_autoptr(GMutexLocker) locker G_GNUC_UNUSED = g_mutex_locker_new (&lock);

  dead = TRUE;
}

gboolean
curb_crash_vfs_is_dead (void)
{
  g_autoptr(GMutexLocker) locker G_GNUC_UNUSED = g_mutex_locker_new (&lock);

  return dead;
}

void
curb_crash_vfs_restore (GRand    *rand,
                        gboolean  allow_torn)
{
  g_autoptr(GMutexLocker) locker G_GNUC_UNUSED = g_mutex_locker_new (&lock);
  GHashTableIter iter;
  FileState *state;

  g_assert_true (dead);
  if (files != NULL)
    {
      g_hash_table_iter_init (&iter, files);
      while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &state))
        restore_file (state, rand, allow_torn);
    }
  dead = FALSE;
  armed = FALSE;
}

void
curb_crash_vfs_reset (void)
{
  g_autoptr(GMutexLocker) locker G_GNUC_UNUSED = g_mutex_locker_new (&lock);

  g_clear_pointer (&files, g_hash_table_unref);
  dead = FALSE;
  armed = FALSE;
}

void
curb_crash_vfs_get_stats (CurbCrashVfsStats *out_stats)
{
  g_autoptr(GMutexLocker) locker G_GNUC_UNUSED = g_mutex_locker_new (&lock);

  *out_stats = stats;
}
