#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "curb-event.h"
#include "curb-order-codec.h"
#include "curb-order.h"

G_BEGIN_DECLS

/**
 * CurbOrderFilter:
 * @CURB_ORDER_FILTER_ACTIVE: pending, ready, arrived, claimed
 * @CURB_ORDER_FILTER_TODAY: active ones plus those whose pickup window starts
 *   today or that changed today (local time)
 * @CURB_ORDER_FILTER_ALL: everything the store holds
 */
typedef enum
{
  CURB_ORDER_FILTER_ACTIVE,
  CURB_ORDER_FILTER_TODAY,
  CURB_ORDER_FILTER_ALL,
} CurbOrderFilter;

/**
 * CurbUpsertOutcome:
 * @CURB_UPSERT_STALE: version not newer than the stored one; nothing changed
 * @CURB_UPSERT_INSERTED: a new order
 * @CURB_UPSERT_UPDATED: newer content for a known order
 */
typedef enum
{
  CURB_UPSERT_STALE,
  CURB_UPSERT_INSERTED,
  CURB_UPSERT_UPDATED,
} CurbUpsertOutcome;

typedef enum
{
  CURB_DEVICE_ROLE_KIOSK,
  CURB_DEVICE_ROLE_STAGING,
  CURB_DEVICE_ROLE_ADMIN,
} CurbDeviceRole;

typedef enum
{
  CURB_STAFF_ROLE_STAFF,
  CURB_STAFF_ROLE_MANAGER,
} CurbStaffRole;

const char *curb_device_role_to_string   (CurbDeviceRole  role);
gboolean    curb_device_role_from_string (const char     *text,
                                          CurbDeviceRole *out_role);
const char *curb_staff_role_to_string    (CurbStaffRole   role);
gboolean    curb_staff_role_from_string  (const char     *text,
                                          CurbStaffRole  *out_role);

/* The schema version this build writes (PRAGMA user_version). */
#define CURB_STORE_SCHEMA_VERSION 4

#define CURB_TYPE_STORE (curb_store_get_type ())
G_DECLARE_FINAL_TYPE (CurbStore, curb_store, CURB, STORE, GObject)

/**
 * curb_store_open:
 * @path: the database file; created when missing
 *
 * Opens (and migrates) the store database: WAL, synchronous=FULL, foreign
 * keys, a busy timeout. A database written by a newer version is refused
 * with %CURB_ERROR_DATABASE. All calls on one #CurbStore are serialised by
 * an internal lock.
 */
CurbStore  *curb_store_open          (const char  *path,
                                      GError     **error) G_GNUC_WARN_UNUSED_RESULT;
const char *curb_store_get_path      (CurbStore   *self);
int         curb_store_get_schema_version (CurbStore *self);

/* --- orders --- */

/**
 * curb_store_upsert_order:
 * @central_order: an order document as central sends it
 * @out_outcome: (out) (optional): what happened
 * @out_cancelled: (out) (optional) (transfer full): the `cancelled` event
 *   this call appended (device "central"), else %NULL
 * @out_alert_staff: (out) (optional): %TRUE when the order was cancelled
 *   after the shopper arrived (arrived or claimed): staff must be told
 *
 * Ingests central's content. Versions not newer than the stored one are
 * ignored, so replays and out-of-order pages are harmless. Surname and phone
 * are kept only as keyed hashes; the token is kept apart and never returned
 * by curb_store_get_order().
 */
gboolean    curb_store_upsert_order  (CurbStore          *self,
                                      JsonObject         *central_order,
                                      CurbUpsertOutcome  *out_outcome,
                                      CurbEvent         **out_cancelled,
                                      gboolean           *out_alert_staff,
                                      GError            **error);

/**
 * curb_store_upsert_orders:
 * @central_orders: a page of central's orders
 * @out_cancelled: (out) (optional) (transfer container) (element-type CurbEvent):
 *   the `cancelled` events this page appended
 * @out_alerts: (out) (optional) (transfer container) (element-type CurbEvent):
 *   those of them whose shopper had already arrived: staff must be told
 * @out_rejected: (out) (optional) (transfer container) (element-type GError):
 *   one error per invalid order, naming its position and ref; the others
 *   are stored anyway so one bad order cannot stall the sync
 *
 * curb_store_upsert_order() for a whole page in one durable transaction:
 * each order is decoded with curb_order_codec_decode_central(), then
 * curb_store_upsert_central_orders().
 * Returns %FALSE only when nothing could be written (disk full, database).
 */
