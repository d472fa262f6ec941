#include "curb-detail-page.h"

#include "curb-staging-resources.h"

#include <glib/gi18n.h>

#include "curb-bag-check.h"

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
  CurbBoardOrder     *order;
  CurbBagCheck       *bags;
  GPtrArray          *not_taken_spins;     /* GtkSpinButton per line */
  GPtrArray          *not_taken_reasons;   /* GtkDropDown per line */
};

G_DEFINE_FINAL_TYPE (CurbDetailPage, curb_detail_page, ADW_TYPE_BIN)

enum { BACK, CLAIM, RELEASE, COMPLETE, NO_SHOW, RETURN_TO_STOCK, N_SIGNALS };
static guint signals[N_SIGNALS];

static const char *const reason_ids[] = { "damaged", "declined", "missing", "substitution_declined" };

static const char *
reason_label (guint i)
{
  const char *labels[] = { N_("Damaged"), N_("Shopper declined"), N_("Missing"),
                           N_("Substitution declined") };

  return _(labels[i]);
}

static const char *
temp_label (CurbBoardTemp temperature)
{
  switch (temperature)
    {
    case CURB_BOARD_TEMP_CHILLED:
      return _("chilled");
    case CURB_BOARD_TEMP_FROZEN:
      return _("frozen");
    case CURB_BOARD_TEMP_AMBIENT:
    case CURB_BOARD_N_TEMPS:
    default:
      return _("ambient");
    }
}

static gboolean
is_mine (CurbDetailPage *self)
{
  const char *me = curb_staff_session_get_staff_id (curb_staging_station_get_session (self->station));

  return me != NULL && g_strcmp0 (curb_board_order_get_claimed_by_id (self->order), me) == 0;
}

static void
remove_all_rows (GtkListBox *box)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (box))) != NULL)
    gtk_list_box_remove (box, child);
}

static GtkWidget *
make_line_row (const CurbBoardLine *line)
{
  g_autofree char *title = g_strdup_printf ("%d × %s", line->qty, line->name ? line->name : line->sku);
  GtkWidget *row = adw_action_row_new ();
  g_autofree char *subtitle = g_strdup_printf ("%s%s", temp_label (line->temperature),
                                               line->age_restricted ? _(" · ID check") : "");

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  return row;
}

static GtkWidget *
make_partial_row (CurbDetailPage      *self,
                  const CurbBoardLine *line)
{
  const char *reasons[G_N_ELEMENTS (reason_ids) + 1] = { NULL };
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *spin = gtk_spin_button_new_with_range (0, MAX (line->qty, 0), 1);
  GtkWidget *reason;
  g_autofree char *title = g_strdup_printf (_("%s: how many not taken"), line->name ? line->name : line->sku);

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
  g_object_set_data_full (G_OBJECT (spin), "line-id", g_strdup (line->id), g_free);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), spin);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), reason);
  g_ptr_array_add (self->not_taken_spins, spin);
  g_ptr_array_add (self->not_taken_reasons, reason);
  return row;
}

static void
fill_lines (CurbDetailPage *self)
{
  remove_all_rows (self->lines_box);
  remove_all_rows (self->partial_box);
  g_ptr_array_set_size (self->not_taken_spins, 0);
  g_ptr_array_set_size (self->not_taken_reasons, 0);
  for (guint i = 0; i < curb_board_order_get_n_lines (self->order); i++)
    {
      const CurbBoardLine *line = curb_board_order_get_line (self->order, i);

      gtk_list_box_append (self->lines_box, make_line_row (line));
      gtk_list_box_append (self->partial_box, make_partial_row (self, line));
    }
}

static char *
format_state (CurbDetailPage *self)
{
  const char *by = curb_board_order_get_claimed_by_name (self->order);

  switch (curb_board_order_get_state (self->order))
    {
    case CURB_BOARD_STATE_PENDING:
      return g_strdup (_("Not ready yet"));
    case CURB_BOARD_STATE_READY:
      return g_strdup (_("Ready, shopper not here yet"));
    case CURB_BOARD_STATE_ARRIVED:
      return g_strdup (_("Shopper is waiting"));
    case CURB_BOARD_STATE_CLAIMED:
      if (is_mine (self))
        return g_strdup (_("You claimed it"));
      return g_strdup_printf (_("Claimed by %s"), by ? by : _("someone else"));
    case CURB_BOARD_STATE_HANDED_OVER:
      return g_strdup (_("Handed over"));
    case CURB_BOARD_STATE_PARTIALLY_HANDED_OVER:
      return g_strdup (_("Partly handed over"));
    case CURB_BOARD_STATE_NO_SHOW:
      return g_strdup (_("No-show"));
    case CURB_BOARD_STATE_CANCELLED:
    default:
      return g_strdup (_("Cancelled: do not hand over"));
    }
}

