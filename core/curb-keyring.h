#pragma once

#include <glib-object.h>

#include "curb-signing-key.h"

G_BEGIN_DECLS

#define CURB_TYPE_KEYRING (curb_keyring_get_type ())

G_DECLARE_FINAL_TYPE (CurbKeyring, curb_keyring, CURB, KEYRING, GObject)

/**
 * CurbKeyring:
 *
 * The public keys of the token issuers this store trusts, by key id. Several
 * keys may be present at once (key rotation; central and the hub's own key).
 *
 * Text form, one key a line, `#` starts a comment:
 *
 *     # kid   Ed25519 public key, base64
 *     c1      7W0H2n3j...=
 */
CurbKeyring  *curb_keyring_new            (void) G_GNUC_WARN_UNUSED_RESULT;
CurbKeyring  *curb_keyring_load           (const char   *path,
                                           GError      **error) G_GNUC_WARN_UNUSED_RESULT;
gboolean      curb_keyring_load_data      (CurbKeyring  *self,
                                           const char   *data,
                                           gssize        length,
                                           GError      **error);
gboolean      curb_keyring_save           (CurbKeyring  *self,
                                           const char   *path,
                                           GError      **error);
char         *curb_keyring_to_data        (CurbKeyring  *self) G_GNUC_WARN_UNUSED_RESULT;

gboolean      curb_keyring_add            (CurbKeyring  *self,
                                           const char   *key_id,
                                           const guint8 *public_key,
                                           GError      **error);
gboolean      curb_keyring_add_base64     (CurbKeyring  *self,
                                           const char   *key_id,
                                           const char   *public_key_base64,
                                           GError      **error);
gboolean      curb_keyring_remove         (CurbKeyring  *self,
                                           const char   *key_id);
const guint8 *curb_keyring_lookup         (CurbKeyring  *self,
                                           const char   *key_id);
guint         curb_keyring_get_n_keys     (CurbKeyring  *self);
/* Sorted key ids; free with g_strfreev(). */
char        **curb_keyring_list_key_ids   (CurbKeyring  *self) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
