#pragma once

#include <json-glib/json-glib.h>

#include "curb-signing-key.h"

G_BEGIN_DECLS

/* Central as the issuer of pickup tokens (the demo issuing key). */

CurbSigningKey *curb_central_issuer_load_or_create (const char     *path,
                                                    GError        **error) G_GNUC_WARN_UNUSED_RESULT;
char           *curb_central_issuer_sign_token     (const char     *store_id,
                                                    const char     *ref,
                                                    gint64          expires_ms,
                                                    gpointer        signing_key) G_GNUC_WARN_UNUSED_RESULT;
JsonArray      *curb_central_issuer_public_keys    (CurbSigningKey *key) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
