#include <math.h>
#include <string.h>
#include <gio/gio.h>

#include "curb-config-private.h"
#include "curb-error.h"

#define CONFIG_MAX_LEN (1024 * 1024)

typedef struct
{
  gboolean  set;          /* by the file, not the default */
  gboolean  has_value;
  char     *text;         /* STRING, URL, PATH (resolved) */
  gint64    int_value;
  double    double_value;
  gboolean  bool_value;
  char    **list;
} Value;

struct _CurbConfigCheck
{
  CurbConfigRole       role;
  const CurbConfigKey *schema;
  gsize                n_keys;
  const char          *filename;
  char                *base_dir;
  GKeyFile            *keyfile;
  GPtrArray           *problems;
  GHashTable          *key_lines;    /* "group\nkey" → line */
  GHashTable          *group_lines;  /* group → first line */
  Value               *values;       /* n_keys */
};

struct _CurbConfig
{
  GObject              parent_instance;

  CurbConfigRole       role;
  char                *filename;
  const CurbConfigKey *schema;
  gsize                n_keys;
  Value               *values;
};

G_DEFINE_FINAL_TYPE (CurbConfig, curb_config, G_TYPE_OBJECT)

static const char * const role_names[] = { "hub", "kiosk", "staging" };

/* ---- problems ---------------------------------------------------------- */

void
curb_config_problem_free (CurbConfigProblem *problem)
{
  if (problem == NULL)
    return;
  g_free (problem->file);
  g_free (problem->group);
  g_free (problem->key);
  g_free (problem->message);
  g_free (problem);
}

char *
curb_config_problem_format (const CurbConfigProblem *problem)
{
  const char *file = problem->file != NULL ? problem->file : "(config)";

  if (problem->line == 0)
    return g_strdup_printf ("%s: %s", file, problem->message);
  return g_strdup_printf ("%s:%u: %s", file, problem->line, problem->message);
}

static void
add_problem (CurbConfigCheck *check,
             guint            line,
             const char      *group,
             const char      *key,
             char            *message)
{
  CurbConfigProblem *problem = g_new0 (CurbConfigProblem, 1);

  problem->file = g_strdup (check->filename);
  problem->line = line;
  problem->group = g_strdup (group);
  problem->key = g_strdup (key);
  problem->message = message;
  g_ptr_array_add (check->problems, problem);
}

static char *
line_key (const char *group,
          const char *key)
{
  return g_strconcat (group, "\n", key, NULL);
}

static guint
key_line (CurbConfigCheck *check,
          const char      *group,
          const char      *key)
{
  g_autofree char *id = line_key (group, key);

  return GPOINTER_TO_UINT (g_hash_table_lookup (check->key_lines, id));
}

void
curb_config_report (CurbConfigCheck *check,
                    const char      *group,
                    const char      *key,
                    const char      *format,
                    ...)
{
  va_list args;
  char *message;
  guint line = key_line (check, group, key);

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  if (line == 0)
    line = GPOINTER_TO_UINT (g_hash_table_lookup (check->group_lines, group));
  add_problem (check, line, group, key, g_strdup_printf ("[%s] %s: %s", group, key, message));
  g_free (message);
}

static int
compare_problems (gconstpointer a,
                  gconstpointer b)
{
  const CurbConfigProblem *pa = *(CurbConfigProblem * const *) a;
  const CurbConfigProblem *pb = *(CurbConfigProblem * const *) b;
  guint la = pa->line == 0 ? G_MAXUINT : pa->line;
  guint lb = pb->line == 0 ? G_MAXUINT : pb->line;

  return la < lb ? -1 : la > lb;
}

/* ---- schema lookup and suggestions -------------------------------------- */

static gssize
schema_index (const CurbConfigKey *schema,
              gsize                n_keys,
              const char          *group,
              const char          *key)
{
  for (gsize i = 0; i < n_keys; i++)
    if (g_str_equal (schema[i].group, group) && g_str_equal (schema[i].key, key))
      return i;
  return -1;
}

