/* Hub API requests: the first byte picks a route (check-in, lookup, events,
 * heartbeat, staff sign-in, staff actions, enrollment), the rest is the
 * request body, sent over HTTP/1.1 to a real CurbHub (plain HTTP on
 * 127.0.0.1, run by its own thread on the default main context, a real
 * store). Properties:
 * the hub answers every request, never with a 5xx, and keeps serving. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sqlite3.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "curb-hub.h"
#include "curb-store-private.h"
#include "curbside-core.h"
#include "fuzz-target.h"

typedef struct
{
  const char *path;
  gboolean    staff;   /* staging credential + staff session */
} Route;

static const Route routes[] = {
  { "/v1/checkins", FALSE },
  { "/v1/lookup", FALSE },
  { "/v1/events", FALSE },
  { "/v1/heartbeat", FALSE },
  { "/v1/staff/session", TRUE },
  { "/v1/orders/F1/claim", TRUE },
  { "/v1/orders/F2/handover", TRUE },
  { "/v1/orders/F2/stage", TRUE },
  { "/v1/orders/F1/substitutions", FALSE },
  { "/v1/enroll", FALSE },
};

static guint16 hub_port;
static char *kiosk_credential;
static char *staging_credential;
static char *staff_session;
static int connection = -1;
static char *store_dir;
static char *store_path;

/* --- the hub in its own thread --- */

static char *
enroll (CurbStore *store, CurbDeviceRole role)
{
  g_autofree char *code = curb_store_create_enrollment_code (store, role, 60000, NULL);
  g_autofree char *device_id = NULL;
  char *credential = NULL;

  g_assert (curb_store_enroll_device (store, code, "fuzz", &device_id, &credential, NULL, NULL));
  return credential;
}

static void
seed_store (CurbStore *store)
{
  for (guint i = 1; i <= 3; i++)
    {
      g_autofree char *text = g_strdup_printf (
          "{\"ref\": \"F%u\", \"store_id\": \"store-001\", \"version\": 1, \"first_name\": \"Sam\","
          " \"last_initial\": \"R\", \"surname\": \"Rivera\", \"phone_last4\": \"0142\","
          " \"window_start\": \"2026-11-27T15:00:00.000Z\", \"window_end\": \"2026-11-27T16:00:00.000Z\","
          " \"age_restricted\": false, \"lines\": [{\"id\": \"L1\", \"sku\": \"E\", \"name\": \"Eggs\", \"qty\": 2,"
          " \"temperature\": \"chilled\"}], \"substitutions\": [{\"id\": \"S1\", \"line_id\": \"L1\", \"original\": \"Eggs\","
          " \"replacement\": \"Eggs 6\", \"qty\": 1, \"status\": \"pending\"}], \"cancelled\": false}", i);
      g_autoptr(JsonNode) node = json_from_string (text, NULL);
      g_assert (curb_store_upsert_order (store, json_node_get_object (node), NULL, NULL, NULL, NULL));
    }
  g_assert (curb_store_add_staff (store, "st-1", "Robin", CURB_STAFF_ROLE_STAFF, "2468", NULL, NULL));
  kiosk_credential = enroll (store, CURB_DEVICE_ROLE_KIOSK);
  staging_credential = enroll (store, CURB_DEVICE_ROLE_STAGING);
}

static gpointer
run_hub (gpointer data)
{
  g_autoptr(CurbStore) store = NULL;
  g_autoptr(CurbKeyring) keyring = curb_keyring_new ();
  CurbHub *hub;

  /* statics: the thread never ends, and LeakSanitizer must see them */
  store_dir = g_dir_make_tmp ("curbside-fuzz-hub-XXXXXX", NULL);
  store_path = g_build_filename (store_dir, "store.db", NULL);
  store = curb_store_open (store_path, NULL);
  g_assert (store != NULL);
  /* what is fuzzed is the request handling, not durability: no fsync per write */
  sqlite3_exec (curb_store_get_db (store), "PRAGMA synchronous = OFF", NULL, NULL, NULL);
  seed_store (store);
  hub = curb_hub_new (store, keyring, "store-001");
  curb_hub_set_lookup_limits (hub, G_MAXINT / 2, G_MAXINT / 2);
  g_assert (curb_hub_listen (hub, "127.0.0.1", 0, NULL));
  g_atomic_int_set ((gint *) data, curb_hub_get_port (hub));
  /* the global default context (the hub's idle flushes use it); only this
   * thread iterates it */
  for (;;)
    g_main_context_iteration (NULL, TRUE);
  return NULL;
}

