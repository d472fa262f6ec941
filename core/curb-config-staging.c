#include "curb-config-private.h"

/* /etc/curbside/staging.conf */
const CurbConfigKey curb_config_staging_schema[] = {
  { "hub", "url", CURB_CONFIG_URL, TRUE, NULL, CURB_CONFIG_NO_RANGE, NULL,
    NULL, "Base URL of the store hub's LAN API, e.g. https://hub.store.lan:8443" },
  { "hub", "credential-file", CURB_CONFIG_PATH, FALSE, "/var/lib/curbside-staging/credential", CURB_CONFIG_NO_RANGE, NULL,
    NULL, "Where `curbside-ctl enroll` stored this device's credential" },

  { "hub", "fingerprint", CURB_CONFIG_STRING, FALSE, NULL, CURB_CONFIG_NO_RANGE, NULL,
    curb_config_validate_not_empty, "SHA-256 fingerprint of the hub's certificate (curbside-hub --fingerprint); unset: the system's trusted CAs" },

  { "device", "name", CURB_CONFIG_STRING, FALSE, NULL, CURB_CONFIG_NO_RANGE, NULL,
    curb_config_validate_label, "Name shown for this station; unset: the host name" },

  { "camera", "pipeline", CURB_CONFIG_STRING, FALSE, "auto", CURB_CONFIG_NO_RANGE, NULL,
    curb_config_validate_not_empty, "Camera for scanning bag labels and tokens: \"auto\", \"none\" or a GStreamer source pipeline" },

  { "printer", "uri", CURB_CONFIG_STRING, FALSE, NULL, CURB_CONFIG_NO_RANGE, NULL,
    curb_config_validate_device_uri, "Label/receipt printer, e.g. usb:///dev/usb/lp0 or tcp://10.0.0.9:9100; unset: no printer" },

  { "service", "amber-seconds", CURB_CONFIG_INT, FALSE, "120", 10, 3600, NULL,
    NULL, "A waiting shopper's timer turns amber after this many seconds" },
  { "service", "red-seconds", CURB_CONFIG_INT, FALSE, "240", 10, 7200, NULL,
    NULL, "… and red after this many (more than amber-seconds)" },
  { "service", "escalation-seconds", CURB_CONFIG_INT, FALSE, "90", 5, 3600, NULL,
    NULL, "An unclaimed arrival alert escalates (louder, every station) after this many seconds" },

  { "service", "on-the-way-warning-minutes", CURB_CONFIG_INT, FALSE, "10", 0, 240, NULL,
    NULL, "Warn when an order whose shopper is on the way is not staged this many minutes before their ETA" },

  { "session", "sign-out-idle-seconds", CURB_CONFIG_INT, FALSE, "300", 30, 86400, NULL,
    NULL, "Staff are signed out after this many seconds without a touch" },

  { "sounds", "arrival", CURB_CONFIG_PATH, FALSE, NULL, CURB_CONFIG_NO_RANGE, NULL,
    NULL, "Sound file for a new arrival; unset: the built-in chime" },
  { "sounds", "escalation", CURB_CONFIG_PATH, FALSE, NULL, CURB_CONFIG_NO_RANGE, NULL,
    NULL, "Sound file for an escalated alert; unset: the built-in alarm" },
  { "sounds", "volume", CURB_CONFIG_DOUBLE, FALSE, "0.8", 0.0, 1.0, NULL,
    NULL, "Alert volume from 0.0 (silent) to 1.0 (full)" },
};
const gsize curb_config_staging_schema_len = G_N_ELEMENTS (curb_config_staging_schema);

void
curb_config_staging_cross_check (CurbConfigCheck *check)
{
  gint64 amber = curb_config_check_get_int (check, "service", "amber-seconds");
  gint64 red = curb_config_check_get_int (check, "service", "red-seconds");

  if (red <= amber)
    curb_config_report (check, "service", "red-seconds",
                        "red-seconds (%" G_GINT64_FORMAT ") must be more than amber-seconds (%" G_GINT64_FORMAT ")",
                        red, amber);
}
