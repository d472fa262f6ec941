#include <string.h>

#include "curb-error.h"
#include "curb-json.h"
#include "curb-order-codec.h"
#include "curb-util.h"

#define NAME_MAX_LEN   100
#define TEXT_MAX_LEN   200
#define ID_MAX_LEN     64
#define STAFF_ID_MAX_LEN 128
#define MAX_QTY        100000
#define MAX_BAGS       999
#define MAX_LINES      1000
#define MAX_LOCATIONS  20

/* Where a member sits, for error messages: "lines[2]". */
typedef struct
{
  JsonObject *object;
  const char *where;
} Scope;

/* --- reading one member --- */

static gboolean
invalid (GError     **error,
         const Scope *scope,
         const char  *member,
         const char  *problem)
{
  g_set_error (error, CURB_ERROR, CURB_ERROR_INVALID, "Order field %s%s%s %s",
               scope->where, *scope->where != '\0' ? "." : "", member, problem);
  return FALSE;
}

/* The member's node, or NULL when absent or null. */
static JsonNode *
member_node (const Scope *scope,
             const char  *member)
{
  JsonNode *node = json_object_get_member (scope->object, member);

  return node != NULL && !JSON_NODE_HOLDS_NULL (node) ? node : NULL;
}

static gboolean
holds (JsonNode *node,
       GType     type)
{
  return JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == type;
}

static gboolean
read_string (const Scope  *scope,
             const char   *member,
             gboolean      required,
             gsize         max_len,
             const char  **out,
             GError      **error)
{
  JsonNode *node = member_node (scope, member);

  *out = NULL;
  if (node == NULL)
    return !required || invalid (error, scope, member, "is missing");
  if (!holds (node, G_TYPE_STRING))
    return invalid (error, scope, member, "must be a string");
  *out = json_node_get_string (node);
  if (!g_utf8_validate (*out, -1, NULL))
    return invalid (error, scope, member, "is not valid UTF-8");
  if (required && **out == '\0')
    return invalid (error, scope, member, "must not be empty");
  if (strlen (*out) > max_len)
    return invalid (error, scope, member, "is too long");
  return TRUE;
}

static gboolean
read_integer (const Scope  *scope,
              const char   *member,
              gboolean      required,
              gint64        min,
              gint64        max,
              gint64       *out,
              GError      **error)
{
  JsonNode *node = member_node (scope, member);

  *out = 0;
  if (node == NULL)
    return !required || invalid (error, scope, member, "is missing");
  if (!holds (node, G_TYPE_INT64))
    return invalid (error, scope, member, "must be an integer");
  *out = json_node_get_int (node);
  if (*out < min || *out > max)
    return invalid (error, scope, member, "is out of range");
  return TRUE;
}

static gboolean
read_count (const Scope  *scope,
            const char   *member,
            gint64        min,
            gint64        max,
            guint        *out,
            GError      **error)
{
  gint64 value;

  if (!read_integer (scope, member, TRUE, min, max, &value, error))
    return FALSE;
  *out = (guint) value;
  return TRUE;
}

static gboolean
read_boolean (const Scope  *scope,
              const char   *member,
              gboolean     *out,
              GError      **error)
{
  JsonNode *node = member_node (scope, member);

  *out = FALSE;
  if (node == NULL)
    return TRUE;
  if (!holds (node, G_TYPE_BOOLEAN))
    return invalid (error, scope, member, "must be true or false");
  *out = json_node_get_boolean (node);
  return TRUE;
}

static gboolean
read_time (const Scope  *scope,
           const char   *member,
           gint64       *out,
           GError      **error)
{
  const char *text;

  *out = 0;
  if (!read_string (scope, member, FALSE, 64, &text, error))
    return FALSE;
  if (text != NULL && !curb_iso8601_to_ms (text, out))
    return invalid (error, scope, member, "is not an ISO 8601 time");
  /* 0 is "no time" (written as null); before 1970 cannot be written */
  if (text != NULL && *out < 0)
    return invalid (error, scope, member, "is before 1970");
  return TRUE;
}

typedef gboolean (*FromStringFunc) (const char *text, gpointer out_value);

static gboolean
read_name (const Scope     *scope,
           const char      *member,
           FromStringFunc   from_string,
           gpointer         out,
           const char      *choices,
           GError         **error)
{
  const char *text;

  if (!read_string (scope, member, FALSE, 32, &text, error))
    return FALSE;
  if (text != NULL && !from_string (text, out))
    return invalid (error, scope, member, choices);
  return TRUE;
}

