/* The hub's accept loop: TLS on the hub's own terms, then the connection
 * is handed to libsoup (soup_server_accept_iostream).
 *
 * libsoup's own listener starts a TLS handshake on every accepted socket at
 * once; glib-networking runs it as a blocking call in a worker thread, with
 * no deadline, so a hundred silent sockets took every thread and no kiosk
 * could connect, and closing such a socket waited for its thread forever.
 * Here nothing runs in a thread until the client's first TLS record is
 * complete (a peek from the main loop), and every stage has a deadline. */

#include <errno.h>
#include <gio/gunixsocketaddress.h>
#include <glib/gstdio.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include "curb-hub-listener.h"

#define TLS_RECORD_HEADER 5
#define TLS_HANDSHAKE     0x16
#define MAX_FIRST_RECORD  (16384 + 2048)
#define PEEK_RETRY_MS     100

typedef enum
{
  CONN_PENDING,
  CONN_ESTABLISHED,
  CONN_CLOSED,
} ConnState;

typedef struct
{
  CurbHubListener   *listener;
  GSocketConnection *base;         /* a strong ref while pending */
  GSocket           *socket;       /* weak once established */
  GIOStream         *tls;
  GCancellable      *cancellable;
  char              *address;
  ConnState          state;
  guint              deadline_id;
  guint              peek_id;
  GSource           *readable;
} Conn;

struct _CurbHubListener
{
  GObject          parent_instance;
  SoupServer      *server;
  GTlsCertificate *certificate;
  CurbHubLimits    limits;
  GSocketService  *service;
  GSocket         *keepalive;      /* see keep_alive_for_accepted () */
  guint            port;
  GQueue           pending;        /* Conn, oldest first */
  GList           *established;    /* Conn */
  GHashTable      *per_address;    /* address → guint pending << 16 | established */
};

G_DEFINE_FINAL_TYPE (CurbHubListener, curb_hub_listener, G_TYPE_OBJECT)

static void start_handshake (Conn *conn);

void
curb_hub_limits_init_defaults (CurbHubLimits *limits)
{
  limits->handshake_timeout_s = 10;
  limits->idle_timeout_s = 60;
  limits->max_pending_per_address = 128;
  limits->max_pending = 256;
  limits->max_per_address = 384;
  limits->max_connections = 768;
}

/* --- bookkeeping per address --- */

static guint
count_of (CurbHubListener *self,
          const char      *address,
          ConnState        state)
{
  guint packed = GPOINTER_TO_UINT (g_hash_table_lookup (self->per_address, address));

  return state == CONN_PENDING ? packed >> 16 : packed & 0xffff;
}

static void
add_count (CurbHubListener *self,
           const char      *address,
           ConnState        state,
           int              delta)
{
  guint pending = count_of (self, address, CONN_PENDING);
  guint established = count_of (self, address, CONN_ESTABLISHED);

  if (state == CONN_PENDING)
    pending = (guint) MAX (0, (int) pending + delta);
  else
    established = (guint) MAX (0, (int) established + delta);
  if (pending == 0 && established == 0)
    g_hash_table_remove (self->per_address, address);
  else
    g_hash_table_insert (self->per_address, g_strdup (address),
                         GUINT_TO_POINTER (MIN (pending, 0xffff) << 16 | MIN (established, 0xffff)));
}

/* --- connections --- */

static void
conn_free (Conn *conn)
{
  g_clear_handle_id (&conn->deadline_id, g_source_remove);
  g_clear_handle_id (&conn->peek_id, g_source_remove);
  if (conn->readable != NULL)
    {
      g_source_destroy (conn->readable);
      g_clear_pointer (&conn->readable, g_source_unref);
    }
  g_clear_object (&conn->tls);
  g_clear_object (&conn->base);
  g_clear_object (&conn->cancellable);
  g_free (conn->address);
  g_free (conn);
}

/* Ends a pending connection at once: the socket is shut down (which wakes a
 * handshake thread blocked on it); its descriptor closes with the last
 * reference. */
static void
drop_pending (Conn *conn)
{
  CurbHubListener *self = conn->listener;

  if (conn->state != CONN_PENDING)
    return;
  conn->state = CONN_CLOSED;
  g_queue_remove (&self->pending, conn);
  add_count (self, conn->address, CONN_PENDING, -1);
  g_clear_handle_id (&conn->deadline_id, g_source_remove);
  g_cancellable_cancel (conn->cancellable);
  g_socket_shutdown (conn->socket, TRUE, TRUE, NULL);
}

