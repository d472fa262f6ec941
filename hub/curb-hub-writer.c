/* Group commit: requests that append an event are paused and queued; one
 * idle pass appends the whole queue in ONE durable transaction
 * (curb_store_append_events), then answers each request. Under load many
 * check-ins share one fsync; alone, a request waits one main-loop turn. */

#include "curb-hub-private.h"

#define MAX_BATCH 256

typedef struct
{
  SoupServerMessage  *msg;
  CurbEvent          *event;
  CurbHubAppliedFunc  done;
  gpointer            data;
  GDestroyNotify      destroy;
  gboolean            gone;
} PendingWrite;

static void
pending_write_free (PendingWrite *pw)
{
  g_signal_handlers_disconnect_by_data (pw->msg, pw);
  if (!pw->gone)
    soup_server_message_unpause (pw->msg);
  g_object_unref (pw->msg);
  g_object_unref (pw->event);
  if (pw->destroy != NULL)
    pw->destroy (pw->data);
  g_free (pw);
}

static void
on_disconnected (SoupServerMessage *msg,
                 PendingWrite      *pw)
{
  pw->gone = TRUE;
}

static void
finish_write (CurbHub      *hub,
              PendingWrite *pw,
              const GError *error,
              gboolean      duplicate)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(JsonObject) order = NULL;

  if (error != NULL)
    curb_hub_reply_refused (hub, pw->msg, pw->event, error);
  else
    {
      order = curb_store_get_order (hub->store, curb_event_get_order_ref (pw->event), &local_error);
      if (!duplicate)
        {
          curb_hub_log_event (hub, pw->event, "Stored");
          curb_hub_broadcast_order (hub, pw->event, order);
        }
      if (order == NULL)
        curb_hub_reply_gerror (pw->msg, local_error, NULL);
    }
  pw->done (hub, pw->msg, pw->event, order, duplicate, pw->data);
}

GPtrArray *
curb_hub_write_queue_new (void)
{
  return g_ptr_array_new_with_free_func ((GDestroyNotify) pending_write_free);
}

void
curb_hub_flush_writes (CurbHub *hub)
{
  g_autoptr(GPtrArray) batch = NULL;
  g_autoptr(GPtrArray) events = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree gboolean *duplicates = NULL;
  GError **errors;
  gboolean ok;

  g_clear_handle_id (&hub->flush_id, g_source_remove);
  if (hub->pending_writes->len == 0)
    return;
  batch = g_steal_pointer (&hub->pending_writes);
  hub->pending_writes = curb_hub_write_queue_new ();
  events = g_ptr_array_new ();
  for (guint i = 0; i < batch->len; i++)
    g_ptr_array_add (events, ((PendingWrite *) g_ptr_array_index (batch, i))->event);
  duplicates = g_new0 (gboolean, batch->len);
  errors = g_new0 (GError *, batch->len);
  ok = curb_store_append_events (hub->store, events, duplicates, errors, &error);
  for (guint i = 0; i < batch->len; i++)
    finish_write (hub, g_ptr_array_index (batch, i), ok ? errors[i] : error, duplicates[i]);
  for (guint i = 0; i < batch->len; i++)
    g_clear_error (&errors[i]);
  g_free (errors);
}

static gboolean
on_flush (gpointer data)
{
  CurbHub *hub = data;

  hub->flush_id = 0;
  curb_hub_flush_writes (hub);
  return G_SOURCE_REMOVE;
}

void
curb_hub_queue_event (CurbHub            *hub,
                      SoupServerMessage  *msg,
                      CurbEvent          *event,
                      CurbHubAppliedFunc  done,
                      gpointer            data,
                      GDestroyNotify      destroy)
{
  PendingWrite *pw = g_new0 (PendingWrite, 1);

  pw->msg = g_object_ref (msg);
  pw->event = g_object_ref (event);
  pw->done = done;
  pw->data = data;
  pw->destroy = destroy;
  g_signal_connect (msg, "disconnected", G_CALLBACK (on_disconnected), pw);
  soup_server_message_pause (msg);
  g_ptr_array_add (hub->pending_writes, pw);
  if (hub->pending_writes->len >= MAX_BATCH)
    curb_hub_flush_writes (hub);
  else if (hub->flush_id == 0)
    hub->flush_id = g_idle_add_full (G_PRIORITY_DEFAULT, on_flush, hub, NULL);
}
