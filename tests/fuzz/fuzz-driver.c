/* Runs a libFuzzer target without libFuzzer (gcc builds, CI): every file of
 * the seed corpus, then deterministic mutations of them. Prints TAP. */
#include <string.h>
#include <glib.h>

#include "fuzz-target.h"

#define FUZZ_MAX_INPUT (64 * 1024)

static const char *const dictionary[] = {
  "\n", "\r\n", "[", "]", "=", ";", "#", " ", "\\", "\\s", "\\n", "\\q", "\0", "\xff", "\xc3\xa9",
  "[store]\n", "[hub]\n", "id = ", "url = https://", "port = ", "true", "-1", "99999999999999999999",
  "0", "/", "+", ":", ".", "-", "ZZZ", "///",
  "{", "}", "\"", ",", "null", "[]", "{}", "1e308", "-0.5", "\\u0000", "\"ref\": ", "\"qty\": ",
  "\\ud800", "\\udfff", "\\ud83d\\ude00", "\xed\xa0\x80", "\xef\xbb\xbf", "/*", "//", "\\u202e",
};

static GPtrArray *
load_corpus (char **dirs)
{
  GPtrArray *corpus = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);

  for (guint d = 0; dirs[d] != NULL; d++)
    {
      g_autoptr(GDir) dir = g_dir_open (dirs[d], 0, NULL);
      const char *name;
      while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *path = g_build_filename (dirs[d], name, NULL);
          char *data = NULL;
          gsize length = 0;
          if (g_file_test (path, G_FILE_TEST_IS_REGULAR) && g_file_get_contents (path, &data, &length, NULL))
            g_ptr_array_add (corpus, g_bytes_new_take (data, MIN (length, FUZZ_MAX_INPUT)));
        }
    }
  return corpus;
}

static void
mutate_once (GByteArray *input,
             GRand      *rand,
             GPtrArray  *corpus)
{
  guint len = input->len;
  guint at = len > 0 ? g_rand_int_range (rand, 0, len) : 0;

  switch (g_rand_int_range (rand, 0, 7))
    {
    case 0:
      if (len > 0)
        input->data[at] ^= 1 << g_rand_int_range (rand, 0, 8);
      break;
    case 1:
      if (len > 0)
        input->data[at] = g_rand_int_range (rand, 0, 256);
      break;
    case 2:
      {
        guint8 byte = g_rand_int_range (rand, 0, 256);
        g_byte_array_set_size (input, len + 1);
        memmove (input->data + at + 1, input->data + at, len - at);
        input->data[at] = byte;
      }
      break;
    case 3:
      if (len > 0)
        g_byte_array_remove_range (input, at, g_rand_int_range (rand, 1, MIN (len - at, 16) + 1));
      break;
    case 4:
      g_byte_array_set_size (input, at);
      break;
    case 5:
      {
        const char *word = dictionary[g_rand_int_range (rand, 0, G_N_ELEMENTS (dictionary))];
        gsize word_len = MAX (strlen (word), 1);
        g_byte_array_set_size (input, len + word_len);
        memmove (input->data + at + word_len, input->data + at, len - at);
        memcpy (input->data + at, word, word_len);
      }
      break;
    case 6:
    default:
      if (corpus->len > 0)
        {
          GBytes *other = corpus->pdata[g_rand_int_range (rand, 0, corpus->len)];
          gsize other_len = 0;
          const guint8 *other_data = g_bytes_get_data (other, &other_len);
          gsize from = other_len > 0 ? g_rand_int_range (rand, 0, other_len) : 0;
          g_byte_array_set_size (input, at);
          g_byte_array_append (input, other_data + from, other_len - from);
        }
      break;
    }
  if (input->len > FUZZ_MAX_INPUT)
    g_byte_array_set_size (input, FUZZ_MAX_INPUT);
}

static GByteArray *
next_input (GRand     *rand,
            GPtrArray *corpus)
{
  GByteArray *input = g_byte_array_new ();
  guint mutations = g_rand_int_range (rand, 1, 6);

  if (corpus->len > 0 && g_rand_int_range (rand, 0, 8) != 0)
    {
      gsize len = 0;
      const guint8 *data = g_bytes_get_data (corpus->pdata[g_rand_int_range (rand, 0, corpus->len)], &len);
      g_byte_array_append (input, data, len);
    }
  else
    for (guint i = g_rand_int_range (rand, 0, 300); i > 0; i--)
      {
        guint8 byte = g_rand_int_range (rand, 0, 256);
        g_byte_array_append (input, &byte, 1);
      }
  for (guint i = 0; i < mutations; i++)
    mutate_once (input, rand, corpus);
  return input;
}

int
main (int    argc,
      char **argv)
{
  gint64 iterations = 3000, seed = 1;
  gboolean tap = FALSE;
  g_auto(GStrv) dirs = NULL;
  const GOptionEntry entries[] = {
    { "iterations", 0, 0, G_OPTION_ARG_INT64, &iterations, "Mutated inputs to run", "N" },
    { "seed", 0, 0, G_OPTION_ARG_INT64, &seed, "Random seed", "N" },
    { "tap", 0, 0, G_OPTION_ARG_NONE, &tap, "TAP version header", NULL },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &dirs, NULL, "CORPUS-DIR…" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("CORPUS-DIR… - run a fuzz target");
  g_autoptr(GPtrArray) corpus = NULL;
  g_autoptr(GRand) rand = NULL;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, NULL) || dirs == NULL)
    {
      g_printerr ("Usage: %s [--iterations N] [--seed N] CORPUS-DIR…\n", argv[0]);
      return 2;
    }
  corpus = load_corpus (dirs);
  g_print ("%s1..2\n", tap ? "TAP version 13\n" : "");
  for (guint i = 0; i < corpus->len; i++)
    {
      gsize len = 0;
      const guint8 *data = g_bytes_get_data (corpus->pdata[i], &len);
      LLVMFuzzerTestOneInput (data, len);
    }
  g_print ("%s 1 - seed corpus: %u inputs\n", corpus->len > 0 ? "ok" : "not ok", corpus->len);
  rand = g_rand_new_with_seed ((guint32) seed);
  for (gint64 i = 0; i < iterations; i++)
    {
      g_autoptr(GByteArray) input = next_input (rand, corpus);
      static const guint8 empty[1];
      /* libFuzzer never passes NULL, even for an empty input. */
      LLVMFuzzerTestOneInput (input->len > 0 ? input->data : empty, input->len);
    }
  g_print ("ok 2 - %" G_GINT64_FORMAT " mutated inputs (seed %" G_GINT64_FORMAT ")\n", iterations, seed);
  return corpus->len > 0 ? 0 : 1;
}
