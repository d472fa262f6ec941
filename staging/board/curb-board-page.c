#include "curb-board-page.h"

#include "curb-staging-resources.h"

#include <glib/gi18n.h>

#include "curb-order-card.h"

/* The board: one GtkListView per column over the station's board (a
 * GListModel of CurbOrder), each through a filter (the column's orders) and
 * a sorter (its order); the rows are curb-order-card-item.ui. */

typedef struct
{
  CurbBoardPage   *page;
  CurbBoardColumn  column;
  gboolean         at_top;     /* hold the top until a person scrolls */
  guint            top_id;     /* idle that goes back to the top */
} Column;

struct _CurbBoardPage
{
  AdwBin              parent_instance;

  GtkBox             *columns;
  GtkListView        *views[CURB_BOARD_N_COLUMNS];
  Column              column_data[CURB_BOARD_N_COLUMNS];
  CurbStagingStation *station;
};

G_DEFINE_FINAL_TYPE (CurbBoardPage, curb_board_page, ADW_TYPE_BIN)

enum { ORDER_ACTIVATED, N_SIGNALS };
static guint signals[N_SIGNALS];

static const char *const column_classes[] = { "column-arrived", "column-claimed", "column-on-the-way",
                                              "column-staged", "column-to-stage", "column-done" };

static const char *
column_title (CurbBoardColumn column)
{
  switch (column)
    {
    case CURB_BOARD_COLUMN_ARRIVED:
      return _("Arrived: waiting");
    case CURB_BOARD_COLUMN_CLAIMED:
      return _("Claimed: on the way");
    case CURB_BOARD_COLUMN_ON_THE_WAY:
      return _("On the way");
    case CURB_BOARD_COLUMN_STAGED:
      return _("Staged: not arrived");
    case CURB_BOARD_COLUMN_TO_STAGE:
      return _("To stage");
    case CURB_BOARD_COLUMN_DONE:
    case CURB_BOARD_N_COLUMNS:
    default:
      return _("Done today");
    }
}

static gboolean
in_column (gpointer item,
           gpointer user_data)
{
  Column *column = user_data;

  return curb_board_column_for_order (item) == column->column;
}

static int
compare_in_column (gconstpointer a,
                   gconstpointer b,
                   gpointer      user_data)
{
  Column *column = user_data;

  return curb_board_column_compare (column->column, (CurbOrder *) a, (CurbOrder *) b);
}

static char *
format_header (gpointer this,
               guint    n_items,
               Column  *column)
{
  return g_strdup_printf ("%s (%u)", column_title (column->column), n_items);
}

/* GtkListView keeps the item it shows first ("anchor") in place while
 * items are inserted above it and while its cards are measured, so a column
 * filled while hidden would open scrolled down with its first card cut. A
 * column that should show its top holds it whenever the list moves, until a
 * person scrolls it. */
static GtkAdjustment *
vadjustment (Column *column)
{
  GtkListView *view = column->page->views[column->column];

  return view != NULL ? gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (view)) : NULL;
}

/* Outside the list's own layout (it does not hear of changes made while it
 * configures its adjustment), and before the next frame. */
#define TOP_PRIORITY (GDK_PRIORITY_REDRAW - 10)

static gboolean
on_top_idle (gpointer data)
{
  Column *column = data;
  GtkAdjustment *adj = vadjustment (column);

  column->top_id = 0;
  if (column->at_top && adj != NULL)
    gtk_adjustment_set_value (adj, gtk_adjustment_get_lower (adj));
  return G_SOURCE_REMOVE;
}

static void
hold_top (Column *column)
{
  GtkAdjustment *adj = vadjustment (column);

  if (column->at_top && column->top_id == 0 && adj != NULL
      && gtk_adjustment_get_value (adj) != gtk_adjustment_get_lower (adj))
    column->top_id = g_idle_add_full (TOP_PRIORITY, on_top_idle, column, NULL);
}

static void
show_top (Column *column)
{
  column->at_top = TRUE;
  hold_top (column);
}

