#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define CURB_TYPE_KIOSK_OUTBOX (curb_kiosk_outbox_get_type ())
G_DECLARE_FINAL_TYPE (CurbKioskOutbox, curb_kiosk_outbox, CURB, KIOSK_OUTBOX, GObject)

/**
 * CurbKioskOutbox:
 *
 * The kiosk's own small SQLite file (never the hub's database): events made
 * while the hub was unreachable (check-ins, substitution decisions), kept
 * until the hub has them, plus a few remembered values (the stream's last
 * sequence). Every call after opening runs in a worker thread.
 */
CurbKioskOutbox *curb_kiosk_outbox_open        (const char       *path,
                                                GError          **error) G_GNUC_WARN_UNUSED_RESULT;
guint            curb_kiosk_outbox_get_depth   (CurbKioskOutbox  *self);
/* Remembered values (e.g. "store_id"), read at open; set writes through. */
const char      *curb_kiosk_outbox_get_meta    (CurbKioskOutbox  *self,
                                                const char       *key);
void             curb_kiosk_outbox_set_meta    (CurbKioskOutbox  *self,
                                                const char       *key,
                                                const char       *value);

void             curb_kiosk_outbox_add_async   (CurbKioskOutbox     *self,
                                                JsonObject          *event,
                                                GCancellable        *cancellable,
                                                GAsyncReadyCallback  callback,
                                                gpointer             user_data);
/* Several events at once, kept in this order (one transaction); finish
 * with curb_kiosk_outbox_add_finish(). */
void             curb_kiosk_outbox_add_all_async (CurbKioskOutbox     *self,
                                                  JsonArray           *events,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
gboolean         curb_kiosk_outbox_add_finish  (CurbKioskOutbox     *self,
                                                GAsyncResult        *result,
                                                GError             **error);
/* The oldest @max events, as a JSON array ready for POST /v1/events. */
void             curb_kiosk_outbox_peek_async  (CurbKioskOutbox     *self,
                                                guint                max,
                                                GCancellable        *cancellable,
                                                GAsyncReadyCallback  callback,
                                                gpointer             user_data);
JsonArray       *curb_kiosk_outbox_peek_finish (CurbKioskOutbox     *self,
                                                GAsyncResult        *result,
                                                GError             **error) G_GNUC_WARN_UNUSED_RESULT;
void             curb_kiosk_outbox_remove_async  (CurbKioskOutbox     *self,
                                                  GStrv                ids,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
gboolean         curb_kiosk_outbox_remove_finish (CurbKioskOutbox     *self,
                                                  GAsyncResult        *result,
                                                  GError             **error);

G_END_DECLS
