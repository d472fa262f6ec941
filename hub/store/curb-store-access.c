/* CurbStore: devices, enrollment codes, staff and the audit log. */

#include <sodium.h>

#include "curb-error.h"
#include "curb-json.h"
#include "curb-store-private.h"
#include "curb-util.h"

/* Staff PINs: Argon2id at libsodium's "interactive" cost (64 MiB, 2 passes).
 * A PIN has little entropy, so the hash only slows down an attacker who has
 * the database; the hub's rate limits protect the live API. */
#define PIN_OPSLIMIT crypto_pwhash_OPSLIMIT_INTERACTIVE
#define PIN_MEMLIMIT crypto_pwhash_MEMLIMIT_INTERACTIVE
#define PIN_MIN_LEN 4
#define PIN_MAX_LEN 12

/* No 0/O, 1/I: 32 symbols, 8 of them make a 40-bit code. */
#define CODE_ALPHABET "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
#define CODE_LENGTH 8
#define CREDENTIAL_BYTES 32

static const char * const device_roles[] = { "kiosk", "staging", "admin" };
static const char * const staff_roles[] = { "staff", "manager" };

static int
role_index (const char * const *names,
            guint               n_names,
            const char         *text)
{
  for (guint i = 0; text != NULL && i < n_names; i++)
    if (g_str_equal (names[i], text))
      return (int) i;
  return -1;
}

static gboolean
unauthorized (GError     **error,
              const char  *message)
{
  g_set_error_literal (error, CURB_ERROR, CURB_ERROR_UNAUTHORIZED, message);
  return FALSE;
}

static gboolean
invalid (GError     **error,
         const char  *message)
{
  g_set_error_literal (error, CURB_ERROR, CURB_ERROR_INVALID, message);
  return FALSE;
}

static void
bind_hash (CurbStore  *self,
           CurbStmt   *stmt,
           int         index,
           const char *purpose,
           const char *text)
{
  guint8 hash[CURB_STORE_HASH_BYTES];

  curb_store_keyed_hash (self, purpose, text, hash);
  sqlite3_bind_blob (stmt, index, hash, sizeof hash, SQLITE_TRANSIENT);
}

static gboolean
changed_one_row (CurbStore   *self,
                 CurbStmt    *stmt,
                 const char  *what,
                 const char  *id,
                 GError     **error)
{
  if (!curb_store_step_done (self, stmt, error))
    return FALSE;
  if (sqlite3_changes (sqlite3_db_handle (stmt)) > 0)
    return TRUE;
  g_set_error (error, CURB_ERROR, CURB_ERROR_NOT_FOUND, "No %s %s", what, id);
  return FALSE;
}

static void
set_time (JsonObject *object,
          const char *member,
          CurbStmt   *stmt,
          int         column)
{
  g_autofree char *text = NULL;

  if (sqlite3_column_type (stmt, column) == SQLITE_NULL)
    return;
  text = curb_iso8601_from_ms (sqlite3_column_int64 (stmt, column));
  json_object_set_string_member (object, member, text);
}

/* --- enrollment --- */

static char *
normalize_code (const char *code)
{
  GString *clean = g_string_new (NULL);

  for (const char *p = code; p != NULL && *p; p++)
    if (*p != ' ' && *p != '-')
      g_string_append_c (clean, g_ascii_toupper (*p));
  if (clean->len != CODE_LENGTH)
    {
      g_string_free (clean, TRUE);
      return NULL;
    }
  return g_string_free (clean, FALSE);
}

static char *
random_code (void)
{
  char code[CODE_LENGTH + 1] = { 0 };

  for (guint i = 0; i < CODE_LENGTH; i++)
    code[i] = CODE_ALPHABET[randombytes_uniform (sizeof CODE_ALPHABET - 1)];
  return g_strdup (code);
}

static char *
random_hex (gsize bytes)
{
  g_autofree guint8 *raw = g_malloc (bytes);
  char *hex = g_malloc (bytes * 2 + 1);

  randombytes_buf (raw, bytes);
  sodium_bin2hex (hex, bytes * 2 + 1, raw, bytes);
  sodium_memzero (raw, bytes);
  return hex;
}

static gboolean
find_code (CurbStore       *self,
           const char      *code,
           CurbDeviceRole  *out_role,
           GError         **error)
{
  g_autoptr(CurbStmt) stmt = curb_store_prepare (self,
      "SELECT role FROM enrollment_codes WHERE code_hash = ?1 AND used_ms IS NULL AND expires_ms > ?2", error);
  GError *local_error = NULL;

  if (stmt == NULL)
    return FALSE;
  bind_hash (self, stmt, 1, "enrollment", code);
  sqlite3_bind_int64 (stmt, 2, curb_now_ms ());
  if (curb_store_step_row (self, stmt, &local_error)
      && curb_device_role_from_string (curb_stmt_column_text (stmt, 0), out_role))
    return TRUE;
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return FALSE;
    }
  return unauthorized (error, "This enrollment code is unknown, already used or expired");
}

