#pragma once

#include "curb-connector.h"

G_BEGIN_DECLS

#define CURB_CENTRAL_CONNECTOR_DEFAULT_TIMEOUT_S 10

#define CURB_TYPE_CENTRAL_CONNECTOR (curb_central_connector_get_type ())
G_DECLARE_FINAL_TYPE (CurbCentralConnector, curb_central_connector, CURB, CENTRAL_CONNECTOR, GObject)

CurbCentralConnector *curb_central_connector_new         (const char            *base_url,
                                                          const char            *store_id,
                                                          const char            *api_key,
                                                          GError               **error) G_GNUC_WARN_UNUSED_RESULT;
const char           *curb_central_connector_get_base_url (CurbCentralConnector *self);
const char           *curb_central_connector_get_store_id (CurbCentralConnector *self);
guint                 curb_central_connector_get_timeout  (CurbCentralConnector *self);
void                  curb_central_connector_set_timeout  (CurbCentralConnector *self,
                                                           guint                 timeout_s);

G_END_DECLS
