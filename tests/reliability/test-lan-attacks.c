/* Attacks on the LAN API of the real curbside-hub process: missing, wrong,
 * revoked and under-privileged credentials, forged staff sessions, tokens of
 * another store or key, replays, brute-force lookups and sign-ins, oversized
 * and malformed bodies, and slow clients holding connections. Every attack
 * is refused without a shopper's data in the answer, and a normal staging
 * station keeps being served meanwhile (its latency is measured).
 *
 * CURB_ATTACK_SLOW_CLIENTS (default 100) sets the slow connections;
 * tests/reliability/run-lan-attacks.sh also runs 1,100 of them against a
 * hub limited to 1,024 descriptors (systemd's default soft limit). */
#include <arpa/inet.h>
#include <signal.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "curb-hub-rig.h"
#include "curb-test-helpers.h"

typedef struct
{
  CurbHubRig *rig;
  char       *session;     /* st-1 signed in on staging 0 */
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autofree char *body = NULL;
  g_autoptr(JsonNode) reply = NULL;

  fixture->rig = curb_hub_rig_new (2, 2, NULL);
  curb_hub_rig_add_orders (fixture->rig, 40);
  curb_hub_rig_start (fixture->rig);
  g_assert_cmpuint (curb_hub_rig_raw (fixture->rig, "POST", "/v1/staff/session", fixture->rig->staging->pdata[0],
                                      NULL, "{\"staff_id\": \"" CURB_RIG_STAFF_ID "\", \"pin\": \"" CURB_RIG_STAFF_PIN "\"}",
                                      -1, &body), ==, 200);
  reply = json_from_string (body, NULL);
  fixture->session = g_strdup (json_object_get_string_member (json_node_get_object (reply), "session"));
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  curb_hub_rig_free (fixture->rig);
  g_free (fixture->session);
}

/* No name, surname, phone or order line of any shopper in @text. */
static void
assert_no_personal_data (CurbHubRig *rig,
                         const char *what,
                         const char *text)
{
  for (guint i = 0; i < rig->personal->len; i++)
    if (strstr (text, rig->personal->pdata[i]) != NULL)
      g_error ("%s: the answer leaks “%s”: %s", what, (char *) rig->personal->pdata[i], text);
  if (strstr (text, "first_name") != NULL || strstr (text, "\"lines\"") != NULL)
    g_error ("%s: the answer carries order data: %s", what, text);
}

static guint
attack (Fixture    *fixture,
        const char *name,
        const char *method,
        const char *path,
        const char *credential,
        const char *session,
        const char *body,
        guint       expected)
{
  g_autofree char *answer = NULL;
  guint status = curb_hub_rig_raw (fixture->rig, method, path, credential, session, body, -1, &answer);

  g_test_message ("attack %-44s → %u", name, status);
  assert_no_personal_data (fixture->rig, name, answer);
  if (expected != 0)
    g_assert_cmpuint (status, ==, expected);
  else
    g_assert_true (status >= 400 && status < 500);
  return status;
}

static char *
checkin_body (const char *token,
              const char *event_id)
{
  return g_strdup_printf ("{\"token\": \"%s\", \"bay\": \"2\", \"event_id\": \"%s\"}", token, event_id);
}

