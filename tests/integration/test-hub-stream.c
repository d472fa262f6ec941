/* The WebSocket event stream: backlog then live, resume after a disconnect
 * with no gap and no duplicate, slow consumers dropped, auth. */

#include "curb-order-codec.h"
#include "test-hub-fixture.h"

typedef struct
{
  GArray   *seqs;
  guint     connects;
  guint     disconnects;
  gboolean  connected;
} Seen;

static void
on_event (CurbHubStream *stream, JsonObject *event, Seen *seen)
{
  gint64 seq = json_object_get_int_member (event, "seq");

  g_assert_nonnull (json_object_get_string_member (event, "kind"));
  g_array_append_val (seen->seqs, seq);
}

static void
on_connected (CurbHubStream *stream, Seen *seen)
{
  seen->connects++;
  seen->connected = TRUE;
}

static void
on_disconnected (CurbHubStream *stream, const GError *error, Seen *seen)
{
  seen->disconnects++;
  seen->connected = FALSE;
}

static CurbHubStream *
open_stream (CurbHubClient *client, gint64 after, Seen *seen)
{
  CurbHubStream *stream = curb_hub_client_open_stream (client, after);

  g_signal_connect (stream, "event", G_CALLBACK (on_event), seen);
  g_signal_connect (stream, "connected", G_CALLBACK (on_connected), seen);
  g_signal_connect (stream, "disconnected", G_CALLBACK (on_disconnected), seen);
  curb_hub_stream_start (stream);
  return stream;
}

static void
checkin_many (HubFixture *fx, CurbHubClient *kiosk, guint first, guint count)
{
  for (guint i = first; i < first + count; i++)
    {
      g_autofree char *ref = g_strdup_printf ("ST%u", i);
      g_autofree char *token = NULL;
      g_autoptr(JsonObject) reply = NULL;
      g_autoptr(GError) error = NULL;

      hub_fixture_add_order (fx, ref, FALSE);
      token = hub_fixture_token (fx, HUB_TEST_STORE_ID, ref, g_get_real_time () / G_USEC_PER_SEC + 3600);
      reply = hub_checkin (kiosk, token, "1", NULL, NULL, &error);
      g_assert_no_error (error);
      g_assert_nonnull (reply);
    }
}

static gboolean
wait_for_count (Seen *seen, guint count)
{
  gint64 until = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  while (seen->seqs->len < count && g_get_monotonic_time () < until)
    hub_spin (10);
  return seen->seqs->len == count;
}

/* Every seq from 1 to @last exactly once, in order. */
static void
assert_complete (Seen *seen, gint64 last)
{
  g_assert_cmpuint (seen->seqs->len, ==, last);
  for (guint i = 0; i < seen->seqs->len; i++)
    g_assert_cmpint (g_array_index (seen->seqs, gint64, i), ==, i + 1);
}

static void
test_backlog_then_live (HubFixture *fx, gconstpointer data)
{
  g_autoptr(CurbHubClient) kiosk = hub_fixture_device (fx, CURB_DEVICE_ROLE_KIOSK, NULL);
  g_autoptr(CurbHubClient) staging = hub_fixture_device (fx, CURB_DEVICE_ROLE_STAGING, NULL);
  g_autoptr(CurbHubStream) stream = NULL;
  Seen seen = { g_array_new (FALSE, FALSE, sizeof (gint64)), };

  checkin_many (fx, kiosk, 0, 3);
  stream = open_stream (staging, 0, &seen);
  g_assert_true (wait_for_count (&seen, 3));
  g_assert_true (curb_hub_stream_is_connected (stream));
  checkin_many (fx, kiosk, 3, 2);
  g_assert_true (wait_for_count (&seen, 5));
  assert_complete (&seen, 5);
  g_assert_cmpint (curb_hub_stream_get_last_seq (stream), ==, 5);
  g_assert_cmpuint (curb_hub_get_n_subscribers (fx->hub), ==, 1);
  curb_hub_stream_stop (stream);
  g_array_unref (seen.seqs);
}

