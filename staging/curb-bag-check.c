#include "curb-bag-check.h"

#include "curb-label.h"

struct _CurbBagCheck
{
  GObject  parent_instance;

  char    *order_ref;
  int      total;
  GArray  *seen;              /* gboolean per bag number */
  int      scanned;
};

G_DEFINE_FINAL_TYPE (CurbBagCheck, curb_bag_check, G_TYPE_OBJECT)

/**
 * curb_bag_label_parse:
 * @payload: a scanned code, "CB1:<ref>:<n>/<total>" (docs/design-printing.md)
 * @out: (out caller-allocates): the label, cleared with curb_bag_label_clear()
 *
 * Returns: whether @payload is a well-formed bag label
 */
gboolean
curb_bag_label_parse (const char   *payload,
                      CurbBagLabel *out)
{
  guint number, total;

  g_return_val_if_fail (out != NULL, FALSE);
  if (payload == NULL || !curb_label_parse_bag_code (payload, &out->order_ref, &number, &total))
    return FALSE;
  out->number = (int) number;
  out->total = (int) total;
  return TRUE;
}

char *
curb_bag_label_format (const char *order_ref,
                       int         number,
                       int         total)
{
  g_return_val_if_fail (order_ref != NULL, NULL);
  return curb_label_bag_code (order_ref, (guint) number, (guint) total);
}

void
curb_bag_label_clear (CurbBagLabel *label)
{
  g_clear_pointer (&label->order_ref, g_free);
}

static void
curb_bag_check_finalize (GObject *object)
{
  CurbBagCheck *self = CURB_BAG_CHECK (object);

  g_free (self->order_ref);
  g_array_unref (self->seen);

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
  self->seen = g_array_new (FALSE, TRUE, sizeof (gboolean));
}

/**
 * curb_bag_check_new:
 * @order_ref: the order being handed over
 * @total_bags: how many bags were staged for it
 *
 * Proves the right bags go out: every bag label of @order_ref is scanned
 * once; anything else is refused.
 */
CurbBagCheck *
curb_bag_check_new (const char *order_ref,
                    int         total_bags)
{
  CurbBagCheck *self;

  g_return_val_if_fail (order_ref != NULL, NULL);
  self = g_object_new (CURB_TYPE_BAG_CHECK, NULL);
  self->order_ref = g_strdup (order_ref);
  self->total = MAX (total_bags, 0);
  g_array_set_size (self->seen, self->total + 1);
  return self;
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
  CurbBagLabel label = { 0 };
  CurbBagScanResult result;

  g_return_val_if_fail (CURB_IS_BAG_CHECK (self), CURB_BAG_SCAN_UNKNOWN);

  if (!curb_bag_label_parse (payload, &label))
    return CURB_BAG_SCAN_UNKNOWN;
  if (!g_str_equal (label.order_ref, self->order_ref))
    {
      if (out_other_ref != NULL)
        *out_other_ref = g_strdup (label.order_ref);
      result = CURB_BAG_SCAN_WRONG_ORDER;
    }
  else if (label.number > self->total || label.total != self->total)
    result = CURB_BAG_SCAN_UNKNOWN;
  else if (g_array_index (self->seen, gboolean, label.number))
    result = CURB_BAG_SCAN_DUPLICATE;
  else
    {
      g_array_index (self->seen, gboolean, label.number) = TRUE;
      self->scanned++;
      result = CURB_BAG_SCAN_OK;
    }
  curb_bag_label_clear (&label);
  return result;
}

int
curb_bag_check_get_scanned (CurbBagCheck *self)
{
  g_return_val_if_fail (CURB_IS_BAG_CHECK (self), 0);
  return self->scanned;
}

int
curb_bag_check_get_total (CurbBagCheck *self)
{
  g_return_val_if_fail (CURB_IS_BAG_CHECK (self), 0);
  return self->total;
}

gboolean
curb_bag_check_is_complete (CurbBagCheck *self)
{
  g_return_val_if_fail (CURB_IS_BAG_CHECK (self), FALSE);
  return self->scanned == self->total;
}

gboolean
curb_bag_check_has_bag (CurbBagCheck *self,
                        int           number)
{
  g_return_val_if_fail (CURB_IS_BAG_CHECK (self), FALSE);
  if (number < 1 || number > self->total)
    return FALSE;
  return g_array_index (self->seen, gboolean, number);
}
