#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "curb-hardware.h"
#include "curb-virtual-printer.h"

#define POLL_US          (20 * 1000)
#define ACCEPT_POLL_US   (100 * 1000)

/* A printer that is a program: it answers status queries and process ID
 * requests, can be told to fail, and draws what it prints. */
struct _CurbVirtualPrinter
{
  GObject                   parent_instance;

  const CurbPrinterProfile *profile;
  GMutex                    lock;
  GCond                     changed;
  gboolean                  stopping;
  gboolean                  render;
  char                     *output_dir;

  GSocket                  *listener;
  GSocket                  *control;
  guint16                   port;
  guint16                   control_port;
  int                       fifo_fd;
  GPtrArray                *threads;
  guint                     n_connections;

  CurbPrinterStatus         fault;
  CurbPrinterStatus         pending_fault;
  gssize                    fault_countdown;
  gssize                    disconnect_countdown;
  guint                     kick_serial;
  gboolean                  unplugged;

  GHashTable               *markers;
  guint                     n_markers;
  GPtrArray                *pages;
  guint                     n_pages;
  guint                     n_fragments;
  guint64                   bytes_received;
};

typedef struct
{
  CurbVirtualPrinter         *vp;
  GSocket                    *socket;
  GByteArray                 *pending;
  GByteArray                 *held;
  CurbVirtualPrinterRenderer *renderer;
  gboolean                    page_started;
  guint                       kick_serial;
} Connection;

G_DEFINE_FINAL_TYPE (CurbVirtualPrinter, curb_virtual_printer, G_TYPE_OBJECT)

void
curb_virtual_page_free (CurbVirtualPage *page)
{
  if (page == NULL)
    return;
  curb_rendered_page_free (page->page);
  g_free (page);
}

static gboolean
faulted_locked (CurbVirtualPrinter *self)
{
  return (self->fault & CURB_PRINTER_STATUS_BLOCKING) != 0;
}

static gboolean
faulted (CurbVirtualPrinter *self)
{
  gboolean result;

  g_mutex_lock (&self->lock);
  result = faulted_locked (self);
  g_mutex_unlock (&self->lock);
  return result;
}

static void
reply (Connection   *conn,
       const guint8 *data,
       gsize         len)
{
  if (conn->socket != NULL)
    g_socket_send_with_blocking (conn->socket, (const char *) data, len, TRUE, NULL, NULL);
}

static void
save_png (CurbVirtualPrinter *self,
          CurbRenderedPage   *page,
          guint               number,
          gboolean            fragment)
{
  g_autofree char *name = NULL;
  g_autofree char *path = NULL;

  if (self->output_dir == NULL || page->surface == NULL)
    return;
  name = g_strdup_printf ("%s-%04u.png", fragment ? "fragment" : "page", number);
  path = g_build_filename (self->output_dir, name, NULL);
  curb_rendered_page_write_png (page, path, NULL);
}

static void
store_page (CurbVirtualPrinter *self,
            CurbRenderedPage   *page,
            gboolean            fragment)
{
  CurbVirtualPage *record = g_new0 (CurbVirtualPage, 1);
  guint number;

  record->page = page;
  record->fragment = fragment;
  g_mutex_lock (&self->lock);
  number = fragment ? ++self->n_fragments : ++self->n_pages;
  g_ptr_array_add (self->pages, record);
  g_cond_broadcast (&self->changed);
  g_mutex_unlock (&self->lock);
  if (page != NULL)
    save_png (self, page, number, fragment);
}

static void
collect_pages (Connection *conn,
               gboolean    fragment)
{
  g_autoptr(GPtrArray) pages = NULL;

  if (conn->renderer == NULL)
    {
      if (!fragment)
        store_page (conn->vp, NULL, FALSE);
      else if (conn->page_started)
        store_page (conn->vp, NULL, TRUE);
      return;
    }
  if (fragment)
    curb_virtual_printer_renderer_finish (conn->renderer);
  pages = curb_virtual_printer_renderer_take_pages (conn->renderer);
  for (guint i = 0; i < pages->len; i++)
    store_page (conn->vp, g_steal_pointer (&pages->pdata[i]), fragment);
}

