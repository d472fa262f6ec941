#pragma once

#include <glib-object.h>

#include "curb-order-model.h"

G_BEGIN_DECLS

typedef enum
{
  CURB_KIOSK_SCREEN_WELCOME,
  CURB_KIOSK_SCREEN_LOOKUP,
  CURB_KIOSK_SCREEN_GREETING,
  CURB_KIOSK_SCREEN_BAY,
  CURB_KIOSK_SCREEN_WAITING,
  CURB_KIOSK_SCREEN_THANKS,
  CURB_KIOSK_SCREEN_PROBLEM,
} CurbKioskScreen;

#define CURB_KIOSK_N_SCREENS (CURB_KIOSK_SCREEN_PROBLEM + 1)

typedef enum
{
  CURB_KIOSK_PROBLEM_NONE,
  CURB_KIOSK_PROBLEM_UNREADABLE,
  CURB_KIOSK_PROBLEM_EXPIRED,
  CURB_KIOSK_PROBLEM_INVALID,
  CURB_KIOSK_PROBLEM_OTHER_STORE,
  CURB_KIOSK_PROBLEM_NOT_FOUND,
  CURB_KIOSK_PROBLEM_NOT_READY,
  CURB_KIOSK_PROBLEM_ALREADY_CHECKED_IN,
  CURB_KIOSK_PROBLEM_ALREADY_COLLECTED,
  CURB_KIOSK_PROBLEM_CANCELLED,
  CURB_KIOSK_PROBLEM_OFFLINE_QUEUED,
  CURB_KIOSK_PROBLEM_HUB_UNREACHABLE,
  CURB_KIOSK_PROBLEM_RATE_LIMITED,
  CURB_KIOSK_PROBLEM_CAMERA_FAILED,
  CURB_KIOSK_PROBLEM_STAFF_CALLED,
  CURB_KIOSK_PROBLEM_SEE_STAFF,
  CURB_KIOSK_PROBLEM_STAFF_UNREACHABLE,
  CURB_KIOSK_PROBLEM_NOT_PICKUP_CODE,
  CURB_KIOSK_PROBLEM_STAFF_COMING,
  CURB_KIOSK_PROBLEM_FAILED,
} CurbKioskProblem;

#define CURB_KIOSK_N_PROBLEMS (CURB_KIOSK_PROBLEM_FAILED + 1)

const char       *curb_kiosk_screen_to_string  (CurbKioskScreen  screen);
const char       *curb_kiosk_problem_to_string (CurbKioskProblem problem);
CurbKioskProblem  curb_kiosk_problem_from_error (const GError   *error);

#define CURB_TYPE_KIOSK_FLOW (curb_kiosk_flow_get_type ())
G_DECLARE_FINAL_TYPE (CurbKioskFlow, curb_kiosk_flow, CURB, KIOSK_FLOW, GObject)

/**
 * CurbKioskFlow:
 *
 * The kiosk's screens as a state machine, free of GTK and of I/O. The UI
 * calls the shopper's actions; the session feeds it what the hub, the
 * scanner and the outbox answered, tagged with the visit they belong to so
 * an answer for a shopper who has gone is dropped. The shopper is checked in
 * on the scan (the session does it); the flow asks for the rest through
 * signals ("arrival-update" with the bay, or %NULL when the shopper left
 * without one; "withdraw" for "Not you? Start over"; "lookup",
 * "substitution-decided", "call-staff", "print-receipt") and says "changed"
 * after every change and "reset" when a visit ends and every trace of it
 * must go.
 */
CurbKioskFlow   *curb_kiosk_flow_new (void) G_GNUC_WARN_UNUSED_RESULT;

void              curb_kiosk_flow_set_bays             (CurbKioskFlow      *self,
                                                        const char * const *bays);
const char * const *curb_kiosk_flow_get_bays           (CurbKioskFlow      *self);
void              curb_kiosk_flow_set_default_language (CurbKioskFlow      *self,
                                                        const char         *language);
void              curb_kiosk_flow_set_store_phone    (CurbKioskFlow      *self,
                                                        const char         *phone);
const char       *curb_kiosk_flow_get_store_phone    (CurbKioskFlow      *self);
void              curb_kiosk_flow_set_timeouts         (CurbKioskFlow      *self,
                                                        guint               idle_s,
                                                        guint               waiting_s,
                                                        guint               thanks_s);

CurbKioskScreen   curb_kiosk_flow_get_screen      (CurbKioskFlow *self);
CurbKioskProblem  curb_kiosk_flow_get_problem     (CurbKioskFlow *self);
CurbKioskProblem  curb_kiosk_flow_get_notice      (CurbKioskFlow *self);
const char       *curb_kiosk_flow_get_language    (CurbKioskFlow *self);
gboolean          curb_kiosk_flow_get_busy        (CurbKioskFlow *self);
guint             curb_kiosk_flow_get_visit       (CurbKioskFlow *self);
CurbOrder        *curb_kiosk_flow_get_order       (CurbKioskFlow *self);
const char       *curb_kiosk_flow_get_token       (CurbKioskFlow *self);
const char       *curb_kiosk_flow_get_source      (CurbKioskFlow *self);
const char       *curb_kiosk_flow_get_bay         (CurbKioskFlow *self);
const char       *curb_kiosk_flow_get_staff_name  (CurbKioskFlow *self);
int               curb_kiosk_flow_get_eta_s       (CurbKioskFlow *self);
gboolean          curb_kiosk_flow_get_offline     (CurbKioskFlow *self);
gint64            curb_kiosk_flow_get_checked_in_at (CurbKioskFlow *self);
gboolean          curb_kiosk_flow_get_hub_reachable (CurbKioskFlow *self);
void              curb_kiosk_flow_set_hub_reachable (CurbKioskFlow *self,
                                                     gboolean       reachable);

