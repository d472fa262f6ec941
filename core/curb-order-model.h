#pragma once

#include <gio/gio.h>

#include "curb-bag.h"
#include "curb-not-taken.h"
#include "curb-order-enums.h"
#include "curb-order-line.h"
#include "curb-person.h"
#include "curb-restage-line.h"
#include "curb-staging-location.h"
#include "curb-substitution.h"

G_BEGIN_DECLS

/**
 * CurbOrder:
 *
 * One pickup order, as every part of Curbside sees it (docs/data-model.md):
 * central's content (reference, shopper's first name and initial, window,
 * lines, substitutions and their decisions, alternate pickup, age
 * restriction) and the store's facts (state, bay, claimer, staging
 * locations, bags, what was not taken). Properties notify only when their
 * value changes; lines, substitutions, locations, bags and not-taken are
 * #GListModels of small immutable objects, and their property notifies when
 * the items change (so a binding over a list redraws). JSON is read and written by
 * curb-order-codec.h only; the pickup rules are in curb-rules.h.
 */
#define CURB_TYPE_ORDER (curb_order_get_type ())
G_DECLARE_FINAL_TYPE (CurbOrder, curb_order, CURB, ORDER, GObject)

CurbOrder      *curb_order_new                (const char *ref) G_GNUC_WARN_UNUSED_RESULT;

/* --- central's content --- */
const char     *curb_order_get_ref            (CurbOrder   *self);
void            curb_order_set_ref            (CurbOrder   *self,
                                               const char  *ref);
const char     *curb_order_get_store_id       (CurbOrder   *self);
void            curb_order_set_store_id       (CurbOrder   *self,
                                               const char  *store_id);
gint64          curb_order_get_version        (CurbOrder   *self);
void            curb_order_set_version        (CurbOrder   *self,
                                               gint64       version);
const char     *curb_order_get_first_name     (CurbOrder   *self);
void            curb_order_set_first_name     (CurbOrder   *self,
                                               const char  *first_name);
const char     *curb_order_get_last_initial   (CurbOrder   *self);
void            curb_order_set_last_initial   (CurbOrder   *self,
                                               const char  *last_initial);
/* "Sam R."; %NULL without a first name (e.g. after the personal data was purged). */
char           *curb_order_dup_display_name   (CurbOrder   *self) G_GNUC_WARN_UNUSED_RESULT;
const char     *curb_order_get_language       (CurbOrder   *self);
void            curb_order_set_language       (CurbOrder   *self,
                                               const char  *language);
/* Milliseconds since the epoch; 0 when unknown. */
gint64          curb_order_get_window_start   (CurbOrder   *self);
void            curb_order_set_window_start   (CurbOrder   *self,
                                               gint64       ms);
gint64          curb_order_get_window_end     (CurbOrder   *self);
void            curb_order_set_window_end     (CurbOrder   *self,
                                               gint64       ms);
/* Central's flag for the whole order; see also curb_rules_needs_id_check(). */
gboolean        curb_order_get_age_restricted (CurbOrder   *self);
void            curb_order_set_age_restricted (CurbOrder   *self,
                                               gboolean     age_restricted);
gboolean        curb_order_get_cancelled      (CurbOrder   *self);
void            curb_order_set_cancelled      (CurbOrder   *self,
                                               gboolean     cancelled);
CurbPerson     *curb_order_get_alternate_pickup (CurbOrder  *self);
void            curb_order_set_alternate_pickup (CurbOrder  *self,
                                                 CurbPerson *person);
/* (element-type CurbOrderLine) */
GListModel     *curb_order_get_lines          (CurbOrder   *self);
/* (element-type CurbSubstitution) */
GListModel     *curb_order_get_substitutions  (CurbOrder   *self);
/* The shopper said "I'm on my way" (ms since the epoch; 0: not announced). */
gint64          curb_order_get_announced_at   (CurbOrder   *self);
gint64          curb_order_get_eta            (CurbOrder   *self);
void            curb_order_set_on_the_way     (CurbOrder   *self,
                                               gint64       announced_at,
                                               gint64       eta);

/* --- the store's facts --- */
CurbOrderState  curb_order_get_state          (CurbOrder   *self);
void            curb_order_set_state          (CurbOrder   *self,
                                               CurbOrderState state);
gboolean        curb_order_get_staged         (CurbOrder   *self);
void            curb_order_set_staged         (CurbOrder   *self,
                                               gboolean     staged);
const char     *curb_order_get_bay            (CurbOrder   *self);
void            curb_order_set_bay            (CurbOrder   *self,
                                               const char  *bay);