static gboolean
mark_code_used (CurbStore   *self,
                const char  *code,
                const char  *device_id,
                GError     **error)
{
  g_autoptr(CurbStmt) stmt = curb_store_prepare (self,
      "UPDATE enrollment_codes SET used_ms = ?2, device_id = ?3 WHERE code_hash = ?1", error);

  if (stmt == NULL)
    return FALSE;
  bind_hash (self, stmt, 1, "enrollment", code);
  sqlite3_bind_int64 (stmt, 2, curb_now_ms ());
  curb_stmt_bind_text (stmt, 3, device_id);
  return curb_store_step_done (self, stmt, error);
}

/* A tool credential is one from its enrollment on: its status says so
 * before its first heartbeat, and no heartbeat changes it. */
static gboolean
insert_device (CurbStore       *self,
               const char      *device_id,
               const char      *name,
               CurbDeviceRole   role,
               const char      *credential,
               gboolean         tool,
               GError         **error)
{
  g_autoptr(CurbStmt) stmt = curb_store_prepare (self,
      "INSERT INTO devices (id, name, role, credential_hash, created_ms, status) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
      error);

  if (stmt == NULL)
    return FALSE;
  if (tool)
    curb_stmt_bind_text (stmt, 6, "{\"kind\":\"tool\"}");
  curb_stmt_bind_text (stmt, 1, device_id);
  curb_stmt_bind_text (stmt, 2, name);
  curb_stmt_bind_text (stmt, 3, curb_device_role_to_string (role));
  bind_hash (self, stmt, 4, "credential", credential);
  sqlite3_bind_int64 (stmt, 5, curb_now_ms ());
  return curb_store_step_done (self, stmt, error);
}

static gboolean
enroll_locked (CurbStore       *self,
               const char      *code,
               const char      *name,
               gboolean         tool,
               const char      *credential,
               char           **out_device_id,
               CurbDeviceRole  *out_role,
               GError         **error)
{
  g_autofree char *suffix = random_hex (4);
  g_autofree char *device_id = NULL;
  CurbDeviceRole role = CURB_DEVICE_ROLE_KIOSK;

  if (!find_code (self, code, &role, error))
    return FALSE;
  device_id = g_strconcat (curb_device_role_to_string (role), "-", suffix, NULL);
  if (!mark_code_used (self, code, device_id, error)
      || !insert_device (self, device_id, name, role, credential, tool, error))
    return FALSE;
  *out_device_id = g_steal_pointer (&device_id);
  *out_role = role;
  return TRUE;
}

/* --- staff --- */

static gboolean
pin_ok (const char *pin)
{
  gsize len = pin != NULL ? strlen (pin) : 0;

  if (len < PIN_MIN_LEN || len > PIN_MAX_LEN)
    return FALSE;
  for (const char *p = pin; *p; p++)
    if (!g_ascii_isdigit (*p))
      return FALSE;
  return TRUE;
}

static gboolean
check_staff_input (const char  *staff_id,
                   const char  *first_name,
                   const char  *pin,
                   const char  *badge,
                   GError     **error)
{
  if (!curb_text_is_printable (staff_id, 64))
    return invalid (error, "Staff id must be 1 to 64 printable characters");
  if (!curb_text_is_printable (first_name, 100))
    return invalid (error, "Staff first name must be 1 to 100 printable characters");
  if (!pin_ok (pin))
    return invalid (error, "A staff PIN is 4 to 12 digits");
  if (badge != NULL && !curb_text_is_printable (badge, 256))
    return invalid (error, "A badge must be 1 to 256 printable characters");
  return TRUE;
}

/* The PIN is first hashed with the store's secret key (a pepper), then
 * Argon2id: a stolen database or backup without the key is no PIN oracle. */
#define PEPPERED_PREFIX "pep1$"

static void
pepper_pin (CurbStore  *self,
            const char *pin,
            char        out[CURB_STORE_HASH_BYTES * 2 + 1])
{
  guint8 keyed[CURB_STORE_HASH_BYTES];

  curb_store_keyed_hash (self, "pin", pin, keyed);
  sodium_bin2hex (out, CURB_STORE_HASH_BYTES * 2 + 1, keyed, sizeof keyed);
  sodium_memzero (keyed, sizeof keyed);
}

static char *
hash_pin (CurbStore   *self,
          const char  *pin,
          GError     **error)
{
  char peppered[CURB_STORE_HASH_BYTES * 2 + 1];
  char hash[crypto_pwhash_STRBYTES];
  int rc;

  pepper_pin (self, pin, peppered);
  rc = crypto_pwhash_str (hash, peppered, strlen (peppered), PIN_OPSLIMIT, PIN_MEMLIMIT);
  sodium_memzero (peppered, sizeof peppered);
  if (rc != 0)
    {
      g_set_error_literal (error, CURB_ERROR, CURB_ERROR_FAILED, "Not enough memory to hash the staff PIN");
      return NULL;
    }
  return g_strconcat (PEPPERED_PREFIX, hash, NULL);
}

