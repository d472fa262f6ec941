#include "curb-stage-page.h"

#include "curb-staging-resources.h"

#include <glib/gi18n.h>

struct _CurbStagePage
{
  AdwBin              parent_instance;

  GtkListBox         *orders_box;
  GtkLabel           *title_label;
  GtkLabel           *message_label;
  GtkEntry           *location_entry;
  GtkButton          *add_location_button;
  GtkLabel           *locations_label;
  GtkButton          *clear_locations_button;
  GtkBox             *counters_box;
  GtkButton          *print_button;
  GtkButton          *stage_button;
  GtkLabel           *count_labels[CURB_TEMPERATURE_COUNT];

  CurbStagingStation *station;
  char               *ref;
  GPtrArray          *locations;     /* CurbStagingLocation */
  int                 bags[CURB_TEMPERATURE_COUNT];
};

G_DEFINE_FINAL_TYPE (CurbStagePage, curb_stage_page, ADW_TYPE_BIN)

enum { STAGE, PRINT_LABELS, N_SIGNALS };
static guint signals[N_SIGNALS];

static const char *
temp_title (CurbTemperature temperature)
{
  return _(curb_temperature_get_title (temperature));
}

static char *
format_row_subtitle (CurbOrder *order,
                     gboolean   staged,
                     GListModel *locations,
                     guint      bag_count)
{
  g_autofree char *where = NULL;

  if (!staged)
    return g_strdup (_("Not staged yet"));
  where = curb_order_dup_locations_text (order);
  return g_strdup_printf (_("Staged at %s · %d bags"), where != NULL ? where : "—", (int) bag_count);
}

static char *
format_row_title (CurbOrder  *order,
                  const char *display_name)
{
  return g_strdup_printf ("%s · %s", curb_order_get_ref (order), display_name != NULL ? display_name : "—");
}

static GtkExpression *
order_property (const char *name)
{
  return gtk_property_expression_new (CURB_TYPE_ORDER, NULL, name);
}

/* The row follows its order: staging it elsewhere redraws the subtitle. */
static GtkWidget *
make_order_row (gpointer item,
                gpointer user_data)
{
  CurbOrder *order = item;
  GtkWidget *row = adw_action_row_new ();
  GtkExpression *subtitle_params[] = { order_property ("staged"), order_property ("locations"),
                                       order_property ("bag-count") };
  GtkExpression *title_params[] = { order_property ("display-name") };
  g_autoptr(GtkExpression) subtitle = gtk_cclosure_expression_new (G_TYPE_STRING, NULL, 3, subtitle_params,
                                                                   G_CALLBACK (format_row_subtitle), NULL, NULL);
  g_autoptr(GtkExpression) title = gtk_cclosure_expression_new (G_TYPE_STRING, NULL, 1, title_params,
                                                                G_CALLBACK (format_row_title), NULL, NULL);

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  gtk_expression_bind (g_steal_pointer (&title), row, "title", order);
  gtk_expression_bind (g_steal_pointer (&subtitle), row, "subtitle", order);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
  g_object_set_data_full (G_OBJECT (row), "ref", g_strdup (curb_order_get_ref (order)), g_free);
  return row;
}

static void
select_row (CurbStagePage *self)
{
  GtkListBoxRow *row;

  for (int i = 0; (row = gtk_list_box_get_row_at_index (self->orders_box, i)) != NULL; i++)
    if (g_strcmp0 (g_object_get_data (G_OBJECT (row), "ref"), self->ref) == 0)
      {
        gtk_list_box_select_row (self->orders_box, row);
        return;
      }
}

static void
update_view (CurbStagePage *self)
{
  g_autoptr(GString) where = g_string_new (NULL);
  CurbOrder *order = curb_board_model_lookup (curb_staging_station_get_board (self->station), self->ref);
  g_autofree char *title = NULL;

  for (guint i = 0; i < self->locations->len; i++)
    {
      g_autofree char *one = curb_staging_location_format (g_ptr_array_index (self->locations, i));
      g_string_append_printf (where, "%s%s", where->len ? ", " : "", one);
    }
  if (order != NULL)
    {
      g_autofree char *name = curb_order_dup_display_name (order);
      title = g_strdup_printf (_("Stage order %s · %s"), self->ref, name != NULL ? name : "—");
    }
  gtk_label_set_text (self->title_label, title ? title : _("Choose an order on the left"));
  gtk_label_set_text (self->locations_label, where->len ? where->str : _("No location yet"));
  for (guint t = 0; t < CURB_TEMPERATURE_COUNT; t++)
    {
      g_autofree char *n = g_strdup_printf ("%d", self->bags[t]);
      gtk_label_set_text (self->count_labels[t], n);
    }
  gtk_widget_set_sensitive (GTK_WIDGET (self->stage_button), order != NULL && self->locations->len > 0);
  gtk_widget_set_sensitive (GTK_WIDGET (self->print_button), order != NULL
                            && self->bags[0] + self->bags[1] + self->bags[2] > 0);
}

