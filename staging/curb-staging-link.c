#include "curb-staging-link.h"

#include <string.h>

#include <glib/gi18n.h>

#include "curb-health.h"
#include "curb-order-codec.h"
#include "curbside-core.h"

/* The station's live connection to the hub: the board (GET then the event
 * stream, resuming after the last sequence), hub and device health, and
 * staff actions, which wait in a local queue while the hub is unreachable
 * and are delivered once (each carries its own event id). */

#define STATUS_INTERVAL_S 10
#define BOARD_RELOAD_EVERY 3     /* status rounds: new orders from central show within 30 s */
#define RETRY_INTERVAL_MS 3000
#define ORDERS_FETCHED_ONE_BY_ONE 16

typedef struct
{
  CurbHubAction  action;
  char          *ref;
  JsonObject    *body;     /* with event_id and at: retries are idempotent */
} PendingAction;

struct _CurbStagingLink
{
  GObject         parent_instance;

  CurbHubClient  *client;
  CurbBoardModel *board;
  CurbHubStream  *stream;
  GCancellable   *cancellable;
  GHashTable     *fetching;        /* ref → gboolean: refetch after this one */
  GQueue          pending;         /* PendingAction */
  gboolean        delivering;
  gboolean        needs_sign_in;
  gboolean        online;
  gboolean        board_loaded;
  gint64          offline_since;
  JsonObject     *status;
  JsonArray      *devices;
  JsonObject     *device_status;   /* sent with every heartbeat */
  guint           status_id;
  guint           status_rounds;
  guint           retry_id;
  GFile          *queue_file;
};

G_DEFINE_FINAL_TYPE (CurbStagingLink, curb_staging_link, G_TYPE_OBJECT)

enum { CHANGED, SESSION_REJECTED, ACTION_REFUSED, DELIVERED, NOTICE, N_SIGNALS };
static guint signals[N_SIGNALS];

static void fetch_order (CurbStagingLink *self, const char *ref);
static void on_stream_event (CurbStagingLink *self, JsonObject *event);
static void on_stream_connected (CurbStagingLink *self);
static void on_orders_changed (CurbStagingLink *self, const char * const *refs);
static void on_stream_disconnected (CurbStagingLink *self);
static void on_stream_notice (CurbStagingLink *self, JsonObject *notice);
static void deliver_next (CurbStagingLink *self);
static void send_heartbeat (CurbStagingLink *self);

static void
pending_action_free (PendingAction *p)
{
  g_free (p->ref);
  json_object_unref (p->body);
  g_free (p);
}

static PendingAction *
pending_action_copy (const PendingAction *p)
{
  PendingAction *copy = g_new0 (PendingAction, 1);

  copy->action = p->action;
  copy->ref = g_strdup (p->ref);
  copy->body = json_object_ref (p->body);
  return copy;
}

static JsonNode *
pending_to_json (CurbStagingLink *self)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  json_builder_begin_array (b);
  for (GList *l = self->pending.head; l != NULL; l = l->next)
    {
      PendingAction *p = l->data;

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "action");
      json_builder_add_string_value (b, curb_hub_action_path (p->action));
      json_builder_set_member_name (b, "ref");
      json_builder_add_string_value (b, p->ref);
      json_builder_set_member_name (b, "body");
      json_builder_add_value (b, json_node_init_object (json_node_alloc (), p->body));
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  return json_builder_get_root (b);
}

/* Written in the background after every change, so a station restart
 * during a hub outage loses no action. */
static void
save_pending (CurbStagingLink *self)
{
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GBytes) bytes = NULL;
  char *text;

  if (self->queue_file == NULL)
    return;
  node = pending_to_json (self);
  text = json_to_string (node, FALSE);
  bytes = g_bytes_new_take (text, strlen (text));
  g_file_replace_contents_bytes_async (self->queue_file, bytes, NULL, FALSE, G_FILE_CREATE_PRIVATE,
                                       NULL, NULL, NULL);
}

static gboolean
action_from_path (const char    *path,
                  CurbHubAction *out)
{
  for (int a = CURB_HUB_ACTION_CLAIM; a <= CURB_HUB_ACTION_DECIDE_SUBSTITUTION; a++)
    if (g_strcmp0 (curb_hub_action_path ((CurbHubAction) a), path) == 0)
      {
        *out = (CurbHubAction) a;
        return TRUE;
      }
  return FALSE;
}

