#include "curb-detail-page.h"

#include "curb-staging-resources.h"

#include <glib/gi18n.h>

#include "board/curb-order-card.h"
#include "curb-bag-check.h"
#include "curb-rules.h"

struct _CurbDetailPage
{
  AdwBin              parent_instance;

  GtkButton          *back_button;
  GtkLabel           *ref_label;
  GtkLabel           *who_label;
  GtkLabel           *state_label;
  GtkLabel           *message_label;
  GtkListBox         *lines_box;
  GtkLabel           *where_label;
  GtkLabel           *bags_label;
  GtkButton          *claim_button;
  GtkWidget          *handoff_box;
  GtkWidget          *handoff_actions;
  GtkLabel           *bag_status_label;
  GtkEntry           *bag_entry;
  GtkCheckButton     *id_check;
  GtkCheckButton     *partial_check;
  GtkRevealer        *partial_revealer;
  GtkListBox         *partial_box;
  GtkButton          *complete_button;
  GtkButton          *release_button;
  GtkButton          *no_show_button;
  GtkButton          *return_button;

  CurbStagingStation *station;
  CurbOrder          *order;
  CurbBagCheck       *bags;
  GPtrArray          *not_taken_spins;     /* GtkSpinButton per line */
  GPtrArray          *not_taken_reasons;   /* GtkDropDown per line */
};

G_DEFINE_FINAL_TYPE (CurbDetailPage, curb_detail_page, ADW_TYPE_BIN)

enum { PROP_0, PROP_ORDER, N_PROPS };
static GParamSpec *props[N_PROPS];

enum { BACK, CLAIM, RELEASE, COMPLETE, NO_SHOW, RETURN_TO_STOCK, N_SIGNALS };
static guint signals[N_SIGNALS];

static const char *const reason_ids[] = { "damaged", "declined", "missing", "substitution_declined" };

static void update_actions (CurbDetailPage *self);

static const char *
reason_label (guint i)
{
  const char *labels[] = { N_("Damaged"), N_("Shopper declined"), N_("Missing"),
                           N_("Substitution declined") };

  return _(labels[i]);
}

static const char *
temp_label (CurbTemperature temperature)
{
  switch (temperature)
    {
    case CURB_TEMPERATURE_CHILLED:
      return _("chilled");
    case CURB_TEMPERATURE_FROZEN:
      return _("frozen");
    case CURB_TEMPERATURE_AMBIENT:
    default:
      return _("ambient");
    }
}

static const char *
line_name (CurbOrderLine *line)
{
  return curb_order_line_get_name (line) != NULL ? curb_order_line_get_name (line) : curb_order_line_get_sku (line);
}

static const char *
my_staff_id (CurbDetailPage *self)
{
  return self->station != NULL
         ? curb_staff_session_get_staff_id (curb_staging_station_get_session (self->station)) : NULL;
}

/* --- texts and what may be done (closures of the template) --- */

static char *
format_who (CurbDetailPage *self,
            const char     *display_name,
            const char     *bay,
            gboolean        bay_skipped,
            CurbOrderState  state,
            CurbPerson     *alternate)
{
  g_autofree char *other = alternate != NULL ? curb_person_dup_display_name (alternate) : NULL;
  g_autofree char *where = curb_board_dup_bay_label (bay, bay_skipped, state);
  g_autofree char *who = NULL;
  const char *name = display_name != NULL ? display_name : "—";

  /* "Sam R. · Bay 3", "Sam R. · Bay: choosing…" */
  who = where != NULL ? g_strdup_printf ("%s · %s", name, where) : g_strdup (name);
  if (other == NULL)
    return g_steal_pointer (&who);
  return g_strdup_printf (_("%s · picked up by %s"), who, other);
}

static gboolean
is_mine (CurbDetailPage *self,
         CurbOrderState  state,
         CurbPerson     *claimer)
{
  const char *me = my_staff_id (self);

  return state == CURB_ORDER_STATE_CLAIMED && me != NULL && claimer != NULL
         && g_strcmp0 (curb_person_get_id (claimer), me) == 0;
}