/* The member as an object or array (NULL when absent or null). */
static gboolean
read_container (const Scope  *scope,
                const char   *member,
                JsonNodeType  type,
                JsonNode    **out,
                GError      **error)
{
  JsonNode *node = member_node (scope, member);

  *out = NULL;
  if (node == NULL)
    return TRUE;
  if (JSON_NODE_TYPE (node) != type)
    return invalid (error, scope, member, type == JSON_NODE_OBJECT ? "must be an object or null"
                                                                   : "must be an array");
  *out = node;
  return TRUE;
}

/* --- lists --- */

typedef GObject *(*ReadElementFunc) (const Scope *scope, GError **error);

static GPtrArray *
read_list (const Scope     *scope,
           const char      *member,
           guint            max,
           ReadElementFunc  read_element,
           GError         **error)
{
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);
  JsonNode *node;
  JsonArray *array;

  if (!read_container (scope, member, JSON_NODE_ARRAY, &node, error))
    return NULL;
  if (node == NULL)
    return g_steal_pointer (&items);
  array = json_node_get_array (node);
  if (json_array_get_length (array) > max)
    {
      invalid (error, scope, member, "has too many entries");
      return NULL;
    }
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      g_autofree char *where = g_strdup_printf ("%s%s%s[%u]", scope->where, *scope->where ? "." : "", member, i);
      JsonNode *element = json_array_get_element (array, i);
      Scope inner = { NULL, where };
      GObject *item;

      if (!JSON_NODE_HOLDS_OBJECT (element))
        {
          g_set_error (error, CURB_ERROR, CURB_ERROR_INVALID, "Order field %s must be an object", where);
          return NULL;
        }
      inner.object = json_node_get_object (element);
      if ((item = read_element (&inner, error)) == NULL)
        return NULL;
      g_ptr_array_add (items, item);
    }
  return g_steal_pointer (&items);
}

static GObject *
read_line (const Scope  *scope,
           GError      **error)
{
  const char *id, *sku, *name;
  CurbTemperature temperature = CURB_TEMPERATURE_AMBIENT;
  gboolean age_restricted;
  guint qty;

  if (!read_string (scope, "id", TRUE, ID_MAX_LEN, &id, error)
      || !read_string (scope, "sku", FALSE, ID_MAX_LEN, &sku, error)
      || !read_string (scope, "name", TRUE, TEXT_MAX_LEN, &name, error)
      || !read_count (scope, "qty", 0, MAX_QTY, &qty, error)
      || !read_name (scope, "temperature", (FromStringFunc) curb_temperature_from_string, &temperature,
                     "must be ambient, chilled or frozen", error)
      || !read_boolean (scope, "age_restricted", &age_restricted, error))
    return NULL;
  return G_OBJECT (curb_order_line_new (id, sku, name, qty, temperature, age_restricted));
}

static GObject *
read_substitution (const Scope  *scope,
                   GError      **error)
{
  const char *id, *line_id, *original, *replacement;
  CurbSubstitutionStatus status = CURB_SUBSTITUTION_PENDING;
  guint qty;

  if (!read_string (scope, "id", TRUE, ID_MAX_LEN, &id, error)
      || !read_string (scope, "line_id", FALSE, ID_MAX_LEN, &line_id, error)
      || !read_string (scope, "original", FALSE, TEXT_MAX_LEN, &original, error)
      || !read_string (scope, "replacement", TRUE, TEXT_MAX_LEN, &replacement, error)
      || !read_count (scope, "qty", 0, MAX_QTY, &qty, error)
      || !read_name (scope, "status", (FromStringFunc) curb_substitution_status_from_string, &status,
                     "must be pending, approved or declined", error))
    return NULL;
  return G_OBJECT (curb_substitution_new (id, line_id, original, replacement, qty, status));
}

static GObject *
read_location (const Scope  *scope,
               GError      **error)
{
  const char *zone, *shelf, *bin;

  if (!read_string (scope, "zone", FALSE, 16, &zone, error)
      || !read_string (scope, "shelf", FALSE, 16, &shelf, error)
      || !read_string (scope, "bin", FALSE, 16, &bin, error))
    return NULL;
  return G_OBJECT (curb_staging_location_new (zone, shelf, bin));
}

static GObject *
read_not_taken (const Scope  *scope,
                GError      **error)
{
  const char *line_id, *reason;
  guint qty;

  if (!read_string (scope, "line_id", TRUE, ID_MAX_LEN, &line_id, error)
      || !read_count (scope, "qty", 1, MAX_QTY, &qty, error)
      || !read_string (scope, "reason", FALSE, ID_MAX_LEN, &reason, error))
    return NULL;
  return G_OBJECT (curb_not_taken_new (line_id, qty, reason));
}

