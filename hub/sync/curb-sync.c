#include "curb-backoff.h"
#include "curb-error.h"
#include "curb-event.h"
#include "curb-order.h"
#include "curb-sync.h"
#include "curb-util.h"

/* The sync engine: pulls central's order changes page by page into the
 * store, and pushes the store's outbox to central, one event at a time in
 * seq order, with full-jitter backoff. Everything runs as async calls and
 * timeouts on the main context that was current at curb_sync_start(). */

#define KEYS_REFRESH_MS (6 * 60 * 60 * 1000)

struct _CurbSync
{
  GObject        parent_instance;

  CurbStore     *store;
  CurbConnector *connector;
  GMainContext  *context;
  GCancellable  *cancellable;
  guint          generation;  /* bumped by curb_sync_stop(): older answers are ignored */
  CurbBackoff   *pull_backoff;
  CurbBackoff   *push_backoff;

  GSource       *pull_timer;
  GSource       *push_timer;
  GSource       *keys_timer;
  gboolean       pulling;
  gboolean       pull_again;  /* a hint came while a pull was running */
  CurbEvent     *in_flight;   /* the event being pushed */

  char          *cursor;
  guint          poll_interval_ms;
  guint          page_size;

  gboolean       online;
  gint64         offline_since;
  gint64         last_success;
  gint64         last_caught_up;
  guint          outbox_depth;
  guint64        pulled_orders;
  guint64        pushed_events;
  guint64        rejected_events;
  guint64        rejected_orders;
  char          *last_error;
};

G_DEFINE_FINAL_TYPE (CurbSync, curb_sync, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_STORE,
  PROP_CONNECTOR,
  PROP_RUNNING,
  PROP_ONLINE,
  PROP_OFFLINE_SINCE,
  PROP_LAST_SUCCESS,
  PROP_LAST_CAUGHT_UP,
  PROP_OUTBOX_DEPTH,
  PROP_PULLED_ORDERS,
  PROP_PUSHED_EVENTS,
  PROP_REJECTED_EVENTS,
  PROP_REJECTED_ORDERS,
  PROP_LAST_ERROR,
  PROP_POLL_INTERVAL_MS,
  PROP_PAGE_SIZE,
  N_PROPS
};

enum {
  ORDERS_STORED,
  ORDER_CANCELLED,
  CANCELLED_AFTER_ARRIVAL,
  EVENT_PUSHED,
  EVENT_REJECTED,
  CAUGHT_UP,
  KEYS_FETCHED,
  ORDER_REJECTED,
  N_SIGNALS
};

static GParamSpec *props[N_PROPS];
static guint signals[N_SIGNALS];

static void pull_next (CurbSync *self);
static void push_next (CurbSync *self);
static void fetch_keys (CurbSync *self);

/* Helpers */

/* What an async call holds on to: not the sync itself, so cancelled work
 * never keeps it alive, and an answer that comes back after
 * curb_sync_stop() (or after a restart) is recognised and dropped. */
typedef struct
{
  GWeakRef sync;
  guint    generation;
} SyncCall;

static SyncCall *
sync_call_new (CurbSync *self)
{
  SyncCall *call = g_new0 (SyncCall, 1);

  g_weak_ref_init (&call->sync, self);
  call->generation = self->generation;
  return call;
}

/* The sync the answer is for, or NULL when it is gone, stopped or restarted. */
static CurbSync *
sync_call_finish (SyncCall *call)
{
  CurbSync *self = g_weak_ref_get (&call->sync);

  g_weak_ref_clear (&call->sync);
  if (self != NULL && (self->cancellable == NULL || self->generation != call->generation))
    g_clear_object (&self);
  g_free (call);
  return self;
}

static void
schedule (CurbSync     *self,
          GSource     **slot,
          guint         delay_ms,
          GSourceFunc   func)
{
  if (*slot != NULL)
    {
      g_source_destroy (*slot);
      g_source_unref (*slot);
    }
  *slot = g_timeout_source_new (delay_ms);
  g_source_set_callback (*slot, func, self, NULL);
  g_source_attach (*slot, self->context);
}

static void
unschedule (GSource **slot)
{
  if (*slot == NULL)
    return;
  g_source_destroy (*slot);
  g_clear_pointer (slot, g_source_unref);
}

static void
set_last_error (CurbSync   *self,
                const char *message)
{
  if (g_strcmp0 (self->last_error, message) == 0)
    return;
  g_free (self->last_error);
  self->last_error = g_strdup (message);
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_LAST_ERROR]);
}