static void
load_pending (CurbStagingLink *self,
              JsonArray       *array)
{
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *item = json_array_get_object_element (array, i);
      PendingAction *p;
      CurbHubAction action;

      if (item == NULL || !action_from_path (json_object_get_string_member_with_default (item, "action", NULL), &action)
          || !json_object_has_member (item, "body") || !json_object_has_member (item, "ref")
          || !JSON_NODE_HOLDS_OBJECT (json_object_get_member (item, "body")))
        continue;
      p = g_new0 (PendingAction, 1);
      p->action = action;
      p->ref = g_strdup (json_object_get_string_member_with_default (item, "ref", ""));
      p->body = json_object_ref (json_object_get_object_member (item, "body"));
      g_queue_push_tail (&self->pending, p);
    }
}

static void
set_online (CurbStagingLink *self,
            gboolean         online)
{
  if (self->online == online && (online || self->offline_since != 0))
    return;
  self->online = online;
  self->offline_since = online ? 0 : curb_now_ms ();
  g_signal_emit (self, signals[CHANGED], 0);
}

static gboolean
is_unreachable (const GError *error)
{
  return g_error_matches (error, CURB_ERROR, CURB_ERROR_UNAVAILABLE);
}

/* An order the hub sent that does not decode is reported, never shown half. */
static CurbOrder *
decode_order (JsonObject *object)
{
  g_autoptr(GError) error = NULL;
  CurbOrder *order = curb_order_codec_decode (object, &error);

  if (order == NULL)
    g_warning ("The hub sent an order this station cannot show: %s", error->message);
  return order;
}

static void
ingest_order (CurbStagingLink *self,
              JsonObject      *object)
{
  g_autoptr(CurbOrder) order = NULL;

  if (object == NULL)
    return;
  order = decode_order (object);
  if (order != NULL)
    curb_board_model_upsert (self->board, order);
}

