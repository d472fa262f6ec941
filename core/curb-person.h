#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/**
 * CurbPerson:
 *
 * Someone an order names: the staff member who claimed it (id and first
 * name) or the alternate pickup person (first name and last initial).
 * Immutable; never more than a first name and an initial.
 */
#define CURB_TYPE_PERSON (curb_person_get_type ())
G_DECLARE_FINAL_TYPE (CurbPerson, curb_person, CURB, PERSON, GObject)

CurbPerson *curb_person_new               (const char *id,
                                           const char *first_name,
                                           const char *last_initial) G_GNUC_WARN_UNUSED_RESULT;
const char *curb_person_get_id            (CurbPerson *self);
const char *curb_person_get_first_name    (CurbPerson *self);
const char *curb_person_get_last_initial  (CurbPerson *self);
/* "Sam R."; %NULL without a first name. */
char       *curb_person_dup_display_name  (CurbPerson *self) G_GNUC_WARN_UNUSED_RESULT;
/* Both %NULL, or the same facts. */
gboolean    curb_person_equal             (CurbPerson *a,
                                           CurbPerson *b);

G_END_DECLS