static void
update_bag_status (CurbDetailPage *self)
{
  int total = curb_bag_check_get_total (self->bags);
  g_autofree char *text = NULL;

  if (!curb_board_order_get_staged (self->order))
    text = g_strdup (_("Never staged: count its bags in Stage orders and print their labels, then scan each one here."));
  else if (total == 0)
    text = g_strdup (_("No bag labels to scan for this order."));
  else if (curb_bag_check_is_complete (self->bags))
    text = g_strdup_printf (_("All %d bags scanned. Right bags."), total);
  else
    text = g_strdup_printf (_("Scan each bag label: %d of %d scanned"),
                            curb_bag_check_get_scanned (self->bags), total);
  gtk_label_set_text (self->bag_status_label, text);
}

static gboolean
partial_is_valid (CurbDetailPage *self)
{
  if (!gtk_check_button_get_active (self->partial_check))
    return TRUE;
  for (guint i = 0; i < self->not_taken_spins->len; i++)
    if (gtk_spin_button_get_value_as_int (g_ptr_array_index (self->not_taken_spins, i)) > 0)
      return TRUE;
  return FALSE;
}

static void
update_sensitivity (CurbDetailPage *self)
{
  gtk_widget_set_sensitive (GTK_WIDGET (self->complete_button), curb_detail_page_can_complete (self));
}

static void
update_actions (CurbDetailPage *self)
{
  CurbBoardState state = curb_board_order_get_state (self->order);
  gint64 now = curb_staging_station_now (self->station);
  CurbBoardModel *board = curb_staging_station_get_board (self->station);
  gboolean claimed_by_me = state == CURB_BOARD_STATE_CLAIMED && is_mine (self);

  gtk_widget_set_visible (GTK_WIDGET (self->claim_button), state == CURB_BOARD_STATE_ARRIVED);
  gtk_widget_set_visible (self->handoff_box, claimed_by_me);
  gtk_widget_set_visible (self->handoff_actions, claimed_by_me);
  gtk_widget_set_visible (GTK_WIDGET (self->id_check), curb_board_order_get_age_restricted (self->order));
  gtk_widget_set_visible (GTK_WIDGET (self->no_show_button),
                          curb_board_model_is_no_show_due (board, self->order, now));
  gtk_widget_set_visible (GTK_WIDGET (self->return_button),
                          state == CURB_BOARD_STATE_NO_SHOW || state == CURB_BOARD_STATE_CANCELLED);
  update_bag_status (self);
  update_sensitivity (self);
}

static void
fill_header (CurbDetailPage *self)
{
  g_autofree char *name = curb_board_order_dup_display_name (self->order);
  g_autofree char *alternate = curb_board_order_dup_alternate_name (self->order);
  const char *bay = curb_board_order_get_bay (self->order);
  g_autofree char *who = NULL, *state = format_state (self);
  g_autofree char *where = curb_board_order_dup_locations_text (self->order);
  g_autofree char *where_text = NULL, *bags = NULL;

  who = bay != NULL ? g_strdup_printf (_("%s · Bay %s"), name, bay) : g_strdup (name);
  if (alternate != NULL)
    {
      g_autofree char *with = g_strdup_printf (_("%s · picked up by %s"), who, alternate);
      g_free (who);
      who = g_steal_pointer (&with);
    }
  where_text = *where ? g_strdup_printf (_("Staging location: %s"), where) : g_strdup (_("Not staged yet"));
  bags = g_strdup_printf (_("Bags: %d ambient · %d chilled · %d frozen"),
                          curb_board_order_get_bags (self->order, CURB_BOARD_TEMP_AMBIENT),
                          curb_board_order_get_bags (self->order, CURB_BOARD_TEMP_CHILLED),
                          curb_board_order_get_bags (self->order, CURB_BOARD_TEMP_FROZEN));
  gtk_label_set_text (self->ref_label, curb_board_order_get_ref (self->order));
  gtk_label_set_text (self->who_label, who);
  gtk_label_set_text (self->state_label, state);
  gtk_label_set_text (self->where_label, where_text);
  gtk_label_set_text (self->bags_label, bags);
  if (curb_board_order_get_cancelled (self->order))
    curb_detail_page_set_message (self, _("This order was cancelled. Do not hand it over; return the items to stock."), TRUE);
}

static void
on_board_order_changed (CurbBoardModel *board,
                        const char     *ref,
                        CurbBoardOrder *order,
                        CurbDetailPage *self)
{
  if (self->order == NULL || order == NULL
      || g_strcmp0 (ref, curb_board_order_get_ref (self->order)) != 0)
    return;
  g_set_object (&self->order, order);
  /* a bag scan's warning is about the handoff: gone once it is done */
  if (curb_board_order_get_state (order) == CURB_BOARD_STATE_HANDED_OVER
      || curb_board_order_get_state (order) == CURB_BOARD_STATE_PARTIALLY_HANDED_OVER)
    curb_detail_page_set_message (self, NULL, FALSE);
  fill_header (self);
  update_actions (self);
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
  update_sensitivity (self);
}

