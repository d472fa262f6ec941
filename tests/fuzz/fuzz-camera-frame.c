/* Camera frames: any bytes as an 8-bit luminance frame (the first four pick
 * width, height, stride padding and decoding passes; the rest are the
 * pixels, repeated to fill the frame) through the live scanner's decode
 * path: the finder-pattern gate, the sharpness measure and the QR decoder
 * (zxing-cpp and ZBar, every pass). Properties: no crash or out-of-bounds
 * read (ASan), and every payload is non-empty and within
 * CURB_QR_MAX_PAYLOAD. */
#include "curb-qr-decoder.h"
#include "curb-scanner-gate.h"
#include "fuzz-target.h"

#define MAX_SIDE 192

static CurbQrDecoder *decoder;
static CurbScannerGate *gate;

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autofree guint8 *pixels = NULL;
  g_autoptr(GPtrArray) codes = NULL;
  CurbGrayImage image;
  CurbQrPasses passes;
  gsize length;

  if (decoder == NULL)
    {
      decoder = curb_qr_decoder_new ();
      gate = curb_scanner_gate_new (0);
    }
  if (size < 5)
    return 0;
  image.width = 1 + data[0] % MAX_SIDE;
  image.height = 1 + data[1] % MAX_SIDE;
  image.stride = image.width + data[2] % 8;
  passes = data[3] & CURB_QR_PASSES_ALL;
  data += 4;
  size -= 4;
  length = (gsize) image.stride * image.height;
  pixels = g_malloc (length);
  for (gsize i = 0; i < length; i++)
    pixels[i] = data[i % size];
  image.data = pixels;

  (void) curb_scanner_frame_looks_coded (&image);
  (void) curb_scanner_finder_count (&image);
  (void) curb_scanner_gate_should_decode (gate, &image, g_get_monotonic_time ());
  g_assert (curb_qr_decoder_sharpness (&image) >= 0);
  codes = curb_qr_decoder_decode (decoder, &image, passes != 0 ? passes : CURB_QR_PASSES_FAST);
  for (guint i = 0; codes != NULL && i < codes->len; i++)
    {
      gsize len = 0;

      g_bytes_get_data (g_ptr_array_index (codes, i), &len);
      g_assert (len > 0 && len <= CURB_QR_MAX_PAYLOAD);
    }
  return 0;
}
