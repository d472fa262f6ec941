#include <string.h>
#include <gio/gio.h>

#include "fault-proxy.h"

struct _FaultProxy
{
  GSocket      *listener;
  GThread      *acceptor;
  GCancellable *cancellable;
  guint16       upstream_port;
  GMutex        lock;
  char         *trigger;
  guint         drops;
};

typedef struct
{
  FaultProxy *proxy;
  GSocket    *client;
} Link;

static GSocket *
connect_upstream (FaultProxy *self)
{
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, self->upstream_port);
  GSocket *socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL);

  if (socket != NULL && !g_socket_connect (socket, address, NULL, NULL))
    g_clear_object (&socket);
  return socket;
}

/* TRUE (and disarms) when @data holds the armed text. */
static gboolean
take_trigger (FaultProxy *self,
              const char *data,
              gssize      len)
{
  gboolean hit;

  g_mutex_lock (&self->lock);
  hit = self->trigger != NULL && g_strstr_len (data, len, self->trigger) != NULL;
  if (hit)
    g_clear_pointer (&self->trigger, g_free);
  g_mutex_unlock (&self->lock);
  return hit;
}

static gboolean
send_all (GSocket    *socket,
          const char *data,
          gssize      len)
{
  while (len > 0)
    {
      gssize sent = g_socket_send (socket, data, len, NULL, NULL);
      if (sent <= 0)
        return FALSE;
      data += sent;
      len -= sent;
    }
  return TRUE;
}

static void
pump (Link    *link,
      GSocket *upstream)
{
  GPollFD fds[2] = {
    { g_socket_get_fd (link->client), G_IO_IN | G_IO_HUP | G_IO_ERR, 0 },
    { g_socket_get_fd (upstream), G_IO_IN | G_IO_HUP | G_IO_ERR, 0 },
  };
  gboolean dropping = FALSE;
  char buffer[65536];

  while (g_poll (fds, 2, 30000) > 0)
    {
      for (guint i = 0; i < 2; i++)
        {
          GSocket *from = i == 0 ? link->client : upstream;
          GSocket *to = i == 0 ? upstream : link->client;
          gssize len;

          if (fds[i].revents == 0)
            continue;
          len = g_socket_receive (from, buffer, sizeof buffer, NULL, NULL);
          if (len <= 0 || (i == 1 && dropping))
            {
              if (dropping)
                {
                  g_mutex_lock (&link->proxy->lock);
                  link->proxy->drops++;
                  g_mutex_unlock (&link->proxy->lock);
                }
              return;
            }
          if (i == 0 && take_trigger (link->proxy, buffer, len))
            dropping = TRUE;
          if (!send_all (to, buffer, len))
            return;
        }
    }
}

static gpointer
run_link (gpointer data)
{
  Link *link = data;
  g_autoptr(GSocket) upstream = connect_upstream (link->proxy);

  if (upstream != NULL)
    pump (link, upstream);
  if (upstream != NULL)
    g_socket_close (upstream, NULL);
  g_socket_close (link->client, NULL);
  g_object_unref (link->client);
  g_free (link);
  return NULL;
}

static gpointer
run_acceptor (gpointer data)
{
  FaultProxy *self = data;

  for (;;)
    {
      GSocket *client = g_socket_accept (self->listener, self->cancellable, NULL);
      Link *link;

      if (client == NULL)
        break;
      link = g_new0 (Link, 1);
      link->proxy = self;
      link->client = client;
      g_thread_unref (g_thread_new ("fault-proxy-link", run_link, link));
    }
  return NULL;
}

FaultProxy *
fault_proxy_new (guint16 upstream_port)
{
  FaultProxy *self = g_new0 (FaultProxy, 1);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GError) error = NULL;

  g_mutex_init (&self->lock);
  self->upstream_port = upstream_port;
  self->cancellable = g_cancellable_new ();
  self->listener = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, &error);
  g_assert_no_error (error);
  g_assert_true (g_socket_bind (self->listener, address, TRUE, &error));
  g_assert_true (g_socket_listen (self->listener, &error));
  self->acceptor = g_thread_new ("fault-proxy", run_acceptor, self);
  return self;
}

guint16
fault_proxy_get_port (FaultProxy *self)
{
  g_autoptr(GSocketAddress) address = g_socket_get_local_address (self->listener, NULL);

  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (address));
}

void
fault_proxy_arm (FaultProxy *self,
                 const char *request_text)
{
  g_mutex_lock (&self->lock);
  g_free (self->trigger);
  self->trigger = g_strdup (request_text);
  g_mutex_unlock (&self->lock);
}

guint
fault_proxy_get_drops (FaultProxy *self)
{
  guint drops;

  g_mutex_lock (&self->lock);
  drops = self->drops;
  g_mutex_unlock (&self->lock);
  return drops;
}

void
fault_proxy_free (FaultProxy *self)
{
  g_cancellable_cancel (self->cancellable);
  g_thread_join (self->acceptor);
  g_socket_close (self->listener, NULL);
  g_object_unref (self->listener);
  g_object_unref (self->cancellable);
  g_free (self->trigger);
  g_mutex_clear (&self->lock);
  g_free (self);
}
