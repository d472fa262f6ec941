#include <string.h>

#include "curb-scanner-gate.h"

#define ROW_STEP      4
#define SEGMENT       32
#define BLOCK         (SEGMENT / 2)
#define MIN_CONTRAST  24
#define WARM_US       (1500 * G_TIME_SPAN_MILLISECOND)
#define LOOK_US       (60 * G_TIME_SPAN_MILLISECOND)
#define HOLD_US       (1000 * G_TIME_SPAN_MILLISECOND)

struct _CurbScannerGate
{
  gint64   idle_interval;
  gint64   last_decode;
  gint64   warm_until;
  gint64   last_look;
  gint64   coded_until;
  gboolean looked_coded;
};

CurbScannerGate *
curb_scanner_gate_new (gint64 idle_interval_us)
{
  CurbScannerGate *gate = g_new0 (CurbScannerGate, 1);

  gate->idle_interval = idle_interval_us;
  gate->last_decode = G_MININT64 / 2;
  gate->last_look = G_MININT64 / 2;
  gate->warm_until = G_MININT64 / 2;
  gate->coded_until = G_MININT64 / 2;
  return gate;
}

void
curb_scanner_gate_free (CurbScannerGate *gate)
{
  g_free (gate);
}

/* Runs alternating in colour, 1:1:3:1:1, each within half a module (the
 * centre within 1.5 modules), as zxing-cpp's finder test. */
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

      if (ABS (runs[i] * 4 - expected) * 2 >= expected)
        return FALSE;
    }
  return TRUE;
}

typedef struct
{
  int x;
  int y;
  int size;
} Finder;

/* Per row, the range of each BLOCK pixels (scratch for scan_row). */
typedef struct
{
  int     blocks;
  guint8 *lo;
  guint8 *hi;
} RowRanges;

static gboolean
is_dark (const CurbGrayImage *image,
         int                  x,
         int                  y,
         int                  threshold)
{
  return image->data[(gsize) y * image->stride + x] < threshold;
}

/* Walks from the centre run outwards, one direction, filling runs[2..0] or
 * runs[2..4]. */
static gboolean
walk_column (const CurbGrayImage *image,
             int                  x,
             int                  y,
             int                  step,
             int                  threshold,
             int                  limit,
             int                  runs[5])
{
  gboolean centre_dark = is_dark (image, x, y, threshold);
  int state = 2;

  for (y += step; y >= 0 && y < image->height; y += step)
    {
      gboolean want_dark = (state % 2 == 0) == centre_dark;

      if (is_dark (image, x, y, threshold) != want_dark)
        {
          state += step;
          if (state < 0 || state > 4)
            return TRUE;
          want_dark = !want_dark;
        }
      if (++runs[state] > limit)
        return FALSE;
    }
  return FALSE;
}

/* The row hit must also be a 1:1:3:1:1 pattern down its centre column. */
static gboolean
column_confirms (const CurbGrayImage *image,
                 int                  x,
                 int                  y,
                 int                  threshold,
                 int                  size)
{
  int runs[5] = { 0, 0, 1, 0, 0 };
  int total;

  if (!walk_column (image, x, y, -1, threshold, size, runs)
      || !walk_column (image, x, y, 1, threshold, size, runs))
    return FALSE;
  total = runs[0] + runs[1] + runs[2] + runs[3] + runs[4];
  return finder_like (runs) && total * 2 >= size && total <= size * 2;
}

static void
add_finder (GArray *finders,
            int     x,
            int     y,
            int     size)
{
  Finder finder = { x, y, size };

  for (guint i = 0; i < finders->len; i++)
    {
      Finder *f = &g_array_index (finders, Finder, i);

      if (ABS (f->x - x) * 2 < f->size && ABS (f->y - y) < f->size)
        return;
    }
  g_array_append_val (finders, finder);
}

/* The darkest and lightest pixel of each BLOCK pixels of the row, read
 * once (a segment's threshold looks at four blocks). Full blocks have a
 * fixed length, which the compiler turns into vector code. */
static void
block_ranges (const guint8 *row,
              int           width,
              guint8       *lo,
              guint8       *hi)
{
  for (int b = 0; b * BLOCK < width; b++)
    {
      const guint8 *p = row + b * BLOCK;
      int length = MIN (BLOCK, width - b * BLOCK);
      guint8 l = 255, h = 0;

      if (length == BLOCK)
        for (int i = 0; i < BLOCK; i++)
          {
            l = MIN (l, p[i]);
            h = MAX (h, p[i]);
          }
      else
        for (int i = 0; i < length; i++)
          {
            l = MIN (l, p[i]);
            h = MAX (h, p[i]);
          }
      lo[b] = l;
      hi[b] = h;
    }
}

/* Midway between the darkest and lightest pixel around the segment at @x
 * (from half a segment before it to half a segment after it), or -1 where
 * it is too flat to hold a code. */
static int
segment_threshold (const RowRanges *ranges,
                   int              x)
{
  int lo = 255, hi = 0;

  for (int b = MAX (x / BLOCK - 1, 0); b < MIN (x / BLOCK + 3, ranges->blocks); b++)
    {
      lo = MIN (lo, ranges->lo[b]);
      hi = MAX (hi, ranges->hi[b]);
    }
  return hi - lo < MIN_CONTRAST ? -1 : (lo + hi + 1) / 2;
}