static void
test_resume_after_disconnect (HubFixture *fx, gconstpointer data)
{
  g_autoptr(CurbHubClient) kiosk = hub_fixture_device (fx, CURB_DEVICE_ROLE_KIOSK, NULL);
  g_autoptr(CurbHubClient) staging = hub_fixture_device (fx, CURB_DEVICE_ROLE_STAGING, NULL);
  g_autoptr(CurbHubStream) stream = NULL;
  g_autoptr(CurbHubStream) late = NULL;
  Seen seen = { g_array_new (FALSE, FALSE, sizeof (gint64)), };
  Seen tail = { g_array_new (FALSE, FALSE, sizeof (gint64)), };

  stream = open_stream (staging, 0, &seen);
  g_assert_true (hub_spin_until (&seen.connected, 5000));
  checkin_many (fx, kiosk, 0, 4);
  g_assert_true (wait_for_count (&seen, 4));
  curb_hub_stream_stop (stream);
  checkin_many (fx, kiosk, 4, 5);
  hub_spin (50);
  g_assert_cmpuint (seen.seqs->len, ==, 4);
  curb_hub_stream_start (stream);
  g_assert_true (wait_for_count (&seen, 9));
  checkin_many (fx, kiosk, 9, 1);
  g_assert_true (wait_for_count (&seen, 10));
  assert_complete (&seen, 10);
  g_assert_cmpuint (seen.connects, ==, 2);

  /* A new subscriber resuming from 7 gets 8, 9, 10. */
  late = open_stream (staging, 7, &tail);
  g_assert_true (wait_for_count (&tail, 3));
  g_assert_cmpint (g_array_index (tail.seqs, gint64, 0), ==, 8);
  g_assert_cmpint (g_array_index (tail.seqs, gint64, 2), ==, 10);
  curb_hub_stream_stop (stream);
  curb_hub_stream_stop (late);
  g_array_unref (seen.seqs);
  g_array_unref (tail.seqs);
}

static void
test_small_window_loses_nothing (HubFixture *fx, gconstpointer data)
{
  g_autoptr(CurbHubClient) kiosk = hub_fixture_device (fx, CURB_DEVICE_ROLE_KIOSK, NULL);
  g_autoptr(CurbHubClient) staging = hub_fixture_device (fx, CURB_DEVICE_ROLE_STAGING, NULL);
  g_autoptr(CurbHubStream) stream = NULL;
  Seen seen = { g_array_new (FALSE, FALSE, sizeof (gint64)), };

  /* The client acks every 32 events: with a window of 4 the hub drops it
   * as a slow consumer again and again; it must still see everything. */
  curb_hub_set_stream_window (fx->hub, 4);
  stream = open_stream (staging, 0, &seen);
  g_assert_true (hub_spin_until (&seen.connected, 5000));
  checkin_many (fx, kiosk, 0, 20);
  g_assert_true (wait_for_count (&seen, 20));
  assert_complete (&seen, 20);
  curb_hub_stream_stop (stream);
  g_array_unref (seen.seqs);
}

typedef struct
{
  SoupWebsocketConnection *connection;
  GError                  *error;
  gboolean                 done;
  gboolean                 closed;
} RawSocket;

static gboolean
accept_any (SoupMessage *msg, GTlsCertificate *certificate, GTlsCertificateFlags errors, gpointer data)
{
  return TRUE;
}

static void
on_raw_closed (SoupWebsocketConnection *connection, RawSocket *raw)
{
  raw->closed = TRUE;
}

static void
on_raw_connected (GObject *source, GAsyncResult *result, gpointer data)
{
  RawSocket *raw = data;

  raw->connection = soup_session_websocket_connect_finish (SOUP_SESSION (source), result, &raw->error);
  raw->done = TRUE;
}

static void
raw_connect (HubFixture *fx, SoupSession *session, const char *credential, RawSocket *raw)
{
  g_autofree char *url = g_strconcat (fx->url, "/v1/stream?after=0", NULL);
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);

  g_signal_connect (msg, "accept-certificate", G_CALLBACK (accept_any), NULL);
  if (credential != NULL)
    {
      g_autofree char *bearer = g_strconcat ("Bearer ", credential, NULL);

      soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", bearer);
    }
  soup_session_websocket_connect_async (session, msg, NULL, NULL, G_PRIORITY_DEFAULT, NULL,
                                        on_raw_connected, raw);
  g_assert_true (hub_spin_until (&raw->done, 5000));
}