/* What an unknown staff id is checked against, so that it costs the same. */
static const char *
dummy_pin_hash (void)
{
  static gsize dummy;

  if (g_once_init_enter (&dummy))
    {
      char hash[crypto_pwhash_STRBYTES];
      char secret[33];
      guint8 raw[16];

      randombytes_buf (raw, sizeof raw);
      sodium_bin2hex (secret, sizeof secret, raw, sizeof raw);
      if (crypto_pwhash_str (hash, secret, strlen (secret), PIN_OPSLIMIT, PIN_MEMLIMIT) != 0)
        g_strlcpy (hash, "", sizeof hash);
      g_once_init_leave (&dummy, (gsize) g_strdup (hash));
    }
  return (const char *) dummy;
}

static JsonObject *
staff_from_row (CurbStmt *stmt)
{
  JsonObject *staff = json_object_new ();

  json_object_set_string_member (staff, "id", curb_stmt_column_text (stmt, 0));
  json_object_set_string_member (staff, "first_name", curb_stmt_column_text (stmt, 1));
  json_object_set_string_member (staff, "role", curb_stmt_column_text (stmt, 2));
  return staff;
}

/* Argon2id against @stored_hash (peppered, or as written before peppering);
 * an unknown staff member (NULL) costs the same against the dummy hash. */
static gboolean
verify_pin (CurbStore  *self,
            const char *stored_hash,
            const char *pin,
            gboolean   *out_legacy)
{
  char peppered[CURB_STORE_HASH_BYTES * 2 + 1];
  const char *hash = stored_hash != NULL ? stored_hash : dummy_pin_hash ();
  gboolean ok;

  *out_legacy = FALSE;
  if (pin == NULL || strlen (pin) > PIN_MAX_LEN)
    pin = "";
  if (g_str_has_prefix (hash, PEPPERED_PREFIX) || stored_hash == NULL)
    {
      pepper_pin (self, pin, peppered);
      ok = crypto_pwhash_str_verify (hash + (stored_hash != NULL ? strlen (PEPPERED_PREFIX) : 0), peppered,
                                     strlen (peppered)) == 0;
      sodium_memzero (peppered, sizeof peppered);
      return ok && stored_hash != NULL;
    }
  *out_legacy = TRUE;
  return crypto_pwhash_str_verify (hash, pin, strlen (pin)) == 0;
}

/* --- devices listing and audit --- */

static JsonObject *
device_from_row (CurbStmt *stmt)
{
  JsonObject *device = json_object_new ();
  g_autoptr(JsonNode) status = curb_stmt_column_json (stmt, 6);

  json_object_set_string_member (device, "id", curb_stmt_column_text (stmt, 0));
  json_object_set_string_member (device, "name", curb_stmt_column_text (stmt, 1));
  json_object_set_string_member (device, "role", curb_stmt_column_text (stmt, 2));
  set_time (device, "created", stmt, 3);
  set_time (device, "revoked", stmt, 4);
  set_time (device, "last_seen", stmt, 5);
  if (status != NULL && JSON_NODE_HOLDS_OBJECT (status))
    json_object_set_member (device, "status", g_steal_pointer (&status));
  return device;
}

static JsonObject *
audit_from_row (CurbStmt *stmt)
{
  JsonObject *entry = json_object_new ();
  g_autoptr(JsonNode) detail = curb_stmt_column_json (stmt, 6);
  const char *optional[] = { NULL, NULL, "device", "staff", NULL, "order_ref" };

  json_object_set_int_member (entry, "id", sqlite3_column_int64 (stmt, 0));
  set_time (entry, "at", stmt, 1);
  for (int column = 2; column <= 5; column++)
    if (sqlite3_column_type (stmt, column) != SQLITE_NULL)
      json_object_set_string_member (entry, column == 4 ? "action" : optional[column],
                                     curb_stmt_column_text (stmt, column));
  if (detail != NULL && JSON_NODE_HOLDS_OBJECT (detail))
    json_object_set_member (entry, "detail", g_steal_pointer (&detail));
  else
    json_object_set_object_member (entry, "detail", json_object_new ());
  return entry;
}

typedef JsonObject *(*RowToJsonFunc) (CurbStmt *stmt);

static JsonArray *
collect_rows (CurbStore      *self,
              CurbStmt       *stmt,
              RowToJsonFunc   row_to_json,
              GError        **error)
{
  g_autoptr(JsonArray) rows = json_array_new ();
  GError *local_error = NULL;

  while (curb_store_step_row (self, stmt, &local_error))
    json_array_add_object_element (rows, row_to_json (stmt));
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return NULL;
    }
  return g_steal_pointer (&rows);
}

/* --- public API --- */

const char *
curb_device_role_to_string (CurbDeviceRole role)
{
  g_return_val_if_fail ((guint) role < G_N_ELEMENTS (device_roles), NULL);
  return device_roles[role];
}

gboolean
curb_device_role_from_string (const char     *text,
                              CurbDeviceRole *out_role)
{
  int i = role_index (device_roles, G_N_ELEMENTS (device_roles), text);

  if (i < 0)
    return FALSE;
  if (out_role != NULL)
    *out_role = (CurbDeviceRole) i;
  return TRUE;
}

const char *
curb_staff_role_to_string (CurbStaffRole role)
{
  g_return_val_if_fail ((guint) role < G_N_ELEMENTS (staff_roles), NULL);
  return staff_roles[role];
}