static void
answer_process_id (Connection              *conn,
                   const CurbEscposCommand *cmd)
{
  CurbVirtualPrinter *self = conn->vp;
  guint8 answer[7] = { 0x37, 0x22, 0, 0, 0, 0, 0x00 };
  g_autofree char *marker = g_strndup ((const char *) cmd->data, 4);

  memcpy (answer + 2, cmd->data, 4);
  g_mutex_lock (&self->lock);
  g_hash_table_insert (self->markers, g_strdup (marker),
                       GUINT_TO_POINTER (GPOINTER_TO_UINT (g_hash_table_lookup (self->markers, marker)) + 1));
  self->n_markers++;
  g_cond_broadcast (&self->changed);
  g_mutex_unlock (&self->lock);
  reply (conn, answer, sizeof answer);
}

static void
answer_transmit_status (Connection              *conn,
                        const CurbEscposCommand *cmd)
{
  CurbPrinterStatus fault = curb_virtual_printer_get_fault (conn->vp);
  guint8 answer = 0;

  if (cmd->n == 1 || cmd->n == 49)
    {
      answer |= (fault & (CURB_PRINTER_STATUS_PAPER_NEAR_END | CURB_PRINTER_STATUS_PAPER_OUT)) ? 0x03 : 0;
      answer |= (fault & CURB_PRINTER_STATUS_PAPER_OUT) ? 0x0c : 0;
    }
  reply (conn, &answer, 1);
}

static gboolean
marks_paper (CurbEscposCommandKind kind)
{
  return kind == CURB_ESCPOS_CMD_TEXT || kind == CURB_ESCPOS_CMD_LF || kind == CURB_ESCPOS_CMD_RASTER
         || kind == CURB_ESCPOS_CMD_QR || kind == CURB_ESCPOS_CMD_FEED_LINES;
}

static void
execute (Connection              *conn,
         const CurbEscposCommand *cmd)
{
  if (cmd->kind == CURB_ESCPOS_CMD_PROCESS_ID)
    answer_process_id (conn, cmd);
  else if (cmd->kind == CURB_ESCPOS_CMD_STATUS_TRANSMIT)
    answer_transmit_status (conn, cmd);
  else
    {
      if (conn->renderer != NULL)
        curb_virtual_printer_renderer_execute (conn->renderer, cmd);
      conn->page_started |= marks_paper (cmd->kind);
      if (cmd->kind == CURB_ESCPOS_CMD_CUT)
        {
          collect_pages (conn, FALSE);
          conn->page_started = FALSE;
        }
    }
}

static void
answer_realtime (Connection              *conn,
                 const CurbEscposCommand *cmd)
{
  guint8 answer;

  if (cmd->n < 1 || cmd->n > 4)
    return;
  answer = curb_escpos_status_encode (cmd->n, curb_virtual_printer_get_fault (conn->vp));
  reply (conn, &answer, 1);
}

static void
replay_held (Connection *conn)
{
  g_autoptr(GByteArray) held = NULL;
  gsize offset = 0, used;
  CurbEscposCommand cmd;

  if (conn->held->len == 0 || faulted (conn->vp))
    return;
  held = g_steal_pointer (&conn->held);
  conn->held = g_byte_array_new ();
  while ((used = curb_escpos_parse_next (held->data + offset, held->len - offset, &cmd)) > 0)
    {
      execute (conn, &cmd);
      offset += used;
    }
}

/* Real-time queries are answered at once; everything else waits while the
 * printer is stopped (paper out, cover open, offline). */
static void
parse_pending (Connection *conn)
{
  gsize offset = 0, used;
  CurbEscposCommand cmd;

  while ((used = curb_escpos_parse_next (conn->pending->data + offset,
                                         conn->pending->len - offset, &cmd)) > 0)
    {
      if (cmd.kind == CURB_ESCPOS_CMD_STATUS_REALTIME)
        {
          replay_held (conn);
          answer_realtime (conn, &cmd);
        }
      else if (conn->held->len > 0 || faulted (conn->vp))
        g_byte_array_append (conn->held, conn->pending->data + offset, used);
      else
        execute (conn, &cmd);
      offset += used;
    }
  g_byte_array_remove_range (conn->pending, 0, offset);
}

/* How many of @len bytes to take before a programmed fault or disconnect
 * fires; counted before they are parsed, so arming a trigger only ever
 * applies to bytes that arrive later. */