static void
on_input_changed (CurbDetailPage *self)
{
  update_sensitivity (self);
}

static void
emit_simple (CurbDetailPage *self,
             guint           signal_id)
{
  if (self->order != NULL)
    g_signal_emit (self, signals[signal_id], 0, curb_board_order_get_ref (self->order));
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
  g_signal_emit (self, signals[COMPLETE], 0, curb_board_order_get_ref (self->order),
                 gtk_check_button_get_active (self->id_check), not_taken);
}

static void
curb_detail_page_dispose (GObject *object)
{
  CurbDetailPage *self = CURB_DETAIL_PAGE (object);

  if (self->station != NULL)
    g_signal_handlers_disconnect_by_data (curb_staging_station_get_board (self->station), self);
  g_clear_object (&self->station);
  g_clear_object (&self->order);
  g_clear_object (&self->bags);
  g_clear_pointer (&self->not_taken_spins, g_ptr_array_unref);
  g_clear_pointer (&self->not_taken_reasons, g_ptr_array_unref);

  G_OBJECT_CLASS (curb_detail_page_parent_class)->dispose (object);
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
  g_signal_connect (curb_staging_station_get_board (station), "order-changed",
                    G_CALLBACK (on_board_order_changed), self);
  return GTK_WIDGET (self);
}

void
curb_detail_page_show_order (CurbDetailPage *self,
                             CurbBoardOrder *order)
{
  g_return_if_fail (CURB_IS_DETAIL_PAGE (self));
  g_return_if_fail (CURB_IS_BOARD_ORDER (order));

  g_set_object (&self->order, order);
  g_clear_object (&self->bags);
  self->bags = curb_bag_check_new (curb_board_order_get_ref (order),
                                   curb_board_order_get_total_bags (order));
  curb_detail_page_set_message (self, NULL, FALSE);
  gtk_check_button_set_active (self->id_check, FALSE);
  gtk_check_button_set_active (self->partial_check, FALSE);
  fill_lines (self);
  for (guint i = 0; i < self->not_taken_spins->len; i++)
    g_signal_connect_swapped (g_ptr_array_index (self->not_taken_spins, i), "value-changed",
                              G_CALLBACK (on_input_changed), self);
  fill_header (self);
  update_actions (self);
}

const char *
curb_detail_page_get_ref (CurbDetailPage *self)
{
  g_return_val_if_fail (CURB_IS_DETAIL_PAGE (self), NULL);
  return self->order != NULL ? curb_board_order_get_ref (self->order) : NULL;
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
  update_bag_status (self);
  update_sensitivity (self);
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

gboolean
curb_detail_page_can_complete (CurbDetailPage *self)
{
  g_return_val_if_fail (CURB_IS_DETAIL_PAGE (self), FALSE);
  if (self->order == NULL || curb_board_order_get_state (self->order) != CURB_BOARD_STATE_CLAIMED
      || curb_board_order_get_cancelled (self->order))
    return FALSE;
  /* an order never staged has no counted bags to prove: stage it first */
  if (!curb_board_order_get_staged (self->order) || !curb_bag_check_is_complete (self->bags))
    return FALSE;
  if (curb_board_order_get_age_restricted (self->order) && !gtk_check_button_get_active (self->id_check))
    return FALSE;
  return partial_is_valid (self);
}

/* Returns: (transfer full): a JSON array of {line_id, qty, reason} */
JsonNode *
curb_detail_page_dup_not_taken (CurbDetailPage *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  gboolean partial;

  g_return_val_if_fail (CURB_IS_DETAIL_PAGE (self), NULL);
  partial = gtk_check_button_get_active (self->partial_check);
  json_builder_begin_array (builder);
  for (guint i = 0; partial && i < self->not_taken_spins->len; i++)
    {
      GtkSpinButton *spin = g_ptr_array_index (self->not_taken_spins, i);
      guint reason = gtk_drop_down_get_selected (g_ptr_array_index (self->not_taken_reasons, i));
      int qty = gtk_spin_button_get_value_as_int (spin);

      if (qty <= 0)
        continue;
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "line_id");
      json_builder_add_string_value (builder, g_object_get_data (G_OBJECT (spin), "line-id"));
      json_builder_set_member_name (builder, "qty");
      json_builder_add_int_value (builder, qty);
      json_builder_set_member_name (builder, "reason");
      json_builder_add_string_value (builder, reason_ids[MIN (reason, G_N_ELEMENTS (reason_ids) - 1)]);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  return json_builder_get_root (builder);
}
