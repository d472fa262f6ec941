#include "curb-board-order.h"

#include <string.h>

#include "curbside-core.h"

struct _CurbBoardOrder
{
  GObject         parent_instance;

  char           *ref;
  char           *first_name;
  char           *last_initial;
  char           *alt_first_name;
  char           *alt_last_initial;
  char           *bay;
  char           *claimed_by_id;
  char           *claimed_by_name;
  CurbBoardState  state;
  gboolean        staged;
  gboolean        cancelled;
  gboolean        age_restricted;
  gint64          arrived_at;
  gint64          claimed_at;
  gint64          handed_over_at;
  gint64          staged_at;
  gint64          window_start;
  gint64          window_end;
  gint64          last_seq;
  int             bags[CURB_BOARD_N_TEMPS];
  GPtrArray      *lines;
  GArray         *locations;
  guint           pending_substitutions;
  guint           n_not_taken;
  gint64          eta;            /* the shopper said "on my way": expected at */
  char           *restage_text;   /* "+3 × Whole Milk 1 L": central changed it after staging */
  JsonObject     *json;
};

G_DEFINE_FINAL_TYPE (CurbBoardOrder, curb_board_order, G_TYPE_OBJECT)

static const char *const state_names[] = {
  "pending", "ready", "arrived", "claimed", "handed_over",
  "partially_handed_over", "no_show", "cancelled",
};

static const char *const temp_names[] = { "ambient", "chilled", "frozen" };

static void
board_line_free (gpointer data)
{
  CurbBoardLine *line = data;

  g_free (line->id);
  g_free (line->sku);
  g_free (line->name);
  g_free (line);
}

static const char *
member_string (JsonObject *object,
               const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node)
      || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

static gint64
member_int (JsonObject *object,
            const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return 0;
  if (json_node_get_value_type (node) == G_TYPE_INT64)
    return json_node_get_int (node);
  if (json_node_get_value_type (node) == G_TYPE_DOUBLE)
    return (gint64) json_node_get_double (node);
  return 0;
}

static gboolean
member_bool (JsonObject *object,
             const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  return node != NULL && JSON_NODE_HOLDS_VALUE (node)
         && json_node_get_value_type (node) == G_TYPE_BOOLEAN
         && json_node_get_boolean (node);
}

