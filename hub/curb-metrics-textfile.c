#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "curb-error.h"
#include "curb-metrics-textfile.h"

struct _CurbMetricsTextfile
{
  GObject  parent_instance;
  CurbHub *hub;
  char    *path;
  guint    interval_s;
  guint    timeout_id;
  char    *last_error;
};

G_DEFINE_FINAL_TYPE (CurbMetricsTextfile, curb_metrics_textfile, G_TYPE_OBJECT)

static gboolean
set_errno_error (GError    **error,
                 const char *what,
                 const char *path)
{
  int saved = errno;

  g_set_error (error, CURB_ERROR, CURB_ERROR_FAILED, "Cannot %s %s: %s", what, path, g_strerror (saved));
  return FALSE;
}

static gboolean
write_all (int         fd,
           const char *text,
           gsize       length)
{
  while (length > 0)
    {
      gssize n = write (fd, text, length);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        return FALSE;
      text += n;
      length -= n;
    }
  return TRUE;
}

static gboolean
write_temp (const char *temp,
            int         fd,
            const char *text,
            GError    **error)
{
  if (fchmod (fd, 0644) != 0)
    return set_errno_error (error, "set the mode of", temp);
  if (!write_all (fd, text, strlen (text)))
    return set_errno_error (error, "write", temp);
  if (fsync (fd) != 0)
    return set_errno_error (error, "sync", temp);
  return TRUE;
}

static gboolean
replace_file (const char *path,
              const char *text,
              GError    **error)
{
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *base = g_path_get_basename (path);
  g_autofree char *temp = g_strdup_printf ("%s/.%s.XXXXXX", dir, base);
  int fd = g_mkstemp_full (temp, O_WRONLY | O_CLOEXEC, 0644);
  gboolean ok;

  if (fd < 0)
    return set_errno_error (error, "create a file in", dir);
  ok = write_temp (temp, fd, text, error);
  if (close (fd) != 0 && ok)
    ok = set_errno_error (error, "write", temp);
  if (ok && g_rename (temp, path) != 0)
    ok = set_errno_error (error, "rename a file to", path);
  if (!ok)
    g_unlink (temp);
  return ok;
}

static gboolean
on_interval (gpointer data)
{
  CurbMetricsTextfile *self = data;
  g_autoptr(GError) error = NULL;

  if (!curb_metrics_textfile_write (self, &error))
    {
      if (g_strcmp0 (self->last_error, error->message) != 0)
        g_warning ("Metrics textfile: %s", error->message);
      g_free (self->last_error);
      self->last_error = g_strdup (error->message);
    }
  else if (self->last_error != NULL)
    {
      g_message ("Metrics textfile %s written again", self->path);
      g_clear_pointer (&self->last_error, g_free);
    }
  return G_SOURCE_CONTINUE;
}

static void
curb_metrics_textfile_dispose (GObject *object)
{
  CurbMetricsTextfile *self = CURB_METRICS_TEXTFILE (object);

  g_clear_handle_id (&self->timeout_id, g_source_remove);
  g_clear_object (&self->hub);
  G_OBJECT_CLASS (curb_metrics_textfile_parent_class)->dispose (object);
}

static void
curb_metrics_textfile_finalize (GObject *object)
{
  CurbMetricsTextfile *self = CURB_METRICS_TEXTFILE (object);

  g_free (self->path);
  g_free (self->last_error);
  G_OBJECT_CLASS (curb_metrics_textfile_parent_class)->finalize (object);
}

static void
curb_metrics_textfile_class_init (CurbMetricsTextfileClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = curb_metrics_textfile_dispose;
  object_class->finalize = curb_metrics_textfile_finalize;
}

static void
curb_metrics_textfile_init (CurbMetricsTextfile *self)
{
}

CurbMetricsTextfile *
curb_metrics_textfile_new (CurbHub    *hub,
                           const char *path,
                           guint       interval_s)
{
  CurbMetricsTextfile *self;

  g_return_val_if_fail (CURB_IS_HUB (hub), NULL);
  g_return_val_if_fail (path != NULL, NULL);

  self = g_object_new (CURB_TYPE_METRICS_TEXTFILE, NULL);
  self->hub = g_object_ref (hub);
  self->path = g_strdup (path);
  self->interval_s = MAX (interval_s, 1);
  return self;
}

const char *
curb_metrics_textfile_get_path (CurbMetricsTextfile *self)
{
  g_return_val_if_fail (CURB_IS_METRICS_TEXTFILE (self), NULL);
  return self->path;
}

gboolean
curb_metrics_textfile_write (CurbMetricsTextfile *self,
                             GError             **error)
{
  g_autofree char *text = NULL;

  g_return_val_if_fail (CURB_IS_METRICS_TEXTFILE (self), FALSE);

  text = curb_hub_render_metrics (self->hub);
  return replace_file (self->path, text, error);
}

void
curb_metrics_textfile_start (CurbMetricsTextfile *self)
{
  g_return_if_fail (CURB_IS_METRICS_TEXTFILE (self));

  g_clear_handle_id (&self->timeout_id, g_source_remove);
  on_interval (self);
  self->timeout_id = g_timeout_add_seconds (self->interval_s, on_interval, self);
}