/* Central answered something it meant: we are online. */
static void
mark_success (CurbSync *self)
{
  g_object_freeze_notify (G_OBJECT (self));
  self->last_success = curb_now_ms ();
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_LAST_SUCCESS]);
  set_last_error (self, NULL);
  if (!self->online)
    {
      self->online = TRUE;
      self->offline_since = 0;
      g_object_notify_by_pspec (G_OBJECT (self), props[PROP_ONLINE]);
      g_object_notify_by_pspec (G_OBJECT (self), props[PROP_OFFLINE_SINCE]);
    }
  g_object_thaw_notify (G_OBJECT (self));
}

/* A request failed and nothing succeeded since: offline. */
static void
mark_failure (CurbSync     *self,
              const GError *error)
{
  g_debug ("sync with central: %s", error->message);
  g_object_freeze_notify (G_OBJECT (self));
  set_last_error (self, error->message);
  if (self->online || self->offline_since == 0)
    {
      self->online = FALSE;
      self->offline_since = curb_now_ms ();
      g_object_notify_by_pspec (G_OBJECT (self), props[PROP_ONLINE]);
      g_object_notify_by_pspec (G_OBJECT (self), props[PROP_OFFLINE_SINCE]);
    }
  g_object_thaw_notify (G_OBJECT (self));
}

static void
update_outbox_depth (CurbSync *self)
{
  guint depth = curb_store_outbox_depth (self->store);

  if (depth == self->outbox_depth)
    return;
  self->outbox_depth = depth;
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_OUTBOX_DEPTH]);
}

/* Pull: apply pages */

/* "#" and a hash of the document, for an order without a usable ref. */
static char *
stand_in_ref (JsonObject *order)
{
  g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), order);
  g_autofree char *text = json_to_string (node, FALSE);
  g_autofree char *digest = g_compute_checksum_for_string (G_CHECKSUM_SHA256, text, -1);

  return g_strdup_printf ("#%.12s", digest);
}

static void
note_rejected (CurbSync     *self,
               JsonObject   *order,
               const GError *reason,
               GError      **error)
{
  gint64 number;
  const char *ref = curb_order_codec_peek_central (order, &number);
  g_autofree char *shown = ref != NULL ? g_strdup (ref) : stand_in_ref (order);
  gboolean is_new = FALSE;

  if (!curb_store_note_rejected_order (self->store, shown, number, reason->message, &is_new, error) || !is_new)
    return;
  g_debug ("central sent order %s (version %" G_GINT64_FORMAT ") that the store cannot take: %s",
           shown, number, reason->message);
  self->rejected_orders++;
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_REJECTED_ORDERS]);
  g_signal_emit (self, signals[ORDER_REJECTED], 0, shown, reason->message);
}

/* Decodes each order once with the codec (fitted to the store's limits);
 * those that still cannot be taken become store-level alerts (once per ref
 * and version) before the page is stored, so a crash in between cannot lose
 * one. Returns the decoded orders (element-type CurbCentralOrder). */
static GPtrArray *
decode_page (CurbSync           *self,
             CurbConnectorPage  *page,
             GError            **error)
{
  g_autoptr(GPtrArray) decoded = g_ptr_array_new_with_free_func ((GDestroyNotify) curb_central_order_free);

  for (guint i = 0; i < page->orders->len; i++)
    {
      JsonObject *order = g_ptr_array_index (page->orders, i);
      g_autoptr(GError) reason = NULL;
      CurbCentralOrder *central = curb_order_codec_decode_central (order, &reason);
      GError *local_error = NULL;

      if (central != NULL)
        {
          g_ptr_array_add (decoded, central);
          continue;
        }
      note_rejected (self, order, reason, &local_error);
      if (local_error != NULL)
        {
          g_propagate_error (error, local_error);
          return NULL;
        }
    }
  return g_steal_pointer (&decoded);
}

static void
emit_cancellations (CurbSync  *self,
                    GPtrArray *cancelled,
                    GPtrArray *alerts)
{
  for (guint i = 0; cancelled != NULL && i < cancelled->len; i++)
    g_signal_emit (self, signals[ORDER_CANCELLED], 0, g_ptr_array_index (cancelled, i));
  for (guint i = 0; alerts != NULL && i < alerts->len; i++)
    {
      CurbEvent *event = g_ptr_array_index (alerts, i);

      g_signal_emit (self, signals[CANCELLED_AFTER_ARRIVAL], 0, curb_event_get_order_ref (event), event);
    }
}