static void
test_credentials (Fixture       *fixture,
                  gconstpointer  data)
{
  CurbHubRig *rig = fixture->rig;
  const char *kiosk = rig->kiosks->pdata[0], *staging = rig->staging->pdata[1];
  g_autofree char *wrong = g_strnfill (64, 'a');
  g_autofree char *token = curb_hub_rig_token (rig, CURB_RIG_STORE_ID, "R00001");
  g_autofree char *checkin = checkin_body (token, "attack-1");

  attack (fixture, "no credential: read an order", "GET", "/v1/orders/R00000", NULL, NULL, NULL, 401);
  attack (fixture, "no credential: check in", "POST", "/v1/checkins", NULL, NULL, checkin, 401);
  attack (fixture, "no credential: board", "GET", "/v1/orders?view=board", NULL, NULL, NULL, 401);
  attack (fixture, "no credential: event stream", "GET", "/v1/stream", NULL, NULL, NULL, 401);
  attack (fixture, "wrong credential", "GET", "/v1/orders/R00000", wrong, NULL, NULL, 401);
  attack (fixture, "revoked credential", "GET", "/v1/orders/R00000", rig->revoked, NULL, NULL, 401);
  attack (fixture, "revoked credential: check in", "POST", "/v1/checkins", rig->revoked, NULL, checkin, 401);
  attack (fixture, "kiosk: board", "GET", "/v1/orders?view=board", kiosk, NULL, NULL, 403);
  attack (fixture, "kiosk: claim", "POST", "/v1/orders/R00001/claim", kiosk, NULL, "{}", 403);
  attack (fixture, "kiosk: hand over", "POST", "/v1/orders/R00001/handover", kiosk, NULL, "{\"id_checked\": true}", 403);
  attack (fixture, "kiosk: staff sign-in", "POST", "/v1/staff/session", kiosk, NULL,
          "{\"staff_id\": \"st-1\", \"pin\": \"2468\"}", 403);
  attack (fixture, "kiosk: device list", "GET", "/v1/devices", kiosk, NULL, NULL, 403);
  attack (fixture, "kiosk with a stolen staff session: claim", "POST", "/v1/orders/R00001/claim", kiosk,
          fixture->session, "{}", 403);
  attack (fixture, "staging without staff session: claim", "POST", "/v1/orders/R00001/claim", staging, NULL, "{}", 0);
  attack (fixture, "staging with a forged staff session", "POST", "/v1/orders/R00001/claim", staging,
          "0123456789abcdef0123456789abcdef", "{}", 0);
  attack (fixture, "staging with another station's session", "POST", "/v1/orders/R00001/claim", staging,
          fixture->session, "{}", 0);
}

static void
test_tokens (Fixture       *fixture,
             gconstpointer  data)
{
  CurbHubRig *rig = fixture->rig;
  const char *kiosk = rig->kiosks->pdata[0];
  g_autoptr(GError) error = NULL;
  g_autoptr(CurbSigningKey) attacker = curb_signing_key_generate ("k1", &error);
  g_autoptr(CurbTokenClaims) claims = curb_token_claims_new (CURB_RIG_STORE_ID, "R00004", g_get_real_time () / G_USEC_PER_SEC + 600);
  g_autofree char *forged = curb_token_sign (attacker, claims, &error);
  g_autofree char *other_store = curb_hub_rig_token (rig, "store-002", "R00004");
  g_autofree char *valid = curb_hub_rig_token (rig, CURB_RIG_STORE_ID, "R00005");
  g_autofree char *forged_body = checkin_body (forged, "t-1");
  g_autofree char *other_body = checkin_body (other_store, "t-2");
  g_autofree char *first = checkin_body (valid, "t-3");
  g_autofree char *replay = checkin_body (valid, "t-4");
  g_autofree char *answer = NULL;

  attack (fixture, "token signed by an unknown key (same kid)", "POST", "/v1/checkins", kiosk, NULL, forged_body, 0);
  attack (fixture, "token of another store", "POST", "/v1/checkins", kiosk, NULL, other_body, 0);
  g_assert_cmpuint (curb_hub_rig_raw (rig, "POST", "/v1/checkins", kiosk, NULL, first, -1, &answer), ==, 200);
  /* a replayed token with a new event id: the order is already there */
  g_test_message ("attack %-44s → %u", "replayed token (new event id)",
                  curb_hub_rig_raw (rig, "POST", "/v1/checkins", kiosk, NULL, replay, -1, NULL));
  g_clear_pointer (&answer, g_free);
  g_assert_cmpuint (curb_hub_rig_raw (rig, "GET", "/v1/orders/R00005", kiosk, NULL, NULL, -1, &answer), ==, 200);
  g_assert_nonnull (strstr (answer, "\"state\":\"arrived\""));
  g_assert_cmpuint (curb_hub_rig_raw (rig, "POST", "/v1/orders/R00005/claim", rig->staging->pdata[0],
                                      fixture->session, "{}", -1, NULL), ==, 200);
  g_assert_cmpuint (curb_hub_rig_raw (rig, "POST", "/v1/orders/R00005/handover", rig->staging->pdata[0],
                                      fixture->session, "{\"id_checked\": true}", -1, NULL), ==, 200);
  g_clear_pointer (&replay, g_free);
  g_clear_pointer (&answer, g_free);
  replay = checkin_body (valid, "t-5");
  g_assert_cmpuint (curb_hub_rig_raw (rig, "POST", "/v1/checkins", kiosk, NULL, replay, -1, &answer), ==, 409);
  g_test_message ("attack %-44s → 409 %s", "replayed token after the handover", answer);
  /* closed: the same answer as any closed order, and nothing of the order */
  g_assert_nonnull (strstr (answer, "\"order_closed\""));
  assert_no_personal_data (rig, "replayed token after the handover", answer);
  g_assert_null (strstr (answer, "handed_over"));
}