static gsize
take_bytes (CurbVirtualPrinter *self,
            gsize               len,
            gboolean           *fire_fault,
            gboolean           *disconnect)
{
  gsize take = len;

  g_mutex_lock (&self->lock);
  if (self->fault_countdown >= 0)
    take = MIN (take, (gsize) self->fault_countdown);
  if (self->disconnect_countdown >= 0)
    take = MIN (take, (gsize) self->disconnect_countdown);
  self->bytes_received += take;
  *fire_fault = self->fault_countdown >= 0 && (self->fault_countdown -= (gssize) take) == 0;
  if (*fire_fault)
    self->fault_countdown = -1;
  *disconnect = self->disconnect_countdown >= 0 && (self->disconnect_countdown -= (gssize) take) == 0;
  if (*disconnect)
    self->disconnect_countdown = -1;
  g_mutex_unlock (&self->lock);
  return take;
}

static void
fire_fault (CurbVirtualPrinter *self)
{
  g_mutex_lock (&self->lock);
  self->fault |= self->pending_fault;
  g_cond_broadcast (&self->changed);
  g_mutex_unlock (&self->lock);
}

/* Returns FALSE when a programmed disconnect fires. */
static gboolean
process_chunk (Connection   *conn,
               const guint8 *data,
               gsize         len)
{
  while (len > 0)
    {
      gboolean fault, disconnect;
      gsize take = take_bytes (conn->vp, len, &fault, &disconnect);

      g_byte_array_append (conn->pending, data, (guint) take);
      parse_pending (conn);
      if (fault)
        fire_fault (conn->vp);
      if (disconnect)
        return FALSE;
      data += take;
      len -= take;
    }
  return TRUE;
}

static Connection *
connection_new (CurbVirtualPrinter *self,
                GSocket            *socket)
{
  Connection *conn = g_new0 (Connection, 1);

  conn->vp = g_object_ref (self);
  conn->socket = socket != NULL ? g_object_ref (socket) : NULL;
  conn->pending = g_byte_array_new ();
  conn->held = g_byte_array_new ();
  if (self->render)
    conn->renderer = curb_virtual_printer_renderer_new (self->profile);
  g_mutex_lock (&self->lock);
  conn->kick_serial = self->kick_serial;
  self->n_connections++;
  g_mutex_unlock (&self->lock);
  return conn;
}

/* The link is gone: held data is lost (the printer's buffer is cleared when
 * the host goes away) and paper printed since the last cut is a fragment. */
static void
connection_free (Connection *conn)
{
  CurbVirtualPrinter *self = conn->vp;

  collect_pages (conn, TRUE);
  if (conn->socket != NULL)
    g_socket_close (conn->socket, NULL);
  g_clear_object (&conn->socket);
  g_clear_object (&conn->renderer);
  g_byte_array_unref (conn->pending);
  g_byte_array_unref (conn->held);
  g_free (conn);
  g_mutex_lock (&self->lock);
  self->n_connections--;
  g_cond_broadcast (&self->changed);
  g_mutex_unlock (&self->lock);
  g_object_unref (self);
}

static gboolean
connection_kicked (Connection *conn)
{
  CurbVirtualPrinter *self = conn->vp;
  gboolean kicked;

  g_mutex_lock (&self->lock);
  kicked = self->stopping || self->kick_serial != conn->kick_serial;
  g_mutex_unlock (&self->lock);
  return kicked;
}

static gpointer
connection_thread (gpointer data)
{
  Connection *conn = data;
  guint8 buf[4096];

  for (;;)
    {
      gssize n;

      replay_held (conn);
      if (connection_kicked (conn))
        break;
      if (!g_socket_condition_timed_wait (conn->socket, G_IO_IN, POLL_US, NULL, NULL))
        continue;
      n = g_socket_receive_with_blocking (conn->socket, (char *) buf, sizeof buf, FALSE, NULL, NULL);
      if (n == 0 || (n < 0 && !g_socket_is_connected (conn->socket)))
        break;
      if (n > 0 && !process_chunk (conn, buf, (gsize) n))
        break;
    }
  connection_free (conn);
  return NULL;
}