/* The refs of the orders the store took: those the codec decoded. */
static GStrv
stored_refs (GPtrArray *decoded)
{
  g_autoptr(GStrvBuilder) refs = g_strv_builder_new ();

  for (guint i = 0; i < decoded->len; i++)
    {
      CurbCentralOrder *central = g_ptr_array_index (decoded, i);

      g_strv_builder_add (refs, curb_order_get_ref (central->order));
    }
  return g_strv_builder_end (refs);
}

/* The page in one store transaction, then the cursor: a crash in between
 * replays the page, which the version check makes harmless. A store failure
 * keeps the cursor, so the page is pulled again. */
static gboolean
apply_page (CurbSync           *self,
            CurbConnectorPage  *page,
            GError            **error)
{
  g_autoptr(GPtrArray) decoded = NULL;
  g_autoptr(GPtrArray) cancelled = NULL;
  g_autoptr(GPtrArray) alerts = NULL;
  g_auto(GStrv) refs = NULL;

  if ((decoded = decode_page (self, page, error)) == NULL
      || !curb_store_upsert_central_orders (self->store, decoded, &cancelled, &alerts, error)
      || !curb_store_set_meta (self->store, CURB_SYNC_CURSOR_META, page->next_cursor, error))
    return FALSE;
  g_free (self->cursor);
  self->cursor = g_strdup (page->next_cursor);
  refs = stored_refs (decoded);
  self->pulled_orders += g_strv_length (refs);
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_PULLED_ORDERS]);
  if (refs[0] != NULL)
    g_signal_emit (self, signals[ORDERS_STORED], 0, refs);
  emit_cancellations (self, cancelled, alerts);
  return TRUE;
}

static gboolean
on_pull_timer (gpointer user_data)
{
  CurbSync *self = user_data;

  g_clear_pointer (&self->pull_timer, g_source_unref);
  pull_next (self);
  return G_SOURCE_REMOVE;
}

static void
pull_failed (CurbSync     *self,
             const GError *error,
             gint64        retry_after_ms,
             gboolean      central_failed)
{
  if (central_failed)
    mark_failure (self, error);
  else
    set_last_error (self, error->message);
  schedule (self, &self->pull_timer,
            curb_backoff_next_delay_ms (self->pull_backoff, retry_after_ms), on_pull_timer);
}

static void
pull_succeeded (CurbSync *self,
                gboolean  has_more)
{
  curb_backoff_reset (self->pull_backoff);
  if (has_more)
    {
      schedule (self, &self->pull_timer, 0, on_pull_timer);
      return;
    }
  self->last_caught_up = curb_now_ms ();
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_LAST_CAUGHT_UP]);
  g_signal_emit (self, signals[CAUGHT_UP], 0);
  if (self->cancellable != NULL)
    schedule (self, &self->pull_timer, self->pull_again ? 0 : self->poll_interval_ms, on_pull_timer);
  self->pull_again = FALSE;
}

/* Central refuses the cursor (say its feed was rebuilt): pull everything
 * again; versions the store already has are ignored. */
static void
restart_from_beginning (CurbSync     *self,
                        const GError *error)
{
  g_debug ("central refused the sync cursor, pulling from the beginning: %s", error->message);
  mark_success (self);
  set_last_error (self, error->message);
  g_clear_pointer (&self->cursor, g_free);
  schedule (self, &self->pull_timer, 0, on_pull_timer);
}

static void
on_pull_ready (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(CurbSync) self = sync_call_finish (user_data);
  g_autoptr(CurbConnectorPage) page = NULL;
  g_autoptr(GError) error = NULL;
  gint64 retry_after_ms = -1;

  if (self == NULL)
    return;
  page = curb_connector_pull_finish (self->connector, result, &retry_after_ms, &error);
  self->pulling = FALSE;
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (page == NULL && curb_connector_error_is_permanent (error) && self->cursor != NULL && *self->cursor)
    {
      restart_from_beginning (self, error);
      return;
    }
  if (page == NULL)
    {
      pull_failed (self, error, retry_after_ms, TRUE);
      return;
    }
  mark_success (self);
  if (!apply_page (self, page, &error))
    {
      pull_failed (self, error, -1, FALSE);
      return;
    }
  if (self->cancellable != NULL)
    pull_succeeded (self, page->has_more);
}

static void
pull_next (CurbSync *self)
{
  if (self->pulling || self->cancellable == NULL)
    return;
  self->pulling = TRUE;
  curb_connector_pull_async (self->connector, self->cursor, self->page_size, self->cancellable,
                             on_pull_ready, sync_call_new (self));
}

/* Push: drain the outbox */

static gboolean
on_push_timer (gpointer user_data)
{
  CurbSync *self = user_data;

  g_clear_pointer (&self->push_timer, g_source_unref);
  push_next (self);
  return G_SOURCE_REMOVE;
}

