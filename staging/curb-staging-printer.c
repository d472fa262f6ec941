#include "curb-staging-printer.h"

#include <glib/gi18n.h>

#include "curb-label.h"
#include "curb-receipt.h"
#include "curb-printer-uri.h"

/* The station's label/receipt printer: jobs go to the print queue's own
 * SQLite file first, so a printer that is out of paper or unplugged loses
 * nothing; staff read its state in plain words. */
struct _CurbStagingPrinter
{
  GObject                   parent_instance;

  CurbPrinterQueue         *queue;
  const CurbPrinterProfile *profile;
  char                     *station_name;
};

G_DEFINE_FINAL_TYPE (CurbStagingPrinter, curb_staging_printer, G_TYPE_OBJECT)

enum { CHANGED, N_SIGNALS };
static guint signals[N_SIGNALS];

static void
on_queue_changed (CurbStagingPrinter *self)
{
  g_signal_emit (self, signals[CHANGED], 0);
}

static void
curb_staging_printer_dispose (GObject *object)
{
  CurbStagingPrinter *self = CURB_STAGING_PRINTER (object);

  if (self->queue != NULL)
    curb_printer_queue_stop (self->queue);
  g_clear_object (&self->queue);
  g_clear_pointer (&self->station_name, g_free);

  G_OBJECT_CLASS (curb_staging_printer_parent_class)->dispose (object);
}

static void
curb_staging_printer_class_init (CurbStagingPrinterClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = curb_staging_printer_dispose;

  /**
   * CurbStagingPrinter::changed:
   *
   * The printer's state or the number of waiting jobs changed.
   */
  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
curb_staging_printer_init (CurbStagingPrinter *self)
{
}

/**
 * curb_staging_printer_new:
 * @uri: e.g. "tcp://10.0.0.9:9100" or "usb:///dev/usb/lp0"
 * @profile: (nullable): a printer profile name, %NULL for "generic-80"
 * @queue_path: the print queue's SQLite file
 * @station_name: how staff call this station ("staging 1")
 */
CurbStagingPrinter *
curb_staging_printer_new (const char  *uri,
                          const char  *profile,
                          const char  *queue_path,
                          const char  *station_name,
                          GError     **error)
{
  g_autoptr(CurbStagingPrinter) self = g_object_new (CURB_TYPE_STAGING_PRINTER, NULL);
  g_autoptr(CurbPrinter) printer = NULL;

  g_return_val_if_fail (uri != NULL && queue_path != NULL, NULL);

  self->profile = curb_printer_profile_lookup (profile != NULL ? profile : "generic-80");
  if (self->profile == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, _("Unknown printer model “%s”"), profile);
      return NULL;
    }
  printer = curb_printer_create (uri, error);
  if (printer == NULL)
    return NULL;
  self->queue = curb_printer_queue_new (queue_path, printer, self->profile, error);
  if (self->queue == NULL)
    return NULL;
  self->station_name = g_strdup (station_name);
  curb_printer_queue_set_station (self->queue, station_name);
  curb_printer_queue_set_role (self->queue, CURB_PRINTER_ROLE_LABEL);
  g_signal_connect_object (self->queue, "status-changed", G_CALLBACK (on_queue_changed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->queue, "notify::pending", G_CALLBACK (on_queue_changed), self, G_CONNECT_SWAPPED);
  curb_printer_queue_start (self->queue);
  return g_steal_pointer (&self);
}

static void
on_enqueued (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(CurbStagingPrinter) self = user_data;
  g_autoptr(GError) error = NULL;

  if (curb_printer_queue_enqueue_finish (CURB_PRINTER_QUEUE (source), result, &error) > 0)
    return;
  g_message ("Cannot queue a print job: %s", error->message);
  g_signal_emit (self, signals[CHANGED], 0);
}

/* Off the UI thread: the queue writes the job to disk, in order. */
static gboolean
enqueue (CurbStagingPrinter  *self,
         const char          *kind,
         GBytes              *job,
         GError             **error)
{
  curb_printer_queue_enqueue_async (self->queue, kind, job, NULL, NULL, on_enqueued, g_object_ref (self));
  return TRUE;
}

/* One job per bag label: a fault reprints one label, not the set. */
gboolean
curb_staging_printer_print_labels (CurbStagingPrinter  *self,
                                   CurbOrder           *order,
                                   GError             **error)
{
  g_autoptr(GPtrArray) labels = NULL;

  g_return_val_if_fail (CURB_IS_STAGING_PRINTER (self), FALSE);
  g_return_val_if_fail (CURB_IS_ORDER (order), FALSE);

  labels = curb_label_encode_all_bags (self->profile, order, NULL, error);
  if (labels == NULL)
    return FALSE;
  for (guint i = 0; i < labels->len; i++)
    if (!enqueue (self, "label", g_ptr_array_index (labels, i), error))
      return FALSE;
  return TRUE;
}

gboolean
curb_staging_printer_print_receipt (CurbStagingPrinter  *self,
                                    CurbOrder           *order,
                                    GError             **error)
{
  g_autoptr(GBytes) receipt = NULL;
  CurbPrintContext context = { .store_name = "Curbside", .station = self->station_name };

  g_return_val_if_fail (CURB_IS_STAGING_PRINTER (self), FALSE);
  g_return_val_if_fail (CURB_IS_ORDER (order), FALSE);

  receipt = curb_receipt_encode_pickup (self->profile, &context, order, NULL, error);
  return receipt != NULL && enqueue (self, "receipt", receipt, error);
}

/* Returns: (nullable): "Label printer at staging 1 is out of paper", or %NULL when fine */
char *
curb_staging_printer_dup_problem (CurbStagingPrinter *self)
{
  g_return_val_if_fail (CURB_IS_STAGING_PRINTER (self), NULL);
  return curb_printer_queue_dup_staff_message (self->queue, NULL);
}

guint
curb_staging_printer_get_pending (CurbStagingPrinter *self)
{
  g_return_val_if_fail (CURB_IS_STAGING_PRINTER (self), 0);
  return curb_printer_queue_get_pending (self->queue);
}
