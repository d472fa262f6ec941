#pragma once

#include <gio/gio.h>

#include "curb-order-model.h"

G_BEGIN_DECLS

/**
 * CurbBoardColumn:
 * @CURB_BOARD_COLUMN_ARRIVED: the shopper is here and nobody has claimed the order
 * @CURB_BOARD_COLUMN_CLAIMED: a staff member is bringing it out
 * @CURB_BOARD_COLUMN_ON_THE_WAY: the shopper said "I'm on my way" (by ETA)
 * @CURB_BOARD_COLUMN_STAGED: staged, the shopper has not arrived
 * @CURB_BOARD_COLUMN_TO_STAGE: not staged yet, the shopper has not arrived
 * @CURB_BOARD_COLUMN_DONE: handed over, no-show or cancelled
 *
 * The board's columns: each holds exactly what its title says.
 */
typedef enum
{
  CURB_BOARD_COLUMN_ARRIVED,
  CURB_BOARD_COLUMN_CLAIMED,
  CURB_BOARD_COLUMN_ON_THE_WAY,
  CURB_BOARD_COLUMN_STAGED,
  CURB_BOARD_COLUMN_TO_STAGE,
  CURB_BOARD_COLUMN_DONE,
  CURB_BOARD_N_COLUMNS,
} CurbBoardColumn;

typedef enum
{
  CURB_SERVICE_LEVEL_NONE,
  CURB_SERVICE_LEVEL_OK,
  CURB_SERVICE_LEVEL_AMBER,
  CURB_SERVICE_LEVEL_RED,
} CurbServiceLevel;

/**
 * CurbBoardModel:
 *
 * The live board: a #GListModel of #CurbOrder, one object per order. A
 * newer snapshot of an order updates the board's object in place
 * (curb_order_update()), so screens bound to it redraw only what changed;
 * when its column or its place in the column changes, the board reports
 * the item as replaced, so filter and sort models over it move it.
 * Columns are views over the board (curb_board_column_for_order(),
 * curb_board_column_compare()). No GTK.
 */
#define CURB_TYPE_BOARD_MODEL (curb_board_model_get_type ())
G_DECLARE_FINAL_TYPE (CurbBoardModel, curb_board_model, CURB, BOARD_MODEL, GObject)

CurbBoardModel  *curb_board_model_new               (void) G_GNUC_WARN_UNUSED_RESULT;
void             curb_board_model_set_thresholds    (CurbBoardModel  *self,
                                                     gint64           amber_ms,
                                                     gint64           red_ms);
void             curb_board_model_set_cold_limit    (CurbBoardModel  *self,
                                                     gint64           cold_limit_ms);
void             curb_board_model_set_no_show_grace (CurbBoardModel  *self,
                                                     gint64           grace_ms);
void             curb_board_model_set_eta_warning   (CurbBoardModel  *self,
                                                     gint64           before_eta_ms);
CurbOrder       *curb_board_model_upsert            (CurbBoardModel  *self,
                                                     CurbOrder       *snapshot);
void             curb_board_model_replace_all       (CurbBoardModel  *self,
                                                     GPtrArray       *orders);
gboolean         curb_board_model_remove            (CurbBoardModel  *self,
                                                     const char      *ref);
CurbOrder       *curb_board_model_lookup            (CurbBoardModel  *self,
                                                     const char      *ref);
GPtrArray       *curb_board_model_dup_column        (CurbBoardModel  *self,
                                                     CurbBoardColumn  column) G_GNUC_WARN_UNUSED_RESULT;
gint64           curb_board_model_get_last_seq      (CurbBoardModel  *self);
guint            curb_board_model_prune_done        (CurbBoardModel  *self,
                                                     gint64           day_start_ms);

CurbBoardColumn  curb_board_column_for_order        (CurbOrder       *order);
/* Where the shopper's car is, for a card: "Bay 3", "Bay: choosing…" (checked
 * in on the scan, the bay not given yet), "Bay not given" (the shopper left
 * the kiosk without choosing); %NULL before the arrival. */
char            *curb_board_dup_bay_label           (const char      *bay,
                                                     gboolean         skipped,
                                                     CurbOrderState   state);
/* The same inside a sentence ("…, bay 3, …"): "3", "being chosen",
 * "not given". */
const char      *curb_board_bay_in_sentence         (CurbOrder       *order);
int              curb_board_column_compare          (CurbBoardColumn  column,
                                                     CurbOrder       *a,
                                                     CurbOrder       *b);
gint64           curb_board_model_wait_ms           (CurbBoardModel  *self,
                                                     CurbOrder       *order,
                                                     gint64           now_ms);
CurbServiceLevel curb_board_model_service_level     (CurbBoardModel  *self,
                                                     CurbOrder       *order,
                                                     gint64           now_ms);
gint64           curb_board_model_past_window_ms    (CurbBoardModel  *self,
                                                     CurbOrder       *order,
                                                     gint64           now_ms);
gboolean         curb_board_model_is_no_show_due    (CurbBoardModel  *self,
                                                     CurbOrder       *order,
                                                     gint64           now_ms);
gboolean         curb_board_model_is_late_for_eta   (CurbBoardModel  *self,
                                                     CurbOrder       *order,
                                                     gint64           now_ms);
gboolean         curb_board_model_is_cold_too_long  (CurbBoardModel  *self,
                                                     CurbOrder       *order,
                                                     gint64           now_ms);

char            *curb_format_wait                   (gint64           wait_ms) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
