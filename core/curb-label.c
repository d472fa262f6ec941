#include <glib/gi18n-lib.h>
#include <stdlib.h>
#include <string.h>

#include "curb-error.h"
#include "curb-label.h"
#include "curb-order.h"
#include "curb-receipt-layout.h"

#define MAX_BAGS 99

static const char *tr (const CurbPrintCatalog *catalog,
                       const char             *msgid) G_GNUC_FORMAT (2);

static const char *
tr (const CurbPrintCatalog *catalog,
    const char             *msgid)
{
  return curb_print_catalog_lookup (catalog, msgid);
}

/**
 * curb_label_bag_code:
 * @ref: the order reference
 * @n: the bag, from 1
 * @total: bags in the order
 *
 * Returns: the payload of bag @n's QR code, "CB1:A7K3Q9:2/3"
 */
char *
curb_label_bag_code (const char *ref,
                     guint       n,
                     guint       total)
{
  g_return_val_if_fail (ref != NULL, NULL);
  g_return_val_if_fail (n >= 1 && n <= total && total <= MAX_BAGS, NULL);

  return g_strdup_printf (CURB_LABEL_CODE_PREFIX "%s:%u/%u", ref, n, total);
}

static gboolean
parse_count (const char *text,
             const char *end,
             guint      *out)
{
  guint64 v = 0;

  if (end - text < 1 || end - text > 2)
    return FALSE;
  for (const char *p = text; p < end; p++)
    {
      if (!g_ascii_isdigit (*p))
        return FALSE;
      v = v * 10 + (guint) (*p - '0');
    }
  *out = (guint) v;
  return v >= 1;
}

/**
 * curb_label_parse_bag_code:
 * @code: a scanned payload
 * @out_ref: (out) (optional): the order reference
 * @out_n: (out) (optional): the bag number
 * @out_total: (out) (optional): the bags in the order
 *
 * Returns: %TRUE when @code is a valid bag code
 */
gboolean
curb_label_parse_bag_code (const char  *code,
                           char       **out_ref,
                           guint       *out_n,
                           guint       *out_total)
{
  g_autofree char *ref_copy = NULL;
  const char *ref, *colon, *slash;
  guint n = 0, total = 0;

  if (code == NULL || !g_str_has_prefix (code, CURB_LABEL_CODE_PREFIX))
    return FALSE;
  ref = code + strlen (CURB_LABEL_CODE_PREFIX);
  colon = strchr (ref, ':');
  if (colon == NULL || colon - ref > 32)
    return FALSE;
  ref_copy = g_strndup (ref, colon - ref);
  if (!curb_order_ref_is_valid (ref_copy))
    return FALSE;
  slash = strchr (colon, '/');
  if (slash == NULL || !parse_count (colon + 1, slash, &n)
      || !parse_count (slash + 1, slash + 1 + strlen (slash + 1), &total) || n > total)
    return FALSE;
  if (out_ref != NULL)
    *out_ref = g_steal_pointer (&ref_copy);
  if (out_n != NULL)
    *out_n = n;
  if (out_total != NULL)
    *out_total = total;
  return TRUE;
}

/* Bags are numbered ambient first, then chilled, then frozen. */
gboolean
curb_label_bag_temperature (CurbOrder       *order,
                            guint            n,
                            CurbTemperature *out_temperature)
{
  g_autoptr(CurbBag) bag = NULL;

  if (n == 0 || n > curb_order_get_bag_count (order))
    return FALSE;
  bag = g_list_model_get_item (curb_order_get_bags (order), n - 1);
  *out_temperature = curb_bag_get_temperature (bag);
  return TRUE;
}

static void
print_big (CurbEscpos *escpos,
           const char *text,
           gboolean    bold)
{
  curb_escpos_set_style (escpos, CURB_ESCPOS_STYLE_DOUBLE | (bold ? CURB_ESCPOS_STYLE_BOLD : 0));
  curb_layout_wrap (escpos, text, 0);
  curb_escpos_set_style (escpos, CURB_ESCPOS_STYLE_NONE);
}

static void
print_temperature (CurbEscpos             *escpos,
                   const CurbPrintCatalog *catalog,
                   CurbTemperature         temperature)
{
  g_autofree char *upper = g_utf8_strup (tr (catalog, curb_temperature_get_title (temperature)), -1);
  g_autofree char *fitted = curb_escpos_fit (escpos, upper);
  g_autofree char *boxed = NULL;

  curb_escpos_set_style (escpos, CURB_ESCPOS_STYLE_DOUBLE | CURB_ESCPOS_STYLE_BOLD | CURB_ESCPOS_STYLE_INVERT);
  if ((guint) g_utf8_strlen (fitted, -1) + 2 <= curb_escpos_get_columns (escpos))
    boxed = g_strdup_printf (" %s ", fitted);
  else
    boxed = g_strdup (fitted);
  curb_layout_wrap (escpos, boxed, 0);
  curb_escpos_set_style (escpos, CURB_ESCPOS_STYLE_NONE);
}

