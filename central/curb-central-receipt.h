#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

char *curb_central_receipt_html (JsonObject *order,
                                 JsonArray  *events) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
