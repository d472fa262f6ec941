#include "curb-error.h"
#include "curb-event.h"
#include "curb-json.h"
#include "curb-not-taken.h"
#include "curb-order.h"
#include "curb-substitution.h"
#include "curb-util.h"

struct _CurbEvent
{
  GObject        parent_instance;

  char          *id;
  gint64         seq;
  CurbEventKind  kind;
  char          *order_ref;
  gint64         at_ms;
  char          *device;
  char          *staff;
  JsonObject    *data;
};

G_DEFINE_FINAL_TYPE (CurbEvent, curb_event, G_TYPE_OBJECT)

typedef enum
{
  FIELD_STRING,
  FIELD_BOOL,
  FIELD_COUNT,
  FIELD_SOURCE,
  FIELD_LOCATIONS,
  FIELD_BAGS,
  FIELD_NOT_TAKEN,
  FIELD_DECISIONS,
  FIELD_BAY,
} FieldType;

typedef struct
{
  const char *name;
  FieldType   type;
  gboolean    required;
  gint64      max;     /* string length or count */
} FieldSpec;

static const char * const kind_names[CURB_EVENT_KIND_COUNT] = {
  "staged", "arrived", "claimed", "released", "handed_over",
  "partially_handed_over", "no_show", "returned_to_stock", "cancelled",
  "substitution_decided", "bay_chosen", "withdrawn",
};

static const FieldSpec reason_fields[] = {
  { "reason", FIELD_STRING, FALSE, 200 }, { NULL },
};
static const FieldSpec arrived_fields[] = {
  { "bay", FIELD_STRING, FALSE, 16 }, { "source", FIELD_SOURCE, FALSE, 0 }, { NULL },
};
static const FieldSpec staged_fields[] = {
  { "locations", FIELD_LOCATIONS, FALSE, 20 }, { "bags", FIELD_BAGS, FALSE, 999 }, { NULL },
};
static const FieldSpec claimed_fields[] = {
  { "staff_name", FIELD_STRING, FALSE, 100 }, { "eta_s", FIELD_COUNT, FALSE, 86400 }, { NULL },
};
/* "substitutions": the shopper's answers staff recorded at the handoff */
static const FieldSpec handed_over_fields[] = {
  { "id_checked", FIELD_BOOL, FALSE, 0 }, { "proof", FIELD_STRING, FALSE, 64 },
  { "substitutions", FIELD_DECISIONS, FALSE, 100 }, { NULL },
};
static const FieldSpec partial_fields[] = {
  { "id_checked", FIELD_BOOL, FALSE, 0 }, { "not_taken", FIELD_NOT_TAKEN, TRUE, 1000 },
  { "substitutions", FIELD_DECISIONS, FALSE, 100 }, { NULL },
};
static const FieldSpec substitution_fields[] = {
  { "substitution_id", FIELD_STRING, TRUE, 64 }, { "approved", FIELD_BOOL, TRUE, 0 }, { NULL },
};

/* no bay: the shopper left the kiosk before saying where they are parked */
static const FieldSpec bay_chosen_fields[] = {
  { "bay", FIELD_BAY, FALSE, 16 }, { NULL },
};
static const FieldSpec no_fields[] = {
  { NULL },
};

static const FieldSpec * const kind_fields[CURB_EVENT_KIND_COUNT] = {
  [CURB_EVENT_STAGED] = staged_fields,
  [CURB_EVENT_ARRIVED] = arrived_fields,
  [CURB_EVENT_CLAIMED] = claimed_fields,
  [CURB_EVENT_RELEASED] = reason_fields,
  [CURB_EVENT_HANDED_OVER] = handed_over_fields,
  [CURB_EVENT_PARTIALLY_HANDED_OVER] = partial_fields,
  [CURB_EVENT_NO_SHOW] = reason_fields,
  [CURB_EVENT_RETURNED_TO_STOCK] = reason_fields,
  [CURB_EVENT_CANCELLED] = reason_fields,
  [CURB_EVENT_SUBSTITUTION_DECIDED] = substitution_fields,
  [CURB_EVENT_BAY_CHOSEN] = bay_chosen_fields,
  [CURB_EVENT_WITHDRAWN] = no_fields,
};

static gboolean
invalid (GError     **error,
         const char  *message)
{
  g_set_error_literal (error, CURB_ERROR, CURB_ERROR_INVALID, message);
  return FALSE;
}

