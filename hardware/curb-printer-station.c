#include "curb-error.h"
#include "curb-label.h"
#include "curb-printer-logo.h"
#include "curb-order-codec.h"
#include "curb-printer-station.h"
#include "curb-receipt.h"
#include "curb-printer-uri.h"

/* One station's printing in one object: the printer, its profile, the
 * queue, and the store details the templates need. */
struct _CurbPrinterStation
{
  GObject                   parent_instance;

  const CurbPrinterProfile *profile;
  CurbPrinterQueue         *queue;
  char                     *store_name;
  char                     *receipt_url;
  char                     *station;
  CurbBitmap               *logo;
};

G_DEFINE_FINAL_TYPE (CurbPrinterStation, curb_printer_station, G_TYPE_OBJECT)

static void
curb_printer_station_finalize (GObject *object)
{
  CurbPrinterStation *self = CURB_PRINTER_STATION (object);

  g_clear_object (&self->queue);
  g_clear_pointer (&self->logo, curb_bitmap_free);
  g_free (self->store_name);
  g_free (self->receipt_url);
  g_free (self->station);
  G_OBJECT_CLASS (curb_printer_station_parent_class)->finalize (object);
}

static void
curb_printer_station_class_init (CurbPrinterStationClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = curb_printer_station_finalize;
}

static void
curb_printer_station_init (CurbPrinterStation *self)
{
}

static gboolean
resolve_profile (CurbPrinterStation             *self,
                 const CurbPrinterStationSetup  *setup,
                 GError                        **error)
{
  self->profile = setup->profile != NULL ? curb_printer_profile_lookup (setup->profile)
                                         : curb_printer_profile_default ();
  if (self->profile != NULL)
    return TRUE;
  g_set_error (error, CURB_HARDWARE_ERROR, CURB_HARDWARE_ERROR_UNSUPPORTED,
               "Unknown printer profile “%s”", setup->profile);
  return FALSE;
}

/**
 * curb_printer_station_new:
 * @setup: the station's printing config
 * @error: return location for a #CURB_HARDWARE_ERROR (bad address, profile
 *   or logo; queue file not writable)
 *
 * Opens the queue and starts printing (what an earlier run left first).
 * The printer may be switched off: it is not needed until a job prints.
 */
CurbPrinterStation *
curb_printer_station_new (const CurbPrinterStationSetup  *setup,
                          GError                        **error)
{
  g_autoptr(CurbPrinterStation) self = g_object_new (CURB_TYPE_PRINTER_STATION, NULL);
  g_autoptr(CurbPrinter) printer = NULL;

  g_return_val_if_fail (setup != NULL && setup->uri != NULL && setup->queue_path != NULL, NULL);

  if (!resolve_profile (self, setup, error)
      || (printer = curb_printer_create (setup->uri, error)) == NULL
      || (setup->logo_path != NULL
          && (self->logo = curb_printer_logo_load (setup->logo_path, self->profile->dots, error)) == NULL)
      || (self->queue = curb_printer_queue_new (setup->queue_path, printer, self->profile, error)) == NULL)
    return NULL;
  self->store_name = g_strdup (setup->store_name);
  self->receipt_url = g_strdup (setup->receipt_url);
  self->station = g_strdup (setup->station);
  curb_printer_queue_set_station (self->queue, setup->station);
  curb_printer_queue_set_role (self->queue, setup->role);
  curb_printer_queue_start (self->queue);
  return g_steal_pointer (&self);
}

/* For "status-changed", the messages and the pending count. */
CurbPrinterQueue *
curb_printer_station_get_queue (CurbPrinterStation *self)
{
  g_return_val_if_fail (CURB_IS_PRINTER_STATION (self), NULL);
  return self->queue;
}

const CurbPrinterProfile *
curb_printer_station_get_profile (CurbPrinterStation *self)
{
  g_return_val_if_fail (CURB_IS_PRINTER_STATION (self), NULL);
  return self->profile;
}

static GPtrArray *
encode (CurbPrinterStation    *self,
        CurbPrintKind          kind,
        CurbOrder             *order,
        const char            *lang,
        GError               **error)
{
  CurbPrintContext context = { self->store_name, self->receipt_url, self->station, self->logo, 0 };
  g_autoptr(GPtrArray) jobs = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  GBytes *job = NULL;

  if (kind == CURB_PRINT_BAG_LABELS)
    return curb_label_encode_all_bags (self->profile, order, lang, error);
  if (kind == CURB_PRINT_RECEIPT)
    job = curb_receipt_encode_pickup (self->profile, &context, order, lang, error);
  else
    job = curb_receipt_encode_ticket (self->profile, &context, order, lang, error);
  if (job == NULL)
    return NULL;
  g_ptr_array_add (jobs, job);
  return g_steal_pointer (&jobs);
}

static void
on_enqueued (GObject      *source,
             GAsyncResult *result,
             gpointer      data)
{
  g_autoptr(GTask) task = data;
  GError *error = NULL;

  if (curb_printer_queue_enqueue_finish (CURB_PRINTER_QUEUE (source), result, &error) > 0)
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static const char *
kind_name (CurbPrintKind kind)
{
  return kind == CURB_PRINT_RECEIPT ? "receipt" : kind == CURB_PRINT_TICKET ? "ticket" : "label";
}

/**
 * curb_printer_station_print_async:
 * @self: a station
 * @kind: receipt, ticket or the order's bag labels
 * @order: the order object from the hub API
 * @lang: (nullable): language; %NULL for the order's (receipts, tickets)
 *   or English (labels)
 * @cancellable: (nullable): a #GCancellable
 * @callback: called once the job is safely queued (not yet printed)
 * @user_data: for @callback
 *
 * Lays out and queues. Printing happens in the queue's own time; follow
 * it with the queue's "job-done" and "status-changed".
 */
void
curb_printer_station_print_async (CurbPrinterStation  *self,
                                  CurbPrintKind        kind,
                                  JsonNode            *order,
                                  const char          *lang,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(CurbOrder) parsed = NULL;
  g_autoptr(GPtrArray) jobs = NULL;
  GError *error = NULL;

  g_return_if_fail (CURB_IS_PRINTER_STATION (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, curb_printer_station_print_async);
  if (order == NULL || !JSON_NODE_HOLDS_OBJECT (order))
    {
      g_task_return_new_error (task, CURB_ERROR, CURB_ERROR_INVALID, "An order must be a JSON object");
      return;
    }
  if ((parsed = curb_order_codec_decode (json_node_get_object (order), &error)) == NULL
      || (jobs = encode (self, kind, parsed, lang, &error)) == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  if (lang == NULL && kind != CURB_PRINT_BAG_LABELS)
    lang = curb_order_get_language (parsed);
  curb_printer_queue_enqueue_all_async (self->queue, kind_name (kind), jobs, lang, cancellable, on_enqueued,
                                        g_steal_pointer (&task));
}

gboolean
curb_printer_station_print_finish (CurbPrinterStation  *self,
                                   GAsyncResult        *result,
                                   GError             **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