static JsonObject *
member_object (JsonObject *object,
               const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  return node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

static JsonArray *
member_array (JsonObject *object,
              const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  return node != NULL && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
}

static gint64
member_time (JsonObject *object,
             const char *name)
{
  gint64 ms = 0;

  if (!curb_iso8601_to_ms (member_string (object, name), &ms))
    return 0;
  return ms;
}

static gboolean
ref_is_valid (const char *ref)
{
  gsize len;

  if (ref == NULL)
    return FALSE;
  len = strlen (ref);
  if (len == 0 || len > 32)
    return FALSE;
  for (const char *p = ref; *p; p++)
    if (!g_ascii_isupper (*p) && !g_ascii_isdigit (*p) && *p != '-')
      return FALSE;
  return TRUE;
}

static gboolean
state_from_string (const char     *text,
                   CurbBoardState *out)
{
  for (guint i = 0; text != NULL && i < G_N_ELEMENTS (state_names); i++)
    if (g_str_equal (text, state_names[i]))
      {
        *out = (CurbBoardState) i;
        return TRUE;
      }
  return FALSE;
}

static void
parse_lines (CurbBoardOrder *self,
             JsonArray      *lines)
{
  for (guint i = 0; lines != NULL && i < json_array_get_length (lines); i++)
    {
      JsonObject *object = json_array_get_object_element (lines, i);
      CurbBoardLine *line;

      if (object == NULL)
        continue;
      line = g_new0 (CurbBoardLine, 1);
      line->id = g_strdup (member_string (object, "id"));
      line->sku = g_strdup (member_string (object, "sku"));
      line->name = g_strdup (member_string (object, "name"));
      line->qty = (int) CLAMP (member_int (object, "qty"), 0, 9999);
      line->age_restricted = member_bool (object, "age_restricted");
      if (!curb_board_temp_from_string (member_string (object, "temperature"), &line->temperature))
        line->temperature = CURB_BOARD_TEMP_AMBIENT;
      g_ptr_array_add (self->lines, line);
    }
}

static void
parse_locations (CurbBoardOrder *self,
                 JsonArray      *locations)
{
  for (guint i = 0; locations != NULL && i < json_array_get_length (locations); i++)
    {
      JsonObject *object = json_array_get_object_element (locations, i);
      CurbBoardLocation location;

      if (object == NULL || member_string (object, "zone") == NULL)
        continue;
      location.zone = g_strdup (member_string (object, "zone"));
      location.shelf = g_strdup (member_string (object, "shelf"));
      location.bin = g_strdup (member_string (object, "bin"));
      g_array_append_val (self->locations, location);
    }
}

static void
parse_bags (CurbBoardOrder *self,
            JsonObject     *bags)
{
  for (guint i = 0; bags != NULL && i < CURB_BOARD_N_TEMPS; i++)
    self->bags[i] = (int) CLAMP (member_int (bags, temp_names[i]), 0, 999);
}

static guint
count_pending_substitutions (JsonArray *substitutions)
{
  guint n = 0;

  for (guint i = 0; substitutions != NULL && i < json_array_get_length (substitutions); i++)
    {
      JsonObject *object = json_array_get_object_element (substitutions, i);

      if (object != NULL && g_strcmp0 (member_string (object, "status"), "pending") == 0)
        n++;
    }
  return n;
}

static void
parse_people (CurbBoardOrder *self,
              JsonObject     *object)
{
  JsonObject *alternate = member_object (object, "alternate_pickup");
  JsonObject *claimer = member_object (object, "claimed_by");

  self->first_name = g_strdup (member_string (object, "first_name"));
  self->last_initial = g_strdup (member_string (object, "last_initial"));
  if (alternate != NULL)
    {
      self->alt_first_name = g_strdup (member_string (alternate, "first_name"));
      self->alt_last_initial = g_strdup (member_string (alternate, "last_initial"));
    }
  if (claimer != NULL)
    {
      self->claimed_by_id = g_strdup (member_string (claimer, "id"));
      self->claimed_by_name = g_strdup (member_string (claimer, "first_name"));
    }
}

static void
parse_times (CurbBoardOrder *self,
             JsonObject     *object)
{
  self->arrived_at = member_time (object, "arrived_at");
  self->claimed_at = member_time (object, "claimed_at");
  self->handed_over_at = member_time (object, "handed_over_at");
  self->staged_at = member_time (object, "staged_at");
  self->window_start = member_time (object, "window_start");
  self->window_end = member_time (object, "window_end");
  self->eta = member_object (object, "on_the_way") != NULL ? member_time (member_object (object, "on_the_way"), "eta") : 0;
}

/* "+3 × Whole Milk 1 L, −1 × Eggs" */
static char *
restage_text (JsonArray *changes)
{
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint i = 0; changes != NULL && i < json_array_get_length (changes); i++)
    {
      JsonObject *change = json_array_get_object_element (changes, i);
      gint64 delta = change != NULL ? member_int (change, "qty") - member_int (change, "staged_qty") : 0;

      if (delta == 0)
        continue;
      g_string_append_printf (text, "%s%s%" G_GINT64_FORMAT " \u00d7 %s", text->len > 0 ? ", " : "",
                              delta > 0 ? "+" : "\u2212", ABS (delta),
                              member_string (change, "name") ?: member_string (change, "line_id") ?: "?");
    }
  return text->len > 0 ? g_string_free (g_steal_pointer (&text), FALSE) : NULL;
}

static void
curb_board_order_finalize (GObject *object)
{
  CurbBoardOrder *self = CURB_BOARD_ORDER (object);

  g_free (self->ref);
  g_free (self->first_name);
  g_free (self->last_initial);
  g_free (self->alt_first_name);
  g_free (self->alt_last_initial);
  g_free (self->bay);
  g_free (self->claimed_by_id);
  g_free (self->claimed_by_name);
  g_free (self->restage_text);
  g_ptr_array_unref (self->lines);
  g_array_unref (self->locations);
  g_clear_pointer (&self->json, json_object_unref);

  G_OBJECT_CLASS (curb_board_order_parent_class)->finalize (object);
}

static void
curb_board_order_class_init (CurbBoardOrderClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = curb_board_order_finalize;
}

static void
curb_board_order_init (CurbBoardOrder *self)
{
  self->lines = g_ptr_array_new_with_free_func (board_line_free);
  self->locations = g_array_new (FALSE, TRUE, sizeof (CurbBoardLocation));
  g_array_set_clear_func (self->locations, (GDestroyNotify) curb_board_location_clear);
}

