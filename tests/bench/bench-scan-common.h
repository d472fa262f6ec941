#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define BENCH_DEFAULT_SEED 20240611
#define BENCH_HELDOUT_SEED 7
/* The generator writes 480p first: 13 positive categories × 12 + 2 × 16. */
#define BENCH_FIRST_480P   188

typedef struct
{
  char     *path;
  char     *category;
  char     *res;
  gboolean  positive;
  char     *payload;
  char     *distractor;
} BenchCorpusEntry;

char      *bench_corpus_ensure      (int          seed,
                                     gboolean     full,
                                     GError     **error);
GPtrArray *bench_corpus_load        (const char  *dir,
                                     int          per_category,
                                     GError     **error);
gboolean   bench_codes_contain      (GPtrArray   *codes,
                                     const char  *payload);
guint      bench_false_reads        (GPtrArray   *codes,
                                     const BenchCorpusEntry *entry);
void       bench_print_json         (const char  *name_format,
                                     const char  *unit,
                                     double       value,
                                     ...) G_GNUC_PRINTF (1, 4);
double     bench_percentile         (GArray      *ms,
                                     double       p);
void       bench_print_percentiles  (const char  *name,
                                     GArray      *ms);

G_END_DECLS
