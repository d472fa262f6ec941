#include <sqlite3.h>
#include <string.h>

#include "curb-escpos.h"
#include "curb-printer-queue.h"
#include "curb-receipt.h"
#include "curb-sqlite.h"
#include "curb-util.h"

#define DEFAULT_RETRY_MS     2000
#define DEFAULT_CONFIRM_MS   3000
#define DEFAULT_IDLE_POLL_MS 30000
#define MAX_JOB_BYTES        (4 * 1024 * 1024)
/* Printed jobs hold first names: kept a day (for support), then deleted. */
#define DEFAULT_RETENTION_MS (24 * 3600 * 1000)
/* A printer that says it is fine but never confirms a job (a profile that
 * claims process IDs it lacks): after this long the job counts as printed. */
#define MAX_SILENT_CONFIRM_MS 60000

/* The station's own print queue: jobs live in a small SQLite file of their
 * own until the printer confirms them, so a crash, a paper-out or an unplug
 * loses nothing. */
struct _CurbPrinterQueue
{
  GObject                   parent_instance;

  sqlite3                  *db;
  CurbPrinter              *printer;
  const CurbPrinterProfile *profile;
  char                     *station;
  CurbPrinterRole           role;
  GMainContext             *context;
  guint                     retry_ms;
  guint                     confirm_ms;
  guint                     idle_poll_ms;
  gint64                    retention_ms;
  gint64                    last_check;

  GMutex                    lock;
  GCond                     wake;
  GThread                  *worker;
  GThreadPool              *enqueuer;   /* one thread: async enqueues keep their order */
  gboolean                  stopping;
  CurbPrinterStatus         status;
  guint                     pending;
};

typedef struct
{
  gint64  id;
  char   *lang;
  GBytes *payload;
  gint64  attempts;
} Job;

enum
{
  PROP_0,
  PROP_STATUS,
  PROP_PENDING,
  PROP_STATION,
  N_PROPS
};

enum
{
  SIGNAL_JOB_DONE,
  SIGNAL_STATUS_CHANGED,
  N_SIGNALS
};

static GParamSpec *props[N_PROPS];
static guint signals[N_SIGNALS];

static void enqueue_in_pool (gpointer data,
                             gpointer pool_data);

G_DEFINE_FINAL_TYPE (CurbPrinterQueue, curb_printer_queue, G_TYPE_OBJECT)

/* version 1 was made before the queue had a user_version: IF NOT EXISTS */
static const CurbSqliteMigration migrations[] = {
  { 1, "CREATE TABLE IF NOT EXISTS jobs ("
  "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
  "  kind TEXT NOT NULL,"
  "  lang TEXT,"
  "  payload BLOB NOT NULL,"
  "  created_ms INTEGER NOT NULL,"
  "  attempts INTEGER NOT NULL DEFAULT 0,"
  "  done_ms INTEGER);"
  "CREATE INDEX IF NOT EXISTS jobs_pending ON jobs (id) WHERE done_ms IS NULL;" },
};

static void
job_free (Job *job)
{
  g_free (job->lang);
  g_clear_pointer (&job->payload, g_bytes_unref);
  g_free (job);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Job, job_free)

static gboolean
db_error (sqlite3  *db,
          GError  **error)
{
  g_set_error (error, CURB_HARDWARE_ERROR, CURB_HARDWARE_ERROR_IO,
               "Print queue database: %s", sqlite3_errmsg (db));
  return FALSE;
}

static guint
count_pending_locked (CurbPrinterQueue *self)
{
  sqlite3_stmt *stmt = NULL;
  guint n = 0;

  if (sqlite3_prepare_v2 (self->db, "SELECT count(*) FROM jobs WHERE done_ms IS NULL", -1, &stmt, NULL) == SQLITE_OK
      && sqlite3_step (stmt) == SQLITE_ROW)
    n = (guint) sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  return n;
}