/**
 * curb_board_order_new_from_json:
 * @object: an order as the hub API returns it (docs/data-model.md)
 * @error: return location for a %CURB_ERROR_INVALID error
 *
 * Returns: (transfer full): the order, or %NULL when @object has no valid
 *   reference or state. Unknown or malformed optional fields are ignored.
 */
CurbBoardOrder *
curb_board_order_new_from_json (JsonObject  *object,
                                GError     **error)
{
  g_autoptr(CurbBoardOrder) self = NULL;
  const char *ref;

  g_return_val_if_fail (object != NULL, NULL);

  ref = member_string (object, "ref");
  if (!ref_is_valid (ref))
    {
      g_set_error (error, CURB_ERROR, CURB_ERROR_INVALID, "order has no valid \"ref\"");
      return NULL;
    }
  self = g_object_new (CURB_TYPE_BOARD_ORDER, NULL);
  self->ref = g_strdup (ref);
  self->json = json_object_ref (object);
  if (!state_from_string (member_string (object, "state"), &self->state))
    {
      g_set_error (error, CURB_ERROR, CURB_ERROR_INVALID, "order %s has an unknown state", ref);
      return NULL;
    }
  self->staged = member_bool (object, "staged");
  self->cancelled = member_bool (object, "cancelled") || self->state == CURB_BOARD_STATE_CANCELLED;
  self->age_restricted = member_bool (object, "age_restricted");
  self->bay = g_strdup (member_string (object, "bay"));
  self->last_seq = member_int (object, "last_seq");
  parse_people (self, object);
  parse_times (self, object);
  parse_lines (self, member_array (object, "lines"));
  parse_locations (self, member_array (object, "locations"));
  parse_bags (self, member_object (object, "bags"));
  self->pending_substitutions = count_pending_substitutions (member_array (object, "substitutions"));
  self->n_not_taken = member_array (object, "not_taken") != NULL
                      ? json_array_get_length (member_array (object, "not_taken")) : 0;
  self->restage_text = restage_text (member_array (object, "restage"));
  return g_steal_pointer (&self);
}

CurbBoardOrder *
curb_board_order_new_from_string (const char  *json,
                                  GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonNode *root;

  g_return_val_if_fail (json != NULL, NULL);

  if (!json_parser_load_from_data (parser, json, -1, error))
    return NULL;
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error (error, CURB_ERROR, CURB_ERROR_INVALID, "an order must be a JSON object");
      return NULL;
    }
  return curb_board_order_new_from_json (json_node_get_object (root), error);
}

const char *
curb_board_order_get_ref (CurbBoardOrder *self)
{
  g_return_val_if_fail (CURB_IS_BOARD_ORDER (self), NULL);
  return self->ref;
}

const char *
curb_board_order_get_first_name (CurbBoardOrder *self)
{
  g_return_val_if_fail (CURB_IS_BOARD_ORDER (self), NULL);
  return self->first_name;
}

const char *
curb_board_order_get_last_initial (CurbBoardOrder *self)
{
  g_return_val_if_fail (CURB_IS_BOARD_ORDER (self), NULL);
  return self->last_initial;
}

char *
curb_board_order_dup_display_name (CurbBoardOrder *self)
{
  char *name;

  g_return_val_if_fail (CURB_IS_BOARD_ORDER (self), NULL);
  name = curb_order_format_display_name (self->first_name, self->last_initial);
  return name != NULL ? name : g_strdup ("—");
}

char *
curb_board_order_dup_alternate_name (CurbBoardOrder *self)
{
  g_return_val_if_fail (CURB_IS_BOARD_ORDER (self), NULL);
  return curb_order_format_display_name (self->alt_first_name, self->alt_last_initial);
}

CurbBoardState
curb_board_order_get_state (CurbBoardOrder *self)
{
  g_return_val_if_fail (CURB_IS_BOARD_ORDER (self), CURB_BOARD_STATE_PENDING);
  return self->state;
}

gboolean
curb_board_order_get_staged (CurbBoardOrder *self)
{
  g_return_val_if_fail (CURB_IS_BOARD_ORDER (self), FALSE);
  return self->staged;
}

gboolean
curb_board_order_get_cancelled (CurbBoardOrder *self)
{
  g_return_val_if_fail (CURB_IS_BOARD_ORDER (self), FALSE);
  return self->cancelled;
}

gboolean
curb_board_order_get_age_restricted (CurbBoardOrder *self)
{
  g_return_val_if_fail (CURB_IS_BOARD_ORDER (self), FALSE);
  if (self->age_restricted)
    return TRUE;
  for (guint i = 0; i < self->lines->len; i++)
    if (((CurbBoardLine *) g_ptr_array_index (self->lines, i))->age_restricted)
      return TRUE;
  return FALSE;
}

