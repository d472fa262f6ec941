#include "curb-board-model.h"

#include <glib/gi18n.h>

struct _CurbBoardModel
{
  GObject     parent_instance;

  GListStore *orders;          /* CurbOrder, in arrival on the board */
  GHashTable *by_ref;          /* ref → CurbOrder (the store's object) */
  gint64      amber_ms;
  gint64      red_ms;
  gint64      cold_limit_ms;
  gint64      no_show_grace_ms;
  gint64      eta_warning_ms;
  gint64      last_seq;
};

static void curb_board_model_list_model_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (CurbBoardModel, curb_board_model, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, curb_board_model_list_model_init))

enum { ORDER_CHANGED, N_SIGNALS };
static guint signals[N_SIGNALS];

/* What decides an order's column and its place in it. */
typedef struct
{
  CurbBoardColumn column;
  gint64          arrived_at;
  gint64          window_start;
  gint64          window_end;
  gint64          handed_over_at;
  gint64          eta;
} Place;

static Place
place_of (CurbOrder *order)
{
  return (Place) {
    .column = curb_board_column_for_order (order),
    .arrived_at = curb_order_get_arrived_at (order),
    .window_start = curb_order_get_window_start (order),
    .window_end = curb_order_get_window_end (order),
    .handed_over_at = curb_order_get_handed_over_at (order),
    .eta = curb_order_get_eta (order),
  };
}

static gboolean
place_equal (const Place *a,
             const Place *b)
{
  return a->column == b->column && a->arrived_at == b->arrived_at && a->window_start == b->window_start
         && a->window_end == b->window_end && a->handed_over_at == b->handed_over_at && a->eta == b->eta;
}

static gint64
time_or_max (gint64 t)
{
  return t > 0 ? t : G_MAXINT64;
}

static int
compare_times (gint64 a,
               gint64 b)
{
  return (a > b) - (a < b);
}

static gint64
done_time (CurbOrder *order)
{
  gint64 t = curb_order_get_handed_over_at (order);

  return t > 0 ? t : curb_order_get_window_end (order);
}

static gboolean
is_done (CurbOrder *order)
{
  return !curb_order_state_is_active (curb_order_get_state (order));
}

static gboolean
is_stale (CurbOrder *old,
          CurbOrder *order)
{
  gint64 old_seq = curb_order_get_last_seq (old);
  gint64 new_seq = curb_order_get_last_seq (order);

  return old_seq > 0 && new_seq > 0 && new_seq < old_seq;
}

/* The filter and sort models over the board see a moved order as replaced. */
static void
report_moved (CurbBoardModel *self,
              CurbOrder      *order)
{
  guint position;

  if (g_list_store_find (self->orders, order, &position))
    g_list_store_splice (self->orders, position, 1, (gpointer *) &order, 1);
}

/* --- GListModel --- */

static GType
curb_board_model_get_item_type (GListModel *model)
{
  return CURB_TYPE_ORDER;
}

static guint
curb_board_model_get_n_items (GListModel *model)
{
  return g_list_model_get_n_items (G_LIST_MODEL (CURB_BOARD_MODEL (model)->orders));
}

static gpointer
curb_board_model_get_item (GListModel *model,
                           guint       position)
{
  return g_list_model_get_item (G_LIST_MODEL (CURB_BOARD_MODEL (model)->orders), position);
}

static void
curb_board_model_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = curb_board_model_get_item_type;
  iface->get_n_items = curb_board_model_get_n_items;
  iface->get_item = curb_board_model_get_item;
}

static void
on_orders_changed (CurbBoardModel *self,
                   guint           position,
                   guint           removed,
                   guint           added)
{
  g_list_model_items_changed (G_LIST_MODEL (self), position, removed, added);
}

/* --- GObject --- */

static void
curb_board_model_dispose (GObject *object)
{
  CurbBoardModel *self = CURB_BOARD_MODEL (object);

  g_clear_pointer (&self->by_ref, g_hash_table_unref);
  g_clear_object (&self->orders);

  G_OBJECT_CLASS (curb_board_model_parent_class)->dispose (object);
}

