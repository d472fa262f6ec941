#include <string.h>

#include "curb-connector.h"
#include "curb-error.h"
#include "curb-vendure-connector.h"
#include "curb-vendure-cursor.h"
#include "curb-vendure-pull.h"

/* The connector for a Vendure shop (docs/vendure-connector.md). Every call
 * runs, one at a time, on a worker thread of its own with a blocking
 * GraphQL client: a push is a short conversation of reads and checked
 * writes, clearer as straight-line code. Results return on the caller's
 * main context.
 *
 * Work in flight never keeps the connector alive: its tasks have no source
 * object, and finalize cancels what runs (the caller's cancellable and the
 * connector's own both cancel a job) and waits for the worker, which then
 * answers every queued call "cancelled" at once. */

#define KEYS_QUERY "query { curbsidePickupKeys { kid alg publicKey } }"

struct _CurbVendureConnector
{
  GObject                   parent_instance;

  CurbVendureClient        *client;
  GThreadPool              *worker;
  GCancellable             *shutdown;     /* cancelled by finalize */
  char                     *admin_url;
  char                     *location_code;
  CurbVendurePartialPolicy  policy;
  /* Worker thread only: */
  GHashTable               *open_known;   /* id → fingerprint the hub has stored */
  GHashTable               *open_seen;
  guint                     max_take;
  char                     *handed_cursor;    /* next_cursor of the last page handed on */
  GHashTable               *handed_pending;   /* its fingerprints, stored once that cursor comes back */
  char                     *prefetch_cursor;  /* a page already fetched for this cursor */
  guint                     prefetch_limit;
  CurbConnectorPage        *prefetched;
  GHashTable               *prefetch_pending;
};

typedef enum
{
  JOB_PULL,
  JOB_PUSH,
  JOB_KEYS,
} JobKind;

typedef struct
{
  JobKind       kind;
  GCancellable *cancellable;    /* cancelled by the caller's cancellable or the shutdown */
  GCancellable *caller;
  gulong        caller_handler;
  char       *cursor;
  guint       limit;
  JsonObject *event;
  gboolean    duplicate;
  gint64      retry_after_ms;
} Job;

static void curb_vendure_connector_iface_init (CurbConnectorInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (CurbVendureConnector, curb_vendure_connector, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (CURB_TYPE_CONNECTOR,
                                                      curb_vendure_connector_iface_init))

static void
job_free (gpointer data)
{
  Job *job = data;

  if (job->caller != NULL)
    g_cancellable_disconnect (job->caller, job->caller_handler);
  g_clear_object (&job->caller);
  g_clear_object (&job->cancellable);
  g_free (job->cursor);
  g_clear_pointer (&job->event, json_object_unref);
  g_free (job);
}

/* The worker thread */

static JsonArray *
keys_from_data (JsonObject  *data,
                GError     **error)
{
  JsonNode *node = json_object_get_member (data, "curbsidePickupKeys");
  JsonArray *keys = json_array_new ();
  JsonArray *found = node && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;

  for (guint i = 0; found != NULL && i < json_array_get_length (found); i++)
    {
      JsonObject *key = json_array_get_object_element (found, i);
      JsonObject *ours = json_object_new ();

      json_object_set_string_member (ours, "kid", json_object_get_string_member_with_default (key, "kid", ""));
      json_object_set_string_member (ours, "alg", json_object_get_string_member_with_default (key, "alg", ""));
      json_object_set_string_member (ours, "public_key", json_object_get_string_member_with_default (key, "publicKey", ""));
      json_array_add_object_element (keys, ours);
    }
  if (found == NULL)
    {
      json_array_unref (keys);
      g_set_error_literal (error, CURB_ERROR, CURB_ERROR_PROTOCOL,
                           "Vendure sent no curbsidePickupKeys: is the Curbside plugin installed?");
      return NULL;
    }
  return keys;
}

static void
run_keys (CurbVendureConnector *self,
          GTask                *task)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) data = curb_vendure_client_query (self->client, KEYS_QUERY, NULL,
                                                          g_task_get_cancellable (task), NULL, &error);
  JsonArray *keys = data ? keys_from_data (data, &error) : NULL;

  if (keys == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, keys, (GDestroyNotify) json_array_unref);
}