static void
on_board_ready (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(CurbStagingLink) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) reply = curb_hub_client_request_finish (CURB_HUB_CLIENT (source), result, &error);
  g_autoptr(GPtrArray) orders = g_ptr_array_new_with_free_func (g_object_unref);
  JsonArray *array;

  if (reply == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_message ("Cannot load the board from the hub: %s", error->message);
          set_online (self, FALSE);
        }
      return;
    }
  array = json_object_get_array_member (reply, "orders");
  for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
    {
      JsonNode *node = json_array_get_element (array, i);
      CurbOrder *order = JSON_NODE_HOLDS_OBJECT (node) ? decode_order (json_node_get_object (node)) : NULL;

      if (order != NULL)
        g_ptr_array_add (orders, order);
    }
  curb_board_model_replace_all (self->board, orders);
  self->board_loaded = TRUE;
  set_online (self, TRUE);
  if (self->stream == NULL)
    {
      self->stream = curb_hub_client_open_stream (self->client,
                                                  json_object_get_int_member_with_default (reply, "last_seq", 0));
      g_signal_connect_object (self->stream, "event", G_CALLBACK (on_stream_event), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (self->stream, "connected", G_CALLBACK (on_stream_connected), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (self->stream, "disconnected", G_CALLBACK (on_stream_disconnected), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (self->stream, "orders-changed", G_CALLBACK (on_orders_changed), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (self->stream, "notice", G_CALLBACK (on_stream_notice), self, G_CONNECT_SWAPPED);
      curb_hub_stream_start (self->stream);
    }
}

static void
load_board (CurbStagingLink *self)
{
  curb_hub_client_get_board_async (self->client, self->cancellable, on_board_ready, g_object_ref (self));
}

static void
on_order_ready (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  CurbStagingLink *self = g_task_get_source_object (task);
  const char *ref = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) reply = curb_hub_client_request_finish (CURB_HUB_CLIENT (source), result, &error);
  gboolean again;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  again = GPOINTER_TO_INT (g_hash_table_lookup (self->fetching, ref));
  g_hash_table_remove (self->fetching, ref);
  if (reply != NULL)
    ingest_order (self, json_object_get_object_member (reply, "order"));
  else if (is_unreachable (error))
    set_online (self, FALSE);
  if (again)
    fetch_order (self, ref);
}

/* An event from the stream comes with the order it changed; only a frame
 * without one (an order too large to send along) costs a request, one per
 * order at a time. */
static void
on_stream_event (CurbStagingLink *self,
                 JsonObject      *event)
{
  const char *ref = json_object_get_string_member_with_default (event, "order_ref", NULL);
  JsonNode *order = json_object_get_member (event, "order");

  if (order != NULL && JSON_NODE_HOLDS_OBJECT (order))
    ingest_order (self, json_node_get_object (order));
  else if (ref != NULL)
    fetch_order (self, ref);
}

static void
fetch_order (CurbStagingLink *self,
             const char      *ref_or_event)
{
  GTask *task;

  if (g_hash_table_contains (self->fetching, ref_or_event))
    {
      g_hash_table_replace (self->fetching, g_strdup (ref_or_event), GINT_TO_POINTER (TRUE));
      return;
    }
  g_hash_table_insert (self->fetching, g_strdup (ref_or_event), GINT_TO_POINTER (FALSE));
  task = g_task_new (self, self->cancellable, NULL, NULL);
  g_task_set_task_data (task, g_strdup (ref_or_event), g_free);
  curb_hub_client_get_order_async (self->client, ref_or_event, self->cancellable, on_order_ready, task);
}

/* Central sent new or changed orders (an announced ETA, new quantities):
 * a few are fetched one by one, a big page reloads the board. */
static void
on_orders_changed (CurbStagingLink    *self,
                   const char * const *refs)
{
  if (refs != NULL && g_strv_length ((GStrv) refs) > ORDERS_FETCHED_ONE_BY_ONE)
    {
      curb_staging_link_reload_board (self);
      return;
    }
  for (guint i = 0; refs != NULL && refs[i] != NULL; i++)
    fetch_order (self, refs[i]);
}

/* Connected again, maybe to a restarted or restored hub: the board is
 * loaded afresh (it may be stale), and a heartbeat at once tells whether
 * the hub still knows this station's staff session. */
static void
on_stream_connected (CurbStagingLink *self)
{
  set_online (self, TRUE);
  load_board (self);
  send_heartbeat (self);
  deliver_next (self);
}

static void
on_stream_notice (CurbStagingLink *self,
                  JsonObject      *notice)
{
  /* the store-level alerts about central's orders changed (Devices page) */
  if (g_strcmp0 (json_object_get_string_member_with_default (notice, "type", NULL), "central_alert") == 0)
    curb_staging_link_refresh_status (self);
  g_signal_emit (self, signals[NOTICE], 0, notice);
}

static void
on_heartbeat_ready (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(CurbStagingLink) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) reply = curb_hub_client_request_finish (CURB_HUB_CLIENT (source), result, &error);

  if (reply == NULL)
    {
      if (is_unreachable (error))
        set_online (self, FALSE);
      return;
    }
  if (json_object_has_member (reply, "staff_session_valid")
      && !json_object_get_boolean_member (reply, "staff_session_valid"))
    {
      self->needs_sign_in = TRUE;
      g_signal_emit (self, signals[SESSION_REJECTED], 0);
    }
}

/* Every app reports to the hub, so the store's device list is true. */
static void
send_heartbeat (CurbStagingLink *self)
{
  g_autoptr(JsonObject) status = json_object_new ();
  GList *parts = self->device_status != NULL ? json_object_get_members (self->device_status) : NULL;

  json_object_set_string_member (status, "kind", "app");
  json_object_set_string_member (status, "app_version", CURB_VERSION);
  json_object_set_int_member (status, "outbox_depth", self->pending.length);
  for (GList *l = parts; l != NULL; l = l->next)
    json_object_set_member (status, l->data, json_node_copy (json_object_get_member (self->device_status, l->data)));
  g_list_free (parts);
  curb_hub_client_heartbeat_async (self->client, status, self->cancellable, on_heartbeat_ready,
                                   g_object_ref (self));
}

static void
on_stream_disconnected (CurbStagingLink *self)
{
  set_online (self, FALSE);
}

static void
on_status_ready (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(CurbStagingLink) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) reply = curb_hub_client_request_finish (CURB_HUB_CLIENT (source), result, &error);

  if (reply == NULL)
    {
      if (is_unreachable (error))
        set_online (self, FALSE);
      return;
    }
  g_clear_pointer (&self->status, json_object_unref);
  self->status = g_steal_pointer (&reply);
  if (!self->board_loaded)
    load_board (self);
  g_signal_emit (self, signals[CHANGED], 0);
}