static void
track_thread (CurbVirtualPrinter *self,
              GThread            *thread)
{
  g_mutex_lock (&self->lock);
  g_ptr_array_add (self->threads, thread);
  g_mutex_unlock (&self->lock);
}

static gboolean
is_stopping (CurbVirtualPrinter *self)
{
  gboolean stopping;

  g_mutex_lock (&self->lock);
  stopping = self->stopping;
  g_mutex_unlock (&self->lock);
  return stopping;
}

static gpointer
accept_thread (gpointer data)
{
  CurbVirtualPrinter *self = data;

  while (!is_stopping (self))
    {
      g_autoptr(GSocket) socket = NULL;
      gboolean unplugged;

      if (!g_socket_condition_timed_wait (self->listener, G_IO_IN, ACCEPT_POLL_US, NULL, NULL))
        continue;
      socket = g_socket_accept (self->listener, NULL, NULL);
      if (socket == NULL)
        continue;
      g_mutex_lock (&self->lock);
      unplugged = self->unplugged;
      g_mutex_unlock (&self->lock);
      if (unplugged)
        {
          g_socket_close (socket, NULL);
          continue;
        }
      g_socket_set_blocking (socket, TRUE);
      g_thread_unref (g_thread_new ("vprinter-conn", connection_thread, connection_new (self, socket)));
    }
  return NULL;
}

static GSocket *
listen_local (guint16   port,
              guint16  *out_port,
              GError  **error)
{
  g_autoptr(GSocket) socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                                            G_SOCKET_PROTOCOL_TCP, error);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, port);
  g_autoptr(GSocketAddress) bound = NULL;

  if (socket == NULL)
    return NULL;
  g_socket_set_option (socket, SOL_SOCKET, SO_REUSEADDR, 1, NULL);
  if (!g_socket_bind (socket, address, TRUE, error) || !g_socket_listen (socket, error))
    return NULL;
  bound = g_socket_get_local_address (socket, error);
  if (bound == NULL)
    return NULL;
  *out_port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  return g_steal_pointer (&socket);
}

static void
curb_virtual_printer_dispose (GObject *object)
{
  curb_virtual_printer_stop (CURB_VIRTUAL_PRINTER (object));
  G_OBJECT_CLASS (curb_virtual_printer_parent_class)->dispose (object);
}

static void
curb_virtual_printer_finalize (GObject *object)
{
  CurbVirtualPrinter *self = CURB_VIRTUAL_PRINTER (object);

  g_ptr_array_unref (self->threads);
  g_ptr_array_unref (self->pages);
  g_hash_table_unref (self->markers);
  g_free (self->output_dir);
  g_mutex_clear (&self->lock);
  g_cond_clear (&self->changed);
  G_OBJECT_CLASS (curb_virtual_printer_parent_class)->finalize (object);
}

static void
curb_virtual_printer_class_init (CurbVirtualPrinterClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = curb_virtual_printer_dispose;
  G_OBJECT_CLASS (klass)->finalize = curb_virtual_printer_finalize;
}

static void
curb_virtual_printer_init (CurbVirtualPrinter *self)
{
  g_mutex_init (&self->lock);
  g_cond_init (&self->changed);
  self->render = TRUE;
  self->fault_countdown = -1;
  self->disconnect_countdown = -1;
  self->fifo_fd = -1;
  self->threads = g_ptr_array_new ();
  self->pages = g_ptr_array_new_with_free_func ((GDestroyNotify) curb_virtual_page_free);
  self->markers = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}

/**
 * curb_virtual_printer_new:
 * @profile: the printer to be (paper width, code pages)
 *
 * Start it with curb_virtual_printer_listen(); it serves connections on
 * threads of its own, so the caller may block.
 */
CurbVirtualPrinter *
curb_virtual_printer_new (const CurbPrinterProfile *profile)
{
  CurbVirtualPrinter *self;

  g_return_val_if_fail (profile != NULL, NULL);

  self = g_object_new (CURB_TYPE_VIRTUAL_PRINTER, NULL);
  self->profile = profile;
  return self;
}

/**
 * curb_virtual_printer_listen:
 * @self: a virtual printer
 * @port: TCP port on 127.0.0.1; 0 picks a free one
 * @error: return location for a #GError
 */
