#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define CURB_TYPE_KIOSK_SETTINGS (curb_kiosk_settings_get_type ())
G_DECLARE_FINAL_TYPE (CurbKioskSettings, curb_kiosk_settings, CURB, KIOSK_SETTINGS, GObject)

/**
 * CurbKioskSettings:
 *
 * The kiosk's keyfile (/etc/curbside/kiosk.conf, or a user path for the
 * demo), validated at start: every problem is reported with its line.
 */
CurbKioskSettings *curb_kiosk_settings_new_default (void) G_GNUC_WARN_UNUSED_RESULT;
CurbKioskSettings *curb_kiosk_settings_load        (const char  *path,
                                                    GError     **error) G_GNUC_WARN_UNUSED_RESULT;
CurbKioskSettings *curb_kiosk_settings_load_data   (const char  *data,
                                                    const char  *origin,
                                                    GError     **error) G_GNUC_WARN_UNUSED_RESULT;

const char          *curb_kiosk_settings_get_device_id        (CurbKioskSettings *self);
const char          *curb_kiosk_settings_get_store_name       (CurbKioskSettings *self);
const char          *curb_kiosk_settings_get_store_phone      (CurbKioskSettings *self);
const char * const  *curb_kiosk_settings_get_bays             (CurbKioskSettings *self);
const char * const  *curb_kiosk_settings_get_languages        (CurbKioskSettings *self);
const char          *curb_kiosk_settings_get_default_language (CurbKioskSettings *self);
guint                curb_kiosk_settings_get_idle_timeout     (CurbKioskSettings *self);
guint                curb_kiosk_settings_get_waiting_timeout  (CurbKioskSettings *self);
guint                curb_kiosk_settings_get_thanks_timeout   (CurbKioskSettings *self);
const char          *curb_kiosk_settings_get_hub_url          (CurbKioskSettings *self);
const char          *curb_kiosk_settings_get_hub_credential   (CurbKioskSettings *self);
const char          *curb_kiosk_settings_get_camera_pipeline  (CurbKioskSettings *self);
const char          *curb_kiosk_settings_get_printer          (CurbKioskSettings *self);
const char          *curb_kiosk_settings_get_keyring          (CurbKioskSettings *self);
const char          *curb_kiosk_settings_get_store_id         (CurbKioskSettings *self);
const char          *curb_kiosk_settings_get_cache_path       (CurbKioskSettings *self);
gboolean             curb_kiosk_settings_get_fullscreen       (CurbKioskSettings *self);

G_END_DECLS
