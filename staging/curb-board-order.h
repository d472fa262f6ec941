#pragma once

#include <glib-object.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

typedef enum
{
  CURB_BOARD_STATE_PENDING,
  CURB_BOARD_STATE_READY,
  CURB_BOARD_STATE_ARRIVED,
  CURB_BOARD_STATE_CLAIMED,
  CURB_BOARD_STATE_HANDED_OVER,
  CURB_BOARD_STATE_PARTIALLY_HANDED_OVER,
  CURB_BOARD_STATE_NO_SHOW,
  CURB_BOARD_STATE_CANCELLED,
} CurbBoardState;

typedef enum
{
  CURB_BOARD_TEMP_AMBIENT,
  CURB_BOARD_TEMP_CHILLED,
  CURB_BOARD_TEMP_FROZEN,
  CURB_BOARD_N_TEMPS,
} CurbBoardTemp;

typedef struct
{
  char          *id;
  char          *sku;
  char          *name;
  int            qty;
  CurbBoardTemp  temperature;
  gboolean       age_restricted;
} CurbBoardLine;

typedef struct
{
  char *zone;
  char *shelf;
  char *bin;
} CurbBoardLocation;

#define CURB_TYPE_BOARD_ORDER (curb_board_order_get_type ())
G_DECLARE_FINAL_TYPE (CurbBoardOrder, curb_board_order, CURB, BOARD_ORDER, GObject)

CurbBoardOrder *curb_board_order_new_from_json   (JsonObject     *object,
                                                  GError        **error) G_GNUC_WARN_UNUSED_RESULT;
CurbBoardOrder *curb_board_order_new_from_string (const char     *json,
                                                  GError        **error) G_GNUC_WARN_UNUSED_RESULT;

const char     *curb_board_order_get_ref               (CurbBoardOrder *self);
const char     *curb_board_order_get_first_name        (CurbBoardOrder *self);
const char     *curb_board_order_get_last_initial      (CurbBoardOrder *self);
char           *curb_board_order_dup_display_name      (CurbBoardOrder *self) G_GNUC_WARN_UNUSED_RESULT;
char           *curb_board_order_dup_alternate_name    (CurbBoardOrder *self) G_GNUC_WARN_UNUSED_RESULT;
CurbBoardState  curb_board_order_get_state             (CurbBoardOrder *self);
gboolean        curb_board_order_get_staged            (CurbBoardOrder *self);
gboolean        curb_board_order_get_cancelled         (CurbBoardOrder *self);
gboolean        curb_board_order_get_age_restricted    (CurbBoardOrder *self);
const char     *curb_board_order_get_bay               (CurbBoardOrder *self);
gint64          curb_board_order_get_arrived_at        (CurbBoardOrder *self);
gint64          curb_board_order_get_claimed_at        (CurbBoardOrder *self);
gint64          curb_board_order_get_handed_over_at    (CurbBoardOrder *self);
gint64          curb_board_order_get_staged_at         (CurbBoardOrder *self);
gint64          curb_board_order_get_window_start      (CurbBoardOrder *self);
gint64          curb_board_order_get_window_end        (CurbBoardOrder *self);
const char     *curb_board_order_get_claimed_by_id     (CurbBoardOrder *self);
const char     *curb_board_order_get_claimed_by_name   (CurbBoardOrder *self);
int             curb_board_order_get_bags              (CurbBoardOrder *self,
                                                        CurbBoardTemp   temperature);
int             curb_board_order_get_total_bags        (CurbBoardOrder *self);
guint           curb_board_order_get_n_lines           (CurbBoardOrder *self);
const CurbBoardLine *curb_board_order_get_line         (CurbBoardOrder *self,
                                                        guint           index);
guint           curb_board_order_get_n_locations       (CurbBoardOrder *self);
const CurbBoardLocation *curb_board_order_get_location (CurbBoardOrder *self,
                                                        guint           index);
char           *curb_board_order_dup_locations_text    (CurbBoardOrder *self) G_GNUC_WARN_UNUSED_RESULT;
guint           curb_board_order_get_pending_substitutions (CurbBoardOrder *self);
guint           curb_board_order_get_n_not_taken       (CurbBoardOrder *self);
gint64          curb_board_order_get_last_seq          (CurbBoardOrder *self);
gboolean        curb_board_order_is_done               (CurbBoardOrder *self);
JsonObject     *curb_board_order_get_json              (CurbBoardOrder *self);

const char     *curb_board_temp_to_string              (CurbBoardTemp   temperature);
gboolean        curb_board_temp_from_string            (const char     *text,
                                                        CurbBoardTemp  *out);
const char     *curb_board_state_to_string             (CurbBoardState  state);
char           *curb_board_location_format             (const CurbBoardLocation *location) G_GNUC_WARN_UNUSED_RESULT;
gboolean        curb_board_location_parse              (const char     *text,
                                                        CurbBoardLocation *out);
void            curb_board_location_clear              (CurbBoardLocation *location);

gint64           curb_board_order_get_eta              (CurbBoardOrder *self);
const char      *curb_board_order_get_restage          (CurbBoardOrder *self);

G_END_DECLS