gboolean
curb_staff_role_from_string (const char    *text,
                             CurbStaffRole *out_role)
{
  int i = role_index (staff_roles, G_N_ELEMENTS (staff_roles), text);

  if (i < 0)
    return FALSE;
  if (out_role != NULL)
    *out_role = (CurbStaffRole) i;
  return TRUE;
}

char *
curb_store_create_enrollment_code (CurbStore       *self,
                                   CurbDeviceRole   role,
                                   gint64           ttl_ms,
                                   GError         **error)
{
  g_autoptr(GRecMutexLocker) locker = NULL;
  g_autoptr(CurbStmt) stmt = NULL;
  g_autofree char *code = random_code ();
  gint64 now_ms = curb_now_ms ();

  g_return_val_if_fail (CURB_IS_STORE (self), NULL);
  g_return_val_if_fail ((guint) role < G_N_ELEMENTS (device_roles), NULL);
  g_return_val_if_fail (ttl_ms > 0, NULL);

  locker = curb_store_lock (self);
  stmt = curb_store_prepare (self, "INSERT INTO enrollment_codes (code_hash, role, created_ms, expires_ms)"
                                   " VALUES (?1, ?2, ?3, ?4)", error);
  if (stmt == NULL)
    return NULL;
  bind_hash (self, stmt, 1, "enrollment", code);
  curb_stmt_bind_text (stmt, 2, curb_device_role_to_string (role));
  sqlite3_bind_int64 (stmt, 3, now_ms);
  sqlite3_bind_int64 (stmt, 4, now_ms + ttl_ms);
  if (!curb_store_step_done (self, stmt, error))
    return NULL;
  return g_steal_pointer (&code);
}

gboolean
curb_store_enroll_device (CurbStore       *self,
                          const char      *code,
                          const char      *name,
                          char           **out_device_id,
                          char           **out_credential,
                          CurbDeviceRole  *out_role,
                          GError         **error)
{
  return curb_store_enroll_device_as (self, code, name, FALSE, out_device_id, out_credential, out_role, error);
}

gboolean
curb_store_enroll_device_as (CurbStore       *self,
                             const char      *code,
                             const char      *name,
                             gboolean         tool,
                             char           **out_device_id,
                             char           **out_credential,
                             CurbDeviceRole  *out_role,
                             GError         **error)
{
  g_autoptr(GRecMutexLocker) locker = NULL;
  g_autofree char *clean_code = NULL;
  g_autofree char *credential = NULL;
  g_autofree char *device_id = NULL;
  CurbDeviceRole role;

  g_return_val_if_fail (CURB_IS_STORE (self), FALSE);
  g_return_val_if_fail (out_device_id != NULL && out_credential != NULL, FALSE);

  if (!curb_text_is_printable (name, 64))
    return invalid (error, "A device name must be 1 to 64 printable characters");
  clean_code = normalize_code (code);
  if (clean_code == NULL)
    return unauthorized (error, "This enrollment code is unknown, already used or expired");
  credential = random_hex (CREDENTIAL_BYTES);
  locker = curb_store_lock (self);
  if (!curb_store_begin (self, error))
    return FALSE;
  if (!enroll_locked (self, clean_code, name, tool, credential, &device_id, &role, error)
      || !curb_store_commit (self, error))
    {
      curb_store_rollback (self);
      return FALSE;
    }
  *out_device_id = g_steal_pointer (&device_id);
  *out_credential = g_steal_pointer (&credential);
  if (out_role != NULL)
    *out_role = role;
  return TRUE;
}

gboolean
curb_store_authenticate_device (CurbStore       *self,
                                const char      *credential,
                                char           **out_device_id,
                                CurbDeviceRole  *out_role,
                                GError         **error)
{
  g_autoptr(GRecMutexLocker) locker = NULL;
  g_autoptr(CurbStmt) stmt = NULL;
  GError *local_error = NULL;

  g_return_val_if_fail (CURB_IS_STORE (self), FALSE);

  if (credential == NULL || *credential == '\0' || strlen (credential) > 256)
    return unauthorized (error, "Unknown or revoked device credential");
  locker = curb_store_lock (self);
  stmt = curb_store_prepare (self, "SELECT id, role FROM devices WHERE credential_hash = ?1"
                                   " AND revoked_ms IS NULL", error);
  if (stmt == NULL)
    return FALSE;
  bind_hash (self, stmt, 1, "credential", credential);
  if (!curb_store_step_row (self, stmt, &local_error))
    {
      if (local_error != NULL)
        {
          g_propagate_error (error, local_error);
          return FALSE;
        }
      return unauthorized (error, "Unknown or revoked device credential");
    }
  if (out_device_id != NULL)
    *out_device_id = g_strdup (curb_stmt_column_text (stmt, 0));
  if (out_role != NULL)
    curb_device_role_from_string (curb_stmt_column_text (stmt, 1), out_role);
  return TRUE;
}

