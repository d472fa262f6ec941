#include "curb-kiosk-flow.h"

#include "curb-error.h"
#include "curb-hardware.h"
#include "curb-util.h"

struct _CurbKioskFlow
{
  GObject           parent_instance;

  CurbKioskScreen   screen;
  CurbKioskScreen   return_screen;
  CurbKioskProblem  return_problem;
  char             *helper_name;      /* who answered the call for staff */
  CurbKioskProblem  problem;
  CurbKioskProblem  notice;
  char             *language;
  char             *default_language;
  gboolean          language_chosen;
  gboolean          busy;
  gboolean          camera_ok;
  gboolean          hub_unreachable;
  guint             visit;

  CurbOrder        *order;
  char             *token;
  char             *source;
  char             *bay;
  char             *staff_name;
  int               eta_s;
  gboolean          offline;
  gint64            checked_in_at;
  gboolean          arrival_open;      /* checked in on the scan; bay and answers not sent yet */
  gboolean          withdraw_refused;  /* "Not you?" came after staff claimed the order */
  char             *receipt_note;

  GStrv             bays;
  char             *store_phone;
  int               queue_waiting;
  int               queue_wait_s;

  guint             idle_s;
  guint             waiting_s;
  guint             thanks_s;
  guint             idle_source;
};

