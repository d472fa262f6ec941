#include "curb-kiosk-order.h"
#include "curb-order.h"

#include "curb-error.h"
#include "curb-util.h"

#define NAME_MAX_CHARS 40
#define ITEM_MAX_CHARS 80

struct _CurbKioskOrder
{
  GObject    parent_instance;

  char      *ref;
  char      *first_name;
  char      *last_initial;
  char      *alt_first_name;
  char      *alt_last_initial;
  char      *language;
  char      *state;
  char      *bay;
  char      *claimed_by;
  gboolean   staged;
  gboolean   cancelled;
  gboolean   age_restricted;
  int        item_count;
  int        bags[3];
  gint64     window_start_ms;
  gint64     window_end_ms;
  GPtrArray *substitutions;
};

G_DEFINE_FINAL_TYPE (CurbKioskOrder, curb_kiosk_order, G_TYPE_OBJECT)

static const char * const temperatures[] = { "ambient", "chilled", "frozen" };

/* Plain, printable, bounded text: untrusted strings from the network. */
static char *
clean_text (const char *text,
            guint       max_chars)
{
  GString *out;
  const char *p;
  guint n = 0;

  if (text == NULL || !g_utf8_validate (text, -1, NULL))
    return g_strdup ("");
  out = g_string_new (NULL);
  for (p = text; *p != '\0' && n < max_chars; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_iscntrl (c) || g_unichar_type (c) == G_UNICODE_FORMAT)
        continue;
      g_string_append_unichar (out, c);
      n++;
    }
  return g_strstrip (g_string_free (out, FALSE));
}

static char *
member_text (JsonObject *object,
             const char *name,
             guint       max_chars)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node)
      || json_node_get_value_type (node) != G_TYPE_STRING)
    return g_strdup ("");
  return clean_text (json_node_get_string (node), max_chars);
}

static gint64
member_int (JsonObject *object,
            const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return 0;
  if (json_node_get_value_type (node) != G_TYPE_INT64)
    return 0;
  return json_node_get_int (node);
}

static gboolean
member_bool (JsonObject *object,
             const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node)
      || json_node_get_value_type (node) != G_TYPE_BOOLEAN)
    return FALSE;
  return json_node_get_boolean (node);
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
  g_autofree char *text = member_text (object, name, 40);
  gint64 ms = 0;

  return curb_iso8601_to_ms (text, &ms) ? ms : 0;
}

static gboolean
ref_is_valid (const char *ref)
{
  gsize len = strlen (ref);

  if (len == 0 || len > 32)
    return FALSE;
  for (const char *p = ref; *p != '\0'; p++)
    if (!(g_ascii_isupper (*p) || g_ascii_isdigit (*p) || *p == '-'))
      return FALSE;
  return TRUE;
}

static void
substitution_free (gpointer data)
{
  CurbKioskSubstitution *sub = data;

  g_free (sub->id);
  g_free (sub->original);
  g_free (sub->replacement);
  g_free (sub->status);
  g_free (sub);
}

static void
read_lines (CurbKioskOrder *self,
            JsonArray      *lines)
{
  guint n = lines != NULL ? json_array_get_length (lines) : 0;

  for (guint i = 0; i < n; i++)
    {
      JsonNode *node = json_array_get_element (lines, i);
      gint64 qty;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        continue;
      qty = member_int (json_node_get_object (node), "qty");
      if (qty > 0 && qty < 10000)
        self->item_count += (int) qty;
    }
}

static void
read_substitutions (CurbKioskOrder *self,
                    JsonArray      *subs)
{
  guint n = subs != NULL ? json_array_get_length (subs) : 0;

  for (guint i = 0; i < n && self->substitutions->len < 20; i++)
    {
      JsonNode *node = json_array_get_element (subs, i);
      CurbKioskSubstitution *sub;
      JsonObject *object;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        continue;
      object = json_node_get_object (node);
      sub = g_new0 (CurbKioskSubstitution, 1);
      sub->id = member_text (object, "id", 64);
      sub->original = member_text (object, "original", ITEM_MAX_CHARS);
      sub->replacement = member_text (object, "replacement", ITEM_MAX_CHARS);
      sub->qty = (int) CLAMP (member_int (object, "qty"), 0, 999);
      sub->status = member_text (object, "status", 16);
      g_ptr_array_add (self->substitutions, sub);
    }
}

