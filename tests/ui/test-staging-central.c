/* A partial handoff made on the staging screen reaches the reference
 * central: central (in-process, real HTTP) → CurbSync → hub (TLS) →
 * curbside-staging's window → hub → CurbSync → central. */
#include "central-fixture.h"
#include "curb-central-issuer.h"
#include "curb-staging-application.h"
#include "detail/curb-detail-page.h"
#include "test-hub-fixture.h"
#include "test-staging-display.h"

static HubFixture fx;
static CurbStagingStation *station;

static gboolean
in_state (gpointer data)
{
  const char **want = data;
  CurbOrder *order = curb_board_model_lookup (curb_staging_station_get_board (station), want[0]);

  return order != NULL && g_str_equal (curb_order_state_to_string (curb_order_get_state (order)), want[1]);
}

static gboolean
is_staged (gpointer data)
{
  CurbOrder *order = curb_board_model_lookup (curb_staging_station_get_board (station), data);

  return order != NULL && curb_order_get_staged (order);
}

static gboolean
is_online (gpointer data)
{
  return curb_staging_station_is_connected (station) && curb_sync_get_online (data);
}

static gboolean
orders_synced (gpointer data)
{
  g_autoptr(JsonArray) orders = curb_store_list_orders (fx.store, CURB_ORDER_FILTER_ALL, NULL);

  return orders != NULL && json_array_get_length (orders) == GPOINTER_TO_UINT (data);
}

static gboolean
is_signed_in (gpointer data)
{
  return curb_staff_session_is_signed_in (curb_staging_station_get_session (station));
}

static gboolean
central_has_partial (gpointer data)
{
  g_autoptr(JsonArray) events = central_fixture_events (data);

  for (guint i = 0; i < json_array_get_length (events); i++)
    {
      JsonObject *event = json_array_get_object_element (events, i);

      if (g_strcmp0 (json_object_get_string_member_with_default (event, "kind", ""), "partially_handed_over") == 0)
        return TRUE;
    }
  return FALSE;
}

static JsonObject *
central_partial_event (CentralFixture *central)
{
  g_autoptr(JsonArray) events = central_fixture_events (central);

  for (guint i = 0; i < json_array_get_length (events); i++)
    {
      JsonObject *event = json_array_get_object_element (events, i);

      if (g_strcmp0 (json_object_get_string_member_with_default (event, "kind", ""), "partially_handed_over") == 0)
        return json_object_ref (event);
    }
  return NULL;
}

static void
on_signed (GObject *source, GAsyncResult *result, gpointer data)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (curb_staging_station_sign_in_finish (CURB_STAGING_STATION (source), result, &error));
}