gboolean
curb_bay_is_valid (const char *bay)
{
  gsize len = bay != NULL ? strlen (bay) : 0;

  if (len == 0 || len > 16)
    return FALSE;
  for (const char *p = bay; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && *p != '-')
      return FALSE;
  return TRUE;
}

static gboolean
is_plain_string (JsonNode *node)
{
  return node != NULL && JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING;
}

static gboolean
is_integer (JsonNode *node)
{
  return node != NULL && JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_INT64;
}

static gboolean
text_ok (const char *text,
         gint64      max_len)
{
  gsize len = strlen (text);

  if (len == 0 || (gint64) len > max_len || !g_utf8_validate (text, (gssize) len, NULL))
    return FALSE;
  for (const char *p = text; *p; p++)
    if ((guchar) *p < 0x20 || *p == 0x7f)
      return FALSE;
  return TRUE;
}

static gboolean
id_ok (const char *id)
{
  gsize len = id != NULL ? strlen (id) : 0;

  if (len == 0 || len > 128)
    return FALSE;
  for (const char *p = id; *p; p++)
    if (!g_ascii_isalnum (*p) && strchr ("._:-", *p) == NULL)
      return FALSE;
  return TRUE;
}

static gboolean
count_ok (JsonNode *node,
          gint64    min,
          gint64    max)
{
  return is_integer (node) && json_node_get_int (node) >= min && json_node_get_int (node) <= max;
}

static JsonNode *
clean_strings (JsonObject         *object,
               const char * const *members,
               gint64              max_len,
               gboolean            required)
{
  g_autoptr(JsonObject) out = json_object_new ();

  for (guint i = 0; members[i] != NULL; i++)
    {
      JsonNode *node = json_object_get_member (object, members[i]);

      if (node == NULL && !required)
        continue;
      if (!is_plain_string (node) || !text_ok (json_node_get_string (node), max_len))
        return NULL;
      json_object_set_string_member (out, members[i], json_node_get_string (node));
    }
  return json_node_init_object (json_node_alloc (), out);
}

static JsonNode *
clean_locations (JsonNode *node,
                 gint64    max)
{
  static const char * const members[] = { "zone", "shelf", "bin", NULL };
  g_autoptr(JsonArray) out = json_array_new ();
  JsonArray *array;

  if (!JSON_NODE_HOLDS_ARRAY (node))
    return NULL;
  array = json_node_get_array (node);
  if (json_array_get_length (array) > (guint) max)
    return NULL;
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      JsonNode *clean;

      if (!JSON_NODE_HOLDS_OBJECT (element))
        return NULL;
      clean = clean_strings (json_node_get_object (element), members, 16, FALSE);
      if (clean == NULL)
        return NULL;
      json_array_add_element (out, clean);
    }
  return json_node_init_array (json_node_alloc (), out);
}

static JsonNode *
clean_bags (JsonNode *node,
            gint64    max)
{
  g_autoptr(JsonObject) out = json_object_new ();
  JsonObject *bags;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    return NULL;
  bags = json_node_get_object (node);
  for (guint i = 0; i < CURB_TEMPERATURE_COUNT; i++)
    {
      const char *name = curb_temperature_to_string (i);
      JsonNode *count = json_object_get_member (bags, name);

      if (count != NULL && !count_ok (count, 0, max))
        return NULL;
      json_object_set_int_member (out, name, count != NULL ? json_node_get_int (count) : 0);
    }
  return json_node_init_object (json_node_alloc (), out);
}

static JsonNode *
clean_not_taken_entry (JsonNode *node)
{
  static const char * const line_id[] = { "line_id", NULL };
  static const char * const reason[] = { "reason", NULL };
  g_autoptr(JsonNode) ids = NULL;
  g_autoptr(JsonNode) reasons = NULL;
  g_autoptr(JsonObject) out = NULL;
  JsonObject *entry;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    return NULL;
  entry = json_node_get_object (node);
  ids = clean_strings (entry, line_id, 64, TRUE);
  reasons = clean_strings (entry, reason, 64, FALSE);
  if (ids == NULL || reasons == NULL || !count_ok (json_object_get_member (entry, "qty"), 1, 100000))
    return NULL;
  out = json_node_dup_object (ids);
  json_object_set_int_member (out, "qty", json_object_get_int_member (entry, "qty"));
  if (json_object_has_member (json_node_get_object (reasons), "reason"))
    json_object_set_string_member (out, "reason", json_object_get_string_member (json_node_get_object (reasons), "reason"));
  return json_node_init_object (json_node_alloc (), out);
}