static Job *
next_job_locked (CurbPrinterQueue *self)
{
  sqlite3_stmt *stmt = NULL;
  Job *job = NULL;

  if (sqlite3_prepare_v2 (self->db,
                          "SELECT id, lang, payload, attempts FROM jobs WHERE done_ms IS NULL "
                          "ORDER BY id LIMIT 1", -1, &stmt, NULL) == SQLITE_OK
      && sqlite3_step (stmt) == SQLITE_ROW)
    {
      job = g_new0 (Job, 1);
      job->id = sqlite3_column_int64 (stmt, 0);
      job->lang = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
      job->payload = g_bytes_new (sqlite3_column_blob (stmt, 2), (gsize) sqlite3_column_bytes (stmt, 2));
      job->attempts = sqlite3_column_int64 (stmt, 3);
    }
  sqlite3_finalize (stmt);
  return job;
}

static gboolean
exec_job_update (CurbPrinterQueue *self,
                 const char       *sql,
                 gint64            value)
{
  sqlite3_stmt *stmt = NULL;
  gboolean ok;

  g_mutex_lock (&self->lock);
  ok = sqlite3_prepare_v2 (self->db, sql, -1, &stmt, NULL) == SQLITE_OK
       && sqlite3_bind_int64 (stmt, 1, curb_now_ms ()) == SQLITE_OK
       && sqlite3_bind_int64 (stmt, 2, value) == SQLITE_OK
       && sqlite3_step (stmt) == SQLITE_DONE;
  sqlite3_finalize (stmt);
  g_mutex_unlock (&self->lock);
  return ok;
}

/* Committed before the first byte goes out: a job whose attempt count is
 * above zero may have printed in part, and is reprinted under a banner. */
static gboolean
mark_attempt (CurbPrinterQueue *self,
              Job              *job)
{
  return exec_job_update (self, "UPDATE jobs SET attempts = attempts + 1 WHERE ?1 > 0 AND id = ?2", job->id);
}

static gboolean
mark_done (CurbPrinterQueue *self,
           Job              *job)
{
  return exec_job_update (self, "UPDATE jobs SET done_ms = ?1 WHERE id = ?2 AND done_ms IS NULL", job->id);
}

static void
prune_done (CurbPrinterQueue *self)
{
  exec_job_update (self, "DELETE FROM jobs WHERE done_ms IS NOT NULL AND done_ms <= ?1 - ?2",
                   self->retention_ms);
}

typedef struct
{
  CurbPrinterQueue *self;
  gint64            job_id;
  gboolean          status_changed;
} Notification;

static gboolean
on_notification_dispatch (gpointer data)
{
  Notification *note = data;

  if (note->status_changed)
    {
      g_object_notify_by_pspec (G_OBJECT (note->self), props[PROP_STATUS]);
      g_signal_emit (note->self, signals[SIGNAL_STATUS_CHANGED], 0, curb_printer_queue_get_status (note->self));
    }
  else
    {
      if (note->job_id > 0)
        g_signal_emit (note->self, signals[SIGNAL_JOB_DONE], 0, note->job_id);
      g_object_notify_by_pspec (G_OBJECT (note->self), props[PROP_PENDING]);
    }
  return G_SOURCE_REMOVE;
}

static void
notification_free (gpointer data)
{
  Notification *note = data;

  g_object_unref (note->self);
  g_free (note);
}

static void
notify_in_context (CurbPrinterQueue *self,
                   gint64            job_id,
                   gboolean          status_changed)
{
  Notification *note = g_new0 (Notification, 1);

  note->self = g_object_ref (self);
  note->job_id = job_id;
  note->status_changed = status_changed;
  g_main_context_invoke_full (self->context, G_PRIORITY_DEFAULT, on_notification_dispatch, note,
                              notification_free);
}

static void
set_status (CurbPrinterQueue  *self,
            CurbPrinterStatus  status)
{
  gboolean changed;

  g_mutex_lock (&self->lock);
  changed = self->status != status;
  self->status = status;
  if (changed)
    g_cond_broadcast (&self->wake);
  g_mutex_unlock (&self->lock);
  if (changed)
    notify_in_context (self, 0, TRUE);
}

static gboolean
stopping (CurbPrinterQueue *self)
{
  gboolean result;

  g_mutex_lock (&self->lock);
  result = self->stopping;
  g_mutex_unlock (&self->lock);
  return result;
}