/* Taken on by this station's staff member while the shopper is on the way. */
static gboolean
is_mine_ahead (CurbDetailPage *self,
               CurbOrderState  state,
               CurbPerson     *claimer)
{
  const char *me = my_staff_id (self);

  return (state == CURB_ORDER_STATE_PENDING || state == CURB_ORDER_STATE_READY)
         && me != NULL && claimer != NULL && g_strcmp0 (curb_person_get_id (claimer), me) == 0;
}

/* The actions row: the claimer's (release; complete once the shopper is here). */
static gboolean
shows_actions (CurbDetailPage *self,
               CurbOrderState  state,
               CurbPerson     *claimer)
{
  return is_mine (self, state, claimer) || is_mine_ahead (self, state, claimer);
}

static char *
format_state (CurbDetailPage *self,
              CurbOrderState  state,
              CurbPerson     *claimer)
{
  const char *by = claimer != NULL ? curb_person_get_first_name (claimer) : NULL;

  if (claimer != NULL && (state == CURB_ORDER_STATE_PENDING || state == CURB_ORDER_STATE_READY))
    return is_mine_ahead (self, state, claimer)
           ? g_strdup (_("You are bringing it out when the shopper arrives"))
           : g_strdup_printf (_("%s is bringing it out when the shopper arrives"), by ? by : _("someone else"));
  switch (state)
    {
    case CURB_ORDER_STATE_PENDING:
      return g_strdup (_("Not ready yet"));
    case CURB_ORDER_STATE_READY:
      return g_strdup (_("Ready, shopper not here yet"));
    case CURB_ORDER_STATE_ARRIVED:
      return g_strdup (_("Shopper is waiting"));
    case CURB_ORDER_STATE_CLAIMED:
      if (is_mine (self, state, claimer))
        return g_strdup (_("You claimed it"));
      return g_strdup_printf (_("Claimed by %s"), by ? by : _("someone else"));
    case CURB_ORDER_STATE_HANDED_OVER:
      return g_strdup (_("Handed over"));
    case CURB_ORDER_STATE_PARTIALLY_HANDED_OVER:
      return g_strdup (_("Partly handed over"));
    case CURB_ORDER_STATE_NO_SHOW:
      return g_strdup (_("No-show"));
    case CURB_ORDER_STATE_CANCELLED:
    default:
      return g_strdup (_("Cancelled: do not hand over"));
    }
}

static char *
format_where (CurbDetailPage *self,
              gboolean        staged,
              GListModel     *locations)
{
  g_autofree char *where = self->order != NULL ? curb_order_dup_locations_text (self->order) : NULL;

  if (where != NULL)
    return g_strdup_printf (_("Staging location: %s"), where);
  return g_strdup (staged ? _("Staged, no location given") : _("Not staged yet"));
}

static char *
format_bags (CurbDetailPage *self,
             GListModel     *bags)
{
  if (self->order == NULL)
    return g_strdup ("");
  return g_strdup_printf (_("Bags: %d ambient · %d chilled · %d frozen"),
                          (int) curb_order_count_bags (self->order, CURB_TEMPERATURE_AMBIENT),
                          (int) curb_order_count_bags (self->order, CURB_TEMPERATURE_CHILLED),
                          (int) curb_order_count_bags (self->order, CURB_TEMPERATURE_FROZEN));
}

/* What goes out to the car: each line, or what the shopper decided
 * instead of it. */
