#pragma once

#include "curb-code-source.h"
#include "curb-printer-station.h"
#include "curb-hub-client.h"
#include "curb-keyring.h"
#include "curb-kiosk-flow.h"
#include "curb-kiosk-outbox.h"

G_BEGIN_DECLS

#define CURB_TYPE_KIOSK_SESSION (curb_kiosk_session_get_type ())
G_DECLARE_FINAL_TYPE (CurbKioskSession, curb_kiosk_session, CURB, KIOSK_SESSION, GObject)

/**
 * CurbKioskSession:
 *
 * Does the kiosk's I/O for the flow, without GTK: codes from the scanner
 * are verified offline with the issuer keyring, then the shopper is checked
 * in at once (one request; its reply's order greets them); the answers and
 * the bay follow as one update through the outbox, "Not you?" withdraws the
 * arrival. What cannot reach the hub goes into the outbox with its original
 * time, in order, and is delivered once later. The hub's event stream
 * drives the waiting screen. Emits "outbox-changed" when the number
 * of queued events changes.
 */
CurbKioskSession *curb_kiosk_session_new          (CurbKioskFlow   *flow,
                                                   CurbHubClient   *client,
                                                   CurbKioskOutbox *outbox) G_GNUC_WARN_UNUSED_RESULT;
void              curb_kiosk_session_set_keyring  (CurbKioskSession *self,
                                                   CurbKeyring      *keyring,
                                                   const char       *store_id);
void              curb_kiosk_session_set_code_source (CurbKioskSession *self,
                                                      CurbCodeSource   *source);
/* A receipt printer: the receipt prints when the order is handed over. */
void              curb_kiosk_session_set_printer  (CurbKioskSession   *self,
                                                   CurbPrinterStation *printer);
void              curb_kiosk_session_start        (CurbKioskSession *self);
void              curb_kiosk_session_handle_code  (CurbKioskSession *self,
                                                   const char       *text);
void              curb_kiosk_session_flush_outbox (CurbKioskSession *self);
guint             curb_kiosk_session_get_outbox_depth (CurbKioskSession *self);
gboolean          curb_kiosk_session_get_stream_connected (CurbKioskSession *self);

G_END_DECLS