static JsonNode *
clean_not_taken (JsonNode *node,
                 gint64    max)
{
  g_autoptr(JsonArray) out = json_array_new ();
  JsonArray *array;

  if (!JSON_NODE_HOLDS_ARRAY (node))
    return NULL;
  array = json_node_get_array (node);
  if (json_array_get_length (array) == 0 || json_array_get_length (array) > (guint) max)
    return NULL;
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *clean = clean_not_taken_entry (json_array_get_element (array, i));

      if (clean == NULL)
        return NULL;
      json_array_add_element (out, clean);
    }
  return json_node_init_array (json_node_alloc (), out);
}

/* [{substitution_id, approved}] */
static JsonNode *
clean_decisions (JsonNode *node,
                 gint64    max)
{
  static const char * const id[] = { "substitution_id", NULL };
  g_autoptr(JsonArray) out = json_array_new ();
  JsonArray *array;

  if (!JSON_NODE_HOLDS_ARRAY (node))
    return NULL;
  array = json_node_get_array (node);
  if (json_array_get_length (array) > (guint) max)
    return NULL;
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      JsonNode *approved;
      JsonNode *clean;

      if (!JSON_NODE_HOLDS_OBJECT (element))
        return NULL;
      approved = json_object_get_member (json_node_get_object (element), "approved");
      clean = clean_strings (json_node_get_object (element), id, 64, TRUE);
      if (clean == NULL || approved == NULL || !JSON_NODE_HOLDS_VALUE (approved)
          || json_node_get_value_type (approved) != G_TYPE_BOOLEAN)
        {
          g_clear_pointer (&clean, json_node_unref);
          return NULL;
        }
      json_object_set_boolean_member (json_node_get_object (clean), "approved", json_node_get_boolean (approved));
      json_array_add_element (out, clean);
    }
  return json_node_init_array (json_node_alloc (), out);
}

static JsonNode *
clean_field (const FieldSpec *spec,
             JsonNode        *node)
{
  static const char * const sources[] = { "scan", "lookup", "staff" };

  switch (spec->type)
    {
    case FIELD_STRING:
      return is_plain_string (node) && text_ok (json_node_get_string (node), spec->max)
             ? json_node_copy (node) : NULL;
    case FIELD_BAY:
      return is_plain_string (node) && curb_bay_is_valid (json_node_get_string (node))
             ? json_node_copy (node) : NULL;
    case FIELD_BOOL:
      return JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_BOOLEAN
             ? json_node_copy (node) : NULL;
    case FIELD_COUNT:
      return count_ok (node, 0, spec->max) ? json_node_copy (node) : NULL;
    case FIELD_SOURCE:
      if (!is_plain_string (node))
        return NULL;
      for (guint i = 0; i < G_N_ELEMENTS (sources); i++)
        if (g_str_equal (sources[i], json_node_get_string (node)))
          return json_node_copy (node);
      return NULL;
    case FIELD_LOCATIONS:
      return clean_locations (node, spec->max);
    case FIELD_BAGS:
      return clean_bags (node, spec->max);
    case FIELD_NOT_TAKEN:
      return clean_not_taken (node, spec->max);
    case FIELD_DECISIONS:
      return clean_decisions (node, spec->max);
    default:
      g_assert_not_reached ();
    }
}

/* Only the documented keys survive, so no names or other personal data
 * slip into the append-only log. */
static JsonObject *
clean_data (CurbEventKind   kind,
            JsonObject     *data,
            GError        **error)
{
  g_autoptr(JsonObject) out = json_object_new ();

  for (const FieldSpec *spec = kind_fields[kind]; spec->name != NULL; spec++)
    {
      JsonNode *node = json_object_get_member (data, spec->name);
      JsonNode *clean;

      if (node == NULL || JSON_NODE_HOLDS_NULL (node))
        {
          if (spec->required)
            {
              g_set_error (error, CURB_ERROR, CURB_ERROR_INVALID, "Event data of %s needs \"%s\"",
                           kind_names[kind], spec->name);
              return NULL;
            }
          continue;
        }
      clean = clean_field (spec, node);
      if (clean == NULL)
        {
          g_set_error (error, CURB_ERROR, CURB_ERROR_INVALID, "Event data \"%s\" of %s is not valid",
                       spec->name, kind_names[kind]);
          return NULL;
        }
      json_object_set_member (out, spec->name, clean);
    }
  return g_steal_pointer (&out);
}