gboolean
curb_virtual_printer_listen (CurbVirtualPrinter  *self,
                             guint16              port,
                             GError             **error)
{
  g_return_val_if_fail (CURB_IS_VIRTUAL_PRINTER (self), FALSE);
  g_return_val_if_fail (self->listener == NULL, FALSE);

  self->listener = listen_local (port, &self->port, error);
  if (self->listener == NULL)
    return FALSE;
  track_thread (self, g_thread_new ("vprinter-accept", accept_thread, self));
  return TRUE;
}

guint16
curb_virtual_printer_get_port (CurbVirtualPrinter *self)
{
  g_return_val_if_fail (CURB_IS_VIRTUAL_PRINTER (self), 0);
  return self->port;
}

void
curb_virtual_printer_stop (CurbVirtualPrinter *self)
{
  g_autoptr(GPtrArray) threads = NULL;

  g_return_if_fail (CURB_IS_VIRTUAL_PRINTER (self));

  g_mutex_lock (&self->lock);
  self->stopping = TRUE;
  threads = g_steal_pointer (&self->threads);
  self->threads = g_ptr_array_new ();
  g_mutex_unlock (&self->lock);
  for (guint i = 0; i < threads->len; i++)
    g_thread_join (g_ptr_array_index (threads, i));
  g_mutex_lock (&self->lock);
  while (self->n_connections > 0)
    g_cond_wait (&self->changed, &self->lock);
  g_mutex_unlock (&self->lock);
  if (self->listener != NULL)
    g_socket_close (self->listener, NULL);
  if (self->control != NULL)
    g_socket_close (self->control, NULL);
  g_clear_object (&self->listener);
  g_clear_object (&self->control);
}

/* Turn rendering off to count jobs and markers only (benchmarks). */
void
curb_virtual_printer_set_render (CurbVirtualPrinter *self,
                                 gboolean            render)
{
  g_return_if_fail (CURB_IS_VIRTUAL_PRINTER (self));
  self->render = render;
}

/* Write every page to @dir as page-NNNN.png (fragments as fragment-NNNN.png). */
void
curb_virtual_printer_set_output_dir (CurbVirtualPrinter *self,
                                     const char         *dir)
{
  g_return_if_fail (CURB_IS_VIRTUAL_PRINTER (self));
  g_free (self->output_dir);
  self->output_dir = g_strdup (dir);
}

/* Bytes that arrive without a back channel (a file or FIFO). */
void
curb_virtual_printer_feed (CurbVirtualPrinter *self,
                           const guint8       *data,
                           gsize               len)
{
  Connection *conn;

  g_return_if_fail (CURB_IS_VIRTUAL_PRINTER (self));

  conn = connection_new (self, NULL);
  process_chunk (conn, data, len);
  replay_held (conn);
  connection_free (conn);
}

static gboolean
wait_readable (int fd)
{
  struct pollfd pfd = { fd, POLLIN, 0 };

  return poll (&pfd, 1, ACCEPT_POLL_US / 1000) > 0;
}

/* The FIFO is held open for writing too, so writers never meet a closed
 * end and the reader never sees end-of-file between jobs. */
static gpointer
fifo_thread (gpointer data)
{
  CurbVirtualPrinter *self = data;
  int fd = self->fifo_fd;
  Connection *conn = connection_new (self, NULL);
  guint8 buf[4096];

  while (!is_stopping (self))
    {
      gssize n;

      replay_held (conn);
      if (!wait_readable (fd))
        continue;
      n = read (fd, buf, sizeof buf);
      if (n > 0)
        process_chunk (conn, buf, (gsize) n);
    }
  connection_free (conn);
  close (fd);
  return NULL;
}

/**
 * curb_virtual_printer_read_fifo:
 * @self: a virtual printer
 * @path: a FIFO, created when missing
 * @error: return location for a #GError
 *
 * Prints what writers send to @path (no status: a FIFO has no way back).
 */