static GObject *
read_restage_line (const Scope  *scope,
                   GError      **error)
{
  const char *line_id, *name;
  guint staged_qty, qty;

  if (!read_string (scope, "line_id", TRUE, ID_MAX_LEN, &line_id, error)
      || !read_string (scope, "name", FALSE, TEXT_MAX_LEN, &name, error)
      || !read_count (scope, "staged_qty", 0, MAX_QTY, &staged_qty, error)
      || !read_count (scope, "qty", 0, MAX_QTY, &qty, error))
    return NULL;
  return G_OBJECT (curb_restage_line_new (line_id, name, staged_qty, qty));
}

/* "on_the_way": {"announced_at", "eta"}, or absent / null */
static gboolean
read_on_the_way (const Scope  *scope,
                 CurbOrder    *order,
                 gboolean      eta_required,
                 GError      **error)
{
  Scope inner = { NULL, "on_the_way" };
  gint64 announced_at, eta;
  JsonNode *node;

  if (!read_container (scope, "on_the_way", JSON_NODE_OBJECT, &node, error))
    return FALSE;
  if (node == NULL)
    return TRUE;
  inner.object = json_node_get_object (node);
  if (!read_time (&inner, "announced_at", &announced_at, error) || !read_time (&inner, "eta", &eta, error))
    return FALSE;
  if (eta_required && member_node (&inner, "eta") == NULL)
    return invalid (error, &inner, "eta", "is missing");
  curb_order_set_on_the_way (order, announced_at, eta);
  return TRUE;
}

/* --- people and bags --- */

static gboolean
read_person (const Scope  *scope,
             const char   *member,
             gboolean      staff,
             CurbPerson  **out,
             GError      **error)
{
  g_autofree char *where = g_strdup_printf ("%s%s%s", scope->where, *scope->where ? "." : "", member);
  const char *id = NULL, *first_name, *last_initial = NULL;
  Scope inner = { NULL, where };
  JsonNode *node;

  *out = NULL;
  if (!read_container (scope, member, JSON_NODE_OBJECT, &node, error))
    return FALSE;
  if (node == NULL)
    return TRUE;
  inner.object = json_node_get_object (node);
  if ((staff && !read_string (&inner, "id", TRUE, STAFF_ID_MAX_LEN, &id, error))
      || !read_string (&inner, "first_name", !staff, NAME_MAX_LEN, &first_name, error)
      || (!staff && !read_string (&inner, "last_initial", FALSE, 8, &last_initial, error)))
    return FALSE;
  *out = curb_person_new (id, first_name, last_initial);
  return TRUE;
}

static gboolean
read_bags (const Scope  *scope,
           CurbOrder    *order,
           GError      **error)
{
  Scope inner = { NULL, "bags" };
  guint counts[CURB_TEMPERATURE_COUNT] = { 0 };
  JsonNode *node;

  if (!read_container (scope, "bags", JSON_NODE_OBJECT, &node, error))
    return FALSE;
  if (node == NULL)
    return TRUE;
  inner.object = json_node_get_object (node);
  for (guint t = 0; t < CURB_TEMPERATURE_COUNT; t++)
    {
      gint64 count;

      if (!read_integer (&inner, curb_temperature_to_string (t), FALSE, 0, MAX_BAGS, &count, error))
        return FALSE;
      counts[t] = (guint) count;
    }
  curb_order_set_bag_counts (order, counts);
  return TRUE;
}

/* --- the order --- */

/* What is required of central's content depends on who wrote it: central
 * must send a version and a first name; a hub-API document may leave them
 * out (docs/data-model.md). */
typedef enum
{
  CONTENT_HUB,
  CONTENT_CENTRAL,
} ContentSource;

static gboolean
read_identity (const Scope    *scope,
               CurbOrder      *order,
               ContentSource   source,
               GError        **error)
{
  const char *ref, *store_id, *language;
  gint64 version;

  if (!read_string (scope, "ref", TRUE, 32, &ref, error))
    return FALSE;
  if (!curb_order_ref_is_valid (ref))
    return invalid (error, scope, "ref", "must be 1 to 32 of A-Z, 0-9 and -");
  if (!read_string (scope, "store_id", FALSE, ID_MAX_LEN, &store_id, error)
      || !read_integer (scope, "version", source == CONTENT_CENTRAL, 0, G_MAXINT64, &version, error)
      || !read_string (scope, "language", FALSE, 35, &language, error))
    return FALSE;
  curb_order_set_ref (order, ref);
  curb_order_set_store_id (order, store_id);
  curb_order_set_version (order, version);
  curb_order_set_language (order, language);
  return TRUE;
}

