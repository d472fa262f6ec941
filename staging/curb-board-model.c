#include "curb-board-model.h"

struct _CurbBoardModel
{
  GObject     parent_instance;

  GHashTable *by_ref;          /* ref → CurbBoardOrder */
  GListStore *columns[CURB_BOARD_N_COLUMNS];
  gint64      amber_ms;
  gint64      red_ms;
  gint64      cold_limit_ms;
  gint64      no_show_grace_ms;
  gint64      eta_warning_ms;
  gint64      last_seq;
};

G_DEFINE_FINAL_TYPE (CurbBoardModel, curb_board_model, G_TYPE_OBJECT)

enum { ORDER_CHANGED, N_SIGNALS };
static guint signals[N_SIGNALS];

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

static int
compare_refs (CurbBoardOrder *a,
              CurbBoardOrder *b)
{
  return g_strcmp0 (curb_board_order_get_ref (a), curb_board_order_get_ref (b));
}

/* Longest wait first: the most urgent arrival is on top. */
static int
compare_arrived (gconstpointer pa,
                 gconstpointer pb,
                 gpointer      user_data)
{
  CurbBoardOrder *a = (CurbBoardOrder *) pa, *b = (CurbBoardOrder *) pb;
  int c = compare_times (time_or_max (curb_board_order_get_arrived_at (a)),
                         time_or_max (curb_board_order_get_arrived_at (b)));

  return c != 0 ? c : compare_refs (a, b);
}

static int
compare_claimed (gconstpointer pa,
                 gconstpointer pb,
                 gpointer      user_data)
{
  CurbBoardOrder *a = (CurbBoardOrder *) pa, *b = (CurbBoardOrder *) pb;
  int c = compare_times (time_or_max (curb_board_order_get_arrived_at (a)),
                         time_or_max (curb_board_order_get_arrived_at (b)));

  return c != 0 ? c : compare_refs (a, b);
}

/* Unstaged orders first (they need work), then by pickup window. */
static int
compare_staged (gconstpointer pa,
                gconstpointer pb,
                gpointer      user_data)
{
  CurbBoardOrder *a = (CurbBoardOrder *) pa, *b = (CurbBoardOrder *) pb;
  int c = compare_times (time_or_max (curb_board_order_get_window_start (a)),
                         time_or_max (curb_board_order_get_window_start (b)));

  return c != 0 ? c : compare_refs (a, b);
}

/* The shopper who comes first, first. */
static int
compare_on_the_way (gconstpointer pa,
                    gconstpointer pb,
                    gpointer      user_data)
{
  CurbBoardOrder *a = (CurbBoardOrder *) pa, *b = (CurbBoardOrder *) pb;
  int c = compare_times (time_or_max (curb_board_order_get_eta (a)), time_or_max (curb_board_order_get_eta (b)));

  return c != 0 ? c : compare_refs (a, b);
}

static gint64
done_time (CurbBoardOrder *order)
{
  gint64 t = curb_board_order_get_handed_over_at (order);

  return t > 0 ? t : curb_board_order_get_window_end (order);
}

/* Most recent first. */
static int
compare_done (gconstpointer pa,
              gconstpointer pb,
              gpointer      user_data)
{
  CurbBoardOrder *a = (CurbBoardOrder *) pa, *b = (CurbBoardOrder *) pb;
  int c = compare_times (done_time (b), done_time (a));

  return c != 0 ? c : compare_refs (a, b);
}

static const GCompareDataFunc column_compare[CURB_BOARD_N_COLUMNS] = {
  compare_arrived, compare_claimed, compare_on_the_way, compare_staged, compare_done,
};

static gboolean
find_in_column (CurbBoardModel  *self,
                CurbBoardOrder  *order,
                CurbBoardColumn *out_column,
                guint           *out_position)
{
  for (guint c = 0; c < CURB_BOARD_N_COLUMNS; c++)
    if (g_list_store_find (self->columns[c], order, out_position))
      {
        *out_column = (CurbBoardColumn) c;
        return TRUE;
      }
  return FALSE;
}