gboolean    curb_store_upsert_orders (CurbStore   *self,
                                      JsonArray   *central_orders,
                                      GPtrArray  **out_cancelled,
                                      GPtrArray  **out_alerts,
                                      GPtrArray  **out_rejected,
                                      GError     **error);

/**
 * curb_store_upsert_central_orders:
 * @central_orders: (element-type CurbCentralOrder): orders central sent,
 *   already decoded by the codec
 *
 * Stores them in one durable transaction; the content is written from the
 * typed order (curb_order_codec_encode_content()), surname and phone as
 * keyed hashes, the token apart. Outputs as curb_store_upsert_orders().
 */
gboolean    curb_store_upsert_central_orders (CurbStore   *self,
                                              GPtrArray   *central_orders,
                                              GPtrArray  **out_cancelled,
                                              GPtrArray  **out_alerts,
                                              GError     **error);

/* The order in the hub-API shape, or %CURB_ERROR_NOT_FOUND. */
JsonObject *curb_store_get_order     (CurbStore       *self,
                                      const char      *ref,
                                      GError         **error) G_GNUC_WARN_UNUSED_RESULT;
gboolean    curb_store_get_order_state (CurbStore      *self,
                                        const char     *ref,
                                        CurbOrderState *out_state,
                                        GError        **error);
/* The pickup token central sent for @ref, or %NULL (no error) when none. */
char       *curb_store_get_order_token (CurbStore      *self,
                                        const char     *ref,
                                        GError        **error) G_GNUC_WARN_UNUSED_RESULT;
/* Orders in the hub-API shape, by pickup window then ref. */
JsonArray  *curb_store_list_orders   (CurbStore       *self,
                                      CurbOrderFilter  filter,
                                      GError         **error) G_GNUC_WARN_UNUSED_RESULT;

/**
 * curb_store_lookup:
 * @ref: the order reference as typed (case-insensitive)
 * @surname_or_phone_last4: the shopper's surname (case- and
 *   accent-insensitive) or the last four digits of their phone
 *
 * The manual lookup. An unknown reference and a wrong name fail with the
 * same %CURB_ERROR_NOT_FOUND and message, so the answer is no oracle.
 */
JsonObject *curb_store_lookup        (CurbStore   *self,
                                      const char  *ref,
                                      const char  *surname_or_phone_last4,
                                      GError     **error) G_GNUC_WARN_UNUSED_RESULT;

/* --- orders central sent that the store cannot take --- */

/**
 * curb_store_note_rejected_order:
 * @ref: the order's reference, or a stand-in ("#" and a hash of the
 *   document) when it had no usable one
 * @version: its version, -1 when it had none
 * @reason: why the store cannot take it, for staff and store IT
 * @out_new: (out) (optional): %TRUE the first time this ref and version
 *   were noted (each is counted once, across pulls and restarts)
 *
 * Records a store-level alert that lasts until central sends a newer
 * version of the order that the store can take.
 */
gboolean    curb_store_note_rejected_order (CurbStore   *self,
                                            const char  *ref,
                                            gint64       version,
                                            const char  *reason,
                                            gboolean    *out_new,
                                            GError     **error);
/* [{ref, version, reason, first_seen, shopper_seen?}] still open, oldest first. */
JsonArray  *curb_store_list_rejected_orders (CurbStore  *self,
                                             GError    **error) G_GNUC_WARN_UNUSED_RESULT;
/* Every ref+version ever noted. */
guint64     curb_store_count_rejected_orders (CurbStore *self);
/**
 * curb_store_claim_rejected_order:
 *
 * A shopper holds a valid code for @ref: %TRUE when the store has no such
 * order because central's document was refused (an open alert), and the
 * alert then notes that the shopper is here.
 */
gboolean    curb_store_claim_rejected_order (CurbStore  *self,
                                             const char *ref);