static gboolean
read_shopper (const Scope    *scope,
              CurbOrder      *order,
              ContentSource   source,
              GError        **error)
{
  g_autoptr(CurbPerson) alternate = NULL;
  const char *first_name, *last_initial;

  if (!read_string (scope, "first_name", source == CONTENT_CENTRAL, NAME_MAX_LEN, &first_name, error)
      || !read_string (scope, "last_initial", FALSE, 8, &last_initial, error)
      || !read_person (scope, "alternate_pickup", FALSE, &alternate, error))
    return FALSE;
  curb_order_set_first_name (order, first_name);
  curb_order_set_last_initial (order, last_initial);
  curb_order_set_alternate_pickup (order, alternate);
  return TRUE;
}

static gboolean
read_window (const Scope  *scope,
             CurbOrder    *order,
             GError      **error)
{
  gint64 window_start, window_end;
  gboolean age_restricted, cancelled;

  if (!read_time (scope, "window_start", &window_start, error)
      || !read_time (scope, "window_end", &window_end, error)
      || !read_boolean (scope, "age_restricted", &age_restricted, error)
      || !read_boolean (scope, "cancelled", &cancelled, error))
    return FALSE;
  if (window_start != 0 && window_end != 0 && window_end < window_start)
    return invalid (error, scope, "window_end", "is before window_start");
  curb_order_set_window_start (order, window_start);
  curb_order_set_window_end (order, window_end);
  curb_order_set_age_restricted (order, age_restricted);
  curb_order_set_cancelled (order, cancelled);
  return TRUE;
}

static gboolean
read_items (const Scope  *scope,
            CurbOrder    *order,
            GError      **error)
{
  g_autoptr(GPtrArray) lines = NULL;
  g_autoptr(GPtrArray) substitutions = NULL;

  if ((lines = read_list (scope, "lines", MAX_LINES, read_line, error)) == NULL
      || (substitutions = read_list (scope, "substitutions", MAX_LINES, read_substitution, error)) == NULL)
    return FALSE;
  curb_order_set_lines (order, lines);
  curb_order_set_substitutions (order, substitutions);
  return TRUE;
}

/* Central's content: what central sends and the store keeps as it came. */
static gboolean
read_content (const Scope    *scope,
              CurbOrder      *order,
              ContentSource   source,
              GError        **error)
{
  return read_identity (scope, order, source, error)
         && read_shopper (scope, order, source, error)
         && read_window (scope, order, error)
         && read_items (scope, order, error)
         && read_on_the_way (scope, order, source == CONTENT_CENTRAL, error);
}

static gboolean
read_fact_times (const Scope  *scope,
                 CurbOrder    *order,
                 GError      **error)
{
  gint64 staged_at, arrived_at, claimed_at, handed_over_at, last_seq;

  if (!read_time (scope, "staged_at", &staged_at, error)
      || !read_time (scope, "arrived_at", &arrived_at, error)
      || !read_time (scope, "claimed_at", &claimed_at, error)
      || !read_time (scope, "handed_over_at", &handed_over_at, error)
      || !read_integer (scope, "last_seq", FALSE, 0, G_MAXINT64, &last_seq, error))
    return FALSE;
  curb_order_set_staged_at (order, staged_at);
  curb_order_set_arrived_at (order, arrived_at);
  curb_order_set_claimed_at (order, claimed_at);
  curb_order_set_handed_over_at (order, handed_over_at);
  curb_order_set_last_seq (order, last_seq);
  return TRUE;
}

static gboolean
read_fact_flags (const Scope  *scope,
                 CurbOrder    *order,
                 GError      **error)
{
  CurbOrderState state = CURB_ORDER_STATE_PENDING;
  g_autoptr(CurbPerson) claimer = NULL;
  gboolean staged, bay_skipped;
  const char *bay;

  if (!read_name (scope, "state", (FromStringFunc) curb_order_state_from_string, &state,
                  "is not a pickup state", error)
      || !read_boolean (scope, "staged", &staged, error)
      || !read_string (scope, "bay", FALSE, 16, &bay, error)
      || !read_boolean (scope, "bay_skipped", &bay_skipped, error)
      || !read_person (scope, "claimed_by", TRUE, &claimer, error))
    return FALSE;
  curb_order_set_state (order, state);
  curb_order_set_staged (order, staged);
  curb_order_set_bay (order, bay);
  curb_order_set_bay_skipped (order, bay_skipped);
  curb_order_set_claimer (order, claimer);
  return TRUE;
}

