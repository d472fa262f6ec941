/* "I'm on my way" → shown on staging: from the shopper's POST /v1/announce
 * at the reference central to the moment a staging station would show it
 * (the hub's stream says the order changed and GET /v1/orders/{ref} carries
 * its ETA), at the default poll (15 s, announcements at random moments)
 * and with central's change hints. Prints JSON lines (p50, p95, max). */

#include <libsoup/soup.h>

#include "central-fixture.h"
#include "curb-central-issuer.h"
#include "test-hub-fixture.h"

typedef struct
{
  char   *ref;
  char   *token;
  gint64  announced_us;
  gint64  shown_us;
  gboolean heard;
} Sample;

typedef struct
{
  HubFixture     *fx;
  CentralFixture *central;
  CurbHubClient  *staging;
  GPtrArray      *samples;
  SoupSession    *session;
} Bench;

static void
report (const char *name, double value, const char *unit)
{
  g_print ("{\"name\": \"%s\", \"value\": %.3f, \"unit\": \"%s\"}\n", name, value, unit);
}

static Sample *
find_sample (Bench *bench, const char *ref)
{
  for (guint i = 0; i < bench->samples->len; i++)
    {
      Sample *sample = g_ptr_array_index (bench->samples, i);

      if (g_strcmp0 (sample->ref, ref) == 0)
        return sample;
    }
  return NULL;
}

static gboolean
shows_eta (Bench *bench, const char *ref)
{
  g_autofree char *path = g_strdup_printf ("/v1/orders/%s", ref);
  g_autoptr(JsonObject) reply = hub_call (bench->staging, "GET", path, NULL, NULL, NULL);
  JsonObject *order = reply != NULL ? json_object_get_object_member (reply, "order") : NULL;

  return order != NULL && json_object_has_member (order, "on_the_way");
}

/* What staging does on an "orders" notice: fetch the order. */
static void
on_orders_changed (CurbHubStream *stream, const char * const *refs, Bench *bench)
{
  for (guint i = 0; refs[i] != NULL; i++)
    {
      Sample *sample = find_sample (bench, refs[i]);

      if (sample != NULL && sample->announced_us > 0 && sample->shown_us == 0 && shows_eta (bench, refs[i]))
        sample->shown_us = g_get_monotonic_time ();
    }
}

static void
announce (Bench *bench, Sample *sample)
{
  g_autofree char *url = g_strdup_printf ("%s/v1/announce", bench->central->url);
  g_autofree char *body = g_strdup_printf ("{\"token\": \"%s\", \"eta_minutes\": 10}", sample->token);
  g_autoptr(SoupMessage) msg = soup_message_new ("POST", url);
  g_autoptr(GBytes) bytes = g_bytes_new (body, strlen (body));
  GAsyncResult *done = NULL;
  g_autoptr(GBytes) answer = NULL;

  soup_message_set_request_body_from_bytes (msg, "application/json", bytes);
  sample->announced_us = g_get_monotonic_time ();
  soup_session_send_and_read_async (bench->session, msg, G_PRIORITY_DEFAULT, NULL, hub_store_result, &done);
  hub_wait (&done);
  answer = soup_session_send_and_read_finish (bench->session, done, NULL);
  g_object_unref (done);
  g_assert_cmpuint (soup_message_get_status (msg), ==, 200);
}