static gboolean
validate_header (CurbEvent  *self,
                 GError    **error)
{
  if (!id_ok (self->id))
    return invalid (error, "Event id is missing or not 1-128 of A-Z a-z 0-9 . _ : -");
  if ((guint) self->kind >= CURB_EVENT_KIND_COUNT)
    return invalid (error, "Unknown event kind");
  if (!curb_order_ref_is_valid (self->order_ref))
    return invalid (error, "Event order_ref is missing or not 1-32 of A-Z 0-9 -");
  if (self->device == NULL || !text_ok (self->device, 64))
    return invalid (error, "Event device is missing or not valid");
  if (self->staff != NULL && !text_ok (self->staff, 64))
    return invalid (error, "Event staff is not valid");
  if (self->at_ms <= 0)
    return invalid (error, "Event time is missing");
  if (self->kind == CURB_EVENT_CLAIMED && self->staff == NULL)
    return invalid (error, "A claim needs the staff member");
  return TRUE;
}

static const char *
get_string_member (JsonObject *object,
                   const char *member)
{
  JsonNode *node = json_object_get_member (object, member);

  return is_plain_string (node) ? json_node_get_string (node) : NULL;
}

static gboolean
read_kind_and_time (JsonObject     *object,
                    CurbEventKind  *out_kind,
                    gint64         *out_at_ms,
                    GError        **error)
{
  const char *kind = get_string_member (object, "kind");
  const char *at = get_string_member (object, "at");

  if (kind == NULL)
    return invalid (error, "Event kind is missing");
  if (!curb_event_kind_from_string (kind, out_kind))
    {
      g_autofree char *shown = g_strndup (kind, 40);

      g_set_error (error, CURB_ERROR, CURB_ERROR_INVALID, "Unknown event kind \"%s\"", shown);
      return FALSE;
    }
  if (at == NULL || !curb_iso8601_to_ms (at, out_at_ms))
    return invalid (error, "Event time \"at\" is missing or not ISO 8601");
  return TRUE;
}

/* A deep copy that drops nothing (a serialise-and-parse round trip lost the
 * whole object over one invalid string). */
static JsonObject *
copy_object (JsonObject *object)
{
  return curb_json_object_copy (object);
}

static void
curb_event_finalize (GObject *object)
{
  CurbEvent *self = CURB_EVENT (object);

  g_free (self->id);
  g_free (self->order_ref);
  g_free (self->device);
  g_free (self->staff);
  g_clear_pointer (&self->data, json_object_unref);

  G_OBJECT_CLASS (curb_event_parent_class)->finalize (object);
}

static void
curb_event_class_init (CurbEventClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = curb_event_finalize;
}

static void
curb_event_init (CurbEvent *self)
{
  self->data = json_object_new ();
}

const char *
curb_event_kind_to_string (CurbEventKind kind)
{
  g_return_val_if_fail ((guint) kind < CURB_EVENT_KIND_COUNT, NULL);
  return kind_names[kind];
}

gboolean
curb_event_kind_from_string (const char    *text,
                             CurbEventKind *out_kind)
{
  if (text == NULL)
    return FALSE;
  for (guint i = 0; i < CURB_EVENT_KIND_COUNT; i++)
    if (g_str_equal (kind_names[i], text))
      {
        if (out_kind != NULL)
          *out_kind = (CurbEventKind) i;
        return TRUE;
      }
  return FALSE;
}

gboolean
curb_event_kind_is_store_owned (CurbEventKind kind)
{
  return kind != CURB_EVENT_CANCELLED && kind != CURB_EVENT_BAY_CHOSEN;
}