/* --- a plain HTTP/1.1 client --- */

static int
connect_hub (void)
{
  struct sockaddr_in addr = { .sin_family = AF_INET, .sin_port = htons (hub_port) };
  int fd = socket (AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  int one = 1;

  addr.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
  g_assert (fd >= 0 && connect (fd, (struct sockaddr *) &addr, sizeof addr) == 0);
  setsockopt (fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  return fd;
}

static gboolean
send_all (int fd, const void *data, gsize length)
{
  const char *p = data;

  while (length > 0)
    {
      ssize_t n = send (fd, p, length, MSG_NOSIGNAL);
      if (n <= 0)
        return FALSE;
      p += n;
      length -= n;
    }
  return TRUE;
}

/* The status of one answer (its body read and dropped); 0 when the
 * connection closed first. */
static guint
read_answer (int fd, char **out_body)
{
  g_autoptr(GString) buffer = g_string_new (NULL);
  char chunk[8192];
  const char *end, *length_header;
  gsize want, head_length;

  while ((end = strstr (buffer->str, "\r\n\r\n")) == NULL)
    {
      ssize_t n = recv (fd, chunk, sizeof chunk, 0);
      if (n <= 0)
        return 0;
      g_string_append_len (buffer, chunk, n);
    }
  length_header = g_strstr_len (buffer->str, end - buffer->str, "Content-Length: ");
  head_length = (end - buffer->str) + 4;
  want = head_length + (length_header != NULL ? g_ascii_strtoull (length_header + 16, NULL, 10) : 0);
  while (buffer->len < want)
    {
      ssize_t n = recv (fd, chunk, MIN (sizeof chunk, want - buffer->len), 0);
      if (n <= 0)
        return 0;
      g_string_append_len (buffer, chunk, n);
    }
  if (out_body != NULL)
    *out_body = g_strdup (buffer->str + head_length);
  return (guint) g_ascii_strtoull (buffer->str + 9, NULL, 10);
}

static guint
request (const Route *route, const guint8 *body, gsize length, char **out_body)
{
  g_autofree char *head = g_strdup_printf (
      "POST %s HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
      "Authorization: Bearer %s\r\n%s%s%sContent-Length: %zu\r\n\r\n", route->path,
      route->staff ? staging_credential : kiosk_credential,
      route->staff && staff_session != NULL ? "X-Curbside-Staff-Session: " : "",
      route->staff && staff_session != NULL ? staff_session : "",
      route->staff && staff_session != NULL ? "\r\n" : "", length);
  g_autoptr(GByteArray) message = g_byte_array_new ();
  guint status;

  g_byte_array_append (message, (const guint8 *) head, strlen (head));
  g_byte_array_append (message, body, length);
  if (connection < 0)
    connection = connect_hub ();
  if (send_all (connection, message->data, message->len) && (status = read_answer (connection, out_body)) != 0)
    return status;
  /* the hub may close a connection after an error answer: once more on a new one */
  close (connection);
  connection = connect_hub ();
  g_assert (send_all (connection, message->data, message->len));
  return read_answer (connection, out_body);
}

static void
ensure_hub (void)
{
  gint port = 0;
  const char *sign_in = "{\"staff_id\": \"st-1\", \"pin\": \"2468\"}";
  g_autofree char *answer = NULL;
  g_autoptr(JsonNode) reply = NULL;

  if (hub_port != 0)
    return;
  g_thread_unref (g_thread_new ("hub", run_hub, &port));
  while (g_atomic_int_get (&port) == 0)
    g_usleep (1000);
  hub_port = port;
  g_assert (request (&routes[4], (const guint8 *) sign_in, strlen (sign_in), &answer) == 200);
  reply = json_from_string (answer, NULL);
  staff_session = g_strdup (json_object_get_string_member (json_node_get_object (reply), "session"));
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  const Route *route;
  guint status;

  ensure_hub ();
  if (size == 0)
    return 0;
  route = &routes[data[0] % G_N_ELEMENTS (routes)];
  status = request (route, data + 1, MIN (size - 1, 70 * 1024), NULL);
  if (status == 0 || status >= 500)
    g_error ("%s answered %u", route->path, status);
  return 0;
}
