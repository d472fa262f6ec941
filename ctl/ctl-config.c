#include <string.h>

#include <json-glib/json-glib.h>

#include "ctl-commands.h"
#include "curbside-core.h"

static int
usage_error (GOptionContext *context,
             const char     *message)
{
  g_autofree char *help = g_option_context_get_help (context, TRUE, NULL);

  g_printerr ("curbside-ctl config: %s\n\n%s", message, help);
  return 2;
}

/* hub.conf → hub, when --role is not given. */
static gboolean
role_from_filename (const char     *path,
                    CurbConfigRole *role)
{
  g_autofree char *base = g_path_get_basename (path);
  char *dot = strrchr (base, '.');

  if (dot == NULL || !g_str_equal (dot, ".conf"))
    return FALSE;
  *dot = '\0';
  return curb_config_role_from_string (base, role);
}

static void
print_problems_json (const char *path,
                     GPtrArray  *problems)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *text = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "file");
  json_builder_add_string_value (builder, path);
  json_builder_set_member_name (builder, "valid");
  json_builder_add_boolean_value (builder, problems->len == 0);
  json_builder_set_member_name (builder, "problems");
  json_builder_begin_array (builder);
  for (guint i = 0; i < problems->len; i++)
    {
      const CurbConfigProblem *problem = problems->pdata[i];
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "line");
      json_builder_add_int_value (builder, problem->line);
      json_builder_set_member_name (builder, "group");
      json_builder_add_string_value (builder, problem->group);
      json_builder_set_member_name (builder, "key");
      json_builder_add_string_value (builder, problem->key);
      json_builder_set_member_name (builder, "message");
      json_builder_add_string_value (builder, problem->message);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  text = json_to_string (root, TRUE);
  g_print ("%s\n", text);
}

static void
print_problems (const char *path,
                GPtrArray  *problems)
{
  for (guint i = 0; i < problems->len; i++)
    {
      g_autofree char *line = curb_config_problem_format (problems->pdata[i]);
      g_printerr ("%s\n", line);
    }
  if (problems->len == 0)
    g_print ("%s: ok\n", path);
  else
    g_printerr ("%s: %u problem%s\n", path, problems->len, problems->len == 1 ? "" : "s");
}

static int
config_check (int    argc,
              char **argv)
{
  g_autofree char *role_name = NULL;
  gboolean json = FALSE;
  const GOptionEntry entries[] = {
    { "role", 0, 0, G_OPTION_ARG_STRING, &role_name, "hub, kiosk or staging (default: from the file name)", "ROLE" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print the problems as JSON on stdout", NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("FILE - validate a configuration file");
  g_autoptr(GPtrArray) problems = NULL;
  g_autoptr(GError) error = NULL;
  CurbConfigRole role = CURB_CONFIG_ROLE_HUB;

  g_option_context_set_description (context,
    "Prints every problem as FILE:LINE: message.\n"
    "Exit status: 0 valid, 1 problems found (or unreadable), 2 usage error.");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return usage_error (context, error->message);
  if (argc != 2)
    return usage_error (context, "give one FILE");
  if (role_name != NULL ? !curb_config_role_from_string (role_name, &role)
                        : !role_from_filename (argv[1], &role))
    return usage_error (context, "--role must be hub, kiosk or staging");
  curb_config_check (role, argv[1], &problems);
  if (json)
    print_problems_json (argv[1], problems);
  else
    print_problems (argv[1], problems);
  return problems->len == 0 ? 0 : 1;
}

static const char *
type_name (CurbConfigType type)
{
  switch (type)
    {
    case CURB_CONFIG_INT: return "int";
    case CURB_CONFIG_BOOL: return "bool";
    case CURB_CONFIG_DOUBLE: return "double";
    case CURB_CONFIG_PATH: return "path";
    case CURB_CONFIG_URL: return "url";
    case CURB_CONFIG_LIST: return "list";
    case CURB_CONFIG_STRING:
    default: return "string";
    }
}

static int
config_schema (int    argc,
               char **argv)
{
  CurbConfigRole role;
  const CurbConfigKey *schema;
  gsize n_keys = 0;

  if (argc != 2 || !curb_config_role_from_string (argv[1], &role))
    {
      g_printerr ("Usage: curbside-ctl config schema hub|kiosk|staging\n");
      return 2;
    }
  schema = curb_config_get_schema (role, &n_keys);
  for (gsize i = 0; i < n_keys; i++)
    g_print ("[%s] %s (%s%s%s%s)\n    %s\n", schema[i].group, schema[i].key, type_name (schema[i].type),
             schema[i].required ? ", required" : "",
             schema[i].default_value != NULL ? ", default " : "",
             schema[i].default_value != NULL ? schema[i].default_value : "",
             schema[i].doc);
  return 0;
}

int
ctl_config (int    argc,
            char **argv)
{
  if (argc >= 2 && g_str_equal (argv[1], "check"))
    return config_check (argc - 1, argv + 1);
  if (argc >= 2 && g_str_equal (argv[1], "schema"))
    return config_schema (argc - 1, argv + 1);
  g_printerr ("Usage: curbside-ctl config check FILE [--role hub|kiosk|staging] [--json]\n"
              "       curbside-ctl config schema hub|kiosk|staging\n");
  return 2;
}
