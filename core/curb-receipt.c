#include <glib/gi18n-lib.h>

#include "curb-receipt.h"
#include "curb-receipt-layout.h"
#include "curb-util.h"

#define QR_DOTS_80 6
#define QR_DOTS_58 5

static const char *tr (const CurbPrintCatalog *catalog,
                       const char             *msgid) G_GNUC_FORMAT (2);

static const char *
tr (const CurbPrintCatalog *catalog,
    const char             *msgid)
{
  return curb_print_catalog_lookup (catalog, msgid);
}

static const char *
lang_for (CurbOrder  *order,
          const char *lang)
{
  if (lang != NULL)
    return lang;
  return order != NULL ? curb_order_get_language (order) : NULL;
}

/**
 * curb_receipt_reason_text:
 * @reason: why a line was not taken, as the data model spells it
 * @lang: (nullable): language
 *
 * Returns: the reason for people; unknown reasons are returned unchanged
 */
const char *
curb_receipt_reason_text (const char *reason,
                          const char *lang)
{
  static const struct { const char *code; const char *text; } reasons[] = {
    { "damaged", N_("damaged") },
    { "refused", N_("refused by customer") },
    { "missing", N_("missing") },
    { "out_of_stock", N_("out of stock") },
    { "expired", N_("expired") },
    { "substitution_declined", N_("substitution declined") },
    { "id_check_failed", N_("ID check failed") },
  };
  const CurbPrintCatalog *catalog = curb_print_catalog_get (lang);

  for (guint i = 0; reason != NULL && i < G_N_ELEMENTS (reasons); i++)
    if (g_str_equal (reason, reasons[i].code))
      return tr (catalog, reasons[i].text);
  return reason != NULL ? reason : tr (catalog, N_("no reason given"));
}

char *
curb_receipt_url (const CurbPrintContext *context,
                  CurbOrder              *order)
{
  if (context->receipt_url == NULL || *context->receipt_url == '\0')
    return NULL;
  return g_strconcat (context->receipt_url, curb_order_get_ref (order), NULL);
}

static CurbEscpos *
begin (const CurbPrinterProfile *profile)
{
  CurbEscpos *escpos = curb_escpos_new (profile);

  curb_escpos_initialize (escpos);
  return escpos;
}

static gint64
time_or_now (gint64                  ms,
             const CurbPrintContext *context)
{
  return ms != 0 ? ms : context->now_ms != 0 ? context->now_ms : curb_now_ms ();
}

static void
print_people (CurbEscpos             *escpos,
              const CurbPrintCatalog *catalog,
              CurbOrder              *order)
{
  g_autofree char *person = curb_layout_person (order);
  CurbPerson *alternate = curb_order_get_alternate_pickup (order);
  CurbPerson *claimer = curb_order_get_claimer (order);
  g_autofree char *alternate_name = alternate != NULL ? curb_person_dup_display_name (alternate) : NULL;

  if (*person != '\0')
    curb_layout_pair (escpos, tr (catalog, N_("Name")), person);
  if (alternate_name != NULL)
    curb_layout_pair (escpos, tr (catalog, N_("Collected by")), alternate_name);
  if (claimer != NULL && curb_person_get_first_name (claimer) != NULL)
    curb_layout_pair (escpos, tr (catalog, N_("Handed over by")), curb_person_get_first_name (claimer));
}

static void
print_facts (CurbEscpos             *escpos,
             const CurbPrintCatalog *catalog,
             const CurbPrintContext *context,
             CurbOrder              *order)
{
  g_autofree char *time = curb_layout_time (catalog, time_or_now (curb_order_get_handed_over_at (order), context));

  curb_escpos_set_style (escpos, CURB_ESCPOS_STYLE_BOLD);
  curb_layout_pair (escpos, tr (catalog, N_("Order")), curb_order_get_ref (order));
  curb_escpos_set_style (escpos, CURB_ESCPOS_STYLE_NONE);
  print_people (escpos, catalog, order);
  curb_layout_pair (escpos, tr (catalog, N_("Date")), time);
  if (curb_order_get_bay (order) != NULL)
    curb_layout_pair (escpos, tr (catalog, N_("Bay")), curb_order_get_bay (order));
  curb_layout_rule (escpos);
}

static void
print_section_title (CurbEscpos *escpos,
                     const char *title)
{
  g_autofree char *upper = g_utf8_strup (title, -1);

  curb_escpos_set_style (escpos, CURB_ESCPOS_STYLE_BOLD);
  curb_layout_wrap (escpos, upper, 0);
  curb_escpos_set_style (escpos, CURB_ESCPOS_STYLE_NONE);
}

