#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  CURB_ESCPOS_CMD_TEXT,             /* data/len: printable bytes */
  CURB_ESCPOS_CMD_LF,
  CURB_ESCPOS_CMD_INIT,             /* ESC @ */
  CURB_ESCPOS_CMD_ALIGN,            /* ESC a n */
  CURB_ESCPOS_CMD_BOLD,             /* ESC E n */
  CURB_ESCPOS_CMD_UNDERLINE,        /* ESC - n */
  CURB_ESCPOS_CMD_INVERT,           /* GS B n */
  CURB_ESCPOS_CMD_SIZE,             /* GS ! n */
  CURB_ESCPOS_CMD_PRINT_MODE,       /* ESC ! n */
  CURB_ESCPOS_CMD_CODE_PAGE,        /* ESC t n */
  CURB_ESCPOS_CMD_FEED_LINES,       /* ESC d n */
  CURB_ESCPOS_CMD_FEED_DOTS,        /* ESC J n */
  CURB_ESCPOS_CMD_CUT,              /* GS V */
  CURB_ESCPOS_CMD_QR,               /* GS ( k: n = fn, data/len = parameters after fn */
  CURB_ESCPOS_CMD_RASTER,           /* GS v 0: n = mode, width_bytes × height, data */
  CURB_ESCPOS_CMD_STATUS_REALTIME,  /* DLE EOT n */
  CURB_ESCPOS_CMD_PROCESS_ID,       /* GS ( H fn 48: data = 4 marker bytes */
  CURB_ESCPOS_CMD_STATUS_TRANSMIT,  /* GS r n */
  CURB_ESCPOS_CMD_IGNORED,          /* understood, no effect on paper */
  CURB_ESCPOS_CMD_UNKNOWN,          /* one byte skipped */
} CurbEscposCommandKind;

typedef struct
{
  CurbEscposCommandKind  kind;
  guint                  n;
  const guint8          *data;
  gsize                  len;
  guint                  width_bytes;
  guint                  height;
} CurbEscposCommand;

/* Largest single command accepted; longer ones are skipped byte by byte. */
#define CURB_ESCPOS_MAX_COMMAND (1024 * 1024)

gsize curb_escpos_parse_next (const guint8      *buf,
                              gsize              len,
                              CurbEscposCommand *cmd);

G_END_DECLS