static char *
format_handoff (CurbDetailPage *self,
                GListModel     *lines,
                GListModel     *substitutions)
{
  g_autoptr(GString) text = g_string_new (_("Hand over:"));

  for (guint i = 0; self->order != NULL && lines != NULL && i < g_list_model_get_n_items (lines); i++)
    {
      g_autoptr(CurbOrderLine) line = g_list_model_get_item (lines, i);
      CurbSubstitution *substitution = curb_order_find_substitution_for_line (self->order,
                                                                              curb_order_line_get_id (line));
      g_autofree char *one = substitution != NULL
                             ? curb_format_substitution (substitution)
                             : g_strdup_printf ("%u × %s", curb_order_line_get_qty (line), line_name (line));

      g_string_append_printf (text, "\n• %s", one);
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

static gboolean
may_claim (CurbDetailPage *self,
           CurbOrderState  state,
           CurbPerson     *claimer,
           gint64          eta)
{
  return self->order != NULL && curb_rules_check_transition (self->order, CURB_EVENT_CLAIMED, NULL);
}

static gboolean
may_return (CurbDetailPage *self,
            CurbOrderState  state)
{
  return self->order != NULL && curb_rules_check_transition (self->order, CURB_EVENT_RETURNED_TO_STOCK, NULL);
}

/* --- lines --- */

static void
remove_all_rows (GtkListBox *box)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (box))) != NULL)
    gtk_list_box_remove (box, child);
}

static char *
line_subtitle (CurbOrderLine    *line,
               CurbSubstitution *substitution)
{
  const char *extra = curb_order_line_get_age_restricted (line) ? _(" · ID check") : "";
  const char *temperature = temp_label (curb_order_line_get_temperature (line));

  if (substitution == NULL)
    return g_strdup_printf ("%s%s", temperature, extra);
  switch (curb_substitution_get_status (substitution))
    {
    case CURB_SUBSTITUTION_APPROVED:
      return g_strdup_printf (_("instead of %u × %s, the shopper agreed · %s%s"), curb_order_line_get_qty (line),
                              line_name (line), temperature, extra);
    case CURB_SUBSTITUTION_DECLINED:
      return g_strdup_printf (_("Not handed over: the shopper declined %s · %s%s"),
                              curb_substitution_get_replacement (substitution), temperature, extra);
    case CURB_SUBSTITUTION_PENDING:
    default:
      return g_strdup_printf (_("Ask the shopper: %s instead? · %s%s"),
                              curb_substitution_get_replacement (substitution), temperature, extra);
    }
}

/* A line as it goes out: the replacement the shopper approved, or the line. */
static GtkWidget *
make_line_row (gpointer item,
               gpointer user_data)
{
  CurbDetailPage *self = user_data;
  CurbOrderLine *line = item;
  CurbSubstitution *substitution = curb_order_find_substitution_for_line (self->order, curb_order_line_get_id (line));
  gboolean replaced = substitution != NULL && curb_substitution_get_status (substitution) == CURB_SUBSTITUTION_APPROVED;
  g_autofree char *title = replaced
                           ? g_strdup_printf ("%u × %s", curb_substitution_get_qty (substitution),
                                              curb_substitution_get_replacement (substitution))
                           : g_strdup_printf ("%u × %s", curb_order_line_get_qty (line), line_name (line));
  g_autofree char *subtitle = line_subtitle (line, substitution);
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  return row;
}

static void
on_input_changed (CurbDetailPage *self)
{
  update_actions (self);
}

static GtkWidget *
make_partial_row (CurbDetailPage *self,
                  CurbOrderLine  *line)
{
  const char *reasons[G_N_ELEMENTS (reason_ids) + 1] = { NULL };
  CurbSubstitution *substitution = curb_order_find_substitution_for_line (self->order, curb_order_line_get_id (line));
  const char *name = substitution != NULL && curb_substitution_get_status (substitution) == CURB_SUBSTITUTION_APPROVED
                     ? curb_substitution_get_replacement (substitution) : line_name (line);
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *spin = gtk_spin_button_new_with_range (0, curb_order_line_get_qty (line), 1);
  GtkWidget *reason;
  g_autofree char *title = g_strdup_printf (_("%s: how many not taken"), name);

  for (guint i = 0; i < G_N_ELEMENTS (reason_ids); i++)
    reasons[i] = reason_label (i);
  reason = gtk_drop_down_new_from_strings (reasons);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  gtk_widget_set_valign (spin, GTK_ALIGN_CENTER);
  gtk_widget_set_valign (reason, GTK_ALIGN_CENTER);
  gtk_accessible_update_property (GTK_ACCESSIBLE (spin), GTK_ACCESSIBLE_PROPERTY_LABEL, title, -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (reason), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Reason not taken"), -1);
  g_object_set_data_full (G_OBJECT (spin), "line-id", g_strdup (curb_order_line_get_id (line)), g_free);
  g_signal_connect_swapped (spin, "value-changed", G_CALLBACK (on_input_changed), self);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), spin);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), reason);
  g_ptr_array_add (self->not_taken_spins, spin);
  g_ptr_array_add (self->not_taken_reasons, reason);
  return row;
}