static void
print_item (CurbEscpos *escpos,
            guint       qty,
            const char *name)
{
  g_autofree char *text = g_strdup_printf ("%3u x %s", qty, name);

  curb_layout_wrap (escpos, text, 6);
}

static void
print_handed_over_line (CurbEscpos             *escpos,
                        const CurbPrintCatalog *catalog,
                        CurbOrder              *order,
                        CurbOrderLine          *line)
{
  const char *id = curb_order_line_get_id (line);
  const char *name = curb_order_line_get_name (line);
  guint qty = curb_order_line_get_qty (line);
  guint missing = curb_order_get_not_taken_qty (order, id);
  CurbSubstitution *sub = curb_order_find_substitution_for_line (order, id);
  gboolean substituted = sub != NULL && curb_substitution_get_status (sub) == CURB_SUBSTITUTION_APPROVED;
  g_autofree char *note = NULL;

  if (missing >= qty)
    return;
  print_item (escpos, qty - missing, substituted ? curb_substitution_get_replacement (sub) : name);
  if (!substituted)
    return;
  note = g_strdup_printf ("      %s %s", tr (catalog, N_("instead of")), name);
  curb_layout_wrap (escpos, note, 6);
}

static void
print_handed_over (CurbEscpos             *escpos,
                   const CurbPrintCatalog *catalog,
                   CurbOrder              *order)
{
  GListModel *lines = curb_order_get_lines (order);

  print_section_title (escpos, tr (catalog, N_("Handed over")));
  for (guint i = 0; i < g_list_model_get_n_items (lines); i++)
    {
      g_autoptr(CurbOrderLine) line = g_list_model_get_item (lines, i);

      print_handed_over_line (escpos, catalog, order, line);
    }
  curb_layout_rule (escpos);
}

static void
print_not_taken (CurbEscpos             *escpos,
                 const CurbPrintCatalog *catalog,
                 CurbOrder              *order)
{
  GListModel *not_taken = curb_order_get_not_taken (order);

  if (g_list_model_get_n_items (not_taken) == 0)
    return;
  print_section_title (escpos, tr (catalog, N_("Not taken")));
  for (guint i = 0; i < g_list_model_get_n_items (not_taken); i++)
    {
      g_autoptr(CurbNotTaken) item = g_list_model_get_item (not_taken, i);
      CurbOrderLine *line = curb_order_find_line (order, curb_not_taken_get_line_id (item));
      g_autofree char *reason = NULL;

      print_item (escpos, curb_not_taken_get_qty (item),
                  line != NULL ? curb_order_line_get_name (line) : curb_not_taken_get_line_id (item));
      reason = g_strdup_printf ("      %s: %s", tr (catalog, N_("Reason")),
                                curb_receipt_reason_text (curb_not_taken_get_reason (item),
                                                          curb_print_catalog_lang (catalog)));
      curb_layout_wrap (escpos, reason, 6);
    }
  curb_layout_rule (escpos);
}

static const char *
substitution_status (const CurbPrintCatalog *catalog,
                     CurbSubstitutionStatus  status)
{
  switch (status)
    {
    case CURB_SUBSTITUTION_APPROVED:
      return tr (catalog, N_("accepted"));
    case CURB_SUBSTITUTION_DECLINED:
      return tr (catalog, N_("declined"));
    case CURB_SUBSTITUTION_PENDING:
    default:
      return tr (catalog, N_("not decided"));
    }
}

static void
print_substitutions (CurbEscpos             *escpos,
                     const CurbPrintCatalog *catalog,
                     CurbOrder              *order)
{
  GListModel *substitutions = curb_order_get_substitutions (order);

  if (g_list_model_get_n_items (substitutions) == 0)
    return;
  print_section_title (escpos, tr (catalog, N_("Substitutions")));
  for (guint i = 0; i < g_list_model_get_n_items (substitutions); i++)
    {
      g_autoptr(CurbSubstitution) sub = g_list_model_get_item (substitutions, i);
      const char *original = curb_substitution_get_original (sub);
      g_autofree char *text = g_strdup_printf ("%s -> %s (%s)", original != NULL ? original : "?",
                                               curb_substitution_get_replacement (sub),
                                               substitution_status (catalog, curb_substitution_get_status (sub)));

      curb_layout_wrap (escpos, text, 2);
    }
  curb_layout_rule (escpos);
}

