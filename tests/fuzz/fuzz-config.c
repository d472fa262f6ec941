/* A configuration file of any bytes, for every role: the check never
 * crashes, and whatever passes loads and answers every schema key. */
#include "curbside-core.h"
#include "fuzz-target.h"

static void
read_every_key (CurbConfig *config)
{
  gsize n_keys = 0;
  const CurbConfigKey *schema = curb_config_get_schema (curb_config_get_role (config), &n_keys);

  for (gsize i = 0; i < n_keys; i++)
    {
      const char *group = schema[i].group, *key = schema[i].key;
      switch (schema[i].type)
        {
        case CURB_CONFIG_INT:
          g_assert (schema[i].min >= schema[i].max
                    || (curb_config_get_int (config, group, key) >= schema[i].min
                        && curb_config_get_int (config, group, key) <= schema[i].max));
          break;
        case CURB_CONFIG_DOUBLE:
          (void) curb_config_get_double (config, group, key);
          break;
        case CURB_CONFIG_BOOL:
          (void) curb_config_get_bool (config, group, key);
          break;
        case CURB_CONFIG_LIST:
          g_assert (!curb_config_is_set (config, group, key) || curb_config_get_list (config, group, key) != NULL);
          break;
        case CURB_CONFIG_PATH:
          (void) curb_config_get_path (config, group, key);
          break;
        case CURB_CONFIG_STRING:
        case CURB_CONFIG_URL:
        default:
          g_assert (!schema[i].required || curb_config_get_string (config, group, key) != NULL);
          break;
        }
    }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  for (CurbConfigRole role = CURB_CONFIG_ROLE_HUB; role <= CURB_CONFIG_ROLE_STAGING; role++)
    {
      g_autoptr(GPtrArray) problems = NULL;
      g_autoptr(CurbConfig) config = NULL;
      gboolean ok = curb_config_check_data (role, (const char *) data, size, "/etc/curbside/fuzz.conf", &problems);

      g_assert (ok == (problems->len == 0));
      for (guint i = 0; i < problems->len; i++)
        g_free (curb_config_problem_format (problems->pdata[i]));
      config = curb_config_load_data (role, (const char *) data, size, "/etc/curbside/fuzz.conf", NULL);
      g_assert ((config != NULL) == ok);
      if (config != NULL)
        {
          g_autoptr(CurbConfig) defaults = curb_config_new_defaults (role);
          g_auto(GStrv) changed = curb_config_changed_keys (config, defaults);
          read_every_key (config);
          g_assert (changed != NULL);
        }
    }
  return 0;
}