static void
test_brute_force (Fixture       *fixture,
                  gconstpointer  data)
{
  CurbHubRig *rig = fixture->rig;
  const char *kiosk = rig->kiosks->pdata[1];
  guint allowed = 0, limited = 0, pins_allowed = 0, codes_allowed = 0;
  g_autofree char *right = NULL;

  for (guint i = 0; i < 40; i++)
    {
      g_autofree char *body = g_strdup_printf ("{\"ref\": \"R00006\", \"surname\": \"Guess%c%c\"}", 'a' + i / 26, 'a' + i % 26);
      g_autofree char *answer = NULL;
      guint status = curb_hub_rig_raw (rig, "POST", "/v1/lookup", kiosk, NULL, body, -1, &answer);
      assert_no_personal_data (rig, "lookup brute force", answer);
      if (status == 429)
        limited++;
      else
        {
          g_assert_cmpuint (status, ==, 404);
          allowed++;
        }
    }
  /* the right surname does not get through the limit either */
  right = g_strdup_printf ("{\"ref\": \"R00006\", \"surname\": \"%s\"}", (char *) rig->personal->pdata[6 * 3 + 1]);
  g_assert_cmpuint (curb_hub_rig_raw (rig, "POST", "/v1/lookup", kiosk, NULL, right, -1, NULL), ==, 429);
  for (guint i = 0; i < 20; i++)
    {
      g_autofree char *body = g_strdup_printf ("{\"staff_id\": \"st-1\", \"pin\": \"%04u\"}", 1000 + i);
      if (curb_hub_rig_raw (rig, "POST", "/v1/staff/session", rig->staging->pdata[1], NULL, body, -1, NULL) != 429)
        pins_allowed++;
    }
  for (guint i = 0; i < 20; i++)
    {
      g_autofree char *body = g_strdup_printf ("{\"code\": \"ZZZZ%04u\", \"name\": \"evil\"}", i);
      if (curb_hub_rig_raw (rig, "POST", "/v1/enroll", NULL, NULL, body, -1, NULL) != 429)
        codes_allowed++;
    }
  g_test_message ("brute force: lookups %u answered then %u refused with 429 (the right surname too); "
                  "PIN guesses answered %u/20; enrollment-code guesses answered %u/20",
                  allowed, limited, pins_allowed, codes_allowed);
  g_assert_cmpuint (allowed, <=, 10);
  g_assert_cmpuint (limited, >=, 30);
  g_assert_cmpuint (pins_allowed, <, 20);
}