static void
fill_items (CurbDetailPage *self)
{
  gtk_list_box_bind_model (self->lines_box, self->order != NULL ? curb_order_get_lines (self->order) : NULL,
                           make_line_row, self, NULL);
}

static void
fill_partial (CurbDetailPage *self)
{
  GListModel *lines = curb_order_get_lines (self->order);

  remove_all_rows (self->partial_box);
  g_ptr_array_set_size (self->not_taken_spins, 0);
  g_ptr_array_set_size (self->not_taken_reasons, 0);
  for (guint i = 0; i < g_list_model_get_n_items (lines); i++)
    {
      g_autoptr(CurbOrderLine) line = g_list_model_get_item (lines, i);

      gtk_list_box_append (self->partial_box, make_partial_row (self, line));
    }
}

/* --- what the handoff needs --- */

/* Returns: (element-type CurbNotTaken): what staff entered as not taken */
static GPtrArray *
dup_not_taken_entries (CurbDetailPage *self)
{
  GPtrArray *entries = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; gtk_check_button_get_active (self->partial_check) && i < self->not_taken_spins->len; i++)
    {
      GtkSpinButton *spin = g_ptr_array_index (self->not_taken_spins, i);
      guint reason = gtk_drop_down_get_selected (g_ptr_array_index (self->not_taken_reasons, i));
      int qty = gtk_spin_button_get_value_as_int (spin);

      if (qty > 0)
        g_ptr_array_add (entries, curb_not_taken_new (g_object_get_data (G_OBJECT (spin), "line-id"), (guint) qty,
                                                      reason_ids[MIN (reason, G_N_ELEMENTS (reason_ids) - 1)]));
    }
  return entries;
}

static void
update_bag_status (CurbDetailPage *self)
{
  guint total = curb_bag_check_get_total (self->bags);
  g_autofree char *text = NULL;

  if (!curb_order_get_staged (self->order))
    text = g_strdup (_("Never staged: count its bags in Stage orders and print their labels, then scan each one here."));
  else if (total == 0)
    text = g_strdup (_("No bag labels to scan for this order."));
  else if (curb_bag_check_is_complete (self->bags))
    text = g_strdup_printf (_("All %d bags scanned. Right bags."), (int) total);
  else
    text = g_strdup_printf (_("Scan each bag label: %d of %d scanned"), (int) curb_bag_check_get_scanned (self->bags),
                            (int) total);
  gtk_label_set_text (self->bag_status_label, text);
}

/* The actions the pickup rules allow now (curb-rules.h); the template binds
 * the ones that follow the order's state alone. */
static void
update_actions (CurbDetailPage *self)
{
  g_autoptr(GPtrArray) not_taken = NULL;
  CurbBoardModel *board;
  gint64 now;

  if (self->order == NULL)
    return;
  not_taken = dup_not_taken_entries (self);
  board = curb_staging_station_get_board (self->station);
  now = curb_staging_station_now (self->station);
  gtk_widget_set_visible (GTK_WIDGET (self->id_check), curb_rules_needs_id_check (self->order, not_taken));
  gtk_widget_set_visible (GTK_WIDGET (self->no_show_button),
                          curb_rules_check_transition (self->order, CURB_EVENT_NO_SHOW, NULL)
                          && curb_board_model_is_no_show_due (board, self->order, now));
  gtk_widget_set_sensitive (GTK_WIDGET (self->complete_button), curb_detail_page_can_complete (self));
  update_bag_status (self);
}

