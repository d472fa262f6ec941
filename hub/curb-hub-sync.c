#include <math.h>

#include "curb-hub-private.h"
#include "curb-util.h"

static void
on_order_cancelled (CurbSync  *sync,
                    CurbEvent *event,
                    CurbHub   *self)
{
  curb_hub_publish_event (self, event);
}

static void
on_cancelled_after_arrival (CurbSync   *sync,
                            const char *ref,
                            CurbEvent  *event,
                            CurbHub    *self)
{
  g_log_structured (G_LOG_DOMAIN, G_LOG_LEVEL_WARNING,
                    "CURBSIDE_ORDER_ID", ref,
                    "MESSAGE", "Central cancelled order %s after the shopper arrived: staff must tell them", ref);
}

void
curb_hub_notify_central_alert (CurbHub    *self,
                               const char *ref)
{
  g_autoptr(JsonObject) notice = json_object_new ();

  json_object_set_string_member (notice, "type", "central_alert");
  json_object_set_string_member (notice, "ref", ref);
  curb_event_broker_notify (self->broker, notice);
}

static void
on_order_rejected (CurbSync   *sync,
                   const char *ref,
                   const char *reason,
                   CurbHub    *self)
{
  g_log_structured (G_LOG_DOMAIN, G_LOG_LEVEL_WARNING,
                    "CURBSIDE_ORDER_ID", ref,
                    "MESSAGE", "Central sent order %s, which the store cannot take: %s. "
                    "A shopper with its code is sent to staff until central sends a corrected order", ref, reason);
  curb_hub_notify_central_alert (self, ref);
}

static void
on_orders_stored (CurbSync    *sync,
                  const char **refs,
                  CurbHub     *self)
{
  g_autoptr(JsonObject) notice = json_object_new ();
  JsonArray *array = json_array_new ();

  for (guint i = 0; refs != NULL && refs[i] != NULL; i++)
    json_array_add_string_element (array, refs[i]);
  json_object_set_string_member (notice, "type", "orders");
  json_object_set_array_member (notice, "refs", array);
  curb_event_broker_notify (self->broker, notice);
}

/* Central's public keys: new key ids join the keyring; known ones stay. */
static void
on_keys_fetched (CurbSync  *sync,
                 JsonArray *keys,
                 CurbHub   *self)
{
  for (guint i = 0; i < json_array_get_length (keys); i++)
    {
      JsonObject *key = json_array_get_object_element (keys, i);
      const char *kid = key != NULL ? json_object_get_string_member_with_default (key, "kid", NULL) : NULL;
      const char *public_key = key != NULL ? json_object_get_string_member_with_default (key, "public_key", NULL) : NULL;
      g_autoptr(GError) error = NULL;

      if (kid == NULL || public_key == NULL || curb_keyring_lookup (self->keyring, kid) != NULL)
        continue;
      if (curb_keyring_add_base64 (self->keyring, kid, public_key, &error))
        g_message ("Added central's token key %s", kid);
      else
        g_warning ("Central sent an unusable token key %s: %s", kid, error->message);
    }
}

/* Anyone may hint (the body is not even read): a hint only makes the hub
 * pull from central now, with its own credentials, instead of at the next
 * poll; pulls never overlap, so a flood of hints costs at most one extra
 * pull at a time. */
void
curb_hub_handle_hint (CurbHub           *hub,
                      SoupServerMessage *msg,
                      CurbHubCaller     *caller,
                      const char        *unused_ref,
                      const char        *unused_action)
{
  g_autoptr(JsonObject) reply = json_object_new ();

  if (hub->sync != NULL)
    curb_sync_pull_now (hub->sync);
  json_object_set_boolean_member (reply, "accepted", hub->sync != NULL);
  curb_hub_reply_json (msg, SOUP_STATUS_ACCEPTED, reply);
}

