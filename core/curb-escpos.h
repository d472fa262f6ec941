#pragma once

#include <glib-object.h>

#include "curb-escpos-bitmap.h"
#include "curb-escpos-codepage.h"
#include "curb-escpos-status.h"
#include "curb-printer-profile.h"

G_BEGIN_DECLS

typedef enum
{
  CURB_ESCPOS_ALIGN_LEFT,
  CURB_ESCPOS_ALIGN_CENTER,
  CURB_ESCPOS_ALIGN_RIGHT,
} CurbEscposAlign;

typedef enum
{
  CURB_ESCPOS_STYLE_NONE          = 0,
  CURB_ESCPOS_STYLE_BOLD          = 1 << 0,
  CURB_ESCPOS_STYLE_UNDERLINE     = 1 << 1,
  CURB_ESCPOS_STYLE_DOUBLE_WIDTH  = 1 << 2,
  CURB_ESCPOS_STYLE_DOUBLE_HEIGHT = 1 << 3,
  CURB_ESCPOS_STYLE_INVERT        = 1 << 4,
} CurbEscposStyle;

#define CURB_ESCPOS_STYLE_DOUBLE (CURB_ESCPOS_STYLE_DOUBLE_WIDTH | CURB_ESCPOS_STYLE_DOUBLE_HEIGHT)

typedef enum
{
  CURB_ESCPOS_QR_LEVEL_L,
  CURB_ESCPOS_QR_LEVEL_M,
  CURB_ESCPOS_QR_LEVEL_Q,
  CURB_ESCPOS_QR_LEVEL_H,
} CurbEscposQrLevel;

/* Longest QR payload we send; longer payloads are refused. */
#define CURB_ESCPOS_QR_MAX_PAYLOAD 1024

#define CURB_TYPE_ESCPOS (curb_escpos_get_type ())
G_DECLARE_FINAL_TYPE (CurbEscpos, curb_escpos, CURB, ESCPOS, GObject)

CurbEscpos               *curb_escpos_new               (const CurbPrinterProfile *profile) G_GNUC_WARN_UNUSED_RESULT;
const CurbPrinterProfile *curb_escpos_get_profile       (CurbEscpos *self);
void                      curb_escpos_initialize        (CurbEscpos *self);
void                      curb_escpos_select_code_page  (CurbEscpos  *self,
                                                         CurbCodePage page);
CurbCodePage              curb_escpos_get_code_page     (CurbEscpos *self);
void                      curb_escpos_set_align         (CurbEscpos     *self,
                                                         CurbEscposAlign align);
void                      curb_escpos_set_style         (CurbEscpos     *self,
                                                         CurbEscposStyle style);
guint                     curb_escpos_get_columns       (CurbEscpos *self);
char                     *curb_escpos_fit               (CurbEscpos *self,
                                                         const char *utf8) G_GNUC_WARN_UNUSED_RESULT;
void                      curb_escpos_text              (CurbEscpos *self,
                                                         const char *utf8);
void                      curb_escpos_line              (CurbEscpos *self,
                                                         const char *utf8);
void                      curb_escpos_feed              (CurbEscpos *self,
                                                         guint       lines);
gboolean                  curb_escpos_qr                (CurbEscpos        *self,
                                                         const char        *payload,
                                                         guint              module_dots,
                                                         CurbEscposQrLevel  level,
                                                         GError           **error);
void                      curb_escpos_raster            (CurbEscpos       *self,
                                                         const CurbBitmap *bitmap);
void                      curb_escpos_cut               (CurbEscpos *self);
void                      curb_escpos_process_id        (CurbEscpos *self,
                                                         const char *marker);
void                      curb_escpos_raw               (CurbEscpos   *self,
                                                         const guint8 *data,
                                                         gsize         len);
gsize                     curb_escpos_get_size          (CurbEscpos *self);
GBytes                   *curb_escpos_get_bytes         (CurbEscpos *self) G_GNUC_WARN_UNUSED_RESULT;

void                      curb_escpos_status_request    (guint   query,
                                                         guint8  out[3]);
gboolean                  curb_escpos_marker_valid      (const char *marker);
char                     *curb_escpos_marker_for_job    (gint64 job_id) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