static void
read_bags (CurbKioskOrder *self,
           JsonObject     *bags)
{
  if (bags == NULL)
    return;
  for (guint t = 0; t < G_N_ELEMENTS (temperatures); t++)
    self->bags[t] = (int) CLAMP (member_int (bags, temperatures[t]), 0, 999);
}

static void
read_people (CurbKioskOrder *self,
             JsonObject     *object)
{
  JsonObject *alternate = member_object (object, "alternate_pickup");
  JsonObject *claimed = member_object (object, "claimed_by");

  self->first_name = member_text (object, "first_name", NAME_MAX_CHARS);
  self->last_initial = member_text (object, "last_initial", 1);
  if (alternate != NULL)
    {
      self->alt_first_name = member_text (alternate, "first_name", NAME_MAX_CHARS);
      self->alt_last_initial = member_text (alternate, "last_initial", 1);
    }
  self->claimed_by = claimed != NULL ? member_text (claimed, "first_name", NAME_MAX_CHARS)
                                     : g_strdup ("");
}

static void
curb_kiosk_order_finalize (GObject *object)
{
  CurbKioskOrder *self = CURB_KIOSK_ORDER (object);

  g_free (self->ref);
  g_free (self->first_name);
  g_free (self->last_initial);
  g_free (self->alt_first_name);
  g_free (self->alt_last_initial);
  g_free (self->language);
  g_free (self->state);
  g_free (self->bay);
  g_free (self->claimed_by);
  g_ptr_array_unref (self->substitutions);

  G_OBJECT_CLASS (curb_kiosk_order_parent_class)->finalize (object);
}

static void
curb_kiosk_order_class_init (CurbKioskOrderClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = curb_kiosk_order_finalize;
}

static void
curb_kiosk_order_init (CurbKioskOrder *self)
{
  self->substitutions = g_ptr_array_new_with_free_func (substitution_free);
}

CurbKioskOrder *
curb_kiosk_order_new_from_json (JsonObject  *object,
                                GError     **error)
{
  g_autoptr(CurbKioskOrder) self = NULL;

  g_return_val_if_fail (object != NULL, NULL);

  self = g_object_new (CURB_TYPE_KIOSK_ORDER, NULL);
  self->ref = member_text (object, "ref", 33);
  if (!ref_is_valid (self->ref))
    {
      g_set_error (error, CURB_ERROR, CURB_ERROR_PROTOCOL, "order without a valid ref");
      return NULL;
    }
  read_people (self, object);
  self->language = member_text (object, "language", 8);
  self->state = member_text (object, "state", 32);
  self->bay = member_text (object, "bay", 8);
  self->staged = member_bool (object, "staged");
  self->cancelled = member_bool (object, "cancelled") || g_strcmp0 (self->state, "cancelled") == 0;
  self->age_restricted = member_bool (object, "age_restricted");
  self->window_start_ms = member_time (object, "window_start");
  self->window_end_ms = member_time (object, "window_end");
  read_lines (self, member_array (object, "lines"));
  read_bags (self, member_object (object, "bags"));
  read_substitutions (self, member_array (object, "substitutions"));
  return g_steal_pointer (&self);
}

const char *
curb_kiosk_order_get_ref (CurbKioskOrder *self)
{
  g_return_val_if_fail (CURB_IS_KIOSK_ORDER (self), NULL);
  return self->ref;
}

const char *
curb_kiosk_order_get_first_name (CurbKioskOrder *self)
{
  g_return_val_if_fail (CURB_IS_KIOSK_ORDER (self), NULL);
  return self->first_name;
}

const char *
curb_kiosk_order_get_last_initial (CurbKioskOrder *self)
{
  g_return_val_if_fail (CURB_IS_KIOSK_ORDER (self), NULL);
  return self->last_initial;
}

char *
curb_kiosk_order_dup_display_name (CurbKioskOrder *self)
{
  g_return_val_if_fail (CURB_IS_KIOSK_ORDER (self), NULL);
  return curb_order_format_display_name (self->first_name, self->last_initial);
}

