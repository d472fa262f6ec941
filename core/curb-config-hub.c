#include "curb-config-private.h"

/* /etc/curbside/hub.conf */
const CurbConfigKey curb_config_hub_schema[] = {
  { "store", "id", CURB_CONFIG_STRING, TRUE, NULL, CURB_CONFIG_NO_RANGE, NULL,
    curb_config_validate_store_id, "This store's id as central knows it, e.g. store-001" },
  { "store", "name", CURB_CONFIG_STRING, TRUE, NULL, CURB_CONFIG_NO_RANGE, NULL,
    curb_config_validate_label, "The store's name as shoppers know it" },
  { "store", "phone", CURB_CONFIG_STRING, FALSE, NULL, CURB_CONFIG_NO_RANGE, NULL,
    curb_config_validate_phone, "Phone number shown to shoppers when something goes wrong" },

  { "listen", "address", CURB_CONFIG_STRING, FALSE, "127.0.0.1", CURB_CONFIG_NO_RANGE, NULL,
    curb_config_validate_ip_address, "Address the LAN API listens on (0.0.0.0 or the store LAN address in a store)" },
  { "listen", "port", CURB_CONFIG_INT, FALSE, "8443", 1, 65535, NULL,
    NULL, "TCP port of the LAN API (HTTPS and WebSocket)" },

  { "storage", "data-dir", CURB_CONFIG_PATH, FALSE, "/var/lib/curbside-hub", CURB_CONFIG_NO_RANGE, NULL,
    NULL, "Folder of the store database, backups and the generated TLS certificate" },

  { "tls", "certificate", CURB_CONFIG_PATH, FALSE, NULL, CURB_CONFIG_NO_RANGE, NULL,
    NULL, "PEM certificate; unset: the hub generates a self-signed one in data-dir on first start" },
  { "tls", "private-key", CURB_CONFIG_PATH, FALSE, NULL, CURB_CONFIG_NO_RANGE, NULL,
    NULL, "PEM private key of the certificate (set both or neither)" },

  { "central", "connector", CURB_CONFIG_STRING, FALSE, "curbside", CURB_CONFIG_NO_RANGE, "curbside|vendure",
    NULL, "Which central order system protocol to speak" },
  { "central", "url", CURB_CONFIG_URL, TRUE, NULL, CURB_CONFIG_NO_RANGE, NULL,
    NULL, "Base URL of the central order system" },
  { "central", "credentials-file", CURB_CONFIG_PATH, FALSE, NULL, CURB_CONFIG_NO_RANGE, NULL,
    NULL, "File with this store's credential for central (kept out of this file, mode 0600)" },
  { "central", "poll-interval", CURB_CONFIG_INT, FALSE, "15", 1, 3600, NULL,
    NULL, "Seconds between pulls of changed orders" },
  { "central", "vendure-auth", CURB_CONFIG_STRING, FALSE, "password", CURB_CONFIG_NO_RANGE, "password|api-key",
    NULL, "vendure connector: the credentials file holds username:password (password) or an API key (api-key)" },
  { "central", "partial-pickup", CURB_CONFIG_STRING, FALSE, "cancel", CURB_CONFIG_NO_RANGE, "cancel|keep",
    NULL, "vendure connector: units a shopper did not take are cancelled in Vendure (cancel) or stay open (keep)" },

  { "tokens", "keyring", CURB_CONFIG_PATH, FALSE, "/etc/curbside/keyring", CURB_CONFIG_NO_RANGE, NULL,
    NULL, "Public keys of the pickup token issuers, one \"KID BASE64\" a line" },
  { "tokens", "issuing-key", CURB_CONFIG_PATH, FALSE, NULL, CURB_CONFIG_NO_RANGE, NULL,
    NULL, "Secret key for the hub to issue tokens for this store's orders; unset: central issues all" },

  { "privacy", "retention-hours", CURB_CONFIG_INT, FALSE, "72", 0, 8760, NULL,
    NULL, "Hours after handoff before personal data is purged from the store" },

  { "rate-limits", "lookup-per-device-per-minute", CURB_CONFIG_INT, FALSE, "10", 1, 1000, NULL,
    NULL, "Manual lookups one device may make a minute" },
  { "rate-limits", "lookup-per-store-per-minute", CURB_CONFIG_INT, FALSE, "60", 1, 100000, NULL,
    NULL, "Manual lookups all devices together may make a minute" },

  { "limits", "handshake-timeout", CURB_CONFIG_INT, FALSE, "10", 1, 120, NULL,
    NULL, "Seconds a client has from connecting to a finished TLS handshake" },
  { "limits", "idle-timeout", CURB_CONFIG_INT, FALSE, "60", 5, 3600, NULL,
    NULL, "Seconds a connection may stay silent (event streams are pinged every 10 s)" },
  { "limits", "connections-per-address", CURB_CONFIG_INT, FALSE, "384", 1, 60000, NULL,
    NULL, "Open connections one client address may hold" },
  { "limits", "connections", CURB_CONFIG_INT, FALSE, "768", 1, 60000, NULL,
    NULL, "Open connections in all (keep under the hub's descriptor limit, LimitNOFILE)" },
  { "limits", "streams-per-device", CURB_CONFIG_INT, FALSE, "4", 1, 64, NULL,
    NULL, "Event streams one device may hold open; a new one closes its oldest" },

  { "alerts", "escalation-seconds", CURB_CONFIG_INT, FALSE, "90", 5, 3600, NULL,
    NULL, "Seconds an arrival alert may ring unclaimed before it escalates" },

  { "metrics", "textfile", CURB_CONFIG_PATH, FALSE, NULL, CURB_CONFIG_NO_RANGE, NULL,
    NULL, "node-exporter textfile to write metrics to atomically; unset: only /metrics" },
  { "metrics", "textfile-interval", CURB_CONFIG_INT, FALSE, "15", 1, 3600, NULL,
    NULL, "Seconds between rewrites of the metrics textfile" },
};
const gsize curb_config_hub_schema_len = G_N_ELEMENTS (curb_config_hub_schema);

void
curb_config_hub_cross_check (CurbConfigCheck *check)
{
  gboolean cert = curb_config_check_get_string (check, "tls", "certificate") != NULL;
  gboolean key = curb_config_check_get_string (check, "tls", "private-key") != NULL;

  if (cert && !key)
    curb_config_report (check, "tls", "certificate", "“certificate” is set but “private-key” is not: set both or neither");
  else if (key && !cert)
    curb_config_report (check, "tls", "private-key", "“private-key” is set but “certificate” is not: set both or neither");
}
