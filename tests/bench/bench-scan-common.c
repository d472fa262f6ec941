#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/file.h>
#include <glib/gstdio.h>

#include "bench-scan-common.h"

static gboolean
corpus_ready (const char *dir,
              gboolean    video)
{
  g_autofree char *manifest = g_build_filename (dir, "manifest.tsv", NULL);
  g_autofree char *truth = g_build_filename (dir, "video", "active", "truth.tsv", NULL);

  return g_file_test (manifest, G_FILE_TEST_EXISTS)
         && (!video || g_file_test (truth, G_FILE_TEST_EXISTS));
}

static gboolean
generate (const char  *generator,
          const char  *dir,
          int          seed,
          gboolean     video,
          GError     **error)
{
  g_autofree char *seed_arg = g_strdup_printf ("%d", seed);
  g_autofree char *limit_arg = g_strdup_printf ("%d", video ? 0 : BENCH_FIRST_480P);
  const char *argv[] = { "/usr/bin/python3", generator, "--out", dir, "--seed", seed_arg,
                         "--jobs", "2", video ? "--video" : "--limit", video ? NULL : limit_arg, NULL };
  int status = 0;

  g_printerr ("# generating the QR corpus (seed %d) in %s\n", seed, dir);
  return g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL,
                       NULL, NULL, &status, error)
         && g_spawn_check_wait_status (status, error);
}

/* The corpus lives in the build tree, generated once per seed and reused;
 * a lock file keeps tests running in parallel from generating it twice.
 * @full: every frame and the video loops (benchmarks), else the 480p frames
 * only (tests, a third of the time). */
char *
bench_corpus_ensure (int       seed,
                     gboolean  full,
                     GError  **error)
{
  const char *shared = g_getenv ("CURB_SHARED_DIR");
  const char *root = g_getenv ("CURB_BUILD_ROOT");
  g_autofree char *name = full ? g_strdup_printf ("seed-%d", seed)
                               : g_strdup_printf ("seed-%d-480p", seed);
  g_autofree char *parent = g_build_filename (root ? root : ".", "qr-corpus", NULL);
  g_autofree char *dir = g_build_filename (parent, name, NULL);
  g_autofree char *lock = g_strconcat (dir, ".lock", NULL);
  g_autofree char *generator = NULL;
  gboolean ok;
  int fd;

  if (corpus_ready (dir, full))
    return g_steal_pointer (&dir);
  generator = g_build_filename (shared ? shared : "/nonexistent", "qr-corpus", "gen_corpus.py", NULL);
  if (!g_file_test (generator, G_FILE_TEST_EXISTS))
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_NOENT, "no corpus generator (CURB_SHARED_DIR)");
      return NULL;
    }
  g_mkdir_with_parents (parent, 0755);
  fd = open (lock, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0 || flock (fd, LOCK_EX) < 0)
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_FAILED, "cannot lock %s", lock);
      if (fd >= 0)
        close (fd);
      return NULL;
    }
  ok = corpus_ready (dir, full) || generate (generator, dir, seed, full, error);
  close (fd);
  return ok ? g_steal_pointer (&dir) : NULL;
}

static void
entry_free (gpointer data)
{
  BenchCorpusEntry *entry = data;

  g_free (entry->path);
  g_free (entry->category);
  g_free (entry->res);
  g_free (entry->payload);
  g_free (entry->distractor);
  g_free (entry);
}

/* manifest.tsv: file, category, res, width, height, positive, ec_level,
 * version, module_px, payload, distractor, info */
GPtrArray *
bench_corpus_load (const char  *dir,
                   int          per_category,
                   GError     **error)
{
  g_autofree char *manifest = g_build_filename (dir, "manifest.tsv", NULL);
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(GHashTable) counts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  GPtrArray *list = g_ptr_array_new_with_free_func (entry_free);

  if (!g_file_get_contents (manifest, &text, NULL, error))
    return (g_ptr_array_unref (list), NULL);
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 1; lines[i] && *lines[i]; i++)
    {
      g_auto(GStrv) f = g_strsplit (lines[i], "\t", -1);
      g_autofree char *key = NULL;
      BenchCorpusEntry *entry;
      guint n;

      if (g_strv_length (f) < 11)
        continue;
      key = g_strconcat (f[1], "/", f[2], NULL);
      n = GPOINTER_TO_UINT (g_hash_table_lookup (counts, key));
      if (per_category > 0 && n >= (guint) per_category)
        continue;
      g_hash_table_insert (counts, g_steal_pointer (&key), GUINT_TO_POINTER (n + 1));
      entry = g_new0 (BenchCorpusEntry, 1);
      entry->path = g_build_filename (dir, f[0], NULL);
      entry->category = g_strdup (f[1]);
      entry->res = g_strdup (f[2]);
      entry->positive = g_str_equal (f[5], "1") || g_str_equal (f[5], "True");
      entry->payload = g_strdup (f[9]);
      entry->distractor = g_strdup (f[10]);
      g_ptr_array_add (list, entry);
    }
  return list;
}

gboolean
bench_codes_contain (GPtrArray  *codes,
                     const char *payload)
{
  gsize len = strlen (payload);

  for (guint i = 0; i < codes->len; i++)
    {
      gsize size;
      const char *data = g_bytes_get_data (codes->pdata[i], &size);

      if (size == len && memcmp (data, payload, len) == 0)
        return TRUE;
    }
  return FALSE;
}

/* A read that is neither the shown code nor the distractor code. */
guint
bench_false_reads (GPtrArray              *codes,
                   const BenchCorpusEntry *entry)
{
  guint n = 0;

  for (guint i = 0; i < codes->len; i++)
    {
      g_autoptr(GPtrArray) one = g_ptr_array_new ();

      g_ptr_array_add (one, codes->pdata[i]);
      if (!(entry->positive && bench_codes_contain (one, entry->payload))
          && !bench_codes_contain (one, entry->distractor))
        n++;
    }
  return n;
}

void
bench_print_json (const char *name_format,
                  const char *unit,
                  double      value,
                  ...)
{
  g_autofree char *name = NULL;
  va_list args;

  va_start (args, value);
  name = g_strdup_vprintf (name_format, args);
  va_end (args);
  g_print ("{\"name\": \"%s\", \"value\": %.2f, \"unit\": \"%s\"}\n", name, value, unit);
}

static int
compare_double (gconstpointer a,
                gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

double
bench_percentile (GArray *ms,
                  double  p)
{
  guint index;

  if (ms->len == 0)
    return 0.0;
  g_array_sort (ms, compare_double);
  index = (guint) MIN (ms->len - 1, p / 100.0 * ms->len);
  return g_array_index (ms, double, index);
}

void
bench_print_percentiles (const char *name,
                         GArray     *ms)
{
  bench_print_json ("%s/p50", "ms", bench_percentile (ms, 50), name);
  bench_print_json ("%s/p95", "ms", bench_percentile (ms, 95), name);
  bench_print_json ("%s/p99", "ms", bench_percentile (ms, 99), name);
}