static gboolean
schema_has_group (CurbConfigCheck *check,
                  const char      *group)
{
  for (gsize i = 0; i < check->n_keys; i++)
    if (g_str_equal (check->schema[i].group, group))
      return TRUE;
  return FALSE;
}

static guint
edit_distance (const char *a,
               const char *b)
{
  g_autofree char *la = g_ascii_strdown (a, -1);
  g_autofree char *lb = g_ascii_strdown (b, -1);
  gsize n = strlen (lb);
  g_autofree guint *row = g_new (guint, n + 1);

  for (gsize j = 0; j <= n; j++)
    row[j] = j;
  for (gsize i = 1; la[i - 1] != '\0'; i++)
    {
      guint diagonal = row[0];
      row[0] = i;
      for (gsize j = 1; j <= n; j++)
        {
          guint above = row[j];
          guint cost = la[i - 1] == lb[j - 1] ? 0 : 1;
          row[j] = MIN (MIN (row[j] + 1, row[j - 1] + 1), diagonal + cost);
          diagonal = above;
        }
    }
  return row[n];
}

static gboolean
is_close (const char *typed,
          const char *candidate,
          guint      *best)
{
  guint distance = edit_distance (typed, candidate);
  guint limit = MAX (2, strlen (candidate) / 3);

  if (distance > limit || distance >= *best)
    return FALSE;
  *best = distance;
  return TRUE;
}

static char *
suggest_key (CurbConfigCheck *check,
             const char      *group,
             const char      *key)
{
  const CurbConfigKey *found = NULL;
  guint best = G_MAXUINT;

  if (strlen (key) > 64)
    return NULL;
  for (gsize i = 0; i < check->n_keys; i++)
    if (g_str_equal (check->schema[i].group, group) && is_close (key, check->schema[i].key, &best))
      found = &check->schema[i];
  if (found != NULL)
    return g_strdup_printf ("did you mean “%s”?", found->key);
  for (gsize i = 0; i < check->n_keys; i++)
    if (g_str_equal (check->schema[i].key, key))
      return g_strdup_printf ("it belongs in group [%s]", check->schema[i].group);
  return NULL;
}

static char *
suggest_group (CurbConfigCheck *check,
               const char      *group)
{
  const char *found = NULL;
  guint best = G_MAXUINT;

  if (strlen (group) > 64)
    return NULL;
  for (gsize i = 0; i < check->n_keys; i++)
    if (is_close (group, check->schema[i].group, &best))
      found = check->schema[i].group;
  return found != NULL ? g_strdup_printf ("did you mean [%s]?", found) : NULL;
}

static char *
with_suggestion (char *message,
                 char *suggestion)
{
  char *full;

  if (suggestion == NULL)
    return message;
  full = g_strdup_printf ("%s; %s", message, suggestion);
  g_free (message);
  g_free (suggestion);
  return full;
}

/* ---- scanning lines (GKeyFile knows no line numbers) -------------------- */

typedef struct
{
  char     *group;        /* current known group, or NULL */
  gboolean  seen_group;
} ScanState;

static gboolean
scan_group (CurbConfigCheck *check,
            const char      *line,
            guint            number,
            ScanState       *state)
{
  gsize len = strlen (line);
  g_autofree char *name = NULL;

  g_clear_pointer (&state->group, g_free);
  state->seen_group = TRUE;
  if (len < 3 || line[len - 1] != ']' || memchr (line + 1, '[', len - 2) != NULL
      || memchr (line + 1, ']', len - 2) != NULL)
    {
      add_problem (check, number, NULL, NULL,
                   g_strdup ("malformed group header: write it as [group-name]"));
      return FALSE;
    }
  name = g_strndup (line + 1, len - 2);
  if (!schema_has_group (check, name))
    {
      char *message = g_strdup_printf ("unknown group [%s]", name);
      add_problem (check, number, name, NULL, with_suggestion (message, suggest_group (check, name)));
      return FALSE;
    }
  if (!g_hash_table_contains (check->group_lines, name))
    g_hash_table_insert (check->group_lines, g_strdup (name), GUINT_TO_POINTER (number));
  state->group = g_steal_pointer (&name);
  return TRUE;
}

