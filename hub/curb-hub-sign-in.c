/* Staff sign-in and sessions (POST/DELETE /v1/staff/session).
 *
 * A PIN check is Argon2id, slow on purpose: it runs in a worker thread so
 * that no other client waits for it, an unknown staff id costs the same
 * (the store checks it against a dummy hash), and an id that keeps failing
 * is locked out, from every station, for a time that doubles with each
 * further failure. Sessions live in the store (a keyed hash of the token),
 * so they survive a hub restart and end with a revoked device. */

#include <string.h>

#include "curb-error.h"
#include "curb-hub-private.h"
#include "curb-util.h"

#define SESSION_IDLE_MS   (30 * 60 * 1000)
#define SESSION_MAX_MS    (12 * 3600 * 1000)
#define LOCK_AFTER        5       /* failures in a row */
#define LOCK_FIRST_S      30
#define LOCK_LONGEST_S    (15 * 60)
#define MAX_LOCKOUTS      4096

static const char *const session_fields[] = { "staff_id", "pin", "badge", NULL };

typedef struct
{
  guint  failures;
  gint64 until_us;
} Lockout;

typedef struct
{
  CurbHub           *hub;
  SoupServerMessage *msg;
  char              *device_id;
  char              *staff_id;
  char              *pin;
  char              *badge;
  gboolean           gone;
} SignIn;

/* --- lockouts --- */

GHashTable *
curb_hub_lockouts_new (void)
{
  return g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}

/* Seconds until @staff_id may try again; 0 when it may now. */
static double
locked_for (CurbHub    *hub,
            const char *staff_id)
{
  Lockout *lockout = staff_id != NULL ? g_hash_table_lookup (hub->lockouts, staff_id) : NULL;
  gint64 now = g_get_monotonic_time ();

  if (lockout == NULL || lockout->until_us <= now)
    return 0;
  return (double) (lockout->until_us - now) / G_USEC_PER_SEC;
}

static void
forget_idle_lockouts (CurbHub *hub)
{
  GHashTableIter iter;
  gpointer value;
  gint64 now = g_get_monotonic_time ();

  g_hash_table_iter_init (&iter, hub->lockouts);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    if (((Lockout *) value)->until_us <= now && ((Lockout *) value)->failures < LOCK_AFTER)
      g_hash_table_iter_remove (&iter);
  if (g_hash_table_size (hub->lockouts) >= MAX_LOCKOUTS)
    g_hash_table_remove_all (hub->lockouts);
}

/* Unknown ids are counted like known ones: a lockout tells nothing. */
static void
count_failure (CurbHub    *hub,
               const char *staff_id)
{
  Lockout *lockout;
  guint over;

  if (staff_id == NULL)
    return;
  lockout = g_hash_table_lookup (hub->lockouts, staff_id);
  if (lockout == NULL)
    {
      if (g_hash_table_size (hub->lockouts) >= MAX_LOCKOUTS)
        forget_idle_lockouts (hub);
      lockout = g_new0 (Lockout, 1);
      g_hash_table_insert (hub->lockouts, g_strdup (staff_id), lockout);
    }
  if (++lockout->failures < LOCK_AFTER)
    return;
  over = MIN (lockout->failures - LOCK_AFTER, 10);
  lockout->until_us = g_get_monotonic_time ()
                      + (gint64) MIN (LOCK_FIRST_S << over, LOCK_LONGEST_S) * G_USEC_PER_SEC;
}

/* --- sessions --- */

gboolean
curb_hub_staff_session_check (CurbHub       *hub,
                              const char    *token,
                              const char    *device_id,
                              CurbHubCaller *caller)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) staff = curb_store_touch_staff_session (hub->store, token, device_id, SESSION_IDLE_MS,
                                                                &error);

  if (staff == NULL)
    return FALSE;
  caller->staff_id = g_strdup (json_object_get_string_member (staff, "id"));
  caller->staff_name = g_strdup (json_object_get_string_member (staff, "first_name"));
  return TRUE;
}

/* --- sign-in --- */

static void
sign_in_free (SignIn *sign_in)
{
  g_signal_handlers_disconnect_by_data (sign_in->msg, sign_in);
  if (!sign_in->gone)
    soup_server_message_unpause (sign_in->msg);
  g_object_unref (sign_in->msg);
  g_object_unref (sign_in->hub);
  g_free (sign_in->device_id);
  g_free (sign_in->staff_id);
  if (sign_in->pin != NULL)
    memset (sign_in->pin, 0, strlen (sign_in->pin));
  g_free (sign_in->pin);
  g_free (sign_in->badge);
  g_free (sign_in);
}

static void
on_sign_in_disconnected (SoupServerMessage *msg,
                         SignIn            *sign_in)
{
  sign_in->gone = TRUE;
}

/* In a worker thread: only the store (which serialises its own calls). */
static void
verify_in_thread (GTask        *task,
                  gpointer      source,
                  gpointer      data,
                  GCancellable *cancellable)
{
  SignIn *sign_in = data;
  GError *error = NULL;
  JsonObject *staff = sign_in->badge != NULL
                      ? curb_store_verify_badge (sign_in->hub->store, sign_in->badge, &error)
                      : curb_store_verify_staff (sign_in->hub->store, sign_in->staff_id, sign_in->pin, &error);

  if (staff == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, staff, (GDestroyNotify) json_object_unref);
}

