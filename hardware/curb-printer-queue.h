#pragma once

#include "curb-printer.h"
#include "curb-printer-messages.h"
#include "curb-printer-profile.h"

G_BEGIN_DECLS

#define CURB_TYPE_PRINTER_QUEUE (curb_printer_queue_get_type ())
G_DECLARE_FINAL_TYPE (CurbPrinterQueue, curb_printer_queue, CURB, PRINTER_QUEUE, GObject)

CurbPrinterQueue  *curb_printer_queue_new             (const char               *db_path,
                                                       CurbPrinter              *printer,
                                                       const CurbPrinterProfile *profile,
                                                       GError                  **error) G_GNUC_WARN_UNUSED_RESULT;
void               curb_printer_queue_set_station     (CurbPrinterQueue *self,
                                                       const char       *station);
const char        *curb_printer_queue_get_station     (CurbPrinterQueue *self);
void               curb_printer_queue_set_role        (CurbPrinterQueue *self,
                                                       CurbPrinterRole   role);
void               curb_printer_queue_set_timing      (CurbPrinterQueue *self,
                                                       guint             retry_ms,
                                                       guint             confirm_ms);
void               curb_printer_queue_set_retention   (CurbPrinterQueue *self,
                                                       guint64           retention_ms);
void               curb_printer_queue_set_idle_poll   (CurbPrinterQueue *self,
                                                       guint             idle_poll_ms);
gint64             curb_printer_queue_enqueue         (CurbPrinterQueue  *self,
                                                       const char        *kind,
                                                       GBytes            *escpos,
                                                       const char        *lang,
                                                       GError           **error);
void               curb_printer_queue_enqueue_async   (CurbPrinterQueue    *self,
                                                       const char          *kind,
                                                       GBytes              *escpos,
                                                       const char          *lang,
                                                       GCancellable        *cancellable,
                                                       GAsyncReadyCallback  callback,
                                                       gpointer             user_data);
void               curb_printer_queue_enqueue_all_async (CurbPrinterQueue    *self,
                                                         const char          *kind,
                                                         GPtrArray           *jobs,
                                                         const char          *lang,
                                                         GCancellable        *cancellable,
                                                         GAsyncReadyCallback  callback,
                                                         gpointer             user_data);
gint64             curb_printer_queue_enqueue_finish  (CurbPrinterQueue  *self,
                                                       GAsyncResult      *result,
                                                       GError           **error);
void               curb_printer_queue_start           (CurbPrinterQueue *self);
void               curb_printer_queue_stop            (CurbPrinterQueue *self);
guint              curb_printer_queue_get_pending     (CurbPrinterQueue *self);
CurbPrinterStatus  curb_printer_queue_get_status      (CurbPrinterQueue *self);
gboolean           curb_printer_queue_wait_idle       (CurbPrinterQueue *self,
                                                       guint             timeout_ms);
gboolean           curb_printer_queue_wait_status     (CurbPrinterQueue  *self,
                                                       CurbPrinterStatus  flags,
                                                       guint              timeout_ms);
char              *curb_printer_queue_dup_staff_message   (CurbPrinterQueue *self,
                                                           const char       *lang) G_GNUC_WARN_UNUSED_RESULT;
char              *curb_printer_queue_dup_shopper_message (CurbPrinterQueue *self,
                                                           const char       *lang) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
