#pragma once

#include "curb-order-codec.h"
#include "curb-receipt.h"
#include "curb-virtual-printer-renderer.h"

G_BEGIN_DECLS

/* Shared by the printing tests in tests/hardware. */

extern const CurbPrintContext pt_context;

void            pt_init_env          (void);
CurbOrder *pt_load_sample_order (void);
GStrv           pt_decode_qr         (cairo_surface_t *surface);
GPtrArray      *pt_render            (const CurbPrinterProfile *profile,
                                      GBytes                   *bytes);
char           *pt_golden_path       (const char *name);
void            pt_assert_golden_text (const char *name,
                                       const char *text);
char           *pt_sample_dir        (void);
void            pt_release_fonts     (void);
const char     *pt_lsan_suppressions (void);
void            pt_die_with_parent   (gpointer data);

G_END_DECLS