static void
detach (CurbBoardModel *self,
        CurbBoardOrder *order)
{
  CurbBoardColumn column;
  guint position;

  if (find_in_column (self, order, &column, &position))
    g_list_store_remove (self->columns[column], position);
}

static gboolean
is_stale (CurbBoardOrder *old,
          CurbBoardOrder *order)
{
  gint64 old_seq = curb_board_order_get_last_seq (old);
  gint64 new_seq = curb_board_order_get_last_seq (order);

  return old_seq > 0 && new_seq > 0 && new_seq < old_seq;
}

static void
curb_board_model_dispose (GObject *object)
{
  CurbBoardModel *self = CURB_BOARD_MODEL (object);

  g_clear_pointer (&self->by_ref, g_hash_table_unref);
  for (guint c = 0; c < CURB_BOARD_N_COLUMNS; c++)
    g_clear_object (&self->columns[c]);

  G_OBJECT_CLASS (curb_board_model_parent_class)->dispose (object);
}

static void
curb_board_model_class_init (CurbBoardModelClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = curb_board_model_dispose;

  /**
   * CurbBoardModel::order-changed:
   * @ref: the order reference
   * @order: (nullable): the new order, or %NULL when it left the board
   */
  signals[ORDER_CHANGED] =
    g_signal_new ("order-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_STRING, CURB_TYPE_BOARD_ORDER);
}

static void
curb_board_model_init (CurbBoardModel *self)
{
  self->by_ref = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  for (guint c = 0; c < CURB_BOARD_N_COLUMNS; c++)
    self->columns[c] = g_list_store_new (CURB_TYPE_BOARD_ORDER);
  self->amber_ms = 2 * 60 * 1000;
  self->red_ms = 4 * 60 * 1000;
  self->cold_limit_ms = 45 * 60 * 1000;
  self->no_show_grace_ms = 30 * 60 * 1000;
  self->eta_warning_ms = 10 * 60 * 1000;
}

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
 * curb_board_model_upsert:
 * @self: the board
 * @order: the newest known state of one order
 *
 * Adds @order or replaces the order with the same reference, moving it to
 * its column. An update older than the one on the board (lower last_seq) is
 * ignored, so replayed stream events never move an order back.
 */
void
curb_board_model_upsert (CurbBoardModel *self,
                         CurbBoardOrder *order)
{
  CurbBoardOrder *old;
  CurbBoardColumn column;
  const char *ref;

  g_return_if_fail (CURB_IS_BOARD_MODEL (self));
  g_return_if_fail (CURB_IS_BOARD_ORDER (order));

  ref = curb_board_order_get_ref (order);
  old = g_hash_table_lookup (self->by_ref, ref);
  if (old != NULL && is_stale (old, order))
    return;
  if (old != NULL)
    detach (self, old);
  g_hash_table_replace (self->by_ref, g_strdup (ref), g_object_ref (order));
  column = curb_board_column_for_order (order);
  g_list_store_insert_sorted (self->columns[column], order, column_compare[column], NULL);
  self->last_seq = MAX (self->last_seq, curb_board_order_get_last_seq (order));
  g_signal_emit (self, signals[ORDER_CHANGED], 0, ref, order);
}

void
curb_board_model_replace_all (CurbBoardModel *self,
                              GPtrArray      *orders)
{
  g_autoptr(GPtrArray) gone = g_ptr_array_new_with_free_func (g_free);
  GHashTableIter iter;
  gpointer key;

  g_return_if_fail (CURB_IS_BOARD_MODEL (self));
  g_return_if_fail (orders != NULL);

  g_hash_table_iter_init (&iter, self->by_ref);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      gboolean present = FALSE;

      for (guint i = 0; i < orders->len && !present; i++)
        present = g_str_equal (key, curb_board_order_get_ref (g_ptr_array_index (orders, i)));
      if (!present)
        g_ptr_array_add (gone, g_strdup (key));
    }
  for (guint i = 0; i < gone->len; i++)
    curb_board_model_remove (self, g_ptr_array_index (gone, i));
  for (guint i = 0; i < orders->len; i++)
    curb_board_model_upsert (self, g_ptr_array_index (orders, i));
}

