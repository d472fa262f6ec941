#include "curb-central-connector.h"
#include "curb-connector-config.h"
#include "curb-error.h"
#include "curb-vendure-connector.h"

/* Builds the connector hub.conf's [central] section asks for. */

static CurbConnector *
new_curbside_connector (CurbConfig  *config,
                        GError     **error)
{
  const char *credentials = curb_config_get_path (config, "central", "credentials-file");
  g_autofree char *api_key = NULL;

  if (credentials == NULL)
    {
      g_set_error (error, CURB_ERROR, CURB_ERROR_CONFIG,
                   "[central] credentials-file is needed for the curbside connector");
      return NULL;
    }
  api_key = curb_connector_read_credential (credentials, error);
  if (api_key == NULL)
    return NULL;
  return (CurbConnector *) curb_central_connector_new (curb_config_get_string (config, "central", "url"),
                                                       curb_config_get_string (config, "store", "id"),
                                                       api_key, error);
}

/**
 * curb_connector_new_for_config:
 * @hub_config: the hub's configuration ([store] id, [central] connector,
 *   url, credentials-file)
 *
 * Returns: (transfer full): the connector, or %NULL with %CURB_ERROR_CONFIG
 */
CurbConnector *
curb_connector_new_for_config (CurbConfig  *hub_config,
                               GError     **error)
{
  const char *kind;

  g_return_val_if_fail (hub_config != NULL, NULL);
  g_return_val_if_fail (curb_config_get_role (hub_config) == CURB_CONFIG_ROLE_HUB, NULL);

  kind = curb_config_get_string (hub_config, "central", "connector");
  if (g_strcmp0 (kind, "curbside") == 0)
    return new_curbside_connector (hub_config, error);
  if (g_strcmp0 (kind, "vendure") == 0)
    return curb_vendure_connector_new_for_config (hub_config, error);
  g_set_error (error, CURB_ERROR, CURB_ERROR_CONFIG,
               "[central] connector “%s” is not available in this build", kind ? kind : "");
  return NULL;
}