/* --- events --- */

/**
 * curb_store_append_event:
 * @event: a validated or validatable event; its seq is set on success
 * @out_duplicate: (out) (optional): %TRUE when an event with the same id was
 *   already stored: nothing changes and @event gets the stored seq
 *
 * In one transaction: dedupe on the event id, check the state machine
 * against the order's current state, append the event, update the order's
 * derived state, queue store-owned kinds in the outbox. On failure nothing
 * is written. Errors: %CURB_ERROR_INVALID, %CURB_ERROR_NOT_FOUND (unknown
 * order), the state machine's errors, %CURB_ERROR_DISK_FULL,
 * %CURB_ERROR_DATABASE.
 */
gboolean    curb_store_append_event  (CurbStore  *self,
                                      CurbEvent  *event,
                                      gboolean   *out_duplicate,
                                      GError    **error);
/**
 * curb_store_append_events:
 * @events: (element-type CurbEvent): events to append, in order
 * @out_duplicates: (out caller-allocates) (optional): @events->len flags
 * @out_errors: (out caller-allocates): @events->len slots, %NULL on entry;
 *   each refused event gets its error (invalid, unknown order, illegal
 *   transition…) and changes nothing
 *
 * Like curb_store_append_event() for a batch in ONE durable transaction
 * (group commit): far fewer fsyncs when many devices check in at once.
 * Returns %FALSE only when the batch as a whole failed (e.g.
 * %CURB_ERROR_DISK_FULL): then nothing is written and no seq is set.
 */
gboolean    curb_store_append_events (CurbStore  *self,
                                      GPtrArray  *events,
                                      gboolean   *out_duplicates,
                                      GError    **out_errors,
                                      GError    **error);
CurbEvent  *curb_store_get_event     (CurbStore  *self,
                                      const char *event_id,
                                      GError    **error) G_GNUC_WARN_UNUSED_RESULT;
/* (element-type CurbEvent): events with seq > @after_seq, oldest first. */
GPtrArray  *curb_store_list_events_since (CurbStore  *self,
                                          gint64      after_seq,
                                          guint       limit,
                                          GError    **error) G_GNUC_WARN_UNUSED_RESULT;
/* (element-type CurbEvent): all events of one order, oldest first. */
GPtrArray  *curb_store_list_order_events (CurbStore  *self,
                                          const char *ref,
                                          GError    **error) G_GNUC_WARN_UNUSED_RESULT;
gint64      curb_store_get_last_seq  (CurbStore  *self);
/* The event log's identity; a restore starts a new one whose seqs after
 * @out_fork_seq differ from the old log's. */
char       *curb_store_get_log_id    (CurbStore  *self,
                                      gint64     *out_fork_seq) G_GNUC_WARN_UNUSED_RESULT;

/* --- outbox toward central --- */

/* (element-type CurbEvent): due entries (next attempt <= @now_ms), seq order. */
GPtrArray  *curb_store_outbox_peek   (CurbStore   *self,
                                      guint        limit,
                                      gint64       now_ms,
                                      GError     **error) G_GNUC_WARN_UNUSED_RESULT;
/* Central acknowledged the event: it leaves the outbox. Unknown ids are fine. */
gboolean    curb_store_outbox_ack    (CurbStore   *self,
                                      const char  *event_id,
                                      GError     **error);
/* A failed attempt: counts it, remembers the error, retries at @next_attempt_ms. */
gboolean    curb_store_outbox_defer  (CurbStore   *self,
                                      const char  *event_id,
                                      gint64       next_attempt_ms,
                                      const char  *last_error,
                                      GError     **error);
guint       curb_store_outbox_get_attempts (CurbStore  *self,
                                            const char *event_id);
guint       curb_store_outbox_depth  (CurbStore   *self);

/* --- meta (sync cursor etc.) --- */

/* The key of lookup tickets (the hub's): a secret like the store's own key,
 * never in a backup; a restore keeps the live database's. */
#define CURB_STORE_TICKET_KEY_META "lookup-ticket-key"

/* %NULL without error when the key is not set. */
char       *curb_store_get_meta      (CurbStore   *self,
                                      const char  *key,
                                      GError     **error) G_GNUC_WARN_UNUSED_RESULT;