gboolean
curb_board_model_remove (CurbBoardModel *self,
                         const char     *ref)
{
  CurbBoardOrder *old;
  g_autofree char *key = NULL;

  g_return_val_if_fail (CURB_IS_BOARD_MODEL (self), FALSE);
  g_return_val_if_fail (ref != NULL, FALSE);

  old = g_hash_table_lookup (self->by_ref, ref);
  if (old == NULL)
    return FALSE;
  key = g_strdup (ref);
  detach (self, old);
  g_hash_table_remove (self->by_ref, key);
  g_signal_emit (self, signals[ORDER_CHANGED], 0, key, NULL);
  return TRUE;
}

/**
 * curb_board_model_lookup:
 *
 * Returns: (transfer none) (nullable): the order with @ref
 */
CurbBoardOrder *
curb_board_model_lookup (CurbBoardModel *self,
                         const char     *ref)
{
  g_return_val_if_fail (CURB_IS_BOARD_MODEL (self), NULL);
  return ref != NULL ? g_hash_table_lookup (self->by_ref, ref) : NULL;
}

/**
 * curb_board_model_get_column:
 *
 * Returns: (transfer none): the sorted list of #CurbBoardOrder in @column
 */
GListModel *
curb_board_model_get_column (CurbBoardModel  *self,
                             CurbBoardColumn  column)
{
  g_return_val_if_fail (CURB_IS_BOARD_MODEL (self), NULL);
  g_return_val_if_fail (column < CURB_BOARD_N_COLUMNS, NULL);
  return G_LIST_MODEL (self->columns[column]);
}

guint
curb_board_model_get_n_orders (CurbBoardModel *self)
{
  g_return_val_if_fail (CURB_IS_BOARD_MODEL (self), 0);
  return g_hash_table_size (self->by_ref);
}

GPtrArray *
curb_board_model_dup_orders (CurbBoardModel *self)
{
  GPtrArray *orders = g_ptr_array_new_with_free_func (g_object_unref);
  GHashTableIter iter;
  gpointer value;

  g_return_val_if_fail (CURB_IS_BOARD_MODEL (self), orders);
  g_hash_table_iter_init (&iter, self->by_ref);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    g_ptr_array_add (orders, g_object_ref (value));
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
  g_autoptr(GPtrArray) old = g_ptr_array_new_with_free_func (g_free);
  GListModel *done;

  g_return_val_if_fail (CURB_IS_BOARD_MODEL (self), 0);
  done = G_LIST_MODEL (self->columns[CURB_BOARD_COLUMN_DONE]);
  for (guint i = 0; i < g_list_model_get_n_items (done); i++)
    {
      g_autoptr(CurbBoardOrder) order = g_list_model_get_item (done, i);

      if (done_time (order) < day_start_ms)
        g_ptr_array_add (old, g_strdup (curb_board_order_get_ref (order)));
    }
  for (guint i = 0; i < old->len; i++)
    curb_board_model_remove (self, g_ptr_array_index (old, i));
  return old->len;
}

CurbBoardColumn
curb_board_column_for_order (CurbBoardOrder *order)
{
  switch (curb_board_order_get_state (order))
    {
    case CURB_BOARD_STATE_ARRIVED:
      return CURB_BOARD_COLUMN_ARRIVED;
    case CURB_BOARD_STATE_CLAIMED:
      return CURB_BOARD_COLUMN_CLAIMED;
    case CURB_BOARD_STATE_PENDING:
    case CURB_BOARD_STATE_READY:
      return curb_board_order_get_eta (order) > 0 ? CURB_BOARD_COLUMN_ON_THE_WAY : CURB_BOARD_COLUMN_STAGED;
    case CURB_BOARD_STATE_HANDED_OVER:
    case CURB_BOARD_STATE_PARTIALLY_HANDED_OVER:
    case CURB_BOARD_STATE_NO_SHOW:
    case CURB_BOARD_STATE_CANCELLED:
    default:
      return CURB_BOARD_COLUMN_DONE;
    }
}

