#pragma once

#include <glib.h>

G_BEGIN_DECLS

/**
 * CurbCodePage:
 *
 * The single-byte character tables a thermal printer can print from.
 * Bytes below 0x80 are ASCII in all of them.
 */
typedef enum
{
  CURB_CODE_PAGE_CP437,
  CURB_CODE_PAGE_CP858,
  CURB_CODE_PAGE_CP1252,
  CURB_CODE_PAGE_ASCII,
} CurbCodePage;

#define CURB_CODE_PAGE_COUNT 4

const char *curb_code_page_name        (CurbCodePage page);
gboolean    curb_code_page_from_name   (const char   *name,
                                        CurbCodePage *out_page);
gunichar    curb_code_page_to_unichar  (CurbCodePage page,
                                        guint8       byte);
GBytes     *curb_code_page_encode      (CurbCodePage page,
                                        const char  *utf8) G_GNUC_WARN_UNUSED_RESULT;
char       *curb_code_page_decode      (CurbCodePage  page,
                                        const guint8 *bytes,
                                        gsize         len) G_GNUC_WARN_UNUSED_RESULT;
char       *curb_transliterate_ascii   (const char *utf8) G_GNUC_WARN_UNUSED_RESULT;
char       *curb_code_page_fit         (CurbCodePage  page,
                                        const char   *utf8) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
