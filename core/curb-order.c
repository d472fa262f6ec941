#include "curb-error.h"
#include "curb-order.h"
#include "curb-util.h"

#define NAME_MAX_LEN 100
#define SURNAME_MAX_LEN 1024
#define TEXT_MAX_LEN 200
#define ID_MAX_LEN 64
#define ELLIPSIS "\u2026"

static const char * const state_names[CURB_ORDER_STATE_COUNT] = {
  "pending", "ready", "arrived", "claimed", "handed_over",
  "partially_handed_over", "no_show", "cancelled",
};

static const char * const temperature_names[CURB_TEMPERATURE_COUNT] = {
  "ambient", "chilled", "frozen",
};

static int
index_of (const char * const *names,
          guint               n_names,
          const char         *text)
{
  if (text == NULL)
    return -1;
  for (guint i = 0; i < n_names; i++)
    if (g_str_equal (names[i], text))
      return (int) i;
  return -1;
}

static gboolean
fail (GError     **error,
      const char  *where,
      const char  *member,
      const char  *problem)
{
  g_set_error (error, CURB_ERROR, CURB_ERROR_INVALID, "Order field %s%s%s %s",
               where, *where ? "." : "", member, problem);
  return FALSE;
}

static gboolean
check_string (JsonObject  *object,
              const char  *member,
              gboolean     required,
              gsize        max_len,
              const char  *where,
              GError     **error)
{
  JsonNode *node = json_object_get_member (object, member);
  const char *value;

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return required ? fail (error, where, member, "is missing") : TRUE;
  if (json_node_get_value_type (node) != G_TYPE_STRING)
    return fail (error, where, member, "must be a string");
  value = json_node_get_string (node);
  if (required && *value == '\0')
    return fail (error, where, member, "must not be empty");
  if (strlen (value) > max_len)
    return fail (error, where, member, "is too long");
  return TRUE;
}

static gboolean
check_type (JsonObject  *object,
            const char  *member,
            GType        type,
            gboolean     required,
            const char  *where,
            GError     **error)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return required ? fail (error, where, member, "is missing") : TRUE;
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != type)
    return fail (error, where, member, type == G_TYPE_BOOLEAN ? "must be true or false"
                                                              : "must be an integer");
  return TRUE;
}

static gboolean
check_count (JsonObject  *object,
             const char  *member,
             gint64       min,
             const char  *where,
             GError     **error)
{
  if (!check_type (object, member, G_TYPE_INT64, TRUE, where, error))
    return FALSE;
  if (json_object_get_int_member (object, member) < min
      || json_object_get_int_member (object, member) > 100000)
    return fail (error, where, member, "is out of range");
  return TRUE;
}

static gboolean
check_time (JsonObject  *object,
            const char  *member,
            const char  *where,
            GError     **error)
{
  gint64 ms;

  if (!check_string (object, member, FALSE, 64, where, error))
    return FALSE;
  if (json_object_get_string_member_with_default (object, member, NULL) == NULL)
    return TRUE;
  if (!curb_iso8601_to_ms (json_object_get_string_member (object, member), &ms))
    return fail (error, where, member, "is not an ISO 8601 time");
  if (ms <= 0)
    return fail (error, where, member, "is not after 1970");
  return TRUE;
}

static JsonObject *
get_object_element (JsonArray   *array,
                    guint        i,
                    const char  *member,
                    char       **out_where,
                    GError     **error)
{
  JsonNode *node = json_array_get_element (array, i);

  *out_where = g_strdup_printf ("%s[%u]", member, i);
  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error (error, CURB_ERROR, CURB_ERROR_INVALID, "Order field %s must be an object", *out_where);
      return NULL;
    }
  return json_node_get_object (node);
}

static gboolean
check_line (JsonObject  *line,
            const char  *where,
            GError     **error)
{
  const char *temperature;

  if (!check_string (line, "id", TRUE, 64, where, error)
      || !check_string (line, "sku", FALSE, ID_MAX_LEN, where, error)
      || !check_string (line, "name", TRUE, TEXT_MAX_LEN, where, error)
      || !check_count (line, "qty", 0, where, error)
      || !check_string (line, "temperature", FALSE, 16, where, error)
      || !check_type (line, "age_restricted", G_TYPE_BOOLEAN, FALSE, where, error))
    return FALSE;
  temperature = json_object_get_string_member_with_default (line, "temperature", NULL);
  if (temperature != NULL && !curb_temperature_from_string (temperature, NULL))
    return fail (error, where, "temperature", "must be ambient, chilled or frozen");
  return TRUE;
}

static gboolean
check_substitution (JsonObject  *substitution,
                    const char  *where,
                    GError     **error)
{
  static const char * const statuses[] = { "pending", "approved", "declined" };
  const char *status;

  if (!check_string (substitution, "id", TRUE, 64, where, error)
      || !check_string (substitution, "line_id", FALSE, 64, where, error)
      || !check_string (substitution, "original", FALSE, TEXT_MAX_LEN, where, error)
      || !check_string (substitution, "replacement", TRUE, TEXT_MAX_LEN, where, error)
      || !check_count (substitution, "qty", 0, where, error)
      || !check_string (substitution, "status", FALSE, 16, where, error))
    return FALSE;
  status = json_object_get_string_member_with_default (substitution, "status", "pending");
  if (index_of (statuses, G_N_ELEMENTS (statuses), status) < 0)
    return fail (error, where, "status", "must be pending, approved or declined");
  return TRUE;
}

