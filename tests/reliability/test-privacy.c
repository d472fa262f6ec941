/* Privacy after a full run of the real hub: check-ins by token, manual
 * lookups by surname and phone, staff claims and handoffs, central
 * acknowledging every event, then the retention window passing
 * (curb_store_purge_personal). The raw bytes of the database, its WAL and
 * shared-memory files (free pages and slack included) and everything the hub
 * wrote to stdout/stderr (debug level on) are scanned for the shoppers'
 * names, surnames and phone numbers. */
#include <signal.h>

#include "curb-hub-rig.h"
#include "curb-test-helpers.h"

#define N_ORDERS   24
#define N_HANDED   16    /* R00000 … R00015 are handed over; the rest stay active */

static void
call_ok (CurbHubRig *rig,
         const char *method,
         const char *path,
         const char *credential,
         const char *session,
         const char *body)
{
  g_autofree char *answer = NULL;
  guint status = curb_hub_rig_raw (rig, method, path, credential, session, body, -1, &answer);

  if (status != 200)
    g_error ("%s %s → %u %s", method, path, status, answer);
}

static char *
sign_in (CurbHubRig *rig)
{
  g_autofree char *answer = NULL;
  g_autoptr(JsonNode) reply = NULL;

  g_assert_cmpuint (curb_hub_rig_raw (rig, "POST", "/v1/staff/session", rig->staging->pdata[0], NULL,
                                      "{\"staff_id\": \"" CURB_RIG_STAFF_ID "\", \"pin\": \"" CURB_RIG_STAFF_PIN "\"}",
                                      -1, &answer), ==, 200);
  reply = json_from_string (answer, NULL);
  return g_strdup (json_object_get_string_member (json_node_get_object (reply), "session"));
}

/* Half check in by token, half by lookup (surname or phone) and ticket. */
static void
check_in (CurbHubRig *rig,
          guint       index)
{
  g_autofree char *ref = curb_hub_rig_ref (index);
  const char *kiosk = rig->kiosks->pdata[0];
  g_autofree char *body = NULL;

  if (index % 2 == 0)
    {
      g_autofree char *token = curb_hub_rig_token (rig, CURB_RIG_STORE_ID, ref);
      body = g_strdup_printf ("{\"token\": \"%s\", \"bay\": \"1\"}", token);
    }
  else
    {
      const char *surname = rig->personal->pdata[index * 3 + 1];
      const char *phone = rig->personal->pdata[index * 3 + 2];
      g_autofree char *lookup = index % 4 == 1
          ? g_strdup_printf ("{\"ref\": \"%s\", \"surname\": \"%s\"}", ref, surname)
          : g_strdup_printf ("{\"ref\": \"%s\", \"phone_last4\": \"%s\"}", ref, phone + strlen (phone) - 4);
      g_autofree char *answer = NULL;
      g_autoptr(JsonNode) reply = NULL;

      g_assert_cmpuint (curb_hub_rig_raw (rig, "POST", "/v1/lookup", kiosk, NULL, lookup, -1, &answer), ==, 200);
      reply = json_from_string (answer, NULL);
      body = g_strdup_printf ("{\"ticket\": \"%s\", \"bay\": \"2\"}",
                              json_object_get_string_member (json_node_get_object (reply), "ticket"));
    }
  call_ok (rig, "POST", "/v1/checkins", kiosk, NULL, body);
}

static void
full_run (CurbHubRig *rig)
{
  g_autofree char *session = NULL;

  curb_hub_rig_start (rig);
  session = sign_in (rig);
  for (guint i = 0; i < N_ORDERS; i++)
    {
      g_autofree char *ref = curb_hub_rig_ref (i);
      g_autofree char *claim = g_strdup_printf ("/v1/orders/%s/claim", ref);
      g_autofree char *handover = g_strdup_printf ("/v1/orders/%s/handover", ref);
      g_autofree char *wrong = g_strdup_printf ("{\"ref\": \"%s\", \"surname\": \"Nobody\"}", ref);

      /* a failed lookup too: its answer and log must not echo anything */
      curb_hub_rig_raw (rig, "POST", "/v1/lookup", rig->kiosks->pdata[1], NULL, wrong, -1, NULL);
      check_in (rig, i);
      if (i >= N_HANDED)
        continue;
      call_ok (rig, "POST", claim, rig->staging->pdata[0], session, "{}");
      call_ok (rig, "POST", handover, rig->staging->pdata[0], session, "{\"id_checked\": true}");
    }
  call_ok (rig, "GET", "/v1/orders?view=board", rig->staging->pdata[0], session, NULL);
  curb_hub_rig_stop (rig, SIGTERM);
}

/* Central acknowledges everything; the retention window passes. The
 * store stays open, as in the running hub. */
