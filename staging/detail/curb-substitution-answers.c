#include "curb-substitution-answers.h"

#include <glib/gi18n.h>

#include "curb-staging-resources.h"

struct _CurbSubstitutionAnswers
{
  GtkBox      parent_instance;

  GtkListBox *questions_box;

  CurbOrder  *order;
  GHashTable *answers;     /* substitution id → GINT_TO_POINTER (CurbSubstitutionStatus) */
  GHashTable *buttons;     /* "<id>/yes", "<id>/no" → GtkToggleButton (owned by the rows) */
};

G_DEFINE_FINAL_TYPE (CurbSubstitutionAnswers, curb_substitution_answers, GTK_TYPE_BOX)

enum { CHANGED, N_SIGNALS };
static guint signals[N_SIGNALS];

static void rebuild (CurbSubstitutionAnswers *self);

static void
on_answer_toggled (GtkToggleButton         *button,
                   CurbSubstitutionAnswers *self)
{
  const char *id = g_object_get_data (G_OBJECT (button), "substitution-id");
  gboolean accepted = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (button), "accepted"));

  if (!gtk_toggle_button_get_active (button))
    return;
  g_hash_table_replace (self->answers, g_strdup (id),
                        GINT_TO_POINTER (accepted ? CURB_SUBSTITUTION_APPROVED : CURB_SUBSTITUTION_DECLINED));
  g_signal_emit (self, signals[CHANGED], 0);
}

static GtkWidget *
make_answer_button (CurbSubstitutionAnswers *self,
                    CurbSubstitution        *substitution,
                    const char              *question,
                    gboolean                 accepted)
{
  const char *id = curb_substitution_get_id (substitution);
  GtkWidget *button = gtk_toggle_button_new_with_label (accepted ? _("Accepted") : _("Declined"));
  /* Translators: a screen reader's name for the button, e.g. "Accepted: Soy milk 1 L instead of Oat milk 1 L?" */
  g_autofree char *name = g_strdup_printf (accepted ? _("Accepted: %s") : _("Declined: %s"), question);
  gpointer answer = g_hash_table_lookup (self->answers, id);

  gtk_widget_add_css_class (button, "big-button");
  gtk_widget_set_hexpand (button, TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
  g_object_set_data_full (G_OBJECT (button), "substitution-id", g_strdup (id), g_free);
  g_object_set_data (G_OBJECT (button), "accepted", GINT_TO_POINTER (accepted));
  if (answer != NULL)
    gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (button),
                                  (GPOINTER_TO_INT (answer) == CURB_SUBSTITUTION_APPROVED) == accepted);
  g_signal_connect (button, "toggled", G_CALLBACK (on_answer_toggled), self);
  g_hash_table_replace (self->buttons, g_strconcat (id, accepted ? "/yes" : "/no", NULL), button);
  return button;
}

/* "Soy milk 1 L instead of Oat milk 1 L?" and its two answers. */
static GtkWidget *
make_question_row (CurbSubstitutionAnswers *self,
                   CurbSubstitution        *substitution)
{
  /* Translators: the question staff ask the shopper at the handoff */
  g_autofree char *question = g_strdup_printf (_("%u × %s instead of %s?"), curb_substitution_get_qty (substitution),
                                               curb_substitution_get_replacement (substitution),
                                               curb_substitution_get_original (substitution));
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 8);
  GtkWidget *label = gtk_label_new (question);
  GtkWidget *buttons = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *yes = make_answer_button (self, substitution, question, TRUE);
  GtkWidget *no = make_answer_button (self, substitution, question, FALSE);

  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
  gtk_widget_set_focusable (row, FALSE);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 12);
  gtk_widget_set_margin_top (box, 10);
  gtk_widget_set_margin_bottom (box, 10);
  gtk_box_set_homogeneous (GTK_BOX (buttons), TRUE);
  gtk_toggle_button_set_group (GTK_TOGGLE_BUTTON (no), GTK_TOGGLE_BUTTON (yes));
  gtk_box_append (GTK_BOX (buttons), yes);
  gtk_box_append (GTK_BOX (buttons), no);
  gtk_box_append (GTK_BOX (box), label);
  gtk_box_append (GTK_BOX (box), buttons);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  return row;
}

/* One question per substitution the shopper has not answered yet; answers
 * already given here stay while their question does. */