static gboolean
read_fact_lists (const Scope  *scope,
                 CurbOrder    *order,
                 GError      **error)
{
  g_autoptr(GPtrArray) locations = NULL;
  g_autoptr(GPtrArray) not_taken = NULL;
  g_autoptr(GPtrArray) restage = NULL;

  if ((locations = read_list (scope, "locations", MAX_LOCATIONS, read_location, error)) == NULL
      || (not_taken = read_list (scope, "not_taken", MAX_LINES, read_not_taken, error)) == NULL
      || (restage = read_list (scope, "restage", MAX_LINES, read_restage_line, error)) == NULL
      || !read_bags (scope, order, error))
    return FALSE;
  curb_order_set_locations (order, locations);
  curb_order_set_not_taken (order, not_taken);
  curb_order_set_restage (order, restage);
  return TRUE;
}

/* The store's facts, derived from events. */
static gboolean
read_facts (const Scope  *scope,
            CurbOrder    *order,
            GError      **error)
{
  return read_fact_times (scope, order, error)
         && read_fact_flags (scope, order, error)
         && read_fact_lists (scope, order, error);
}

CurbOrder *
curb_order_codec_decode (JsonObject  *object,
                         GError     **error)
{
  g_autoptr(CurbOrder) order = NULL;
  Scope scope = { object, "" };

  g_return_val_if_fail (object != NULL, NULL);

  order = g_object_new (CURB_TYPE_ORDER, NULL);
  if (!read_content (&scope, order, CONTENT_HUB, error) || !read_facts (&scope, order, error))
    return NULL;
  return g_steal_pointer (&order);
}

CurbOrder *
curb_order_codec_decode_member (JsonObject  *object,
                                const char  *member,
                                GError     **error)
{
  JsonNode *node;

  g_return_val_if_fail (object != NULL && member != NULL, NULL);

  node = json_object_get_member (object, member);
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error (error, CURB_ERROR, CURB_ERROR_INVALID, "“%s” must be an order object", member);
      return NULL;
    }
  return curb_order_codec_decode (json_node_get_object (node), error);
}

CurbOrder *
curb_order_codec_decode_string (const char  *json,
                                GError     **error)
{
  g_autoptr(GError) parse_error = NULL;
  g_autoptr(JsonNode) root = NULL;

  g_return_val_if_fail (json != NULL, NULL);

  root = curb_json_parse (json, strlen (json), 0, &parse_error);
  if (root == NULL)
    {
      g_set_error (error, CURB_ERROR, CURB_ERROR_INVALID, "Order JSON: %s", parse_error->message);
      return NULL;
    }
  if (!JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error_literal (error, CURB_ERROR, CURB_ERROR_INVALID, "An order must be a JSON object");
      return NULL;
    }
  return curb_order_codec_decode (json_node_get_object (root), error);
}

/* --- writing --- */

static void
write_string (JsonObject *object,
              const char *member,
              const char *value)
{
  if (value != NULL)
    json_object_set_string_member (object, member, value);
  else
    json_object_set_null_member (object, member);
}

static void
write_time (JsonObject *object,
            const char *member,
            gint64      ms)
{
  g_autofree char *text = ms > 0 ? curb_iso8601_from_ms (ms) : NULL;

  write_string (object, member, text);
}

static void
write_person (JsonObject *object,
              const char *member,
              CurbPerson *person)
{
  JsonObject *out;

  if (person == NULL)
    {
      json_object_set_null_member (object, member);
      return;
    }
  out = json_object_new ();
  if (curb_person_get_id (person) != NULL)
    json_object_set_string_member (out, "id", curb_person_get_id (person));
  if (curb_person_get_first_name (person) != NULL)
    json_object_set_string_member (out, "first_name", curb_person_get_first_name (person));
  if (curb_person_get_last_initial (person) != NULL)
    json_object_set_string_member (out, "last_initial", curb_person_get_last_initial (person));
  json_object_set_object_member (object, member, out);
}

typedef JsonObject *(*WriteElementFunc) (gpointer item);

static void
write_list (JsonObject       *object,
            const char       *member,
            GListModel       *model,
            WriteElementFunc  write_element)
{
  JsonArray *array = json_array_new ();

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(GObject) item = g_list_model_get_item (model, i);

      json_array_add_object_element (array, write_element (item));
    }
  json_object_set_array_member (object, member, array);
}

static void
set_optional_string (JsonObject *object,
                     const char *member,
                     const char *value)
{
  if (value != NULL)
    json_object_set_string_member (object, member, value);
}

