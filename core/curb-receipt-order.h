#pragma once

#include <json-glib/json-glib.h>

#include "curb-escpos-bitmap.h"
#include "curb-order.h"

G_BEGIN_DECLS

typedef struct
{
  char  *id;
  char  *name;
  guint  qty;
} CurbPrintLine;

typedef struct
{
  char  *line_id;
  guint  qty;
  char  *reason;
} CurbPrintNotTaken;

typedef struct
{
  char  *line_id;
  char  *original;
  char  *replacement;
  guint  qty;
  char  *status;   /* pending | approved | declined */
} CurbPrintSubstitution;

/**
 * CurbPrintOrder:
 *
 * What printed matter needs from an order (the hub API's order JSON, see
 * docs/data-model.md). Nothing else personal: first name and last initial.
 */
typedef struct
{
  char      *ref;
  char      *first_name;
  char      *last_initial;
  char      *language;
  char      *bay;
  char      *staff_first_name;
  char      *alternate_pickup;  /* "Alex K." when someone else collects, else NULL */
  char      *location;          /* "C-2-14", several joined with ", " */
  gint64     arrived_ms;
  gint64     handed_over_ms;
  guint      bags[CURB_TEMPERATURE_COUNT];
  GPtrArray *lines;             /* CurbPrintLine */
  GPtrArray *not_taken;         /* CurbPrintNotTaken */
  GPtrArray *substitutions;     /* CurbPrintSubstitution */
} CurbPrintOrder;

/**
 * CurbPrintContext:
 * @store_name: printed at the top
 * @receipt_url: the digital receipt / returns page; the order reference is appended
 * @station: the station's name for people ("kiosk 2")
 * @logo: (nullable): a 1-bit logo printed above the store name
 * @now_ms: the time to print when the order has none; 0 for the clock
 */
typedef struct
{
  const char       *store_name;
  const char       *receipt_url;
  const char       *station;
  const CurbBitmap *logo;
  gint64            now_ms;
} CurbPrintContext;

CurbPrintOrder *curb_print_order_new_from_json   (JsonNode   *node,
                                                  GError    **error) G_GNUC_WARN_UNUSED_RESULT;
CurbPrintOrder *curb_print_order_new_from_string (const char *json,
                                                  GError    **error) G_GNUC_WARN_UNUSED_RESULT;
void            curb_print_order_free            (CurbPrintOrder *order);
guint           curb_print_order_bag_total       (const CurbPrintOrder *order);
guint           curb_print_order_not_taken_qty   (const CurbPrintOrder *order,
                                                  const char           *line_id);
const CurbPrintSubstitution *curb_print_order_find_substitution (const CurbPrintOrder *order,
                                                                 const char           *line_id);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CurbPrintOrder, curb_print_order_free)

G_END_DECLS