enum {
  CHANGED,
  RESET,
  ARRIVAL_UPDATE,
  WITHDRAW,
  LOOKUP,
  SUBSTITUTION_DECIDED,
  CALL_STAFF,
  PRINT_RECEIPT,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (CurbKioskFlow, curb_kiosk_flow, G_TYPE_OBJECT)

static const char * const screen_names[] = {
  "welcome", "lookup", "greeting", "bay", "waiting", "thanks", "problem",
};

static const char * const problem_names[] = {
  "none", "unreadable", "expired", "invalid", "other-store", "not-found",
  "not-ready", "already-checked-in", "already-collected", "cancelled",
  "offline-queued", "hub-unreachable", "rate-limited", "camera-failed",
  "staff-called", "see-staff", "staff-unreachable", "not-pickup-code", "staff-coming", "failed",
};

G_STATIC_ASSERT (G_N_ELEMENTS (screen_names) == CURB_KIOSK_N_SCREENS);
G_STATIC_ASSERT (G_N_ELEMENTS (problem_names) == CURB_KIOSK_N_PROBLEMS);

const char *
curb_kiosk_screen_to_string (CurbKioskScreen screen)
{
  g_return_val_if_fail (screen < CURB_KIOSK_N_SCREENS, NULL);
  return screen_names[screen];
}

const char *
curb_kiosk_problem_to_string (CurbKioskProblem problem)
{
  g_return_val_if_fail (problem < CURB_KIOSK_N_PROBLEMS, NULL);
  return problem_names[problem];
}

static CurbKioskProblem
problem_from_core_error (int code)
{
  switch ((CurbError) code)
    {
    case CURB_ERROR_TOKEN_MALFORMED:
      return CURB_KIOSK_PROBLEM_UNREADABLE;
    case CURB_ERROR_TOKEN_EXPIRED:
      return CURB_KIOSK_PROBLEM_EXPIRED;
    case CURB_ERROR_TOKEN_BAD_SIGNATURE:
    case CURB_ERROR_TOKEN_UNKNOWN_KEY:
      return CURB_KIOSK_PROBLEM_INVALID;
    case CURB_ERROR_TOKEN_OTHER_STORE:
      return CURB_KIOSK_PROBLEM_OTHER_STORE;
    case CURB_ERROR_NOT_FOUND:
      return CURB_KIOSK_PROBLEM_NOT_FOUND;
    case CURB_ERROR_ALREADY_ARRIVED:
    case CURB_ERROR_ALREADY_CLAIMED:
      return CURB_KIOSK_PROBLEM_ALREADY_CHECKED_IN;
    case CURB_ERROR_CANCELLED:
      return CURB_KIOSK_PROBLEM_CANCELLED;
    case CURB_ERROR_NEEDS_STAFF:
      return CURB_KIOSK_PROBLEM_SEE_STAFF;
    case CURB_ERROR_RATE_LIMITED:
      return CURB_KIOSK_PROBLEM_RATE_LIMITED;
    case CURB_ERROR_UNAVAILABLE:
      return CURB_KIOSK_PROBLEM_HUB_UNREACHABLE;
    case CURB_ERROR_FAILED:
    case CURB_ERROR_INVALID:
    case CURB_ERROR_ILLEGAL_TRANSITION:
    case CURB_ERROR_CONFLICT:
    case CURB_ERROR_DATABASE:
    case CURB_ERROR_DISK_FULL:
    case CURB_ERROR_UNAUTHORIZED:
    case CURB_ERROR_FORBIDDEN:
    case CURB_ERROR_PROTOCOL:
    case CURB_ERROR_CONFIG:
    case CURB_ERROR_RESTAGE_REQUIRED:
    default:
      return CURB_KIOSK_PROBLEM_FAILED;
    }
}

CurbKioskProblem
curb_kiosk_problem_from_error (const GError *error)
{
  if (error == NULL)
    return CURB_KIOSK_PROBLEM_NONE;
  if (error->domain == CURB_ERROR)
    return problem_from_core_error (error->code);
  if (error->domain == CURB_HARDWARE_ERROR)
    return CURB_KIOSK_PROBLEM_CAMERA_FAILED;
  if (error->domain == G_IO_ERROR || error->domain == G_RESOLVER_ERROR)
    return CURB_KIOSK_PROBLEM_HUB_UNREACHABLE;
  return CURB_KIOSK_PROBLEM_FAILED;
}

static void arm_idle_timer (CurbKioskFlow *self);

static void
emit_changed (CurbKioskFlow *self)
{
  g_signal_emit (self, signals[CHANGED], 0);
}

static void
go (CurbKioskFlow    *self,
    CurbKioskScreen   screen,
    CurbKioskProblem  problem)
{
  self->screen = screen;
  self->problem = problem;
  self->busy = FALSE;
  arm_idle_timer (self);
  emit_changed (self);
}

static gboolean
is_staff_call (CurbKioskFlow *self)
{
  return self->screen == CURB_KIOSK_SCREEN_PROBLEM
         && (self->problem == CURB_KIOSK_PROBLEM_STAFF_CALLED
             || self->problem == CURB_KIOSK_PROBLEM_STAFF_UNREACHABLE);
}

static void
clear_visit (CurbKioskFlow *self)
{
  g_clear_object (&self->order);
  g_clear_pointer (&self->token, g_free);
  g_clear_pointer (&self->source, g_free);
  g_clear_pointer (&self->bay, g_free);
  g_clear_pointer (&self->staff_name, g_free);
  g_clear_pointer (&self->helper_name, g_free);
  self->eta_s = 0;
  self->offline = FALSE;
  self->checked_in_at = 0;
  self->arrival_open = FALSE;
  self->withdraw_refused = FALSE;
  g_clear_pointer (&self->receipt_note, g_free);
  self->language_chosen = FALSE;
  g_free (self->language);
  self->language = g_strdup (self->default_language);
  self->visit++;
}

static guint n_bays (CurbKioskFlow *self);

/* The bay and the substitution answers, once, after the check-in: @bay
 * %NULL when the shopper left without choosing (staff see "bay not given"). */
static void
send_update (CurbKioskFlow *self,
             const char    *bay)
{
  if (!self->arrival_open)
    return;
  self->arrival_open = FALSE;
  g_signal_emit (self, signals[ARRIVAL_UPDATE], 0, bay);
}

/* A shopper who walks away after the scan is still at the kerb: the arrival
 * stays, the bay is sent as not given (in a one-bay store it is known). */
static void
reset (CurbKioskFlow *self)
{
  send_update (self, self->bay != NULL ? self->bay : n_bays (self) == 1 ? self->bays[0] : NULL);
  clear_visit (self);
  self->notice = self->camera_ok ? CURB_KIOSK_PROBLEM_NONE : CURB_KIOSK_PROBLEM_CAMERA_FAILED;
  g_signal_emit (self, signals[RESET], 0);
  go (self, self->camera_ok ? CURB_KIOSK_SCREEN_WELCOME : CURB_KIOSK_SCREEN_LOOKUP,
      CURB_KIOSK_PROBLEM_NONE);
}

static gboolean
on_idle_timeout (gpointer user_data)
{
  CurbKioskFlow *self = user_data;

  self->idle_source = 0;
  g_debug ("idle timeout on %s: back to welcome", screen_names[self->screen]);
  reset (self);
  return G_SOURCE_REMOVE;
}

/* A shopper who called for staff waits for them as long as for an order. */
static guint
timeout_for_screen (CurbKioskFlow *self)
{
  if (is_staff_call (self))
    return self->waiting_s;
  switch (self->screen)
    {
    case CURB_KIOSK_SCREEN_WELCOME:
      return self->language_chosen ? self->idle_s : 0;
    case CURB_KIOSK_SCREEN_WAITING:
      return self->waiting_s;
    case CURB_KIOSK_SCREEN_THANKS:
      return self->thanks_s;
    case CURB_KIOSK_SCREEN_LOOKUP:
    case CURB_KIOSK_SCREEN_GREETING:
    case CURB_KIOSK_SCREEN_BAY:
    case CURB_KIOSK_SCREEN_PROBLEM:
    default:
      return self->idle_s;
    }
}

static void
arm_idle_timer (CurbKioskFlow *self)
{
  guint seconds = timeout_for_screen (self);

  g_clear_handle_id (&self->idle_source, g_source_remove);
  if (seconds > 0)
    self->idle_source = g_timeout_add_seconds (seconds, on_idle_timeout, self);
}

static gboolean
is_current (CurbKioskFlow *self,
            guint          visit)
{
  return visit == self->visit && self->busy;
}

static void
adopt_order_language (CurbKioskFlow *self)
{
  const char *language = curb_order_get_language (self->order);

  if (self->language_chosen || language == NULL || *language == '\0')
    return;
  if (g_strcmp0 (language, "en") != 0 && g_strcmp0 (language, "es") != 0)
    return;
  g_free (self->language);
  self->language = g_strdup (language);
}

static guint
n_bays (CurbKioskFlow *self)
{
  return self->bays != NULL ? g_strv_length (self->bays) : 0;
}

/* The shopper answered and said where they are parked: the update goes out
 * (through the outbox, so it never holds the screen) and the wait begins. */
static void
finish_check_in (CurbKioskFlow *self)
{
  if (self->bay == NULL && n_bays (self) == 1)
    self->bay = g_strdup (self->bays[0]);
  send_update (self, self->bay);
  if (self->order != NULL)
    curb_order_set_state (self->order, self->staff_name != NULL ? CURB_ORDER_STATE_CLAIMED
                                                                  : CURB_ORDER_STATE_ARRIVED);
  if (self->offline)
    go (self, CURB_KIOSK_SCREEN_PROBLEM, CURB_KIOSK_PROBLEM_OFFLINE_QUEUED);
  else
    go (self, CURB_KIOSK_SCREEN_WAITING, CURB_KIOSK_PROBLEM_NONE);
}

static void
curb_kiosk_flow_dispose (GObject *object)
{
  CurbKioskFlow *self = CURB_KIOSK_FLOW (object);

  g_clear_handle_id (&self->idle_source, g_source_remove);
  g_clear_object (&self->order);

  G_OBJECT_CLASS (curb_kiosk_flow_parent_class)->dispose (object);
}

static void
curb_kiosk_flow_finalize (GObject *object)
{
  CurbKioskFlow *self = CURB_KIOSK_FLOW (object);

  g_free (self->language);
  g_free (self->default_language);
  g_free (self->token);
  g_free (self->source);
  g_free (self->bay);
  g_free (self->staff_name);
  g_free (self->helper_name);
  g_free (self->receipt_note);
  g_free (self->store_phone);
  g_strfreev (self->bays);

  G_OBJECT_CLASS (curb_kiosk_flow_parent_class)->finalize (object);
}

static void
curb_kiosk_flow_class_init (CurbKioskFlowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = curb_kiosk_flow_dispose;
  object_class->finalize = curb_kiosk_flow_finalize;

  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[RESET] = g_signal_new ("reset", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                 0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[ARRIVAL_UPDATE] = g_signal_new ("arrival-update", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                          0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  signals[WITHDRAW] = g_signal_new ("withdraw", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                    0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[LOOKUP] = g_signal_new ("lookup", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                  0, NULL, NULL, NULL, G_TYPE_NONE, 3,
                                  G_TYPE_STRING, G_TYPE_STRING, G_TYPE_STRING);
  signals[SUBSTITUTION_DECIDED] = g_signal_new ("substitution-decided", G_TYPE_FROM_CLASS (klass),
                                                G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                                G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_BOOLEAN);
  signals[CALL_STAFF] = g_signal_new ("call-staff", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                      0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[PRINT_RECEIPT] = g_signal_new ("print-receipt", G_TYPE_FROM_CLASS (klass),
                                         G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
curb_kiosk_flow_init (CurbKioskFlow *self)
{
  self->default_language = g_strdup ("en");
  self->language = g_strdup ("en");
  self->camera_ok = TRUE;
  self->idle_s = 30;
  self->waiting_s = 300;
  self->thanks_s = 15;
  self->queue_waiting = -1;
  self->queue_wait_s = -1;
}

CurbKioskFlow *
curb_kiosk_flow_new (void)
{
  return g_object_new (CURB_TYPE_KIOSK_FLOW, NULL);
}

void
curb_kiosk_flow_set_bays (CurbKioskFlow      *self,
                          const char * const *bays)
{
  g_return_if_fail (CURB_IS_KIOSK_FLOW (self));
  g_strfreev (self->bays);
  self->bays = g_strdupv ((char **) bays);
}

const char * const *
curb_kiosk_flow_get_bays (CurbKioskFlow *self)
{
  g_return_val_if_fail (CURB_IS_KIOSK_FLOW (self), NULL);
  return (const char * const *) self->bays;
}

void
curb_kiosk_flow_set_default_language (CurbKioskFlow *self,
                                      const char    *language)
{
  g_return_if_fail (CURB_IS_KIOSK_FLOW (self));
  g_return_if_fail (language != NULL);
  g_free (self->default_language);
  self->default_language = g_strdup (language);
  if (!self->language_chosen && self->order == NULL)
    {
      g_free (self->language);
      self->language = g_strdup (language);
      emit_changed (self);
    }
}

void
curb_kiosk_flow_set_timeouts (CurbKioskFlow *self,
                              guint          idle_s,
                              guint          waiting_s,
                              guint          thanks_s)
{
  g_return_if_fail (CURB_IS_KIOSK_FLOW (self));
  self->idle_s = idle_s;
  self->waiting_s = waiting_s;
  self->thanks_s = thanks_s;
  arm_idle_timer (self);
}

CurbKioskScreen
curb_kiosk_flow_get_screen (CurbKioskFlow *self)
{
  g_return_val_if_fail (CURB_IS_KIOSK_FLOW (self), CURB_KIOSK_SCREEN_WELCOME);
  return self->screen;
}

CurbKioskProblem
curb_kiosk_flow_get_problem (CurbKioskFlow *self)
{
  g_return_val_if_fail (CURB_IS_KIOSK_FLOW (self), CURB_KIOSK_PROBLEM_NONE);
  return self->problem;
}

CurbKioskProblem
curb_kiosk_flow_get_notice (CurbKioskFlow *self)
{
  g_return_val_if_fail (CURB_IS_KIOSK_FLOW (self), CURB_KIOSK_PROBLEM_NONE);
  return self->notice;
}

const char *
curb_kiosk_flow_get_language (CurbKioskFlow *self)
{
  g_return_val_if_fail (CURB_IS_KIOSK_FLOW (self), NULL);
  return self->language;
}

gboolean
curb_kiosk_flow_get_busy (CurbKioskFlow *self)
{
  g_return_val_if_fail (CURB_IS_KIOSK_FLOW (self), FALSE);
  return self->busy;
}

guint
curb_kiosk_flow_get_visit (CurbKioskFlow *self)
{
  g_return_val_if_fail (CURB_IS_KIOSK_FLOW (self), 0);
  return self->visit;
}

CurbOrder *
curb_kiosk_flow_get_order (CurbKioskFlow *self)
{
  g_return_val_if_fail (CURB_IS_KIOSK_FLOW (self), NULL);
  return self->order;
}

const char *
curb_kiosk_flow_get_token (CurbKioskFlow *self)
{
  g_return_val_if_fail (CURB_IS_KIOSK_FLOW (self), NULL);
  return self->token;
}

const char *
curb_kiosk_flow_get_source (CurbKioskFlow *self)
{
  g_return_val_if_fail (CURB_IS_KIOSK_FLOW (self), NULL);
  return self->source;
}

const char *
curb_kiosk_flow_get_bay (CurbKioskFlow *self)
{
  g_return_val_if_fail (CURB_IS_KIOSK_FLOW (self), NULL);
  return self->bay;
}

const char *
curb_kiosk_flow_get_staff_name (CurbKioskFlow *self)
{
  g_return_val_if_fail (CURB_IS_KIOSK_FLOW (self), NULL);
  return self->staff_name;
}

int
curb_kiosk_flow_get_eta_s (CurbKioskFlow *self)
{
  g_return_val_if_fail (CURB_IS_KIOSK_FLOW (self), 0);
  return self->eta_s;
}

gboolean
curb_kiosk_flow_get_offline (CurbKioskFlow *self)
{
  g_return_val_if_fail (CURB_IS_KIOSK_FLOW (self), FALSE);
  return self->offline;
}

/* Whether the kiosk reaches the hub now (the store's live connection), not
 * only for this visit: the welcome and lookup screens say what still works. */
gboolean
curb_kiosk_flow_get_hub_reachable (CurbKioskFlow *self)
{
  g_return_val_if_fail (CURB_IS_KIOSK_FLOW (self), TRUE);
  return !self->hub_unreachable;
}

void
curb_kiosk_flow_set_hub_reachable (CurbKioskFlow *self,
                                   gboolean       reachable)
{
  g_return_if_fail (CURB_IS_KIOSK_FLOW (self));

  if (self->hub_unreachable == !reachable)
    return;
  self->hub_unreachable = !reachable;
  emit_changed (self);
}

gint64
curb_kiosk_flow_get_checked_in_at (CurbKioskFlow *self)
{
  g_return_val_if_fail (CURB_IS_KIOSK_FLOW (self), 0);
  return self->checked_in_at;
}

void
curb_kiosk_flow_set_queue_status (CurbKioskFlow *self,
                                  int            waiting,
                                  int            wait_s)
{
  g_return_if_fail (CURB_IS_KIOSK_FLOW (self));
  if (self->queue_waiting == waiting && self->queue_wait_s == wait_s)
    return;
  self->queue_waiting = waiting;
  self->queue_wait_s = wait_s;
  /* only the welcome screen shows it (and draws it again when it comes
   * back): a shopper's own check-in on the scan changes nothing they see */
  if (self->screen == CURB_KIOSK_SCREEN_WELCOME)
    emit_changed (self);
}

int
curb_kiosk_flow_get_queue_waiting (CurbKioskFlow *self)
{
  g_return_val_if_fail (CURB_IS_KIOSK_FLOW (self), -1);
  return self->queue_waiting;
}

int
curb_kiosk_flow_get_queue_wait_s (CurbKioskFlow *self)
{
  g_return_val_if_fail (CURB_IS_KIOSK_FLOW (self), -1);
  return self->queue_wait_s;
}

void
curb_kiosk_flow_touch (CurbKioskFlow *self)
{
  g_return_if_fail (CURB_IS_KIOSK_FLOW (self));
  arm_idle_timer (self);
}

void
curb_kiosk_flow_set_language (CurbKioskFlow *self,
                              const char    *language)
{
  g_return_if_fail (CURB_IS_KIOSK_FLOW (self));
  g_return_if_fail (language != NULL);

  self->language_chosen = TRUE;
  if (g_strcmp0 (self->language, language) != 0)
    {
      g_free (self->language);
      self->language = g_strdup (language);
    }
  arm_idle_timer (self);
  emit_changed (self);
}

void
curb_kiosk_flow_find_order (CurbKioskFlow *self)
{
  g_return_if_fail (CURB_IS_KIOSK_FLOW (self));
  if (self->busy)
    return;
  go (self, CURB_KIOSK_SCREEN_LOOKUP, CURB_KIOSK_PROBLEM_NONE);
}

gboolean
curb_kiosk_flow_submit_lookup (CurbKioskFlow *self,
                               const char    *ref,
                               const char    *surname,
                               const char    *phone_last4)
{
  g_return_val_if_fail (CURB_IS_KIOSK_FLOW (self), FALSE);

  if (self->busy || self->screen != CURB_KIOSK_SCREEN_LOOKUP)
    return FALSE;
  if (ref == NULL || *ref == '\0')
    return FALSE;
  if ((surname == NULL || *surname == '\0') && (phone_last4 == NULL || *phone_last4 == '\0'))
    return FALSE;
  self->busy = TRUE;
  arm_idle_timer (self);
  emit_changed (self);
  g_signal_emit (self, signals[LOOKUP], 0, ref,
                 surname != NULL && *surname != '\0' ? surname : NULL,
                 phone_last4 != NULL && *phone_last4 != '\0' ? phone_last4 : NULL);
  return TRUE;
}

void
curb_kiosk_flow_decide_substitution (CurbKioskFlow *self,
                                     const char    *id,
                                     gboolean       approved)
{
  g_return_if_fail (CURB_IS_KIOSK_FLOW (self));
  g_return_if_fail (id != NULL);

  if (self->order == NULL || self->screen != CURB_KIOSK_SCREEN_GREETING)
    return;
  if (!curb_order_decide_substitution (self->order, id,
                                       approved ? CURB_SUBSTITUTION_APPROVED : CURB_SUBSTITUTION_DECLINED))
    return;
  arm_idle_timer (self);
  emit_changed (self);
  g_signal_emit (self, signals[SUBSTITUTION_DECIDED], 0, id, approved);
}

void
curb_kiosk_flow_confirm (CurbKioskFlow *self)
{
  g_return_if_fail (CURB_IS_KIOSK_FLOW (self));

  if (self->busy || self->screen != CURB_KIOSK_SCREEN_GREETING)
    return;
  if (n_bays (self) > 1)
    go (self, CURB_KIOSK_SCREEN_BAY, CURB_KIOSK_PROBLEM_NONE);
  else
    finish_check_in (self);
}

void
curb_kiosk_flow_choose_bay (CurbKioskFlow *self,
                            const char    *bay)
{
  g_return_if_fail (CURB_IS_KIOSK_FLOW (self));
  g_return_if_fail (bay != NULL);

  if (self->busy || self->screen != CURB_KIOSK_SCREEN_BAY)
    return;
  if (self->bays == NULL || !g_strv_contains ((const char * const *) self->bays, bay))
    return;
  g_free (self->bay);
  self->bay = g_strdup (bay);
  finish_check_in (self);
}

void
curb_kiosk_flow_check_in_anyway (CurbKioskFlow *self)
{
  g_return_if_fail (CURB_IS_KIOSK_FLOW (self));
  if (self->screen == CURB_KIOSK_SCREEN_PROBLEM && self->problem == CURB_KIOSK_PROBLEM_NOT_READY)
    go (self, CURB_KIOSK_SCREEN_GREETING, CURB_KIOSK_PROBLEM_NONE);
}

void
curb_kiosk_flow_show_status (CurbKioskFlow *self)
{
  g_return_if_fail (CURB_IS_KIOSK_FLOW (self));
  if (self->screen == CURB_KIOSK_SCREEN_PROBLEM
      && self->problem == CURB_KIOSK_PROBLEM_ALREADY_CHECKED_IN)
    go (self, CURB_KIOSK_SCREEN_WAITING, CURB_KIOSK_PROBLEM_NONE);
}

void
curb_kiosk_flow_call_staff (CurbKioskFlow *self)
{
  g_return_if_fail (CURB_IS_KIOSK_FLOW (self));

  if (is_staff_call (self))
    return;
  /* Back returns here: the same screen, order and language */
  self->return_screen = self->screen;
  self->return_problem = self->problem;
  g_clear_pointer (&self->helper_name, g_free);
  g_signal_emit (self, signals[CALL_STAFF], 0);
  go (self, CURB_KIOSK_SCREEN_PROBLEM, CURB_KIOSK_PROBLEM_STAFF_CALLED);
}

void
curb_kiosk_flow_staff_call_failed (CurbKioskFlow *self)
{
  g_return_if_fail (CURB_IS_KIOSK_FLOW (self));
  if (self->screen == CURB_KIOSK_SCREEN_PROBLEM && self->problem == CURB_KIOSK_PROBLEM_STAFF_CALLED)
    go (self, CURB_KIOSK_SCREEN_PROBLEM, CURB_KIOSK_PROBLEM_STAFF_UNREACHABLE);
}

void
curb_kiosk_flow_staff_call_answered (CurbKioskFlow *self,
                                     const char    *staff_name)
{
  g_return_if_fail (CURB_IS_KIOSK_FLOW (self));
  if (!is_staff_call (self) || staff_name == NULL || *staff_name == '\0')
    return;
  g_free (self->helper_name);
  self->helper_name = g_strdup (staff_name);
  go (self, CURB_KIOSK_SCREEN_PROBLEM, CURB_KIOSK_PROBLEM_STAFF_CALLED);
}

const char *
curb_kiosk_flow_get_helper_name (CurbKioskFlow *self)
{
  g_return_val_if_fail (CURB_IS_KIOSK_FLOW (self), NULL);
  return self->helper_name;
}

CurbKioskScreen
curb_kiosk_flow_get_return_screen (CurbKioskFlow *self)
{
  g_return_val_if_fail (CURB_IS_KIOSK_FLOW (self), CURB_KIOSK_SCREEN_WELCOME);
  return self->return_screen;
}

void
curb_kiosk_flow_back (CurbKioskFlow *self)
{
  g_return_if_fail (CURB_IS_KIOSK_FLOW (self));

  if (self->screen == CURB_KIOSK_SCREEN_BAY)
    go (self, CURB_KIOSK_SCREEN_GREETING, CURB_KIOSK_PROBLEM_NONE);
  else if (is_staff_call (self))
    go (self, self->return_screen, self->return_problem);
  else if (self->screen == CURB_KIOSK_SCREEN_LOOKUP && self->camera_ok && self->order == NULL)
    go (self, CURB_KIOSK_SCREEN_WELCOME, CURB_KIOSK_PROBLEM_NONE);
  else
    reset (self);
}

/* "Not you? Start over" before the bay was given takes the arrival back. */
static gboolean
can_withdraw (CurbKioskFlow *self)
{
  if (!self->arrival_open || self->withdraw_refused)
    return FALSE;
  return self->screen == CURB_KIOSK_SCREEN_GREETING || self->screen == CURB_KIOSK_SCREEN_BAY
         || (self->screen == CURB_KIOSK_SCREEN_PROBLEM && self->problem == CURB_KIOSK_PROBLEM_NOT_READY);
}

void
curb_kiosk_flow_start_over (CurbKioskFlow *self)
{
  g_return_if_fail (CURB_IS_KIOSK_FLOW (self));

  if (self->busy && self->arrival_open)
    return;
  if (!can_withdraw (self))
    {
      reset (self);
      return;
    }
  self->busy = TRUE;
  emit_changed (self);
  g_signal_emit (self, signals[WITHDRAW], 0);
}

void
curb_kiosk_flow_withdrawn (CurbKioskFlow *self,
                           guint          visit)
{
  g_return_if_fail (CURB_IS_KIOSK_FLOW (self));

  if (!is_current (self, visit))
    return;
  self->arrival_open = FALSE;
  reset (self);
}

void
curb_kiosk_flow_withdraw_refused (CurbKioskFlow *self,
                                  guint          visit,
                                  const char    *staff_name)
{
  g_return_if_fail (CURB_IS_KIOSK_FLOW (self));

  if (!is_current (self, visit))
    return;
  self->withdraw_refused = TRUE;
  if (staff_name != NULL && *staff_name != '\0')
    {
      g_free (self->staff_name);
      self->staff_name = g_strdup (staff_name);
    }
  go (self, CURB_KIOSK_SCREEN_PROBLEM, CURB_KIOSK_PROBLEM_STAFF_COMING);
}

gboolean
curb_kiosk_flow_accepts_scan (CurbKioskFlow *self)
{
  g_return_val_if_fail (CURB_IS_KIOSK_FLOW (self), FALSE);

  if (self->busy)
    return FALSE;
  if (self->screen == CURB_KIOSK_SCREEN_WELCOME)
    return TRUE;
  if (self->screen != CURB_KIOSK_SCREEN_PROBLEM)
    return FALSE;
  switch (self->problem)
    {
    case CURB_KIOSK_PROBLEM_UNREADABLE:
    case CURB_KIOSK_PROBLEM_EXPIRED:
    case CURB_KIOSK_PROBLEM_INVALID:
    case CURB_KIOSK_PROBLEM_OTHER_STORE:
    case CURB_KIOSK_PROBLEM_NOT_FOUND:
    case CURB_KIOSK_PROBLEM_HUB_UNREACHABLE:
    case CURB_KIOSK_PROBLEM_NOT_PICKUP_CODE:
      return TRUE;
    case CURB_KIOSK_PROBLEM_STAFF_COMING:
    case CURB_KIOSK_PROBLEM_STAFF_UNREACHABLE:
    case CURB_KIOSK_PROBLEM_NONE:
    case CURB_KIOSK_PROBLEM_NOT_READY:
    case CURB_KIOSK_PROBLEM_ALREADY_CHECKED_IN:
    case CURB_KIOSK_PROBLEM_ALREADY_COLLECTED:
    case CURB_KIOSK_PROBLEM_CANCELLED:
    case CURB_KIOSK_PROBLEM_OFFLINE_QUEUED:
    case CURB_KIOSK_PROBLEM_RATE_LIMITED:
    case CURB_KIOSK_PROBLEM_CAMERA_FAILED:
    case CURB_KIOSK_PROBLEM_STAFF_CALLED:
    case CURB_KIOSK_PROBLEM_SEE_STAFF:
    case CURB_KIOSK_PROBLEM_FAILED:
    default:
      return FALSE;
    }
}

guint
curb_kiosk_flow_begin (CurbKioskFlow *self)
{
  g_return_val_if_fail (CURB_IS_KIOSK_FLOW (self), 0);

  if (self->screen == CURB_KIOSK_SCREEN_PROBLEM || self->order != NULL)
    {
      gboolean chosen = self->language_chosen;
      g_autofree char *language = g_strdup (self->language);

      clear_visit (self);
      self->language_chosen = chosen;
      g_free (self->language);
      self->language = g_steal_pointer (&language);
    }
  self->busy = TRUE;
  emit_changed (self);
  return self->visit;
}

/**
 * curb_kiosk_flow_reject_scan:
 * @problem: why the kiosk's own check refused the code (not a pickup code,
 *   expired, another store's)
 *
 * Shows @problem as a new visit, unless it is already on screen: then only
 * the idle timer starts again, so a stream of refused codes (a queue, a
 * poster, a phone held at an angle) changes no screen and builds no page.
 *
 * Returns: whether the screen changed
 */
gboolean
curb_kiosk_flow_reject_scan (CurbKioskFlow    *self,
                             CurbKioskProblem  problem)
{
  g_return_val_if_fail (CURB_IS_KIOSK_FLOW (self), FALSE);

  if (!curb_kiosk_flow_accepts_scan (self))
    return FALSE;
  if (self->screen == CURB_KIOSK_SCREEN_PROBLEM && self->problem == problem)
    {
      arm_idle_timer (self);
      return FALSE;
    }
  curb_kiosk_flow_fail (self, curb_kiosk_flow_begin (self), problem);
  return TRUE;
}

static char *
dup_claimer_name (CurbOrder *order)
{
  CurbPerson *claimer = curb_order_get_claimer (order);
  const char *name = claimer != NULL ? curb_person_get_first_name (claimer) : NULL;

  return name != NULL && *name != '\0' ? g_strdup (name) : NULL;
}

static CurbKioskProblem
problem_for_order (CurbOrder *order)
{
  if (curb_order_get_cancelled (order))
    return CURB_KIOSK_PROBLEM_CANCELLED;
  switch (curb_order_get_state (order))
    {
    case CURB_ORDER_STATE_CANCELLED:
      return CURB_KIOSK_PROBLEM_CANCELLED;
    case CURB_ORDER_STATE_HANDED_OVER:
    case CURB_ORDER_STATE_PARTIALLY_HANDED_OVER:
      return CURB_KIOSK_PROBLEM_ALREADY_COLLECTED;
    case CURB_ORDER_STATE_ARRIVED:
    case CURB_ORDER_STATE_CLAIMED:
      return CURB_KIOSK_PROBLEM_ALREADY_CHECKED_IN;
    case CURB_ORDER_STATE_NO_SHOW:
      return CURB_KIOSK_PROBLEM_FAILED;
    case CURB_ORDER_STATE_PENDING:
      /* taken on by staff while the shopper was on the way: greet with who brings it */
      if (!curb_order_get_staged (order) && curb_order_get_claimer (order) == NULL)
        return CURB_KIOSK_PROBLEM_NOT_READY;
      return CURB_KIOSK_PROBLEM_NONE;
    case CURB_ORDER_STATE_READY:
    default:
      return CURB_KIOSK_PROBLEM_NONE;
    }
}

void
curb_kiosk_flow_show_order (CurbKioskFlow *self,
                            guint          visit,
                            CurbOrder     *order,
                            const char    *token,
                            const char    *source)
{
  CurbKioskProblem problem;

  g_return_if_fail (CURB_IS_KIOSK_FLOW (self));
  g_return_if_fail (CURB_IS_ORDER (order));

  if (!is_current (self, visit))
    return;
  g_set_object (&self->order, order);
  g_free (self->token);
  self->token = g_strdup (token);
  g_free (self->source);
  self->source = g_strdup (source != NULL ? source : "scan");
  g_free (self->staff_name);
  self->staff_name = dup_claimer_name (order);
  adopt_order_language (self);
  problem = problem_for_order (order);
  if (problem == CURB_KIOSK_PROBLEM_NONE)
    go (self, CURB_KIOSK_SCREEN_GREETING, CURB_KIOSK_PROBLEM_NONE);
  else
    go (self, CURB_KIOSK_SCREEN_PROBLEM, problem);
}

void
curb_kiosk_flow_show_offline (CurbKioskFlow *self,
                              guint          visit,
                              const char    *ref,
                              const char    *token)
{
  g_autoptr(CurbOrder) order = NULL;

  g_return_if_fail (CURB_IS_KIOSK_FLOW (self));

  if (!is_current (self, visit))
    return;
  if (ref == NULL || !curb_order_ref_is_valid (ref))
    {
      go (self, CURB_KIOSK_SCREEN_PROBLEM, CURB_KIOSK_PROBLEM_INVALID);
      return;
    }
  order = curb_order_new (ref);
  curb_order_set_state (order, CURB_ORDER_STATE_READY);
  g_set_object (&self->order, order);
  g_free (self->token);
  self->token = g_strdup (token);
  g_free (self->source);
  self->source = g_strdup ("scan");
  self->offline = TRUE;
  self->arrival_open = TRUE;
  self->checked_in_at = curb_now_ms ();
  if (n_bays (self) > 1)
    go (self, CURB_KIOSK_SCREEN_BAY, CURB_KIOSK_PROBLEM_NONE);
  else
    finish_check_in (self);
}

void
curb_kiosk_flow_fail (CurbKioskFlow   *self,
                      guint            visit,
                      CurbKioskProblem problem)
{
  g_return_if_fail (CURB_IS_KIOSK_FLOW (self));

  if (!is_current (self, visit))
    return;
  if (problem == CURB_KIOSK_PROBLEM_ALREADY_CHECKED_IN && self->order != NULL)
    curb_order_set_state (self->order, CURB_ORDER_STATE_ARRIVED);
  go (self, CURB_KIOSK_SCREEN_PROBLEM, problem);
}

/**
 * curb_kiosk_flow_show_arrival:
 * @order: the order as the check-in left it (the hub's reply)
 * @eta_s: the hub's estimate
 *
 * The shopper was checked in on the scan (staff are alerted already): the
 * greeting shows the order, or, when it is not staged yet, a screen that
 * says so (the team knows the shopper is here early). The answers and the
 * bay follow as one update.
 */
void
curb_kiosk_flow_show_arrival (CurbKioskFlow *self,
                              guint          visit,
                              CurbOrder     *order,
                              const char    *token,
                              const char    *source,
                              int            eta_s)
{
  g_return_if_fail (CURB_IS_KIOSK_FLOW (self));
  g_return_if_fail (CURB_IS_ORDER (order));

  if (!is_current (self, visit))
    return;
  g_set_object (&self->order, order);
  g_free (self->token);
  self->token = g_strdup (token);
  g_free (self->source);
  self->source = g_strdup (source != NULL ? source : "scan");
  g_free (self->staff_name);
  self->staff_name = dup_claimer_name (order);
  self->eta_s = CLAMP (eta_s, 0, 24 * 3600);
  self->offline = FALSE;
  self->arrival_open = TRUE;
  self->checked_in_at = curb_now_ms ();
  adopt_order_language (self);
  if (!curb_order_get_staged (order) && self->staff_name == NULL)
    go (self, CURB_KIOSK_SCREEN_PROBLEM, CURB_KIOSK_PROBLEM_NOT_READY);
  else
    go (self, CURB_KIOSK_SCREEN_GREETING, CURB_KIOSK_PROBLEM_NONE);
}

gboolean
curb_kiosk_flow_get_arrival_open (CurbKioskFlow *self)
{
  g_return_val_if_fail (CURB_IS_KIOSK_FLOW (self), FALSE);
  return self->arrival_open;
}

void
curb_kiosk_flow_order_event (CurbKioskFlow *self,
                             const char    *ref,
                             const char    *kind,
                             const char    *staff_name,
                             int            eta_s)
{
  g_return_if_fail (CURB_IS_KIOSK_FLOW (self));
  g_return_if_fail (kind != NULL);

  if (self->order == NULL || g_strcmp0 (ref, curb_order_get_ref (self->order)) != 0)
    return;
  if (g_str_equal (kind, "claimed"))
    {
      g_free (self->staff_name);
      self->staff_name = g_strdup (staff_name);
      self->eta_s = MAX (eta_s, 0);
      if (self->checked_in_at > 0)
        curb_order_set_state (self->order, CURB_ORDER_STATE_CLAIMED);
    }
  else if (g_str_equal (kind, "released"))
    {
      g_clear_pointer (&self->staff_name, g_free);
      self->eta_s = 0;
      if (self->checked_in_at > 0)
        curb_order_set_state (self->order, CURB_ORDER_STATE_ARRIVED);
    }
  else if (g_str_equal (kind, "handed_over") || g_str_equal (kind, "partially_handed_over"))
    {
      CurbOrderState state = CURB_ORDER_STATE_HANDED_OVER;

      curb_order_state_from_string (kind, &state);
      curb_order_set_state (self->order, state);
      if (self->screen == CURB_KIOSK_SCREEN_WAITING)
        {
          g_signal_emit (self, signals[PRINT_RECEIPT], 0);
          go (self, CURB_KIOSK_SCREEN_THANKS, CURB_KIOSK_PROBLEM_NONE);
        }
      return;
    }
  else if (g_str_equal (kind, "cancelled"))
    {
      curb_order_set_state (self->order, CURB_ORDER_STATE_CANCELLED);
      go (self, CURB_KIOSK_SCREEN_PROBLEM, CURB_KIOSK_PROBLEM_CANCELLED);
      return;
    }
  else
    return;     /* its own arrival, bay or answers: nothing new to show */
  emit_changed (self);
}

void
curb_kiosk_flow_set_camera_ok (CurbKioskFlow *self,
                               gboolean       ok)
{
  g_return_if_fail (CURB_IS_KIOSK_FLOW (self));

  if (self->camera_ok == ok)
    return;
  self->camera_ok = ok;
  self->notice = ok ? CURB_KIOSK_PROBLEM_NONE : CURB_KIOSK_PROBLEM_CAMERA_FAILED;
  if (!ok && self->screen == CURB_KIOSK_SCREEN_WELCOME && !self->busy)
    go (self, CURB_KIOSK_SCREEN_LOOKUP, CURB_KIOSK_PROBLEM_NONE);
  else
    emit_changed (self);
}

void
curb_kiosk_flow_set_receipt_note (CurbKioskFlow *self,
                                  const char    *note)
{
  g_return_if_fail (CURB_IS_KIOSK_FLOW (self));

  if (g_strcmp0 (self->receipt_note, note) == 0)
    return;
  g_free (self->receipt_note);
  self->receipt_note = g_strdup (note);
  emit_changed (self);
}

const char *
curb_kiosk_flow_get_receipt_note (CurbKioskFlow *self)
{
  g_return_val_if_fail (CURB_IS_KIOSK_FLOW (self), NULL);
  return self->receipt_note;
}

void
curb_kiosk_flow_set_store_phone (CurbKioskFlow *self,
                                 const char    *phone)
{
  g_return_if_fail (CURB_IS_KIOSK_FLOW (self));
  g_free (self->store_phone);
  self->store_phone = g_strdup (phone);
}

const char *
curb_kiosk_flow_get_store_phone (CurbKioskFlow *self)
{
  g_return_val_if_fail (CURB_IS_KIOSK_FLOW (self), NULL);
  return self->store_phone;
}

void
curb_kiosk_flow_set_eta (CurbKioskFlow *self,
                         guint          visit,
                         int            eta_s)
{
  g_return_if_fail (CURB_IS_KIOSK_FLOW (self));

  if (visit != self->visit)
    return;
  self->eta_s = CLAMP (eta_s, 0, 24 * 3600);
  emit_changed (self);
}