static GHashTable *
new_pending (void)
{
  return g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}

/* The hub asks for the cursor it was handed: it stored that page. */
static void
commit_handed (CurbVendureConnector *self,
               const char           *cursor)
{
  GHashTableIter iter;
  gpointer id, fingerprint;

  if (self->handed_pending != NULL && g_strcmp0 (cursor, self->handed_cursor) == 0)
    {
      g_hash_table_iter_init (&iter, self->handed_pending);
      while (g_hash_table_iter_next (&iter, &id, &fingerprint))
        if (*(char *) fingerprint == '\0')
          g_hash_table_remove (self->open_known, id);
        else
          g_hash_table_insert (self->open_known, g_strdup (id), g_strdup (fingerprint));
    }
  g_clear_pointer (&self->handed_pending, g_hash_table_unref);
  g_clear_pointer (&self->handed_cursor, g_free);
}

static void
drop_prefetch (CurbVendureConnector *self)
{
  g_clear_pointer (&self->prefetch_cursor, g_free);
  g_clear_pointer (&self->prefetched, curb_connector_page_free);
  g_clear_pointer (&self->prefetch_pending, g_hash_table_unref);
}

static CurbConnectorPage *
take_or_fetch (CurbVendureConnector  *self,
               Job                   *job,
               GCancellable          *cancellable,
               GHashTable           **out_pending,
               GError               **error)
{
  CurbConnectorPage *page;

  if (self->prefetched != NULL && g_strcmp0 (self->prefetch_cursor, job->cursor) == 0
      && self->prefetch_limit == job->limit)
    {
      page = g_steal_pointer (&self->prefetched);
      *out_pending = g_steal_pointer (&self->prefetch_pending);
      drop_prefetch (self);
      return page;
    }
  drop_prefetch (self);
  *out_pending = new_pending ();
  page = curb_vendure_pull (self->client, self->location_code, self->open_known, self->open_seen, *out_pending,
                            &self->max_take, job->cursor, job->limit, cancellable, &job->retry_after_ms, error);
  if (page == NULL)
    g_clear_pointer (out_pending, g_hash_table_unref);
  return page;
}

/* While the hub stores a page of new or changed orders, fetch the next one.
 * (Not during the re-read of open orders: that depends on what the hub stored.) */
static void
prefetch (CurbVendureConnector *self,
          const char           *cursor,
          guint                 limit,
          GCancellable         *cancellable)
{
  g_autoptr(CurbVendureCursor) parsed = curb_vendure_cursor_parse (cursor);
  g_autoptr(GHashTable) pending = NULL;
  gint64 retry_after_ms = -1;

  if (parsed->phase == CURB_VENDURE_PHASE_OPEN)
    return;
  pending = new_pending ();
  self->prefetched = curb_vendure_pull (self->client, self->location_code, self->open_known, self->open_seen,
                                        pending, &self->max_take, cursor, limit, cancellable, &retry_after_ms, NULL);
  if (self->prefetched == NULL)
    return;
  self->prefetch_cursor = g_strdup (cursor);
  self->prefetch_limit = limit;
  self->prefetch_pending = g_steal_pointer (&pending);
}