/* The shopper left the kiosk without saying which bay (arrived, bay %NULL);
 * %FALSE with no bay while arrived: the bay is still being chosen. */
gboolean        curb_order_get_bay_skipped    (CurbOrder   *self);
void            curb_order_set_bay_skipped    (CurbOrder   *self,
                                               gboolean     skipped);
gint64          curb_order_get_staged_at      (CurbOrder   *self);
void            curb_order_set_staged_at      (CurbOrder   *self,
                                               gint64       ms);
gint64          curb_order_get_arrived_at     (CurbOrder   *self);
void            curb_order_set_arrived_at     (CurbOrder   *self,
                                               gint64       ms);
gint64          curb_order_get_claimed_at     (CurbOrder   *self);
void            curb_order_set_claimed_at     (CurbOrder   *self,
                                               gint64       ms);
gint64          curb_order_get_handed_over_at (CurbOrder   *self);
void            curb_order_set_handed_over_at (CurbOrder   *self,
                                               gint64       ms);
/* The staff member who claimed the order (id and first name), or %NULL. */
CurbPerson     *curb_order_get_claimer        (CurbOrder   *self);
void            curb_order_set_claimer        (CurbOrder   *self,
                                               CurbPerson  *claimer);
gint64          curb_order_get_last_seq       (CurbOrder   *self);
void            curb_order_set_last_seq       (CurbOrder   *self,
                                               gint64       last_seq);
/* (element-type CurbStagingLocation) */
GListModel     *curb_order_get_locations      (CurbOrder   *self);
/* (element-type CurbBag): one object per bag, numbered from 1 */
GListModel     *curb_order_get_bags           (CurbOrder   *self);
guint           curb_order_get_bag_count      (CurbOrder   *self);
guint           curb_order_count_bags         (CurbOrder       *self,
                                               CurbTemperature  temperature);
void            curb_order_set_bag_counts     (CurbOrder   *self,
                                               const guint  counts[CURB_TEMPERATURE_COUNT]);
/* (element-type CurbNotTaken) */
GListModel     *curb_order_get_not_taken      (CurbOrder   *self);
/* (element-type CurbRestageLine): lines central changed after staging;
 * empty when the staging fits */
GListModel     *curb_order_get_restage        (CurbOrder   *self);
void            curb_order_set_restage        (CurbOrder   *self,
                                               GPtrArray   *restage);

/* Replace a list's items (only when they differ: no items-changed otherwise). */
void            curb_order_set_lines          (CurbOrder   *self,
                                               GPtrArray   *lines);
void            curb_order_set_substitutions  (CurbOrder   *self,
                                               GPtrArray   *substitutions);
void            curb_order_set_locations      (CurbOrder   *self,
                                               GPtrArray   *locations);
void            curb_order_set_not_taken      (CurbOrder   *self,
                                               GPtrArray   *not_taken);

/* --- questions about the order --- */
CurbOrderLine    *curb_order_find_line                  (CurbOrder  *self,
                                                         const char *line_id);
CurbSubstitution *curb_order_find_substitution          (CurbOrder  *self,
                                                         const char *substitution_id);
CurbSubstitution *curb_order_find_substitution_for_line (CurbOrder  *self,
                                                         const char *line_id);
/* How much of @line_id was not taken (0 when all of it left with the shopper). */
guint             curb_order_get_not_taken_qty          (CurbOrder  *self,
                                                         const char *line_id);
/* "C-2-14, D-1-3"; %NULL when the order is not staged anywhere. */
char             *curb_order_dup_locations_text         (CurbOrder  *self) G_GNUC_WARN_UNUSED_RESULT;

/**
 * curb_order_decide_substitution:
 *
 * Records the shopper's decision; %FALSE when the order has no such
 * substitution. (The hub's copy changes through a substitution_decided
 * event; this keeps a screen's copy in step.)
 */
gboolean        curb_order_decide_substitution (CurbOrder              *self,
                                                const char             *substitution_id,
                                                CurbSubstitutionStatus  status);

/**
 * curb_order_update:
 * @newer: a later snapshot of the same order
 *
 * Takes every fact of @newer; properties notify and lists emit
 * items-changed only where something changed, so bound screens redraw
 * only what is new.
 */
void            curb_order_update             (CurbOrder   *self,
                                               CurbOrder   *newer);
/* Every fact equal. */
gboolean        curb_order_equal              (CurbOrder   *a,
                                               CurbOrder   *b);

G_END_DECLS