const char *
curb_board_order_get_bay (CurbBoardOrder *self)
{
  g_return_val_if_fail (CURB_IS_BOARD_ORDER (self), NULL);
  return self->bay;
}

gint64
curb_board_order_get_arrived_at (CurbBoardOrder *self)
{
  g_return_val_if_fail (CURB_IS_BOARD_ORDER (self), 0);
  return self->arrived_at;
}

gint64
curb_board_order_get_claimed_at (CurbBoardOrder *self)
{
  g_return_val_if_fail (CURB_IS_BOARD_ORDER (self), 0);
  return self->claimed_at;
}

gint64
curb_board_order_get_handed_over_at (CurbBoardOrder *self)
{
  g_return_val_if_fail (CURB_IS_BOARD_ORDER (self), 0);
  return self->handed_over_at;
}

gint64
curb_board_order_get_staged_at (CurbBoardOrder *self)
{
  g_return_val_if_fail (CURB_IS_BOARD_ORDER (self), 0);
  return self->staged_at;
}

gint64
curb_board_order_get_window_start (CurbBoardOrder *self)
{
  g_return_val_if_fail (CURB_IS_BOARD_ORDER (self), 0);
  return self->window_start;
}

gint64
curb_board_order_get_window_end (CurbBoardOrder *self)
{
  g_return_val_if_fail (CURB_IS_BOARD_ORDER (self), 0);
  return self->window_end;
}

const char *
curb_board_order_get_claimed_by_id (CurbBoardOrder *self)
{
  g_return_val_if_fail (CURB_IS_BOARD_ORDER (self), NULL);
  return self->claimed_by_id;
}

const char *
curb_board_order_get_claimed_by_name (CurbBoardOrder *self)
{
  g_return_val_if_fail (CURB_IS_BOARD_ORDER (self), NULL);
  return self->claimed_by_name;
}

int
curb_board_order_get_bags (CurbBoardOrder *self,
                           CurbBoardTemp   temperature)
{
  g_return_val_if_fail (CURB_IS_BOARD_ORDER (self), 0);
  g_return_val_if_fail (temperature < CURB_BOARD_N_TEMPS, 0);
  return self->bags[temperature];
}

int
curb_board_order_get_total_bags (CurbBoardOrder *self)
{
  g_return_val_if_fail (CURB_IS_BOARD_ORDER (self), 0);
  return self->bags[0] + self->bags[1] + self->bags[2];
}

guint
curb_board_order_get_n_lines (CurbBoardOrder *self)
{
  g_return_val_if_fail (CURB_IS_BOARD_ORDER (self), 0);
  return self->lines->len;
}

const CurbBoardLine *
curb_board_order_get_line (CurbBoardOrder *self,
                           guint           index)
{
  g_return_val_if_fail (CURB_IS_BOARD_ORDER (self), NULL);
  g_return_val_if_fail (index < self->lines->len, NULL);
  return g_ptr_array_index (self->lines, index);
}

guint
curb_board_order_get_n_locations (CurbBoardOrder *self)
{
  g_return_val_if_fail (CURB_IS_BOARD_ORDER (self), 0);
  return self->locations->len;
}

const CurbBoardLocation *
curb_board_order_get_location (CurbBoardOrder *self,
                               guint           index)
{
  g_return_val_if_fail (CURB_IS_BOARD_ORDER (self), NULL);
  g_return_val_if_fail (index < self->locations->len, NULL);
  return &g_array_index (self->locations, CurbBoardLocation, index);
}

