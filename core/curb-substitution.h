#pragma once

#include "curb-order-enums.h"

G_BEGIN_DECLS

/**
 * CurbSubstitution:
 *
 * A replacement offered for a line, with the shopper's decision (@status).
 * Immutable: a decision gives the order a new substitution object.
 */
#define CURB_TYPE_SUBSTITUTION (curb_substitution_get_type ())
G_DECLARE_FINAL_TYPE (CurbSubstitution, curb_substitution, CURB, SUBSTITUTION, GObject)

CurbSubstitution       *curb_substitution_new             (const char             *id,
                                                           const char             *line_id,
                                                           const char             *original,
                                                           const char             *replacement,
                                                           guint                   qty,
                                                           CurbSubstitutionStatus  status) G_GNUC_WARN_UNUSED_RESULT;
/* The same substitution with another decision. */
CurbSubstitution       *curb_substitution_new_decided     (CurbSubstitution       *self,
                                                           CurbSubstitutionStatus  status) G_GNUC_WARN_UNUSED_RESULT;
const char             *curb_substitution_get_id          (CurbSubstitution *self);
const char             *curb_substitution_get_line_id     (CurbSubstitution *self);
const char             *curb_substitution_get_original    (CurbSubstitution *self);
const char             *curb_substitution_get_replacement (CurbSubstitution *self);
guint                   curb_substitution_get_qty         (CurbSubstitution *self);
CurbSubstitutionStatus  curb_substitution_get_status      (CurbSubstitution *self);
gboolean                curb_substitution_equal           (CurbSubstitution *a,
                                                           CurbSubstitution *b);

G_END_DECLS