static void
on_order_notify (CurbDetailPage *self)
{
  CurbOrderState state = curb_order_get_state (self->order);

  update_actions (self);
  /* a bag scan's warning is about the handoff: gone once it is done */
  if (state == CURB_ORDER_STATE_HANDED_OVER || state == CURB_ORDER_STATE_PARTIALLY_HANDED_OVER)
    curb_detail_page_set_message (self, NULL, FALSE);
  if (curb_order_get_cancelled (self->order)
      || curb_order_get_state (self->order) == CURB_ORDER_STATE_CANCELLED)
    curb_detail_page_set_message (self, _("This order was cancelled. Do not hand it over; return the items to stock."), TRUE);
}

static void
on_bag_entry_activate (GtkEntry       *entry,
                       CurbDetailPage *self)
{
  g_autofree char *code = g_strdup (gtk_editable_get_text (GTK_EDITABLE (entry)));

  gtk_editable_set_text (GTK_EDITABLE (entry), "");
  if (*code != '\0')
    curb_detail_page_scan (self, code);
}

static void
on_partial_toggled (GtkCheckButton *check,
                    CurbDetailPage *self)
{
  gtk_revealer_set_reveal_child (self->partial_revealer, gtk_check_button_get_active (check));
  update_actions (self);
}

static void
emit_simple (CurbDetailPage *self,
             guint           signal_id)
{
  if (self->order != NULL)
    g_signal_emit (self, signals[signal_id], 0, curb_order_get_ref (self->order));
}

static void
on_back_clicked (CurbDetailPage *self)
{
  g_signal_emit (self, signals[BACK], 0);
}

static void
on_claim_clicked (CurbDetailPage *self)
{
  emit_simple (self, CLAIM);
}

static void
on_release_clicked (CurbDetailPage *self)
{
  emit_simple (self, RELEASE);
}

static void
on_no_show_clicked (CurbDetailPage *self)
{
  emit_simple (self, NO_SHOW);
}

static void
on_return_clicked (CurbDetailPage *self)
{
  emit_simple (self, RETURN_TO_STOCK);
}

static void
on_complete_clicked (CurbDetailPage *self)
{
  g_autoptr(JsonNode) not_taken = NULL;

  if (!curb_detail_page_can_complete (self))
    return;
  not_taken = curb_detail_page_dup_not_taken (self);
  g_signal_emit (self, signals[COMPLETE], 0, curb_order_get_ref (self->order),
                 gtk_check_button_get_active (self->id_check), not_taken);
}

static void
detach_order (CurbDetailPage *self)
{
  if (self->order != NULL)
    g_signal_handlers_disconnect_by_data (self->order, self);
  g_clear_object (&self->order);
}

static void
curb_detail_page_dispose (GObject *object)
{
  CurbDetailPage *self = CURB_DETAIL_PAGE (object);

  detach_order (self);
  g_clear_object (&self->station);
  g_clear_object (&self->bags);
  g_clear_pointer (&self->not_taken_spins, g_ptr_array_unref);
  g_clear_pointer (&self->not_taken_reasons, g_ptr_array_unref);

  G_OBJECT_CLASS (curb_detail_page_parent_class)->dispose (object);
}

