#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "curb-fault-proxy.h"

#define MAX_HEAD (64 * 1024)
#define MAX_BODY (8 * 1024 * 1024)

struct _CurbFaultProxy
{
  int             listen_fd;
  guint           port;
  guint           upstream_port;
  GThread        *listener;
  gint            stopping;
  gint            active;

  GMutex          lock;
  GRand          *rand;
  guint           weights[CURB_PROXY_FAULT_COUNT];
  guint           latency_ms;
  CurbProxyOutage outage;
  guint64         counts[CURB_PROXY_FAULT_COUNT];
  guint64         refused;
  gboolean        relay;       /* plain TCP relay, cut at random */
  guint           cut_min_ms;
  guint           cut_max_ms;
  guint64         cuts;
};

typedef struct
{
  CurbFaultProxy *proxy;
  int             fd;
} Connection;

/* --- sockets --- */

static void
reset_and_close (int fd)
{
  struct linger linger = { .l_onoff = 1, .l_linger = 0 };

  setsockopt (fd, SOL_SOCKET, SO_LINGER, &linger, sizeof linger);
  close (fd);
}

static gboolean
write_all (int fd, const void *data, gsize length)
{
  const char *p = data;

  while (length > 0)
    {
      ssize_t n = send (fd, p, length, MSG_NOSIGNAL);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        return FALSE;
      p += n;
      length -= n;
    }
  return TRUE;
}