/* Out of time or making room. A handshake under way ends with an error
 * and its callback frees the connection; otherwise it goes now. */
static void
expire (Conn *conn)
{
  gboolean handshaking = conn->tls != NULL;

  g_debug ("listener: closing %s before its TLS handshake completed", conn->address);
  drop_pending (conn);
  if (!handshaking)
    conn_free (conn);
}

static void
on_established_gone (gpointer  data,
                     GObject  *where_the_socket_was)
{
  Conn *conn = data;
  CurbHubListener *self = conn->listener;

  self->established = g_list_remove (self->established, conn);
  add_count (self, conn->address, CONN_ESTABLISHED, -1);
  conn_free (conn);
}

static void
hand_over (Conn *conn)
{
  CurbHubListener *self = conn->listener;
  GIOStream *stream = conn->tls != NULL ? conn->tls : G_IO_STREAM (conn->base);
  g_autoptr(GSocketAddress) local = g_socket_get_local_address (conn->socket, NULL);
  g_autoptr(GSocketAddress) remote = g_socket_get_remote_address (conn->socket, NULL);
  g_autoptr(GError) error = NULL;

  g_queue_remove (&self->pending, conn);
  add_count (self, conn->address, CONN_PENDING, -1);
  g_clear_handle_id (&conn->deadline_id, g_source_remove);
  conn->state = CONN_ESTABLISHED;
  g_socket_set_timeout (conn->socket, self->limits.idle_timeout_s);
  if (!soup_server_accept_iostream (self->server, stream, local, remote, &error))
    g_debug ("listener: cannot serve %s: %s", conn->address, error->message);
  /* libsoup holds the stream now; the socket's end is the connection's */
  g_object_weak_ref (G_OBJECT (conn->socket), on_established_gone, conn);
  self->established = g_list_prepend (self->established, conn);
  add_count (self, conn->address, CONN_ESTABLISHED, 1);
  g_clear_object (&conn->tls);
  g_clear_object (&conn->base);
}

static void
on_handshake_done (GObject      *source,
                   GAsyncResult *result,
                   gpointer      data)
{
  Conn *conn = data;
  g_autoptr(GError) error = NULL;
  gboolean ok = g_tls_connection_handshake_finish (G_TLS_CONNECTION (source), result, &error);

  if (ok && conn->state == CONN_PENDING)
    {
      hand_over (conn);
      return;
    }
  g_debug ("listener: handshake with %s failed: %s", conn->address, error != NULL ? error->message : "closed");
  drop_pending (conn);
  conn_free (conn);
}

static void
start_handshake (Conn *conn)
{
  g_autoptr(GError) error = NULL;

  /* no certificate database: clients are not asked for certificates, and
   * the default one would load the system's trust store per connection */
  conn->tls = g_initable_new (g_tls_backend_get_server_connection_type (g_tls_backend_get_default ()), NULL, &error,
                              "base-io-stream", conn->base, "certificate", conn->listener->certificate,
                              "database", NULL, "require-close-notify", FALSE, NULL);
  if (conn->tls == NULL)
    {
      g_debug ("listener: %s", error->message);
      drop_pending (conn);
      conn_free (conn);
      return;
    }
  g_tls_connection_handshake_async (G_TLS_CONNECTION (conn->tls), G_PRIORITY_DEFAULT, conn->cancellable,
                                    on_handshake_done, conn);
}

/* How much of the first TLS record is here: -1 not TLS or gone, 0 not yet
 * all of it, 1 complete. */
static int
first_record_state (Conn *conn)
{
  guint8 head[TLS_RECORD_HEADER];
  g_autofree guint8 *record = NULL;
  ssize_t n = recv (g_socket_get_fd (conn->socket), head, sizeof head, MSG_PEEK | MSG_DONTWAIT);
  gsize need;

  if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
    return 0;
  if (n <= 0 || head[0] != TLS_HANDSHAKE)
    return -1;
  if (n < TLS_RECORD_HEADER)
    return 0;
  need = TLS_RECORD_HEADER + ((gsize) head[3] << 8 | head[4]);
  if (need > MAX_FIRST_RECORD)
    return -1;
  record = g_malloc (need);
  n = recv (g_socket_get_fd (conn->socket), record, need, MSG_PEEK | MSG_DONTWAIT);
  return n >= (ssize_t) need ? 1 : 0;
}

static gboolean on_watch_timeout (gpointer data);

static void
check_first_record (Conn *conn)
{
  switch (first_record_state (conn))
    {
    case 1:
      start_handshake (conn);
      break;
    case 0:
      /* part of it is buffered (the socket stays readable): look again later */
      conn->peek_id = g_timeout_add (PEEK_RETRY_MS, on_watch_timeout, conn);
      break;
    default:
      drop_pending (conn);
      conn_free (conn);
      break;
    }
}