static void
curb_board_model_class_init (CurbBoardModelClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = curb_board_model_dispose;

  /**
   * CurbBoardModel::order-changed:
   * @ref: the order reference
   * @order: (nullable): the board's order, or %NULL when it left the board
   */
  signals[ORDER_CHANGED] =
    g_signal_new ("order-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_STRING, CURB_TYPE_ORDER);
}

static void
curb_board_model_init (CurbBoardModel *self)
{
  self->orders = g_list_store_new (CURB_TYPE_ORDER);
  self->by_ref = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  self->amber_ms = 2 * 60 * 1000;
  self->red_ms = 4 * 60 * 1000;
  self->cold_limit_ms = 45 * 60 * 1000;
  self->no_show_grace_ms = 30 * 60 * 1000;
  self->eta_warning_ms = 10 * 60 * 1000;
  g_signal_connect_swapped (self->orders, "items-changed", G_CALLBACK (on_orders_changed), self);
}

/* --- public API --- */

CurbBoardModel *
curb_board_model_new (void)
{
  return g_object_new (CURB_TYPE_BOARD_MODEL, NULL);
}

void
curb_board_model_set_thresholds (CurbBoardModel *self,
                                 gint64          amber_ms,
                                 gint64          red_ms)
{
  g_return_if_fail (CURB_IS_BOARD_MODEL (self));
  g_return_if_fail (amber_ms > 0 && red_ms >= amber_ms);
  self->amber_ms = amber_ms;
  self->red_ms = red_ms;
}

void
curb_board_model_set_cold_limit (CurbBoardModel *self,
                                 gint64          cold_limit_ms)
{
  g_return_if_fail (CURB_IS_BOARD_MODEL (self));
  self->cold_limit_ms = cold_limit_ms;
}

void
curb_board_model_set_no_show_grace (CurbBoardModel *self,
                                    gint64          grace_ms)
{
  g_return_if_fail (CURB_IS_BOARD_MODEL (self));
  self->no_show_grace_ms = grace_ms;
}

/**
 * curb_board_model_set_eta_warning:
 * @before_eta_ms: warn when an order on the way is not staged this long
 *   before the shopper's ETA (staging.conf [service] on-the-way-warning-minutes)
 */
void
curb_board_model_set_eta_warning (CurbBoardModel *self,
                                  gint64          before_eta_ms)
{
  g_return_if_fail (CURB_IS_BOARD_MODEL (self));
  self->eta_warning_ms = MAX (before_eta_ms, 0);
}

/**
 * curb_board_model_upsert:
 * @snapshot: the newest known state of one order
 *
 * Adds a copy of @snapshot, or updates the board's order with the same
 * reference from it (curb_order_update()). A snapshot older than the board's (lower
 * last_seq) is ignored, so replayed stream events never move an order back.
 *
 * Returns: (transfer none): the board's order
 */
CurbOrder *
curb_board_model_upsert (CurbBoardModel *self,
                         CurbOrder      *snapshot)
{
  CurbOrder *order;
  const char *ref;
  Place before;

  g_return_val_if_fail (CURB_IS_BOARD_MODEL (self), NULL);
  g_return_val_if_fail (CURB_IS_ORDER (snapshot), NULL);

  ref = curb_order_get_ref (snapshot);
  g_return_val_if_fail (ref != NULL, NULL);
  order = g_hash_table_lookup (self->by_ref, ref);
  if (order != NULL && is_stale (order, snapshot))
    return order;
  self->last_seq = MAX (self->last_seq, curb_order_get_last_seq (snapshot));
  if (order == NULL)
    {
      order = curb_order_new (ref);
      curb_order_update (order, snapshot);
      g_hash_table_insert (self->by_ref, g_strdup (ref), order);
      g_list_store_append (self->orders, order);
    }
  else
    {
      Place after;

      before = place_of (order);
      curb_order_update (order, snapshot);
      after = place_of (order);
      if (!place_equal (&before, &after))
        report_moved (self, order);
    }
  g_signal_emit (self, signals[ORDER_CHANGED], 0, ref, order);
  return order;
}

/* The board becomes @orders (element-type CurbOrder): orders not in it leave. */
void
curb_board_model_replace_all (CurbBoardModel *self,
                              GPtrArray      *orders)
{
  g_autoptr(GHashTable) keep = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GPtrArray) gone = g_ptr_array_new_with_free_func (g_free);
  GHashTableIter iter;
  gpointer key;

  g_return_if_fail (CURB_IS_BOARD_MODEL (self));
  g_return_if_fail (orders != NULL);

  for (guint i = 0; i < orders->len; i++)
    g_hash_table_add (keep, (gpointer) curb_order_get_ref (g_ptr_array_index (orders, i)));
  g_hash_table_iter_init (&iter, self->by_ref);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    if (!g_hash_table_contains (keep, key))
      g_ptr_array_add (gone, g_strdup (key));
  for (guint i = 0; i < gone->len; i++)
    curb_board_model_remove (self, g_ptr_array_index (gone, i));
  for (guint i = 0; i < orders->len; i++)
    curb_board_model_upsert (self, g_ptr_array_index (orders, i));
}