/* the "now serving / current wait" strip */
void              curb_kiosk_flow_set_queue_status (CurbKioskFlow *self,
                                                    int            waiting,
                                                    int            wait_s);
int               curb_kiosk_flow_get_queue_waiting (CurbKioskFlow *self);
int               curb_kiosk_flow_get_queue_wait_s  (CurbKioskFlow *self);

/* the shopper's actions */
void              curb_kiosk_flow_touch              (CurbKioskFlow *self);
void              curb_kiosk_flow_set_language       (CurbKioskFlow *self,
                                                      const char    *language);
void              curb_kiosk_flow_find_order         (CurbKioskFlow *self);
gboolean          curb_kiosk_flow_submit_lookup      (CurbKioskFlow *self,
                                                      const char    *ref,
                                                      const char    *surname,
                                                      const char    *phone_last4);
void              curb_kiosk_flow_decide_substitution (CurbKioskFlow *self,
                                                       const char    *id,
                                                       gboolean       approved);
void              curb_kiosk_flow_confirm            (CurbKioskFlow *self);
void              curb_kiosk_flow_choose_bay         (CurbKioskFlow *self,
                                                      const char    *bay);
void              curb_kiosk_flow_check_in_anyway    (CurbKioskFlow *self);
void              curb_kiosk_flow_show_status        (CurbKioskFlow *self);
void              curb_kiosk_flow_call_staff         (CurbKioskFlow *self);
/* What became of the call for staff: not delivered, or answered by @staff_name. */
void              curb_kiosk_flow_staff_call_failed  (CurbKioskFlow *self);
void              curb_kiosk_flow_staff_call_answered (CurbKioskFlow *self,
                                                       const char    *staff_name);
const char       *curb_kiosk_flow_get_helper_name    (CurbKioskFlow *self);
CurbKioskScreen   curb_kiosk_flow_get_return_screen  (CurbKioskFlow *self);
void              curb_kiosk_flow_back               (CurbKioskFlow *self);
void              curb_kiosk_flow_start_over         (CurbKioskFlow *self);

/* what the session learnt */
gboolean          curb_kiosk_flow_accepts_scan       (CurbKioskFlow *self);
guint             curb_kiosk_flow_begin              (CurbKioskFlow *self);
gboolean          curb_kiosk_flow_reject_scan        (CurbKioskFlow    *self,
                                                      CurbKioskProblem  problem);
void              curb_kiosk_flow_show_order         (CurbKioskFlow  *self,
                                                      guint           visit,
                                                      CurbOrder      *order,
                                                      const char     *token,
                                                      const char     *source);
void              curb_kiosk_flow_show_offline       (CurbKioskFlow  *self,
                                                      guint           visit,
                                                      const char     *ref,
                                                      const char     *token);
void              curb_kiosk_flow_fail               (CurbKioskFlow   *self,
                                                      guint            visit,
                                                      CurbKioskProblem problem);
void              curb_kiosk_flow_show_arrival       (CurbKioskFlow  *self,
                                                      guint           visit,
                                                      CurbOrder      *order,
                                                      const char     *token,
                                                      const char     *source,
                                                      int             eta_s);
/* Checked in, and the bay and answers not sent yet. */
gboolean          curb_kiosk_flow_get_arrival_open   (CurbKioskFlow  *self);
/* What became of "Not you? Start over": taken back, or refused because
 * @staff_name already claimed the order. */
void              curb_kiosk_flow_withdrawn          (CurbKioskFlow  *self,
                                                      guint           visit);
void              curb_kiosk_flow_withdraw_refused   (CurbKioskFlow  *self,
                                                      guint           visit,
                                                      const char     *staff_name);
/* The hub's estimate when the check-in was accepted (before anyone claims). */
void              curb_kiosk_flow_set_eta            (CurbKioskFlow *self,
                                                      guint          visit,
                                                      int            eta_s);
void              curb_kiosk_flow_order_event        (CurbKioskFlow *self,
                                                      const char    *ref,
                                                      const char    *kind,
                                                      const char    *staff_name,
                                                      int            eta_s);
void              curb_kiosk_flow_set_receipt_note   (CurbKioskFlow *self,
                                                      const char    *note);
const char       *curb_kiosk_flow_get_receipt_note   (CurbKioskFlow *self);
void              curb_kiosk_flow_set_camera_ok      (CurbKioskFlow *self,
                                                      gboolean       ok);

G_END_DECLS