static gboolean
scan_key (CurbConfigCheck *check,
          const char      *line,
          guint            number,
          const char      *group)
{
  const char *equals = strchr (line, '=');
  g_autofree char *key = g_strstrip (g_strndup (line, equals - line));
  g_autofree char *id = NULL;
  guint first;

  if (schema_index (check->schema, check->n_keys, group, key) < 0)
    {
      char *message = g_strdup_printf ("unknown key “%s” in [%s]", key, group);
      add_problem (check, number, group, key, with_suggestion (message, suggest_key (check, group, key)));
      return FALSE;
    }
  id = line_key (group, key);
  if ((first = GPOINTER_TO_UINT (g_hash_table_lookup (check->key_lines, id))) != 0)
    {
      add_problem (check, number, group, key,
                   g_strdup_printf ("[%s] %s is set twice (first on line %u)", group, key, first));
      return FALSE;
    }
  g_hash_table_insert (check->key_lines, g_steal_pointer (&id), GUINT_TO_POINTER (number));
  return TRUE;
}

/* Returns whether GKeyFile may see the line: rejected lines are reported
 * here (or belong to a group already reported) and are blanked out. */
static gboolean
scan_line (CurbConfigCheck *check,
           char            *line,
           guint            number,
           ScanState       *state)
{
  if (!g_utf8_validate (line, -1, NULL))
    {
      add_problem (check, number, NULL, NULL, g_strdup ("line is not valid UTF-8"));
      return FALSE;
    }
  line = g_strstrip (line);
  if (*line == '\0' || *line == '#')
    return TRUE;
  if (*line == '[')
    return scan_group (check, line, number, state);
  if (strchr (line, '=') == NULL)
    add_problem (check, number, NULL, NULL,
                 g_strdup ("expected “key = value”, a [group] header or a # comment"));
  else if (!state->seen_group)
    add_problem (check, number, NULL, NULL,
                 g_strdup ("key outside any group: start the file with a [group] header"));
  else if (state->group != NULL)
    return scan_key (check, line, number, state->group);
  return FALSE;
}

/* Returns the text with every rejected line blanked, for GKeyFile. */
static char *
scan_text (CurbConfigCheck *check,
           const char      *data,
           gsize            length)
{
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  ScanState state = { NULL, FALSE };
  GString *accepted;

  if (length > CONFIG_MAX_LEN)
    {
      add_problem (check, 0, NULL, NULL, g_strdup ("file is larger than 1 MiB"));
      return NULL;
    }
  if (memchr (data, '\0', length) != NULL)
    {
      add_problem (check, 0, NULL, NULL, g_strdup ("file contains a NUL byte: not a text file"));
      return NULL;
    }
  text = g_strndup (data, length);
  lines = g_strsplit (text, "\n", -1);
  accepted = g_string_sized_new (length);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      gboolean keep = scan_line (check, lines[i], i + 1, &state);
      g_string_append_printf (accepted, "%s\n", keep ? lines[i] : "");
    }
  g_free (state.group);
  return g_string_free (accepted, FALSE);
}

/* ---- values -------------------------------------------------------------- */

static void
value_clear (Value *value)
{
  g_free (value->text);
  g_strfreev (value->list);
  memset (value, 0, sizeof *value);
}

static void
values_free (Value *values,
             gsize  n)
{
  if (values == NULL)
    return;
  for (gsize i = 0; i < n; i++)
    value_clear (&values[i]);
  g_free (values);
}

static char *
check_range (const CurbConfigKey *row,
             double               number,
             const char          *text)
{
  if (row->min >= row->max || (number >= row->min && number <= row->max))
    return NULL;
  if (row->type == CURB_CONFIG_INT)
    return g_strdup_printf ("must be between %" G_GINT64_FORMAT " and %" G_GINT64_FORMAT ", not %s",
                            (gint64) row->min, (gint64) row->max, text);
  return g_strdup_printf ("must be between %g and %g, not %s", row->min, row->max, text);
}

static char *
parse_int (const CurbConfigKey *row,
           const char          *text,
           Value               *value)
{
  if (!g_ascii_string_to_signed (text, 10, G_MININT64, G_MAXINT64, &value->int_value, NULL))
    return g_strdup_printf ("“%s” is not a whole number", text);
  return check_range (row, value->int_value, text);
}

