#pragma once

#include "curb-order-model.h"

G_BEGIN_DECLS

typedef enum
{
  CURB_BAG_SCAN_OK,           /* a new bag of this order */
  CURB_BAG_SCAN_DUPLICATE,    /* this bag was already scanned */
  CURB_BAG_SCAN_WRONG_ORDER,  /* a bag label of another order: stop */
  CURB_BAG_SCAN_UNKNOWN,      /* not a bag label, or a bag number that does not exist */
} CurbBagScanResult;

/**
 * CurbBagCheck:
 *
 * Proves the right bags go out at a handoff: every bag label of the order
 * (curb_rules_check_bag_label()) is scanned once; anything else is refused.
 * No GTK.
 */
#define CURB_TYPE_BAG_CHECK (curb_bag_check_get_type ())
G_DECLARE_FINAL_TYPE (CurbBagCheck, curb_bag_check, CURB, BAG_CHECK, GObject)

CurbBagCheck      *curb_bag_check_new          (CurbOrder    *order) G_GNUC_WARN_UNUSED_RESULT;
CurbBagScanResult  curb_bag_check_scan         (CurbBagCheck *self,
                                                const char   *payload,
                                                char        **out_other_ref);
guint              curb_bag_check_get_scanned  (CurbBagCheck *self);
guint              curb_bag_check_get_total    (CurbBagCheck *self);
gboolean           curb_bag_check_is_complete  (CurbBagCheck *self);
gboolean           curb_bag_check_has_bag      (CurbBagCheck *self,
                                                guint         number);

G_END_DECLS