/* Waiting time: from check-in to now while the shopper waits, frozen at
 * handoff afterwards; 0 for orders that have not arrived. */
gint64
curb_board_model_wait_ms (CurbBoardModel *self,
                          CurbBoardOrder *order,
                          gint64          now_ms)
{
  gint64 arrived = curb_board_order_get_arrived_at (order);
  gint64 end = now_ms;

  if (arrived <= 0)
    return 0;
  if (curb_board_order_is_done (order))
    end = curb_board_order_get_handed_over_at (order);
  return end > arrived ? end - arrived : 0;
}

CurbServiceLevel
curb_board_model_service_level (CurbBoardModel *self,
                                CurbBoardOrder *order,
                                gint64          now_ms)
{
  gint64 wait;

  g_return_val_if_fail (CURB_IS_BOARD_MODEL (self), CURB_SERVICE_LEVEL_NONE);
  if (curb_board_order_get_arrived_at (order) <= 0)
    return CURB_SERVICE_LEVEL_NONE;
  if (curb_board_order_is_done (order) && curb_board_order_get_handed_over_at (order) <= 0)
    return CURB_SERVICE_LEVEL_NONE;   /* cancelled or no-show: nobody was served */
  wait = curb_board_model_wait_ms (self, order, now_ms);
  if (wait >= self->red_ms)
    return CURB_SERVICE_LEVEL_RED;
  if (wait >= self->amber_ms)
    return CURB_SERVICE_LEVEL_AMBER;
  return CURB_SERVICE_LEVEL_OK;
}

gboolean
curb_board_model_is_no_show_due (CurbBoardModel *self,
                                 CurbBoardOrder *order,
                                 gint64          now_ms)
{
  CurbBoardState state = curb_board_order_get_state (order);
  gint64 end = curb_board_order_get_window_end (order);

  g_return_val_if_fail (CURB_IS_BOARD_MODEL (self), FALSE);
  if (state != CURB_BOARD_STATE_PENDING && state != CURB_BOARD_STATE_READY)
    return FALSE;
  return end > 0 && now_ms > end + self->no_show_grace_ms;
}

gboolean
curb_board_model_is_cold_too_long (CurbBoardModel *self,
                                   CurbBoardOrder *order,
                                   gint64          now_ms)
{
  gint64 staged_at = curb_board_order_get_staged_at (order);
  int cold = curb_board_order_get_bags (order, CURB_BOARD_TEMP_CHILLED)
             + curb_board_order_get_bags (order, CURB_BOARD_TEMP_FROZEN);

  g_return_val_if_fail (CURB_IS_BOARD_MODEL (self), FALSE);
  if (cold == 0 || staged_at <= 0 || curb_board_order_is_done (order)
      || self->cold_limit_ms <= 0)
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

/* On the way and not (or no longer) staged, with the ETA near: staff must
 * stage it now or the shopper waits. */
gboolean
curb_board_model_is_late_for_eta (CurbBoardModel *self,
                                  CurbBoardOrder *order,
                                  gint64          now_ms)
{
  gint64 eta;

  g_return_val_if_fail (CURB_IS_BOARD_MODEL (self), FALSE);
  g_return_val_if_fail (CURB_IS_BOARD_ORDER (order), FALSE);

  eta = curb_board_order_get_eta (order);
  if (eta <= 0 || curb_board_column_for_order (order) != CURB_BOARD_COLUMN_ON_THE_WAY)
    return FALSE;
  if (curb_board_order_get_staged (order) && curb_board_order_get_restage (order) == NULL)
    return FALSE;
  return now_ms >= eta - self->eta_warning_ms;
}