static char *
parse_double (const CurbConfigKey *row,
              const char          *text,
              Value               *value)
{
  char *end = NULL;

  value->double_value = g_ascii_strtod (text, &end);
  if (*text == '\0' || end == NULL || *end != '\0' || !isfinite (value->double_value))
    return g_strdup_printf ("“%s” is not a number", text);
  return check_range (row, value->double_value, text);
}

static char *
parse_bool (const char *text,
            Value      *value)
{
  if (g_str_equal (text, "true") || g_str_equal (text, "1"))
    value->bool_value = TRUE;
  else if (g_str_equal (text, "false") || g_str_equal (text, "0"))
    value->bool_value = FALSE;
  else
    return g_strdup_printf ("“%s” is not a boolean: write true or false", text);
  return NULL;
}

static char *
parse_url (const char *text)
{
  g_autoptr(GUri) uri = g_uri_parse (text, G_URI_FLAGS_NONE, NULL);
  const char *scheme = uri != NULL ? g_uri_get_scheme (uri) : NULL;

  if (uri == NULL || g_uri_get_host (uri) == NULL || *g_uri_get_host (uri) == '\0'
      || (g_ascii_strcasecmp (scheme, "http") != 0 && g_ascii_strcasecmp (scheme, "https") != 0))
    return g_strdup_printf ("“%s” is not an http:// or https:// URL with a host", text);
  return NULL;
}

static char *
validate_text (const CurbConfigKey *row,
               const char          *text)
{
  char *message = NULL;

  if (row->choices != NULL)
    {
      g_auto(GStrv) choices = g_strsplit (row->choices, "|", -1);
      if (!g_strv_contains ((const char * const *) choices, text))
        return g_strdup_printf ("“%s” is not one of: %s", text, row->choices);
    }
  if (row->validator != NULL && !row->validator (text, &message))
    return message != NULL ? message : g_strdup_printf ("“%s” is not valid here", text);
  return NULL;
}

static char *
parse_list (const CurbConfigKey *row,
            const char          *text,
            Value               *value)
{
  g_auto(GStrv) parts = g_strsplit (text, ";", -1);
  g_autoptr(GStrvBuilder) items = g_strv_builder_new ();

  for (guint i = 0; parts[i] != NULL; i++)
    {
      char *item = g_strstrip (parts[i]);
      char *message;
      if (*item == '\0')
        continue;
      if ((message = validate_text (row, item)) != NULL)
        return message;
      g_strv_builder_add (items, item);
    }
  value->list = g_strv_builder_end (items);
  if (row->required && value->list[0] == NULL)
    return g_strdup ("must list at least one value");
  return NULL;
}

static char *
resolve_path (const char *base_dir,
              const char *text)
{
  if (g_path_is_absolute (text) || base_dir == NULL)
    return g_strdup (text);
  return g_build_filename (base_dir, text, NULL);
}

/* Parses @text (already unescaped) into @value; returns a message on error. */
static char *
parse_value (const CurbConfigKey *row,
             const char          *base_dir,
             const char          *text,
             Value               *value)
{
  value->has_value = TRUE;
  switch (row->type)
    {
    case CURB_CONFIG_INT:
      return parse_int (row, text, value);
    case CURB_CONFIG_DOUBLE:
      return parse_double (row, text, value);
    case CURB_CONFIG_BOOL:
      return parse_bool (text, value);
    case CURB_CONFIG_LIST:
      return parse_list (row, text, value);
    case CURB_CONFIG_URL:
      value->text = g_strdup (text);
      return parse_url (text);
    case CURB_CONFIG_PATH:
      if (*text == '\0')
        return g_strdup ("must not be empty (leave the key out instead)");
      value->text = resolve_path (base_dir, text);
      return validate_text (row, text);
    case CURB_CONFIG_STRING:
    default:
      value->text = g_strdup (text);
      return validate_text (row, text);
    }
}

