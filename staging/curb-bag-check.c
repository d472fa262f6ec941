#include "curb-bag-check.h"

#include "curb-label.h"
#include "curb-rules.h"

struct _CurbBagCheck
{
  GObject     parent_instance;

  CurbOrder  *order;
  GHashTable *seen;            /* bag numbers scanned */
};

G_DEFINE_FINAL_TYPE (CurbBagCheck, curb_bag_check, G_TYPE_OBJECT)

static void
curb_bag_check_finalize (GObject *object)
{
  CurbBagCheck *self = CURB_BAG_CHECK (object);

  g_object_unref (self->order);
  g_hash_table_unref (self->seen);

  G_OBJECT_CLASS (curb_bag_check_parent_class)->finalize (object);
}

static void
curb_bag_check_class_init (CurbBagCheckClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = curb_bag_check_finalize;
}

static void
curb_bag_check_init (CurbBagCheck *self)
{
  self->seen = g_hash_table_new (g_direct_hash, g_direct_equal);
}

/**
 * curb_bag_check_new:
 * @order: the order being handed over (its bags as staged)
 */
CurbBagCheck *
curb_bag_check_new (CurbOrder *order)
{
  CurbBagCheck *self;

  g_return_val_if_fail (CURB_IS_ORDER (order), NULL);
  self = g_object_new (CURB_TYPE_BAG_CHECK, NULL);
  self->order = g_object_ref (order);
  return self;
}

static char *
dup_label_ref (const char *payload)
{
  char *ref = NULL;
  guint number, total;

  return curb_label_parse_bag_code (payload, &ref, &number, &total) ? ref : NULL;
}

/**
 * curb_bag_check_scan:
 * @out_other_ref: (out) (optional): for %CURB_BAG_SCAN_WRONG_ORDER, the
 *   order the bag belongs to
 */
CurbBagScanResult
curb_bag_check_scan (CurbBagCheck  *self,
                     const char    *payload,
                     char         **out_other_ref)
{
  guint number = 0;

  g_return_val_if_fail (CURB_IS_BAG_CHECK (self), CURB_BAG_SCAN_UNKNOWN);
  if (payload == NULL)
    return CURB_BAG_SCAN_UNKNOWN;
  switch (curb_rules_check_bag_label (self->order, payload, &number))
    {
    case CURB_BAG_OF_OTHER_ORDER:
      if (out_other_ref != NULL)
        *out_other_ref = dup_label_ref (payload);
      return CURB_BAG_SCAN_WRONG_ORDER;
    case CURB_BAG_OF_ORDER:
      if (number > curb_order_get_bag_count (self->order))
        return CURB_BAG_SCAN_UNKNOWN;
      if (!g_hash_table_add (self->seen, GUINT_TO_POINTER (number)))
        return CURB_BAG_SCAN_DUPLICATE;
      return CURB_BAG_SCAN_OK;
    case CURB_BAG_NOT_A_BAG:
    default:
      return CURB_BAG_SCAN_UNKNOWN;
    }
}

guint
curb_bag_check_get_scanned (CurbBagCheck *self)
{
  g_return_val_if_fail (CURB_IS_BAG_CHECK (self), 0);
  return g_hash_table_size (self->seen);
}

guint
curb_bag_check_get_total (CurbBagCheck *self)
{
  g_return_val_if_fail (CURB_IS_BAG_CHECK (self), 0);
  return curb_order_get_bag_count (self->order);
}

/* Every bag of the order scanned (an order with no bags needs none). */
gboolean
curb_bag_check_is_complete (CurbBagCheck *self)
{
  g_return_val_if_fail (CURB_IS_BAG_CHECK (self), FALSE);
  for (guint n = 1; n <= curb_order_get_bag_count (self->order); n++)
    if (!g_hash_table_contains (self->seen, GUINT_TO_POINTER (n)))
      return FALSE;
  return TRUE;
}

gboolean
curb_bag_check_has_bag (CurbBagCheck *self,
                        guint         number)
{
  g_return_val_if_fail (CURB_IS_BAG_CHECK (self), FALSE);
  return g_hash_table_contains (self->seen, GUINT_TO_POINTER (number));
}
