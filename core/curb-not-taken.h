#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/**
 * CurbNotTaken:
 *
 * Part of a line the shopper did not take at a partial handoff, and why
 * ("damaged", "refused", …). Immutable.
 */
#define CURB_TYPE_NOT_TAKEN (curb_not_taken_get_type ())
G_DECLARE_FINAL_TYPE (CurbNotTaken, curb_not_taken, CURB, NOT_TAKEN, GObject)

CurbNotTaken *curb_not_taken_new         (const char *line_id,
                                          guint       qty,
                                          const char *reason) G_GNUC_WARN_UNUSED_RESULT;
const char   *curb_not_taken_get_line_id (CurbNotTaken *self);
guint         curb_not_taken_get_qty     (CurbNotTaken *self);
const char   *curb_not_taken_get_reason  (CurbNotTaken *self);
gboolean      curb_not_taken_equal       (CurbNotTaken *a,
                                          CurbNotTaken *b);

G_END_DECLS