static JsonObject *
write_line (CurbOrderLine *line)
{
  JsonObject *out = json_object_new ();

  json_object_set_string_member (out, "id", curb_order_line_get_id (line));
  set_optional_string (out, "sku", curb_order_line_get_sku (line));
  json_object_set_string_member (out, "name", curb_order_line_get_name (line));
  json_object_set_int_member (out, "qty", curb_order_line_get_qty (line));
  json_object_set_string_member (out, "temperature",
                                 curb_temperature_to_string (curb_order_line_get_temperature (line)));
  json_object_set_boolean_member (out, "age_restricted", curb_order_line_get_age_restricted (line));
  return out;
}

static JsonObject *
write_substitution (CurbSubstitution *substitution)
{
  JsonObject *out = json_object_new ();

  json_object_set_string_member (out, "id", curb_substitution_get_id (substitution));
  set_optional_string (out, "line_id", curb_substitution_get_line_id (substitution));
  set_optional_string (out, "original", curb_substitution_get_original (substitution));
  json_object_set_string_member (out, "replacement", curb_substitution_get_replacement (substitution));
  json_object_set_int_member (out, "qty", curb_substitution_get_qty (substitution));
  json_object_set_string_member (out, "status",
                                 curb_substitution_status_to_string (curb_substitution_get_status (substitution)));
  return out;
}

static JsonObject *
write_location (CurbStagingLocation *location)
{
  JsonObject *out = json_object_new ();

  set_optional_string (out, "zone", curb_staging_location_get_zone (location));
  set_optional_string (out, "shelf", curb_staging_location_get_shelf (location));
  set_optional_string (out, "bin", curb_staging_location_get_bin (location));
  return out;
}

static JsonObject *
write_not_taken (CurbNotTaken *entry)
{
  JsonObject *out = json_object_new ();

  json_object_set_string_member (out, "line_id", curb_not_taken_get_line_id (entry));
  json_object_set_int_member (out, "qty", curb_not_taken_get_qty (entry));
  set_optional_string (out, "reason", curb_not_taken_get_reason (entry));
  return out;
}

static JsonObject *
write_restage_line (CurbRestageLine *line)
{
  JsonObject *out = json_object_new ();

  json_object_set_string_member (out, "line_id", curb_restage_line_get_line_id (line));
  set_optional_string (out, "name", curb_restage_line_get_name (line));
  json_object_set_int_member (out, "staged_qty", curb_restage_line_get_staged_qty (line));
  json_object_set_int_member (out, "qty", curb_restage_line_get_qty (line));
  return out;
}

static void
write_on_the_way (JsonObject *object,
                  CurbOrder  *order)
{
  JsonObject *out;

  if (curb_order_get_announced_at (order) <= 0 && curb_order_get_eta (order) <= 0)
    {
      json_object_set_null_member (object, "on_the_way");
      return;
    }
  out = json_object_new ();
  write_time (out, "announced_at", curb_order_get_announced_at (order));
  write_time (out, "eta", curb_order_get_eta (order));
  json_object_set_object_member (object, "on_the_way", out);
}

static void
write_bags (JsonObject *object,
            CurbOrder  *order)
{
  JsonObject *bags = json_object_new ();

  for (guint t = 0; t < CURB_TEMPERATURE_COUNT; t++)
    json_object_set_int_member (bags, curb_temperature_to_string (t), curb_order_count_bags (order, t));
  json_object_set_object_member (object, "bags", bags);
}

static void
write_content (JsonObject *object,
               CurbOrder  *order)
{
  json_object_set_string_member (object, "ref", curb_order_get_ref (order));
  set_optional_string (object, "store_id", curb_order_get_store_id (order));
  json_object_set_int_member (object, "version", curb_order_get_version (order));
  write_string (object, "first_name", curb_order_get_first_name (order));
  write_string (object, "last_initial", curb_order_get_last_initial (order));
  set_optional_string (object, "language", curb_order_get_language (order));
  write_time (object, "window_start", curb_order_get_window_start (order));
  write_time (object, "window_end", curb_order_get_window_end (order));
  json_object_set_boolean_member (object, "age_restricted", curb_order_get_age_restricted (order));
  write_person (object, "alternate_pickup", curb_order_get_alternate_pickup (order));
  write_list (object, "lines", curb_order_get_lines (order), (WriteElementFunc) write_line);
  write_list (object, "substitutions", curb_order_get_substitutions (order), (WriteElementFunc) write_substitution);
  json_object_set_boolean_member (object, "cancelled", curb_order_get_cancelled (order));
  write_on_the_way (object, order);
}