gboolean
curb_virtual_printer_read_fifo (CurbVirtualPrinter  *self,
                                const char          *path,
                                GError             **error)
{
  int fd;

  g_return_val_if_fail (CURB_IS_VIRTUAL_PRINTER (self), FALSE);

  if (!g_file_test (path, G_FILE_TEST_EXISTS) && mkfifo (path, 0600) < 0)
    {
      int errsv = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errsv), "mkfifo %s: %s", path, g_strerror (errsv));
      return FALSE;
    }
  fd = open (path, O_RDWR | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0)
    {
      int errsv = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errsv), "open %s: %s", path, g_strerror (errsv));
      return FALSE;
    }
  self->fifo_fd = fd;
  track_thread (self, g_thread_new ("vprinter-fifo", fifo_thread, self));
  return TRUE;
}

/**
 * curb_virtual_printer_set_fault:
 * @self: a virtual printer
 * @fault: the state to report (%CURB_PRINTER_STATUS_OK clears every fault)
 *
 * While a blocking fault is set the printer answers status queries but
 * prints nothing; what arrives meanwhile prints when it is cleared.
 */
void
curb_virtual_printer_set_fault (CurbVirtualPrinter *self,
                                CurbPrinterStatus   fault)
{
  g_return_if_fail (CURB_IS_VIRTUAL_PRINTER (self));

  g_mutex_lock (&self->lock);
  self->fault = fault & ~CURB_PRINTER_STATUS_UNREACHABLE;
  g_cond_broadcast (&self->changed);
  g_mutex_unlock (&self->lock);
}

CurbPrinterStatus
curb_virtual_printer_get_fault (CurbVirtualPrinter *self)
{
  CurbPrinterStatus fault;

  g_return_val_if_fail (CURB_IS_VIRTUAL_PRINTER (self), CURB_PRINTER_STATUS_OK);

  g_mutex_lock (&self->lock);
  fault = self->fault;
  g_mutex_unlock (&self->lock);
  return fault;
}

/* @fault starts after @n_bytes more bytes have arrived (mid-job). */
void
curb_virtual_printer_fault_after (CurbVirtualPrinter *self,
                                  CurbPrinterStatus   fault,
                                  gsize               n_bytes)
{
  g_return_if_fail (CURB_IS_VIRTUAL_PRINTER (self));

  g_mutex_lock (&self->lock);
  self->pending_fault = fault;
  self->fault_countdown = (gssize) MAX (n_bytes, 1);
  g_mutex_unlock (&self->lock);
}

/* The connection drops after @n_bytes more bytes (cable pulled mid-job). */
void
curb_virtual_printer_disconnect_after (CurbVirtualPrinter *self,
                                       gsize               n_bytes)
{
  g_return_if_fail (CURB_IS_VIRTUAL_PRINTER (self));

  g_mutex_lock (&self->lock);
  self->disconnect_countdown = (gssize) MAX (n_bytes, 1);
  g_mutex_unlock (&self->lock);
}

void
curb_virtual_printer_disconnect_now (CurbVirtualPrinter *self)
{
  g_return_if_fail (CURB_IS_VIRTUAL_PRINTER (self));

  g_mutex_lock (&self->lock);
  self->kick_serial++;
  g_mutex_unlock (&self->lock);
}

/* Unplugged: open connections drop and new ones are refused. */
void
curb_virtual_printer_set_unplugged (CurbVirtualPrinter *self,
                                    gboolean            unplugged)
{
  g_return_if_fail (CURB_IS_VIRTUAL_PRINTER (self));

  g_mutex_lock (&self->lock);
  self->unplugged = unplugged;
  if (unplugged)
    self->kick_serial++;
  g_mutex_unlock (&self->lock);
}

guint
curb_virtual_printer_get_marker_count (CurbVirtualPrinter *self,
                                       const char         *marker)
{
  guint count;

  g_return_val_if_fail (CURB_IS_VIRTUAL_PRINTER (self), 0);

  g_mutex_lock (&self->lock);
  count = GPOINTER_TO_UINT (g_hash_table_lookup (self->markers, marker));
  g_mutex_unlock (&self->lock);
  return count;
}

guint
curb_virtual_printer_get_n_markers (CurbVirtualPrinter *self)
{
  guint count;

  g_return_val_if_fail (CURB_IS_VIRTUAL_PRINTER (self), 0);

  g_mutex_lock (&self->lock);
  count = self->n_markers;
  g_mutex_unlock (&self->lock);
  return count;
}

