#include "curb-config-private.h"

/* /etc/curbside/kiosk.conf */
const CurbConfigKey curb_config_kiosk_schema[] = {
  { "hub", "url", CURB_CONFIG_URL, TRUE, NULL, CURB_CONFIG_NO_RANGE, NULL,
    NULL, "Base URL of the store hub's LAN API, e.g. https://hub.store.lan:8443" },
  { "hub", "credential-file", CURB_CONFIG_PATH, FALSE, "/var/lib/curbside-kiosk/credential", CURB_CONFIG_NO_RANGE, NULL,
    NULL, "Where `curbside-ctl enroll` stored this device's credential" },
  { "hub", "fingerprint", CURB_CONFIG_STRING, FALSE, NULL, CURB_CONFIG_NO_RANGE, NULL,
    curb_config_validate_not_empty, "SHA-256 fingerprint of the hub's certificate (curbside-hub --fingerprint); unset: the system's trusted CAs" },

  { "store", "id", CURB_CONFIG_STRING, FALSE, NULL, CURB_CONFIG_NO_RANGE, NULL,
    curb_config_validate_label, "This store's id as in the pickup codes; unset: learnt from the hub" },
  { "tokens", "keyring", CURB_CONFIG_PATH, FALSE, "/etc/curbside/keyring", CURB_CONFIG_NO_RANGE, NULL,
    NULL, "Public keys of the pickup-code issuers, to check codes even when the hub is unreachable" },
  { "storage", "state-dir", CURB_CONFIG_PATH, FALSE, "/var/lib/curbside-kiosk", CURB_CONFIG_NO_RANGE, NULL,
    NULL, "Where the kiosk keeps its offline outbox and print queue" },

  { "device", "name", CURB_CONFIG_STRING, FALSE, NULL, CURB_CONFIG_NO_RANGE, NULL,
    curb_config_validate_label, "Name store staff see for this kiosk; unset: the host name" },

  { "camera", "pipeline", CURB_CONFIG_STRING, FALSE, "auto", CURB_CONFIG_NO_RANGE, NULL,
    curb_config_validate_not_empty, "\"auto\", or a GStreamer source pipeline such as v4l2src device=/dev/video0" },

  { "printer", "uri", CURB_CONFIG_STRING, FALSE, NULL, CURB_CONFIG_NO_RANGE, NULL,
    curb_config_validate_device_uri, "Receipt printer, e.g. usb:///dev/usb/lp0 or tcp://10.0.0.9:9100; unset: no printer" },
  { "printer", "profile", CURB_CONFIG_STRING, FALSE, "generic-80", CURB_CONFIG_NO_RANGE, NULL,
    curb_config_validate_not_empty, "Printer profile: generic-80, generic-58, epson-tm-t20ii, epson-tm-t88v, xprinter-58, …" },
  { "printer", "receipt-url", CURB_CONFIG_URL, FALSE, NULL, CURB_CONFIG_NO_RANGE, NULL,
    NULL, "Digital receipt page printed as a QR on receipts (the order number is appended)" },
  { "printer", "receipts", CURB_CONFIG_BOOL, FALSE, "true", CURB_CONFIG_NO_RANGE, NULL,
    NULL, "Offer the shopper a printed receipt after check-in (true or false)" },

  { "pickup", "bays", CURB_CONFIG_LIST, FALSE, "1", CURB_CONFIG_NO_RANGE, NULL,
    curb_config_validate_label, "Bays shoppers can choose, ';'-separated; a single bay is not asked" },

  { "ui", "languages", CURB_CONFIG_LIST, FALSE, "en;es", CURB_CONFIG_NO_RANGE, NULL,
    curb_config_validate_language, "Languages offered, first is the default" },
  { "ui", "idle-timeout", CURB_CONFIG_INT, FALSE, "30", 5, 600, NULL,
    NULL, "Seconds without a touch before the kiosk returns to the start screen" },
  { "ui", "store-phone", CURB_CONFIG_STRING, FALSE, NULL, CURB_CONFIG_NO_RANGE, NULL,
    curb_config_validate_phone, "Phone number shown when the shopper needs help" },
};
const gsize curb_config_kiosk_schema_len = G_N_ELEMENTS (curb_config_kiosk_schema);