static void
on_devices_ready (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(CurbStagingLink) self = user_data;
  g_autoptr(JsonObject) reply = curb_hub_client_request_finish (CURB_HUB_CLIENT (source), result, NULL);
  JsonArray *devices = reply != NULL && json_object_has_member (reply, "devices")
                       ? json_object_get_array_member (reply, "devices") : NULL;

  if (devices == NULL)
    return;
  g_clear_pointer (&self->devices, json_array_unref);
  self->devices = json_array_ref (devices);
  g_signal_emit (self, signals[CHANGED], 0);
}

static gboolean
on_status_timeout (gpointer data)
{
  CurbStagingLink *self = data;

  curb_staging_link_refresh_status (self);
  if (++self->status_rounds % BOARD_RELOAD_EVERY == 0)
    curb_staging_link_reload_board (self);
  return G_SOURCE_CONTINUE;
}

static gboolean
body_has_order (JsonObject *body)
{
  return body != NULL && json_object_has_member (body, "order")
         && JSON_NODE_HOLDS_OBJECT (json_object_get_member (body, "order"));
}

/* A queued action the hub refused, in words staff act on: above all a claim
 * another station won while this one could not reach the hub. */
static char *
describe_refusal (PendingAction *p,
                  const GError  *error,
                  JsonObject    *body)
{
  JsonNode *winner = body != NULL ? json_object_get_member (body, "claimed_by") : NULL;
  const char *name = winner != NULL && JSON_NODE_HOLDS_OBJECT (winner)
                     ? json_object_get_string_member_with_default (json_node_get_object (winner), "first_name", NULL)
                     : NULL;

  if (p->action == CURB_HUB_ACTION_CLAIM && g_error_matches (error, CURB_ERROR, CURB_ERROR_ALREADY_CLAIMED))
    return name != NULL
           ? g_strdup_printf (_("Order %s: %s claimed it while this station could not reach the hub. Leave it to them."),
                              p->ref, name)
           : g_strdup_printf (_("Order %s: someone else claimed it while this station could not reach the hub. Leave it to them."),
                              p->ref);
  return g_strdup_printf (_("Order %s: a saved action was refused by the hub (%s)."), p->ref, error->message);
}

static void
on_action_delivered (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(CurbStagingLink) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) reply = curb_hub_client_request_finish (CURB_HUB_CLIENT (source), result, &error);
  PendingAction *p;

  self->delivering = FALSE;
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (is_unreachable (error))
    {
      set_online (self, FALSE);
      return;
    }
  if (g_error_matches (error, CURB_ERROR, CURB_ERROR_UNAUTHORIZED))
    {
      /* the hub forgot the staff session (restart, expiry): the action
       * waits until someone signs in again */
      self->needs_sign_in = TRUE;
      g_signal_emit (self, signals[CHANGED], 0);
      g_signal_emit (self, signals[SESSION_REJECTED], 0);
      return;
    }
  p = g_queue_pop_head (&self->pending);
  if (reply != NULL)
    {
      ingest_order (self, json_object_get_object_member (reply, "order"));
      g_signal_emit (self, signals[DELIVERED], 0, (int) p->action, p->ref);
    }
  else
    {
      g_autofree char *text = describe_refusal (p, error, curb_hub_client_get_error_body (result));

      g_message ("%s", text);
      if (body_has_order (curb_hub_client_get_error_body (result)))
        ingest_order (self, json_object_get_object_member (curb_hub_client_get_error_body (result), "order"));
      g_signal_emit (self, signals[ACTION_REFUSED], 0, text);
    }
  pending_action_free (p);
  save_pending (self);
  g_signal_emit (self, signals[CHANGED], 0);
  deliver_next (self);
}

static void
deliver_next (CurbStagingLink *self)
{
  PendingAction *p = g_queue_peek_head (&self->pending);

  if (p == NULL || self->delivering || self->needs_sign_in)
    return;
  self->delivering = TRUE;
  curb_hub_client_action_async (self->client, p->ref, p->action, p->body, self->cancellable,
                                on_action_delivered, g_object_ref (self));
}

static gboolean
on_retry_timeout (gpointer data)
{
  deliver_next (data);
  return G_SOURCE_CONTINUE;
}

