#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/**
 * CurbKioskSubstitution:
 *
 * One substitution as the shopper sees it on the greeting screen.
 */
typedef struct
{
  char *id;
  char *original;
  char *replacement;
  int   qty;
  char *status;   /* pending | approved | declined */
} CurbKioskSubstitution;

#define CURB_TYPE_KIOSK_ORDER (curb_kiosk_order_get_type ())
G_DECLARE_FINAL_TYPE (CurbKioskOrder, curb_kiosk_order, CURB, KIOSK_ORDER, GObject)

/**
 * curb_kiosk_order_new_from_json:
 * @object: an order as the hub API returns it (docs/data-model.md)
 *
 * Keeps only what the kiosk may show: first name and last initial, counts,
 * window, substitutions, state. Strings are length-limited plain text; a
 * document without a valid ref fails with %CURB_ERROR_PROTOCOL.
 */
CurbKioskOrder *curb_kiosk_order_new_from_json (JsonObject  *object,
                                                GError     **error) G_GNUC_WARN_UNUSED_RESULT;

const char *curb_kiosk_order_get_ref              (CurbKioskOrder *self);
const char *curb_kiosk_order_get_first_name       (CurbKioskOrder *self);
const char *curb_kiosk_order_get_last_initial     (CurbKioskOrder *self);
char       *curb_kiosk_order_dup_display_name     (CurbKioskOrder *self) G_GNUC_WARN_UNUSED_RESULT;
char       *curb_kiosk_order_dup_alternate_name   (CurbKioskOrder *self) G_GNUC_WARN_UNUSED_RESULT;
const char *curb_kiosk_order_get_language         (CurbKioskOrder *self);
const char *curb_kiosk_order_get_state            (CurbKioskOrder *self);
const char *curb_kiosk_order_get_bay              (CurbKioskOrder *self);
const char *curb_kiosk_order_get_claimed_by       (CurbKioskOrder *self);
gboolean    curb_kiosk_order_get_staged           (CurbKioskOrder *self);
gboolean    curb_kiosk_order_get_cancelled        (CurbKioskOrder *self);
gboolean    curb_kiosk_order_get_age_restricted   (CurbKioskOrder *self);
int         curb_kiosk_order_get_item_count       (CurbKioskOrder *self);
/* temperature: 0 ambient, 1 chilled, 2 frozen */
int         curb_kiosk_order_get_bags             (CurbKioskOrder *self,
                                                   guint           temperature);
gint64      curb_kiosk_order_get_window_start_ms  (CurbKioskOrder *self);
gint64      curb_kiosk_order_get_window_end_ms    (CurbKioskOrder *self);
guint       curb_kiosk_order_get_n_substitutions  (CurbKioskOrder *self);
const CurbKioskSubstitution *
            curb_kiosk_order_get_substitution     (CurbKioskOrder *self,
                                                   guint           index);
gboolean    curb_kiosk_order_set_substitution_status (CurbKioskOrder *self,
                                                      const char     *id,
                                                      const char     *status);
void        curb_kiosk_order_set_state            (CurbKioskOrder *self,
                                                   const char     *state);

G_END_DECLS