static void
test_hostile_bodies (Fixture       *fixture,
                     gconstpointer  data)
{
  CurbHubRig *rig = fixture->rig;
  const char *kiosk = rig->kiosks->pdata[0];
  g_autofree char *big = g_strnfill (1024 * 1024, ' ');
  g_autofree char *deep = NULL;
  g_autoptr(GString) nested = g_string_new (NULL);
  g_autofree char *answer = NULL;

  big[0] = '{';
  big[1024 * 1024 - 1] = '}';
  attack (fixture, "1 MiB body", "POST", "/v1/checkins", kiosk, NULL, big, 413);
  for (guint i = 0; i < 20000; i++)
    g_string_append_c (nested, '[');
  deep = g_strdup_printf ("{\"token\": %s}", nested->str);
  attack (fixture, "JSON nested 20,000 deep", "POST", "/v1/checkins", kiosk, NULL, deep, 0);
  attack (fixture, "invalid UTF-8", "POST", "/v1/checkins", kiosk, NULL, "{\"token\": \"\xff\xfe\", \"bay\": \"1\"}", 0);
  attack (fixture, "not JSON", "POST", "/v1/checkins", kiosk, NULL, "token=1&bay=2", 0);
  attack (fixture, "path traversal", "GET", "/v1/orders/..%2F..%2Fetc%2Fpasswd", kiosk, NULL, NULL, 0);
  attack (fixture, "SQL in a reference", "GET", "/v1/orders/R1'%20OR%20'1'='1", kiosk, NULL, NULL, 0);
  g_assert_cmpuint (curb_hub_rig_raw (rig, "GET", "/metrics", NULL, NULL, NULL, -1, &answer), ==, 200);
  assert_no_personal_data (rig, "/metrics without credential", answer);
  g_clear_pointer (&answer, g_free);
  g_assert_cmpuint (curb_hub_rig_raw (rig, "GET", "/healthz", NULL, NULL, NULL, -1, &answer), ==, 200);
  assert_no_personal_data (rig, "/healthz without credential", answer);
}

/* --- slow clients --- */

typedef struct
{
  guint16  port;
  guint    count;
  gint     stop;
  guint    opened;
  guint    closed_by_hub;
  GThread *thread;
} Slowloris;