/* Pages cut so far, or with @fragments the torn-off pieces. */
guint
curb_virtual_printer_get_n_pages (CurbVirtualPrinter *self,
                                  gboolean            fragments)
{
  guint count;

  g_return_val_if_fail (CURB_IS_VIRTUAL_PRINTER (self), 0);

  g_mutex_lock (&self->lock);
  count = fragments ? self->n_fragments : self->n_pages;
  g_mutex_unlock (&self->lock);
  return count;
}

guint64
curb_virtual_printer_get_bytes_received (CurbVirtualPrinter *self)
{
  guint64 count;

  g_mutex_lock (&self->lock);
  count = self->bytes_received;
  g_mutex_unlock (&self->lock);
  return count;
}

/**
 * curb_virtual_printer_take_pages:
 * @self: a virtual printer
 *
 * Returns: (transfer full) (element-type CurbVirtualPage): the paper that
 *   came out since the last call, in order
 */
GPtrArray *
curb_virtual_printer_take_pages (CurbVirtualPrinter *self)
{
  GPtrArray *pages;

  g_return_val_if_fail (CURB_IS_VIRTUAL_PRINTER (self), NULL);

  g_mutex_lock (&self->lock);
  pages = g_steal_pointer (&self->pages);
  self->pages = g_ptr_array_new_with_free_func ((GDestroyNotify) curb_virtual_page_free);
  g_mutex_unlock (&self->lock);
  return pages;
}

/* Blocks until @n_markers process IDs have been answered in total. */
gboolean
curb_virtual_printer_wait_markers (CurbVirtualPrinter *self,
                                   guint               n_markers,
                                   guint               timeout_ms)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_ms * 1000;
  gboolean reached;

  g_mutex_lock (&self->lock);
  while (self->n_markers < n_markers && g_cond_wait_until (&self->changed, &self->lock, deadline))
    ;
  reached = self->n_markers >= n_markers;
  g_mutex_unlock (&self->lock);
  return reached;
}

static gboolean
fault_from_name (const char        *name,
                 CurbPrinterStatus *out)
{
  static const struct { const char *name; CurbPrinterStatus flag; } faults[] = {
    { "paper-out", CURB_PRINTER_STATUS_PAPER_OUT },
    { "near-end", CURB_PRINTER_STATUS_PAPER_NEAR_END },
    { "cover-open", CURB_PRINTER_STATUS_COVER_OPEN },
    { "offline", CURB_PRINTER_STATUS_OFFLINE },
    { "error", CURB_PRINTER_STATUS_ERROR },
  };

  for (guint i = 0; name != NULL && i < G_N_ELEMENTS (faults); i++)
    if (g_str_equal (name, faults[i].name))
      {
        *out = faults[i].flag;
        return TRUE;
      }
  return FALSE;
}

static char *
status_line (CurbVirtualPrinter *self)
{
  g_autofree char *fault = curb_printer_status_to_string (curb_virtual_printer_get_fault (self));

  return g_strdup_printf ("fault=%s pages=%u fragments=%u markers=%u bytes=%" G_GUINT64_FORMAT,
                          fault, curb_virtual_printer_get_n_pages (self, FALSE),
                          curb_virtual_printer_get_n_pages (self, TRUE),
                          curb_virtual_printer_get_n_markers (self),
                          curb_virtual_printer_get_bytes_received (self));
}

static gboolean
parse_count (const char *text,
             gsize      *out)
{
  guint64 v;

  if (text == NULL || !g_ascii_string_to_unsigned (text, 10, 1, G_MAXUINT32, &v, NULL))
    return FALSE;
  *out = (gsize) v;
  return TRUE;
}

/**
 * curb_virtual_printer_command:
 * @self: a virtual printer
 * @line: a control command: paper-out, cover-open, offline, error, near-end,
 *   clear, fault-after FAULT N, disconnect-after N, disconnect, unplug, plug, status
 *
 * Returns: the answer line: "ok", a status line, or "error: …"
 */
