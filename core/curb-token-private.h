#pragma once

#include "curb-token.h"

G_BEGIN_DECLS

/* The token text codec, for tests and tools. */
char     *curb_base41_encode (const guint8 *data,
                              gsize         length) G_GNUC_WARN_UNUSED_RESULT;
/* @out must hold @length / 3 * 2 + 1 bytes. Only canonical text decodes. */
gboolean  curb_base41_decode (const char   *text,
                              gsize         length,
                              guint8       *out,
                              gsize        *out_length);

G_END_DECLS
