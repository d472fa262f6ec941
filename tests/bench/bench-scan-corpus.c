/* Decoding quality and latency on the QR corpus: our decoder against ZBar's
 * default configuration (what the stock zbar element runs), same frames,
 * same run. JSON lines on stdout. */
#include <stdio.h>
#include <string.h>
#include <zbar.h>

#include "curb-qr-decoder.h"
#include "curb-scanner-gate.h"
#include "curb-scanner-image.h"
#include "bench-scan-common.h"

typedef struct
{
  guint   frames;
  guint   gate_open;
  guint   positives;
  guint   ok;
  guint   false_reads;
  GArray *ms;
} Tally;

static char    *corpus_dir;
static char    *passes_list = (char *) "all";
static char    *label = (char *) "ours";
static int      per_category;
static gboolean skip_stock;
static char    *only_res;

static const GOptionEntry entries[] = {
  { "corpus", 0, 0, G_OPTION_ARG_FILENAME, &corpus_dir, "Corpus directory (default: generate in the build tree)", "DIR" },
  { "passes", 0, 0, G_OPTION_ARG_STRING, &passes_list, "Decoding passes", "LIST" },
  { "label", 0, 0, G_OPTION_ARG_STRING, &label, "Name of this configuration", "NAME" },
  { "per-category", 0, 0, G_OPTION_ARG_INT, &per_category, "Frames per category and resolution (0: all)", "N" },
  { "skip-stock", 0, 0, G_OPTION_ARG_NONE, &skip_stock, "Do not measure the ZBar default configuration", NULL },
  { "res", 0, 0, G_OPTION_ARG_STRING, &only_res, "Only frames of this resolution (480p, 720p, 1080p)", "RES" },
  { NULL }
};

static Tally *
tally_get (GHashTable *table,
           const char *key)
{
  Tally *t = g_hash_table_lookup (table, key);

  if (t == NULL)
    {
      t = g_new0 (Tally, 1);
      t->ms = g_array_new (FALSE, FALSE, sizeof (double));
      g_hash_table_insert (table, g_strdup (key), t);
    }
  return t;
}

static void
tally_free (gpointer data)
{
  Tally *t = data;

  g_array_unref (t->ms);
  g_free (t);
}

static GPtrArray *
stock_decode (zbar_image_scanner_t *zbar,
              const CurbGrayImage  *image)
{
  GPtrArray *codes = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  zbar_image_t *zimage = zbar_image_create ();

  zbar_image_set_format (zimage, zbar_fourcc ('Y', '8', '0', '0'));
  zbar_image_set_size (zimage, image->width, image->height);
  zbar_image_set_data (zimage, image->data, (unsigned long) image->width * image->height, NULL);
  zbar_scan_image (zbar, zimage);
  for (const zbar_symbol_t *s = zbar_image_first_symbol (zimage); s; s = zbar_symbol_next (s))
    g_ptr_array_add (codes, g_bytes_new (zbar_symbol_get_data (s), zbar_symbol_get_data_length (s)));
  zbar_image_destroy (zimage);
  return codes;
}

static void
score (GHashTable            *table,
       const BenchCorpusEntry *entry,
       GPtrArray             *codes,
       double                 ms,
       gboolean               gate_open)
{
  g_autofree char *by_res = g_strdup_printf ("%s_%s", entry->res, entry->positive ? "all" : "negative");
  const char *keys[] = { entry->category, entry->positive ? "all" : "all_negative", by_res };

  for (gsize k = 0; k < G_N_ELEMENTS (keys); k++)
    {
      Tally *t = tally_get (table, keys[k]);

      t->frames++;
      t->positives += entry->positive;
      t->ok += entry->positive && bench_codes_contain (codes, entry->payload);
      t->false_reads += bench_false_reads (codes, entry);
      t->gate_open += gate_open;
    }
  if (codes->len > 0)
    {
      g_autofree char *key = g_strdup_printf ("latency_%s", entry->res);

      g_array_append_val (tally_get (table, key)->ms, ms);
    }
  g_array_append_val (tally_get (table, entry->res)->ms, ms);
}

static void
report (const char *who,
        GHashTable *table)
{
  GHashTableIter iter;
  const char *key;
  Tally *t;

  g_hash_table_iter_init (&iter, table);
  while (g_hash_table_iter_next (&iter, (gpointer *) &key, (gpointer *) &t))
    {
      if (g_str_has_prefix (key, "latency_") || g_str_has_suffix (key, "p"))
        {
          g_autofree char *name = g_strdup_printf ("%s/%s", who, key);

          bench_print_percentiles (name, t->ms);
          continue;
        }
      if (t->positives > 0)
        bench_print_json ("%s/success/%s", "%", 100.0 * t->ok / t->positives, who, key);
      bench_print_json ("%s/false_reads/%s", "reads", t->false_reads, who, key);
      if (g_str_equal (who, label))
        bench_print_json ("gate/full_rate/%s", "%", 100.0 * t->gate_open / t->frames, key);
    }
}

static void
run (GPtrArray    *entries_list,
     CurbQrPasses  passes)
{
  g_autoptr(CurbQrDecoder) decoder = curb_qr_decoder_new ();
  zbar_image_scanner_t *zbar = zbar_image_scanner_create ();
  g_autoptr(GHashTable) ours = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, tally_free);
  g_autoptr(GHashTable) stock = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, tally_free);

  for (guint i = 0; i < entries_list->len; i++)
    {
      BenchCorpusEntry *entry = entries_list->pdata[i];
      g_autoptr(GError) error = NULL;
      g_autoptr(CurbScannerImage) image = NULL;
      g_autoptr(GPtrArray) codes = NULL;
      CurbGrayImage gray;
      gboolean gate_open;
      gint64 t0;

      if (only_res != NULL && g_strcmp0 (entry->res, only_res) != 0)
        continue;
      image = curb_scanner_image_load (entry->path, &error);
      g_assert_no_error (error);
      curb_scanner_image_get_gray (image, &gray);
      gate_open = curb_scanner_frame_looks_coded (&gray);
      t0 = g_get_monotonic_time ();
      codes = curb_qr_decoder_decode (decoder, &gray, passes);
      score (ours, entry, codes, (g_get_monotonic_time () - t0) / 1000.0, gate_open);
      if (skip_stock)
        continue;
      g_clear_pointer (&codes, g_ptr_array_unref);
      t0 = g_get_monotonic_time ();
      codes = stock_decode (zbar, &gray);
      score (stock, entry, codes, (g_get_monotonic_time () - t0) / 1000.0, gate_open);
    }
  report (label, ours);
  if (!skip_stock)
    report ("stock", stock);
  zbar_image_scanner_destroy (zbar);
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new ("- QR corpus benchmark");
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) list = NULL;
  g_autofree char *dir = NULL;
  CurbQrPasses passes;

  gst_init (NULL, NULL);
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error)
      || !(passes = curb_qr_passes_parse (passes_list, &error)))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }
  dir = corpus_dir ? g_strdup (corpus_dir) : bench_corpus_ensure (BENCH_DEFAULT_SEED, TRUE, &error);
  if (dir == NULL)
    {
      g_print ("{\"name\": \"skipped\", \"value\": 0, \"unit\": \"%s\"}\n", error->message);
      return 0;
    }
  list = bench_corpus_load (dir, per_category, &error);
  if (list == NULL)
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  run (list, passes);
  return 0;
}