static void
test_slow_consumer_dropped (HubFixture *fx, gconstpointer data)
{
  g_autoptr(CurbHubClient) kiosk = hub_fixture_device (fx, CURB_DEVICE_ROLE_KIOSK, NULL);
  g_autofree char *credential = hub_fixture_enroll (fx, CURB_DEVICE_ROLE_STAGING, NULL);
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(JsonObject) status = NULL;
  g_autoptr(GError) error = NULL;
  RawSocket raw = { NULL, };

  curb_hub_set_stream_window (fx->hub, 8);
  raw_connect (fx, session, credential, &raw);
  g_assert_no_error (raw.error);
  g_signal_connect (raw.connection, "closed", G_CALLBACK (on_raw_closed), &raw);
  hub_spin (50);
  checkin_many (fx, kiosk, 0, 12);
  g_assert_true (hub_spin_until (&raw.closed, 5000));
  g_assert_cmpuint (soup_websocket_connection_get_close_code (raw.connection), ==, 4001);
  g_assert_cmpuint (curb_hub_get_n_subscribers (fx->hub), ==, 0);
  status = hub_call (kiosk, "GET", "/v1/status", NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (json_object_get_int_member (status, "last_seq"), ==, 12);
  g_clear_object (&raw.connection);
}

static void
test_stream_needs_credential (HubFixture *fx, gconstpointer data)
{
  g_autoptr(SoupSession) session = soup_session_new ();
  RawSocket anonymous = { NULL, };
  RawSocket wrong = { NULL, };

  raw_connect (fx, session, NULL, &anonymous);
  g_assert_null (anonymous.connection);
  g_assert_nonnull (anonymous.error);
  raw_connect (fx, session, "not-a-credential", &wrong);
  g_assert_null (wrong.connection);
  g_assert_nonnull (wrong.error);
  g_clear_error (&anonymous.error);
  g_clear_error (&wrong.error);
}

static void
on_frame (CurbHubStream *stream, JsonObject *event, GPtrArray *frames)
{
  g_ptr_array_add (frames, json_object_ref (event));
}

static gboolean
wait_for_frames (GPtrArray *frames, guint count)
{
  gint64 until = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  while (frames->len < count && g_get_monotonic_time () < until)
    hub_spin (10);
  return frames->len == count;
}

/* The order @frame carries, decoded; it is the order the event names and
 * has at least the event's seq applied. */
static CurbOrder *
frame_order (JsonObject *frame)
{
  g_autoptr(GError) error = NULL;
  CurbOrder *order = curb_order_codec_decode_member (frame, "order", &error);

  g_assert_no_error (error);
  g_assert_cmpstr (curb_order_get_ref (order), ==, json_object_get_string_member (frame, "order_ref"));
  g_assert_cmpint (curb_order_get_last_seq (order), >=, json_object_get_int_member (frame, "seq"));
  return order;
}

/* A staging station sees an arrival (backlog and live) with its order, so
 * it needs no request to show it; a kiosk gets the events alone. */
static void
test_events_carry_orders (HubFixture *fx, gconstpointer data)
{
  g_autoptr(CurbHubClient) kiosk = hub_fixture_device (fx, CURB_DEVICE_ROLE_KIOSK, NULL);
  g_autoptr(CurbHubClient) staging = hub_fixture_device (fx, CURB_DEVICE_ROLE_STAGING, NULL);
  g_autoptr(CurbHubClient) staff = NULL;
  g_autoptr(GPtrArray) frames = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  g_autoptr(GPtrArray) kiosk_frames = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  g_autoptr(CurbHubStream) stream = NULL;
  g_autoptr(CurbHubStream) kiosk_stream = NULL;
  g_autoptr(CurbOrder) backlog = NULL;
  g_autoptr(CurbOrder) live = NULL;
  g_autoptr(JsonObject) claimed = NULL;
  g_autoptr(GError) error = NULL;

  hub_fixture_add_staff (fx, "st-1", "Alex", "4821");
  staff = hub_fixture_staff (fx, "st-1", "4821");
  checkin_many (fx, kiosk, 0, 1);
  stream = curb_hub_client_open_stream (staging, 0);
  g_signal_connect (stream, "event", G_CALLBACK (on_frame), frames);
  curb_hub_stream_start (stream);
  kiosk_stream = curb_hub_client_open_stream (kiosk, 0);
  g_signal_connect (kiosk_stream, "event", G_CALLBACK (on_frame), kiosk_frames);
  curb_hub_stream_start (kiosk_stream);
  g_assert_true (wait_for_frames (frames, 1));
  backlog = frame_order (g_ptr_array_index (frames, 0));
  g_assert_cmpint (curb_order_get_state (backlog), ==, CURB_ORDER_STATE_ARRIVED);
  g_assert_cmpstr (curb_order_get_bay (backlog), ==, "1");

  claimed = hub_action (staff, "ST0", CURB_HUB_ACTION_CLAIM, "{}", NULL, &error);
  g_assert_no_error (error);
  g_assert_true (wait_for_frames (frames, 2));
  live = frame_order (g_ptr_array_index (frames, 1));
  g_assert_cmpint (curb_order_get_state (live), ==, CURB_ORDER_STATE_CLAIMED);
  g_assert_cmpstr (curb_person_get_first_name (curb_order_get_claimer (live)), ==, "Alex");

  g_assert_true (wait_for_frames (kiosk_frames, 2));
  for (guint i = 0; i < kiosk_frames->len; i++)
    g_assert_false (json_object_has_member (g_ptr_array_index (kiosk_frames, i), "order"));
  curb_hub_stream_stop (stream);
  curb_hub_stream_stop (kiosk_stream);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(name, func) g_test_add (name, HubFixture, NULL, hub_fixture_setup, func, hub_fixture_teardown)
  ADD ("/hub/stream/backlog-then-live", test_backlog_then_live);
  ADD ("/hub/stream/resume", test_resume_after_disconnect);
  ADD ("/hub/stream/small-window", test_small_window_loses_nothing);
  ADD ("/hub/stream/slow-consumer", test_slow_consumer_dropped);
  ADD ("/hub/stream/needs-credential", test_stream_needs_credential);
  ADD ("/hub/stream/events-carry-orders", test_events_carry_orders);
#undef ADD
  return g_test_run ();
}