gboolean
curb_store_revoke_device (CurbStore   *self,
                          const char  *device_id,
                          GError     **error)
{
  g_autoptr(GRecMutexLocker) locker = NULL;
  g_autoptr(CurbStmt) stmt = NULL;
  g_autoptr(CurbStmt) sessions = NULL;

  g_return_val_if_fail (CURB_IS_STORE (self), FALSE);
  g_return_val_if_fail (device_id != NULL, FALSE);

  locker = curb_store_lock (self);
  if (!curb_store_begin (self, error))
    return FALSE;
  stmt = curb_store_prepare (self, "UPDATE devices SET revoked_ms = COALESCE (revoked_ms, ?2) WHERE id = ?1", error);
  sessions = stmt != NULL ? curb_store_prepare (self, "DELETE FROM staff_sessions WHERE device_id = ?1", error) : NULL;
  if (sessions == NULL)
    {
      curb_store_rollback (self);
      return FALSE;
    }
  curb_stmt_bind_text (stmt, 1, device_id);
  sqlite3_bind_int64 (stmt, 2, curb_now_ms ());
  curb_stmt_bind_text (sessions, 1, device_id);
  if (!changed_one_row (self, stmt, "device", device_id, error)
      || !curb_store_step_done (self, sessions, error) || !curb_store_commit (self, error))
    {
      curb_store_rollback (self);
      return FALSE;
    }
  return TRUE;
}

gboolean
curb_store_device_is_active (CurbStore  *self,
                             const char *device_id)
{
  g_autoptr(GRecMutexLocker) locker = NULL;
  g_autoptr(CurbStmt) stmt = NULL;

  g_return_val_if_fail (CURB_IS_STORE (self), FALSE);

  locker = curb_store_lock (self);
  stmt = curb_store_prepare (self, "SELECT 1 FROM devices WHERE id = ?1 AND revoked_ms IS NULL", NULL);
  if (stmt == NULL)
    return TRUE;   /* a database error is not a revocation */
  curb_stmt_bind_text (stmt, 1, device_id);
  return curb_store_step_row (self, stmt, NULL);
}

/* The kind a device was enrolled as ("app", or "tool" by `enroll --tool`);
 * a heartbeat may repeat it, never change it. */
static gboolean
check_kind_locked (CurbStore   *self,
                   const char  *device_id,
                   JsonObject  *status,
                   const char **out_kind,
                   GError     **error)
{
  g_autoptr(CurbStmt) stmt = curb_store_prepare (self, "SELECT json_extract (status, '$.kind') FROM devices"
                                                       " WHERE id = ?1", error);
  GError *local_error = NULL;
  const char *claimed = status != NULL ? json_object_get_string_member_with_default (status, "kind", NULL) : NULL;

  if (stmt == NULL)
    return FALSE;
  curb_stmt_bind_text (stmt, 1, device_id);
  *out_kind = "app";
  if (curb_store_step_row (self, stmt, &local_error))
    *out_kind = g_strcmp0 (curb_stmt_column_text (stmt, 0), "tool") == 0 ? "tool" : "app";
  else if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return FALSE;
    }
  if (claimed == NULL || g_str_equal (claimed, *out_kind))
    return TRUE;
  g_set_error (error, CURB_ERROR, CURB_ERROR_FORBIDDEN,
               "This credential was enrolled as %s %s; a heartbeat cannot change that",
               g_str_equal (*out_kind, "tool") ? "a" : "an", *out_kind);
  return FALSE;
}

gboolean
curb_store_record_heartbeat (CurbStore   *self,
                             const char  *device_id,
                             JsonObject  *status,
                             GError     **error)
{
  g_autoptr(GRecMutexLocker) locker = NULL;
  g_autoptr(CurbStmt) stmt = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(JsonObject) copy = NULL;
  const char *kind;

  g_return_val_if_fail (CURB_IS_STORE (self), FALSE);
  g_return_val_if_fail (device_id != NULL, FALSE);

  locker = curb_store_lock (self);
  if (!check_kind_locked (self, device_id, status, &kind, error))
    return FALSE;
  copy = status != NULL ? curb_json_object_copy (status) : json_object_new ();
  json_object_set_string_member (copy, "kind", kind);
  node = json_node_init_object (json_node_alloc (), copy);
  stmt = curb_store_prepare (self, "UPDATE devices SET last_seen_ms = ?2, status = ?3"
                                   " WHERE id = ?1 AND revoked_ms IS NULL", error);
  if (stmt == NULL)
    return FALSE;
  curb_stmt_bind_text (stmt, 1, device_id);
  sqlite3_bind_int64 (stmt, 2, curb_now_ms ());
  curb_stmt_bind_json (stmt, 3, node);
  return changed_one_row (self, stmt, "enrolled device", device_id, error);
}

JsonArray *
curb_store_list_devices (CurbStore  *self,
                         GError    **error)
{
  g_autoptr(GRecMutexLocker) locker = NULL;
  g_autoptr(CurbStmt) stmt = NULL;

  g_return_val_if_fail (CURB_IS_STORE (self), NULL);

  locker = curb_store_lock (self);
  stmt = curb_store_prepare (self, "SELECT id, name, role, created_ms, revoked_ms, last_seen_ms, status"
                                   " FROM devices ORDER BY created_ms, id", error);
  if (stmt == NULL)
    return NULL;
  return collect_rows (self, stmt, device_from_row, error);
}