/* DLE EOT before and after a job; no answer means the printer is gone. */
static gboolean
check_status (CurbPrinterQueue  *self,
              CurbPrinterStatus *out_status)
{
  CurbPrinterStatus status = CURB_PRINTER_STATUS_OK;

  self->last_check = g_get_monotonic_time ();
  if (!curb_printer_open (self->printer, NULL)
      || !curb_printer_query_status (self->printer, CURB_PRINTER_STATUS_TIMEOUT_MS, &status, NULL))
    {
      curb_printer_close (self->printer);
      set_status (self, CURB_PRINTER_STATUS_UNREACHABLE);
      return FALSE;
    }
  set_status (self, status);
  if (out_status != NULL)
    *out_status = status;
  return TRUE;
}

static GBytes *
job_bytes (CurbPrinterQueue *self,
           Job              *job,
           const char       *marker)
{
  g_autoptr(CurbEscpos) escpos = curb_escpos_new (self->profile);
  gsize len = 0;
  const guint8 *data;

  if (job->attempts > 0)
    {
      g_autoptr(GBytes) banner = curb_receipt_encode_reprint_banner (self->profile, job->lang);
      data = g_bytes_get_data (banner, &len);
      curb_escpos_raw (escpos, data, len);
    }
  data = g_bytes_get_data (job->payload, &len);
  curb_escpos_raw (escpos, data, len);
  curb_escpos_process_id (escpos, marker);
  return curb_escpos_get_bytes (escpos);
}

/* Without process IDs: the job is done once the printer reports it can print. */
static gboolean
confirm_by_status (CurbPrinterQueue *self)
{
  CurbPrinterStatus status;

  while (!stopping (self))
    {
      if (!check_status (self, &status))
        return FALSE;
      if (!(status & CURB_PRINTER_STATUS_BLOCKING))
        return TRUE;
      g_usleep ((gulong) self->retry_ms * 1000);
    }
  return FALSE;
}

/* Wait for the job's process ID answer. While the printer is stopped
 * (paper out mid-job) the job sits in its buffer: keep waiting and keep
 * telling people; it prints when the paper is in. */
static gboolean
confirm_by_marker (CurbPrinterQueue *self,
                   const char       *marker)
{
  guint silent_ms = 0;

  while (!stopping (self))
    {
      g_autoptr(GError) error = NULL;
      CurbPrinterStatus status;

      if (curb_printer_wait_process_id (self->printer, marker, self->confirm_ms, &error))
        return TRUE;
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT) || !check_status (self, &status))
        {
          curb_printer_close (self->printer);
          set_status (self, CURB_PRINTER_STATUS_UNREACHABLE);
          return FALSE;
        }
      silent_ms = (status & CURB_PRINTER_STATUS_BLOCKING) ? 0 : silent_ms + self->confirm_ms;
      if (silent_ms >= MAX_SILENT_CONFIRM_MS)
        return TRUE;
    }
  return FALSE;
}

static gboolean
print_job (CurbPrinterQueue *self,
           Job              *job)
{
  g_autofree char *marker = curb_escpos_marker_for_job (job->id);
  g_autoptr(GBytes) bytes = NULL;
  CurbPrinterStatus status;
  gboolean confirmed;

  if (!check_status (self, &status) || (status & CURB_PRINTER_STATUS_BLOCKING))
    return FALSE;
  curb_printer_drain (self->printer);
  if (!mark_attempt (self, job))
    return FALSE;
  bytes = job_bytes (self, job, marker);
  if (!curb_printer_write_all (self->printer, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), NULL))
    {
      set_status (self, CURB_PRINTER_STATUS_UNREACHABLE);
      return FALSE;
    }
  if (!curb_printer_can_read (self->printer))
    confirmed = TRUE;
  else if (self->profile->process_id)
    confirmed = confirm_by_marker (self, marker);
  else
    confirmed = confirm_by_status (self);
  if (confirmed)
    check_status (self, NULL);
  return confirmed;
}

static void
wait_for_work (CurbPrinterQueue *self,
               guint             ms)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) ms * 1000;

  g_mutex_lock (&self->lock);
  if (!self->stopping)
    g_cond_wait_until (&self->wake, &self->lock, deadline);
  g_mutex_unlock (&self->lock);
}