gboolean    curb_store_set_meta      (CurbStore   *self,
                                      const char  *key,
                                      const char  *value,
                                      GError     **error);

/* --- devices and enrollment --- */

/**
 * curb_store_create_enrollment_code:
 * @ttl_ms: how long the code stays valid
 *
 * A single-use code of 8 characters from an unambiguous alphabet
 * (no 0/O, 1/I); only its hash is stored. Typed codes are matched
 * case-insensitively, ignoring spaces and dashes.
 */
char       *curb_store_create_enrollment_code (CurbStore      *self,
                                               CurbDeviceRole  role,
                                               gint64          ttl_ms,
                                               GError        **error) G_GNUC_WARN_UNUSED_RESULT;
/**
 * curb_store_enroll_device:
 * @out_device_id: (out) (transfer full): the new device's id
 * @out_credential: (out) (transfer full): the device's secret, returned
 *   only here; the store keeps a hash
 * @out_role: (out) (optional): the role the code granted
 *
 * Spends an enrollment code. Unknown, used and expired codes fail with
 * %CURB_ERROR_UNAUTHORIZED.
 */
gboolean    curb_store_enroll_device (CurbStore      *self,
                                      const char     *code,
                                      const char     *name,
                                      char          **out_device_id,
                                      char          **out_credential,
                                      CurbDeviceRole *out_role,
                                      GError        **error);
/* Unknown or revoked credentials fail with %CURB_ERROR_UNAUTHORIZED. */
gboolean    curb_store_authenticate_device (CurbStore      *self,
                                            const char     *credential,
                                            char          **out_device_id,
                                            CurbDeviceRole *out_role,
                                            GError        **error);
/* Revokes at once: the credential stops working, the device's staff
 * sessions end. %CURB_ERROR_NOT_FOUND for an unknown id. */
gboolean    curb_store_revoke_device (CurbStore   *self,
                                      const char  *device_id,
                                      GError     **error);
/* Enrolled and not revoked. */
gboolean    curb_store_device_is_active (CurbStore  *self,
                                         const char *device_id);
/* Stores @status (copied as JSON) and the time as last_seen. */
gboolean    curb_store_record_heartbeat (CurbStore  *self,
                                         const char *device_id,
                                         JsonObject *status,
                                         GError    **error);
/* [{id, name, role, created, revoked?, last_seen?, status?}] — no secrets. */
JsonArray  *curb_store_list_devices  (CurbStore   *self,
                                      GError     **error) G_GNUC_WARN_UNUSED_RESULT;

/* --- staff --- */

/**
 * curb_store_add_staff:
 * @pin: the staff PIN, stored as an Argon2id hash
 * @badge: (nullable): the badge's scanned value, stored as a keyed hash
 *
 * Adds or replaces a staff member.
 */
gboolean    curb_store_add_staff     (CurbStore     *self,
                                      const char    *staff_id,
                                      const char    *first_name,
                                      CurbStaffRole  role,
                                      const char    *pin,
                                      const char    *badge,
                                      GError       **error);
/* {id, first_name, role} or %CURB_ERROR_UNAUTHORIZED. Slow on purpose
 * (Argon2id), and as slow for an unknown id (checked against a dummy hash):
 * call it off the main loop. PINs are hashed peppered with the store's key,
 * so a copy of the database alone does not give them away. */
JsonObject *curb_store_verify_staff  (CurbStore   *self,
                                      const char  *staff_id,
                                      const char  *pin,
                                      GError     **error) G_GNUC_WARN_UNUSED_RESULT;
JsonObject *curb_store_verify_badge  (CurbStore   *self,
                                      const char  *badge,
                                      GError     **error) G_GNUC_WARN_UNUSED_RESULT;
gboolean    curb_store_remove_staff  (CurbStore   *self,
                                      const char  *staff_id,
                                      GError     **error);
/* [{id, first_name, role}] */
JsonArray  *curb_store_list_staff    (CurbStore   *self,
                                      GError     **error) G_GNUC_WARN_UNUSED_RESULT;

/* --- staff sessions --- */