static void
curb_staging_link_dispose (GObject *object)
{
  CurbStagingLink *self = CURB_STAGING_LINK (object);

  curb_staging_link_stop (self);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->client);
  g_clear_object (&self->board);
  g_queue_clear_full (&self->pending, (GDestroyNotify) pending_action_free);
  g_clear_pointer (&self->fetching, g_hash_table_unref);
  g_clear_pointer (&self->status, json_object_unref);
  g_clear_pointer (&self->devices, json_array_unref);
  g_clear_pointer (&self->device_status, json_object_unref);
  g_clear_object (&self->queue_file);

  G_OBJECT_CLASS (curb_staging_link_parent_class)->dispose (object);
}

static void
curb_staging_link_class_init (CurbStagingLinkClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = curb_staging_link_dispose;

  /**
   * CurbStagingLink::changed:
   *
   * Online state, pending actions or health changed.
   */
  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  /**
   * CurbStagingLink::session-rejected:
   *
   * The hub no longer knows the staff session: sign in again.
   */
  signals[SESSION_REJECTED] = g_signal_new ("session-rejected", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                            0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  /**
   * CurbStagingLink::action-refused:
   * @message: what happened, in plain words
   *
   * A queued action reached the hub and was refused (e.g. someone else
   * claimed the order meanwhile).
   */
  /**
   * CurbStagingLink::delivered:
   * @action: the #CurbHubAction
   * @ref: the order
   *
   * A queued action reached the hub and was applied.
   */
  signals[DELIVERED] = g_signal_new ("delivered", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                     0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_INT, G_TYPE_STRING);
  signals[ACTION_REFUSED] = g_signal_new ("action-refused", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                          0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  /**
   * CurbStagingLink::notice:
   * @notice: a control message from the hub's stream ({"type": "assistance", ...})
   */
  signals[NOTICE] = g_signal_new ("notice", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, JSON_TYPE_OBJECT);
}

static void
curb_staging_link_init (CurbStagingLink *self)
{
  self->cancellable = g_cancellable_new ();
  self->fetching = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_queue_init (&self->pending);
}

CurbStagingLink *
curb_staging_link_new (CurbHubClient  *client,
                       CurbBoardModel *board)
{
  CurbStagingLink *self;

  g_return_val_if_fail (CURB_IS_HUB_CLIENT (client), NULL);
  g_return_val_if_fail (CURB_IS_BOARD_MODEL (board), NULL);
  self = g_object_new (CURB_TYPE_STAGING_LINK, NULL);
  self->client = g_object_ref (client);
  self->board = g_object_ref (board);
  return self;
}

void
curb_staging_link_start (CurbStagingLink *self)
{
  g_return_if_fail (CURB_IS_STAGING_LINK (self));
  if (self->status_id != 0)
    return;
  load_board (self);
  curb_staging_link_refresh_status (self);
  self->status_id = g_timeout_add_seconds (STATUS_INTERVAL_S, on_status_timeout, self);
  self->retry_id = g_timeout_add (RETRY_INTERVAL_MS, on_retry_timeout, self);
}

void
curb_staging_link_stop (CurbStagingLink *self)
{
  g_return_if_fail (CURB_IS_STAGING_LINK (self));
  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->status_id, g_source_remove);
  g_clear_handle_id (&self->retry_id, g_source_remove);
  if (self->stream != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->stream, self);
      curb_hub_stream_stop (self->stream);
      g_clear_object (&self->stream);
    }
}

CurbHubClient *
curb_staging_link_get_client (CurbStagingLink *self)
{
  g_return_val_if_fail (CURB_IS_STAGING_LINK (self), NULL);
  return self->client;
}

gboolean
curb_staging_link_is_online (CurbStagingLink *self)
{
  g_return_val_if_fail (CURB_IS_STAGING_LINK (self), FALSE);
  return self->online;
}

gint64
curb_staging_link_get_offline_since (CurbStagingLink *self)
{
  g_return_val_if_fail (CURB_IS_STAGING_LINK (self), 0);
  return self->offline_since;
}

guint
curb_staging_link_get_n_pending (CurbStagingLink *self)
{
  g_return_val_if_fail (CURB_IS_STAGING_LINK (self), 0);
  return self->pending.length;
}