/* The five runs ending just before @x. */
static void
check_runs (const CurbGrayImage *image,
            int                  x,
            int                  y,
            const int            runs[5],
            int                  threshold,
            GArray              *finders)
{
  int size = runs[0] + runs[1] + runs[2] + runs[3] + runs[4];
  int centre = x - runs[4] - runs[3] - runs[2] / 2;

  if (finder_like (runs) && column_confirms (image, centre - 1, y, threshold, size))
    add_finder (finders, centre, y, size);
}

static void
scan_row (const CurbGrayImage *image,
          int                  y,
          RowRanges           *ranges,
          GArray              *finders)
{
  const guint8 *row = image->data + (gsize) y * image->stride;
  int runs[5] = { 0 }, n = 0, threshold = -1, prev = -1;

  block_ranges (row, image->width, ranges->lo, ranges->hi);
  for (int x = 0; x < image->width; x++)
    {
      int bit;

      if (x % SEGMENT == 0)
        threshold = segment_threshold (ranges, x);
      if (threshold < 0)
        {
          /* too flat to hold a code: on to the next segment */
          n = 0;
          prev = -1;
          x += SEGMENT - 1 - x % SEGMENT;
          continue;
        }
      bit = row[x] < threshold;
      if (n > 0 && bit == prev)
        {
          runs[n - 1]++;
          continue;
        }
      if (n == 5)
        {
          check_runs (image, x, y, runs, threshold, finders);
          memmove (runs, runs + 1, 4 * sizeof (int));
          n = 4;
        }
      runs[n++] = 1;
      prev = bit;
    }
}

static void
scan_rows (const CurbGrayImage *image,
           GArray              *finders)
{
  RowRanges ranges = { (image->width + BLOCK - 1) / BLOCK };
  g_autofree guint8 *scratch = g_malloc (2 * (gsize) ranges.blocks);

  ranges.lo = scratch;
  ranges.hi = scratch + ranges.blocks;
  for (int y = 0; y < image->height; y += ROW_STEP)
    scan_row (image, y, &ranges, finders);
}

/**
 * curb_scanner_finder_count:
 *
 * Counts distinct finder-pattern-like features (1:1:3:1:1 across a row
 * and down its centre column, either polarity) on every fourth row.
 */
guint
curb_scanner_finder_count (const CurbGrayImage *image)
{
  g_autoptr(GArray) finders = g_array_new (FALSE, FALSE, sizeof (Finder));

  scan_rows (image, finders);
  return finders->len;
}

/* Two finders of about the same size, as far apart as in a QR symbol
 * (version 1: twice their size; version 40: 25 times). */
static gboolean
finders_pair (const Finder *a,
              const Finder *b)
{
  int dx = a->x - b->x, dy = a->y - b->y;
  int size = MAX (a->size, b->size);
  gint64 d2 = (gint64) dx * dx + (gint64) dy * dy;

  return a->size * 10 >= b->size * 7 && b->size * 10 >= a->size * 7
         && d2 * 4 >= (gint64) 9 * size * size && d2 <= (gint64) 625 * size * size;
}

/**
 * curb_scanner_frame_looks_coded:
 *
 * Whether two finder-pattern-like features sit where a QR symbol's would.
 */
gboolean
curb_scanner_frame_looks_coded (const CurbGrayImage *image)
{
  g_autoptr(GArray) finders = g_array_new (FALSE, FALSE, sizeof (Finder));

  scan_rows (image, finders);
  for (guint i = 0; i < finders->len; i++)
    for (guint j = i + 1; j < finders->len; j++)
      if (finders_pair (&g_array_index (finders, Finder, i), &g_array_index (finders, Finder, j)))
        return TRUE;
  return FALSE;
}

/* While nothing code-like is in view, look at most every 60 ms (a code
 * held up is seen within two frames at 30 fps); then at every frame. */
static gboolean
looks_coded (CurbScannerGate     *gate,
             const CurbGrayImage *image,
             gint64               now_us)
{
  if (!gate->looked_coded && now_us - gate->last_look < LOOK_US)
    return FALSE;
  gate->last_look = now_us;
  gate->looked_coded = curb_scanner_frame_looks_coded (image);
  if (gate->looked_coded)
    gate->coded_until = now_us + HOLD_US;
  return gate->looked_coded;
}

gboolean
curb_scanner_gate_should_decode (CurbScannerGate     *gate,
                                 const CurbGrayImage *image,
                                 gint64               now_us)
{
  gboolean decode = now_us < gate->warm_until
                    || now_us - gate->last_decode >= gate->idle_interval
                    || looks_coded (gate, image, now_us);

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

/**
 * curb_scanner_gate_next_frame:
 *
 * From when (monotonic µs) a frame will be looked at or decoded again:
 * frames that come earlier can be dropped before any work. %G_MININT64
 * while every frame is wanted (something code-like in view, a code read
 * lately).
 */
gint64
curb_scanner_gate_next_frame (CurbScannerGate *gate,
                              gint64           now_us)
{
  if (now_us < gate->warm_until || gate->looked_coded)
    return G_MININT64;
  return MIN (gate->last_look + LOOK_US, gate->last_decode + gate->idle_interval);
}

/**
 * curb_scanner_gate_is_attentive:
 *
 * Whether something code-like was in view within the last second, or a
 * code was read within the last 1.5 s: the camera's consumers (the
 * preview) then run at full rate.
 */
gboolean
curb_scanner_gate_is_attentive (CurbScannerGate *gate,
                                gint64           now_us)
{
  return now_us < gate->warm_until || now_us < gate->coded_until;
}
