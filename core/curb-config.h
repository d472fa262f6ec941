#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/**
 * CurbConfigRole:
 *
 * Which program a configuration file is for; each role has its own file
 * (/etc/curbside/hub.conf, kiosk.conf, staging.conf) and schema.
 */
typedef enum
{
  CURB_CONFIG_ROLE_HUB,
  CURB_CONFIG_ROLE_KIOSK,
  CURB_CONFIG_ROLE_STAGING,
} CurbConfigRole;

typedef enum
{
  CURB_CONFIG_STRING,
  CURB_CONFIG_INT,
  CURB_CONFIG_BOOL,
  CURB_CONFIG_DOUBLE,
  CURB_CONFIG_PATH,     /* relative paths resolve against the file's folder */
  CURB_CONFIG_URL,      /* http:// or https:// with a host */
  CURB_CONFIG_LIST,     /* ';'-separated strings */
} CurbConfigType;

/* Checks one value (for a list: one item). Returns FALSE and sets
 * @message (without file, line or key) when the value is not acceptable. */
typedef gboolean (*CurbConfigValidator) (const char  *value,
                                         char       **message);

/**
 * CurbConfigKey:
 * @group: keyfile group, e.g. "store"
 * @key: key in kebab-case, e.g. "listen-port"
 * @type: value type
 * @required: the file must set it (and @default_value is %NULL)
 * @default_value: the value, as keyfile text, when the file does not set it
 * @min: smallest value for INT and DOUBLE (used when @min < @max)
 * @max: largest value for INT and DOUBLE
 * @choices: "a|b|c" for a STRING that must be one of these, or %NULL
 * @validator: extra check of each value, or %NULL
 * @doc: one-line description for the sample file and `config check --help`
 *
 * One row of a role's schema table.
 */
typedef struct
{
  const char          *group;
  const char          *key;
  CurbConfigType       type;
  gboolean             required;
  const char          *default_value;
  double               min;
  double               max;
  const char          *choices;
  CurbConfigValidator  validator;
  const char          *doc;
} CurbConfigKey;

/**
 * CurbConfigProblem:
 * @line: 1-based line in the file, 0 when the problem has no line (a
 *   required key that is missing, an unreadable file)
 *
 * One thing wrong with a configuration file.
 */
typedef struct
{
  char  *file;
  guint  line;
  char  *group;
  char  *key;
  char  *message;
} CurbConfigProblem;

void  curb_config_problem_free   (CurbConfigProblem *problem);
/* "FILE:LINE: message" (or "FILE: message" without a line). */
char *curb_config_problem_format (const CurbConfigProblem *problem) G_GNUC_WARN_UNUSED_RESULT;

#define CURB_TYPE_CONFIG (curb_config_get_type ())

G_DECLARE_FINAL_TYPE (CurbConfig, curb_config, CURB, CONFIG, GObject)

const char          *curb_config_role_to_string   (CurbConfigRole  role);
gboolean             curb_config_role_from_string (const char     *name,
                                                   CurbConfigRole *out_role);
char                *curb_config_default_path     (CurbConfigRole  role) G_GNUC_WARN_UNUSED_RESULT;
/* The role's schema table, @n_keys rows. */
const CurbConfigKey *curb_config_get_schema       (CurbConfigRole  role,
                                                   gsize          *n_keys);

/**
 * curb_config_load:
 * @error: CURB_ERROR_CONFIG whose message lists every problem, one
 *   "FILE:LINE: message" a line
 *
 * Reads and validates a role's keyfile: syntax, unknown groups and keys
 * (with a "did you mean"), types, ranges, required keys.
 *
 * Returns: (transfer full): the configuration, or %NULL.
 */
CurbConfig *curb_config_load           (CurbConfigRole   role,
                                        const char      *path,
                                        GError         **error) G_GNUC_WARN_UNUSED_RESULT;
/* As curb_config_load() on text; @filename is used in messages and to
 * resolve relative paths (may be %NULL). */
CurbConfig *curb_config_load_data      (CurbConfigRole   role,
                                        const char      *data,
                                        gssize           length,
                                        const char      *filename,
                                        GError         **error) G_GNUC_WARN_UNUSED_RESULT;
/* A configuration of every default (required keys unset), for tests and demos. */
CurbConfig *curb_config_new_defaults   (CurbConfigRole   role) G_GNUC_WARN_UNUSED_RESULT;

/**
 * curb_config_check:
 *
 * Validates a file without keeping it. @problems receives every
 * #CurbConfigProblem (free with g_ptr_array_unref()).
 *
 * Returns: %TRUE when there are none.
 */
gboolean    curb_config_check          (CurbConfigRole   role,
                                        const char      *path,
                                        GPtrArray      **problems);
gboolean    curb_config_check_data     (CurbConfigRole   role,
                                        const char      *data,
                                        gssize           length,
                                        const char      *filename,
                                        GPtrArray      **problems);

CurbConfigRole curb_config_get_role    (CurbConfig  *self);
/* The file it was loaded from, or %NULL. */
const char *curb_config_get_filename   (CurbConfig  *self);

/* Typed getters for keys of the role's schema (the file's value or the
 * default). Asking for a key not in the schema, or with the wrong type, is a
 * programming error (g_critical). STRING, PATH and URL return %NULL when
 * unset without default. */
const char         *curb_config_get_string (CurbConfig *self,
                                            const char *group,
                                            const char *key);
gint64              curb_config_get_int    (CurbConfig *self,
                                            const char *group,
                                            const char *key);
gboolean            curb_config_get_bool   (CurbConfig *self,
                                            const char *group,
                                            const char *key);
double              curb_config_get_double (CurbConfig *self,
                                            const char *group,
                                            const char *key);
/* PATH keys: relative values already resolved against the file's folder. */
const char         *curb_config_get_path   (CurbConfig *self,
                                            const char *group,
                                            const char *key);
const char * const *curb_config_get_list   (CurbConfig *self,
                                            const char *group,
                                            const char *key);
/* "group.key" of each key whose value differs between two configurations of
 * one role (what a SIGHUP reload changed); free with g_strfreev(). */
char              **curb_config_changed_keys (CurbConfig *self,
                                              CurbConfig *other) G_GNUC_WARN_UNUSED_RESULT;
/* Whether the file set the key (rather than the default applying). */
gboolean            curb_config_is_set     (CurbConfig *self,
                                            const char *group,
                                            const char *key);

G_END_DECLS