static guint
hand_over_and_purge (CurbHubRig *rig,
                     CurbStore  *store)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) due = NULL;
  guint purged = 0;

  g_assert_no_error (error);
  due = curb_store_outbox_peek (store, G_MAXINT, G_MAXINT64, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < due->len; i++)
    g_assert_true (curb_store_outbox_ack (store, curb_event_get_id (due->pdata[i]), &error));
  g_usleep (10000);
  g_assert_true (curb_store_purge_personal (store, 1, &purged, &error));
  g_assert_no_error (error);
  return purged;
}

static guint
count_hits (const char *path,
            const char *needle)
{
  g_autofree char *contents = NULL;
  gsize length = 0, needle_length = strlen (needle);
  guint hits = 0;

  if (!g_file_get_contents (path, &contents, &length, NULL))
    return 0;
  for (const char *p = contents; p + needle_length <= contents + length;
       p = (const char *) memchr (p + 1, needle[0], contents + length - p - 1))
    {
      if (p == NULL)
        break;
      if (memcmp (p, needle, needle_length) == 0)
        hits++;
    }
  return hits;
}

/* Every file the hub leaves behind, for every string that must be gone. */
static guint
scan (CurbHubRig *rig,
      GPtrArray  *forbidden,
      gboolean    report)
{
  g_autofree char *wal = g_strconcat (rig->db, "-wal", NULL);
  g_autofree char *shm = g_strconcat (rig->db, "-shm", NULL);
  const char *files[] = { rig->db, wal, shm, rig->log_path };
  guint total = 0;

  for (guint f = 0; f < G_N_ELEMENTS (files); f++)
    for (guint i = 0; i < forbidden->len; i++)
      {
        guint hits = count_hits (files[f], forbidden->pdata[i]);
        if (hits > 0 && report)
          g_test_message ("found “%s” %u× in %s", (char *) forbidden->pdata[i], hits, files[f]);
        total += hits;
      }
  return total;
}

static GPtrArray *
forbidden_strings (CurbHubRig *rig)
{
  GPtrArray *forbidden = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < N_ORDERS; i++)
    {
      const char *first = rig->personal->pdata[i * 3];
      const char *surname = rig->personal->pdata[i * 3 + 1];
      const char *phone = rig->personal->pdata[i * 3 + 2];

      /* first names are the store's to show until the retention window ends */
      if (i < N_HANDED)
        g_ptr_array_add (forbidden, g_strdup (first));
      /* surnames and phones never leave central in clear */
      g_ptr_array_add (forbidden, g_strdup (surname));
      g_ptr_array_add (forbidden, g_ascii_strdown (surname, -1));
      g_ptr_array_add (forbidden, g_strdup (phone + 1));
    }
  return forbidden;
}

static void
test_nothing_personal_left (void)
{
  g_autoptr(CurbStore) store = NULL;
  g_autoptr(GError) error = NULL;
  CurbHubRig *rig = curb_hub_rig_new (2, 1, "[rate-limits]\nlookup-per-device-per-minute = 1000\n"
                                     "lookup-per-store-per-minute = 10000\n");
  g_autoptr(GPtrArray) forbidden = NULL;
  g_autofree char *log = NULL;
  g_autofree char *wal = NULL;
  gsize log_length = 0;
  guint purged, hits, hits_open;

  curb_hub_rig_add_orders (rig, N_ORDERS);
  full_run (rig);
  store = curb_store_open (rig->db, &error);
  g_assert_no_error (error);
  purged = hand_over_and_purge (rig, store);
  forbidden = forbidden_strings (rig);
  hits_open = scan (rig, forbidden, TRUE);
  g_clear_object (&store);
  hits = scan (rig, forbidden, TRUE);
  g_file_get_contents (rig->log_path, &log, &log_length, NULL);
  g_test_message ("%u orders handed over and purged; scanned the database, WAL, shm and %" G_GSIZE_FORMAT
                  " bytes of hub log for %u strings: %u found with the store open, %u after it closed",
                  purged, log_length, forbidden->len, hits_open, hits);
  g_assert_cmpuint (purged, ==, N_HANDED);
  g_assert_cmpuint (hits_open, ==, 0);
  g_assert_cmpuint (hits, ==, 0);
  /* the scan itself works: active orders' first names are still there */
  wal = g_strconcat (rig->db, "-wal", NULL);
  g_assert_cmpuint (count_hits (rig->db, rig->personal->pdata[N_HANDED * 3]) +
                    count_hits (wal, rig->personal->pdata[N_HANDED * 3]), >, 0);
  curb_hub_rig_free (rig);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/privacy/nothing-personal-left", test_nothing_personal_left);
  return g_test_run ();
}
