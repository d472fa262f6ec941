#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/**
 * CurbVendureAuth:
 * @CURB_VENDURE_AUTH_PASSWORD: log in with "username:password", send the
 *   session token; log in again when Vendure answers FORBIDDEN
 * @CURB_VENDURE_AUTH_API_KEY: send a static API key (header vendure-api-key)
 */
typedef enum
{
  CURB_VENDURE_AUTH_PASSWORD,
  CURB_VENDURE_AUTH_API_KEY,
} CurbVendureAuth;

#define CURB_TYPE_VENDURE_CLIENT (curb_vendure_client_get_type ())
G_DECLARE_FINAL_TYPE (CurbVendureClient, curb_vendure_client, CURB, VENDURE_CLIENT, GObject)

/**
 * CurbVendureClient:
 *
 * A blocking client of Vendure's GraphQL Admin API, for one worker thread:
 * it creates its HTTP session in the thread that first uses it, and must
 * only be used from that thread afterwards.
 */
CurbVendureClient *curb_vendure_client_new             (const char         *admin_api_url,
                                                        CurbVendureAuth     auth,
                                                        const char         *credential,
                                                        guint               timeout_s) G_GNUC_WARN_UNUSED_RESULT;

/**
 * curb_vendure_client_query:
 * @query: a GraphQL document
 * @variables: (nullable): its variables
 * @out_retry_after_ms: (out) (optional): Retry-After of a 429/503, else -1
 *
 * Returns: (transfer full): the response's `data`, or %NULL with a
 *   %CURB_ERROR of the connector classes (UNAVAILABLE, RATE_LIMITED,
 *   PROTOCOL, UNAUTHORIZED, FORBIDDEN, INVALID) or G_IO_ERROR_CANCELLED
 */
JsonObject        *curb_vendure_client_query           (CurbVendureClient  *self,
                                                        const char         *query,
                                                        JsonObject         *variables,
                                                        GCancellable       *cancellable,
                                                        gint64             *out_retry_after_ms,
                                                        GError            **error) G_GNUC_WARN_UNUSED_RESULT;

/* Vendure's clock (HTTP Date of the last answer), ms since the epoch, or -1. */
gint64             curb_vendure_client_get_server_time (CurbVendureClient  *self);
const char        *curb_vendure_client_get_url         (CurbVendureClient  *self);
guint              curb_vendure_client_get_logins      (CurbVendureClient  *self);

G_END_DECLS
