#pragma once

#include "curb-config.h"
#include "curb-connector.h"

G_BEGIN_DECLS

CurbConnector *curb_connector_new_for_config (CurbConfig  *hub_config,
                                              GError     **error) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
