#include <string.h>

#include "curb-connector.h"
#include "curb-error.h"

G_DEFINE_INTERFACE (CurbConnector, curb_connector, G_TYPE_OBJECT)
G_DEFINE_BOXED_TYPE (CurbConnectorPage, curb_connector_page,
                     curb_connector_page_copy, curb_connector_page_free)

static void
curb_connector_default_init (CurbConnectorInterface *iface)
{
}

/**
 * curb_connector_page_new:
 *
 * Returns: (transfer full): an empty page
 */
CurbConnectorPage *
curb_connector_page_new (void)
{
  CurbConnectorPage *page = g_new0 (CurbConnectorPage, 1);

  page->orders = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  return page;
}

CurbConnectorPage *
curb_connector_page_copy (const CurbConnectorPage *page)
{
  CurbConnectorPage *copy = curb_connector_page_new ();

  for (guint i = 0; i < page->orders->len; i++)
    g_ptr_array_add (copy->orders, json_object_ref (g_ptr_array_index (page->orders, i)));
  copy->next_cursor = g_strdup (page->next_cursor);
  copy->has_more = page->has_more;
  return copy;
}

void
curb_connector_page_free (CurbConnectorPage *page)
{
  g_clear_pointer (&page->orders, g_ptr_array_unref);
  g_free (page->next_cursor);
  g_free (page);
}

const char *
curb_connector_get_name (CurbConnector *self)
{
  g_return_val_if_fail (CURB_IS_CONNECTOR (self), NULL);

  return CURB_CONNECTOR_GET_IFACE (self)->get_name (self);
}

/**
 * curb_connector_get_description:
 *
 * Returns: (transfer full): where the connector talks to, without secrets
 */
char *
curb_connector_get_description (CurbConnector *self)
{
  g_return_val_if_fail (CURB_IS_CONNECTOR (self), NULL);

  return CURB_CONNECTOR_GET_IFACE (self)->get_description (self);
}

/**
 * curb_connector_pull_async:
 * @cursor: (nullable): the cursor from the last applied page; %NULL or ""
 *   for the beginning
 * @limit: at most this many orders
 *
 * Fetches the orders changed after @cursor.
 */
void
curb_connector_pull_async (CurbConnector       *self,
                           const char          *cursor,
                           guint                limit,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_return_if_fail (CURB_IS_CONNECTOR (self));
  g_return_if_fail (limit > 0);

  CURB_CONNECTOR_GET_IFACE (self)->pull_async (self, cursor, limit, cancellable, callback, user_data);
}

/**
 * curb_connector_pull_finish:
 * @out_retry_after_ms: (out) (optional): on a retryable error, how long the
 *   peer asked to wait (-1: it did not say)
 *
 * Returns: (transfer full): the page, or %NULL with @error set
 */
CurbConnectorPage *
curb_connector_pull_finish (CurbConnector  *self,
                            GAsyncResult   *result,
                            gint64         *out_retry_after_ms,
                            GError        **error)
{
  gint64 retry_after_ms = -1;
  CurbConnectorPage *page;

  g_return_val_if_fail (CURB_IS_CONNECTOR (self), NULL);

  page = CURB_CONNECTOR_GET_IFACE (self)->pull_finish (self, result, &retry_after_ms, error);
  if (out_retry_after_ms != NULL)
    *out_retry_after_ms = retry_after_ms;
  return page;
}

/**
 * curb_connector_push_event_async:
 * @event: the event in its wire form (docs/data-model.md)
 * @idempotency_key: the event id; sending it again is harmless
 *
 * Delivers one store event to central.
 */
void
curb_connector_push_event_async (CurbConnector       *self,
                                 JsonObject          *event,
                                 const char          *idempotency_key,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_return_if_fail (CURB_IS_CONNECTOR (self));
  g_return_if_fail (event != NULL);
  g_return_if_fail (idempotency_key != NULL && *idempotency_key != '\0');

  CURB_CONNECTOR_GET_IFACE (self)->push_event_async (self, event, idempotency_key,
                                                     cancellable, callback, user_data);
}

/**
 * curb_connector_push_event_finish:
 * @out_duplicate: (out) (optional): %TRUE when central already had the event
 * @out_retry_after_ms: (out) (optional): on a retryable error, how long the
 *   peer asked to wait (-1: it did not say)
 *
 * Returns: %TRUE when central has the event
 */
gboolean
curb_connector_push_event_finish (CurbConnector  *self,
                                  GAsyncResult   *result,
                                  gboolean       *out_duplicate,
                                  gint64         *out_retry_after_ms,
                                  GError        **error)
{
  gint64 retry_after_ms = -1;
  gboolean duplicate = FALSE;
  gboolean ok;

  g_return_val_if_fail (CURB_IS_CONNECTOR (self), FALSE);

  ok = CURB_CONNECTOR_GET_IFACE (self)->push_event_finish (self, result, &duplicate,
                                                           &retry_after_ms, error);
  if (out_duplicate != NULL)
    *out_duplicate = duplicate;
  if (out_retry_after_ms != NULL)
    *out_retry_after_ms = retry_after_ms;
  return ok;
}

void
curb_connector_fetch_keys_async (CurbConnector       *self,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_return_if_fail (CURB_IS_CONNECTOR (self));

  CURB_CONNECTOR_GET_IFACE (self)->fetch_keys_async (self, cancellable, callback, user_data);
}

/**
 * curb_connector_fetch_keys_finish:
 *
 * Returns: (transfer full): the issuer keys [{kid, alg, public_key}]
 */
JsonArray *
curb_connector_fetch_keys_finish (CurbConnector  *self,
                                  GAsyncResult   *result,
                                  GError        **error)
{
  g_return_val_if_fail (CURB_IS_CONNECTOR (self), NULL);

  return CURB_CONNECTOR_GET_IFACE (self)->fetch_keys_finish (self, result, error);
}

/**
 * curb_connector_error_is_permanent:
 *
 * Returns: %TRUE when central refused a request for good: sending the same
 *   request again can never succeed
 */
gboolean
curb_connector_error_is_permanent (const GError *error)
{
  return g_error_matches (error, CURB_ERROR, CURB_ERROR_INVALID)
         || g_error_matches (error, CURB_ERROR, CURB_ERROR_CONFLICT);
}

#define MAX_CREDENTIAL_LEN 4096

/**
 * curb_connector_read_credential:
 * @path: a file whose first line is the store's credential for central
 *
 * Returns: (transfer full): the credential, or %NULL with %CURB_ERROR_CONFIG
 */
char *
curb_connector_read_credential (const char  *path,
                                GError     **error)
{
  g_autofree char *contents = NULL;
  g_autoptr(GError) local_error = NULL;
  gsize length = 0;
  char *newline;

  if (!g_file_get_contents (path, &contents, &length, &local_error))
    {
      g_set_error (error, CURB_ERROR, CURB_ERROR_CONFIG, "cannot read the central credential: %s",
                   local_error->message);
      return NULL;
    }
  newline = strchr (contents, '\n');
  if (newline != NULL)
    *newline = '\0';
  g_strstrip (contents);
  if (*contents == '\0' || length > MAX_CREDENTIAL_LEN || !g_utf8_validate (contents, -1, NULL))
    {
      g_set_error (error, CURB_ERROR, CURB_ERROR_CONFIG,
                   "%s must hold the store's credential for central on its first line", path);
      return NULL;
    }
  return g_steal_pointer (&contents);
}