gboolean
curb_board_model_remove (CurbBoardModel *self,
                         const char     *ref)
{
  g_autoptr(CurbOrder) order = NULL;
  g_autofree char *key = NULL;
  guint position;

  g_return_val_if_fail (CURB_IS_BOARD_MODEL (self), FALSE);
  g_return_val_if_fail (ref != NULL, FALSE);

  order = g_hash_table_lookup (self->by_ref, ref);
  if (order == NULL)
    return FALSE;
  g_object_ref (order);
  key = g_strdup (ref);
  g_hash_table_remove (self->by_ref, key);
  if (g_list_store_find (self->orders, order, &position))
    g_list_store_remove (self->orders, position);
  g_signal_emit (self, signals[ORDER_CHANGED], 0, key, NULL);
  return TRUE;
}

/**
 * curb_board_model_lookup:
 *
 * Returns: (transfer none) (nullable): the board's order with @ref
 */
CurbOrder *
curb_board_model_lookup (CurbBoardModel *self,
                         const char     *ref)
{
  g_return_val_if_fail (CURB_IS_BOARD_MODEL (self), NULL);
  return ref != NULL ? g_hash_table_lookup (self->by_ref, ref) : NULL;
}

static int
compare_for_sort (gconstpointer a,
                  gconstpointer b,
                  gpointer      column)
{
  return curb_board_column_compare (GPOINTER_TO_INT (column), *(CurbOrder **) a, *(CurbOrder **) b);
}

/**
 * curb_board_model_dup_column:
 *
 * Returns: (transfer full) (element-type CurbOrder): the orders of @column in
 *   its order (the same as the board page's filter and sort models)
 */
GPtrArray *
curb_board_model_dup_column (CurbBoardModel  *self,
                             CurbBoardColumn  column)
{
  GPtrArray *orders = g_ptr_array_new_with_free_func (g_object_unref);
  GListModel *model;

  g_return_val_if_fail (CURB_IS_BOARD_MODEL (self), orders);
  g_return_val_if_fail (column < CURB_BOARD_N_COLUMNS, orders);
  model = G_LIST_MODEL (self->orders);
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      CurbOrder *order = g_list_model_get_item (model, i);

      if (curb_board_column_for_order (order) == column)
        g_ptr_array_add (orders, order);
      else
        g_object_unref (order);
    }
  g_ptr_array_sort_with_data (orders, compare_for_sort, GINT_TO_POINTER (column));
  return orders;
}

gint64
curb_board_model_get_last_seq (CurbBoardModel *self)
{
  g_return_val_if_fail (CURB_IS_BOARD_MODEL (self), 0);
  return self->last_seq;
}

/* Done orders from before @day_start_ms leave the board (midnight). */
guint
curb_board_model_prune_done (CurbBoardModel *self,
                             gint64          day_start_ms)
{
  g_autoptr(GPtrArray) done = NULL;
  guint pruned = 0;

  g_return_val_if_fail (CURB_IS_BOARD_MODEL (self), 0);
  done = curb_board_model_dup_column (self, CURB_BOARD_COLUMN_DONE);
  for (guint i = 0; i < done->len; i++)
    {
      CurbOrder *order = g_ptr_array_index (done, i);

      if (done_time (order) < day_start_ms)
        pruned += curb_board_model_remove (self, curb_order_get_ref (order));
    }
  return pruned;
}