static int
connect_to (guint16 port)
{
  struct sockaddr_in addr = { .sin_family = AF_INET, .sin_port = htons (port) };
  int fd = socket (AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

  addr.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
  if (fd >= 0 && connect (fd, (struct sockaddr *) &addr, sizeof addr) != 0)
    {
      close (fd);
      return -1;
    }
  return fd;
}

/* Each socket starts a TLS handshake record and sends one byte of it a
 * second: the record never completes. */
static gpointer
slowloris_loop (gpointer data)
{
  Slowloris *slow = data;
  g_autofree int *fds = g_new (int, slow->count);
  static const guint8 record[] = { 0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, 0xfc, 0x03, 0x03 };
  guint sent = 0;

  for (guint i = 0; i < slow->count; i++)
    if ((fds[i] = connect_to (slow->port)) >= 0)
      slow->opened++;
  while (!g_atomic_int_get (&slow->stop))
    {
      for (guint i = 0; i < slow->count; i++)
        if (fds[i] >= 0 && send (fds[i], record + sent % sizeof record, 1, MSG_NOSIGNAL) != 1)
          {
            close (fds[i]);
            fds[i] = -1;
            slow->closed_by_hub++;
          }
      sent++;
      for (guint t = 0; t < 10 && !g_atomic_int_get (&slow->stop); t++)
        g_usleep (100000);
    }
  for (guint i = 0; i < slow->count; i++)
    if (fds[i] >= 0)
      close (fds[i]);
  return NULL;
}

static guint16
hub_port (CurbHubRig *rig)
{
  const char *colon = strrchr (rig->url, ':');

  return (guint16) atoi (colon + 1);
}

/* Board reads by a signed-in staging station, each on a new connection (a
 * station that reconnects): latencies in ms; -1 for a failure. */
static GArray *
measure_board (CurbHubRig *rig,
               const char *session,
               guint       n)
{
  GArray *latencies = g_array_new (FALSE, FALSE, sizeof (gdouble));

  for (guint i = 0; i < n; i++)
    {
      gint64 start;
      guint status;

      curb_hub_rig_reset_session (rig, 2);
      start = g_get_monotonic_time ();
      status = curb_hub_rig_raw (rig, "GET", "/v1/orders?view=board", rig->staging->pdata[0], session, NULL, -1, NULL);
      {
        gdouble ms = status == 200 ? (g_get_monotonic_time () - start) / 1000.0 : -1;
        g_array_append_val (latencies, ms);
      }
      g_usleep (20000);
    }
  return latencies;
}

static gint
compare_doubles (gconstpointer a, gconstpointer b)
{
  gdouble x = *(const gdouble *) a, y = *(const gdouble *) b;

  return x < y ? -1 : x > y;
}

static gdouble
percentile (GArray *values, gdouble p)
{
  g_array_sort (values, compare_doubles);
  return g_array_index (values, gdouble, MIN ((guint) (p * values->len), values->len - 1));
}

static guint
failures (GArray *values)
{
  guint n = 0;

  for (guint i = 0; i < values->len; i++)
    n += g_array_index (values, gdouble, i) < 0;
  return n;
}

static void
test_slow_clients (Fixture       *fixture,
                   gconstpointer  data)
{
  CurbHubRig *rig = fixture->rig;
  const char *env = g_getenv ("CURB_ATTACK_SLOW_CLIENTS");
  Slowloris slow = { .port = hub_port (rig), .count = env != NULL ? atoi (env) : 100 };
  g_autoptr(GArray) before = measure_board (rig, fixture->session, 30);
  g_autoptr(GArray) during = NULL;
  g_autoptr(GArray) after = NULL;
  guint fds_before = curb_hub_rig_fd_count (rig), fds_during, threads_during;

  slow.thread = g_thread_new ("slowloris", slowloris_loop, &slow);
  g_usleep (2 * G_USEC_PER_SEC);
  fds_during = curb_hub_rig_fd_count (rig);
  threads_during = curb_hub_rig_thread_count (rig);
  during = measure_board (rig, fixture->session, 10);
  g_atomic_int_set (&slow.stop, 1);
  g_thread_join (slow.thread);
  g_usleep (500000);
  after = measure_board (rig, fixture->session, 20);
  g_test_message ("slow clients: %u opened, %u closed by the hub while the attack ran; hub fds %u → %u → %u, "
                  "threads under attack %u", slow.opened, slow.closed_by_hub, fds_before, fds_during,
                  curb_hub_rig_fd_count (rig), threads_during);
  g_test_message ("board latency ms: before p50 %.1f p99 %.1f; under attack p50 %.1f p99 %.1f (%u failed of %u); after p99 %.1f",
                  percentile (before, 0.5), percentile (before, 0.99), percentile (during, 0.5),
                  percentile (during, 0.99), failures (during), during->len, percentile (after, 0.99));
  g_print ("# {\"name\": \"board-p99-under-slowloris-%u\", \"value\": %.1f, \"unit\": \"ms\"}\n",
           slow.count, percentile (during, 0.99));
  g_assert_cmpuint (failures (after), ==, 0);
  /* TLS handshakes start only on a complete first record and have a
   * deadline: slow clients hold no worker thread, new stations connect */
  g_assert_cmpuint (failures (during), ==, 0);
}

/* A client that connects and says nothing must not keep the hub from
 * stopping (systemd would kill it after TimeoutStopSec=15s). */
static void
test_silent_client_and_sigterm (Fixture       *fixture,
                                gconstpointer  data)
{
  int fd = connect_to (hub_port (fixture->rig));
  gint64 start;
  gboolean in_time;

  g_assert_cmpint (fd, >=, 0);
  g_usleep (200000);
  start = g_get_monotonic_time ();
  in_time = curb_hub_rig_stop (fixture->rig, SIGTERM);
  g_test_message ("SIGTERM with one silent TCP client connected: %s after %.1f s", in_time ? "exited" : "still running, killed",
                  (g_get_monotonic_time () - start) / 1e6);
  close (fd);
  g_assert_true (in_time);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
#define ADD(name, func) g_test_add (name, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/lan-attacks/credentials", test_credentials);
  ADD ("/lan-attacks/tokens", test_tokens);
  ADD ("/lan-attacks/brute-force", test_brute_force);
  ADD ("/lan-attacks/hostile-bodies", test_hostile_bodies);
  ADD ("/lan-attacks/slow-clients", test_slow_clients);
  ADD ("/lan-attacks/silent-client-and-sigterm", test_silent_client_and_sigterm);
#undef ADD
  return g_test_run ();
}