static void
load_default (const CurbConfigKey *row,
              Value               *value)
{
  char *message;

  if (row->default_value == NULL)
    return;
  message = parse_value (row, NULL, row->default_value, value);
  if (message != NULL)
    g_critical ("Default of [%s] %s is invalid: %s", row->group, row->key, message);
  g_free (message);
}

/* The escapes of a key-file string (\s \n \t \r \\), checked before
 * GKeyFile unescapes it: GLib 2.74 sets its GError twice (a warning, and
 * the first error leaks) for an invalid escape followed by a backslash at
 * the end of the value. Found by fuzz-config. */
static char *
check_escapes (const char *raw)
{
  for (const char *p = raw; *p != '\0'; p++)
    {
      if (*p != '\\')
        continue;
      p++;
      if (*p == '\0')
        return g_strdup ("Key file contains escape character at end of line");
      if (strchr ("sntr\\", *p) == NULL)
        return g_strdup_printf ("Key file contains invalid escape sequence “\\%c”", *p);
    }
  return NULL;
}

static void
load_key (CurbConfigCheck *check,
          gsize            index)
{
  const CurbConfigKey *row = &check->schema[index];
  Value *value = &check->values[index];
  guint line = key_line (check, row->group, row->key);
  g_autoptr(GError) error = NULL;
  g_autofree char *raw = NULL;
  g_autofree char *text = NULL;
  char *message;

  if (line == 0)
    {
      if (row->required)
        curb_config_report (check, row->group, row->key, "required, but not set");
      load_default (row, value);
      return;
    }
  value->set = TRUE;
  raw = g_key_file_get_value (check->keyfile, row->group, row->key, NULL);
  message = raw != NULL ? check_escapes (raw) : NULL;
  if (message == NULL)
    {
      text = g_key_file_get_string (check->keyfile, row->group, row->key, &error);
      message = text != NULL ? parse_value (row, check->base_dir, g_strstrip (text), value)
                             : g_strdup (error->message);
    }
  if (message != NULL)
    add_problem (check, line, row->group, row->key,
                 g_strdup_printf ("[%s] %s: %s", row->group, row->key, message));
  g_free (message);
}

/* ---- the check ------------------------------------------------------------- */

static const CurbConfigKey *
role_schema (CurbConfigRole  role,
             gsize          *n_keys)
{
  switch (role)
    {
    case CURB_CONFIG_ROLE_KIOSK:
      *n_keys = curb_config_kiosk_schema_len;
      return curb_config_kiosk_schema;
    case CURB_CONFIG_ROLE_STAGING:
      *n_keys = curb_config_staging_schema_len;
      return curb_config_staging_schema;
    case CURB_CONFIG_ROLE_HUB:
    default:
      *n_keys = curb_config_hub_schema_len;
      return curb_config_hub_schema;
    }
}

static void
cross_check (CurbConfigCheck *check)
{
  switch (check->role)
    {
    case CURB_CONFIG_ROLE_HUB:
      curb_config_hub_cross_check (check);
      break;
    case CURB_CONFIG_ROLE_STAGING:
      curb_config_staging_cross_check (check);
      break;
    case CURB_CONFIG_ROLE_KIOSK:
    default:
      break;
    }
}

static CurbConfigCheck *
check_new (CurbConfigRole  role,
           const char     *filename)
{
  CurbConfigCheck *check = g_new0 (CurbConfigCheck, 1);

  check->role = role;
  check->schema = role_schema (role, &check->n_keys);
  check->filename = filename;
  if (filename != NULL)
    check->base_dir = g_path_get_dirname (filename);
  check->keyfile = g_key_file_new ();
  check->problems = g_ptr_array_new_with_free_func ((GDestroyNotify) curb_config_problem_free);
  check->key_lines = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  check->group_lines = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  check->values = g_new0 (Value, check->n_keys);
  return check;
}

static void
check_free (CurbConfigCheck *check)
{
  g_free (check->base_dir);
  g_key_file_unref (check->keyfile);
  g_ptr_array_unref (check->problems);
  g_hash_table_unref (check->key_lines);
  g_hash_table_unref (check->group_lines);
  values_free (check->values, check->n_keys);
  g_free (check);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CurbConfigCheck, check_free)