gboolean
curb_staging_link_is_pending (CurbStagingLink *self,
                              const char      *ref)
{
  g_return_val_if_fail (CURB_IS_STAGING_LINK (self), FALSE);
  for (GList *l = self->pending.head; l != NULL; l = l->next)
    if (g_strcmp0 (((PendingAction *) l->data)->ref, ref) == 0)
      return TRUE;
  return FALSE;
}

/* A claim of @ref taken at this station waits in its queue: the order is
 * this station's staff's, as far as the station knows, until the hub says. */
gboolean
curb_staging_link_is_claim_pending (CurbStagingLink *self,
                                    const char      *ref)
{
  g_return_val_if_fail (CURB_IS_STAGING_LINK (self), FALSE);
  for (GList *l = self->pending.head; l != NULL; l = l->next)
    {
      PendingAction *p = l->data;

      if (p->action == CURB_HUB_ACTION_CLAIM && g_strcmp0 (p->ref, ref) == 0)
        return TRUE;
    }
  return FALSE;
}

/* Returns: (transfer full) (element-type CurbHealthEntry): the hub's view */
GPtrArray *
curb_staging_link_dup_health (CurbStagingLink *self)
{
  GPtrArray *entries;
  g_autofree char *text = NULL;

  g_return_val_if_fail (CURB_IS_STAGING_LINK (self), NULL);
  entries = curb_health_from_hub (self->status, self->devices, curb_now_ms ());
  if (self->online)
    g_ptr_array_insert (entries, 0, curb_health_entry_new (_("Store hub"), CURB_HEALTH_OK, _("Connected"), ""));
  else
    {
      g_autoptr(GDateTime) since = g_date_time_new_from_unix_local (self->offline_since / 1000);
      g_autofree char *at = g_date_time_format (since, "%H:%M");

      text = g_strdup_printf (_("Not reachable since %s; %u actions wait on this station"), at, self->pending.length);
      g_ptr_array_insert (entries, 0, curb_health_entry_new (_("Store hub"), CURB_HEALTH_PROBLEM, text,
                                                             _("Keep working: actions are sent when the hub is back. Check the hub's power and network cable.")));
    }
  return entries;
}

void
curb_staging_link_refresh_status (CurbStagingLink *self)
{
  g_return_if_fail (CURB_IS_STAGING_LINK (self));
  send_heartbeat (self);
  curb_hub_client_get_status_async (self->client, self->cancellable, on_status_ready, g_object_ref (self));
  curb_hub_client_get_devices_async (self->client, self->cancellable, on_devices_ready, g_object_ref (self));
}

/* What the station reports with its heartbeats, e.g. "printer": "paper_out". */
void
curb_staging_link_set_device_status (CurbStagingLink *self,
                                     const char      *part,
                                     const char      *state)
{
  g_return_if_fail (CURB_IS_STAGING_LINK (self));
  g_return_if_fail (part != NULL);
  if (self->device_status == NULL)
    self->device_status = json_object_new ();
  if (state != NULL)
    json_object_set_string_member (self->device_status, part, state);
  else
    json_object_remove_member (self->device_status, part);
}

static void
on_act_ready (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  CurbStagingLink *self = g_task_get_source_object (task);
  PendingAction *p = g_task_get_task_data (task);
  GError *error = NULL;
  g_autoptr(JsonObject) reply = curb_hub_client_request_finish (CURB_HUB_CLIENT (source), result, &error);
  JsonObject *body = curb_hub_client_get_error_body (result);

  if (reply != NULL)
    {
      ingest_order (self, json_object_get_object_member (reply, "order"));
      g_task_return_boolean (task, TRUE);
      return;
    }
  if (is_unreachable (error))
    {
      g_clear_error (&error);
      set_online (self, FALSE);
      g_queue_push_tail (&self->pending, pending_action_copy (p));
      save_pending (self);
      g_object_set_data (G_OBJECT (task), "queued", GINT_TO_POINTER (TRUE));
      g_signal_emit (self, signals[CHANGED], 0);
      g_task_return_boolean (task, TRUE);
      return;
    }
  if (body != NULL && json_object_has_member (body, "order"))
    ingest_order (self, json_object_get_object_member (body, "order"));
  if (body != NULL)
    g_object_set_data_full (G_OBJECT (task), "error-body", json_object_ref (body),
                            (GDestroyNotify) json_object_unref);
  g_task_return_error (task, error);
}

