#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/**
 * CurbQrPasses:
 * @CURB_QR_PASS_ZXING: zxing-cpp on the frame as is
 * @CURB_QR_PASS_ZXING_INVERTED: zxing-cpp on the inverted frame (dark-mode phones)
 * @CURB_QR_PASS_ZBAR: ZBar, QR only
 * @CURB_QR_PASS_ZBAR_INVERTED: ZBar on the inverted frame
 * @CURB_QR_PASS_STRETCH: both readers on a contrast-stretched frame
 * @CURB_QR_PASS_UPSCALE: zxing-cpp on a 2× upscaled frame (small codes), up to 720p
 * @CURB_QR_PASS_NORMALIZE: both readers on the frame normalised to its local
 *   mean and contrast (21 px window): low contrast, glare, phone moiré
 *
 * Decoding passes, tried in this order until one finds a code.
 */
typedef enum
{
  CURB_QR_PASS_ZXING          = 1 << 0,
  CURB_QR_PASS_ZXING_INVERTED = 1 << 1,
  CURB_QR_PASS_ZBAR           = 1 << 2,
  CURB_QR_PASS_ZBAR_INVERTED  = 1 << 3,
  CURB_QR_PASS_STRETCH        = 1 << 4,
  CURB_QR_PASS_UPSCALE        = 1 << 5,
  CURB_QR_PASS_NORMALIZE      = 1 << 6,
} CurbQrPasses;

/* The passes run on a still image (curbside-ctl scan, benchmark). */
#define CURB_QR_PASSES_ALL (CURB_QR_PASS_ZXING | CURB_QR_PASS_ZXING_INVERTED | CURB_QR_PASS_ZBAR \
                            | CURB_QR_PASS_ZBAR_INVERTED | CURB_QR_PASS_STRETCH | CURB_QR_PASS_UPSCALE \
                            | CURB_QR_PASS_NORMALIZE)
/* The cheap passes the live scanner runs on every frame; it adds the
 * ZBar passes on every fourth frame. */
#define CURB_QR_PASSES_FAST (CURB_QR_PASS_ZXING | CURB_QR_PASS_ZXING_INVERTED)
#define CURB_QR_PASSES_SLOW (CURB_QR_PASSES_ALL & ~CURB_QR_PASSES_FAST)

/* Payloads longer than this are dropped: no QR symbol holds more. */
#define CURB_QR_MAX_PAYLOAD 4096

/**
 * CurbGrayImage:
 *
 * A borrowed 8-bit luminance image (GRAY8, or the Y plane of a YUV frame).
 */
typedef struct
{
  const guint8 *data;
  int           width;
  int           height;
  int           stride;
} CurbGrayImage;

#define CURB_TYPE_QR_DECODER (curb_qr_decoder_get_type ())
G_DECLARE_FINAL_TYPE (CurbQrDecoder, curb_qr_decoder, CURB, QR_DECODER, GObject)

CurbQrDecoder *curb_qr_decoder_new       (void) G_GNUC_WARN_UNUSED_RESULT;
GPtrArray     *curb_qr_decoder_decode    (CurbQrDecoder       *self,
                                          const CurbGrayImage *image,
                                          CurbQrPasses         passes) G_GNUC_WARN_UNUSED_RESULT;
double         curb_qr_decoder_sharpness (const CurbGrayImage *image);
CurbQrPasses   curb_qr_passes_parse      (const char          *list,
                                          GError             **error);

G_END_DECLS