static void
check_run (CurbConfigCheck *check,
           const char      *data,
           gsize            length)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *accepted = NULL;

  if ((accepted = scan_text (check, data, length)) == NULL)
    return;
  if (!g_key_file_load_from_data (check->keyfile, accepted, -1, G_KEY_FILE_NONE, &error))
    {
      add_problem (check, 0, NULL, NULL, g_strdup (error->message));
      return;
    }
  for (gsize i = 0; i < check->n_keys; i++)
    load_key (check, i);
  if (check->problems->len == 0)
    cross_check (check);
}

static CurbConfigCheck *
check_data (CurbConfigRole  role,
            const char     *data,
            gssize          length,
            const char     *filename)
{
  CurbConfigCheck *check = check_new (role, filename);

  if (length < 0)
    length = strlen (data);
  check_run (check, data, length);
  g_ptr_array_sort (check->problems, compare_problems);
  return check;
}

static GError *
problems_to_error (GPtrArray *problems)
{
  GString *text = g_string_new (NULL);
  GError *error;

  for (guint i = 0; i < problems->len; i++)
    {
      g_autofree char *line = curb_config_problem_format (problems->pdata[i]);
      g_string_append_printf (text, "%s%s", i > 0 ? "\n" : "", line);
    }
  error = g_error_new_literal (CURB_ERROR, CURB_ERROR_CONFIG, text->str);

  g_string_free (text, TRUE);
  return error;
}

/* ---- GObject ---------------------------------------------------------------- */

static void
curb_config_finalize (GObject *object)
{
  CurbConfig *self = CURB_CONFIG (object);

  g_free (self->filename);
  values_free (self->values, self->n_keys);
  G_OBJECT_CLASS (curb_config_parent_class)->finalize (object);
}

static void
curb_config_class_init (CurbConfigClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = curb_config_finalize;
}

static void
curb_config_init (CurbConfig *self)
{
}

/* ---- public API --------------------------------------------------------------- */

const char *
curb_config_role_to_string (CurbConfigRole role)
{
  g_return_val_if_fail (role <= CURB_CONFIG_ROLE_STAGING, NULL);
  return role_names[role];
}

gboolean
curb_config_role_from_string (const char     *name,
                              CurbConfigRole *out_role)
{
  for (guint i = 0; name != NULL && i < G_N_ELEMENTS (role_names); i++)
    if (g_str_equal (name, role_names[i]))
      {
        *out_role = (CurbConfigRole) i;
        return TRUE;
      }
  return FALSE;
}

/**
 * curb_config_default_path:
 *
 * Returns: (transfer full): /etc/curbside/ROLE.conf, or the file of that name
 * in $CURBSIDE_CONFIG_DIR when set (tests, demos).
 */
char *
curb_config_default_path (CurbConfigRole role)
{
  const char *dir = g_getenv ("CURBSIDE_CONFIG_DIR");
  g_autofree char *name = g_strconcat (curb_config_role_to_string (role), ".conf", NULL);

  return g_build_filename (dir != NULL && *dir != '\0' ? dir : "/etc/curbside", name, NULL);
}

const CurbConfigKey *
curb_config_get_schema (CurbConfigRole  role,
                        gsize          *n_keys)
{
  g_return_val_if_fail (n_keys != NULL, NULL);
  return role_schema (role, n_keys);
}

gboolean
curb_config_check_data (CurbConfigRole   role,
                        const char      *data,
                        gssize           length,
                        const char      *filename,
                        GPtrArray      **problems)
{
  g_autoptr(CurbConfigCheck) check = NULL;
  gboolean ok;

  g_return_val_if_fail (data != NULL, FALSE);
  check = check_data (role, data, length, filename);
  ok = check->problems->len == 0;
  if (problems != NULL)
    *problems = g_ptr_array_ref (check->problems);
  return ok;
}

