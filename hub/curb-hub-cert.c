#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <sodium.h>
#include <string.h>

#include "curb-error.h"
#include "curb-hub-cert.h"

#define CERT_VALIDITY_S (10 * 365 * 24 * 3600LL)

G_DEFINE_AUTO_CLEANUP_FREE_FUNC (gnutls_x509_privkey_t, gnutls_x509_privkey_deinit, NULL)
G_DEFINE_AUTO_CLEANUP_FREE_FUNC (gnutls_x509_crt_t, gnutls_x509_crt_deinit, NULL)

static gboolean
gnutls_check (int       rc,
              const char *what,
              GError  **error)
{
  if (rc >= 0)
    return TRUE;
  g_set_error (error, CURB_ERROR, CURB_ERROR_FAILED,
               "Cannot create the hub certificate (%s): %s", what, gnutls_strerror (rc));
  return FALSE;
}

static gboolean
set_names (gnutls_x509_crt_t crt,
           GError          **error)
{
  const char *host = g_get_host_name ();
  const guint8 loopback[4] = { 127, 0, 0, 1 };
  const char *cn = "curbside-hub";

  return gnutls_check (gnutls_x509_crt_set_dn_by_oid (crt, GNUTLS_OID_X520_COMMON_NAME, 0,
                                                      cn, strlen (cn)), "name", error)
      && gnutls_check (gnutls_x509_crt_set_subject_alt_name (crt, GNUTLS_SAN_DNSNAME, "localhost",
                                                             strlen ("localhost"), GNUTLS_FSAN_APPEND),
                       "alt name", error)
      && gnutls_check (gnutls_x509_crt_set_subject_alt_name (crt, GNUTLS_SAN_IPADDRESS, loopback,
                                                             sizeof loopback, GNUTLS_FSAN_APPEND),
                       "alt name", error)
      && gnutls_check (gnutls_x509_crt_set_subject_alt_name (crt, GNUTLS_SAN_DNSNAME, host,
                                                             strlen (host), GNUTLS_FSAN_APPEND),
                       "alt name", error);
}

static gboolean
fill_certificate (gnutls_x509_crt_t      crt,
                  gnutls_x509_privkey_t  key,
                  GError               **error)
{
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  guint8 serial[16];

  randombytes_buf (serial, sizeof serial);
  serial[0] &= 0x7f;

  return gnutls_check (gnutls_x509_crt_set_version (crt, 3), "version", error)
      && gnutls_check (gnutls_x509_crt_set_serial (crt, serial, sizeof serial), "serial", error)
      && gnutls_check (gnutls_x509_crt_set_activation_time (crt, now - 3600), "time", error)
      && gnutls_check (gnutls_x509_crt_set_expiration_time (crt, now + CERT_VALIDITY_S), "time", error)
      && set_names (crt, error)
      && gnutls_check (gnutls_x509_crt_set_key (crt, key), "key", error)
      && gnutls_check (gnutls_x509_crt_set_basic_constraints (crt, 1, -1), "constraints", error)
      && gnutls_check (gnutls_x509_crt_set_key_usage (crt, GNUTLS_KEY_DIGITAL_SIGNATURE
                                                           | GNUTLS_KEY_KEY_CERT_SIGN),
                       "usage", error)
      && gnutls_check (gnutls_x509_crt_set_key_purpose_oid (crt, GNUTLS_KP_TLS_WWW_SERVER, 0),
                       "purpose", error)
      && gnutls_check (gnutls_x509_crt_sign2 (crt, crt, key, GNUTLS_DIG_SHA256, 0), "sign", error);
}

static gboolean
write_datum (const char      *path,
             gnutls_datum_t  *datum,
             int              mode,
             GError         **error)
{
  gboolean ok = g_file_set_contents_full (path, (const char *) datum->data, datum->size,
                                          G_FILE_SET_CONTENTS_CONSISTENT, mode, error);

  gnutls_free (datum->data);
  return ok;
}

static gboolean
generate (const char  *cert_path,
          const char  *key_path,
          GError     **error)
{
  g_auto(gnutls_x509_privkey_t) key = NULL;
  g_auto(gnutls_x509_crt_t) crt = NULL;
  gnutls_datum_t key_pem = { NULL, 0 };
  gnutls_datum_t cert_pem = { NULL, 0 };

  if (!gnutls_check (gnutls_x509_privkey_init (&key), "key", error)
      || !gnutls_check (gnutls_x509_privkey_generate (key, GNUTLS_PK_ECDSA,
                                                      GNUTLS_CURVE_TO_BITS (GNUTLS_ECC_CURVE_SECP256R1), 0),
                        "key", error)
      || !gnutls_check (gnutls_x509_crt_init (&crt), "certificate", error)
      || !fill_certificate (crt, key, error)
      || !gnutls_check (gnutls_x509_privkey_export2_pkcs8 (key, GNUTLS_X509_FMT_PEM, NULL,
                                                           GNUTLS_PKCS_PLAIN, &key_pem),
                        "export", error))
    return FALSE;
  if (!write_datum (key_path, &key_pem, 0600, error))
    return FALSE;
  if (!gnutls_check (gnutls_x509_crt_export2 (crt, GNUTLS_X509_FMT_PEM, &cert_pem), "export", error))
    return FALSE;
  return write_datum (cert_path, &cert_pem, 0644, error);
}

GTlsCertificate *
curb_hub_cert_ensure (const char  *data_dir,
                      GError     **error)
{
  g_autofree char *cert_path = NULL;
  g_autofree char *key_path = NULL;

  g_return_val_if_fail (data_dir != NULL, NULL);

  cert_path = g_build_filename (data_dir, "hub-cert.pem", NULL);
  key_path = g_build_filename (data_dir, "hub-key.pem", NULL);
  if (!g_file_test (cert_path, G_FILE_TEST_EXISTS) || !g_file_test (key_path, G_FILE_TEST_EXISTS))
    {
      if (g_mkdir_with_parents (data_dir, 0700) != 0)
        {
          g_set_error (error, CURB_ERROR, CURB_ERROR_CONFIG,
                       "Cannot create data directory %s", data_dir);
          return NULL;
        }
      if (!generate (cert_path, key_path, error))
        return NULL;
    }
  return g_tls_certificate_new_from_files (cert_path, key_path, error);
}

char *
curb_hub_cert_fingerprint (GTlsCertificate *certificate)
{
  g_autoptr(GByteArray) der = NULL;
  g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
  guint8 digest[32];
  gsize len = sizeof digest;
  GString *out = g_string_new (NULL);

  g_return_val_if_fail (G_IS_TLS_CERTIFICATE (certificate), NULL);

  g_object_get (certificate, "certificate", &der, NULL);
  g_checksum_update (sum, der->data, der->len);
  g_checksum_get_digest (sum, digest, &len);
  for (gsize i = 0; i < len; i++)
    g_string_append_printf (out, i ? ":%02x" : "%02x", digest[i]);
  return g_string_free (out, FALSE);
}