static void
finish_job (CurbPrinterQueue *self,
            Job              *job)
{
  mark_done (self, job);
  prune_done (self);
  g_mutex_lock (&self->lock);
  self->pending = count_pending_locked (self);
  g_cond_broadcast (&self->wake);
  g_mutex_unlock (&self->lock);
  notify_in_context (self, job->id, FALSE);
}

/* Paper can run out between jobs too: staff should know before a shopper waits. */
static void
poll_when_idle (CurbPrinterQueue *self)
{
  if (self->idle_poll_ms > 0
      && g_get_monotonic_time () - self->last_check >= (gint64) self->idle_poll_ms * 1000)
    check_status (self, NULL);
}

static gpointer
worker_thread (gpointer data)
{
  CurbPrinterQueue *self = data;

  while (!stopping (self))
    {
      g_autoptr(Job) job = NULL;

      g_mutex_lock (&self->lock);
      job = next_job_locked (self);
      self->pending = count_pending_locked (self);
      g_mutex_unlock (&self->lock);
      if (job == NULL)
        {
          poll_when_idle (self);
          wait_for_work (self, self->retry_ms);
        }
      else if (print_job (self, job))
        finish_job (self, job);
      else
        wait_for_work (self, self->retry_ms);
    }
  curb_printer_close (self->printer);
  return NULL;
}

