#pragma once

#include "curb-config.h"

G_BEGIN_DECLS

/* Role schema tables, one file each (curb-config-<role>.c): add a row to
 * extend a role. Keys absent from the table are reported as unknown. */
extern const CurbConfigKey curb_config_hub_schema[];
extern const gsize         curb_config_hub_schema_len;
extern const CurbConfigKey curb_config_kiosk_schema[];
extern const gsize         curb_config_kiosk_schema_len;
extern const CurbConfigKey curb_config_staging_schema[];
extern const gsize         curb_config_staging_schema_len;

/* Shared validators (curb-config-validators.c). */
gboolean curb_config_validate_store_id    (const char *value, char **message);
gboolean curb_config_validate_ip_address  (const char *value, char **message);
gboolean curb_config_validate_phone       (const char *value, char **message);
gboolean curb_config_validate_language    (const char *value, char **message);
gboolean curb_config_validate_device_uri  (const char *value, char **message);
gboolean curb_config_validate_not_empty   (const char *value, char **message);
gboolean curb_config_validate_label       (const char *value, char **message);

/* Cross-key rules of a role, run after every key is valid: report problems
 * with curb_config_report(). */
typedef struct _CurbConfigCheck CurbConfigCheck;
void        curb_config_report        (CurbConfigCheck *check,
                                       const char      *group,
                                       const char      *key,
                                       const char      *format,
                                       ...) G_GNUC_PRINTF (4, 5);
gint64      curb_config_check_get_int (CurbConfigCheck *check,
                                       const char      *group,
                                       const char      *key);
const char *curb_config_check_get_string (CurbConfigCheck *check,
                                          const char      *group,
                                          const char      *key);

void curb_config_hub_cross_check     (CurbConfigCheck *check);
void curb_config_staging_cross_check (CurbConfigCheck *check);

#define CURB_CONFIG_NO_RANGE 0, 0

G_END_DECLS