gboolean
curb_store_add_staff (CurbStore      *self,
                      const char     *staff_id,
                      const char     *first_name,
                      CurbStaffRole   role,
                      const char     *pin,
                      const char     *badge,
                      GError        **error)
{
  g_autoptr(GRecMutexLocker) locker = NULL;
  g_autoptr(CurbStmt) stmt = NULL;
  g_autofree char *pin_hash = NULL;
  GError *local_error = NULL;

  g_return_val_if_fail (CURB_IS_STORE (self), FALSE);
  g_return_val_if_fail ((guint) role < G_N_ELEMENTS (staff_roles), FALSE);

  if (!check_staff_input (staff_id, first_name, pin, badge, error))
    return FALSE;
  pin_hash = hash_pin (self, pin, error);   /* slow: outside the lock */
  if (pin_hash == NULL)
    return FALSE;
  locker = curb_store_lock (self);
  stmt = curb_store_prepare (self, "INSERT INTO staff (id, first_name, role, pin_hash, badge_hash, created_ms)"
                                   " VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (id) DO UPDATE SET"
                                   " first_name = excluded.first_name, role = excluded.role,"
                                   " pin_hash = excluded.pin_hash, badge_hash = excluded.badge_hash", error);
  if (stmt == NULL)
    return FALSE;
  curb_stmt_bind_text (stmt, 1, staff_id);
  curb_stmt_bind_text (stmt, 2, first_name);
  curb_stmt_bind_text (stmt, 3, curb_staff_role_to_string (role));
  curb_stmt_bind_text (stmt, 4, pin_hash);
  if (badge != NULL)
    bind_hash (self, stmt, 5, "badge", badge);
  sqlite3_bind_int64 (stmt, 6, curb_now_ms ());
  if (curb_store_step_done (self, stmt, &local_error))
    return TRUE;
  if (g_error_matches (local_error, CURB_ERROR, CURB_ERROR_CONFLICT))
    {
      g_clear_error (&local_error);
      g_set_error_literal (&local_error, CURB_ERROR, CURB_ERROR_CONFLICT,
                           "This badge already belongs to another staff member");
    }
  g_propagate_error (error, local_error);
  return FALSE;
}

static JsonObject *
fetch_staff (CurbStore   *self,
             const char  *staff_id,
             char       **out_pin_hash,
             GError     **error)
{
  g_autoptr(GRecMutexLocker) locker = NULL;
  g_autoptr(CurbStmt) stmt = NULL;

  locker = curb_store_lock (self);
  stmt = curb_store_prepare (self, "SELECT id, first_name, role, pin_hash FROM staff WHERE id = ?1", error);
  if (stmt == NULL)
    return NULL;
  curb_stmt_bind_text (stmt, 1, staff_id);
  if (!curb_store_step_row (self, stmt, error))
    return NULL;
  *out_pin_hash = g_strdup (curb_stmt_column_text (stmt, 3));
  return staff_from_row (stmt);
}

/* A PIN hash from before peppering is replaced once the PIN is known. */
static void
upgrade_pin_hash (CurbStore  *self,
                  const char *staff_id,
                  const char *pin,
                  const char *old_hash)
{
  g_autofree char *pin_hash = hash_pin (self, pin, NULL);
  g_autoptr(GRecMutexLocker) locker = NULL;
  g_autoptr(CurbStmt) stmt = NULL;

  if (pin_hash == NULL)
    return;
  locker = curb_store_lock (self);
  stmt = curb_store_prepare (self, "UPDATE staff SET pin_hash = ?2 WHERE id = ?1 AND pin_hash = ?3", NULL);
  if (stmt == NULL)
    return;
  curb_stmt_bind_text (stmt, 1, staff_id);
  curb_stmt_bind_text (stmt, 2, pin_hash);
  curb_stmt_bind_text (stmt, 3, old_hash);
  curb_store_step_done (self, stmt, NULL);
}

JsonObject *
curb_store_verify_staff (CurbStore   *self,
                         const char  *staff_id,
                         const char  *pin,
                         GError     **error)
{
  g_autoptr(JsonObject) staff = NULL;
  g_autofree char *pin_hash = NULL;
  GError *local_error = NULL;
  gboolean legacy = FALSE;

  g_return_val_if_fail (CURB_IS_STORE (self), NULL);

  if (staff_id != NULL)
    staff = fetch_staff (self, staff_id, &pin_hash, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return NULL;
    }
  /* the slow check runs without the lock held, for unknown ids too */
  if (!verify_pin (self, staff != NULL ? pin_hash : NULL, pin, &legacy) || staff == NULL)
    {
      unauthorized (error, "Unknown staff member or wrong PIN");
      return NULL;
    }
  if (legacy)
    upgrade_pin_hash (self, staff_id, pin, pin_hash);
  return g_steal_pointer (&staff);
}

