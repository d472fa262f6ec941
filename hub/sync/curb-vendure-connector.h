#pragma once

#include "curb-config.h"
#include "curb-connector.h"
#include "curb-vendure-client.h"
#include "curb-vendure-push.h"

G_BEGIN_DECLS

#define CURB_VENDURE_CONNECTOR_DEFAULT_TIMEOUT_S 10

#define CURB_TYPE_VENDURE_CONNECTOR (curb_vendure_connector_get_type ())
G_DECLARE_FINAL_TYPE (CurbVendureConnector, curb_vendure_connector, CURB, VENDURE_CONNECTOR, GObject)

CurbVendureConnector *curb_vendure_connector_new            (const char               *url,
                                                             const char               *location_code,
                                                             CurbVendureAuth           auth,
                                                             const char               *credential,
                                                             CurbVendurePartialPolicy  policy,
                                                             GError                  **error) G_GNUC_WARN_UNUSED_RESULT;
CurbConnector        *curb_vendure_connector_new_for_config (CurbConfig               *hub_config,
                                                             GError                  **error) G_GNUC_WARN_UNUSED_RESULT;
const char           *curb_vendure_connector_get_admin_url  (CurbVendureConnector     *self);
const char           *curb_vendure_connector_get_location_code (CurbVendureConnector  *self);
CurbVendurePartialPolicy curb_vendure_connector_get_partial_policy (CurbVendureConnector *self);
/* Logins made so far (a session that expired shows as a second one). */
guint                 curb_vendure_connector_get_logins     (CurbVendureConnector     *self);

G_END_DECLS
