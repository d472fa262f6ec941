#include <string.h>

#include "curb-scanner-gate.h"

#define ROW_STEP      4
#define SEGMENT       32
#define MIN_CONTRAST  24
#define HITS_NEEDED   3
#define WARM_US       (1500 * G_TIME_SPAN_MILLISECOND)

struct _CurbScannerGate
{
  gint64 idle_interval;
  gint64 last_decode;
  gint64 warm_until;
};

CurbScannerGate *
curb_scanner_gate_new (gint64 idle_interval_us)
{
  CurbScannerGate *gate = g_new0 (CurbScannerGate, 1);

  gate->idle_interval = idle_interval_us;
  gate->last_decode = G_MININT64 / 2;
  return gate;
}

void
curb_scanner_gate_free (CurbScannerGate *gate)
{
  g_free (gate);
}

/* Runs a, b, c, d, e alternating in colour, 1:1:3:1:1 within tolerance. */
static gboolean
finder_like (const int runs[5])
{
  int total = runs[0] + runs[1] + runs[2] + runs[3] + runs[4];
  int unit4 = total * 4 / 7;

  if (total < 7)
    return FALSE;
  for (int i = 0; i < 5; i++)
    {
      int expected = (i == 2 ? 3 : 1) * unit4;

      if (ABS (runs[i] * 4 - expected) * 2 > expected + unit4)
        return FALSE;
    }
  return TRUE;
}

static void
binarize_row (const guint8 *row,
              int           width,
              guint8       *bits)
{
  for (int x0 = 0; x0 < width; x0 += SEGMENT)
    {
      int x1 = MIN (x0 + SEGMENT, width), lo = 255, hi = 0;

      for (int x = MAX (x0 - SEGMENT / 2, 0); x < MIN (x1 + SEGMENT / 2, width); x++)
        {
          lo = MIN (lo, row[x]);
          hi = MAX (hi, row[x]);
        }
      for (int x = x0; x < x1; x++)
        bits[x] = hi - lo < MIN_CONTRAST ? 2 : row[x] * 2 < lo + hi;
    }
}

static guint
row_hits (const guint8 *bits,
          int           width)
{
  int runs[5] = { 0 }, n = 0;
  guint hits = 0;

  for (int x = 0; x < width; x++)
    {
      if (bits[x] == 2)
        {
          n = 0;
          continue;
        }
      if (n > 0 && bits[x] == bits[x - 1])
        {
          runs[MIN (n, 5) - 1]++;
          continue;
        }
      if (n == 5)
        {
          if (finder_like (runs))
            hits++;
          memmove (runs, runs + 1, 4 * sizeof (int));
          n = 4;
        }
      runs[n++] = 1;
    }
  return hits;
}

/**
 * curb_scanner_finder_hits:
 *
 * Counts finder-pattern-like run sequences on every fourth row.
 */
guint
curb_scanner_finder_hits (const CurbGrayImage *image)
{
  g_autofree guint8 *bits = g_malloc (image->width);
  guint hits = 0;

  for (int y = 0; y < image->height; y += ROW_STEP)
    {
      binarize_row (image->data + (gsize) y * image->stride, image->width, bits);
      hits += row_hits (bits, image->width);
    }
  return hits;
}

gboolean
curb_scanner_gate_should_decode (CurbScannerGate     *gate,
                                 const CurbGrayImage *image,
                                 gint64               now_us)
{
  gboolean decode = now_us < gate->warm_until
                    || now_us - gate->last_decode >= gate->idle_interval
                    || curb_scanner_finder_hits (image) >= HITS_NEEDED;

  if (decode)
    gate->last_decode = now_us;
  return decode;
}

/* A code was read: stay at full rate for a while. */
void
curb_scanner_gate_code_seen (CurbScannerGate *gate,
                             gint64           now_us)
{
  gate->warm_until = now_us + WARM_US;
}
