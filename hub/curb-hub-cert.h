#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* The hub's TLS identity: "hub-cert.pem" and "hub-key.pem" (0600) in
 * @data_dir, created on first use as a self-signed ECDSA P-256 certificate
 * for "localhost", 127.0.0.1 and the host's name. */
GTlsCertificate *curb_hub_cert_ensure      (const char       *data_dir,
                                            GError          **error) G_GNUC_WARN_UNUSED_RESULT;

/* SHA-256 of the certificate's DER, lower-case hex pairs joined by ':'. */
char            *curb_hub_cert_fingerprint (GTlsCertificate  *certificate) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