static void
on_counter_clicked (GtkButton     *button,
                    CurbStagePage *self)
{
  CurbTemperature t = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (button), "temp"));
  int delta = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (button), "delta"));

  curb_stage_page_set_bags (self, t, self->bags[t] + delta);
}

static GtkWidget *
make_step_button (CurbStagePage   *self,
                  CurbTemperature  t,
                  int              delta)
{
  GtkWidget *button = gtk_button_new_with_label (delta > 0 ? "+" : "−");
  g_autofree char *name = g_strdup_printf (delta > 0 ? _("One more %s bag") : _("One less %s bag"),
                                           temp_title (t));

  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
  gtk_widget_set_tooltip_text (button, name);
  gtk_widget_add_css_class (button, "counter-button");
  g_object_set_data (G_OBJECT (button), "temp", GINT_TO_POINTER (t));
  g_object_set_data (G_OBJECT (button), "delta", GINT_TO_POINTER (delta));
  g_signal_connect (button, "clicked", G_CALLBACK (on_counter_clicked), self);
  return button;
}

static void
build_counters (CurbStagePage *self)
{
  for (guint t = 0; t < CURB_TEMPERATURE_COUNT; t++)
    {
      GtkWidget *row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
      GtkWidget *title = gtk_label_new (temp_title (t));
      GtkWidget *count = gtk_label_new ("0");

      gtk_widget_add_css_class (row, "bag-counter");
      gtk_widget_add_css_class (row, curb_temperature_to_string (t));
      gtk_label_set_xalign (GTK_LABEL (title), 0);
      gtk_widget_set_hexpand (title, TRUE);
      gtk_widget_add_css_class (count, "counter-value");
      gtk_widget_set_size_request (count, 64, -1);
      gtk_box_append (GTK_BOX (row), title);
      gtk_box_append (GTK_BOX (row), make_step_button (self, t, -1));
      gtk_box_append (GTK_BOX (row), count);
      gtk_box_append (GTK_BOX (row), make_step_button (self, t, +1));
      gtk_box_append (self->counters_box, row);
      self->count_labels[t] = GTK_LABEL (count);
    }
}

static void
add_location_text (CurbStagePage *self,
                   const char    *text)
{
  CurbStagingLocation *location = curb_staging_location_new_parse (text);
  g_autofree char *message = NULL;

  if (location == NULL)
    {
      message = g_strdup_printf (_("“%s” is not a staging location. Scan a bin label or type zone-shelf-bin, like C-2-14."), text);
      curb_stage_page_set_message (self, message, TRUE);
      return;
    }
  curb_stage_page_set_message (self, NULL, FALSE);
  g_ptr_array_add (self->locations, location);
  update_view (self);
}

static void
on_add_location (CurbStagePage *self)
{
  g_autofree char *text = g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->location_entry)));

  gtk_editable_set_text (GTK_EDITABLE (self->location_entry), "");
  if (*text != '\0')
    add_location_text (self, text);
}

static void
on_clear_locations (CurbStagePage *self)
{
  g_ptr_array_set_size (self->locations, 0);
  update_view (self);
}

static void
on_row_activated (GtkListBox    *box,
                  GtkListBoxRow *row,
                  CurbStagePage *self)
{
  curb_stage_page_select (self, g_object_get_data (G_OBJECT (row), "ref"));
}

static void
emit_with_body (CurbStagePage *self,
                guint          signal_id)
{
  g_autoptr(JsonNode) body = NULL;

  if (self->ref == NULL)
    return;
  body = curb_stage_page_dup_body (self);
  g_signal_emit (self, signals[signal_id], 0, self->ref, body);
}

static void
on_stage_clicked (CurbStagePage *self)
{
  emit_with_body (self, STAGE);
}

static void
on_print_clicked (CurbStagePage *self)
{
  emit_with_body (self, PRINT_LABELS);
}