static gboolean
on_user_scroll (GtkEventControllerScroll *controller,
                double                    dx,
                double                    dy,
                Column                   *column)
{
  column->at_top = FALSE;
  return GDK_EVENT_PROPAGATE;
}

static void
on_user_drag (GtkGestureDrag *gesture,
              double          x,
              double          y,
              Column         *column)
{
  column->at_top = FALSE;
}

/* A new most-urgent card goes on top: when staff were looking at the top
 * of the column (or the board is not shown), they see it there. */
static void
on_column_items_changed (GListModel *model,
                         guint       position,
                         guint       removed,
                         guint       added,
                         Column     *column)
{
  GtkListView *view = column->page->views[column->column];
  GtkAdjustment *adj = view != NULL ? gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (view)) : NULL;

  if (position == 0 && added > 0 && adj != NULL
      && (!gtk_widget_get_mapped (GTK_WIDGET (view))
          || gtk_adjustment_get_value (adj) - gtk_adjustment_get_lower (adj) < 200))
    show_top (column);
}

/* The board opens at the top of every column, the first card whole. */
static void
on_map (CurbBoardPage *self)
{
  for (guint c = 0; c < CURB_BOARD_N_COLUMNS; c++)
    show_top (&self->column_data[c]);
}

static void
follow_scrolling (Column    *column,
                  GtkWidget *scroller)
{
  GtkAdjustment *adj = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scroller));
  GtkEventController *wheel = gtk_event_controller_scroll_new (GTK_EVENT_CONTROLLER_SCROLL_VERTICAL);
  GtkGesture *drag = gtk_gesture_drag_new ();

  g_signal_connect_swapped (adj, "changed", G_CALLBACK (hold_top), column);
  g_signal_connect_swapped (adj, "value-changed", G_CALLBACK (hold_top), column);
  gtk_event_controller_set_propagation_phase (wheel, GTK_PHASE_CAPTURE);
  g_signal_connect (wheel, "scroll", G_CALLBACK (on_user_scroll), column);
  gtk_widget_add_controller (scroller, wheel);
  gtk_event_controller_set_propagation_phase (GTK_EVENT_CONTROLLER (drag), GTK_PHASE_CAPTURE);
  g_signal_connect (drag, "drag-update", G_CALLBACK (on_user_drag), column);
  gtk_widget_add_controller (scroller, GTK_EVENT_CONTROLLER (drag));
}

static void
on_card_activated (GtkListView   *view,
                   guint          position,
                   CurbBoardPage *self)
{
  GListModel *model = G_LIST_MODEL (gtk_list_view_get_model (view));
  g_autoptr(CurbOrder) order = g_list_model_get_item (model, position);

  if (order != NULL)
    g_signal_emit (self, signals[ORDER_ACTIVATED], 0, curb_order_get_ref (order));
}

static GListModel *
column_model (CurbBoardPage *self,
              Column        *column)
{
  GtkCustomFilter *filter = gtk_custom_filter_new (in_column, column, NULL);
  GtkCustomSorter *sorter = gtk_custom_sorter_new (compare_in_column, column, NULL);
  GListModel *board = G_LIST_MODEL (curb_staging_station_get_board (self->station));
  GtkFilterListModel *filtered = gtk_filter_list_model_new (g_object_ref (board), GTK_FILTER (filter));

  return G_LIST_MODEL (gtk_sort_list_model_new (G_LIST_MODEL (filtered), GTK_SORTER (sorter)));
}

static GtkListView *
make_view (CurbBoardPage *self,
           GListModel    *model)
{
  GtkListItemFactory *factory =
    gtk_builder_list_item_factory_new_from_resource (NULL, "/org/curbside/Staging/board/curb-order-card-item.ui");
  GtkNoSelection *selection = gtk_no_selection_new (g_object_ref (model));
  GtkWidget *view = gtk_list_view_new (GTK_SELECTION_MODEL (selection), factory);

  gtk_list_view_set_single_click_activate (GTK_LIST_VIEW (view), TRUE);
  g_signal_connect (view, "activate", G_CALLBACK (on_card_activated), self);
  gtk_widget_add_css_class (view, "board-list");
  return GTK_LIST_VIEW (view);
}