static gboolean
on_readable (GSocket      *socket,
             GIOCondition  condition,
             gpointer      data)
{
  Conn *conn = data;

  g_clear_pointer (&conn->readable, g_source_unref);
  check_first_record (conn);
  return G_SOURCE_REMOVE;
}

static void
watch_first_record (Conn *conn)
{
  conn->peek_id = 0;
  if (first_record_state (conn) != 0)
    {
      check_first_record (conn);
      return;
    }
  conn->readable = g_socket_create_source (conn->socket, G_IO_IN | G_IO_HUP | G_IO_ERR, NULL);
  g_source_set_callback (conn->readable, (GSourceFunc) G_CALLBACK (on_readable), conn, NULL);
  g_source_attach (conn->readable, NULL);
}

static gboolean
on_watch_timeout (gpointer data)
{
  watch_first_record (data);
  return G_SOURCE_REMOVE;
}

static gboolean
on_deadline (gpointer data)
{
  Conn *conn = data;

  conn->deadline_id = 0;
  expire (conn);
  return G_SOURCE_REMOVE;
}

/* Room for one more handshake: the oldest of this address, or the oldest of
 * all, gives way. */
static void
make_room (CurbHubListener *self,
           const char      *address)
{
  if (count_of (self, address, CONN_PENDING) >= self->limits.max_pending_per_address)
    for (GList *l = self->pending.head; l != NULL; l = l->next)
      if (g_str_equal (((Conn *) l->data)->address, address))
        {
          expire (l->data);
          break;
        }
  if (self->pending.length >= self->limits.max_pending)
    expire (self->pending.head->data);
}

static char *
address_of (GSocketConnection *connection)
{
  g_autoptr(GSocketAddress) remote = g_socket_connection_get_remote_address (connection, NULL);

  if (G_IS_INET_SOCKET_ADDRESS (remote))
    return g_inet_address_to_string (g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (remote)));
  return g_strdup ("local");
}

static gboolean
on_incoming (GSocketService    *service,
             GSocketConnection *connection,
             GObject           *source,
             gpointer           data)
{
  CurbHubListener *self = data;
  g_autofree char *address = address_of (connection);
  Conn *conn;

  if (g_list_length (self->established) >= self->limits.max_connections
      || count_of (self, address, CONN_ESTABLISHED) >= self->limits.max_per_address)
    {
      g_debug ("listener: refusing %s: too many connections", address);
      g_io_stream_close (G_IO_STREAM (connection), NULL, NULL);
      return TRUE;
    }
  make_room (self, address);
  conn = g_new0 (Conn, 1);
  conn->listener = self;
  conn->base = g_object_ref (connection);
  conn->socket = g_socket_connection_get_socket (connection);
  conn->cancellable = g_cancellable_new ();
  conn->address = g_steal_pointer (&address);
  g_socket_set_option (conn->socket, IPPROTO_TCP, TCP_NODELAY, 1, NULL);
  /* blocking reads of a handshake thread give up too */
  g_socket_set_timeout (conn->socket, self->limits.handshake_timeout_s);
  g_queue_push_tail (&self->pending, conn);
  add_count (self, conn->address, CONN_PENDING, 1);
  conn->deadline_id = g_timeout_add_seconds (self->limits.handshake_timeout_s, on_deadline, conn);
  if (self->certificate == NULL)
    hand_over (conn);
  else
    conn->peek_id = g_idle_add (on_watch_timeout, conn);
  return TRUE;
}

/* libsoup keeps a connection alive after a request only while the server
 * has a listener of its own: give it one nobody can reach (a UNIX socket
 * whose path is unlinked at once). */
static gboolean
keep_alive_for_accepted (CurbHubListener  *self,
                         GError          **error)
{
  g_autofree char *dir = g_dir_make_tmp ("curbside-hub-XXXXXX", error);
  g_autofree char *path = NULL;
  g_autoptr(GSocketAddress) address = NULL;
  gboolean ok;

  if (dir == NULL)
    return FALSE;
  path = g_build_filename (dir, "unreachable", NULL);
  address = g_unix_socket_address_new (path);
  self->keepalive = g_socket_new (G_SOCKET_FAMILY_UNIX, G_SOCKET_TYPE_STREAM, 0, error);
  ok = self->keepalive != NULL && g_socket_bind (self->keepalive, address, FALSE, error)
       && g_socket_listen (self->keepalive, error);
  g_unlink (path);
  g_rmdir (dir);
  return ok && soup_server_listen_socket (self->server, self->keepalive, 0, error);
}