char *
curb_kiosk_order_dup_alternate_name (CurbKioskOrder *self)
{
  g_return_val_if_fail (CURB_IS_KIOSK_ORDER (self), NULL);
  return curb_order_format_display_name (self->alt_first_name, self->alt_last_initial);
}

const char *
curb_kiosk_order_get_language (CurbKioskOrder *self)
{
  g_return_val_if_fail (CURB_IS_KIOSK_ORDER (self), NULL);
  return self->language;
}

const char *
curb_kiosk_order_get_state (CurbKioskOrder *self)
{
  g_return_val_if_fail (CURB_IS_KIOSK_ORDER (self), NULL);
  return self->state;
}

const char *
curb_kiosk_order_get_bay (CurbKioskOrder *self)
{
  g_return_val_if_fail (CURB_IS_KIOSK_ORDER (self), NULL);
  return self->bay;
}

const char *
curb_kiosk_order_get_claimed_by (CurbKioskOrder *self)
{
  g_return_val_if_fail (CURB_IS_KIOSK_ORDER (self), NULL);
  return self->claimed_by;
}

gboolean
curb_kiosk_order_get_staged (CurbKioskOrder *self)
{
  g_return_val_if_fail (CURB_IS_KIOSK_ORDER (self), FALSE);
  return self->staged;
}

gboolean
curb_kiosk_order_get_cancelled (CurbKioskOrder *self)
{
  g_return_val_if_fail (CURB_IS_KIOSK_ORDER (self), FALSE);
  return self->cancelled;
}

gboolean
curb_kiosk_order_get_age_restricted (CurbKioskOrder *self)
{
  g_return_val_if_fail (CURB_IS_KIOSK_ORDER (self), FALSE);
  return self->age_restricted;
}

int
curb_kiosk_order_get_item_count (CurbKioskOrder *self)
{
  g_return_val_if_fail (CURB_IS_KIOSK_ORDER (self), 0);
  return self->item_count;
}

int
curb_kiosk_order_get_bags (CurbKioskOrder *self,
                           guint           temperature)
{
  g_return_val_if_fail (CURB_IS_KIOSK_ORDER (self), 0);
  g_return_val_if_fail (temperature < G_N_ELEMENTS (temperatures), 0);
  return self->bags[temperature];
}

gint64
curb_kiosk_order_get_window_start_ms (CurbKioskOrder *self)
{
  g_return_val_if_fail (CURB_IS_KIOSK_ORDER (self), 0);
  return self->window_start_ms;
}

gint64
curb_kiosk_order_get_window_end_ms (CurbKioskOrder *self)
{
  g_return_val_if_fail (CURB_IS_KIOSK_ORDER (self), 0);
  return self->window_end_ms;
}

guint
curb_kiosk_order_get_n_substitutions (CurbKioskOrder *self)
{
  g_return_val_if_fail (CURB_IS_KIOSK_ORDER (self), 0);
  return self->substitutions->len;
}

const CurbKioskSubstitution *
curb_kiosk_order_get_substitution (CurbKioskOrder *self,
                                   guint           index)
{
  g_return_val_if_fail (CURB_IS_KIOSK_ORDER (self), NULL);
  g_return_val_if_fail (index < self->substitutions->len, NULL);
  return g_ptr_array_index (self->substitutions, index);
}

gboolean
curb_kiosk_order_set_substitution_status (CurbKioskOrder *self,
                                          const char     *id,
                                          const char     *status)
{
  g_return_val_if_fail (CURB_IS_KIOSK_ORDER (self), FALSE);

  for (guint i = 0; i < self->substitutions->len; i++)
    {
      CurbKioskSubstitution *sub = g_ptr_array_index (self->substitutions, i);

      if (g_strcmp0 (sub->id, id) != 0)
        continue;
      g_free (sub->status);
      sub->status = g_strdup (status);
      return TRUE;
    }
  return FALSE;
}

void
curb_kiosk_order_set_state (CurbKioskOrder *self,
                            const char     *state)
{
  g_return_if_fail (CURB_IS_KIOSK_ORDER (self));
  g_free (self->state);
  self->state = clean_text (state, 32);
}
