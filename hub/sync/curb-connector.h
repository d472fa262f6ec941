#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/**
 * CurbConnectorPage:
 * @orders: (element-type JsonObject): order documents (docs/data-model.md)
 *   as central sent them, not yet validated
 * @next_cursor: the cursor to pull with next; store it once the page is applied
 * @has_more: %TRUE when more changes follow right away
 *
 * One page of order changes from a central order system.
 */
typedef struct
{
  GPtrArray *orders;
  char      *next_cursor;
  gboolean   has_more;
} CurbConnectorPage;

#define CURB_TYPE_CONNECTOR_PAGE (curb_connector_page_get_type ())
GType              curb_connector_page_get_type (void) G_GNUC_CONST;
CurbConnectorPage *curb_connector_page_new      (void) G_GNUC_WARN_UNUSED_RESULT;
CurbConnectorPage *curb_connector_page_copy     (const CurbConnectorPage *page) G_GNUC_WARN_UNUSED_RESULT;
void               curb_connector_page_free     (CurbConnectorPage *page);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CurbConnectorPage, curb_connector_page_free)

#define CURB_TYPE_CONNECTOR (curb_connector_get_type ())
G_DECLARE_INTERFACE (CurbConnector, curb_connector, CURB, CONNECTOR, GObject)

/**
 * CurbConnectorInterface:
 * @get_name: a short machine name ("curbside-central", "vendure")
 * @get_description: where it talks to, for people (no secrets)
 * @pull_async: fetch the order changes after a cursor
 * @pull_finish: the page, or an error
 * @push_event_async: deliver one store event, idempotently
 * @push_event_finish: whether central took it (and whether it already had it)
 * @fetch_keys_async: fetch the token issuer's public keys
 * @fetch_keys_finish: [{kid, alg, public_key}]
 *
 * A central order system as the hub sees it. Errors use %CURB_ERROR:
 *
 * - %CURB_ERROR_UNAVAILABLE: unreachable, timed out, or a 5xx — retry
 * - %CURB_ERROR_RATE_LIMITED: asked to slow down — retry, honouring retry-after
 * - %CURB_ERROR_PROTOCOL: an answer that cannot be used; nothing of it was
 *   taken — retry
 * - %CURB_ERROR_UNAUTHORIZED, %CURB_ERROR_FORBIDDEN, %CURB_ERROR_CONFIG:
 *   credentials or configuration — retry later, someone must fix it
 * - %CURB_ERROR_INVALID, %CURB_ERROR_CONFLICT: central refused this request
 *   for good — do not send it again (curb_connector_error_is_permanent())
 *
 * Retryable failures may carry a retry-after (milliseconds) through the
 * finish functions' @out_retry_after_ms.
 */
struct _CurbConnectorInterface
{
  GTypeInterface parent_iface;

  const char        *(*get_name)          (CurbConnector        *self);
  char              *(*get_description)   (CurbConnector        *self);

  void               (*pull_async)        (CurbConnector        *self,
                                           const char           *cursor,
                                           guint                 limit,
                                           GCancellable         *cancellable,
                                           GAsyncReadyCallback   callback,
                                           gpointer              user_data);
  CurbConnectorPage *(*pull_finish)       (CurbConnector        *self,
                                           GAsyncResult         *result,
                                           gint64               *out_retry_after_ms,
                                           GError              **error);

  void               (*push_event_async)  (CurbConnector        *self,
                                           JsonObject           *event,
                                           const char           *idempotency_key,
                                           GCancellable         *cancellable,
                                           GAsyncReadyCallback   callback,
                                           gpointer              user_data);
  gboolean           (*push_event_finish) (CurbConnector        *self,
                                           GAsyncResult         *result,
                                           gboolean             *out_duplicate,
                                           gint64               *out_retry_after_ms,
                                           GError              **error);

  void               (*fetch_keys_async)  (CurbConnector        *self,
                                           GCancellable         *cancellable,
                                           GAsyncReadyCallback   callback,
                                           gpointer              user_data);
  JsonArray         *(*fetch_keys_finish) (CurbConnector        *self,
                                           GAsyncResult         *result,
                                           GError              **error);
};

const char        *curb_connector_get_name          (CurbConnector        *self);
char              *curb_connector_get_description   (CurbConnector        *self) G_GNUC_WARN_UNUSED_RESULT;
void               curb_connector_pull_async        (CurbConnector        *self,
                                                     const char           *cursor,
                                                     guint                 limit,
                                                     GCancellable         *cancellable,
                                                     GAsyncReadyCallback   callback,
                                                     gpointer              user_data);
CurbConnectorPage *curb_connector_pull_finish       (CurbConnector        *self,
                                                     GAsyncResult         *result,
                                                     gint64               *out_retry_after_ms,
                                                     GError              **error) G_GNUC_WARN_UNUSED_RESULT;
void               curb_connector_push_event_async  (CurbConnector        *self,
                                                     JsonObject           *event,
                                                     const char           *idempotency_key,
                                                     GCancellable         *cancellable,
                                                     GAsyncReadyCallback   callback,
                                                     gpointer              user_data);
gboolean           curb_connector_push_event_finish (CurbConnector        *self,
                                                     GAsyncResult         *result,
                                                     gboolean             *out_duplicate,
                                                     gint64               *out_retry_after_ms,
                                                     GError              **error);
void               curb_connector_fetch_keys_async  (CurbConnector        *self,
                                                     GCancellable         *cancellable,
                                                     GAsyncReadyCallback   callback,
                                                     gpointer              user_data);
JsonArray         *curb_connector_fetch_keys_finish (CurbConnector        *self,
                                                     GAsyncResult         *result,
                                                     GError              **error) G_GNUC_WARN_UNUSED_RESULT;

gboolean           curb_connector_error_is_permanent (const GError        *error);

/* The first line of @path: the store's credential for central
 * (%CURB_ERROR_CONFIG when it cannot be read or is empty). */
char *curb_connector_read_credential (const char  *path,
                                      GError     **error) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
