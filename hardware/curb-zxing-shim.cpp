#define ZX_USE_UTF8 1

#include <ReadBarcode.h>

#include "curb-zxing-shim.h"

guint
curb_zxing_read_qr (const guint8       *gray,
                    int                 width,
                    int                 height,
                    int                 stride,
                    CurbZxingFoundFunc  found,
                    gpointer            user_data)
{
  ZXing::ImageView image (gray, width, height, ZXing::ImageFormat::Lum, stride);
  ZXing::DecodeHints hints;
  guint n = 0;

  hints.setFormats (ZXing::BarcodeFormat::QRCode);
  hints.setTryHarder (true);
  hints.setTryRotate (false);
  hints.setTryDownscale (false);

  try
    {
      for (const auto &result : ZXing::ReadBarcodes (image, hints))
        {
          const auto &bytes = result.bytes ();

          if (!result.isValid ())
            continue;
          found (bytes.data (), bytes.size (), user_data);
          n++;
        }
    }
  catch (...)
    {
      return n;
    }
  return n;
}
