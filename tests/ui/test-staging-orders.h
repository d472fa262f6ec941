#pragma once

#include <gtk/gtk.h>

#include "curb-order-model.h"

G_BEGIN_DECLS

/* Orders as the hub API returns them (docs/data-model.md), for tests and
 * benchmarks: @i picks a name, lines and flags; times are relative to @now. */
typedef struct
{
  const char *ref;
  const char *state;
  const char *first_name;
  const char *last_initial;
  const char *bay;
  gint64      arrived_ago_ms;      /* < 0: not arrived */
  gint64      claimed_ago_ms;      /* < 0: not claimed */
  gint64      handed_ago_ms;       /* < 0: not handed over */
  gboolean    staged;
  gint64      staged_ago_ms;
  int         bags[3];
  gboolean    age_restricted;
  gboolean    substitution_pending;
  gboolean    alternate;
  gint64      window_end_in_ms;
  const char *claimed_by;
  gint64      seq;
} CurbTestOrder;

char           *curb_test_order_json (const CurbTestOrder *spec,
                                      gint64               now) G_GNUC_WARN_UNUSED_RESULT;
CurbOrder      *curb_test_order_new  (const CurbTestOrder *spec,
                                      gint64               now) G_GNUC_WARN_UNUSED_RESULT;
CurbOrder      *curb_test_order_nth  (guint                i,
                                      const char          *state,
                                      gint64               now) G_GNUC_WARN_UNUSED_RESULT;

/* Fails the test unless every column of the board shows its first order
 * first, its card whole at the top (the board opens at the top). */
void            curb_test_assert_board_at_top (GtkWidget *board_page);

G_END_DECLS