JsonObject *
curb_store_verify_badge (CurbStore   *self,
                         const char  *badge,
                         GError     **error)
{
  g_autoptr(GRecMutexLocker) locker = NULL;
  g_autoptr(CurbStmt) stmt = NULL;
  GError *local_error = NULL;

  g_return_val_if_fail (CURB_IS_STORE (self), NULL);

  if (!curb_text_is_printable (badge, 256))
    {
      unauthorized (error, "Unknown badge");
      return NULL;
    }
  locker = curb_store_lock (self);
  stmt = curb_store_prepare (self, "SELECT id, first_name, role FROM staff WHERE badge_hash = ?1", error);
  if (stmt == NULL)
    return NULL;
  bind_hash (self, stmt, 1, "badge", badge);
  if (curb_store_step_row (self, stmt, &local_error))
    return staff_from_row (stmt);
  if (local_error != NULL)
    g_propagate_error (error, local_error);
  else
    unauthorized (error, "Unknown badge");
  return NULL;
}

gboolean
curb_store_remove_staff (CurbStore   *self,
                         const char  *staff_id,
                         GError     **error)
{
  g_autoptr(GRecMutexLocker) locker = NULL;
  g_autoptr(CurbStmt) stmt = NULL;

  g_return_val_if_fail (CURB_IS_STORE (self), FALSE);
  g_return_val_if_fail (staff_id != NULL, FALSE);

  locker = curb_store_lock (self);
  stmt = curb_store_prepare (self, "DELETE FROM staff_sessions WHERE staff_id = ?1", error);
  if (stmt == NULL)
    return FALSE;
  curb_stmt_bind_text (stmt, 1, staff_id);
  if (!curb_store_step_done (self, stmt, error))
    return FALSE;
  g_clear_pointer (&stmt, curb_stmt_release);
  stmt = curb_store_prepare (self, "DELETE FROM staff WHERE id = ?1", error);
  if (stmt == NULL)
    return FALSE;
  curb_stmt_bind_text (stmt, 1, staff_id);
  return changed_one_row (self, stmt, "staff member", staff_id, error);
}

JsonArray *
curb_store_list_staff (CurbStore  *self,
                       GError    **error)
{
  g_autoptr(GRecMutexLocker) locker = NULL;
  g_autoptr(CurbStmt) stmt = NULL;

  g_return_val_if_fail (CURB_IS_STORE (self), NULL);

  locker = curb_store_lock (self);
  stmt = curb_store_prepare (self, "SELECT id, first_name, role FROM staff ORDER BY id", error);
  if (stmt == NULL)
    return NULL;
  return collect_rows (self, stmt, staff_from_row, error);
}

gboolean
curb_store_audit (CurbStore   *self,
                  const char  *actor_device,
                  const char  *actor_staff,
                  const char  *action,
                  const char  *order_ref,
                  JsonObject  *detail,
                  GError     **error)
{
  g_autoptr(GRecMutexLocker) locker = NULL;
  g_autoptr(CurbStmt) stmt = NULL;
  g_autoptr(JsonNode) node = NULL;

  g_return_val_if_fail (CURB_IS_STORE (self), FALSE);
  g_return_val_if_fail (action != NULL, FALSE);

  node = detail != NULL ? json_node_init_object (json_node_alloc (), detail) : NULL;
  locker = curb_store_lock (self);
  stmt = curb_store_prepare (self, "INSERT INTO audit_log (at_ms, device, staff, action, order_ref, detail)"
                                   " VALUES (?1, ?2, ?3, ?4, ?5, COALESCE (?6, '{}'))", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, curb_now_ms ());
  curb_stmt_bind_text (stmt, 2, actor_device);
  curb_stmt_bind_text (stmt, 3, actor_staff);
  curb_stmt_bind_text (stmt, 4, action);
  curb_stmt_bind_text (stmt, 5, order_ref);
  curb_stmt_bind_json (stmt, 6, node);
  return curb_store_step_done (self, stmt, error);
}

JsonArray *
curb_store_list_audit (CurbStore   *self,
                       gint64       after_id,
                       guint        limit,
                       GError     **error)
{
  g_autoptr(GRecMutexLocker) locker = NULL;
  g_autoptr(CurbStmt) stmt = NULL;

  g_return_val_if_fail (CURB_IS_STORE (self), NULL);

  locker = curb_store_lock (self);
  stmt = curb_store_prepare (self, "SELECT id, at_ms, device, staff, action, order_ref, detail FROM audit_log"
                                   " WHERE id > ?1 ORDER BY id LIMIT ?2", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, after_id);
  sqlite3_bind_int64 (stmt, 2, limit);
  return collect_rows (self, stmt, audit_from_row, error);
}

/* --- staff sessions --- */

char *
curb_store_open_staff_session (CurbStore   *self,
                               const char  *staff_id,
                               const char  *device_id,
                               gint64       idle_ms,
                               gint64       max_ms,
                               GError     **error)
{
  g_autoptr(GRecMutexLocker) locker = NULL;
  g_autoptr(CurbStmt) stmt = NULL;
  g_autofree char *token = curb_random_token (24);
  gint64 now = curb_now_ms ();

  g_return_val_if_fail (CURB_IS_STORE (self), NULL);
  g_return_val_if_fail (staff_id != NULL && device_id != NULL, NULL);

  locker = curb_store_lock (self);
  stmt = curb_store_prepare (self, "DELETE FROM staff_sessions WHERE expires_ms <= ?1 OR last_used_ms <= ?2", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, now);
  sqlite3_bind_int64 (stmt, 2, now - idle_ms);
  if (!curb_store_step_done (self, stmt, error))
    return NULL;
  g_clear_pointer (&stmt, curb_stmt_release);
  stmt = curb_store_prepare (self, "INSERT INTO staff_sessions (token_hash, staff_id, device_id, created_ms,"
                                   " last_used_ms, expires_ms) VALUES (?1, ?2, ?3, ?4, ?4, ?5)", error);
  if (stmt == NULL)
    return NULL;
  bind_hash (self, stmt, 1, "staff-session", token);
  curb_stmt_bind_text (stmt, 2, staff_id);
  curb_stmt_bind_text (stmt, 3, device_id);
  sqlite3_bind_int64 (stmt, 4, now);
  sqlite3_bind_int64 (stmt, 5, now + max_ms);
  if (!curb_store_step_done (self, stmt, error))
    return NULL;
  return g_steal_pointer (&token);
}

