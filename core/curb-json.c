/* A strict JSON reader for what comes from the LAN: RFC 8259, one value,
 * nothing lenient. json-glib's parser accepts comments, several values,
 * lone surrogate escapes (which it turns into invalid UTF-8) and duplicate
 * names (the last one wins); this one refuses them. Recursion is bounded
 * by the nesting limit. */

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "curb-error.h"
#include "curb-json.h"

typedef struct
{
  const char *data;
  gsize       length;
  gsize       pos;
  guint       max_depth;
  GError    **error;
} Reader;

static JsonNode *read_value (Reader *r, guint depth);

static gboolean
fail (Reader     *r,
      const char *what)
{
  if (r->error != NULL && *r->error == NULL)
    g_set_error (r->error, CURB_ERROR, CURB_ERROR_INVALID, "Not strict JSON: %s at byte %" G_GSIZE_FORMAT,
                 what, r->pos);
  return FALSE;
}

static gboolean
at_end (Reader *r)
{
  return r->pos >= r->length;
}

static char
peek (Reader *r)
{
  return at_end (r) ? '\0' : r->data[r->pos];
}

static void
skip_space (Reader *r)
{
  while (!at_end (r) && strchr (" \t\r\n", r->data[r->pos]) != NULL && r->data[r->pos] != '\0')
    r->pos++;
}

static gboolean
expect (Reader     *r,
        const char *word)
{
  gsize len = strlen (word);

  if (r->length - r->pos < len || memcmp (r->data + r->pos, word, len) != 0)
    return fail (r, "unexpected character");
  r->pos += len;
  return TRUE;
}

/* --- strings --- */

static int
hex_digit (char c)
{
  return g_ascii_xdigit_value (c);
}

static gboolean
read_hex4 (Reader  *r,
           guint32 *out)
{
  *out = 0;
  if (r->length - r->pos < 4)
    return fail (r, "short \\u escape");
  for (int i = 0; i < 4; i++)
    {
      int digit = hex_digit (r->data[r->pos + i]);

      if (digit < 0)
        return fail (r, "bad \\u escape");
      *out = *out << 4 | (guint32) digit;
    }
  r->pos += 4;
  return TRUE;
}

/* After the backslash and 'u': one code point, surrogates paired. */
static gboolean
read_unicode_escape (Reader  *r,
                     GString *out)
{
  guint32 high, low;

  if (!read_hex4 (r, &high))
    return FALSE;
  if (high >= 0xdc00 && high <= 0xdfff)
    return fail (r, "lone low surrogate escape");
  if (high >= 0xd800 && high <= 0xdbff)
    {
      if (r->length - r->pos < 2 || r->data[r->pos] != '\\' || r->data[r->pos + 1] != 'u')
        return fail (r, "lone high surrogate escape");
      r->pos += 2;
      if (!read_hex4 (r, &low))
        return FALSE;
      if (low < 0xdc00 || low > 0xdfff)
        return fail (r, "high surrogate escape without its low half");
      high = 0x10000 + ((high - 0xd800) << 10) + (low - 0xdc00);
    }
  if (high == 0)
    return fail (r, "U+0000 in a string");
  g_string_append_unichar (out, high);
  return TRUE;
}

static gboolean
read_escape (Reader  *r,
             GString *out)
{
  static const char from[] = "\"\\/bfnrt";
  static const char to[] = "\"\\/\b\f\n\r\t";
  const char *hit;
  char c;

  if (at_end (r))
    return fail (r, "unfinished escape");
  c = r->data[r->pos++];
  if (c == 'u')
    return read_unicode_escape (r, out);
  hit = c != '\0' ? strchr (from, c) : NULL;
  if (hit == NULL)
    return fail (r, "unknown escape");
  g_string_append_c (out, to[hit - from]);
  return TRUE;
}

/* Raw bytes up to the next quote or backslash: valid UTF-8, no controls. */
static gboolean
read_plain_run (Reader  *r,
                GString *out)
{
  gsize start = r->pos;
  const char *end;

  while (!at_end (r) && r->data[r->pos] != '"' && r->data[r->pos] != '\\')
    {
      if ((guchar) r->data[r->pos] < 0x20)
        return fail (r, "control character in a string");
      r->pos++;
    }
  if (!g_utf8_validate (r->data + start, (gssize) (r->pos - start), &end))
    {
      r->pos = end - r->data;
      return fail (r, "invalid UTF-8");
    }
  g_string_append_len (out, r->data + start, (gssize) (r->pos - start));
  return TRUE;
}