CurbEvent *
curb_event_new (CurbEventKind  kind,
                const char    *order_ref,
                const char    *device,
                const char    *staff,
                JsonObject    *data)
{
  CurbEvent *self = g_object_new (CURB_TYPE_EVENT, NULL);

  self->id = curb_uuid_new ();
  self->kind = kind;
  self->order_ref = g_strdup (order_ref);
  self->at_ms = curb_now_ms ();
  self->device = g_strdup (device);
  self->staff = g_strdup (staff);
  if (data != NULL)
    {
      g_clear_pointer (&self->data, json_object_unref);
      self->data = copy_object (data);
    }
  return self;
}

CurbEvent *
curb_event_new_from_json (JsonObject  *object,
                          GError     **error)
{
  g_autoptr(CurbEvent) self = NULL;
  CurbEventKind kind;
  gint64 at_ms;
  JsonNode *data;

  g_return_val_if_fail (object != NULL, NULL);

  if (!read_kind_and_time (object, &kind, &at_ms, error))
    return NULL;
  data = json_object_get_member (object, "data");
  if (data != NULL && !JSON_NODE_HOLDS_NULL (data) && !JSON_NODE_HOLDS_OBJECT (data))
    {
      invalid (error, "Event data must be an object");
      return NULL;
    }
  self = curb_event_new (kind, get_string_member (object, "order_ref"),
                         get_string_member (object, "device"), get_string_member (object, "staff"),
                         data != NULL && JSON_NODE_HOLDS_OBJECT (data) ? json_node_get_object (data) : NULL);
  curb_event_set_id (self, get_string_member (object, "id"));
  self->at_ms = at_ms;
  if (is_integer (json_object_get_member (object, "seq")))
    self->seq = MAX (0, json_object_get_int_member (object, "seq"));
  if (!curb_event_validate (self, error))
    return NULL;
  return g_steal_pointer (&self);
}

gboolean
curb_event_validate (CurbEvent  *self,
                     GError    **error)
{
  JsonObject *clean;

  g_return_val_if_fail (CURB_IS_EVENT (self), FALSE);

  if (!validate_header (self, error))
    return FALSE;
  clean = clean_data (self->kind, self->data, error);
  if (clean == NULL)
    return FALSE;
  json_object_unref (self->data);
  self->data = clean;
  return TRUE;
}

JsonObject *
curb_event_to_json (CurbEvent *self)
{
  JsonObject *object = json_object_new ();
  g_autofree char *at = NULL;

  g_return_val_if_fail (CURB_IS_EVENT (self), NULL);

  at = curb_iso8601_from_ms (self->at_ms);
  json_object_set_string_member (object, "id", self->id);
  if (self->seq > 0)
    json_object_set_int_member (object, "seq", self->seq);
  json_object_set_string_member (object, "kind", kind_names[self->kind]);
  json_object_set_string_member (object, "order_ref", self->order_ref);
  json_object_set_string_member (object, "at", at);
  json_object_set_string_member (object, "device", self->device);
  if (self->staff != NULL)
    json_object_set_string_member (object, "staff", self->staff);
  json_object_set_object_member (object, "data", copy_object (self->data));
  return object;
}

char *
curb_event_to_json_string (CurbEvent *self)
{
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);

  g_return_val_if_fail (CURB_IS_EVENT (self), NULL);

  json_node_take_object (node, curb_event_to_json (self));
  return json_to_string (node, FALSE);
}

const char *
curb_event_get_id (CurbEvent *self)
{
  g_return_val_if_fail (CURB_IS_EVENT (self), NULL);
  return self->id;
}

gint64
curb_event_get_seq (CurbEvent *self)
{
  g_return_val_if_fail (CURB_IS_EVENT (self), 0);
  return self->seq;
}

CurbEventKind
curb_event_get_kind (CurbEvent *self)
{
  g_return_val_if_fail (CURB_IS_EVENT (self), 0);
  return self->kind;
}

const char *
curb_event_get_order_ref (CurbEvent *self)
{
  g_return_val_if_fail (CURB_IS_EVENT (self), NULL);
  return self->order_ref;
}

gint64
curb_event_get_at_ms (CurbEvent *self)
{
  g_return_val_if_fail (CURB_IS_EVENT (self), 0);
  return self->at_ms;
}

const char *
curb_event_get_device (CurbEvent *self)
{
  g_return_val_if_fail (CURB_IS_EVENT (self), NULL);
  return self->device;
}

const char *
curb_event_get_staff (CurbEvent *self)
{
  g_return_val_if_fail (CURB_IS_EVENT (self), NULL);
  return self->staff;
}

