#pragma once

#include <gio/gio.h>

#include "curb-board-order.h"

G_BEGIN_DECLS

typedef enum
{
  CURB_BOARD_COLUMN_ARRIVED,
  CURB_BOARD_COLUMN_CLAIMED,
  CURB_BOARD_COLUMN_ON_THE_WAY,
  CURB_BOARD_COLUMN_STAGED,
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
void             curb_board_model_upsert            (CurbBoardModel  *self,
                                                     CurbBoardOrder  *order);
void             curb_board_model_replace_all       (CurbBoardModel  *self,
                                                     GPtrArray       *orders);
gboolean         curb_board_model_remove            (CurbBoardModel  *self,
                                                     const char      *ref);
CurbBoardOrder  *curb_board_model_lookup            (CurbBoardModel  *self,
                                                     const char      *ref);
GListModel      *curb_board_model_get_column        (CurbBoardModel  *self,
                                                     CurbBoardColumn  column);
guint            curb_board_model_get_n_orders      (CurbBoardModel  *self);
GPtrArray       *curb_board_model_dup_orders        (CurbBoardModel  *self) G_GNUC_WARN_UNUSED_RESULT;
gint64           curb_board_model_get_last_seq      (CurbBoardModel  *self);
guint            curb_board_model_prune_done        (CurbBoardModel  *self,
                                                     gint64           day_start_ms);

CurbBoardColumn  curb_board_column_for_order        (CurbBoardOrder  *order);
gint64           curb_board_model_wait_ms           (CurbBoardModel  *self,
                                                     CurbBoardOrder  *order,
                                                     gint64           now_ms);
CurbServiceLevel curb_board_model_service_level     (CurbBoardModel  *self,
                                                     CurbBoardOrder  *order,
                                                     gint64           now_ms);
gboolean         curb_board_model_is_no_show_due    (CurbBoardModel  *self,
                                                     CurbBoardOrder  *order,
                                                     gint64           now_ms);
gboolean         curb_board_model_is_late_for_eta   (CurbBoardModel  *self,
                                                     CurbBoardOrder  *order,
                                                     gint64           now_ms);
gboolean         curb_board_model_is_cold_too_long  (CurbBoardModel  *self,
                                                     CurbBoardOrder  *order,
                                                     gint64           now_ms);

char            *curb_format_wait                   (gint64           wait_ms) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