static char *
read_string (Reader *r)
{
  g_autoptr(GString) out = g_string_new (NULL);

  if (peek (r) != '"')
    return (fail (r, "expected a string"), NULL);
  r->pos++;
  for (;;)
    {
      if (!read_plain_run (r, out))
        return NULL;
      if (at_end (r))
        return (fail (r, "unterminated string"), NULL);
      if (r->data[r->pos++] == '"')
        return g_string_free (g_steal_pointer (&out), FALSE);
      if (!read_escape (r, out))
        return NULL;
    }
}

/* --- numbers --- */

static gboolean
skip_digits (Reader *r)
{
  gsize start = r->pos;

  while (g_ascii_isdigit (peek (r)))
    r->pos++;
  return r->pos > start;
}

static JsonNode *
read_number (Reader *r)
{
  gsize start = r->pos;
  gboolean integer = TRUE;
  g_autofree char *text = NULL;
  JsonNode *node;

  if (peek (r) == '-')
    r->pos++;
  if (peek (r) == '0')
    r->pos++;
  else if (!skip_digits (r))
    return (fail (r, "bad number"), NULL);
  if (peek (r) == '.')
    {
      r->pos++;
      integer = FALSE;
      if (!skip_digits (r))
        return (fail (r, "bad fraction"), NULL);
    }
  if (peek (r) == 'e' || peek (r) == 'E')
    {
      r->pos++;
      integer = FALSE;
      if (peek (r) == '+' || peek (r) == '-')
        r->pos++;
      if (!skip_digits (r))
        return (fail (r, "bad exponent"), NULL);
    }
  text = g_strndup (r->data + start, r->pos - start);
  node = json_node_alloc ();
  errno = 0;
  if (integer)
    {
      gint64 value = g_ascii_strtoll (text, NULL, 10);

      if (errno == ERANGE)
        return (json_node_unref (node), r->pos = start, fail (r, "integer beyond 64 bits"), NULL);
      return json_node_init_int (node, value);
    }
  {
    double value = g_ascii_strtod (text, NULL);

    if (!isfinite (value))
      return (json_node_unref (node), r->pos = start, fail (r, "number out of range"), NULL);
    return json_node_init_double (node, value);
  }
}

/* --- containers --- */

static gboolean
read_member (Reader     *r,
             JsonObject *object,
             guint       depth)
{
  gsize name_at;
  g_autofree char *name = NULL;
  JsonNode *value;

  skip_space (r);
  name_at = r->pos;
  name = read_string (r);
  if (name == NULL)
    return FALSE;
  if (json_object_has_member (object, name))
    {
      r->pos = name_at;
      return fail (r, "duplicate member name");
    }
  skip_space (r);
  if (!expect (r, ":"))
    return FALSE;
  value = read_value (r, depth);
  if (value == NULL)
    return FALSE;
  json_object_set_member (object, name, value);
  return TRUE;
}

static JsonNode *
read_object (Reader *r,
             guint   depth)
{
  g_autoptr(JsonObject) object = json_object_new ();

  r->pos++;
  skip_space (r);
  if (peek (r) == '}')
    r->pos++;
  else
    for (;;)
      {
        if (!read_member (r, object, depth))
          return NULL;
        skip_space (r);
        if (peek (r) == '}')
          {
            r->pos++;
            break;
          }
        if (!expect (r, ","))
          return NULL;
      }
  return json_node_init_object (json_node_alloc (), object);
}

static JsonNode *
read_array (Reader *r,
            guint   depth)
{
  g_autoptr(JsonArray) array = json_array_new ();

  r->pos++;
  skip_space (r);
  if (peek (r) == ']')
    r->pos++;
  else
    for (;;)
      {
        JsonNode *element = read_value (r, depth);

        if (element == NULL)
          return NULL;
        json_array_add_element (array, element);
        skip_space (r);
        if (peek (r) == ']')
          {
            r->pos++;
            break;
          }
        if (!expect (r, ","))
          return NULL;
      }
  return json_node_init_array (json_node_alloc (), array);
}