static void
curb_hub_listener_dispose (GObject *object)
{
  CurbHubListener *self = CURB_HUB_LISTENER (object);

  curb_hub_listener_shutdown (self);
  g_clear_object (&self->service);
  g_clear_object (&self->keepalive);
  g_clear_object (&self->server);
  g_clear_object (&self->certificate);
  G_OBJECT_CLASS (curb_hub_listener_parent_class)->dispose (object);
}

static void
curb_hub_listener_finalize (GObject *object)
{
  CurbHubListener *self = CURB_HUB_LISTENER (object);

  /* what libsoup still holds points at nothing of ours any more */
  for (GList *l = self->established; l != NULL; l = l->next)
    {
      Conn *conn = l->data;

      g_object_weak_unref (G_OBJECT (conn->socket), on_established_gone, conn);
      conn_free (conn);
    }
  g_list_free (self->established);
  g_hash_table_unref (self->per_address);
  G_OBJECT_CLASS (curb_hub_listener_parent_class)->finalize (object);
}

static void
curb_hub_listener_class_init (CurbHubListenerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = curb_hub_listener_dispose;
  object_class->finalize = curb_hub_listener_finalize;
}

static void
curb_hub_listener_init (CurbHubListener *self)
{
  g_queue_init (&self->pending);
  self->per_address = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  curb_hub_limits_init_defaults (&self->limits);
}

CurbHubListener *
curb_hub_listener_new (SoupServer          *server,
                       GTlsCertificate     *certificate,
                       const CurbHubLimits *limits)
{
  CurbHubListener *self;

  g_return_val_if_fail (SOUP_IS_SERVER (server), NULL);

  self = g_object_new (CURB_TYPE_HUB_LISTENER, NULL);
  self->server = g_object_ref (server);
  self->certificate = certificate != NULL ? g_object_ref (certificate) : NULL;
  if (limits != NULL)
    self->limits = *limits;
  return self;
}

gboolean
curb_hub_listener_listen (CurbHubListener  *self,
                          GSocketAddress   *address,
                          GError          **error)
{
  g_autoptr(GSocketAddress) bound = NULL;

  g_return_val_if_fail (CURB_IS_HUB_LISTENER (self), FALSE);
  g_return_val_if_fail (self->service == NULL, FALSE);

  if (!keep_alive_for_accepted (self, error))
    return FALSE;
  self->service = g_socket_service_new ();
  g_socket_listener_set_backlog (G_SOCKET_LISTENER (self->service), 128);
  if (!g_socket_listener_add_address (G_SOCKET_LISTENER (self->service), address, G_SOCKET_TYPE_STREAM,
                                      G_SOCKET_PROTOCOL_TCP, NULL, &bound, error))
    return FALSE;
  self->port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  g_signal_connect (self->service, "incoming", G_CALLBACK (on_incoming), self);
  g_socket_service_start (self->service);
  return TRUE;
}

guint
curb_hub_listener_get_port (CurbHubListener *self)
{
  g_return_val_if_fail (CURB_IS_HUB_LISTENER (self), 0);
  return self->port;
}

void
curb_hub_listener_set_certificate (CurbHubListener *self,
                                   GTlsCertificate *certificate)
{
  g_return_if_fail (CURB_IS_HUB_LISTENER (self));
  g_set_object (&self->certificate, certificate);
}

guint
curb_hub_listener_get_n_pending (CurbHubListener *self)
{
  g_return_val_if_fail (CURB_IS_HUB_LISTENER (self), 0);
  return self->pending.length;
}

guint
curb_hub_listener_get_n_established (CurbHubListener *self)
{
  g_return_val_if_fail (CURB_IS_HUB_LISTENER (self), 0);
  return g_list_length (self->established);
}

void
curb_hub_listener_shutdown (CurbHubListener *self)
{
  g_return_if_fail (CURB_IS_HUB_LISTENER (self));

  if (self->service != NULL)
    {
      g_socket_service_stop (self->service);
      g_socket_listener_close (G_SOCKET_LISTENER (self->service));
    }
  while (self->pending.head != NULL)
    expire (self->pending.head->data);
  /* a close_notify to a client that reads nothing must not block: the
   * sockets are shut down first, libsoup then closes what it holds */
  for (GList *l = self->established; l != NULL; l = l->next)
    g_socket_shutdown (((Conn *) l->data)->socket, TRUE, TRUE, NULL);
}