static void
test_partial_handoff_reaches_central (void)
{
  g_autoptr(CentralFixture) central = central_fixture_new (2);
  g_autoptr(CurbSigningKey) central_key = curb_signing_key_generate ("c9", NULL);
  g_autoptr(JsonArray) keys = curb_central_issuer_public_keys (central_key);
  g_autoptr(GError) error = NULL;
  g_autoptr(CurbCentralConnector) connector = NULL;
  g_autoptr(CurbSync) sync = NULL;
  g_autoptr(CurbHubClient) kiosk = hub_fixture_device (&fx, CURB_DEVICE_ROLE_KIOSK, NULL);
  g_autofree char *credential = hub_fixture_enroll (&fx, CURB_DEVICE_ROLE_STAGING, NULL);
  g_autoptr(CurbHubClient) client = hub_fixture_client (&fx);
  g_autoptr(CurbStagingApplication) app = curb_staging_application_new ();
  g_autoptr(JsonArray) orders = NULL;
  g_autoptr(JsonObject) reply = NULL;
  g_autoptr(JsonObject) event = NULL;
  gboolean answered;
  g_autoptr(CurbTokenClaims) claims = NULL;
  g_autoptr(JsonNode) not_taken = NULL;
  g_autoptr(JsonNode) stage = json_from_string ("{\"locations\": [{\"zone\": \"A\", \"shelf\": \"1\", \"bin\": \"2\"}],"
                                                " \"bags\": {\"ambient\": 0, \"chilled\": 0, \"frozen\": 0}}", NULL);
  g_autofree char *token = NULL;
  g_autofree char *ref = NULL;
  g_autofree char *path = NULL;
  CurbStagingWindow *window;
  CurbDetailPage *detail;
  g_autofree char *line_id = NULL;
  g_autofree char *queue = g_build_filename (fx.dir, "pending-actions.json", NULL);
  const char *arrived[2], *claimed[2], *partial[2];
  gint64 until;

  curb_central_server_set_keys (central->server, keys);
  connector = curb_central_connector_new (central->url, FIXTURE_STORE, FIXTURE_KEY, &error);
  g_assert_no_error (error);
  sync = curb_sync_new (fx.store, CURB_CONNECTOR (connector));
  curb_sync_set_poll_interval_ms (sync, 200);
  curb_hub_set_sync (fx.hub, sync);
  curb_sync_start (sync);

  curb_hub_client_set_credential (client, credential);
  g_free (curb_staging_application_get_settings (app)->audio_sink);
  curb_staging_application_get_settings (app)->audio_sink = g_strdup ("fakesink sync=true");
  curb_staging_application_set_hub_client (app, client);
  curb_staging_application_set_queue_path (app, queue);
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, NULL));
  g_application_activate (G_APPLICATION (app));
  window = curb_staging_application_get_window (app);
  station = curb_staging_application_get_station (app);
  g_assert_true (curb_test_spin_until (is_online, sync, 10000));

  g_assert_true (curb_test_spin_until (orders_synced, GUINT_TO_POINTER (2), 10000));
  orders = curb_store_list_orders (fx.store, CURB_ORDER_FILTER_ALL, NULL);
  ref = g_strdup (json_object_get_string_member (json_array_get_object_element (orders, 0), "ref"));
  curb_staging_station_sign_in_async (station, "1007", "2468", NULL, NULL, on_signed, NULL);
  g_assert_true (curb_test_spin_until (is_signed_in, NULL, 5000));

  /* staff staged it (one shelf, no bags to label: nothing to scan at the handoff) */
  g_signal_emit_by_name (curb_staging_window_get_page_widget (window, "stage"), "stage", ref, stage);
  g_assert_true (curb_test_spin_until (is_staged, ref, 5000));

  /* the shopper checks in at the kiosk with central's token */
  claims = curb_token_claims_new (HUB_TEST_STORE_ID, ref, g_get_real_time () / G_USEC_PER_SEC + 3600);
  token = curb_token_sign (central_key, claims, &error);
  g_assert_no_error (error);
  until = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;
  do
    {
      g_clear_pointer (&reply, json_object_unref);
      g_clear_error (&error);
      curb_test_spin (50);
      reply = hub_checkin (kiosk, token, "4", "central-arrival-1", NULL, &error);
    }
  while (reply == NULL && g_get_monotonic_time () < until);
  g_assert_no_error (error);
  arrived[0] = ref, arrived[1] = "arrived";
  g_assert_true (curb_test_spin_until (in_state, arrived, 2000));

  /* staff claim on the staging screen and hand over all but one unit */
  g_assert_true (curb_staging_window_open_order (window, ref));
  detail = CURB_DETAIL_PAGE (curb_staging_window_get_page_widget (window, "detail"));
  g_signal_emit_by_name (detail, "claim", ref);
  claimed[0] = ref, claimed[1] = "claimed";
  g_assert_true (curb_test_spin_until (in_state, claimed, 3000));
  curb_test_spin (100);
  {
    GListModel *lines = curb_order_get_lines (curb_board_model_lookup (curb_staging_station_get_board (station), ref));
    g_autoptr(CurbOrderLine) first = g_list_model_get_item (lines, 0);

    line_id = g_strdup (curb_order_line_get_id (first));
  }
  curb_detail_page_set_id_checked (detail, TRUE);
  curb_detail_page_set_not_taken (detail, line_id, 1, 0);
  /* a demo order may offer a substitution: the shopper takes it */
  answered = curb_detail_page_answer_substitution (detail, "S1", TRUE);
  g_assert_true (curb_detail_page_can_complete (detail));
  path = curb_test_screenshot (GTK_WIDGET (window), "partial-before-complete");
  g_test_message ("screenshot %s", path);
  not_taken = curb_detail_page_dup_not_taken (detail);
  g_signal_emit_by_name (detail, "complete", ref, TRUE, not_taken);
  partial[0] = ref, partial[1] = "partially_handed_over";
  g_assert_true (curb_test_spin_until (in_state, partial, 3000));

  g_assert_true (curb_test_spin_until (central_has_partial, central, 15000));
  event = central_partial_event (central);
  g_assert_cmpstr (json_object_get_string_member (event, "order_ref"), ==, ref);
  g_assert_cmpint (json_object_get_int_member (event, "deliveries"), >=, 1);
  {
    JsonObject *body = json_object_get_object_member (event, "event");
    JsonObject *data = json_object_get_object_member (body, "data");
    JsonArray *taken = json_object_get_array_member (data, "not_taken");

    g_assert_cmpuint (json_array_get_length (taken), ==, 1);
    g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (taken, 0), "line_id"), ==,
                     line_id);
    g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (taken, 0), "reason"), ==,
                     "damaged");
    g_assert_true (json_object_has_member (data, "substitutions") == answered);
  }
  gtk_window_destroy (GTK_WINDOW (window));
  curb_sync_stop (sync);
  curb_hub_set_sync (fx.hub, NULL);
}

int
main (int argc, char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);
  if (!curb_test_display_start ())
    {
      g_test_skip ("Xvfb is not installed");
      return g_test_run ();
    }
  gtk_init ();
  adw_init ();
  hub_fixture_setup (&fx, NULL);
  hub_fixture_add_staff (&fx, "1007", "Alex", "2468");
  g_test_add_func ("/staging/central/partial-handoff-reaches-central", test_partial_handoff_reaches_central);
  status = g_test_run ();
  hub_fixture_teardown (&fx, NULL);
  curb_test_display_stop ();
  return status;
}