char *
curb_board_order_dup_locations_text (CurbBoardOrder *self)
{
  g_autoptr(GString) text = g_string_new (NULL);

  g_return_val_if_fail (CURB_IS_BOARD_ORDER (self), NULL);
  for (guint i = 0; i < self->locations->len; i++)
    {
      g_autofree char *one = curb_board_location_format (curb_board_order_get_location (self, i));

      if (text->len > 0)
        g_string_append (text, ", ");
      g_string_append (text, one);
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

guint
curb_board_order_get_pending_substitutions (CurbBoardOrder *self)
{
  g_return_val_if_fail (CURB_IS_BOARD_ORDER (self), 0);
  return self->pending_substitutions;
}

guint
curb_board_order_get_n_not_taken (CurbBoardOrder *self)
{
  g_return_val_if_fail (CURB_IS_BOARD_ORDER (self), 0);
  return self->n_not_taken;
}

gint64
curb_board_order_get_last_seq (CurbBoardOrder *self)
{
  g_return_val_if_fail (CURB_IS_BOARD_ORDER (self), 0);
  return self->last_seq;
}

gboolean
curb_board_order_is_done (CurbBoardOrder *self)
{
  g_return_val_if_fail (CURB_IS_BOARD_ORDER (self), FALSE);
  switch (self->state)
    {
    case CURB_BOARD_STATE_HANDED_OVER:
    case CURB_BOARD_STATE_PARTIALLY_HANDED_OVER:
    case CURB_BOARD_STATE_NO_SHOW:
    case CURB_BOARD_STATE_CANCELLED:
      return TRUE;
    case CURB_BOARD_STATE_PENDING:
    case CURB_BOARD_STATE_READY:
    case CURB_BOARD_STATE_ARRIVED:
    case CURB_BOARD_STATE_CLAIMED:
    default:
      return FALSE;
    }
}

const char *
curb_board_temp_to_string (CurbBoardTemp temperature)
{
  g_return_val_if_fail (temperature < CURB_BOARD_N_TEMPS, "ambient");
  return temp_names[temperature];
}

gboolean
curb_board_temp_from_string (const char    *text,
                             CurbBoardTemp *out)
{
  for (guint i = 0; text != NULL && i < CURB_BOARD_N_TEMPS; i++)
    if (g_str_equal (text, temp_names[i]))
      {
        *out = (CurbBoardTemp) i;
        return TRUE;
      }
  return FALSE;
}

const char *
curb_board_state_to_string (CurbBoardState state)
{
  g_return_val_if_fail ((guint) state < G_N_ELEMENTS (state_names), "pending");
  return state_names[state];
}

char *
curb_board_location_format (const CurbBoardLocation *location)
{
  g_autoptr(GString) text = g_string_new (location->zone);

  if (location->shelf != NULL)
    g_string_append_printf (text, "-%s", location->shelf);
  if (location->bin != NULL)
    g_string_append_printf (text, "-%s", location->bin);
  return g_string_free (g_steal_pointer (&text), FALSE);
}

static gboolean
location_part_is_valid (const char *part)
{
  gsize len = strlen (part);

  if (len == 0 || len > 8)
    return FALSE;
  for (const char *p = part; *p; p++)
    if (!g_ascii_isalnum (*p))
      return FALSE;
  return TRUE;
}

/* "C-2-14", or a bin label's QR payload "BIN:C-2-14". */
gboolean
curb_board_location_parse (const char        *text,
                           CurbBoardLocation *out)
{
  g_auto(GStrv) parts = NULL;
  guint n;

  g_return_val_if_fail (out != NULL, FALSE);
  if (text == NULL)
    return FALSE;
  if (g_str_has_prefix (text, "BIN:"))
    text += 4;
  parts = g_strsplit (text, "-", 4);
  n = g_strv_length (parts);
  if (n != 3)
    return FALSE;
  for (guint i = 0; i < n; i++)
    if (!location_part_is_valid (parts[i]))
      return FALSE;
  out->zone = g_ascii_strup (parts[0], -1);
  out->shelf = g_ascii_strup (parts[1], -1);
  out->bin = g_ascii_strup (parts[2], -1);
  return TRUE;
}

void
curb_board_location_clear (CurbBoardLocation *location)
{
  g_clear_pointer (&location->zone, g_free);
  g_clear_pointer (&location->shelf, g_free);
  g_clear_pointer (&location->bin, g_free);
}

/* Returns: (transfer none): the order as the hub sent it (for receipts and labels) */
JsonObject *
curb_board_order_get_json (CurbBoardOrder *self)
{
  g_return_val_if_fail (CURB_IS_BOARD_ORDER (self), NULL);
  return self->json;
}

/* When the shopper said they will arrive ("I'm on my way"), 0 when not announced. */
gint64
curb_board_order_get_eta (CurbBoardOrder *self)
{
  g_return_val_if_fail (CURB_IS_BOARD_ORDER (self), 0);
  return self->eta;
}

/* What to re-stage after central changed the order ("+3 × Milk"), or NULL. */
const char *
curb_board_order_get_restage (CurbBoardOrder *self)
{
  g_return_val_if_fail (CURB_IS_BOARD_ORDER (self), NULL);
  return self->restage_text;
}