static void
curb_stage_page_dispose (GObject *object)
{
  CurbStagePage *self = CURB_STAGE_PAGE (object);

  g_clear_object (&self->station);
  g_clear_pointer (&self->ref, g_free);
  g_clear_pointer (&self->locations, g_ptr_array_unref);

  G_OBJECT_CLASS (curb_stage_page_parent_class)->dispose (object);
}

static void
curb_stage_page_class_init (CurbStagePageClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = curb_stage_page_dispose;
  curb_staging_resources_ensure ();
  gtk_widget_class_set_template_from_resource (widget_class, "/org/curbside/Staging/stage/curb-stage-page.ui");
  gtk_widget_class_bind_template_child (widget_class, CurbStagePage, orders_box);
  gtk_widget_class_bind_template_child (widget_class, CurbStagePage, title_label);
  gtk_widget_class_bind_template_child (widget_class, CurbStagePage, message_label);
  gtk_widget_class_bind_template_child (widget_class, CurbStagePage, location_entry);
  gtk_widget_class_bind_template_child (widget_class, CurbStagePage, add_location_button);
  gtk_widget_class_bind_template_child (widget_class, CurbStagePage, locations_label);
  gtk_widget_class_bind_template_child (widget_class, CurbStagePage, clear_locations_button);
  gtk_widget_class_bind_template_child (widget_class, CurbStagePage, counters_box);
  gtk_widget_class_bind_template_child (widget_class, CurbStagePage, print_button);
  gtk_widget_class_bind_template_child (widget_class, CurbStagePage, stage_button);

  /**
   * CurbStagePage::stage:
   * @ref: the order
   * @body: {"locations": [{zone, shelf, bin}], "bags": {ambient, chilled, frozen}}
   */
  signals[STAGE] = g_signal_new ("stage", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                 NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_STRING, JSON_TYPE_NODE);
  signals[PRINT_LABELS] = g_signal_new ("print-labels", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                        NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_STRING, JSON_TYPE_NODE);
}

static void
curb_stage_page_init (CurbStagePage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->locations = g_ptr_array_new_with_free_func (g_object_unref);
  build_counters (self);
  g_signal_connect_swapped (self->location_entry, "activate", G_CALLBACK (on_add_location), self);
  g_signal_connect_swapped (self->add_location_button, "clicked", G_CALLBACK (on_add_location), self);
  g_signal_connect_swapped (self->clear_locations_button, "clicked", G_CALLBACK (on_clear_locations), self);
  g_signal_connect_swapped (self->stage_button, "clicked", G_CALLBACK (on_stage_clicked), self);
  g_signal_connect_swapped (self->print_button, "clicked", G_CALLBACK (on_print_clicked), self);
  g_signal_connect (self->orders_box, "row-activated", G_CALLBACK (on_row_activated), self);
}

/* The orders to stage: shoppers who arrived before their order was staged
 * (or before it was re-staged after central changed it) first (they wait), then those on the way and not staged, then those not
 * staged, then the staged ones (to re-stage); each by the board's own
 * column order. */
static int
stage_rank (CurbOrder *order)
{
  switch (curb_board_column_for_order (order))
    {
    case CURB_BOARD_COLUMN_ARRIVED:
    case CURB_BOARD_COLUMN_CLAIMED:
      return curb_order_get_staged (order) && g_list_model_get_n_items (curb_order_get_restage (order)) == 0
             ? -1 : 0;
    case CURB_BOARD_COLUMN_ON_THE_WAY:
      return curb_order_get_staged (order) ? 3 : 1;
    case CURB_BOARD_COLUMN_TO_STAGE:
      return 2;
    case CURB_BOARD_COLUMN_STAGED:
      return 4;
    case CURB_BOARD_COLUMN_DONE:
    case CURB_BOARD_N_COLUMNS:
    default:
      return -1;
    }
}

static gboolean
is_to_stage (gpointer item,
             gpointer user_data)
{
  return stage_rank (item) >= 0;
}

static int
compare_to_stage (gconstpointer a,
                  gconstpointer b,
                  gpointer      user_data)
{
  int ra = stage_rank ((CurbOrder *) a), rb = stage_rank ((CurbOrder *) b);

  if (ra != rb)
    return ra < rb ? -1 : 1;
  return curb_board_column_compare (curb_board_column_for_order ((CurbOrder *) a), (CurbOrder *) a, (CurbOrder *) b);
}