static JsonNode *
read_literal (Reader     *r,
              const char *word)
{
  JsonNode *node;

  if (!expect (r, word))
    return NULL;
  node = json_node_alloc ();
  if (word[0] == 'n')
    return json_node_init_null (node);
  return json_node_init_boolean (node, word[0] == 't');
}

static JsonNode *
read_value (Reader *r,
            guint   depth)
{
  char c;

  skip_space (r);
  c = peek (r);
  if ((c == '{' || c == '[') && depth >= r->max_depth)
    return (fail (r, "nested too deeply"), NULL);
  switch (c)
    {
    case '{':
      return read_object (r, depth + 1);
    case '[':
      return read_array (r, depth + 1);
    case '"':
      {
        char *text = read_string (r);
        JsonNode *node;

        if (text == NULL)
          return NULL;
        node = json_node_init_string (json_node_alloc (), text);
        g_free (text);
        return node;
      }
    case 't':
      return read_literal (r, "true");
    case 'f':
      return read_literal (r, "false");
    case 'n':
      return read_literal (r, "null");
    default:
      if (c == '-' || g_ascii_isdigit (c))
        return read_number (r);
      return (fail (r, at_end (r) ? "no value" : "unexpected character"), NULL);
    }
}

/* --- public API --- */

JsonNode *
curb_json_parse (const char  *data,
                 gsize        length,
                 guint        max_depth,
                 GError     **error)
{
  Reader r = { data, length, 0, max_depth > 0 ? max_depth : CURB_JSON_DEFAULT_DEPTH, error };
  g_autoptr(JsonNode) root = NULL;

  g_return_val_if_fail (data != NULL || length == 0, NULL);

  root = read_value (&r, 0);
  if (root == NULL)
    return NULL;
  skip_space (&r);
  if (!at_end (&r))
    return (fail (&r, "more than one value"), NULL);
  return g_steal_pointer (&root);
}

JsonObject *
curb_json_parse_object (const char  *data,
                        gsize        length,
                        guint        max_depth,
                        GError     **error)
{
  g_autoptr(JsonNode) root = curb_json_parse (data, length, max_depth, error);

  if (root == NULL)
    return NULL;
  if (!JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error_literal (error, CURB_ERROR, CURB_ERROR_INVALID, "Not strict JSON: the value is not an object");
      return NULL;
    }
  return json_node_dup_object (root);
}

static JsonNode *
node_copy (JsonNode *node)
{
  if (JSON_NODE_HOLDS_OBJECT (node))
    {
      g_autoptr(JsonObject) copy = curb_json_object_copy (json_node_get_object (node));
      return json_node_init_object (json_node_alloc (), copy);
    }
  if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);
      g_autoptr(JsonArray) copy = json_array_sized_new (json_array_get_length (array));

      for (guint i = 0; i < json_array_get_length (array); i++)
        json_array_add_element (copy, node_copy (json_array_get_element (array, i)));
      return json_node_init_array (json_node_alloc (), copy);
    }
  return json_node_copy (node);
}

JsonObject *
curb_json_object_copy (JsonObject *object)
{
  JsonObject *copy = json_object_new ();
  JsonObjectIter iter;
  const char *name;
  JsonNode *value;

  g_return_val_if_fail (object != NULL, copy);

  json_object_iter_init_ordered (&iter, object);
  while (json_object_iter_next_ordered (&iter, &name, &value))
    json_object_set_member (copy, name, node_copy (value));
  return copy;
}

static JsonNode *
value_node (JsonObject *object,
            const char *member,
            GType       type)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, member) : NULL;

  return node != NULL && JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == type ? node : NULL;
}

const char *
curb_json_get_string (JsonObject *object,
                      const char *member)
{
  JsonNode *node = value_node (object, member, G_TYPE_STRING);

  return node != NULL ? json_node_get_string (node) : NULL;
}

gint64
curb_json_get_int (JsonObject *object,
                   const char *member,
                   gint64      fallback)
{
  JsonNode *node = value_node (object, member, G_TYPE_INT64);

  return node != NULL ? json_node_get_int (node) : fallback;
}

gboolean
curb_json_get_bool (JsonObject *object,
                    const char *member,
                    gboolean    fallback)
{
  JsonNode *node = value_node (object, member, G_TYPE_BOOLEAN);

  return node != NULL ? json_node_get_boolean (node) : fallback;
}