/**
 * curb_store_open_staff_session:
 * @staff_id: a staff member (curb_store_verify_staff() said so)
 * @device_id: the staging station the session belongs to
 * @idle_ms: the session ends after this long without use…
 * @max_ms: …and this long after it began
 *
 * Returns: (transfer full): a new random session token (from libsodium's
 *   generator); the store keeps only a keyed hash of it, so a session
 *   outlives a hub restart.
 */
char       *curb_store_open_staff_session  (CurbStore   *self,
                                            const char  *staff_id,
                                            const char  *device_id,
                                            gint64       idle_ms,
                                            gint64       max_ms,
                                            GError     **error) G_GNUC_WARN_UNUSED_RESULT;
/**
 * curb_store_touch_staff_session:
 * @token: a session token
 * @device_id: the device presenting it
 *
 * The session's staff member {id, first_name, role} when @token is a live
 * session of @device_id (an enrolled, not revoked device, a staff member
 * still on file); its idle time starts again. Otherwise
 * %CURB_ERROR_UNAUTHORIZED (and an expired session is deleted).
 */
JsonObject *curb_store_touch_staff_session (CurbStore   *self,
                                            const char  *token,
                                            const char  *device_id,
                                            gint64       idle_ms,
                                            GError     **error) G_GNUC_WARN_UNUSED_RESULT;
/* Ends the session (unknown tokens are fine). */
gboolean    curb_store_close_staff_session (CurbStore   *self,
                                            const char  *token,
                                            GError     **error);

/* --- audit log (append-only) --- */

gboolean    curb_store_audit         (CurbStore   *self,
                                      const char  *actor_device,
                                      const char  *actor_staff,
                                      const char  *action,
                                      const char  *order_ref,
                                      JsonObject  *detail,
                                      GError     **error);
/* [{id, at, device?, staff?, action, order_ref?, detail}] with id > @after_id. */
JsonArray  *curb_store_list_audit    (CurbStore   *self,
                                      gint64       after_id,
                                      guint        limit,
                                      GError     **error) G_GNUC_WARN_UNUSED_RESULT;
/* The same, only entries whose action starts with @action_prefix, at or
 * after @since_ms, oldest first. */
JsonArray  *curb_store_list_audit_since (CurbStore   *self,
                                         const char  *action_prefix,
                                         gint64       since_ms,
                                         GError     **error) G_GNUC_WARN_UNUSED_RESULT;

/* --- maintenance --- */

/**
 * curb_store_purge_personal:
 * @retention_ms: keep personal data this long after an order is closed
 * @out_purged: (out) (optional): how many orders were purged
 *
 * Clears first name, last initial, alternate pickup person, lookup hashes
 * and token of orders handed over, partially handed over, no-show or
 * cancelled longer than @retention_ms ago.
 */
gboolean    curb_store_purge_personal (CurbStore  *self,
                                       gint64      retention_ms,
                                       guint      *out_purged,
                                       GError    **error);
/* Online backup through SQLite's backup API (never a file copy), written
 * 0600 and without the store's key and staff sessions: the hashes in it
 * (surnames, phones, badges, credentials, peppered PINs) are useless alone. */
gboolean    curb_store_backup        (CurbStore   *self,
                                      const char  *dest_path,
                                      GError     **error);
/**
 * curb_store_restore:
 * @backup_path: a backup (curb_store_backup()); it is only read
 * @target_path: the store database to replace (the hub stopped)
 * @out_key_kept: (out) (optional): %TRUE when the key of the database being
 *   replaced (or of the backup) went with it; %FALSE means a fresh key:
 *   devices enroll again, staff PINs are set again, manual lookup works for
 *   orders central sends again
 *
 * Copies the backup beside @target_path, gives it the store's key,
 * migrates and checks it, then renames it over @target_path: a damaged
 * backup leaves the database untouched.
 */
gboolean    curb_store_restore       (const char  *backup_path,
                                      const char  *target_path,
                                      gboolean    *out_key_kept,
                                      GError     **error);
/* PRAGMA integrity_check; %CURB_ERROR_DATABASE with its report unless "ok". */
gboolean    curb_store_integrity_check (CurbStore *self,
                                        GError   **error);

G_END_DECLS