static void
print_alternate (CurbEscpos             *escpos,
                 const CurbPrintCatalog *catalog,
                 CurbOrder              *order)
{
  CurbPerson *alternate = curb_order_get_alternate_pickup (order);
  g_autofree char *name = alternate != NULL ? curb_person_dup_display_name (alternate) : NULL;
  g_autofree char *text = NULL;

  if (name == NULL)
    return;
  text = g_strdup_printf (tr (catalog, N_("Collected by %s")), name);
  curb_escpos_set_style (escpos, CURB_ESCPOS_STYLE_BOLD);
  curb_layout_wrap (escpos, text, 0);
  curb_escpos_set_style (escpos, CURB_ESCPOS_STYLE_NONE);
}

static void
print_location (CurbEscpos             *escpos,
                const CurbPrintCatalog *catalog,
                CurbOrder              *order)
{
  g_autofree char *location = curb_order_dup_locations_text (order);
  g_autofree char *text = NULL;

  if (location == NULL)
    return;
  text = g_strdup_printf (tr (catalog, N_("Staging: %s")), location);
  curb_escpos_set_style (escpos, CURB_ESCPOS_STYLE_DOUBLE_HEIGHT | CURB_ESCPOS_STYLE_BOLD);
  curb_layout_wrap (escpos, text, 0);
  curb_escpos_set_style (escpos, CURB_ESCPOS_STYLE_NONE);
}

static gboolean
check_bag (CurbOrder        *order,
           guint             n,
           CurbTemperature  *temperature,
           GError          **error)
{
  guint total = curb_order_get_bag_count (order);

  if (total > MAX_BAGS)
    {
      g_set_error (error, CURB_ERROR, CURB_ERROR_INVALID, "Order %s has %u bags; labels number at most %u",
                   curb_order_get_ref (order), total, MAX_BAGS);
      return FALSE;
    }
  if (!curb_label_bag_temperature (order, n, temperature))
    {
      g_set_error (error, CURB_ERROR, CURB_ERROR_INVALID,
                   "Order %s has no bag %u (it has %u)", curb_order_get_ref (order), n, total);
      return FALSE;
    }
  return TRUE;
}

/**
 * curb_label_encode_bag:
 * @profile: the label printer
 * @order: the staged order (bags and staging location)
 * @n: the bag, from 1
 * @lang: (nullable): language of the staff who read it
 * @error: return location for a #CURB_ERROR_INVALID error
 *
 * One bag label: order, first name and initial, bag n/N, the temperature
 * class in big letters, the staging location and a large QR code carrying
 * curb_label_bag_code(). Ends with a cut.
 */
GBytes *
curb_label_encode_bag (const CurbPrinterProfile  *profile,
                       CurbOrder                 *order,
                       guint                      n,
                       const char                *lang,
                       GError                   **error)
{
  const CurbPrintCatalog *catalog = curb_print_catalog_get (lang);
  g_autoptr(CurbEscpos) escpos = NULL;
  g_autofree char *person = curb_layout_person (order);
  g_autofree char *bag = NULL;
  g_autofree char *code = NULL;
  CurbTemperature temperature;
  guint total;

  g_return_val_if_fail (profile != NULL && CURB_IS_ORDER (order), NULL);

  total = curb_order_get_bag_count (order);

  if (!check_bag (order, n, &temperature, error))
    return NULL;
  escpos = curb_escpos_new (profile);
  curb_escpos_initialize (escpos);
  curb_escpos_set_align (escpos, CURB_ESCPOS_ALIGN_CENTER);
  print_big (escpos, curb_order_get_ref (order), TRUE);
  if (*person != '\0')
    print_big (escpos, person, FALSE);
  print_alternate (escpos, catalog, order);
  bag = g_strdup_printf (tr (catalog, N_("Bag %u of %u")), n, total);
  print_big (escpos, bag, TRUE);
  print_temperature (escpos, catalog, temperature);
  print_location (escpos, catalog, order);
  code = curb_label_bag_code (curb_order_get_ref (order), n, total);
  if (!curb_escpos_qr (escpos, code, profile->paper_mm >= 80 ? 10 : 7, CURB_ESCPOS_QR_LEVEL_Q, error))
    return NULL;
  curb_layout_wrap (escpos, code, 0);
  curb_escpos_set_align (escpos, CURB_ESCPOS_ALIGN_LEFT);
  curb_escpos_cut (escpos);
  return curb_escpos_get_bytes (escpos);
}

/**
 * curb_label_encode_all_bags:
 * @profile: the label printer
 * @order: the staged order
 * @lang: (nullable): language
 * @error: return location for a #CURB_ERROR_INVALID error
 *
 * Returns: (element-type GBytes): one label per bag, each its own print job
 */
GPtrArray *
curb_label_encode_all_bags (const CurbPrinterProfile  *profile,
                            CurbOrder                 *order,
                            const char                *lang,
                            GError                   **error)
{
  g_autoptr(GPtrArray) labels = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  guint total = curb_order_get_bag_count (order);

  if (total == 0)
    {
      g_set_error (error, CURB_ERROR, CURB_ERROR_INVALID, "Order %s has no bags to label",
                   curb_order_get_ref (order));
      return NULL;
    }
  for (guint n = 1; n <= total; n++)
    {
      GBytes *label = curb_label_encode_bag (profile, order, n, lang, error);
      if (label == NULL)
        return NULL;
      g_ptr_array_add (labels, label);
    }
  return g_steal_pointer (&labels);
}