static void
write_facts (JsonObject *object,
             CurbOrder  *order)
{
  json_object_set_string_member (object, "state", curb_order_state_to_string (curb_order_get_state (order)));
  json_object_set_boolean_member (object, "staged", curb_order_get_staged (order));
  write_string (object, "bay", curb_order_get_bay (order));
  json_object_set_boolean_member (object, "bay_skipped", curb_order_get_bay_skipped (order));
  write_time (object, "staged_at", curb_order_get_staged_at (order));
  write_time (object, "arrived_at", curb_order_get_arrived_at (order));
  write_time (object, "claimed_at", curb_order_get_claimed_at (order));
  write_time (object, "handed_over_at", curb_order_get_handed_over_at (order));
  write_person (object, "claimed_by", curb_order_get_claimer (order));
  write_list (object, "locations", curb_order_get_locations (order), (WriteElementFunc) write_location);
  write_bags (object, order);
  write_list (object, "not_taken", curb_order_get_not_taken (order), (WriteElementFunc) write_not_taken);
  if (g_list_model_get_n_items (curb_order_get_restage (order)) > 0)   /* absent when the staging fits */
    write_list (object, "restage", curb_order_get_restage (order), (WriteElementFunc) write_restage_line);
  json_object_set_int_member (object, "last_seq", curb_order_get_last_seq (order));
}

JsonObject *
curb_order_codec_encode (CurbOrder *order)
{
  JsonObject *object;

  g_return_val_if_fail (CURB_IS_ORDER (order), NULL);

  object = json_object_new ();
  write_content (object, order);
  write_facts (object, order);
  return object;
}

JsonObject *
curb_order_codec_encode_person (CurbPerson *person)
{
  g_autoptr(JsonObject) holder = json_object_new ();

  g_return_val_if_fail (CURB_IS_PERSON (person), NULL);

  write_person (holder, "person", person);
  return json_object_ref (json_object_get_object_member (holder, "person"));
}

/* curb_order_codec_encode() without the store's facts. */
JsonObject *
curb_order_codec_encode_content (CurbOrder *order)
{
  JsonObject *object;

  g_return_val_if_fail (CURB_IS_ORDER (order), NULL);

  object = json_object_new ();
  write_content (object, order);
  return object;
}

/* --- central's documents --- */

#define SURNAME_MAX_LEN 1024
#define PHONE_MAX_LEN   32
#define TOKEN_MAX_LEN   1024
#define ELLIPSIS        "\u2026"

/* The longest prefix of @text of at most @max_bytes that ends on a character
 * boundary and does not strip a combining mark off its base character. */
static gsize
clip_length (const char *text,
             gsize       max_bytes)
{
  const char *end = text;

  for (const char *p = text; *p != '\0' && (gsize) (g_utf8_next_char (p) - text) <= max_bytes;
       p = g_utf8_next_char (p))
    end = g_utf8_next_char (p);
  while (end > text && g_unichar_ismark (g_utf8_get_char (end)))
    end = g_utf8_find_prev_char (text, end);
  return end - text;
}

/* The member's text, or NULL when absent or not a string. */
static const char *
string_value (JsonObject *object,
              const char *member)
{
  Scope scope = { object, "" };
  JsonNode *node = object != NULL ? member_node (&scope, member) : NULL;

  return node != NULL && holds (node, G_TYPE_STRING) ? json_node_get_string (node) : NULL;
}

/* Clips @member to @max_bytes; with @ellipsis, people can see it was cut. */
static guint
clip_member (JsonObject *object,
             const char *member,
             gsize       max_bytes,
             gboolean    ellipsis)
{
  const char *value = string_value (object, member);
  gsize budget = ellipsis ? max_bytes - strlen (ELLIPSIS) : max_bytes;
  g_autofree char *clipped = NULL;

  if (value == NULL || strlen (value) <= max_bytes || !g_utf8_validate (value, -1, NULL))
    return 0;
  clipped = g_strndup (value, clip_length (value, budget));
  if (ellipsis)
    {
      g_autofree char *shown = g_strconcat (clipped, ELLIPSIS, NULL);
      g_free (clipped);
      clipped = g_steal_pointer (&shown);
    }
  json_object_set_string_member (object, member, clipped);
  return 1;
}

static guint
drop_member (JsonObject *object,
             const char *member,
             gsize       max_bytes)
{
  const char *value = string_value (object, member);

  if (value == NULL || strlen (value) <= max_bytes)
    return 0;
  json_object_remove_member (object, member);
  return 1;
}

/* The lookup only needs the last four digits. */
static guint
fit_phone (JsonObject *object)
{
  const char *value = string_value (object, "phone_last4");
  g_autofree char *last4 = NULL;

  if (value == NULL || strlen (value) <= PHONE_MAX_LEN)
    return 0;
  last4 = curb_order_normalize_phone_last4 (value);
  if (last4 != NULL)
    json_object_set_string_member (object, "phone_last4", last4);
  else
    json_object_remove_member (object, "phone_last4");
  return 1;
}