static GtkWidget *
make_header (Column     *column,
             GListModel *model)
{
  GtkWidget *header = gtk_label_new (NULL);
  GtkExpression *n_items = gtk_property_expression_new (GTK_TYPE_SORT_LIST_MODEL, NULL, "n-items");
  GtkExpression *text = gtk_cclosure_expression_new (G_TYPE_STRING, NULL, 1, &n_items,
                                                     G_CALLBACK (format_header), column, NULL);

  gtk_widget_add_css_class (header, "column-header");
  gtk_label_set_xalign (GTK_LABEL (header), 0);
  gtk_label_set_wrap (GTK_LABEL (header), TRUE);
  gtk_expression_bind (text, header, "label", model);
  return header;
}

static void
add_column (CurbBoardPage   *self,
            CurbBoardColumn  c)
{
  Column *column = &self->column_data[c];
  g_autoptr(GListModel) model = NULL;
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
  GtkWidget *scroller = gtk_scrolled_window_new ();

  *column = (Column) { .page = self, .column = c };
  model = column_model (self, column);
  gtk_widget_add_css_class (box, "board-column");
  gtk_widget_add_css_class (box, column_classes[c]);
  gtk_accessible_update_property (GTK_ACCESSIBLE (box), GTK_ACCESSIBLE_PROPERTY_LABEL, column_title (c), -1);
  self->views[c] = make_view (self, model);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->views[c]), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  column_title (c), -1);
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scroller), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), GTK_WIDGET (self->views[c]));
  gtk_widget_set_vexpand (scroller, TRUE);
  follow_scrolling (column, scroller);
  gtk_box_append (GTK_BOX (box), make_header (column, model));
  gtk_box_append (GTK_BOX (box), scroller);
  gtk_box_append (self->columns, box);
  g_signal_connect (model, "items-changed", G_CALLBACK (on_column_items_changed), column);
}

static void
curb_board_page_dispose (GObject *object)
{
  CurbBoardPage *self = CURB_BOARD_PAGE (object);

  for (guint c = 0; c < CURB_BOARD_N_COLUMNS; c++)
    g_clear_handle_id (&self->column_data[c].top_id, g_source_remove);
  adw_bin_set_child (ADW_BIN (self), NULL);
  g_clear_object (&self->station);

  G_OBJECT_CLASS (curb_board_page_parent_class)->dispose (object);
}

static void
curb_board_page_class_init (CurbBoardPageClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = curb_board_page_dispose;
  g_type_ensure (CURB_TYPE_ORDER_CARD);
  curb_staging_resources_ensure ();
  gtk_widget_class_set_template_from_resource (widget_class, "/org/curbside/Staging/board/curb-board-page.ui");
  gtk_widget_class_bind_template_child (widget_class, CurbBoardPage, columns);

  /**
   * CurbBoardPage::order-activated:
   * @ref: the order a staff member tapped
   */
  signals[ORDER_ACTIVATED] = g_signal_new ("order-activated", G_TYPE_FROM_CLASS (klass),
                                           G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                           G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
curb_board_page_init (CurbBoardPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  g_signal_connect (self, "map", G_CALLBACK (on_map), NULL);
}

GtkWidget *
curb_board_page_new (CurbStagingStation *station)
{
  CurbBoardPage *self = g_object_new (CURB_TYPE_BOARD_PAGE, NULL);

  self->station = g_object_ref (station);
  g_object_set_data (G_OBJECT (self), CURB_STAGING_STATION_KEY, station);
  for (guint c = 0; c < CURB_BOARD_N_COLUMNS; c++)
    add_column (self, c);
  return GTK_WIDGET (self);
}

/* Returns: (transfer none): the list of one column (tests, benchmarks) */
GtkListView *
curb_board_page_get_column_view (CurbBoardPage   *self,
                                 CurbBoardColumn  column)
{
  g_return_val_if_fail (CURB_IS_BOARD_PAGE (self), NULL);
  g_return_val_if_fail (column < CURB_BOARD_N_COLUMNS, NULL);
  return self->views[column];
}
