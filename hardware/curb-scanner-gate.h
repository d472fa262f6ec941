#pragma once

#include <glib.h>

#include "curb-qr-decoder.h"

G_BEGIN_DECLS

/**
 * CurbScannerGate:
 *
 * Idle economy for the camera scanner: a cheap look at each frame (a few
 * rows scanned for the 1:1:3:1:1 runs of a QR finder pattern, in either
 * polarity) decides whether the frame deserves a full decode. Without
 * anything code-like in view, frames are decoded at a low rate only.
 */
typedef struct _CurbScannerGate CurbScannerGate;

CurbScannerGate *curb_scanner_gate_new           (gint64               idle_interval_us);
void             curb_scanner_gate_free          (CurbScannerGate     *gate);
gboolean         curb_scanner_gate_should_decode (CurbScannerGate     *gate,
                                                  const CurbGrayImage *image,
                                                  gint64               now_us);
void             curb_scanner_gate_code_seen     (CurbScannerGate     *gate,
                                                  gint64               now_us);
gint64           curb_scanner_gate_next_frame    (CurbScannerGate     *gate,
                                                  gint64               now_us);
gboolean         curb_scanner_gate_is_attentive  (CurbScannerGate     *gate,
                                                  gint64               now_us);
guint            curb_scanner_finder_count       (const CurbGrayImage *image);
gboolean         curb_scanner_frame_looks_coded  (const CurbGrayImage *image);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CurbScannerGate, curb_scanner_gate_free)

G_END_DECLS