static guint
fit_list (JsonObject  *object,
          const char  *member,
          guint      (*fit_element) (JsonObject *element))
{
  JsonNode *node = json_object_get_member (object, member);
  JsonArray *array;
  guint n = 0;

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return 0;
  array = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);

      if (JSON_NODE_HOLDS_OBJECT (element))
        n += fit_element (json_node_get_object (element));
    }
  return n;
}

static guint
fit_line (JsonObject *line)
{
  return clip_member (line, "name", TEXT_MAX_LEN, TRUE) + clip_member (line, "sku", ID_MAX_LEN, TRUE);
}

static guint
fit_substitution (JsonObject *substitution)
{
  return clip_member (substitution, "original", TEXT_MAX_LEN, TRUE)
         + clip_member (substitution, "replacement", TEXT_MAX_LEN, TRUE);
}

/* An announcement is a convenience: a malformed one is dropped, never the order. */
static guint
fit_on_the_way (JsonObject *object)
{
  g_autoptr(CurbOrder) scratch = g_object_new (CURB_TYPE_ORDER, NULL);
  Scope scope = { object, "" };

  if (!json_object_has_member (object, "on_the_way") || read_on_the_way (&scope, scratch, TRUE, NULL))
    return 0;
  json_object_remove_member (object, "on_the_way");
  return 1;
}

static guint
fit_alternate (JsonObject *object)
{
  JsonNode *node = json_object_get_member (object, "alternate_pickup");
  JsonObject *alternate;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return 0;
  alternate = json_node_get_object (node);
  return clip_member (alternate, "first_name", NAME_MAX_LEN, TRUE)
         + clip_member (alternate, "last_initial", 8, FALSE);
}

guint
curb_order_codec_fit_central (JsonObject *object)
{
  g_return_val_if_fail (object != NULL, 0);

  return clip_member (object, "first_name", NAME_MAX_LEN, TRUE)
         + clip_member (object, "last_initial", 8, FALSE)
         + clip_member (object, "surname", SURNAME_MAX_LEN, FALSE)
         + fit_phone (object)
         + drop_member (object, "language", 35)
         + drop_member (object, "token", TOKEN_MAX_LEN)
         + fit_alternate (object)
         + fit_on_the_way (object)
         + fit_list (object, "lines", fit_line)
         + fit_list (object, "substitutions", fit_substitution);
}

/* Central's private members: never in a CurbOrder, never sent by the hub. */
static gboolean
read_private (const Scope       *scope,
              CurbCentralOrder  *central,
              GError           **error)
{
  const char *surname, *phone_last4, *token;

  if (!read_string (scope, "surname", FALSE, SURNAME_MAX_LEN, &surname, error)
      || !read_string (scope, "phone_last4", FALSE, PHONE_MAX_LEN, &phone_last4, error)
      || !read_string (scope, "token", FALSE, TOKEN_MAX_LEN, &token, error))
    return FALSE;
  central->surname = g_strdup (surname);
  central->phone_last4 = g_strdup (phone_last4);
  central->token = g_strdup (token);
  return TRUE;
}

CurbCentralOrder *
curb_order_codec_decode_central (JsonObject  *object,
                                 GError     **error)
{
  g_autoptr(CurbCentralOrder) central = g_new0 (CurbCentralOrder, 1);
  g_autoptr(JsonObject) fitted = NULL;
  Scope scope = { NULL, "" };

  g_return_val_if_fail (object != NULL, NULL);

  fitted = curb_json_object_copy (object);   /* fitting must not change the caller's document */
  central->n_fitted = curb_order_codec_fit_central (fitted);
  scope.object = fitted;
  central->order = g_object_new (CURB_TYPE_ORDER, NULL);
  if (!read_content (&scope, central->order, CONTENT_CENTRAL, error) || !read_private (&scope, central, error))
    return NULL;
  return g_steal_pointer (&central);
}

void
curb_central_order_free (CurbCentralOrder *central)
{
  if (central == NULL)
    return;
  g_clear_object (&central->order);
  g_free (central->surname);
  g_free (central->phone_last4);
  g_free (central->token);
  g_free (central);
}

const char *
curb_order_codec_peek_central (JsonObject *object,
                               gint64     *out_version)
{
  Scope scope = { object, "" };
  JsonNode *version;
  const char *ref;

  g_return_val_if_fail (object != NULL, NULL);

  version = member_node (&scope, "version");
  if (out_version != NULL)
    *out_version = version != NULL && holds (version, G_TYPE_INT64) ? json_node_get_int (version) : -1;
  ref = string_value (object, "ref");
  return curb_order_ref_is_valid (ref) ? ref : NULL;
}