static void
record_rejection (CurbSync     *self,
                  CurbEvent    *event,
                  const GError *error)
{
  g_autoptr(JsonObject) detail = json_object_new ();
  g_autoptr(GError) store_error = NULL;

  json_object_set_string_member (detail, "event_id", curb_event_get_id (event));
  json_object_set_string_member (detail, "kind", curb_event_kind_to_string (curb_event_get_kind (event)));
  json_object_set_string_member (detail, "error", error->message);
  if (!curb_store_audit (self->store, CURB_EVENT_DEVICE_CENTRAL, NULL, "central_rejected_event",
                         curb_event_get_order_ref (event), detail, &store_error))
    g_debug ("cannot audit a rejected event: %s", store_error->message);
  self->rejected_events++;
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_REJECTED_EVENTS]);
  g_signal_emit (self, signals[EVENT_REJECTED], 0, event, error->message);
}

/* Central has the event, or refused it for good: it leaves the outbox. */
static void
push_settled (CurbSync     *self,
              CurbEvent    *event,
              gboolean      duplicate,
              const GError *refusal)
{
  g_autoptr(GError) error = NULL;

  mark_success (self);
  curb_backoff_reset (self->push_backoff);
  if (!curb_store_outbox_ack (self->store, curb_event_get_id (event), &error))
    {
      set_last_error (self, error->message);
      schedule (self, &self->push_timer, curb_backoff_next_delay_ms (self->push_backoff, -1), on_push_timer);
      return;
    }
  if (refusal != NULL)
    record_rejection (self, event, refusal);
  else
    {
      self->pushed_events++;
      g_object_notify_by_pspec (G_OBJECT (self), props[PROP_PUSHED_EVENTS]);
      g_signal_emit (self, signals[EVENT_PUSHED], 0, event, duplicate);
    }
  update_outbox_depth (self);
  schedule (self, &self->push_timer, 0, on_push_timer);
}

static void
push_deferred (CurbSync     *self,
               CurbEvent    *event,
               const GError *error,
               gint64        retry_after_ms)
{
  guint delay_ms = curb_backoff_next_delay_ms (self->push_backoff, retry_after_ms);

  mark_failure (self, error);
  curb_store_outbox_defer (self->store, curb_event_get_id (event), curb_now_ms () + delay_ms,
                           error->message, NULL);
  schedule (self, &self->push_timer, delay_ms, on_push_timer);
}

static void
on_push_ready (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(CurbSync) self = sync_call_finish (user_data);
  g_autoptr(CurbEvent) event = NULL;
  g_autoptr(GError) error = NULL;
  gint64 retry_after_ms = -1;
  gboolean duplicate = FALSE;
  gboolean pushed;

  if (self == NULL)
    return;
  pushed = curb_connector_push_event_finish (self->connector, result, &duplicate, &retry_after_ms, &error);
  event = g_steal_pointer (&self->in_flight);
  if (pushed)
    push_settled (self, event, duplicate, NULL);
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  else if (curb_connector_error_is_permanent (error))
    push_settled (self, event, FALSE, error);
  else
    push_deferred (self, event, error, retry_after_ms);
}

static void
push_next (CurbSync *self)
{
  g_autoptr(GPtrArray) due = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) wire = NULL;

  if (self->in_flight != NULL || self->cancellable == NULL)
    return;
  due = curb_store_outbox_peek (self->store, 1, G_MAXINT64, &error);
  update_outbox_depth (self);
  if (due == NULL || due->len == 0)
    {
      if (error != NULL)
        set_last_error (self, error->message);
      schedule (self, &self->push_timer, self->poll_interval_ms, on_push_timer);
      return;
    }
  self->in_flight = g_object_ref (g_ptr_array_index (due, 0));
  wire = curb_event_to_json (self->in_flight);
  curb_connector_push_event_async (self->connector, wire, curb_event_get_id (self->in_flight),
                                   self->cancellable, on_push_ready, sync_call_new (self));
}

/* Issuer keys */

static gboolean
on_keys_timer (gpointer user_data)
{
  CurbSync *self = user_data;

  g_clear_pointer (&self->keys_timer, g_source_unref);
  fetch_keys (self);
  return G_SOURCE_REMOVE;
}

static void
on_keys_ready (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(CurbSync) self = sync_call_finish (user_data);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonArray) keys = NULL;
  guint next_ms = KEYS_REFRESH_MS;

  if (self == NULL)
    return;
  keys = curb_connector_fetch_keys_finish (self->connector, result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (keys != NULL)
    {
      mark_success (self);
      g_signal_emit (self, signals[KEYS_FETCHED], 0, keys);
    }
  else
    {
      mark_failure (self, error);
      next_ms = CURB_SYNC_DEFAULT_BACKOFF_CAP_MS;
    }
  if (self->cancellable != NULL)
    schedule (self, &self->keys_timer, next_ms, on_keys_timer);
}

