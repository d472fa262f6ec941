#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define CURB_SIGNING_KEY_PUBLIC_LEN 32
#define CURB_SIGNING_KEY_SECRET_LEN 64

#define CURB_TYPE_SIGNING_KEY (curb_signing_key_get_type ())

G_DECLARE_FINAL_TYPE (CurbSigningKey, curb_signing_key, CURB, SIGNING_KEY, GObject)

/**
 * CurbSigningKey:
 *
 * An issuer's Ed25519 key pair with its key id. Key ids are
 * `[A-Za-z0-9._-]{1,16}`; every character rides in each QR, so keep them short
 * ("c1", "c2" for central, "h1" for a hub).
 *
 * The secret key file is one line, written with mode 0600:
 *
 *     curbside-secret-key-v1 KID BASE64(64-byte libsodium secret key)
 */
CurbSigningKey *curb_signing_key_generate        (const char      *key_id,
                                                  GError         **error) G_GNUC_WARN_UNUSED_RESULT;
CurbSigningKey *curb_signing_key_load            (const char      *path,
                                                  GError         **error) G_GNUC_WARN_UNUSED_RESULT;
CurbSigningKey *curb_signing_key_load_data       (const char      *data,
                                                  gssize           length,
                                                  GError         **error) G_GNUC_WARN_UNUSED_RESULT;
gboolean        curb_signing_key_save            (CurbSigningKey  *self,
                                                  const char      *path,
                                                  GError         **error);

const char     *curb_signing_key_get_key_id      (CurbSigningKey  *self);
const guint8   *curb_signing_key_get_public_key  (CurbSigningKey  *self);
/* "KID BASE64PUBKEY", a keyring line. */
char           *curb_signing_key_to_public_line  (CurbSigningKey  *self) G_GNUC_WARN_UNUSED_RESULT;
/* Detached Ed25519 signature of @message into @signature (64 bytes). */
void            curb_signing_key_sign            (CurbSigningKey  *self,
                                                  const guint8    *message,
                                                  gsize            length,
                                                  guint8          *signature);

gboolean        curb_key_id_is_valid             (const char      *key_id);

G_END_DECLS