CurbBoardColumn
curb_board_column_for_order (CurbOrder *order)
{
  g_return_val_if_fail (CURB_IS_ORDER (order), CURB_BOARD_COLUMN_DONE);

  switch (curb_order_get_state (order))
    {
    case CURB_ORDER_STATE_ARRIVED:
      return CURB_BOARD_COLUMN_ARRIVED;
    case CURB_ORDER_STATE_CLAIMED:
      return CURB_BOARD_COLUMN_CLAIMED;
    case CURB_ORDER_STATE_PENDING:
    case CURB_ORDER_STATE_READY:
      if (curb_order_get_eta (order) > 0)
        return CURB_BOARD_COLUMN_ON_THE_WAY;
      return curb_order_get_staged (order) ? CURB_BOARD_COLUMN_STAGED : CURB_BOARD_COLUMN_TO_STAGE;
    case CURB_ORDER_STATE_HANDED_OVER:
    case CURB_ORDER_STATE_PARTIALLY_HANDED_OVER:
    case CURB_ORDER_STATE_NO_SHOW:
    case CURB_ORDER_STATE_CANCELLED:
    default:
      return CURB_BOARD_COLUMN_DONE;
    }
}

/**
 * curb_board_column_compare:
 *
 * The order of a column: the longest wait first for arrivals and claims,
 * the shopper who comes first for those on the way, the earliest pickup
 * window first for orders not here yet, the most recent first for done
 * ones; the reference breaks ties.
 */
int
curb_board_column_compare (CurbBoardColumn  column,
                           CurbOrder       *a,
                           CurbOrder       *b)
{
  int c;

  switch (column)
    {
    case CURB_BOARD_COLUMN_ARRIVED:
    case CURB_BOARD_COLUMN_CLAIMED:
      c = compare_times (time_or_max (curb_order_get_arrived_at (a)), time_or_max (curb_order_get_arrived_at (b)));
      break;
    case CURB_BOARD_COLUMN_ON_THE_WAY:
      c = compare_times (time_or_max (curb_order_get_eta (a)), time_or_max (curb_order_get_eta (b)));
      break;
    case CURB_BOARD_COLUMN_STAGED:
    case CURB_BOARD_COLUMN_TO_STAGE:
      c = compare_times (time_or_max (curb_order_get_window_start (a)),
                         time_or_max (curb_order_get_window_start (b)));
      break;
    case CURB_BOARD_COLUMN_DONE:
    case CURB_BOARD_N_COLUMNS:
    default:
      c = compare_times (done_time (b), done_time (a));
      break;
    }
  return c != 0 ? c : g_strcmp0 (curb_order_get_ref (a), curb_order_get_ref (b));
}

/* Waiting time: from check-in to now while the shopper waits, frozen at
 * handoff afterwards; 0 for orders that have not arrived. */
gint64
curb_board_model_wait_ms (CurbBoardModel *self,
                          CurbOrder      *order,
                          gint64          now_ms)
{
  gint64 arrived = curb_order_get_arrived_at (order);
  gint64 end = now_ms;

  if (arrived <= 0)
    return 0;
  if (is_done (order))
    end = curb_order_get_handed_over_at (order);
  return end > arrived ? end - arrived : 0;
}

CurbServiceLevel
curb_board_model_service_level (CurbBoardModel *self,
                                CurbOrder      *order,
                                gint64          now_ms)
{
  gint64 wait;

  g_return_val_if_fail (CURB_IS_BOARD_MODEL (self), CURB_SERVICE_LEVEL_NONE);
  if (curb_order_get_arrived_at (order) <= 0)
    return CURB_SERVICE_LEVEL_NONE;
  if (is_done (order) && curb_order_get_handed_over_at (order) <= 0)
    return CURB_SERVICE_LEVEL_NONE;   /* cancelled or no-show: nobody was served */
  wait = curb_board_model_wait_ms (self, order, now_ms);
  if (wait >= self->red_ms)
    return CURB_SERVICE_LEVEL_RED;
  if (wait >= self->amber_ms)
    return CURB_SERVICE_LEVEL_AMBER;
  return CURB_SERVICE_LEVEL_OK;
}

/**
 * curb_board_model_past_window_ms:
 *
 * How late for the pickup window: an arrival after the window's end by
 * that much, or a shopper not here yet that long after it; 0 when on time
 * or when the order has no window.
 */
