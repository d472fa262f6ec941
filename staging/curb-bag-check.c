#include "curb-bag-check.h"

#include <stdlib.h>
#include <string.h>

struct _CurbBagCheck
{
  GObject  parent_instance;

  char    *order_ref;
  int      total;
  GArray  *seen;              /* gboolean per bag number */
  int      scanned;
};

G_DEFINE_FINAL_TYPE (CurbBagCheck, curb_bag_check, G_TYPE_OBJECT)

/* docs/design-printing.md: the bag label QR carries "CB1:<ref>:<n>/<N>". */
#define BAG_LABEL_PREFIX "CB1:"

static gboolean
parse_count (const char *text,
             int        *out)
{
  char *end = NULL;
  long value;

  if (text == NULL || !g_ascii_isdigit (*text) || strlen (text) > 2)
    return FALSE;
  value = strtol (text, &end, 10);
  if (end == NULL || *end != '\0' || value < 1 || value > 99)
    return FALSE;
  *out = (int) value;
  return TRUE;
}

static gboolean
ref_is_valid (const char *ref)
{
  gsize len = strlen (ref);

  if (len == 0 || len > 32)
    return FALSE;
  for (const char *p = ref; *p; p++)
    if (!g_ascii_isupper (*p) && !g_ascii_isdigit (*p) && *p != '-')
      return FALSE;
  return TRUE;
}

/**
 * curb_bag_label_parse:
 * @payload: a scanned code, "CB1:<ref>:<n>/<total>"
 * @out: (out caller-allocates): the label, cleared with curb_bag_label_clear()
 *
 * Returns: whether @payload is a well-formed bag label
 */
gboolean
curb_bag_label_parse (const char   *payload,
                      CurbBagLabel *out)
{
  g_auto(GStrv) fields = NULL;
  g_auto(GStrv) counts = NULL;
  int number, total;

  g_return_val_if_fail (out != NULL, FALSE);
  if (payload == NULL || !g_str_has_prefix (payload, BAG_LABEL_PREFIX))
    return FALSE;
  fields = g_strsplit (payload + strlen (BAG_LABEL_PREFIX), ":", 3);
  if (g_strv_length (fields) != 2 || !ref_is_valid (fields[0]))
    return FALSE;
  counts = g_strsplit (fields[1], "/", 3);
  if (g_strv_length (counts) != 2 || !parse_count (counts[0], &number)
      || !parse_count (counts[1], &total) || number > total)
    return FALSE;
  out->order_ref = g_strdup (fields[0]);
  out->number = number;
  out->total = total;
  return TRUE;
}

char *
curb_bag_label_format (const char *order_ref,
                       int         number,
                       int         total)
{
  g_return_val_if_fail (order_ref != NULL, NULL);
  return g_strdup_printf (BAG_LABEL_PREFIX "%s:%d/%d", order_ref, number, total);
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