typedef gboolean (*CheckElementFunc) (JsonObject *element, const char *where, GError **error);

static gboolean
check_array (JsonObject        *order,
             const char        *member,
             CheckElementFunc   check,
             GError           **error)
{
  JsonNode *node = json_object_get_member (order, member);
  JsonArray *array;

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (!JSON_NODE_HOLDS_ARRAY (node))
    return fail (error, "", member, "must be an array");
  array = json_node_get_array (node);
  if (json_array_get_length (array) > 1000)
    return fail (error, "", member, "has too many entries");
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      g_autofree char *where = NULL;
      JsonObject *element = get_object_element (array, i, member, &where, error);

      if (element == NULL || !check (element, where, error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
check_alternate (JsonObject  *order,
                 GError     **error)
{
  JsonNode *node = json_object_get_member (order, "alternate_pickup");
  JsonObject *alternate;

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (!JSON_NODE_HOLDS_OBJECT (node))
    return fail (error, "", "alternate_pickup", "must be an object or null");
  alternate = json_node_get_object (node);
  return check_string (alternate, "first_name", TRUE, NAME_MAX_LEN, "alternate_pickup", error)
         && check_string (alternate, "last_initial", FALSE, 8, "alternate_pickup", error);
}

static gboolean
check_on_the_way (JsonObject  *order,
                  GError     **error)
{
  JsonNode *node = json_object_get_member (order, "on_the_way");
  JsonObject *announced;

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (!JSON_NODE_HOLDS_OBJECT (node))
    return fail (error, "", "on_the_way", "must be an object or null");
  announced = json_node_get_object (node);
  if (!check_time (announced, "eta", "on_the_way", error) || !check_time (announced, "announced_at", "on_the_way", error))
    return FALSE;
  if (json_object_get_string_member_with_default (announced, "eta", NULL) == NULL)
    return fail (error, "on_the_way", "eta", "is missing");
  return TRUE;
}

static gboolean
check_ref_and_version (JsonObject  *order,
                       GError     **error)
{
  if (!check_string (order, "ref", TRUE, 32, "", error))
    return FALSE;
  if (!curb_order_ref_is_valid (json_object_get_string_member (order, "ref")))
    return fail (error, "", "ref", "must be 1 to 32 of A-Z, 0-9 and -");
  if (!check_type (order, "version", G_TYPE_INT64, TRUE, "", error))
    return FALSE;
  if (json_object_get_int_member (order, "version") < 0)
    return fail (error, "", "version", "must not be negative");
  return TRUE;
}

static gboolean
check_window (JsonObject  *order,
              GError     **error)
{
  gint64 start = 0, end = 0;

  if (!check_time (order, "window_start", "", error) || !check_time (order, "window_end", "", error))
    return FALSE;
  if (curb_iso8601_to_ms (json_object_get_string_member_with_default (order, "window_start", NULL), &start)
      && curb_iso8601_to_ms (json_object_get_string_member_with_default (order, "window_end", NULL), &end)
      && end < start)
    return fail (error, "", "window_end", "is before window_start");
  return TRUE;
}

/* --- fitting central's documents to the store's limits --- */

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

static const char *
string_value (JsonObject *object,
              const char *member)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, member) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
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
fit_phone (JsonObject *order)
{
  const char *value = string_value (order, "phone_last4");
  g_autofree char *last4 = NULL;

  if (value == NULL || strlen (value) <= 32)
    return 0;
  last4 = curb_order_normalize_phone_last4 (value);
  if (last4 != NULL)
    json_object_set_string_member (order, "phone_last4", last4);
  else
    json_object_remove_member (order, "phone_last4");
  return 1;
}

static guint
fit_array (JsonObject  *order,
           const char  *member,
           guint      (*fit_element) (JsonObject *element))
{
  JsonNode *node = json_object_get_member (order, member);
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
fit_on_the_way (JsonObject *order)
{
  if (!json_object_has_member (order, "on_the_way") || check_on_the_way (order, NULL))
    return 0;
  json_object_remove_member (order, "on_the_way");
  return 1;
}

static guint
fit_alternate (JsonObject *order)
{
  JsonNode *node = json_object_get_member (order, "alternate_pickup");
  JsonObject *alternate;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return 0;
  alternate = json_node_get_object (node);
  return clip_member (alternate, "first_name", NAME_MAX_LEN, TRUE)
         + clip_member (alternate, "last_initial", 8, FALSE);
}

const char *
curb_order_state_to_string (CurbOrderState state)
{
  g_return_val_if_fail ((guint) state < CURB_ORDER_STATE_COUNT, NULL);
  return state_names[state];
}

gboolean
curb_order_state_from_string (const char     *text,
                              CurbOrderState *out_state)
{
  int i = index_of (state_names, CURB_ORDER_STATE_COUNT, text);

  if (i < 0)
    return FALSE;
  if (out_state != NULL)
    *out_state = (CurbOrderState) i;
  return TRUE;
}

gboolean
curb_order_state_is_active (CurbOrderState state)
{
  return state == CURB_ORDER_STATE_PENDING || state == CURB_ORDER_STATE_READY
         || state == CURB_ORDER_STATE_ARRIVED || state == CURB_ORDER_STATE_CLAIMED;
}

const char *
curb_temperature_to_string (CurbTemperature temperature)
{
  g_return_val_if_fail ((guint) temperature < CURB_TEMPERATURE_COUNT, NULL);
  return temperature_names[temperature];
}

gboolean
curb_temperature_from_string (const char      *text,
                              CurbTemperature *out_temperature)
{
  int i = index_of (temperature_names, CURB_TEMPERATURE_COUNT, text);

  if (i < 0)
    return FALSE;
  if (out_temperature != NULL)
    *out_temperature = (CurbTemperature) i;
  return TRUE;
}

gboolean
curb_order_ref_is_valid (const char *ref)
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

gboolean
curb_order_validate_central (JsonObject  *order,
                             GError     **error)
{
  g_return_val_if_fail (order != NULL, FALSE);

  return check_ref_and_version (order, error)
         && check_string (order, "store_id", FALSE, 64, "", error)
         && check_string (order, "first_name", TRUE, NAME_MAX_LEN, "", error)
         && check_string (order, "last_initial", FALSE, 8, "", error)
         && check_string (order, "surname", FALSE, SURNAME_MAX_LEN, "", error)
         && check_string (order, "phone_last4", FALSE, 32, "", error)
         && check_string (order, "language", FALSE, 35, "", error)
         && check_string (order, "token", FALSE, 1024, "", error)
         && check_window (order, error)
         && check_type (order, "age_restricted", G_TYPE_BOOLEAN, FALSE, "", error)
         && check_type (order, "cancelled", G_TYPE_BOOLEAN, FALSE, "", error)
         && check_alternate (order, error)
         && check_on_the_way (order, error)
         && check_array (order, "lines", check_line, error)
         && check_array (order, "substitutions", check_substitution, error);
}

/**
 * curb_order_fit_central:
 * @order: (inout): an order document as central sends it
 *
 * Makes what is too long for the store fit instead of refusing the order:
 * names, product names, SKUs and substitutions are clipped on character
 * boundaries (with an ellipsis where people read them), a last initial to
 * its characters, an over-long phone to its last four digits; an over-long
 * language tag or token is dropped (the kiosk verifies the QR by its
 * signature). The surname is kept whole up to 1 KiB: the lookup hashes it.
 * Members of the wrong type are left for curb_order_validate_central().
 *
 * Returns: how many fields were changed
 */
guint
curb_order_fit_central (JsonObject *order)
{
  g_return_val_if_fail (order != NULL, 0);

  return clip_member (order, "first_name", NAME_MAX_LEN, TRUE)
         + clip_member (order, "last_initial", 8, FALSE)
         + clip_member (order, "surname", SURNAME_MAX_LEN, FALSE)
         + fit_phone (order)
         + drop_member (order, "language", 35)
         + drop_member (order, "token", 1024)
         + fit_alternate (order)
         + fit_on_the_way (order)
         + fit_array (order, "lines", fit_line)
         + fit_array (order, "substitutions", fit_substitution);
}

char *
curb_order_normalize_surname (const char *surname)
{
  g_autofree char *decomposed = NULL;
  g_autoptr(GString) kept = g_string_new (NULL);

  if (surname == NULL || !g_utf8_validate (surname, -1, NULL))
    return NULL;
  decomposed = g_utf8_normalize (surname, -1, G_NORMALIZE_NFKD);
  for (const char *p = decomposed; p != NULL && *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_isalnum (c) && !g_unichar_ismark (c))
        g_string_append_unichar (kept, c);
    }
  if (kept->len == 0)
    return NULL;
  return g_utf8_casefold (kept->str, -1);
}

char *
curb_order_normalize_phone_last4 (const char *phone)
{
  g_autoptr(GString) digits = g_string_new (NULL);

  if (phone == NULL)
    return NULL;
  for (const char *p = phone; *p; p++)
    if (g_ascii_isdigit (*p))
      g_string_append_c (digits, *p);
  if (digits->len < 4)
    return NULL;
  return g_strdup (digits->str + digits->len - 4);
}

char *
curb_order_format_display_name (const char *first_name,
                                const char *last_initial)
{
  if (first_name == NULL || *first_name == '\0')
    return NULL;
  if (last_initial == NULL || *last_initial == '\0' || !g_utf8_validate (last_initial, -1, NULL))
    return g_strdup (first_name);
  return g_strdup_printf ("%s %.*s.", first_name,
                          (int) (g_utf8_next_char (last_initial) - last_initial), last_initial);
}
