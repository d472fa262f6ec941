#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/**
 * CurbRestageLine:
 *
 * A line central changed after the order was staged: how many were staged
 * and how many the order has now ("+3 × Whole Milk 1 L"). The order must be
 * staged again before its handoff. Immutable.
 */
#define CURB_TYPE_RESTAGE_LINE (curb_restage_line_get_type ())
G_DECLARE_FINAL_TYPE (CurbRestageLine, curb_restage_line, CURB, RESTAGE_LINE, GObject)

CurbRestageLine *curb_restage_line_new            (const char *line_id,
                                                   const char *name,
                                                   guint       staged_qty,
                                                   guint       qty) G_GNUC_WARN_UNUSED_RESULT;
const char      *curb_restage_line_get_line_id    (CurbRestageLine *self);
const char      *curb_restage_line_get_name       (CurbRestageLine *self);
guint            curb_restage_line_get_staged_qty (CurbRestageLine *self);
guint            curb_restage_line_get_qty        (CurbRestageLine *self);
gboolean         curb_restage_line_equal          (CurbRestageLine *a,
                                                   CurbRestageLine *b);

G_END_DECLS