static char *
read_file (const char  *path,
           gsize       *length,
           GPtrArray  **problems)
{
  g_autoptr(GError) error = NULL;
  char *data = NULL;

  if (g_file_get_contents (path, &data, length, &error))
    return data;
  if (problems != NULL)
    {
      CurbConfigProblem *problem = g_new0 (CurbConfigProblem, 1);
      problem->file = g_strdup (path);
      problem->message = g_strdup (error->message);
      *problems = g_ptr_array_new_with_free_func ((GDestroyNotify) curb_config_problem_free);
      g_ptr_array_add (*problems, problem);
    }
  return NULL;
}

gboolean
curb_config_check (CurbConfigRole   role,
                   const char      *path,
                   GPtrArray      **problems)
{
  g_autofree char *data = NULL;
  gsize length = 0;

  g_return_val_if_fail (path != NULL, FALSE);
  if ((data = read_file (path, &length, problems)) == NULL)
    return FALSE;
  return curb_config_check_data (role, data, length, path, problems);
}

static CurbConfig *
config_new (CurbConfigRole  role,
            const char     *filename,
            Value          *values)
{
  CurbConfig *self = g_object_new (CURB_TYPE_CONFIG, NULL);

  self->role = role;
  self->filename = g_strdup (filename);
  self->schema = role_schema (role, &self->n_keys);
  self->values = values;
  return self;
}

CurbConfig *
curb_config_load_data (CurbConfigRole   role,
                       const char      *data,
                       gssize           length,
                       const char      *filename,
                       GError         **error)
{
  g_autoptr(CurbConfigCheck) check = NULL;

  g_return_val_if_fail (data != NULL, NULL);
  check = check_data (role, data, length, filename);
  if (check->problems->len > 0)
    {
      g_propagate_error (error, problems_to_error (check->problems));
      return NULL;
    }
  return config_new (role, filename, g_steal_pointer (&check->values));
}

CurbConfig *
curb_config_load (CurbConfigRole   role,
                  const char      *path,
                  GError         **error)
{
  g_autoptr(GPtrArray) problems = NULL;
  g_autofree char *data = NULL;
  gsize length = 0;

  g_return_val_if_fail (path != NULL, NULL);
  if ((data = read_file (path, &length, &problems)) == NULL)
    {
      g_propagate_error (error, problems_to_error (problems));
      return NULL;
    }
  return curb_config_load_data (role, data, length, path, error);
}

CurbConfig *
curb_config_new_defaults (CurbConfigRole role)
{
  gsize n_keys = 0;
  const CurbConfigKey *schema = role_schema (role, &n_keys);
  Value *values = g_new0 (Value, n_keys);

  for (gsize i = 0; i < n_keys; i++)
    load_default (&schema[i], &values[i]);
  return config_new (role, NULL, values);
}

CurbConfigRole
curb_config_get_role (CurbConfig *self)
{
  g_return_val_if_fail (CURB_IS_CONFIG (self), CURB_CONFIG_ROLE_HUB);
  return self->role;
}

const char *
curb_config_get_filename (CurbConfig *self)
{
  g_return_val_if_fail (CURB_IS_CONFIG (self), NULL);
  return self->filename;
}

static const Value *
lookup (CurbConfig     *self,
        const char     *group,
        const char     *key,
        CurbConfigType  type)
{
  gssize index;

  g_return_val_if_fail (CURB_IS_CONFIG (self), NULL);
  g_return_val_if_fail (group != NULL && key != NULL, NULL);
  index = schema_index (self->schema, self->n_keys, group, key);
  if (index < 0 || self->schema[index].type != type)
    {
      g_critical ("[%s] %s is not a %s key of the %s schema", group, key,
                  index < 0 ? "known" : "matching", role_names[self->role]);
      return NULL;
    }
  return &self->values[index];
}

const char *
curb_config_get_string (CurbConfig *self,
                        const char *group,
                        const char *key)
{
  CurbConfigType type = CURB_CONFIG_STRING;
  const Value *value;
  gssize index;

  g_return_val_if_fail (CURB_IS_CONFIG (self), NULL);
  g_return_val_if_fail (group != NULL && key != NULL, NULL);
  index = schema_index (self->schema, self->n_keys, group, key);
  if (index >= 0)
    type = self->schema[index].type;
  if (type != CURB_CONFIG_URL && type != CURB_CONFIG_PATH)
    type = CURB_CONFIG_STRING;
  value = lookup (self, group, key, type);
  return value != NULL ? value->text : NULL;
}

