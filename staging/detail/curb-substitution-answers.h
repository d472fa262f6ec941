#pragma once

#include <gtk/gtk.h>
#include <json-glib/json-glib.h>

#include "curb-order-model.h"

G_BEGIN_DECLS

/**
 * CurbSubstitutionAnswers:
 *
 * The handoff's question for each substitution still waiting for the
 * shopper: "Soy milk 1 L instead of Oat milk 1 L?" with two big buttons,
 * Accepted and Declined. Shown only while such a substitution exists; the
 * answers go with the handoff event (curb_rules_check_handoff_substitutions()).
 * Emits ::changed when an answer is given or the questions change.
 */
#define CURB_TYPE_SUBSTITUTION_ANSWERS (curb_substitution_answers_get_type ())
G_DECLARE_FINAL_TYPE (CurbSubstitutionAnswers, curb_substitution_answers, CURB, SUBSTITUTION_ANSWERS, GtkBox)

void        curb_substitution_answers_set_order   (CurbSubstitutionAnswers *self,
                                                   CurbOrder               *order);
/* Returns: (transfer container) (element-type CurbSubstitution): the answers given */
GPtrArray  *curb_substitution_answers_dup_decisions (CurbSubstitutionAnswers *self) G_GNUC_WARN_UNUSED_RESULT;
/* Returns: (transfer full): a JSON array of {substitution_id, approved} */
JsonNode   *curb_substitution_answers_dup_json    (CurbSubstitutionAnswers *self) G_GNUC_WARN_UNUSED_RESULT;
/* As a tap on the button would (tests). */
gboolean    curb_substitution_answers_answer      (CurbSubstitutionAnswers *self,
                                                   const char              *substitution_id,
                                                   gboolean                 accepted);

G_END_DECLS