static void
curb_printer_queue_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  CurbPrinterQueue *self = CURB_PRINTER_QUEUE (object);

  switch (prop_id)
    {
    case PROP_STATUS:
      g_value_set_uint (value, curb_printer_queue_get_status (self));
      break;
    case PROP_PENDING:
      g_value_set_uint (value, curb_printer_queue_get_pending (self));
      break;
    case PROP_STATION:
      g_value_set_string (value, self->station);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
curb_printer_queue_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  CurbPrinterQueue *self = CURB_PRINTER_QUEUE (object);

  switch (prop_id)
    {
    case PROP_STATION:
      curb_printer_queue_set_station (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
curb_printer_queue_dispose (GObject *object)
{
  CurbPrinterQueue *self = CURB_PRINTER_QUEUE (object);

  if (self->enqueuer != NULL)
    g_thread_pool_free (g_steal_pointer (&self->enqueuer), FALSE, TRUE);
  curb_printer_queue_stop (self);
  G_OBJECT_CLASS (curb_printer_queue_parent_class)->dispose (object);
}

static void
curb_printer_queue_finalize (GObject *object)
{
  CurbPrinterQueue *self = CURB_PRINTER_QUEUE (object);

  sqlite3_close (self->db);
  g_clear_object (&self->printer);
  g_clear_pointer (&self->context, g_main_context_unref);
  g_free (self->station);
  g_mutex_clear (&self->lock);
  g_cond_clear (&self->wake);
  G_OBJECT_CLASS (curb_printer_queue_parent_class)->finalize (object);
}

static void
curb_printer_queue_class_init (CurbPrinterQueueClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = curb_printer_queue_get_property;
  object_class->set_property = curb_printer_queue_set_property;
  object_class->dispose = curb_printer_queue_dispose;
  object_class->finalize = curb_printer_queue_finalize;

  props[PROP_STATUS] = g_param_spec_uint ("status", NULL, NULL, 0, G_MAXUINT, 0,
                                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  props[PROP_PENDING] = g_param_spec_uint ("pending", NULL, NULL, 0, G_MAXUINT, 0,
                                           G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  props[PROP_STATION] = g_param_spec_string ("station", NULL, NULL, NULL,
                                             G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, props);

  /**
   * CurbPrinterQueue::job-done:
   * @job_id: the job the printer confirmed
   */
  signals[SIGNAL_JOB_DONE] = g_signal_new ("job-done", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                           0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_INT64);
  /**
   * CurbPrinterQueue::status-changed:
   * @status: the new #CurbPrinterStatus flags; show
   *   curb_printer_queue_dup_staff_message() to staff
   */
  signals[SIGNAL_STATUS_CHANGED] = g_signal_new ("status-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                                 0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_UINT);
}

static void
curb_printer_queue_init (CurbPrinterQueue *self)
{
  g_mutex_init (&self->lock);
  g_cond_init (&self->wake);
  self->retry_ms = DEFAULT_RETRY_MS;
  self->confirm_ms = DEFAULT_CONFIRM_MS;
  self->idle_poll_ms = DEFAULT_IDLE_POLL_MS;
  self->retention_ms = DEFAULT_RETENTION_MS;
  self->context = g_main_context_ref_thread_default ();
  self->enqueuer = g_thread_pool_new (enqueue_in_pool, NULL, 1, FALSE, NULL);
}

/**
 * curb_printer_queue_new:
 * @db_path: the queue's own SQLite file (created when missing)
 * @printer: the printer the jobs go to (not yet opened is fine)
 * @profile: the printer's profile
 * @error: return location for a #CURB_HARDWARE_ERROR_IO error
 *
 * Jobs left by an earlier run are still there; curb_printer_queue_start()
 * prints them first. Signals are emitted in the thread-default main context
 * of the caller.
 */
CurbPrinterQueue *
curb_printer_queue_new (const char                *db_path,
                        CurbPrinter               *printer,
                        const CurbPrinterProfile  *profile,
                        GError                   **error)
{
  g_autoptr(CurbPrinterQueue) self = NULL;

  g_return_val_if_fail (db_path != NULL, NULL);
  g_return_val_if_fail (CURB_IS_PRINTER (printer), NULL);
  g_return_val_if_fail (profile != NULL, NULL);

  self = g_object_new (CURB_TYPE_PRINTER_QUEUE, NULL);
  self->printer = g_object_ref (printer);
  self->profile = profile;
  self->db = curb_sqlite_open (db_path, "print queue", CURB_SQLITE_DURABLE | CURB_SQLITE_SHARED,
                               migrations, G_N_ELEMENTS (migrations), error);
  if (self->db == NULL)
    return NULL;
  self->pending = count_pending_locked (self);
  return g_steal_pointer (&self);
}

void
curb_printer_queue_set_station (CurbPrinterQueue *self,
                                const char       *station)
{
  g_return_if_fail (CURB_IS_PRINTER_QUEUE (self));

  if (g_strcmp0 (self->station, station) == 0)
    return;
  g_free (self->station);
  self->station = g_strdup (station);
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_STATION]);
}

const char *
curb_printer_queue_get_station (CurbPrinterQueue *self)
{
  g_return_val_if_fail (CURB_IS_PRINTER_QUEUE (self), NULL);
  return self->station;
}

void
curb_printer_queue_set_role (CurbPrinterQueue *self,
                             CurbPrinterRole   role)
{
  g_return_if_fail (CURB_IS_PRINTER_QUEUE (self));
  self->role = role;
}

/* How often to retry a stopped printer, and how long to wait for a job's
 * confirmation before asking the printer what is wrong. */
void
curb_printer_queue_set_timing (CurbPrinterQueue *self,
                               guint             retry_ms,
                               guint             confirm_ms)
{
  g_return_if_fail (CURB_IS_PRINTER_QUEUE (self));
  g_return_if_fail (self->worker == NULL);

  self->retry_ms = MAX (retry_ms, 10);
  self->confirm_ms = MAX (confirm_ms, 10);
}

static gint64
insert_one_locked (CurbPrinterQueue  *self,
                   const char        *kind,
                   GBytes            *escpos,
                   const char        *lang)
{
  sqlite3_stmt *stmt = NULL;
  gint64 id = 0;
  gsize len = 0;
  const void *data = g_bytes_get_data (escpos, &len);

  if (sqlite3_prepare_v2 (self->db, "INSERT INTO jobs (kind, lang, payload, created_ms) VALUES (?1, ?2, ?3, ?4)",
                          -1, &stmt, NULL) == SQLITE_OK
      && sqlite3_bind_text (stmt, 1, kind, -1, SQLITE_TRANSIENT) == SQLITE_OK
      && sqlite3_bind_text (stmt, 2, lang, -1, SQLITE_TRANSIENT) == SQLITE_OK
      && sqlite3_bind_blob64 (stmt, 3, len > 0 ? data : "", len, SQLITE_TRANSIENT) == SQLITE_OK
      && sqlite3_bind_int64 (stmt, 4, curb_now_ms ()) == SQLITE_OK
      && sqlite3_step (stmt) == SQLITE_DONE)
    id = sqlite3_last_insert_rowid (self->db);
  sqlite3_finalize (stmt);
  return id;
}

/* All of @jobs or none, in one transaction; returns the first job's id. */
static gint64
insert_jobs (CurbPrinterQueue  *self,
             const char        *kind,
             GPtrArray         *jobs,
             const char        *lang,
             GError           **error)
{
  gint64 first = 0;
  gboolean ok;

  g_mutex_lock (&self->lock);
  ok = sqlite3_exec (self->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) == SQLITE_OK;
  for (guint i = 0; ok && i < jobs->len; i++)
    {
      gint64 id = insert_one_locked (self, kind, g_ptr_array_index (jobs, i), lang);
      ok = id > 0;
      first = first > 0 ? first : id;
    }
  ok = ok && sqlite3_exec (self->db, "COMMIT", NULL, NULL, NULL) == SQLITE_OK;
  if (!ok)
    {
      db_error (self->db, error);
      sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
      first = 0;
    }
  self->pending = count_pending_locked (self);
  g_cond_broadcast (&self->wake);
  g_mutex_unlock (&self->lock);
  return first;
}

static gint64
insert_job (CurbPrinterQueue  *self,
            const char        *kind,
            GBytes            *escpos,
            const char        *lang,
            GError           **error)
{
  g_autoptr(GPtrArray) jobs = g_ptr_array_new ();

  g_ptr_array_add (jobs, escpos);
  return insert_jobs (self, kind, jobs, lang, error);
}

/* How often an idle queue asks the printer how it is; 0 never. */
void
curb_printer_queue_set_idle_poll (CurbPrinterQueue *self,
                                  guint             idle_poll_ms)
{
  g_return_if_fail (CURB_IS_PRINTER_QUEUE (self));
  g_return_if_fail (self->worker == NULL);

  self->idle_poll_ms = idle_poll_ms;
}

/* How long printed jobs stay in the file; 0 deletes them once confirmed. */
void
curb_printer_queue_set_retention (CurbPrinterQueue *self,
                                  guint64           retention_ms)
{
  g_return_if_fail (CURB_IS_PRINTER_QUEUE (self));
  g_return_if_fail (self->worker == NULL);

  self->retention_ms = (gint64) MIN (retention_ms, G_MAXINT64 / 2);
}

static gboolean
check_job_size (GBytes  *escpos,
                GError **error)
{
  if (g_bytes_get_size (escpos) <= MAX_JOB_BYTES)
    return TRUE;
  g_set_error (error, CURB_HARDWARE_ERROR, CURB_HARDWARE_ERROR_UNSUPPORTED,
               "A print job of %zu bytes is too large (at most %d)", g_bytes_get_size (escpos), MAX_JOB_BYTES);
  return FALSE;
}

static gboolean
check_job_sizes (GPtrArray  *jobs,
                 GError    **error)
{
  for (guint i = 0; i < jobs->len; i++)
    if (!check_job_size (g_ptr_array_index (jobs, i), error))
      return FALSE;
  return TRUE;
}

/**
 * curb_printer_queue_enqueue:
 * @self: a queue
 * @kind: what it is, for logs ("receipt", "label", "ticket")
 * @escpos: the job's bytes, from a template
 * @lang: (nullable): language for the reprint banner
 * @error: return location for a #CURB_HARDWARE_ERROR_IO error, or
 *   #CURB_HARDWARE_ERROR_UNSUPPORTED for a job over 4 MiB
 *
 * The job is on disk (fsynced) when this returns; from a GTK main loop
 * prefer curb_printer_queue_enqueue_async().
 *
 * Returns: the job id, or 0 on error
 */
gint64
curb_printer_queue_enqueue (CurbPrinterQueue  *self,
                            const char        *kind,
                            GBytes            *escpos,
                            const char        *lang,
                            GError           **error)
{
  gint64 id;

  g_return_val_if_fail (CURB_IS_PRINTER_QUEUE (self), 0);
  g_return_val_if_fail (kind != NULL && escpos != NULL, 0);

  if (!check_job_size (escpos, error))
    return 0;
  id = insert_job (self, kind, escpos, lang, error);
  if (id > 0)
    g_object_notify_by_pspec (G_OBJECT (self), props[PROP_PENDING]);
  return id;
}

typedef struct
{
  char      *kind;
  GPtrArray *jobs;
  char      *lang;
} EnqueueData;

static void
enqueue_data_free (gpointer data)
{
  EnqueueData *enqueue = data;

  g_free (enqueue->kind);
  g_ptr_array_unref (enqueue->jobs);
  g_free (enqueue->lang);
  g_free (enqueue);
}

static void
enqueue_in_pool (gpointer data,
                 gpointer pool_data)
{
  g_autoptr(GTask) task = data;
  EnqueueData *enqueue = g_task_get_task_data (task);
  GError *error = NULL;
  gint64 id;

  if (g_task_return_error_if_cancelled (task))
    return;
  if (!check_job_sizes (enqueue->jobs, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  id = insert_jobs (g_task_get_source_object (task), enqueue->kind, enqueue->jobs, enqueue->lang, &error);
  if (id > 0)
    g_task_return_int (task, id);
  else
    g_task_return_error (task, error);
}

/**
 * curb_printer_queue_enqueue_all_async:
 * @self: a queue
 * @kind: what they are ("label")
 * @jobs: (element-type GBytes): the jobs, printed in this order
 * @lang: (nullable): language for the reprint banner
 * @cancellable: (nullable): a #GCancellable
 * @callback: called once all jobs are on disk (or none is)
 * @user_data: for @callback
 *
 * Queues several jobs at once, in one transaction: an order's bag labels
 * are all queued or none is. Finish with curb_printer_queue_enqueue_finish(),
 * which returns the first job's id.
 */
void
curb_printer_queue_enqueue_all_async (CurbPrinterQueue    *self,
                                      const char          *kind,
                                      GPtrArray           *jobs,
                                      const char          *lang,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  EnqueueData *enqueue;

  g_return_if_fail (CURB_IS_PRINTER_QUEUE (self));
  g_return_if_fail (kind != NULL && jobs != NULL && jobs->len > 0);

  enqueue = g_new0 (EnqueueData, 1);
  enqueue->kind = g_strdup (kind);
  enqueue->jobs = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  for (guint i = 0; i < jobs->len; i++)
    g_ptr_array_add (enqueue->jobs, g_bytes_ref (g_ptr_array_index (jobs, i)));
  enqueue->lang = g_strdup (lang);
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, curb_printer_queue_enqueue_all_async);
  g_task_set_task_data (task, enqueue, enqueue_data_free);
  g_thread_pool_push (self->enqueuer, g_steal_pointer (&task), NULL);
}

/**
 * curb_printer_queue_enqueue_async:
 * @self: a queue
 * @kind: what it is ("receipt", "label", "ticket")
 * @escpos: the job's bytes
 * @lang: (nullable): language for the reprint banner
 * @cancellable: (nullable): a #GCancellable
 * @callback: called once the job is on disk
 * @user_data: for @callback
 *
 * curb_printer_queue_enqueue() off the calling thread; jobs enqueued this
 * way keep the order of the calls.
 */
void
curb_printer_queue_enqueue_async (CurbPrinterQueue    *self,
                                  const char          *kind,
                                  GBytes              *escpos,
                                  const char          *lang,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_autoptr(GPtrArray) jobs = g_ptr_array_new ();

  g_return_if_fail (escpos != NULL);

  g_ptr_array_add (jobs, escpos);
  curb_printer_queue_enqueue_all_async (self, kind, jobs, lang, cancellable, callback, user_data);
}

/**
 * curb_printer_queue_enqueue_finish:
 * @self: a queue
 * @result: the #GAsyncResult
 * @error: return location for a #CURB_HARDWARE_ERROR_IO error
 *
 * Returns: the job id, or 0 on error
 */
gint64
curb_printer_queue_enqueue_finish (CurbPrinterQueue  *self,
                                   GAsyncResult      *result,
                                   GError           **error)
{
  gint64 id;

  g_return_val_if_fail (g_task_is_valid (result, self), 0);

  id = g_task_propagate_int (G_TASK (result), error);
  if (id > 0)
    g_object_notify_by_pspec (G_OBJECT (self), props[PROP_PENDING]);
  return MAX (id, 0);
}

/* Starts the worker thread; jobs print in the order they were enqueued. */
void
curb_printer_queue_start (CurbPrinterQueue *self)
{
  g_return_if_fail (CURB_IS_PRINTER_QUEUE (self));

  if (self->worker != NULL)
    return;
  self->stopping = FALSE;
  prune_done (self);
  self->worker = g_thread_new ("print-queue", worker_thread, self);
}

/* Stops the worker; a job in flight stays queued and is reprinted later. */
void
curb_printer_queue_stop (CurbPrinterQueue *self)
{
  g_return_if_fail (CURB_IS_PRINTER_QUEUE (self));

  if (self->worker == NULL)
    return;
  g_mutex_lock (&self->lock);
  self->stopping = TRUE;
  g_cond_broadcast (&self->wake);
  g_mutex_unlock (&self->lock);
  g_thread_join (g_steal_pointer (&self->worker));
}

guint
curb_printer_queue_get_pending (CurbPrinterQueue *self)
{
  guint pending;

  g_return_val_if_fail (CURB_IS_PRINTER_QUEUE (self), 0);

  g_mutex_lock (&self->lock);
  pending = self->pending;
  g_mutex_unlock (&self->lock);
  return pending;
}

CurbPrinterStatus
curb_printer_queue_get_status (CurbPrinterQueue *self)
{
  CurbPrinterStatus status;

  g_return_val_if_fail (CURB_IS_PRINTER_QUEUE (self), CURB_PRINTER_STATUS_OK);

  g_mutex_lock (&self->lock);
  status = self->status;
  g_mutex_unlock (&self->lock);
  return status;
}

/* Blocks until every job is confirmed (for tools and tests, not a UI thread). */
gboolean
curb_printer_queue_wait_idle (CurbPrinterQueue *self,
                              guint             timeout_ms)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_ms * 1000;
  gboolean idle;

  g_return_val_if_fail (CURB_IS_PRINTER_QUEUE (self), FALSE);

  g_mutex_lock (&self->lock);
  while (self->pending > 0 && g_cond_wait_until (&self->wake, &self->lock, deadline))
    ;
  idle = self->pending == 0;
  g_mutex_unlock (&self->lock);
  return idle;
}

/* Blocks until the status has all of @flags (or is OK when @flags is 0). */
gboolean
curb_printer_queue_wait_status (CurbPrinterQueue  *self,
                                CurbPrinterStatus  flags,
                                guint              timeout_ms)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_ms * 1000;
  gboolean reached;

  g_return_val_if_fail (CURB_IS_PRINTER_QUEUE (self), FALSE);

#define REACHED (flags == 0 ? self->status == CURB_PRINTER_STATUS_OK : (self->status & flags) == flags)
  g_mutex_lock (&self->lock);
  while (!REACHED && g_cond_wait_until (&self->wake, &self->lock, deadline))
    ;
  reached = REACHED;
  g_mutex_unlock (&self->lock);
#undef REACHED
  return reached;
}

/* "Receipt printer at kiosk 2 is out of paper", or NULL when all is well. */
char *
curb_printer_queue_dup_staff_message (CurbPrinterQueue *self,
                                      const char       *lang)
{
  g_return_val_if_fail (CURB_IS_PRINTER_QUEUE (self), NULL);
  return curb_printer_staff_message (curb_printer_queue_get_status (self), self->role, self->station, lang);
}

/* "Your receipt will be handed to you", or NULL when the receipt prints. */
char *
curb_printer_queue_dup_shopper_message (CurbPrinterQueue *self,
                                        const char       *lang)
{
  g_return_val_if_fail (CURB_IS_PRINTER_QUEUE (self), NULL);
  return curb_printer_shopper_message (curb_printer_queue_get_status (self), self->role, lang);
}