static void
run_pull (CurbVendureConnector *self,
          GTask                *task)
{
  Job *job = g_task_get_task_data (task);
  GCancellable *cancellable = g_task_get_cancellable (task);
  g_autoptr(GError) error = NULL;
  g_autofree char *next = NULL;
  GHashTable *pending = NULL;
  CurbConnectorPage *page;
  gboolean more;

  commit_handed (self, job->cursor);
  page = take_or_fetch (self, job, cancellable, &pending, &error);
  if (page == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  next = g_strdup (page->next_cursor);
  more = page->has_more;
  self->handed_cursor = g_strdup (next);
  self->handed_pending = pending;
  g_task_return_pointer (task, page, (GDestroyNotify) curb_connector_page_free);
  if (more)
    prefetch (self, next, job->limit, cancellable);
}

static void
run_job_kind (CurbVendureConnector  *self,
              GTask                 *task,
              Job                   *job,
              GError               **error)
{
  switch (job->kind)
    {
    case JOB_PULL:
      run_pull (self, task);
      break;
    case JOB_PUSH:
      if (curb_vendure_push_event (self->client, job->event, self->policy, g_task_get_cancellable (task),
                                   &job->duplicate, &job->retry_after_ms, error))
        g_task_return_boolean (task, TRUE);
      else
        g_task_return_error (task, g_steal_pointer (error));
      break;
    case JOB_KEYS:
    default:
      run_keys (self, task);
      break;
    }
}

static void
on_cancelled (GCancellable *cancellable,
              GCancellable *job_cancellable)
{
  g_cancellable_cancel (job_cancellable);
}

static void
run_task (CurbVendureConnector *self,
          GTask                *task)
{
  Job *job = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  gulong handler = g_cancellable_connect (self->shutdown, G_CALLBACK (on_cancelled), job->cancellable, NULL);

  if (!g_task_return_error_if_cancelled (task))
    run_job_kind (self, task, job, &error);
  g_cancellable_disconnect (self->shutdown, handler);
}

static void
run_job (gpointer data,
         gpointer user_data)
{
  g_autoptr(GTask) task = data;

  run_task (user_data, task);
}

static void
queue_job (CurbVendureConnector *self,
           Job                  *job,
           GCancellable         *cancellable,
           GAsyncReadyCallback   callback,
           gpointer              user_data,
           gpointer              source_tag)
{
  GTask *task;

  job->cancellable = g_cancellable_new ();
  if (cancellable != NULL)
    {
      job->caller = g_object_ref (cancellable);
      job->caller_handler = g_cancellable_connect (cancellable, G_CALLBACK (on_cancelled), job->cancellable, NULL);
    }
  task = g_task_new (NULL, job->cancellable, callback, user_data);
  job->retry_after_ms = -1;
  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, job, job_free);
  g_thread_pool_push (self->worker, task, NULL);
}

/* CurbConnector */

static void
curb_vendure_connector_pull_async (CurbConnector       *connector,
                                   const char          *cursor,
                                   guint                limit,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  Job *job = g_new0 (Job, 1);

  job->kind = JOB_PULL;
  job->cursor = g_strdup (cursor);
  job->limit = limit;
  queue_job (CURB_VENDURE_CONNECTOR (connector), job, cancellable, callback, user_data,
             curb_vendure_connector_pull_async);
}

static CurbConnectorPage *
curb_vendure_connector_pull_finish (CurbConnector  *connector,
                                    GAsyncResult   *result,
                                    gint64         *out_retry_after_ms,
                                    GError        **error)
{
  Job *job = g_task_get_task_data (G_TASK (result));

  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  *out_retry_after_ms = job->retry_after_ms;
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
curb_vendure_connector_push_event_async (CurbConnector       *connector,
                                         JsonObject          *event,
                                         const char          *idempotency_key,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data)
{
  Job *job = g_new0 (Job, 1);

  job->kind = JOB_PUSH;
  job->event = json_object_ref (event);
  queue_job (CURB_VENDURE_CONNECTOR (connector), job, cancellable, callback, user_data,
             curb_vendure_connector_push_event_async);
}

static gboolean
curb_vendure_connector_push_event_finish (CurbConnector  *connector,
                                          GAsyncResult   *result,
                                          gboolean       *out_duplicate,
                                          gint64         *out_retry_after_ms,
                                          GError        **error)
{
  Job *job = g_task_get_task_data (G_TASK (result));

  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);

  *out_retry_after_ms = job->retry_after_ms;
  if (!g_task_propagate_boolean (G_TASK (result), error))
    return FALSE;
  *out_duplicate = job->duplicate;
  return TRUE;
}