static int
connect_upstream (guint port)
{
  struct sockaddr_in addr = { .sin_family = AF_INET, .sin_port = htons (port) };
  int fd = socket (AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

  addr.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
  if (fd >= 0 && connect (fd, (struct sockaddr *) &addr, sizeof addr) == 0)
    return fd;
  if (fd >= 0)
    close (fd);
  return -1;
}

/* --- HTTP framing --- */

static gssize
find_head_end (const GByteArray *buffer)
{
  for (guint i = 3; i < buffer->len; i++)
    if (memcmp (buffer->data + i - 3, "\r\n\r\n", 4) == 0)
      return i + 1;
  return -1;
}

static gsize
content_length (const char *head)
{
  g_auto(GStrv) lines = g_strsplit (head, "\r\n", -1);

  for (guint i = 1; lines[i] != NULL; i++)
    if (g_ascii_strncasecmp (lines[i], "Content-Length:", 15) == 0)
      return g_ascii_strtoull (lines[i] + 15, NULL, 10);
  return 0;
}

/* The request head with "Connection: close" instead of its own. */
static char *
rewrite_head (const char *head)
{
  g_auto(GStrv) lines = g_strsplit (head, "\r\n", -1);
  GString *out = g_string_new (NULL);

  for (guint i = 0; lines[i] != NULL && lines[i][0] != '\0'; i++)
    if (g_ascii_strncasecmp (lines[i], "Connection:", 11) != 0)
      g_string_append_printf (out, "%s\r\n", lines[i]);
  g_string_append (out, "Connection: close\r\n\r\n");
  return g_string_free (out, FALSE);
}

/* Reads one request (head + Content-Length body); NULL on EOF or junk. */
static GByteArray *
read_request (int fd, gsize *out_head_len)
{
  g_autoptr(GByteArray) buffer = g_byte_array_new ();
  guint8 chunk[16384];
  gssize head_end = -1;

  while (head_end < 0)
    {
      ssize_t n = recv (fd, chunk, sizeof chunk, 0);
      if (n <= 0 || buffer->len + n > MAX_HEAD + MAX_BODY)
        return NULL;
      g_byte_array_append (buffer, chunk, n);
      head_end = find_head_end (buffer);
      if (head_end < 0 && buffer->len > MAX_HEAD)
        return NULL;
    }
  {
    g_autofree char *head = g_strndup ((const char *) buffer->data, head_end);
    gsize total = head_end + MIN (content_length (head), MAX_BODY);
    while (buffer->len < total)
      {
        ssize_t n = recv (fd, chunk, MIN (sizeof chunk, total - buffer->len), 0);
        if (n <= 0)
          return NULL;
        g_byte_array_append (buffer, chunk, n);
      }
  }
  *out_head_len = head_end;
  return g_steal_pointer (&buffer);
}

/* Sends the request upstream and reads the answer to EOF. */
static GByteArray *
exchange_upstream (CurbFaultProxy *proxy, GByteArray *request, gsize head_len)
{
  g_autofree char *head = g_strndup ((const char *) request->data, head_len);
  g_autofree char *rewritten = rewrite_head (head);
  GByteArray *response = g_byte_array_new ();
  int fd = connect_upstream (proxy->upstream_port);
  guint8 chunk[16384];
  ssize_t n;

  if (fd < 0)
    return response;
  if (write_all (fd, rewritten, strlen (rewritten))
      && write_all (fd, request->data + head_len, request->len - head_len))
    while ((n = recv (fd, chunk, sizeof chunk, 0)) > 0)
      g_byte_array_append (response, chunk, n);
  close (fd);
  return response;
}

static void
answer_locally (int fd, guint status, const char *reason, const char *extra_header, const char *error)
{
  g_autofree char *body = g_strdup_printf ("{\"error\": \"%s\", \"message\": \"injected by the fault proxy\"}", error);
  g_autofree char *text = g_strdup_printf ("HTTP/1.1 %u %s\r\nContent-Type: application/json\r\n%s"
                                           "Content-Length: %zu\r\nConnection: close\r\n\r\n%s",
                                           status, reason, extra_header, strlen (body), body);

  write_all (fd, text, strlen (text));
}

/* --- faults --- */

static CurbProxyFault
draw_fault (CurbFaultProxy *proxy)
{
  g_autoptr(GMutexLocker) locker G_GNUC_UNUSED = g_mutex_locker_new (&proxy->lock);
  guint total = 0, dice;

  for (guint i = 0; i < CURB_PROXY_FAULT_COUNT; i++)
    total += proxy->weights[i];
  if (total == 0)
    return CURB_PROXY_PASS;
  dice = g_rand_int_range (proxy->rand, 0, total);
  for (guint i = 0; i < CURB_PROXY_FAULT_COUNT; i++)
    {
      if (dice < proxy->weights[i])
        return i;
      dice -= proxy->weights[i];
    }
  return CURB_PROXY_PASS;
}

static CurbProxyOutage
current_outage (CurbFaultProxy *proxy)
{
  g_autoptr(GMutexLocker) locker G_GNUC_UNUSED = g_mutex_locker_new (&proxy->lock);

  return proxy->outage;
}

static void
count (CurbFaultProxy *proxy, CurbProxyFault fault, gboolean refused)
{
  g_autoptr(GMutexLocker) locker G_GNUC_UNUSED = g_mutex_locker_new (&proxy->lock);

  if (refused)
    proxy->refused++;
  else
    proxy->counts[fault]++;
}

/* Holds the connection unanswered until the client gives up or the outage ends. */
static void
black_hole (CurbFaultProxy *proxy, int fd)
{
  struct pollfd pfd = { .fd = fd, .events = POLLIN };
  guint8 sink[4096];

  while (!g_atomic_int_get (&proxy->stopping) && current_outage (proxy) == CURB_PROXY_DOWN_BLACKHOLE)
    if (poll (&pfd, 1, 100) > 0 && recv (fd, sink, sizeof sink, 0) <= 0)
      break;
}

static void
forward_with_fault (CurbFaultProxy *proxy, int fd, CurbProxyFault fault, GByteArray *request, gsize head_len)
{
  g_autoptr(GByteArray) response = exchange_upstream (proxy, request, head_len);
  gssize head_end = find_head_end (response);
  guint latency_ms;

  switch (fault)
    {
    case CURB_PROXY_RESET_AFTER:
      break;
    case CURB_PROXY_TRUNCATE:
      if (head_end > 0)
        write_all (fd, response->data, head_end + (response->len - head_end) / 2);
      break;
    case CURB_PROXY_LATENCY:
      g_mutex_lock (&proxy->lock);
      latency_ms = proxy->latency_ms;
      g_mutex_unlock (&proxy->lock);
      g_usleep (latency_ms * 1000);
      G_GNUC_FALLTHROUGH;
    case CURB_PROXY_PASS:
    case CURB_PROXY_STATUS_500:
    case CURB_PROXY_RATE_LIMIT:
    case CURB_PROXY_FAULT_COUNT:
    default:
      write_all (fd, response->data, response->len);
      break;
    }
}

/* Relays bytes both ways until either side closes or the connection's
 * random lifetime ends: then both sides get a reset. */
static void
relay_with_cut (CurbFaultProxy *proxy, int fd)
{
  int upstream = connect_upstream (proxy->upstream_port);
  gint64 cut_at;
  struct pollfd pfds[2] = { { .fd = fd, .events = POLLIN }, { .fd = upstream, .events = POLLIN } };
  guint8 chunk[16384];

  g_mutex_lock (&proxy->lock);
  cut_at = g_get_monotonic_time () + 1000 * (gint64) g_rand_int_range (proxy->rand, proxy->cut_min_ms, proxy->cut_max_ms + 1);
  g_mutex_unlock (&proxy->lock);
  if (upstream < 0)
    return;
  while (!g_atomic_int_get (&proxy->stopping))
    {
      gboolean closed = FALSE;
      if (g_get_monotonic_time () >= cut_at)
        {
          g_mutex_lock (&proxy->lock);
          proxy->cuts++;
          g_mutex_unlock (&proxy->lock);
          reset_and_close (upstream);
          return;
        }
      if (poll (pfds, 2, 50) <= 0)
        continue;
      for (guint i = 0; i < 2 && !closed; i++)
        if (pfds[i].revents & (POLLIN | POLLHUP | POLLERR))
          {
            ssize_t n = recv (pfds[i].fd, chunk, sizeof chunk, 0);
            closed = n <= 0 || !write_all (pfds[1 - i].fd, chunk, n);
          }
      if (closed)
        break;
    }
  close (upstream);
}

static gpointer
serve_connection (gpointer data)
{
  g_autofree Connection *connection = data;
  CurbFaultProxy *proxy = connection->proxy;
  int fd = connection->fd;
  g_autoptr(GByteArray) request = NULL;
  CurbProxyOutage outage = current_outage (proxy);
  CurbProxyFault fault;
  gsize head_len = 0;

  if (proxy->relay)
    {
      relay_with_cut (proxy, fd);
      reset_and_close (fd);
      g_atomic_int_dec_and_test (&proxy->active);
      return NULL;
    }
  if (outage == CURB_PROXY_DOWN_REFUSE)
    {
      count (proxy, CURB_PROXY_PASS, TRUE);
      reset_and_close (fd);
      g_atomic_int_dec_and_test (&proxy->active);
      return NULL;
    }
  request = read_request (fd, &head_len);
  fault = draw_fault (proxy);
  if (request == NULL)
    ;
  else if (current_outage (proxy) != CURB_PROXY_UP)
    {
      count (proxy, CURB_PROXY_PASS, TRUE);
      black_hole (proxy, fd);
    }
  else
    {
      count (proxy, fault, FALSE);
      if (fault == CURB_PROXY_STATUS_500)
        answer_locally (fd, 500, "Internal Server Error", "", "internal");
      else if (fault == CURB_PROXY_RATE_LIMIT)
        answer_locally (fd, 429, "Too Many Requests", "Retry-After: 1\r\n", "rate_limited");
      else
        forward_with_fault (proxy, fd, fault, request, head_len);
    }
  if (fault == CURB_PROXY_RESET_AFTER)
    reset_and_close (fd);
  else
    close (fd);
  g_atomic_int_dec_and_test (&proxy->active);
  return NULL;
}

static gpointer
listen_loop (gpointer data)
{
  CurbFaultProxy *proxy = data;
  struct pollfd pfd = { .fd = proxy->listen_fd, .events = POLLIN };

  while (!g_atomic_int_get (&proxy->stopping))
    {
      Connection *connection;
      struct timeval timeout = { .tv_sec = 30 };
      int fd;

      if (poll (&pfd, 1, 100) <= 0)
        continue;
      fd = accept4 (proxy->listen_fd, NULL, NULL, SOCK_CLOEXEC);
      if (fd < 0)
        continue;
      setsockopt (fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
      connection = g_new0 (Connection, 1);
      connection->proxy = proxy;
      connection->fd = fd;
      g_atomic_int_inc (&proxy->active);
      g_thread_unref (g_thread_new ("proxy-connection", serve_connection, connection));
    }
  return NULL;
}

/* --- public API --- */

CurbFaultProxy *
curb_fault_proxy_new (guint upstream_port)
{
  CurbFaultProxy *proxy = g_new0 (CurbFaultProxy, 1);
  struct sockaddr_in addr = { .sin_family = AF_INET };
  socklen_t length = sizeof addr;

  addr.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
  g_mutex_init (&proxy->lock);
  proxy->rand = g_rand_new_with_seed (1);
  proxy->upstream_port = upstream_port;
  proxy->weights[CURB_PROXY_PASS] = 1;
  proxy->listen_fd = socket (AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  g_assert (proxy->listen_fd >= 0);
  g_assert (bind (proxy->listen_fd, (struct sockaddr *) &addr, sizeof addr) == 0);
  g_assert (listen (proxy->listen_fd, 128) == 0);
  g_assert (getsockname (proxy->listen_fd, (struct sockaddr *) &addr, &length) == 0);
  proxy->port = ntohs (addr.sin_port);
  proxy->listener = g_thread_new ("proxy-listener", listen_loop, proxy);
  return proxy;
}

CurbFaultProxy *
curb_fault_proxy_new_relay (guint upstream_port,
                            guint cut_min_ms,
                            guint cut_max_ms)
{
  CurbFaultProxy *proxy = curb_fault_proxy_new (upstream_port);

  g_mutex_lock (&proxy->lock);
  proxy->cut_min_ms = cut_min_ms;
  proxy->cut_max_ms = MAX (cut_max_ms, cut_min_ms);
  proxy->relay = TRUE;
  g_mutex_unlock (&proxy->lock);
  return proxy;
}

guint64
curb_fault_proxy_get_cuts (CurbFaultProxy *proxy)
{
  g_autoptr(GMutexLocker) locker G_GNUC_UNUSED = g_mutex_locker_new (&proxy->lock);

  return proxy->cuts;
}

void
curb_fault_proxy_free (CurbFaultProxy *proxy)
{
  g_atomic_int_set (&proxy->stopping, 1);
  g_thread_join (proxy->listener);
  close (proxy->listen_fd);
  while (g_atomic_int_get (&proxy->active) > 0)
    g_usleep (10000);
  g_rand_free (proxy->rand);
  g_mutex_clear (&proxy->lock);
  g_free (proxy);
}

guint
curb_fault_proxy_get_port (CurbFaultProxy *proxy)
{
  return proxy->port;
}

void
curb_fault_proxy_set_mix (CurbFaultProxy *proxy,
                          const guint    *weights,
                          guint32         seed)
{
  g_autoptr(GMutexLocker) locker G_GNUC_UNUSED = g_mutex_locker_new (&proxy->lock);

  memcpy (proxy->weights, weights, sizeof proxy->weights);
  g_rand_set_seed (proxy->rand, seed);
}

void
curb_fault_proxy_set_latency (CurbFaultProxy *proxy,
                              guint           latency_ms)
{
  g_autoptr(GMutexLocker) locker G_GNUC_UNUSED = g_mutex_locker_new (&proxy->lock);

  proxy->latency_ms = latency_ms;
}

void
curb_fault_proxy_set_outage (CurbFaultProxy  *proxy,
                             CurbProxyOutage  outage)
{
  g_autoptr(GMutexLocker) locker G_GNUC_UNUSED = g_mutex_locker_new (&proxy->lock);

  proxy->outage = outage;
}

void
curb_fault_proxy_get_counts (CurbFaultProxy *proxy,
                             guint64        *out_counts,
                             guint64        *out_refused)
{
  g_autoptr(GMutexLocker) locker G_GNUC_UNUSED = g_mutex_locker_new (&proxy->lock);

  memcpy (out_counts, proxy->counts, sizeof proxy->counts);
  *out_refused = proxy->refused;
}

const char *
curb_proxy_fault_to_string (CurbProxyFault fault)
{
  static const char *const names[] = {
    "pass", "latency", "reset-after-processing", "truncated-body", "500", "429+Retry-After",
  };

  return fault < CURB_PROXY_FAULT_COUNT ? names[fault] : "?";
}