char *
curb_virtual_printer_command (CurbVirtualPrinter *self,
                              const char         *line)
{
  g_autofree char *clean = g_strstrip (g_strdup (line != NULL ? line : ""));
  g_auto(GStrv) words = g_strsplit (clean, " ", 3);
  const char *first = words[0] != NULL ? words[0] : "";
  CurbPrinterStatus fault;
  gsize n;

  if (fault_from_name (first, &fault))
    curb_virtual_printer_set_fault (self, curb_virtual_printer_get_fault (self) | fault);
  else if (g_str_equal (first, "clear"))
    {
      curb_virtual_printer_set_fault (self, CURB_PRINTER_STATUS_OK);
      curb_virtual_printer_set_unplugged (self, FALSE);
    }
  else if (g_str_equal (first, "fault-after") && words[1] != NULL
           && fault_from_name (words[1], &fault) && words[2] != NULL && parse_count (words[2], &n))
    curb_virtual_printer_fault_after (self, fault, n);
  else if (g_str_equal (first, "disconnect-after") && words[1] != NULL && parse_count (words[1], &n))
    curb_virtual_printer_disconnect_after (self, n);
  else if (g_str_equal (first, "disconnect"))
    curb_virtual_printer_disconnect_now (self);
  else if (g_str_equal (first, "unplug") || g_str_equal (first, "plug"))
    curb_virtual_printer_set_unplugged (self, g_str_equal (first, "unplug"));
  else if (g_str_equal (first, "status"))
    return status_line (self);
  else
    return g_strdup ("error: unknown command (paper-out, cover-open, offline, error, near-end, clear, "
                     "fault-after FAULT N, disconnect-after N, disconnect, unplug, plug, status)");
  return g_strdup ("ok");
}

typedef struct
{
  CurbVirtualPrinter *self;
  GSocket            *socket;
} ControlConnection;

static gpointer
control_connection_thread (gpointer data)
{
  g_autofree ControlConnection *control = data;
  CurbVirtualPrinter *self = control->self;
  g_autoptr(GSocket) socket = control->socket;
  g_autoptr(GString) line = g_string_new (NULL);
  char c;

  while (!is_stopping (self))
    {
      gssize n;

      if (!g_socket_condition_timed_wait (socket, G_IO_IN, ACCEPT_POLL_US, NULL, NULL))
        continue;
      n = g_socket_receive_with_blocking (socket, &c, 1, TRUE, NULL, NULL);
      if (n <= 0)
        break;
      if (c != '\n' && line->len < 256)
        g_string_append_c (line, c);
      else if (c == '\n')
        {
          g_autofree char *answer = curb_virtual_printer_command (self, line->str);
          g_autofree char *out = g_strconcat (answer, "\n", NULL);

          g_socket_send_with_blocking (socket, out, strlen (out), TRUE, NULL, NULL);
          g_string_truncate (line, 0);
        }
    }
  g_socket_close (socket, NULL);
  return NULL;
}

static gpointer
control_accept_thread (gpointer data)
{
  CurbVirtualPrinter *self = data;

  while (!is_stopping (self))
    {
      ControlConnection *control;
      GSocket *socket;

      if (!g_socket_condition_timed_wait (self->control, G_IO_IN, ACCEPT_POLL_US, NULL, NULL))
        continue;
      socket = g_socket_accept (self->control, NULL, NULL);
      if (socket == NULL)
        continue;
      g_socket_set_blocking (socket, TRUE);
      control = g_new0 (ControlConnection, 1);
      control->self = self;
      control->socket = socket;
      track_thread (self, g_thread_new ("vprinter-control", control_connection_thread, control));
    }
  return NULL;
}

/**
 * curb_virtual_printer_listen_control:
 * @self: a virtual printer
 * @port: TCP port on 127.0.0.1 for curb_virtual_printer_command() lines; 0 picks one
 * @error: return location for a #GError
 */
gboolean
curb_virtual_printer_listen_control (CurbVirtualPrinter  *self,
                                     guint16              port,
                                     GError             **error)
{
  g_return_val_if_fail (CURB_IS_VIRTUAL_PRINTER (self), FALSE);
  g_return_val_if_fail (self->control == NULL, FALSE);

  self->control = listen_local (port, &self->control_port, error);
  if (self->control == NULL)
    return FALSE;
  track_thread (self, g_thread_new ("vprinter-control-accept", control_accept_thread, self));
  return TRUE;
}

guint16
curb_virtual_printer_get_control_port (CurbVirtualPrinter *self)
{
  g_return_val_if_fail (CURB_IS_VIRTUAL_PRINTER (self), 0);
  return self->control_port;
}
