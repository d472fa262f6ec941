#pragma once

#include <glib-object.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define CURB_TYPE_CENTRAL_DB (curb_central_db_get_type ())
G_DECLARE_FINAL_TYPE (CurbCentralDb, curb_central_db, CURB, CENTRAL_DB, GObject)

#define CURB_CENTRAL_ERROR (curb_central_error_quark ())

/**
 * CurbCentralError:
 *
 * Why central refused something. Each code maps to one protocol reason
 * (see docs/central-protocol.md).
 */
typedef enum
{
  CURB_CENTRAL_ERROR_INVALID,        /* invalid_event / invalid order document */
  CURB_CENTRAL_ERROR_UNKNOWN_STORE,  /* not_found */
  CURB_CENTRAL_ERROR_UNKNOWN_ORDER,  /* unknown_order */
  CURB_CENTRAL_ERROR_UNKNOWN_KIND,   /* unknown_kind */
  CURB_CENTRAL_ERROR_NOT_STORE_FACT, /* not_store_fact */
  CURB_CENTRAL_ERROR_KEY_REUSED,     /* idempotency_key_reused */
  CURB_CENTRAL_ERROR_DATABASE,       /* internal */
} CurbCentralError;

GQuark curb_central_error_quark (void);

/**
 * CurbCentralReceipt:
 * @CURB_CENTRAL_RECEIPT_NEW: first time central saw this event id
 * @CURB_CENTRAL_RECEIPT_DUPLICATE: the same event again; nothing changed
 *
 * What recording a pushed event did.
 */
typedef enum
{
  CURB_CENTRAL_RECEIPT_NEW,
  CURB_CENTRAL_RECEIPT_DUPLICATE,
} CurbCentralReceipt;

/**
 * CurbCentralPage:
 * @orders_json: the order documents, each as JSON text
 * @last_change: the change sequence of the last order in the page
 * @has_more: whether more changes follow
 *
 * A page of order changes, straight from the database.
 */
typedef struct
{
  GPtrArray *orders_json;
  gint64     last_change;
  gboolean   has_more;
} CurbCentralPage;

void curb_central_page_free (CurbCentralPage *page);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CurbCentralPage, curb_central_page_free)

CurbCentralDb   *curb_central_db_open           (const char    *path,
                                                 GError       **error) G_GNUC_WARN_UNUSED_RESULT;
gboolean         curb_central_db_add_store      (CurbCentralDb *self,
                                                 const char    *store_id,
                                                 const char    *api_key,
                                                 GError       **error);
char            *curb_central_db_store_for_key  (CurbCentralDb *self,
                                                 const char    *api_key) G_GNUC_WARN_UNUSED_RESULT;
gboolean         curb_central_db_has_store      (CurbCentralDb *self,
                                                 const char    *store_id);
JsonObject      *curb_central_db_put_order      (CurbCentralDb *self,
                                                 const char    *store_id,
                                                 JsonObject    *content,
                                                 GError       **error) G_GNUC_WARN_UNUSED_RESULT;
gboolean         curb_central_db_put_orders     (CurbCentralDb *self,
                                                 const char    *store_id,
                                                 GPtrArray     *contents,
                                                 GError       **error);
JsonObject      *curb_central_db_patch_order    (CurbCentralDb *self,
                                                 const char    *store_id,
                                                 const char    *ref,
                                                 JsonObject    *fields,
                                                 GError       **error) G_GNUC_WARN_UNUSED_RESULT;
JsonObject      *curb_central_db_get_order      (CurbCentralDb *self,
                                                 const char    *store_id,
                                                 const char    *ref,
                                                 GError       **error) G_GNUC_WARN_UNUSED_RESULT;
CurbCentralPage *curb_central_db_list_changes   (CurbCentralDb *self,
                                                 const char    *store_id,
                                                 gint64         after_change,
                                                 guint          limit,
                                                 GError       **error) G_GNUC_WARN_UNUSED_RESULT;
gboolean         curb_central_db_record_event   (CurbCentralDb      *self,
                                                 const char         *store_id,
                                                 JsonObject         *event,
                                                 CurbCentralReceipt *out_receipt,
                                                 GError            **error);
JsonArray       *curb_central_db_list_events    (CurbCentralDb *self,
                                                 const char    *store_id,
                                                 GError       **error) G_GNUC_WARN_UNUSED_RESULT;
JsonObject      *curb_central_db_find_order     (CurbCentralDb *self,
                                                 const char    *ref,
                                                 GError       **error) G_GNUC_WARN_UNUSED_RESULT;
JsonArray       *curb_central_db_list_order_events (CurbCentralDb *self,
                                                    const char    *store_id,
                                                    const char    *ref,
                                                    GError       **error) G_GNUC_WARN_UNUSED_RESULT;
gboolean         curb_central_db_order_arrived  (CurbCentralDb *self,
                                                 const char    *store_id,
                                                 const char    *ref);

G_END_DECLS