static gboolean
delete_session (CurbStore   *self,
                const char  *token,
                GError     **error)
{
  g_autoptr(CurbStmt) stmt = curb_store_prepare (self, "DELETE FROM staff_sessions WHERE token_hash = ?1", error);

  if (stmt == NULL)
    return FALSE;
  bind_hash (self, stmt, 1, "staff-session", token);
  return curb_store_step_done (self, stmt, error);
}

static gboolean
refresh_session (CurbStore   *self,
                 const char  *token,
                 gint64       now,
                 GError     **error)
{
  g_autoptr(CurbStmt) stmt = curb_store_prepare (self, "UPDATE staff_sessions SET last_used_ms = ?2"
                                                       " WHERE token_hash = ?1", error);

  if (stmt == NULL)
    return FALSE;
  bind_hash (self, stmt, 1, "staff-session", token);
  sqlite3_bind_int64 (stmt, 2, now);
  return curb_store_step_done (self, stmt, error);
}

JsonObject *
curb_store_touch_staff_session (CurbStore   *self,
                                const char  *token,
                                const char  *device_id,
                                gint64       idle_ms,
                                GError     **error)
{
  g_autoptr(GRecMutexLocker) locker = NULL;
  g_autoptr(CurbStmt) stmt = NULL;
  g_autoptr(JsonObject) staff = NULL;
  GError *local_error = NULL;
  gint64 now = curb_now_ms ();
  gboolean live;

  g_return_val_if_fail (CURB_IS_STORE (self), NULL);

  if (token == NULL || !curb_text_is_printable (token, 128) || device_id == NULL)
    return (unauthorized (error, "Unknown or expired staff session"), NULL);
  locker = curb_store_lock (self);
  stmt = curb_store_prepare (self, "SELECT s.id, s.first_name, s.role, t.expires_ms, t.last_used_ms"
                                   " FROM staff_sessions t JOIN staff s ON s.id = t.staff_id"
                                   " JOIN devices d ON d.id = t.device_id AND d.revoked_ms IS NULL"
                                   " WHERE t.token_hash = ?1 AND t.device_id = ?2", error);
  if (stmt == NULL)
    return NULL;
  bind_hash (self, stmt, 1, "staff-session", token);
  curb_stmt_bind_text (stmt, 2, device_id);
  if (!curb_store_step_row (self, stmt, &local_error))
    {
      if (local_error != NULL)
        g_propagate_error (error, local_error);
      else
        unauthorized (error, "Unknown or expired staff session");
      return NULL;
    }
  live = sqlite3_column_int64 (stmt, 3) > now && sqlite3_column_int64 (stmt, 4) > now - idle_ms;
  staff = staff_from_row (stmt);
  g_clear_pointer (&stmt, curb_stmt_release);
  if (!live)
    {
      delete_session (self, token, NULL);
      return (unauthorized (error, "Unknown or expired staff session"), NULL);
    }
  if (!refresh_session (self, token, now, error))
    return NULL;
  return g_steal_pointer (&staff);
}

gboolean
curb_store_close_staff_session (CurbStore   *self,
                                const char  *token,
                                GError     **error)
{
  g_autoptr(GRecMutexLocker) locker = NULL;

  g_return_val_if_fail (CURB_IS_STORE (self), FALSE);

  if (token == NULL || !curb_text_is_printable (token, 128))
    return TRUE;
  locker = curb_store_lock (self);
  return delete_session (self, token, error);
}

JsonArray *
curb_store_list_audit_since (CurbStore   *self,
                             const char  *action_prefix,
                             gint64       since_ms,
                             GError     **error)
{
  g_autoptr(GRecMutexLocker) locker = NULL;
  g_autoptr(CurbStmt) stmt = NULL;

  g_return_val_if_fail (CURB_IS_STORE (self), NULL);
  g_return_val_if_fail (action_prefix != NULL, NULL);

  locker = curb_store_lock (self);
  stmt = curb_store_prepare (self, "SELECT id, at_ms, device, staff, action, order_ref, detail FROM audit_log"
                                   " WHERE at_ms >= ?1 AND substr (action, 1, length (?2)) = ?2 ORDER BY id",
                             error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, since_ms);
  curb_stmt_bind_text (stmt, 2, action_prefix);
  return collect_rows (self, stmt, audit_from_row, error);
}