static void
rebuild (CurbSubstitutionAnswers *self)
{
  GListModel *substitutions = self->order != NULL ? curb_order_get_substitutions (self->order) : NULL;
  g_autoptr(GHashTable) kept = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  GtkWidget *child;
  guint asked = 0;

  g_hash_table_remove_all (self->buttons);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->questions_box))) != NULL)
    gtk_list_box_remove (self->questions_box, child);
  for (guint i = 0; substitutions != NULL && i < g_list_model_get_n_items (substitutions); i++)
    {
      g_autoptr(CurbSubstitution) substitution = g_list_model_get_item (substitutions, i);
      const char *id = curb_substitution_get_id (substitution);

      if (curb_substitution_get_status (substitution) != CURB_SUBSTITUTION_PENDING)
        continue;
      if (g_hash_table_contains (self->answers, id))
        g_hash_table_insert (kept, g_strdup (id), g_hash_table_lookup (self->answers, id));
      gtk_list_box_append (self->questions_box, make_question_row (self, substitution));
      asked++;
    }
  g_hash_table_unref (self->answers);
  self->answers = g_steal_pointer (&kept);
  gtk_widget_set_visible (GTK_WIDGET (self), asked > 0);
  g_signal_emit (self, signals[CHANGED], 0);
}

static void
detach_order (CurbSubstitutionAnswers *self)
{
  if (self->order != NULL)
    g_signal_handlers_disconnect_by_data (self->order, self);
  g_clear_object (&self->order);
}

static void
curb_substitution_answers_dispose (GObject *object)
{
  CurbSubstitutionAnswers *self = CURB_SUBSTITUTION_ANSWERS (object);

  detach_order (self);
  g_clear_pointer (&self->answers, g_hash_table_unref);
  g_clear_pointer (&self->buttons, g_hash_table_unref);
  G_OBJECT_CLASS (curb_substitution_answers_parent_class)->dispose (object);
}

static void
curb_substitution_answers_class_init (CurbSubstitutionAnswersClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = curb_substitution_answers_dispose;
  curb_staging_resources_ensure ();
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/curbside/Staging/detail/curb-substitution-answers.ui");
  gtk_widget_class_bind_template_child (widget_class, CurbSubstitutionAnswers, questions_box);
  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                   NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
curb_substitution_answers_init (CurbSubstitutionAnswers *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->answers = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->buttons = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}

/* @order: (nullable): a new order forgets the answers given for another */
void
curb_substitution_answers_set_order (CurbSubstitutionAnswers *self,
                                     CurbOrder               *order)
{
  g_return_if_fail (CURB_IS_SUBSTITUTION_ANSWERS (self));

  if (self->order != order)
    {
      detach_order (self);
      g_hash_table_remove_all (self->answers);
      if (order != NULL)
        {
          self->order = g_object_ref (order);
          g_signal_connect_swapped (order, "notify::substitutions", G_CALLBACK (rebuild), self);
        }
    }
  rebuild (self);
}

GPtrArray *
curb_substitution_answers_dup_decisions (CurbSubstitutionAnswers *self)
{
  GPtrArray *decisions = g_ptr_array_new_with_free_func (g_object_unref);
  GHashTableIter iter;
  gpointer id, status;

  g_return_val_if_fail (CURB_IS_SUBSTITUTION_ANSWERS (self), decisions);

  g_hash_table_iter_init (&iter, self->answers);
  while (g_hash_table_iter_next (&iter, &id, &status))
    g_ptr_array_add (decisions, curb_substitution_new (id, NULL, NULL, NULL, 0, GPOINTER_TO_INT (status)));
  return decisions;
}

JsonNode *
curb_substitution_answers_dup_json (CurbSubstitutionAnswers *self)
{
  g_autoptr(GPtrArray) decisions = curb_substitution_answers_dup_decisions (self);
  JsonArray *array = json_array_new ();

  for (guint i = 0; i < decisions->len; i++)
    {
      CurbSubstitution *decision = g_ptr_array_index (decisions, i);
      JsonObject *entry = json_object_new ();

      json_object_set_string_member (entry, "substitution_id", curb_substitution_get_id (decision));
      json_object_set_boolean_member (entry, "approved",
                                      curb_substitution_get_status (decision) == CURB_SUBSTITUTION_APPROVED);
      json_array_add_object_element (array, entry);
    }
  return json_node_init_array (json_node_alloc (), array);
}

gboolean
curb_substitution_answers_answer (CurbSubstitutionAnswers *self,
                                  const char              *substitution_id,
                                  gboolean                 accepted)
{
  g_autofree char *key = NULL;
  GtkToggleButton *button;

  g_return_val_if_fail (CURB_IS_SUBSTITUTION_ANSWERS (self), FALSE);

  key = g_strconcat (substitution_id, accepted ? "/yes" : "/no", NULL);
  button = g_hash_table_lookup (self->buttons, key);
  if (button == NULL)
    return FALSE;
  gtk_toggle_button_set_active (button, TRUE);
  return TRUE;
}