JsonObject *
curb_event_get_data (CurbEvent *self)
{
  g_return_val_if_fail (CURB_IS_EVENT (self), NULL);
  return self->data;
}

/* --- the kind-specific facts, as curb_event_validate() left them --- */

static JsonNode *
data_node (CurbEvent  *self,
           const char *member)
{
  JsonNode *node = json_object_get_member (self->data, member);

  return node != NULL && !JSON_NODE_HOLDS_NULL (node) ? node : NULL;
}

const char *
curb_event_get_bay (CurbEvent *self)
{
  g_return_val_if_fail (CURB_IS_EVENT (self), NULL);

  return curb_json_get_string (self->data, "bay");
}

JsonArray *
curb_event_get_locations (CurbEvent *self)
{
  JsonNode *node;

  g_return_val_if_fail (CURB_IS_EVENT (self), NULL);

  node = data_node (self, "locations");
  return node != NULL && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
}

JsonObject *
curb_event_get_bags (CurbEvent *self)
{
  JsonNode *node;

  g_return_val_if_fail (CURB_IS_EVENT (self), NULL);

  node = data_node (self, "bags");
  return node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

JsonArray *
curb_event_get_not_taken (CurbEvent *self)
{
  JsonNode *node;

  g_return_val_if_fail (CURB_IS_EVENT (self), NULL);

  node = data_node (self, "not_taken");
  return node != NULL && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
}

GPtrArray *
curb_event_not_taken_from_json (JsonNode *not_taken)
{
  GPtrArray *entries = g_ptr_array_new_with_free_func (g_object_unref);
  JsonArray *array = not_taken != NULL && JSON_NODE_HOLDS_ARRAY (not_taken) ? json_node_get_array (not_taken) : NULL;

  for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      JsonObject *entry = JSON_NODE_HOLDS_OBJECT (element) ? json_node_get_object (element) : NULL;
      const char *line_id = entry != NULL ? curb_json_get_string (entry, "line_id") : NULL;
      gint64 qty = entry != NULL ? curb_json_get_int (entry, "qty", 0) : 0;

      if (line_id != NULL && qty > 0 && qty <= G_MAXUINT)
        g_ptr_array_add (entries, curb_not_taken_new (line_id, (guint) qty, curb_json_get_string (entry, "reason")));
    }
  return entries;
}

GPtrArray *
curb_event_dup_not_taken (CurbEvent *self)
{
  g_return_val_if_fail (CURB_IS_EVENT (self), NULL);
  return curb_event_not_taken_from_json (data_node (self, "not_taken"));
}

GPtrArray *
curb_event_decisions_from_json (JsonNode *decisions)
{
  GPtrArray *entries = g_ptr_array_new_with_free_func (g_object_unref);
  JsonArray *array = decisions != NULL && JSON_NODE_HOLDS_ARRAY (decisions) ? json_node_get_array (decisions) : NULL;

  for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      JsonObject *entry = JSON_NODE_HOLDS_OBJECT (element) ? json_node_get_object (element) : NULL;
      const char *id = entry != NULL ? curb_json_get_string (entry, "substitution_id") : NULL;

      if (id != NULL)
        g_ptr_array_add (entries, curb_substitution_new (id, NULL, NULL, NULL, 0,
                                                         curb_json_get_bool (entry, "approved", FALSE)
                                                         ? CURB_SUBSTITUTION_APPROVED : CURB_SUBSTITUTION_DECLINED));
    }
  return entries;
}

GPtrArray *
curb_event_dup_decisions (CurbEvent *self)
{
  g_return_val_if_fail (CURB_IS_EVENT (self), NULL);
  return curb_event_decisions_from_json (data_node (self, "substitutions"));
}

void
curb_event_set_id (CurbEvent  *self,
                   const char *id)
{
  g_return_if_fail (CURB_IS_EVENT (self));
  g_free (self->id);
  self->id = g_strdup (id);
}

void
curb_event_set_seq (CurbEvent *self,
                    gint64     seq)
{
  g_return_if_fail (CURB_IS_EVENT (self));
  self->seq = seq;
}

void
curb_event_set_at_ms (CurbEvent *self,
                      gint64     at_ms)
{
  g_return_if_fail (CURB_IS_EVENT (self));
  self->at_ms = at_ms;
}
