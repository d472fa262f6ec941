#include "curb-board-page.h"

#include "curb-staging-resources.h"

#include <glib/gi18n.h>

#include "curb-order-card.h"

struct _CurbBoardPage
{
  AdwBin              parent_instance;

  GtkBox             *columns;
  GtkLabel           *headers[CURB_BOARD_N_COLUMNS];
  GtkListView        *views[CURB_BOARD_N_COLUMNS];
  CurbStagingStation *station;
};

G_DEFINE_FINAL_TYPE (CurbBoardPage, curb_board_page, ADW_TYPE_BIN)

enum { ORDER_ACTIVATED, N_SIGNALS };
static guint signals[N_SIGNALS];

static const char *const column_classes[] = { "column-arrived", "column-claimed", "column-on-the-way",
                                              "column-staged", "column-done" };

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
    case CURB_BOARD_COLUMN_DONE:
    case CURB_BOARD_N_COLUMNS:
    default:
      return _("Done today");
    }
}

static void
update_header (CurbBoardPage   *self,
               CurbBoardColumn  column)
{
  GListModel *model = curb_board_model_get_column (curb_staging_station_get_board (self->station), column);
  g_autofree char *text = g_strdup_printf ("%s (%u)", column_title (column),
                                           g_list_model_get_n_items (model));

  gtk_label_set_text (self->headers[column], text);
}

static gboolean
on_scroll_to_top (gpointer data)
{
  GtkWidget *view = data;
  GtkSelectionModel *model = gtk_list_view_get_model (GTK_LIST_VIEW (view));

  if (gtk_widget_get_mapped (view) && gtk_widget_get_height (view) > 0
      && model != NULL && g_list_model_get_n_items (G_LIST_MODEL (model)) > 0)
    gtk_widget_activate_action (view, "list.scroll-to-item", "u", 0);
  return G_SOURCE_REMOVE;
}

/* A new most-urgent card goes on top: when staff were looking at the top
 * of the column, they keep seeing it (instead of the list holding the old
 * first card in place). */
static void
keep_top_in_view (GtkListView *view)
{
  GtkAdjustment *adj;

  if (view == NULL)
    return;
  adj = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (view));
  if (adj != NULL && gtk_adjustment_get_value (adj) < 200)
    g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, on_scroll_to_top, g_object_ref (view), g_object_unref);
}

static void
on_column_items_changed (GListModel *model,
                         guint       position,
                         guint       removed,
                         guint       added,
                         gpointer    user_data)
{
  CurbBoardPage *self = user_data;

  for (guint c = 0; c < CURB_BOARD_N_COLUMNS; c++)
    if (curb_board_model_get_column (curb_staging_station_get_board (self->station), c) == model)
      {
        update_header (self, c);
        if (position == 0 && added > 0)
          keep_top_in_view (self->views[c]);
      }
}

static void
on_setup_card (GtkSignalListItemFactory *factory,
               GtkListItem              *item,
               gpointer                  user_data)
{
  gtk_list_item_set_child (item, curb_order_card_new ());
}

static void
on_bind_card (GtkSignalListItemFactory *factory,
              GtkListItem              *item,
              CurbBoardPage            *self)
{
  curb_order_card_bind (CURB_ORDER_CARD (gtk_list_item_get_child (item)),
                        gtk_list_item_get_item (item), self->station);
}

static void
on_unbind_card (GtkSignalListItemFactory *factory,
                GtkListItem              *item,
                gpointer                  user_data)
{
  curb_order_card_unbind (CURB_ORDER_CARD (gtk_list_item_get_child (item)));
}

static void
on_card_activated (GtkListView   *view,
                   guint          position,
                   CurbBoardPage *self)
{
  GListModel *model = G_LIST_MODEL (gtk_list_view_get_model (view));
  g_autoptr(CurbBoardOrder) order = g_list_model_get_item (model, position);

  if (order != NULL)
    g_signal_emit (self, signals[ORDER_ACTIVATED], 0, curb_board_order_get_ref (order));
}

static GtkListView *
make_view (CurbBoardPage *self,
           GListModel    *model)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
  GtkNoSelection *selection = gtk_no_selection_new (g_object_ref (model));
  GtkWidget *view = gtk_list_view_new (GTK_SELECTION_MODEL (selection), factory);

  g_signal_connect (factory, "setup", G_CALLBACK (on_setup_card), self);
  g_signal_connect (factory, "bind", G_CALLBACK (on_bind_card), self);
  g_signal_connect (factory, "unbind", G_CALLBACK (on_unbind_card), self);
  gtk_list_view_set_single_click_activate (GTK_LIST_VIEW (view), TRUE);
  g_signal_connect (view, "activate", G_CALLBACK (on_card_activated), self);
  gtk_widget_add_css_class (view, "board-list");
  return GTK_LIST_VIEW (view);
}

static void
add_column (CurbBoardPage   *self,
            CurbBoardColumn  column)
{
  GListModel *model = curb_board_model_get_column (curb_staging_station_get_board (self->station), column);
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
  GtkWidget *header = gtk_label_new (NULL);
  GtkWidget *scroller = gtk_scrolled_window_new ();

  gtk_widget_add_css_class (box, "board-column");
  gtk_widget_add_css_class (box, column_classes[column]);
  gtk_widget_add_css_class (header, "column-header");
  gtk_label_set_xalign (GTK_LABEL (header), 0);
  gtk_accessible_update_property (GTK_ACCESSIBLE (box), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  column_title (column), -1);
  self->headers[column] = GTK_LABEL (header);
  self->views[column] = make_view (self, model);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->views[column]), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  column_title (column), -1);
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scroller), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), GTK_WIDGET (self->views[column]));
  gtk_widget_set_vexpand (scroller, TRUE);
  gtk_box_append (GTK_BOX (box), header);
  gtk_box_append (GTK_BOX (box), scroller);
  gtk_box_append (self->columns, box);
  g_signal_connect_object (model, "items-changed", G_CALLBACK (on_column_items_changed), self, 0);
  update_header (self, column);
}

static void
curb_board_page_dispose (GObject *object)
{
  CurbBoardPage *self = CURB_BOARD_PAGE (object);

  adw_bin_set_child (ADW_BIN (self), NULL);
  g_clear_object (&self->station);

  G_OBJECT_CLASS (curb_board_page_parent_class)->dispose (object);
}

static void
curb_board_page_class_init (CurbBoardPageClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = curb_board_page_dispose;
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
}

GtkWidget *
curb_board_page_new (CurbStagingStation *station)
{
  CurbBoardPage *self = g_object_new (CURB_TYPE_BOARD_PAGE, NULL);

  self->station = g_object_ref (station);
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