static JsonObject *
body_with_event_id (JsonObject *body)
{
  JsonObject *copy = json_object_new ();
  g_autofree char *id = curb_uuid_new ();
  g_autofree char *at = curb_iso8601_from_ms (curb_now_ms ());

  if (body != NULL)
    {
      GList *members = json_object_get_members (body);

      for (GList *l = members; l != NULL; l = l->next)
        json_object_set_member (copy, l->data, json_node_copy (json_object_get_member (body, l->data)));
      g_list_free (members);
    }
  if (!json_object_has_member (copy, "event_id"))
    json_object_set_string_member (copy, "event_id", id);
  if (!json_object_has_member (copy, "at"))
    json_object_set_string_member (copy, "at", at);
  return copy;
}

/**
 * curb_staging_link_act_async:
 *
 * Sends a staff action. When the hub cannot be reached the action waits in
 * this station's queue (with its event id, so it is applied once) and the
 * call succeeds with @out_queued set by the finish function.
 */
void
curb_staging_link_act_async (CurbStagingLink     *self,
                             CurbHubAction        action,
                             const char          *ref,
                             JsonObject          *body,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  GTask *task;
  PendingAction *p;

  g_return_if_fail (CURB_IS_STAGING_LINK (self));
  g_return_if_fail (ref != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, curb_staging_link_act_async);
  if (action == CURB_HUB_ACTION_CLAIM && curb_staging_link_is_claim_pending (self, ref))
    {
      /* the claim already waits in the queue: it goes out once */
      g_object_set_data (G_OBJECT (task), "queued", GINT_TO_POINTER (TRUE));
      g_task_return_boolean (task, TRUE);
      g_object_unref (task);
      return;
    }
  p = g_new0 (PendingAction, 1);
  p->action = action;
  p->ref = g_strdup (ref);
  p->body = body_with_event_id (body);
  g_task_set_task_data (task, p, (GDestroyNotify) pending_action_free);
  curb_hub_client_action_async (self->client, ref, action, p->body, cancellable, on_act_ready, task);
}

gboolean
curb_staging_link_act_finish (CurbStagingLink  *self,
                              GAsyncResult     *result,
                              gboolean         *out_queued,
                              GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  if (out_queued != NULL)
    *out_queued = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (result), "queued"));
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* A staff member signed in again: queued actions go out under them. */
void
curb_staging_link_resume (CurbStagingLink *self)
{
  g_return_if_fail (CURB_IS_STAGING_LINK (self));
  self->needs_sign_in = FALSE;
  deliver_next (self);
}

gboolean
curb_staging_link_needs_sign_in (CurbStagingLink *self)
{
  g_return_val_if_fail (CURB_IS_STAGING_LINK (self), FALSE);
  return self->needs_sign_in && self->pending.length > 0;
}

/* The hub streams events, not orders central adds: the board is reloaded
 * now and then (and on demand), keeping the stream as it is. */
void
curb_staging_link_reload_board (CurbStagingLink *self)
{
  g_return_if_fail (CURB_IS_STAGING_LINK (self));
  load_board (self);
}

/**
 * curb_staging_link_set_queue_file:
 * @path: where actions waiting for the hub are kept
 *
 * Loads the actions an earlier run left (they are sent as soon as the hub
 * answers) and keeps the file up to date from now on. A file that cannot
 * be read as JSON is an error and is left untouched.
 */
gboolean
curb_staging_link_set_queue_file (CurbStagingLink  *self,
                                  const char       *path,
                                  GError          **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) local_error = NULL;
  JsonNode *root;

  g_return_val_if_fail (CURB_IS_STAGING_LINK (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  if (!json_parser_load_from_mapped_file (parser, path, &local_error))
    {
      if (!g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        {
          g_propagate_prefixed_error (error, g_steal_pointer (&local_error), "%s: ", path);
          return FALSE;
        }
    }
  else if ((root = json_parser_get_root (parser)) != NULL && JSON_NODE_HOLDS_ARRAY (root))
    load_pending (self, json_node_get_array (root));
  g_clear_object (&self->queue_file);
  self->queue_file = g_file_new_for_path (path);
  g_signal_emit (self, signals[CHANGED], 0);
  return TRUE;
}