static void
curb_vendure_connector_fetch_keys_async (CurbConnector       *connector,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data)
{
  Job *job = g_new0 (Job, 1);

  job->kind = JOB_KEYS;
  queue_job (CURB_VENDURE_CONNECTOR (connector), job, cancellable, callback, user_data,
             curb_vendure_connector_fetch_keys_async);
}

static JsonArray *
curb_vendure_connector_fetch_keys_finish (CurbConnector  *connector,
                                          GAsyncResult   *result,
                                          GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static const char *
curb_vendure_connector_get_name (CurbConnector *connector)
{
  return "vendure";
}

static char *
curb_vendure_connector_get_description (CurbConnector *connector)
{
  CurbVendureConnector *self = CURB_VENDURE_CONNECTOR (connector);

  return g_strdup_printf ("Vendure Admin API at %s, pickup location %s", self->admin_url, self->location_code);
}

/* GObject */

static void
curb_vendure_connector_iface_init (CurbConnectorInterface *iface)
{
  iface->get_name = curb_vendure_connector_get_name;
  iface->get_description = curb_vendure_connector_get_description;
  iface->pull_async = curb_vendure_connector_pull_async;
  iface->pull_finish = curb_vendure_connector_pull_finish;
  iface->push_event_async = curb_vendure_connector_push_event_async;
  iface->push_event_finish = curb_vendure_connector_push_event_finish;
  iface->fetch_keys_async = curb_vendure_connector_fetch_keys_async;
  iface->fetch_keys_finish = curb_vendure_connector_fetch_keys_finish;
}

static void
curb_vendure_connector_finalize (GObject *object)
{
  CurbVendureConnector *self = CURB_VENDURE_CONNECTOR (object);

  g_cancellable_cancel (self->shutdown);
  g_thread_pool_free (self->worker, FALSE, TRUE);
  g_clear_object (&self->shutdown);
  g_clear_object (&self->client);
  g_free (self->admin_url);
  g_free (self->location_code);
  g_hash_table_unref (self->open_known);
  g_hash_table_unref (self->open_seen);
  g_clear_pointer (&self->handed_pending, g_hash_table_unref);
  g_free (self->handed_cursor);
  drop_prefetch (self);
  G_OBJECT_CLASS (curb_vendure_connector_parent_class)->finalize (object);
}

static void
curb_vendure_connector_class_init (CurbVendureConnectorClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = curb_vendure_connector_finalize;
}

static void
curb_vendure_connector_init (CurbVendureConnector *self)
{
  self->shutdown = g_cancellable_new ();
  self->worker = g_thread_pool_new (run_job, self, 1, TRUE, NULL);
  self->open_known = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->open_seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->max_take = 1000;
}

/* Public API */

static char *
admin_url_for (const char  *url,
               GError     **error)
{
  g_autoptr(GUri) uri = g_uri_parse (url ? url : "", G_URI_FLAGS_NONE, NULL);
  const char *scheme = uri ? g_uri_get_scheme (uri) : NULL;
  g_autofree char *base = NULL;

  if (uri == NULL || (g_strcmp0 (scheme, "http") != 0 && g_strcmp0 (scheme, "https") != 0)
      || g_uri_get_host (uri) == NULL || *g_uri_get_host (uri) == '\0' || g_uri_get_query (uri) != NULL)
    {
      g_set_error (error, CURB_ERROR, CURB_ERROR_CONFIG,
                   "the Vendure URL must be http(s)://host[:port][/path], not “%s”", url ? url : "");
      return NULL;
    }
  base = g_strdup (url);
  while (g_str_has_suffix (base, "/"))
    base[strlen (base) - 1] = '\0';
  if (g_str_has_suffix (base, "/admin-api"))
    return g_steal_pointer (&base);
  return g_strconcat (base, "/admin-api", NULL);
}

/**
 * curb_vendure_connector_new:
 * @url: the Vendure server ("http://127.0.0.1:3000") or its Admin API URL
 * @location_code: the pickupLocationCode of this store's orders (the store
 *   id: pickup tokens carry it)
 * @credential: "username:password" for %CURB_VENDURE_AUTH_PASSWORD, else
 *   the API key
 *
 * Returns: (transfer full): the connector, or %NULL with %CURB_ERROR_CONFIG
 */
CurbVendureConnector *
curb_vendure_connector_new (const char                *url,
                            const char                *location_code,
                            CurbVendureAuth            auth,
                            const char                *credential,
                            CurbVendurePartialPolicy   policy,
                            GError                   **error)
{
  g_autofree char *admin_url = admin_url_for (url, error);
  CurbVendureConnector *self;

  if (admin_url == NULL)
    return NULL;
  if (location_code == NULL || *location_code == '\0' || credential == NULL || *credential == '\0'
      || (auth == CURB_VENDURE_AUTH_PASSWORD && strchr (credential, ':') == NULL))
    {
      g_set_error_literal (error, CURB_ERROR, CURB_ERROR_CONFIG,
                           "Vendure needs a pickup location code and a credential "
                           "(“username:password”, or an API key)");
      return NULL;
    }
  self = g_object_new (CURB_TYPE_VENDURE_CONNECTOR, NULL);
  self->admin_url = g_steal_pointer (&admin_url);
  self->location_code = g_strdup (location_code);
  self->policy = policy;
  self->client = curb_vendure_client_new (self->admin_url, auth, credential, CURB_VENDURE_CONNECTOR_DEFAULT_TIMEOUT_S);
  return self;
}

/**
 * curb_vendure_connector_new_for_config:
 * @hub_config: [store] id, [central] url, credentials-file, vendure-auth,
 *   partial-pickup
 *
 * Returns: (transfer full): the connector, or %NULL with %CURB_ERROR_CONFIG
 */
CurbConnector *
curb_vendure_connector_new_for_config (CurbConfig  *hub_config,
                                       GError     **error)
{
  const char *credentials = curb_config_get_path (hub_config, "central", "credentials-file");
  const char *auth = curb_config_get_string (hub_config, "central", "vendure-auth");
  const char *partial = curb_config_get_string (hub_config, "central", "partial-pickup");
  g_autofree char *credential = NULL;

  if (credentials == NULL)
    {
      g_set_error_literal (error, CURB_ERROR, CURB_ERROR_CONFIG,
                           "[central] credentials-file is needed for the vendure connector");
      return NULL;
    }
  credential = curb_connector_read_credential (credentials, error);
  if (credential == NULL)
    return NULL;
  return (CurbConnector *) curb_vendure_connector_new (
      curb_config_get_string (hub_config, "central", "url"),
      curb_config_get_string (hub_config, "store", "id"),
      g_strcmp0 (auth, "api-key") == 0 ? CURB_VENDURE_AUTH_API_KEY : CURB_VENDURE_AUTH_PASSWORD,
      credential,
      g_strcmp0 (partial, "keep") == 0 ? CURB_VENDURE_PARTIAL_KEEP : CURB_VENDURE_PARTIAL_CANCEL,
      error);
}

const char *
curb_vendure_connector_get_admin_url (CurbVendureConnector *self)
{
  g_return_val_if_fail (CURB_IS_VENDURE_CONNECTOR (self), NULL);

  return self->admin_url;
}

const char *
curb_vendure_connector_get_location_code (CurbVendureConnector *self)
{
  g_return_val_if_fail (CURB_IS_VENDURE_CONNECTOR (self), NULL);

  return self->location_code;
}

CurbVendurePartialPolicy
curb_vendure_connector_get_partial_policy (CurbVendureConnector *self)
{
  g_return_val_if_fail (CURB_IS_VENDURE_CONNECTOR (self), CURB_VENDURE_PARTIAL_CANCEL);

  return self->policy;
}

guint
curb_vendure_connector_get_logins (CurbVendureConnector *self)
{
  g_return_val_if_fail (CURB_IS_VENDURE_CONNECTOR (self), 0);

  return curb_vendure_client_get_logins (self->client);
}