static GtkSortListModel *
orders_to_stage (CurbBoardModel *board)
{
  GtkCustomFilter *filter = gtk_custom_filter_new (is_to_stage, NULL, NULL);
  GtkCustomSorter *sorter = gtk_custom_sorter_new (compare_to_stage, NULL, NULL);
  GtkFilterListModel *filtered = gtk_filter_list_model_new (g_object_ref (G_LIST_MODEL (board)),
                                                            GTK_FILTER (filter));

  return gtk_sort_list_model_new (G_LIST_MODEL (filtered), GTK_SORTER (sorter));
}

GtkWidget *
curb_stage_page_new (CurbStagingStation *station)
{
  CurbStagePage *self = g_object_new (CURB_TYPE_STAGE_PAGE, NULL);
  g_autoptr(GtkSortListModel) to_stage = NULL;

  self->station = g_object_ref (station);
  to_stage = orders_to_stage (curb_staging_station_get_board (station));
  gtk_list_box_bind_model (self->orders_box, G_LIST_MODEL (to_stage), make_order_row, self, NULL);
  update_view (self);
  return GTK_WIDGET (self);
}

gboolean
curb_stage_page_select (CurbStagePage *self,
                        const char    *ref)
{
  CurbOrder *order;
  GListModel *locations;

  g_return_val_if_fail (CURB_IS_STAGE_PAGE (self), FALSE);
  order = curb_board_model_lookup (curb_staging_station_get_board (self->station), ref);
  if (order == NULL)
    return FALSE;
  g_free (self->ref);
  self->ref = g_strdup (ref);
  g_ptr_array_set_size (self->locations, 0);
  locations = curb_order_get_locations (order);
  for (guint i = 0; i < g_list_model_get_n_items (locations); i++)
    g_ptr_array_add (self->locations, g_list_model_get_item (locations, i));
  for (guint t = 0; t < CURB_TEMPERATURE_COUNT; t++)
    self->bags[t] = (int) curb_order_count_bags (order, t);
  curb_stage_page_set_message (self, NULL, FALSE);
  select_row (self);
  update_view (self);
  return TRUE;
}

const char *
curb_stage_page_get_ref (CurbStagePage *self)
{
  g_return_val_if_fail (CURB_IS_STAGE_PAGE (self), NULL);
  return self->ref;
}

/* A scanned code: a bin label adds a location. */
gboolean
curb_stage_page_scan (CurbStagePage *self,
                      const char    *payload)
{
  g_return_val_if_fail (CURB_IS_STAGE_PAGE (self), FALSE);
  if (self->ref == NULL)
    {
      curb_stage_page_set_message (self, _("Choose the order first, then scan its bin."), TRUE);
      return FALSE;
    }
  add_location_text (self, payload);
  return TRUE;
}

void
curb_stage_page_set_bags (CurbStagePage   *self,
                          CurbTemperature  temperature,
                          int              count)
{
  g_return_if_fail (CURB_IS_STAGE_PAGE (self));
  g_return_if_fail (temperature < CURB_TEMPERATURE_COUNT);
  self->bags[temperature] = CLAMP (count, 0, 99);
  update_view (self);
}

/* Returns: (transfer full): the body of the stage route */
JsonNode *
curb_stage_page_dup_body (CurbStagePage *self)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  g_return_val_if_fail (CURB_IS_STAGE_PAGE (self), NULL);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "locations");
  json_builder_begin_array (b);
  for (guint i = 0; i < self->locations->len; i++)
    {
      CurbStagingLocation *l = g_ptr_array_index (self->locations, i);

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "zone");
      json_builder_add_string_value (b, curb_staging_location_get_zone (l));
      json_builder_set_member_name (b, "shelf");
      json_builder_add_string_value (b, curb_staging_location_get_shelf (l));
      json_builder_set_member_name (b, "bin");
      json_builder_add_string_value (b, curb_staging_location_get_bin (l));
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_set_member_name (b, "bags");
  json_builder_begin_object (b);
  for (guint t = 0; t < CURB_TEMPERATURE_COUNT; t++)
    {
      json_builder_set_member_name (b, curb_temperature_to_string (t));
      json_builder_add_int_value (b, self->bags[t]);
    }
  json_builder_end_object (b);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

void
curb_stage_page_set_message (CurbStagePage *self,
                             const char    *message,
                             gboolean       is_error)
{
  g_return_if_fail (CURB_IS_STAGE_PAGE (self));
  gtk_label_set_text (self->message_label, message);
  gtk_widget_set_visible (GTK_WIDGET (self->message_label), message != NULL);
  if (is_error)
    gtk_widget_add_css_class (GTK_WIDGET (self->message_label), "alarm");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->message_label), "alarm");
}