static void
curb_detail_page_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  switch (prop_id)
    {
    case PROP_ORDER:
      g_value_set_object (value, CURB_DETAIL_PAGE (object)->order);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
bind_children (GtkWidgetClass *widget_class)
{
  gtk_widget_class_bind_template_child (widget_class, CurbDetailPage, back_button);
  gtk_widget_class_bind_template_child (widget_class, CurbDetailPage, ref_label);
  gtk_widget_class_bind_template_child (widget_class, CurbDetailPage, who_label);
  gtk_widget_class_bind_template_child (widget_class, CurbDetailPage, state_label);
  gtk_widget_class_bind_template_child (widget_class, CurbDetailPage, message_label);
  gtk_widget_class_bind_template_child (widget_class, CurbDetailPage, lines_box);
  gtk_widget_class_bind_template_child (widget_class, CurbDetailPage, where_label);
  gtk_widget_class_bind_template_child (widget_class, CurbDetailPage, bags_label);
  gtk_widget_class_bind_template_child (widget_class, CurbDetailPage, claim_button);
  gtk_widget_class_bind_template_child (widget_class, CurbDetailPage, handoff_box);
  gtk_widget_class_bind_template_child (widget_class, CurbDetailPage, handoff_actions);
  gtk_widget_class_bind_template_child (widget_class, CurbDetailPage, bag_status_label);
  gtk_widget_class_bind_template_child (widget_class, CurbDetailPage, bag_entry);
  gtk_widget_class_bind_template_child (widget_class, CurbDetailPage, id_check);
  gtk_widget_class_bind_template_child (widget_class, CurbDetailPage, partial_check);
  gtk_widget_class_bind_template_child (widget_class, CurbDetailPage, partial_revealer);
  gtk_widget_class_bind_template_child (widget_class, CurbDetailPage, partial_box);
  gtk_widget_class_bind_template_child (widget_class, CurbDetailPage, complete_button);
  gtk_widget_class_bind_template_child (widget_class, CurbDetailPage, release_button);
  gtk_widget_class_bind_template_child (widget_class, CurbDetailPage, no_show_button);
  gtk_widget_class_bind_template_child (widget_class, CurbDetailPage, return_button);
  gtk_widget_class_bind_template_callback (widget_class, format_who);
  gtk_widget_class_bind_template_callback (widget_class, format_state);
  gtk_widget_class_bind_template_callback (widget_class, format_where);
  gtk_widget_class_bind_template_callback (widget_class, format_bags);
  gtk_widget_class_bind_template_callback (widget_class, format_handoff);
  gtk_widget_class_bind_template_callback (widget_class, may_claim);
  gtk_widget_class_bind_template_callback (widget_class, shows_actions);
  gtk_widget_class_bind_template_callback (widget_class, may_return);
  gtk_widget_class_bind_template_callback (widget_class, is_mine);
}

static guint
new_ref_signal (GObjectClass *klass,
                const char   *name)
{
  return g_signal_new (name, G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                       G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
curb_detail_page_class_init (CurbDetailPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = curb_detail_page_dispose;
  object_class->get_property = curb_detail_page_get_property;
  props[PROP_ORDER] = g_param_spec_object ("order", NULL, NULL, CURB_TYPE_ORDER,
                                           G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, props);
  g_type_ensure (CURB_TYPE_ORDER);
  curb_staging_resources_ensure ();
  gtk_widget_class_set_template_from_resource (widget_class, "/org/curbside/Staging/detail/curb-detail-page.ui");
  bind_children (widget_class);

  signals[BACK] = g_signal_new ("back", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[CLAIM] = new_ref_signal (object_class, "claim");
  signals[RELEASE] = new_ref_signal (object_class, "release");
  signals[NO_SHOW] = new_ref_signal (object_class, "no-show");
  signals[RETURN_TO_STOCK] = new_ref_signal (object_class, "return-to-stock");
  /**
   * CurbDetailPage::complete:
   * @ref: the order
   * @id_checked: whether staff confirmed the ID check
   * @not_taken: a JSON array of {line_id, qty, reason}, empty for a full handoff
   */
  signals[COMPLETE] = g_signal_new ("complete", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                    NULL, NULL, NULL, G_TYPE_NONE, 3,
                                    G_TYPE_STRING, G_TYPE_BOOLEAN, JSON_TYPE_NODE);
}

static void
curb_detail_page_init (CurbDetailPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->not_taken_spins = g_ptr_array_new ();
  self->not_taken_reasons = g_ptr_array_new ();
  g_signal_connect_swapped (self->back_button, "clicked", G_CALLBACK (on_back_clicked), self);
  g_signal_connect_swapped (self->claim_button, "clicked", G_CALLBACK (on_claim_clicked), self);
  g_signal_connect_swapped (self->release_button, "clicked", G_CALLBACK (on_release_clicked), self);
  g_signal_connect_swapped (self->complete_button, "clicked", G_CALLBACK (on_complete_clicked), self);
  g_signal_connect_swapped (self->no_show_button, "clicked", G_CALLBACK (on_no_show_clicked), self);
  g_signal_connect_swapped (self->return_button, "clicked", G_CALLBACK (on_return_clicked), self);
  g_signal_connect (self->bag_entry, "activate", G_CALLBACK (on_bag_entry_activate), self);
  g_signal_connect (self->partial_check, "toggled", G_CALLBACK (on_partial_toggled), self);
  g_signal_connect_swapped (self->id_check, "toggled", G_CALLBACK (on_input_changed), self);
}

GtkWidget *
curb_detail_page_new (CurbStagingStation *station)
{
  CurbDetailPage *self = g_object_new (CURB_TYPE_DETAIL_PAGE, NULL);

  self->station = g_object_ref (station);
  return GTK_WIDGET (self);
}

/**
 * curb_detail_page_show_order:
 * @order: the board's order (the page follows its changes)
 */
void
curb_detail_page_show_order (CurbDetailPage *self,
                             CurbOrder      *order)
{
  g_return_if_fail (CURB_IS_DETAIL_PAGE (self));
  g_return_if_fail (CURB_IS_ORDER (order));

  if (self->order != order)
    {
      detach_order (self);
      self->order = g_object_ref (order);
      g_signal_connect_swapped (order, "notify::state", G_CALLBACK (on_order_notify), self);
      g_signal_connect_swapped (order, "notify::claimer", G_CALLBACK (on_order_notify), self);
      g_signal_connect_swapped (order, "notify::bags", G_CALLBACK (on_order_notify), self);
      g_signal_connect_swapped (order, "notify::cancelled", G_CALLBACK (on_order_notify), self);
      g_signal_connect_swapped (order, "notify::substitutions", G_CALLBACK (fill_items), self);
      g_signal_connect_swapped (order, "notify::lines", G_CALLBACK (fill_items), self);
      g_signal_connect_swapped (order, "notify::lines", G_CALLBACK (fill_partial), self);
    }
  g_clear_object (&self->bags);
  self->bags = curb_bag_check_new (order);
  curb_detail_page_set_message (self, NULL, FALSE);
  gtk_check_button_set_active (self->id_check, FALSE);
  gtk_check_button_set_active (self->partial_check, FALSE);
  fill_items (self);
  fill_partial (self);
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_ORDER]);
  on_order_notify (self);
}

const char *
curb_detail_page_get_ref (CurbDetailPage *self)
{
  g_return_val_if_fail (CURB_IS_DETAIL_PAGE (self), NULL);
  return self->order != NULL ? curb_order_get_ref (self->order) : NULL;
}

static void
play (CurbDetailPage *self,
      CurbSoundCue    cue)
{
  CurbSound *sound = curb_staging_station_get_sound (self->station);

  if (sound != NULL)
    curb_sound_play (sound, cue);
}

/* A scanned bag label: proves the right bags go out; a wrong bag is loud. */
void
curb_detail_page_scan (CurbDetailPage *self,
                       const char     *payload)
{
  g_autofree char *other = NULL;
  g_autofree char *text = NULL;

  g_return_if_fail (CURB_IS_DETAIL_PAGE (self));
  if (self->bags == NULL)
    return;
  switch (curb_bag_check_scan (self->bags, payload, &other))
    {
    case CURB_BAG_SCAN_OK:
      curb_detail_page_set_message (self, NULL, FALSE);
      play (self, CURB_SOUND_OK);
      break;
    case CURB_BAG_SCAN_DUPLICATE:
      curb_detail_page_set_message (self, _("That bag was already scanned."), FALSE);
      break;
    case CURB_BAG_SCAN_WRONG_ORDER:
      text = g_strdup_printf (_("WRONG BAG: this bag belongs to order %s. Take it back."), other);
      curb_detail_page_set_message (self, text, TRUE);
      play (self, CURB_SOUND_ERROR);
      break;
    case CURB_BAG_SCAN_UNKNOWN:
    default:
      curb_detail_page_set_message (self, _("Not a bag label of this order. Scan the label on the bag."), TRUE);
      play (self, CURB_SOUND_ERROR);
      break;
    }
  update_actions (self);
}

void
curb_detail_page_set_id_checked (CurbDetailPage *self,
                                 gboolean        checked)
{
  g_return_if_fail (CURB_IS_DETAIL_PAGE (self));
  gtk_check_button_set_active (self->id_check, checked);
}

void
curb_detail_page_set_not_taken (CurbDetailPage *self,
                                const char     *line_id,
                                int             qty,
                                guint           reason)
{
  g_return_if_fail (CURB_IS_DETAIL_PAGE (self));
  g_return_if_fail (reason < G_N_ELEMENTS (reason_ids));

  gtk_check_button_set_active (self->partial_check, TRUE);
  for (guint i = 0; i < self->not_taken_spins->len; i++)
    {
      GtkSpinButton *spin = g_ptr_array_index (self->not_taken_spins, i);

      if (g_strcmp0 (g_object_get_data (G_OBJECT (spin), "line-id"), line_id) != 0)
        continue;
      gtk_spin_button_set_value (spin, qty);
      gtk_drop_down_set_selected (g_ptr_array_index (self->not_taken_reasons, i), reason);
    }
}

/* Plain text, never markup: @message may quote a hub's or scanner's text. */
void
curb_detail_page_set_message (CurbDetailPage *self,
                              const char     *message,
                              gboolean        is_error)
{
  g_return_if_fail (CURB_IS_DETAIL_PAGE (self));
  gtk_label_set_text (self->message_label, message);
  gtk_widget_set_visible (GTK_WIDGET (self->message_label), message != NULL);
  if (is_error)
    gtk_widget_add_css_class (GTK_WIDGET (self->message_label), "alarm");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->message_label), "alarm");
}

