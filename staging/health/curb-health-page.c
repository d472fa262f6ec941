#include "curb-health-page.h"

#include "curb-staging-resources.h"

#include <glib/gi18n.h>

struct _CurbHealthPage
{
  AdwBin      parent_instance;

  GtkLabel   *summary_label;
  GtkListBox *list;
  guint       n_problems;
};

G_DEFINE_FINAL_TYPE (CurbHealthPage, curb_health_page, ADW_TYPE_BIN)

static const char *
level_words (CurbHealthLevel level)
{
  switch (level)
    {
    case CURB_HEALTH_OK:
      return _("OK");
    case CURB_HEALTH_WARNING:
      return _("Attention");
    case CURB_HEALTH_PROBLEM:
    default:
      return _("Problem");
    }
}

static GtkWidget *
make_row (const CurbHealthEntry *entry)
{
  static const char *const classes[] = { "health-ok", "health-warning", "health-problem" };
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *badge = gtk_label_new (level_words (entry->level));
  g_autofree char *subtitle = entry->advice && *entry->advice
                              ? g_strdup_printf ("%s. %s", entry->status, entry->advice)
                              : g_strdup (entry->status);

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), entry->name);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  gtk_widget_add_css_class (badge, "health-badge");
  gtk_widget_add_css_class (badge, classes[entry->level]);
  gtk_widget_set_valign (badge, GTK_ALIGN_CENTER);
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), badge);
  return row;
}

static void
curb_health_page_class_init (CurbHealthPageClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  curb_staging_resources_ensure ();
  gtk_widget_class_set_template_from_resource (widget_class, "/org/curbside/Staging/health/curb-health-page.ui");
  gtk_widget_class_bind_template_child (widget_class, CurbHealthPage, summary_label);
  gtk_widget_class_bind_template_child (widget_class, CurbHealthPage, list);
}

static void
curb_health_page_init (CurbHealthPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_label_set_text (self->summary_label, _("Waiting for the store hub…"));
}

GtkWidget *
curb_health_page_new (void)
{
  return g_object_new (CURB_TYPE_HEALTH_PAGE, NULL);
}

/* @entries: (element-type CurbHealthEntry): shown problems first */
void
curb_health_page_set_entries (CurbHealthPage *self,
                              GPtrArray      *entries)
{
  GtkWidget *child;
  g_autofree char *summary = NULL;

  g_return_if_fail (CURB_IS_HEALTH_PAGE (self));
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->list))) != NULL)
    gtk_list_box_remove (self->list, child);
  self->n_problems = 0;
  for (int level = CURB_HEALTH_PROBLEM; level >= CURB_HEALTH_OK; level--)
    for (guint i = 0; i < entries->len; i++)
      {
        CurbHealthEntry *entry = g_ptr_array_index (entries, i);

        if ((int) entry->level != level)
          continue;
        self->n_problems += entry->level != CURB_HEALTH_OK;
        gtk_list_box_append (self->list, make_row (entry));
      }
  summary = self->n_problems == 0
            ? g_strdup (_("Everything works."))
            : g_strdup_printf (g_dngettext (NULL, "%u thing needs attention.", "%u things need attention.",
                                            self->n_problems), self->n_problems);
  gtk_label_set_text (self->summary_label, summary);
}

guint
curb_health_page_get_n_problems (CurbHealthPage *self)
{
  g_return_val_if_fail (CURB_IS_HEALTH_PAGE (self), 0);
  return self->n_problems;
}