void
curb_hub_set_sync (CurbHub  *self,
                   CurbSync *sync)
{
  g_return_if_fail (CURB_IS_HUB (self));
  g_return_if_fail (sync == NULL || CURB_IS_SYNC (sync));

  if (self->sync != NULL)
    g_signal_handlers_disconnect_by_data (self->sync, self);
  g_set_object (&self->sync, sync);
  if (sync == NULL)
    return;
  g_signal_connect (sync, "order-cancelled", G_CALLBACK (on_order_cancelled), self);
  g_signal_connect (sync, "cancelled-after-arrival", G_CALLBACK (on_cancelled_after_arrival), self);
  g_signal_connect (sync, "orders-stored", G_CALLBACK (on_orders_stored), self);
  g_signal_connect (sync, "keys-fetched", G_CALLBACK (on_keys_fetched), self);
  g_signal_connect (sync, "order-rejected", G_CALLBACK (on_order_rejected), self);
}

static void
set_time_member (JsonObject *object,
                 const char *member,
                 gint64      ms)
{
  g_autofree char *text = ms > 0 ? curb_iso8601_from_ms (ms) : NULL;

  if (text != NULL)
    json_object_set_string_member (object, member, text);
  else
    json_object_set_null_member (object, member);
}

/* Orders central sent that the store could not take, still open. */
static JsonArray *
order_alerts (CurbHub *self)
{
  g_autoptr(GError) error = NULL;
  JsonArray *alerts = curb_store_list_rejected_orders (self->store, &error);

  if (alerts == NULL)
    {
      g_warning ("Cannot read the refused central orders: %s", error->message);
      return json_array_new ();
    }
  return alerts;
}

JsonObject *
curb_hub_sync_status (CurbHub *self)
{
  JsonObject *status = json_object_new ();
  CurbSync *sync = self->sync;

  json_object_set_boolean_member (status, "configured", sync != NULL);
  if (sync == NULL)
    return status;
  json_object_set_boolean_member (status, "online", curb_sync_get_online (sync));
  set_time_member (status, "offline_since", curb_sync_get_offline_since (sync));
  set_time_member (status, "last_success", curb_sync_get_last_success (sync));
  json_object_set_int_member (status, "lag_s", curb_sync_get_lag_s (sync));
  json_object_set_int_member (status, "pulled_orders", curb_sync_get_pulled_orders (sync));
  json_object_set_int_member (status, "pushed_events", curb_sync_get_pushed_events (sync));
  json_object_set_int_member (status, "rejected_events", curb_sync_get_rejected_events (sync));
  json_object_set_int_member (status, "rejected_orders", curb_sync_get_rejected_orders (sync));
  json_object_set_array_member (status, "order_alerts", order_alerts (self));
  if (curb_sync_get_last_error (sync) != NULL)
    json_object_set_string_member (status, "last_error", curb_sync_get_last_error (sync));
  return status;
}

static guint
count_order_alerts (CurbHub *self)
{
  g_autoptr(JsonArray) alerts = curb_store_list_rejected_orders (self->store, NULL);

  return alerts != NULL ? json_array_get_length (alerts) : 0;
}

void
curb_hub_append_sync_metrics (CurbHub *self,
                              GString *out)
{
  CurbSync *sync = self->sync;
  gint64 last = sync != NULL ? curb_sync_get_last_success (sync) : 0;
  gint64 lag = sync != NULL ? curb_sync_get_lag_s (sync) : -1;

  curb_hub_metrics_append_gauge (out, "curbside_central_online",
                                 "1 while the central order system answers.", NULL,
                                 sync != NULL && curb_sync_get_online (sync));
  curb_hub_metrics_append_gauge (out, "curbside_last_sync_success_timestamp_seconds",
                                 "Unix time of the last successful exchange with central.", NULL,
                                 last > 0 ? last / 1000.0 : NAN);
  curb_hub_metrics_append_gauge (out, "curbside_sync_lag_seconds",
                                 "Seconds since the store last caught up with central.", NULL,
                                 lag >= 0 ? (double) lag : NAN);
  if (sync == NULL)
    return;
  curb_hub_metrics_append_gauge (out, "curbside_sync_rejected_events",
                                 "Store events central refused for good (see the audit log).", NULL,
                                 curb_sync_get_rejected_events (sync));
  curb_hub_metrics_append_gauge (out, "curbside_sync_rejected_orders",
                                 "Order documents from central the store could not accept (each ref and version once).",
                                 NULL, curb_sync_get_rejected_orders (sync));
  curb_hub_metrics_append_gauge (out, "curbside_central_order_alerts",
                                 "Orders central sent that the store could not take and has no newer version of.",
                                 NULL, count_order_alerts (self));
}