/* The bags all scanned, and the handoff the pickup rules allow
 * (curb_rules_check_handoff(): claimed, the ID check, what is not taken). */
gboolean
curb_detail_page_can_complete (CurbDetailPage *self)
{
  g_autoptr(GPtrArray) not_taken = NULL;

  g_return_val_if_fail (CURB_IS_DETAIL_PAGE (self), FALSE);
  if (self->order == NULL || curb_order_get_cancelled (self->order) || !curb_bag_check_is_complete (self->bags))
    return FALSE;
  /* an order never staged has no counted bags to prove: stage it first */
  if (!curb_order_get_staged (self->order))
    return FALSE;
  not_taken = dup_not_taken_entries (self);
  if (gtk_check_button_get_active (self->partial_check) && not_taken->len == 0)
    return FALSE;
  return curb_rules_check_handoff (self->order, not_taken, gtk_check_button_get_active (self->id_check), NULL);
}

/* Returns: (transfer full): a JSON array of {line_id, qty, reason} */
JsonNode *
curb_detail_page_dup_not_taken (CurbDetailPage *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(GPtrArray) entries = NULL;

  g_return_val_if_fail (CURB_IS_DETAIL_PAGE (self), NULL);
  entries = dup_not_taken_entries (self);
  json_builder_begin_array (builder);
  for (guint i = 0; i < entries->len; i++)
    {
      CurbNotTaken *entry = g_ptr_array_index (entries, i);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "line_id");
      json_builder_add_string_value (builder, curb_not_taken_get_line_id (entry));
      json_builder_set_member_name (builder, "qty");
      json_builder_add_int_value (builder, curb_not_taken_get_qty (entry));
      json_builder_set_member_name (builder, "reason");
      json_builder_add_string_value (builder, curb_not_taken_get_reason (entry));
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  return json_builder_get_root (builder);
}