gint64
curb_config_get_int (CurbConfig *self,
                     const char *group,
                     const char *key)
{
  const Value *value = lookup (self, group, key, CURB_CONFIG_INT);

  return value != NULL ? value->int_value : 0;
}

gboolean
curb_config_get_bool (CurbConfig *self,
                      const char *group,
                      const char *key)
{
  const Value *value = lookup (self, group, key, CURB_CONFIG_BOOL);

  return value != NULL && value->bool_value;
}

double
curb_config_get_double (CurbConfig *self,
                        const char *group,
                        const char *key)
{
  const Value *value = lookup (self, group, key, CURB_CONFIG_DOUBLE);

  return value != NULL ? value->double_value : 0.0;
}

const char *
curb_config_get_path (CurbConfig *self,
                      const char *group,
                      const char *key)
{
  const Value *value = lookup (self, group, key, CURB_CONFIG_PATH);

  return value != NULL ? value->text : NULL;
}

const char * const *
curb_config_get_list (CurbConfig *self,
                      const char *group,
                      const char *key)
{
  const Value *value = lookup (self, group, key, CURB_CONFIG_LIST);

  return value != NULL ? (const char * const *) value->list : NULL;
}

gboolean
curb_config_is_set (CurbConfig *self,
                    const char *group,
                    const char *key)
{
  gssize index;

  g_return_val_if_fail (CURB_IS_CONFIG (self), FALSE);
  g_return_val_if_fail (group != NULL && key != NULL, FALSE);
  index = schema_index (self->schema, self->n_keys, group, key);
  return index >= 0 && self->values[index].set;
}

static gboolean
values_equal (CurbConfigType  type,
              const Value    *a,
              const Value    *b)
{
  switch (type)
    {
    case CURB_CONFIG_INT:
      return a->int_value == b->int_value;
    case CURB_CONFIG_DOUBLE:
      return a->double_value == b->double_value;
    case CURB_CONFIG_BOOL:
      return a->bool_value == b->bool_value;
    case CURB_CONFIG_LIST:
      return (a->list == NULL && b->list == NULL)
             || (a->list != NULL && b->list != NULL
                 && g_strv_equal ((const char * const *) a->list, (const char * const *) b->list));
    case CURB_CONFIG_STRING:
    case CURB_CONFIG_PATH:
    case CURB_CONFIG_URL:
    default:
      return g_strcmp0 (a->text, b->text) == 0;
    }
}

/**
 * curb_config_changed_keys:
 *
 * Compares two configurations of the same role (e.g. before and after a
 * SIGHUP reload) by their effective values.
 *
 * Returns: (transfer full): "group.key" of every key whose value differs.
 */
char **
curb_config_changed_keys (CurbConfig *self,
                          CurbConfig *other)
{
  g_autoptr(GStrvBuilder) changed = g_strv_builder_new ();

  g_return_val_if_fail (CURB_IS_CONFIG (self) && CURB_IS_CONFIG (other), NULL);
  g_return_val_if_fail (self->role == other->role, NULL);
  for (gsize i = 0; i < self->n_keys; i++)
    if (!values_equal (self->schema[i].type, &self->values[i], &other->values[i]))
      {
        g_autofree char *name = g_strdup_printf ("%s.%s", self->schema[i].group, self->schema[i].key);
        g_strv_builder_add (changed, name);
      }
  return g_strv_builder_end (changed);
}

/* ---- for cross checks ------------------------------------------------------------ */

gint64
curb_config_check_get_int (CurbConfigCheck *check,
                           const char      *group,
                           const char      *key)
{
  gssize index = schema_index (check->schema, check->n_keys, group, key);

  g_assert (index >= 0);
  return check->values[index].int_value;
}

const char *
curb_config_check_get_string (CurbConfigCheck *check,
                              const char      *group,
                              const char      *key)
{
  gssize index = schema_index (check->schema, check->n_keys, group, key);

  g_assert (index >= 0);
  return check->values[index].text;
}