static int
compare_doubles (gconstpointer a, gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

static void
report_samples (Bench *bench, const char *label)
{
  g_autoptr(GArray) ms = g_array_new (FALSE, FALSE, sizeof (double));
  g_autofree char *p50 = g_strdup_printf ("announce_to_staging_%s_p50", label);
  g_autofree char *p95 = g_strdup_printf ("announce_to_staging_%s_p95", label);
  g_autofree char *max = g_strdup_printf ("announce_to_staging_%s_max", label);

  for (guint i = 0; i < bench->samples->len; i++)
    {
      Sample *sample = g_ptr_array_index (bench->samples, i);
      double value = (sample->shown_us - sample->announced_us) / 1000.0;

      g_assert_cmpint (sample->shown_us, >, 0);
      g_array_append_val (ms, value);
    }
  g_array_sort (ms, compare_doubles);
  report (p50, g_array_index (ms, double, ms->len / 2), "ms");
  report (p95, g_array_index (ms, double, MIN (ms->len - 1, (guint) (ms->len * 0.95))), "ms");
  report (max, g_array_index (ms, double, ms->len - 1), "ms");
}

static gboolean
all_shown (Bench *bench)
{
  for (guint i = 0; i < bench->samples->len; i++)
    if (((Sample *) g_ptr_array_index (bench->samples, i))->shown_us == 0)
      return FALSE;
  return TRUE;
}

static void
sample_free (Sample *sample)
{
  g_free (sample->ref);
  g_free (sample->token);
  g_free (sample);
}

/* @n announcements for orders P00001…, @spread_ms apart on average (random). */
static void
run (Bench *bench, CurbSigningKey *key, guint first, guint n, guint spread_ms, const char *label)
{
  gint64 deadline;

  g_ptr_array_set_size (bench->samples, 0);
  for (guint i = 0; i < n; i++)
    {
      Sample *sample = g_new0 (Sample, 1);
      g_autoptr(CurbTokenClaims) claims = NULL;

      sample->ref = g_strdup_printf ("P%05u", first + i);
      claims = curb_token_claims_new (HUB_TEST_STORE_ID, sample->ref, g_get_real_time () / G_USEC_PER_SEC + 3600);
      sample->token = curb_token_sign (key, claims, NULL);
      g_ptr_array_add (bench->samples, sample);
    }
  for (guint i = 0; i < n; i++)
    {
      hub_spin (g_random_int_range (0, 2 * spread_ms + 1));
      announce (bench, g_ptr_array_index (bench->samples, i));
    }
  deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;
  while (!all_shown (bench) && g_get_monotonic_time () < deadline)
    hub_spin (5);
  report_samples (bench, label);
}

int
main (int argc, char **argv)
{
  HubFixture fx = { 0 };
  g_autoptr(CentralFixture) central = NULL;
  g_autoptr(CurbSigningKey) key = curb_signing_key_generate ("c9", NULL);
  g_autoptr(JsonArray) keys = curb_central_issuer_public_keys (key);
  g_autoptr(CurbCentralConnector) connector = NULL;
  g_autoptr(CurbSync) sync = NULL;
  g_autoptr(CurbHubStream) stream = NULL;
  g_autofree char *hints = NULL;
  guint n = argc > 1 ? (guint) g_ascii_strtoull (argv[1], NULL, 10) : 20;
  Bench bench = { 0 };
  gboolean ok;

  hub_fixture_setup (&fx, NULL);
  central = central_fixture_new (2 * n + 2);
  curb_central_server_set_keys (central->server, keys);
  connector = curb_central_connector_new (central->url, FIXTURE_STORE, FIXTURE_KEY, NULL);
  sync = curb_sync_new (fx.store, CURB_CONNECTOR (connector));   /* default poll: 15 s */
  curb_hub_set_sync (fx.hub, sync);
  curb_sync_start (sync);
  bench = (Bench) { &fx, central, hub_fixture_device (&fx, CURB_DEVICE_ROLE_STAGING, NULL),
                    g_ptr_array_new_with_free_func ((GDestroyNotify) sample_free), soup_session_new () };
  stream = curb_hub_client_open_stream (bench.staging, 0);
  g_signal_connect (stream, "orders-changed", G_CALLBACK (on_orders_changed), &bench);
  curb_hub_stream_start (stream);
  while (!curb_sync_get_online (sync) || curb_sync_get_last_caught_up (sync) == 0)
    hub_spin (20);

  /* the default poll: announcements at random moments of it */
  run (&bench, key, 1, n, 1500, "poll15s");
  /* with central's change hints */
  hints = g_strdup_printf ("%s/v1/hints", fx.url);
  curb_central_server_set_hint_url (central->server, hints);
  run (&bench, key, n + 1, n, 200, "hints");
  ok = all_shown (&bench);

  curb_hub_stream_stop (stream);
  curb_sync_stop (sync);
  curb_hub_set_sync (fx.hub, NULL);
  g_ptr_array_unref (bench.samples);
  g_object_unref (bench.staging);
  g_object_unref (bench.session);
  hub_fixture_teardown (&fx, NULL);
  return ok ? 0 : 1;
}