static gboolean
print_receipt_qr (CurbEscpos              *escpos,
                  const CurbPrintCatalog  *catalog,
                  const char              *url,
                  GError                 **error)
{
  const CurbPrinterProfile *profile = curb_escpos_get_profile (escpos);

  curb_escpos_set_align (escpos, CURB_ESCPOS_ALIGN_CENTER);
  curb_layout_wrap (escpos, tr (catalog, N_("Scan for your digital receipt and returns")), 0);
  if (!curb_escpos_qr (escpos, url, profile->paper_mm >= 80 ? QR_DOTS_80 : QR_DOTS_58,
                       CURB_ESCPOS_QR_LEVEL_M, error))
    return FALSE;
  curb_layout_wrap (escpos, url, 0);
  curb_escpos_set_align (escpos, CURB_ESCPOS_ALIGN_LEFT);
  return TRUE;
}

static void
print_thanks (CurbEscpos             *escpos,
              const CurbPrintCatalog *catalog,
              CurbOrder              *order)
{
  g_autofree char *text = NULL;

  if (curb_order_get_first_name (order) != NULL)
    text = g_strdup_printf (tr (catalog, N_("Thank you, %s!")), curb_order_get_first_name (order));
  else
    text = g_strdup (tr (catalog, N_("Thank you!")));
  curb_escpos_set_align (escpos, CURB_ESCPOS_ALIGN_CENTER);
  curb_escpos_feed (escpos, 1);
  curb_layout_wrap (escpos, text, 0);
  curb_escpos_set_align (escpos, CURB_ESCPOS_ALIGN_LEFT);
}

/**
 * curb_receipt_encode_pickup:
 * @profile: the printer
 * @context: store name, receipt URL, logo
 * @order: the order as handed over
 * @lang: (nullable): language; %NULL for the order's language
 * @error: return location for a #CURB_ERROR_INVALID error
 *
 * The shopper's pickup receipt: what was handed over, what was not and why,
 * substitutions, who handed it over and when, and a QR code to the digital
 * receipt and returns. Ends with a cut.
 *
 * Returns: the ESC/POS bytes
 */
GBytes *
curb_receipt_encode_pickup (const CurbPrinterProfile  *profile,
                            const CurbPrintContext    *context,
                            CurbOrder                 *order,
                            const char                *lang,
                            GError                   **error)
{
  const CurbPrintCatalog *catalog = NULL;
  g_autoptr(CurbEscpos) escpos = NULL;
  g_autofree char *url = NULL;

  g_return_val_if_fail (profile != NULL && context != NULL && CURB_IS_ORDER (order), NULL);

  catalog = curb_print_catalog_get (lang_for (order, lang));

  escpos = begin (profile);
  curb_layout_header (escpos, context, tr (catalog, N_("Pickup receipt")));
  print_facts (escpos, catalog, context, order);
  print_handed_over (escpos, catalog, order);
  print_not_taken (escpos, catalog, order);
  print_substitutions (escpos, catalog, order);
  url = curb_receipt_url (context, order);
  if (url != NULL && !print_receipt_qr (escpos, catalog, url, error))
    return NULL;
  print_thanks (escpos, catalog, order);
  curb_escpos_cut (escpos);
  return curb_escpos_get_bytes (escpos);
}

/**
 * curb_receipt_encode_ticket:
 * @profile: the printer
 * @context: store name
 * @order: the order that just checked in (with its bay)
 * @lang: (nullable): language; %NULL for the order's language
 * @error: unused for now; kept for symmetry with the other templates
 *
 * The check-in ticket: bay, order and "we're on our way". Ends with a cut.
 */