gint64
curb_board_model_past_window_ms (CurbBoardModel *self,
                                 CurbOrder      *order,
                                 gint64          now_ms)
{
  gint64 end = curb_order_get_window_end (order);
  gint64 arrived = curb_order_get_arrived_at (order);
  gint64 late;

  g_return_val_if_fail (CURB_IS_BOARD_MODEL (self), 0);
  if (end <= 0)
    return 0;
  if (arrived > 0)
    late = arrived - end;
  else if (!is_done (order))
    late = now_ms - end;
  else
    late = 0;
  return MAX (late, 0);
}

gboolean
curb_board_model_is_no_show_due (CurbBoardModel *self,
                                 CurbOrder      *order,
                                 gint64          now_ms)
{
  CurbOrderState state = curb_order_get_state (order);
  gint64 end = curb_order_get_window_end (order);

  g_return_val_if_fail (CURB_IS_BOARD_MODEL (self), FALSE);
  if (state != CURB_ORDER_STATE_PENDING && state != CURB_ORDER_STATE_READY)
    return FALSE;
  return end > 0 && now_ms > end + self->no_show_grace_ms;
}

/* On the way and not (or no longer) staged, with the ETA near: staff must
 * stage it now or the shopper waits. */
gboolean
curb_board_model_is_late_for_eta (CurbBoardModel *self,
                                  CurbOrder      *order,
                                  gint64          now_ms)
{
  gint64 eta;

  g_return_val_if_fail (CURB_IS_BOARD_MODEL (self), FALSE);
  g_return_val_if_fail (CURB_IS_ORDER (order), FALSE);

  eta = curb_order_get_eta (order);
  if (eta <= 0 || curb_board_column_for_order (order) != CURB_BOARD_COLUMN_ON_THE_WAY)
    return FALSE;
  if (curb_order_get_staged (order) && g_list_model_get_n_items (curb_order_get_restage (order)) == 0)
    return FALSE;
  return now_ms >= eta - self->eta_warning_ms;
}

gboolean
curb_board_model_is_cold_too_long (CurbBoardModel *self,
                                   CurbOrder      *order,
                                   gint64          now_ms)
{
  gint64 staged_at = curb_order_get_staged_at (order);
  guint cold = curb_order_count_bags (order, CURB_TEMPERATURE_CHILLED)
               + curb_order_count_bags (order, CURB_TEMPERATURE_FROZEN);

  g_return_val_if_fail (CURB_IS_BOARD_MODEL (self), FALSE);
  if (cold == 0 || staged_at <= 0 || is_done (order) || self->cold_limit_ms <= 0)
    return FALSE;
  return now_ms - staged_at > self->cold_limit_ms;
}

/* "0:07", "4:32", "1:02:10": big-digit friendly. */
char *
curb_format_wait (gint64 wait_ms)
{
  gint64 s = MAX (wait_ms, 0) / 1000;

  if (s >= 3600)
    return g_strdup_printf ("%d:%02d:%02d", (int) (s / 3600), (int) (s / 60 % 60), (int) (s % 60));
  return g_strdup_printf ("%d:%02d", (int) (s / 60), (int) (s % 60));
}

static gboolean
is_here (CurbOrderState state)
{
  return state == CURB_ORDER_STATE_ARRIVED || state == CURB_ORDER_STATE_CLAIMED;
}

char *
curb_board_dup_bay_label (const char     *bay,
                          gboolean        skipped,
                          CurbOrderState  state)
{
  if (bay != NULL)
    return g_strdup_printf (_("Bay %s"), bay);
  if (!is_here (state))
    return NULL;
  return g_strdup (skipped ? _("Bay not given") : _("Bay: choosing…"));
}

const char *
curb_board_bay_in_sentence (CurbOrder *order)
{
  g_return_val_if_fail (CURB_IS_ORDER (order), NULL);

  if (curb_order_get_bay (order) != NULL)
    return curb_order_get_bay (order);
  if (curb_order_get_bay_skipped (order))
    /* Translators: in "Shopper waiting: Sam R., order A7K3Q9, bay not given, …" */
    return _("not given");
  /* Translators: in "Shopper waiting: Sam R., order A7K3Q9, bay being chosen, …" */
  return is_here (curb_order_get_state (order)) ? _("being chosen") : "—";
}