static void
fetch_keys (CurbSync *self)
{
  if (self->cancellable == NULL)
    return;
  curb_connector_fetch_keys_async (self->connector, self->cancellable, on_keys_ready, sync_call_new (self));
}

/* GObject */

static void
curb_sync_dispose (GObject *object)
{
  CurbSync *self = CURB_SYNC (object);

  curb_sync_stop (self);
  g_clear_object (&self->connector);
  g_clear_object (&self->store);
  G_OBJECT_CLASS (curb_sync_parent_class)->dispose (object);
}

static void
curb_sync_finalize (GObject *object)
{
  CurbSync *self = CURB_SYNC (object);

  g_clear_object (&self->pull_backoff);
  g_clear_object (&self->push_backoff);
  g_free (self->cursor);
  g_free (self->last_error);
  G_OBJECT_CLASS (curb_sync_parent_class)->finalize (object);
}

static void
curb_sync_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  CurbSync *self = CURB_SYNC (object);

  switch (prop_id)
    {
    case PROP_STORE: g_value_set_object (value, self->store); break;
    case PROP_CONNECTOR: g_value_set_object (value, self->connector); break;
    case PROP_RUNNING: g_value_set_boolean (value, curb_sync_get_running (self)); break;
    case PROP_ONLINE: g_value_set_boolean (value, self->online); break;
    case PROP_OFFLINE_SINCE: g_value_set_int64 (value, self->offline_since); break;
    case PROP_LAST_SUCCESS: g_value_set_int64 (value, self->last_success); break;
    case PROP_LAST_CAUGHT_UP: g_value_set_int64 (value, self->last_caught_up); break;
    case PROP_OUTBOX_DEPTH: g_value_set_uint (value, curb_sync_get_outbox_depth (self)); break;
    case PROP_PULLED_ORDERS: g_value_set_uint64 (value, self->pulled_orders); break;
    case PROP_PUSHED_EVENTS: g_value_set_uint64 (value, self->pushed_events); break;
    case PROP_REJECTED_EVENTS: g_value_set_uint64 (value, self->rejected_events); break;
    case PROP_REJECTED_ORDERS: g_value_set_uint64 (value, self->rejected_orders); break;
    case PROP_LAST_ERROR: g_value_set_string (value, self->last_error); break;
    case PROP_POLL_INTERVAL_MS: g_value_set_uint (value, self->poll_interval_ms); break;
    case PROP_PAGE_SIZE: g_value_set_uint (value, self->page_size); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
curb_sync_set_property (GObject      *object,
                        guint         prop_id,
                        const GValue *value,
                        GParamSpec   *pspec)
{
  CurbSync *self = CURB_SYNC (object);

  switch (prop_id)
    {
    case PROP_STORE: self->store = g_value_dup_object (value); break;
    case PROP_CONNECTOR: self->connector = g_value_dup_object (value); break;
    case PROP_POLL_INTERVAL_MS: curb_sync_set_poll_interval_ms (self, g_value_get_uint (value)); break;
    case PROP_PAGE_SIZE: curb_sync_set_page_size (self, g_value_get_uint (value)); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static GParamSpec *
int64_property (const char *name)
{
  return g_param_spec_int64 (name, NULL, NULL, 0, G_MAXINT64, 0,
                             G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
}

static GParamSpec *
counter_property (const char *name)
{
  return g_param_spec_uint64 (name, NULL, NULL, 0, G_MAXUINT64, 0,
                              G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
}

static void
install_properties (GObjectClass *object_class)
{
  props[PROP_STORE] = g_param_spec_object ("store", NULL, NULL, CURB_TYPE_STORE,
                                           G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  props[PROP_CONNECTOR] = g_param_spec_object ("connector", NULL, NULL, CURB_TYPE_CONNECTOR,
                                               G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  props[PROP_RUNNING] = g_param_spec_boolean ("running", NULL, NULL, FALSE,
                                              G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  props[PROP_ONLINE] = g_param_spec_boolean ("online", NULL, NULL, FALSE,
                                             G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  props[PROP_OFFLINE_SINCE] = int64_property ("offline-since");
  props[PROP_LAST_SUCCESS] = int64_property ("last-success");
  props[PROP_LAST_CAUGHT_UP] = int64_property ("last-caught-up");
  props[PROP_OUTBOX_DEPTH] = g_param_spec_uint ("outbox-depth", NULL, NULL, 0, G_MAXUINT, 0,
                                                G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  props[PROP_PULLED_ORDERS] = counter_property ("pulled-orders");
  props[PROP_PUSHED_EVENTS] = counter_property ("pushed-events");
  props[PROP_REJECTED_EVENTS] = counter_property ("rejected-events");
  props[PROP_REJECTED_ORDERS] = counter_property ("rejected-orders");
  props[PROP_LAST_ERROR] = g_param_spec_string ("last-error", NULL, NULL, NULL,
                                                G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  props[PROP_POLL_INTERVAL_MS] = g_param_spec_uint ("poll-interval-ms", NULL, NULL, 10, 3600000,
                                                    CURB_SYNC_DEFAULT_POLL_INTERVAL_MS,
                                                    G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  props[PROP_PAGE_SIZE] = g_param_spec_uint ("page-size", NULL, NULL, 1, 1000, CURB_SYNC_DEFAULT_PAGE_SIZE,
                                             G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, props);
}

static void
install_signals (GObjectClass *object_class)
{
  GType type = G_TYPE_FROM_CLASS (object_class);

  /* ::orders-stored (GStrv refs): a page of central's orders was stored;
   * refs of the valid ones, re-deliveries included (the store ignored
   * versions it already had) */
  signals[ORDERS_STORED] = g_signal_new ("orders-stored", type, G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                         G_TYPE_NONE, 1, G_TYPE_STRV);
  /* ::order-cancelled (CurbEvent): central cancelled an active order; the
   * store appended this `cancelled` event */
  signals[ORDER_CANCELLED] = g_signal_new ("order-cancelled", type, G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                           G_TYPE_NONE, 1, CURB_TYPE_EVENT);
  /* ::cancelled-after-arrival (ref, CurbEvent): the shopper had already
   * arrived (or staff claimed it): staff must be alerted */
  signals[CANCELLED_AFTER_ARRIVAL] = g_signal_new ("cancelled-after-arrival", type, G_SIGNAL_RUN_LAST, 0,
                                                   NULL, NULL, NULL, G_TYPE_NONE, 2,
                                                   G_TYPE_STRING, CURB_TYPE_EVENT);
  /* ::event-pushed (CurbEvent, duplicate): central has it */
  signals[EVENT_PUSHED] = g_signal_new ("event-pushed", type, G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                        G_TYPE_NONE, 2, CURB_TYPE_EVENT, G_TYPE_BOOLEAN);
  /* ::event-rejected (CurbEvent, message): central refused it for good; it
   * left the outbox and the audit log has it */
  signals[EVENT_REJECTED] = g_signal_new ("event-rejected", type, G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                          G_TYPE_NONE, 2, CURB_TYPE_EVENT, G_TYPE_STRING);
  /* ::caught-up: a pull reached the end of central's changes */
  signals[CAUGHT_UP] = g_signal_new ("caught-up", type, G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                     G_TYPE_NONE, 0);
  /* ::order-rejected (ref, reason): central sent an order the store cannot
   * take, seen for the first time (once per ref and version); it stays a
   * store-level alert until a newer version is taken
   * (curb_store_list_rejected_orders()) */
  signals[ORDER_REJECTED] = g_signal_new ("order-rejected", type, G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                          G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_STRING);
  /* ::keys-fetched (JsonArray): the issuer's public keys [{kid, alg, public_key}] */
  signals[KEYS_FETCHED] = g_signal_new ("keys-fetched", type, G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                        G_TYPE_NONE, 1, JSON_TYPE_ARRAY);
}

static void
curb_sync_class_init (CurbSyncClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = curb_sync_dispose;
  object_class->finalize = curb_sync_finalize;
  object_class->get_property = curb_sync_get_property;
  object_class->set_property = curb_sync_set_property;
  install_properties (object_class);
  install_signals (object_class);
}

static void
curb_sync_init (CurbSync *self)
{
  self->poll_interval_ms = CURB_SYNC_DEFAULT_POLL_INTERVAL_MS;
  self->page_size = CURB_SYNC_DEFAULT_PAGE_SIZE;
  self->pull_backoff = curb_backoff_new (CURB_SYNC_DEFAULT_BACKOFF_BASE_MS, CURB_SYNC_DEFAULT_BACKOFF_CAP_MS);
  self->push_backoff = curb_backoff_new (CURB_SYNC_DEFAULT_BACKOFF_BASE_MS, CURB_SYNC_DEFAULT_BACKOFF_CAP_MS);
}

/* Public API */

/**
 * curb_sync_new:
 * @store: the store database
 * @connector: the central order system
 *
 * Returns: (transfer full): a sync engine, not yet running
 */
CurbSync *
curb_sync_new (CurbStore     *store,
               CurbConnector *connector)
{
  g_return_val_if_fail (CURB_IS_STORE (store), NULL);
  g_return_val_if_fail (CURB_IS_CONNECTOR (connector), NULL);

  return g_object_new (CURB_TYPE_SYNC, "store", store, "connector", connector, NULL);
}

/**
 * curb_sync_start:
 *
 * Starts pulling (from the cursor saved in the store), pushing the outbox
 * and fetching issuer keys, on the thread-default main context.
 */
void
curb_sync_start (CurbSync *self)
{
  g_return_if_fail (CURB_IS_SYNC (self));

  if (self->cancellable != NULL)
    return;
  g_free (self->cursor);
  self->cursor = curb_store_get_meta (self->store, CURB_SYNC_CURSOR_META, NULL);
  self->rejected_orders = curb_store_count_rejected_orders (self->store);
  self->context = g_main_context_ref_thread_default ();
  self->cancellable = g_cancellable_new ();
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_RUNNING]);
  fetch_keys (self);
  pull_next (self);
  push_next (self);
}

/**
 * curb_sync_stop:
 *
 * Cancels what is in flight and stops all timers. Nothing is lost: the
 * cursor and the outbox live in the store.
 */
void
curb_sync_stop (CurbSync *self)
{
  g_return_if_fail (CURB_IS_SYNC (self));

  if (self->cancellable == NULL)
    return;
  self->generation++;
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  unschedule (&self->pull_timer);
  unschedule (&self->push_timer);
  unschedule (&self->keys_timer);
  g_clear_pointer (&self->context, g_main_context_unref);
  self->pulling = FALSE;
  self->pull_again = FALSE;
  g_clear_object (&self->in_flight);
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_RUNNING]);
}

/**
 * curb_sync_kick:
 *
 * Push the outbox now (the hub calls this after appending an event) rather
 * than at the next poll. Does not shorten a backoff after a failure.
 */
void
curb_sync_kick (CurbSync *self)
{
  g_return_if_fail (CURB_IS_SYNC (self));

  if (self->cancellable == NULL || self->in_flight != NULL
      || curb_backoff_get_attempts (self->push_backoff) > 0)
    return;
  schedule (self, &self->push_timer, 0, on_push_timer);
}

/**
 * curb_sync_pull_now:
 *
 * Central hinted that orders changed (e.g. a shopper announced they are on
 * the way): pull now rather than at the next poll. A pull in progress is
 * followed by another. Does not shorten a backoff after a failure; hints
 * are only hints, the poll stays the truth.
 */
void
curb_sync_pull_now (CurbSync *self)
{
  g_return_if_fail (CURB_IS_SYNC (self));

  if (self->cancellable == NULL || curb_backoff_get_attempts (self->pull_backoff) > 0)
    return;
  if (self->pulling)
    {
      self->pull_again = TRUE;
      return;
    }
  schedule (self, &self->pull_timer, 0, on_pull_timer);
}

/**
 * curb_sync_get_store:
 *
 * Returns: (transfer none): the store
 */
CurbStore *
curb_sync_get_store (CurbSync *self)
{
  g_return_val_if_fail (CURB_IS_SYNC (self), NULL);

  return self->store;
}

/**
 * curb_sync_get_connector:
 *
 * Returns: (transfer none): the connector
 */
CurbConnector *
curb_sync_get_connector (CurbSync *self)
{
  g_return_val_if_fail (CURB_IS_SYNC (self), NULL);

  return self->connector;
}

gboolean
curb_sync_get_running (CurbSync *self)
{
  g_return_val_if_fail (CURB_IS_SYNC (self), FALSE);

  return self->cancellable != NULL;
}

/**
 * curb_sync_get_online:
 *
 * Returns: %TRUE when the last request to central succeeded (%FALSE before
 *   the first answer)
 */
gboolean
curb_sync_get_online (CurbSync *self)
{
  g_return_val_if_fail (CURB_IS_SYNC (self), FALSE);

  return self->online;
}

/**
 * curb_sync_get_offline_since:
 *
 * Returns: when (ms since the epoch) the first failure after the last
 *   success happened; 0 while online or before any failure
 */
gint64
curb_sync_get_offline_since (CurbSync *self)
{
  g_return_val_if_fail (CURB_IS_SYNC (self), 0);

  return self->offline_since;
}

/**
 * curb_sync_get_last_success:
 *
 * Returns: when central last answered (ms since the epoch), 0 for never
 */
gint64
curb_sync_get_last_success (CurbSync *self)
{
  g_return_val_if_fail (CURB_IS_SYNC (self), 0);

  return self->last_success;
}

/**
 * curb_sync_get_last_caught_up:
 *
 * Returns: when a pull last reached the end of central's changes (ms since
 *   the epoch), 0 for never
 */
gint64
curb_sync_get_last_caught_up (CurbSync *self)
{
  g_return_val_if_fail (CURB_IS_SYNC (self), 0);

  return self->last_caught_up;
}

/**
 * curb_sync_get_lag_s:
 *
 * Returns: how old (seconds) the store's view of central's orders is at
 *   most: the time since the last pull that reached the end; -1 for never
 */
gint64
curb_sync_get_lag_s (CurbSync *self)
{
  g_return_val_if_fail (CURB_IS_SYNC (self), -1);

  if (self->last_caught_up == 0)
    return -1;
  return MAX (curb_now_ms () - self->last_caught_up, 0) / 1000;
}

/**
 * curb_sync_get_outbox_depth:
 *
 * Returns: events waiting to reach central (read from the store)
 */
guint
curb_sync_get_outbox_depth (CurbSync *self)
{
  g_return_val_if_fail (CURB_IS_SYNC (self), 0);

  self->outbox_depth = curb_store_outbox_depth (self->store);
  return self->outbox_depth;
}

guint64
curb_sync_get_pulled_orders (CurbSync *self)
{
  g_return_val_if_fail (CURB_IS_SYNC (self), 0);

  return self->pulled_orders;
}

guint64
curb_sync_get_pushed_events (CurbSync *self)
{
  g_return_val_if_fail (CURB_IS_SYNC (self), 0);

  return self->pushed_events;
}

guint64
curb_sync_get_rejected_events (CurbSync *self)
{
  g_return_val_if_fail (CURB_IS_SYNC (self), 0);

  return self->rejected_events;
}

guint64
curb_sync_get_rejected_orders (CurbSync *self)
{
  g_return_val_if_fail (CURB_IS_SYNC (self), 0);

  return self->rejected_orders;
}

/**
 * curb_sync_get_last_error:
 *
 * Returns: (nullable): the last failure's message, for store IT
 */
const char *
curb_sync_get_last_error (CurbSync *self)
{
  g_return_val_if_fail (CURB_IS_SYNC (self), NULL);

  return self->last_error;
}

guint
curb_sync_get_poll_interval_ms (CurbSync *self)
{
  g_return_val_if_fail (CURB_IS_SYNC (self), 0);

  return self->poll_interval_ms;
}

/**
 * curb_sync_set_poll_interval_ms:
 *
 * How long to wait between pulls once caught up (default 15 s). With the
 * connector's timeout it bounds how fast a lost central shows as offline.
 */
void
curb_sync_set_poll_interval_ms (CurbSync *self,
                                guint     poll_interval_ms)
{
  g_return_if_fail (CURB_IS_SYNC (self));

  poll_interval_ms = CLAMP (poll_interval_ms, 10, 3600000);
  if (self->poll_interval_ms == poll_interval_ms)
    return;
  self->poll_interval_ms = poll_interval_ms;
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_POLL_INTERVAL_MS]);
}

guint
curb_sync_get_page_size (CurbSync *self)
{
  g_return_val_if_fail (CURB_IS_SYNC (self), 0);

  return self->page_size;
}

void
curb_sync_set_page_size (CurbSync *self,
                         guint     page_size)
{
  g_return_if_fail (CURB_IS_SYNC (self));

  page_size = CLAMP (page_size, 1, 1000);
  if (self->page_size == page_size)
    return;
  self->page_size = page_size;
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_PAGE_SIZE]);
}

/**
 * curb_sync_set_backoff:
 * @base_ms: the first retry waits up to this long
 * @cap_ms: no retry waits longer than this (unless central's Retry-After says so)
 * @seed: 0 for a random jitter, else a fixed seed (tests)
 */
void
curb_sync_set_backoff (CurbSync *self,
                       guint     base_ms,
                       guint     cap_ms,
                       guint32   seed)
{
  g_return_if_fail (CURB_IS_SYNC (self));

  g_clear_object (&self->pull_backoff);
  g_clear_object (&self->push_backoff);
  self->pull_backoff = curb_backoff_new (base_ms, cap_ms);
  self->push_backoff = curb_backoff_new (base_ms, cap_ms);
  if (seed != 0)
    {
      curb_backoff_set_seed (self->pull_backoff, seed);
      curb_backoff_set_seed (self->push_backoff, seed + 1);
    }
}
