#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

typedef enum
{
  CURB_BAG_SCAN_OK,           /* a new bag of this order */
  CURB_BAG_SCAN_DUPLICATE,    /* this bag was already scanned */
  CURB_BAG_SCAN_WRONG_ORDER,  /* a bag label of another order: stop */
  CURB_BAG_SCAN_UNKNOWN,      /* not a bag label, or a bag number that does not exist */
} CurbBagScanResult;

typedef struct
{
  char *order_ref;
  int   number;               /* 1-based */
  int   total;
} CurbBagLabel;

#define CURB_TYPE_BAG_CHECK (curb_bag_check_get_type ())
G_DECLARE_FINAL_TYPE (CurbBagCheck, curb_bag_check, CURB, BAG_CHECK, GObject)

CurbBagCheck      *curb_bag_check_new          (const char   *order_ref,
                                                int           total_bags) G_GNUC_WARN_UNUSED_RESULT;
CurbBagScanResult  curb_bag_check_scan         (CurbBagCheck *self,
                                                const char   *payload,
                                                char        **out_other_ref);
int                curb_bag_check_get_scanned  (CurbBagCheck *self);
int                curb_bag_check_get_total    (CurbBagCheck *self);
gboolean           curb_bag_check_is_complete  (CurbBagCheck *self);
gboolean           curb_bag_check_has_bag      (CurbBagCheck *self,
                                                int           number);

gboolean           curb_bag_label_parse        (const char   *payload,
                                                CurbBagLabel *out);
char              *curb_bag_label_format       (const char   *order_ref,
                                                int           number,
                                                int           total) G_GNUC_WARN_UNUSED_RESULT;
void               curb_bag_label_clear        (CurbBagLabel *label);

G_END_DECLS