static void
reply_session (SignIn     *sign_in,
               JsonObject *staff)
{
  CurbHub *hub = sign_in->hub;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) reply = json_object_new ();
  const char *staff_id = json_object_get_string_member (staff, "id");
  g_autofree char *token = curb_store_open_staff_session (hub->store, staff_id, sign_in->device_id,
                                                          SESSION_IDLE_MS, SESSION_MAX_MS, &error);
  g_autofree char *expires = curb_iso8601_from_ms (curb_now_ms () + SESSION_IDLE_MS);

  if (token == NULL)
    {
      curb_hub_reply_gerror (sign_in->msg, error, NULL);
      return;
    }
  curb_store_audit (hub->store, sign_in->device_id, staff_id, "staff_sign_in", NULL, NULL, NULL);
  json_object_set_string_member (reply, "session", token);
  json_object_set_string_member (reply, "expires_at", expires);
  json_object_set_int_member (reply, "idle_timeout_s", SESSION_IDLE_MS / 1000);
  json_object_set_object_member (reply, "staff", json_object_ref (staff));
  curb_hub_reply_json (sign_in->msg, SOUP_STATUS_OK, reply);
}

static void
on_verified (GObject      *source,
             GAsyncResult *result,
             gpointer      data)
{
  SignIn *sign_in = data;
  CurbHub *hub = sign_in->hub;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) staff = g_task_propagate_pointer (G_TASK (result), &error);

  if (staff != NULL)
    g_hash_table_remove (hub->lockouts, json_object_get_string_member (staff, "id"));
  else
    {
      count_failure (hub, sign_in->staff_id);
      curb_store_audit (hub->store, sign_in->device_id, sign_in->staff_id, "staff_sign_in_failed",
                        NULL, NULL, NULL);
    }
  if (!sign_in->gone && staff != NULL)
    reply_session (sign_in, staff);
  else if (!sign_in->gone)
    curb_hub_reply_gerror (sign_in->msg, error, NULL);
  sign_in_free (sign_in);
}

static gboolean
check_fields (SoupServerMessage  *msg,
              JsonObject         *body,
              const char        **staff_id,
              const char        **pin,
              const char        **badge)
{
  if (!curb_hub_get_string (msg, body, "staff_id", FALSE, staff_id)
      || !curb_hub_get_string (msg, body, "pin", FALSE, pin)
      || !curb_hub_get_string (msg, body, "badge", FALSE, badge))
    return FALSE;
  if ((*badge != NULL) == (*staff_id != NULL || *pin != NULL) || (*badge == NULL && (*staff_id == NULL || *pin == NULL)))
    {
      curb_hub_reply_error (msg, SOUP_STATUS_BAD_REQUEST, "invalid",
                            "Send either “staff_id” and “pin”, or “badge”", NULL);
      return FALSE;
    }
  return TRUE;
}

/* Per station, then per staff id: refused without checking anything. */
static gboolean
may_try (CurbHub           *hub,
         SoupServerMessage *msg,
         CurbHubCaller     *caller,
         const char        *staff_id)
{
  double retry_s = 0;

  if (!curb_rate_limiter_take (hub->sign_in_limiter, caller->device_id, g_get_monotonic_time (), &retry_s))
    {
      curb_hub_reply_rate_limited (msg, retry_s, "Too many sign-in attempts at this station; wait a minute");
      return FALSE;
    }
  retry_s = locked_for (hub, staff_id);
  if (retry_s <= 0)
    return TRUE;
  curb_store_audit (hub->store, caller->device_id, staff_id, "staff_sign_in_locked", NULL, NULL, NULL);
  curb_hub_reply_rate_limited (msg, retry_s, "Too many failed sign-ins for this staff member; wait");
  return FALSE;
}

void
curb_hub_handle_staff_session (CurbHub           *hub,
                               SoupServerMessage *msg,
                               CurbHubCaller     *caller,
                               const char        *unused_ref,
                               const char        *unused_action)
{
  g_autoptr(JsonObject) body = curb_hub_read_body (msg, session_fields);
  g_autoptr(GTask) task = NULL;
  const char *staff_id, *pin, *badge;
  SignIn *sign_in;

  if (body == NULL || !check_fields (msg, body, &staff_id, &pin, &badge)
      || !may_try (hub, msg, caller, staff_id))
    return;
  sign_in = g_new0 (SignIn, 1);
  sign_in->hub = g_object_ref (hub);
  sign_in->msg = g_object_ref (msg);
  sign_in->device_id = g_strdup (caller->device_id);
  sign_in->staff_id = g_strdup (staff_id);
  sign_in->pin = g_strdup (pin);
  sign_in->badge = g_strdup (badge);
  g_signal_connect (msg, "disconnected", G_CALLBACK (on_sign_in_disconnected), sign_in);
  soup_server_message_pause (msg);
  task = g_task_new (NULL, NULL, on_verified, sign_in);
  g_task_set_source_tag (task, curb_hub_handle_staff_session);
  g_task_set_task_data (task, sign_in, NULL);
  g_task_run_in_thread (task, verify_in_thread);
}

void
curb_hub_handle_staff_sign_out (CurbHub           *hub,
                                SoupServerMessage *msg,
                                CurbHubCaller     *caller,
                                const char        *unused_ref,
                                const char        *unused_action)
{
  const char *token = soup_message_headers_get_one (soup_server_message_get_request_headers (msg),
                                                    CURB_HUB_STAFF_HEADER);
  g_autoptr(JsonObject) staff = token != NULL
      ? curb_store_touch_staff_session (hub->store, token, caller->device_id, SESSION_IDLE_MS, NULL) : NULL;

  if (staff != NULL)
    {
      curb_store_audit (hub->store, caller->device_id, json_object_get_string_member (staff, "id"),
                        "staff_sign_out", NULL, NULL, NULL);
      curb_store_close_staff_session (hub->store, token, NULL);
    }
  curb_hub_reply_json (msg, SOUP_STATUS_OK, NULL);
}