GBytes *
curb_receipt_encode_ticket (const CurbPrinterProfile  *profile,
                            const CurbPrintContext    *context,
                            CurbOrder                 *order,
                            const char                *lang,
                            GError                   **error)
{
  const CurbPrintCatalog *catalog = NULL;
  g_autoptr(CurbEscpos) escpos = NULL;
  g_autofree char *person = NULL;
  g_autofree char *greeting = NULL;
  g_autofree char *bay = NULL;
  g_autofree char *order_line = NULL;
  g_autofree char *time = NULL;

  g_return_val_if_fail (profile != NULL && context != NULL && CURB_IS_ORDER (order), NULL);

  catalog = curb_print_catalog_get (lang_for (order, lang));

  escpos = begin (profile);
  curb_layout_header (escpos, context, tr (catalog, N_("Check-in")));
  curb_escpos_set_align (escpos, CURB_ESCPOS_ALIGN_CENTER);
  bay = g_strdup_printf (tr (catalog, N_("Bay %s")), curb_order_get_bay (order) != NULL ? curb_order_get_bay (order) : "?");
  curb_escpos_set_style (escpos, CURB_ESCPOS_STYLE_BOLD | CURB_ESCPOS_STYLE_DOUBLE);
  curb_layout_wrap (escpos, bay, 0);
  curb_escpos_set_style (escpos, CURB_ESCPOS_STYLE_BOLD | CURB_ESCPOS_STYLE_DOUBLE_HEIGHT);
  order_line = g_strdup_printf ("%s %s", tr (catalog, N_("Order")), curb_order_get_ref (order));
  curb_layout_wrap (escpos, order_line, 0);
  curb_escpos_set_style (escpos, CURB_ESCPOS_STYLE_NONE);
  curb_escpos_feed (escpos, 1);
  person = curb_layout_person (order);
  greeting = *person != '\0'
             ? g_strdup_printf (tr (catalog, N_("Hi %s, we're on our way!")), person)
             : g_strdup (tr (catalog, N_("We're on our way!")));
  curb_layout_wrap (escpos, greeting, 0);
  curb_layout_wrap (escpos, tr (catalog, N_("Please stay in your bay.")), 0);
  time = curb_layout_time (catalog, time_or_now (curb_order_get_arrived_at (order), context));
  curb_layout_wrap (escpos, time, 0);
  curb_escpos_set_align (escpos, CURB_ESCPOS_ALIGN_LEFT);
  curb_escpos_cut (escpos);
  return curb_escpos_get_bytes (escpos);
}

/**
 * curb_receipt_encode_reprint_banner:
 * @profile: the printer
 * @lang: (nullable): language
 *
 * Sent before a job whose first attempt may have printed in part, so
 * people can tell the full copy from the fragment.
 */
GBytes *
curb_receipt_encode_reprint_banner (const CurbPrinterProfile *profile,
                                    const char               *lang)
{
  const CurbPrintCatalog *catalog = curb_print_catalog_get (lang);
  g_autoptr(CurbEscpos) escpos = begin (profile);
  g_autofree char *text = g_strdup_printf ("** %s **", tr (catalog, N_("REPRINT")));

  curb_escpos_set_align (escpos, CURB_ESCPOS_ALIGN_CENTER);
  curb_escpos_set_style (escpos, CURB_ESCPOS_STYLE_BOLD);
  curb_layout_wrap (escpos, text, 0);
  curb_escpos_set_style (escpos, CURB_ESCPOS_STYLE_NONE);
  curb_escpos_set_align (escpos, CURB_ESCPOS_ALIGN_LEFT);
  return curb_escpos_get_bytes (escpos);
}

/**
 * curb_receipt_encode_test_page:
 * @profile: the printer
 * @station: (nullable): where it stands
 * @lang: (nullable): language
 *
 * A page store IT prints to check a printer: profile, styles, accented
 * text and a QR code.
 */
GBytes *
curb_receipt_encode_test_page (const CurbPrinterProfile *profile,
                               const char               *station,
                               const char               *lang)
{
  const CurbPrintCatalog *catalog = curb_print_catalog_get (lang);
  g_autoptr(CurbEscpos) escpos = begin (profile);
  CurbPrintContext context = { .store_name = "Curbside" };

  curb_layout_header (escpos, &context, tr (catalog, N_("Printer test page")));
  curb_layout_pair (escpos, tr (catalog, N_("Profile")), profile->name);
  curb_layout_pair (escpos, tr (catalog, N_("Station")), station != NULL ? station : "-");
  curb_layout_pair (escpos, tr (catalog, N_("Code page")), curb_code_page_name (profile->code_page));
  curb_escpos_line (escpos, "José Núñez · Ærøskøbing · 5 €");
  curb_escpos_set_style (escpos, CURB_ESCPOS_STYLE_BOLD);
  curb_escpos_line (escpos, "Bold");
  curb_escpos_set_style (escpos, CURB_ESCPOS_STYLE_UNDERLINE);
  curb_escpos_line (escpos, "Underline");
  curb_escpos_set_style (escpos, CURB_ESCPOS_STYLE_DOUBLE);
  curb_escpos_line (escpos, "Double");
  curb_escpos_set_style (escpos, CURB_ESCPOS_STYLE_NONE);
  curb_escpos_set_align (escpos, CURB_ESCPOS_ALIGN_CENTER);
  curb_escpos_qr (escpos, "CURBSIDE-TEST", 6, CURB_ESCPOS_QR_LEVEL_M, NULL);
  curb_escpos_set_align (escpos, CURB_ESCPOS_ALIGN_LEFT);
  curb_escpos_cut (escpos);
  return curb_escpos_get_bytes (escpos);
}
