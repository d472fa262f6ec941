#include <qrencode.h>
#include <string.h>

#include "curb-central-pickup.h"

/* "I'm on my way" on the reference central (docs/central-protocol.md,
 * "Announce"), and the pickup message the demo shows a shopper. */

#define QR_MODULE_PX 6
#define QR_QUIET_ZONE 4

static gboolean
verify_token (CurbKeyring      *keyring,
              const char       *token,
              gint64            now_ms,
              CurbTokenClaims **out_claims,
              GError          **error)
{
  /* The store comes from the token; curb_token_verify() checks the
   * signature before anything else, so a forger learns nothing. */
  g_autoptr(CurbTokenClaims) unverified = curb_token_decode (token, error);

  if (unverified == NULL)
    return FALSE;
  return curb_token_verify (keyring, token, unverified->store_id, now_ms / 1000, out_claims, error);
}

static JsonObject *
on_the_way (gint64 eta_minutes,
            gint64 now_ms)
{
  JsonObject *announced = json_object_new ();
  g_autofree char *at = curb_iso8601_from_ms (now_ms);
  g_autofree char *eta = curb_iso8601_from_ms (now_ms + eta_minutes * 60 * 1000);

  json_object_set_string_member (announced, "announced_at", at);
  json_object_set_string_member (announced, "eta", eta);
  return announced;
}

gboolean
curb_central_pickup_announce (CurbCentralDb        *db,
                              CurbKeyring          *keyring,
                              const char           *token,
                              gint64                eta_minutes,
                              gint64                now_ms,
                              CurbCentralAnnounce  *out_result,
                              char                **out_store_id,
                              JsonObject          **out_order,
                              GError              **error)
{
  g_autoptr(CurbTokenClaims) claims = NULL;
  g_autoptr(JsonObject) order = NULL;
  g_autoptr(JsonObject) fields = json_object_new ();

  g_return_val_if_fail (CURB_IS_CENTRAL_DB (db), FALSE);

  if (!verify_token (keyring, token, now_ms, &claims, error))
    return FALSE;
  if (eta_minutes < 0 || eta_minutes > CURB_CENTRAL_ETA_MAX_MINUTES)
    {
      g_set_error (error, CURB_ERROR, CURB_ERROR_INVALID, "eta_minutes must be 0 to %d", CURB_CENTRAL_ETA_MAX_MINUTES);
      return FALSE;
    }
  order = curb_central_db_get_order (db, claims->store_id, claims->order_ref, NULL);
  if (order == NULL)
    {
      g_set_error_literal (error, CURB_ERROR, CURB_ERROR_TOKEN_OTHER_STORE,
                           "The code's store does not have this order");
      return FALSE;
    }
  if (json_object_get_boolean_member_with_default (order, "cancelled", FALSE))
    {
      g_set_error_literal (error, CURB_ERROR, CURB_ERROR_CANCELLED, "The order was cancelled");
      return FALSE;
    }
  *out_store_id = g_strdup (claims->store_id);
  if (curb_central_db_order_arrived (db, claims->store_id, claims->order_ref))
    {
      *out_result = CURB_CENTRAL_ANNOUNCE_IGNORED;
      *out_order = g_steal_pointer (&order);
      return TRUE;
    }
  json_object_set_object_member (fields, "on_the_way", on_the_way (eta_minutes, now_ms));
  *out_order = curb_central_db_patch_order (db, claims->store_id, claims->order_ref, fields, error);
  if (*out_order == NULL)
    {
      g_clear_pointer (out_store_id, g_free);
      return FALSE;
    }
  *out_result = CURB_CENTRAL_ANNOUNCE_ACCEPTED;
  return TRUE;
}

char *
curb_central_pickup_qr_svg (const char *text)
{
  QRcode *code = QRcode_encodeString (text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
  g_autoptr(GString) svg = g_string_new (NULL);
  int size;

  if (code == NULL)
    return NULL;
  size = (code->width + 2 * QR_QUIET_ZONE) * QR_MODULE_PX;
  g_string_append_printf (svg, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\""
                          " viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"Pickup QR code\">"
                          "<rect width=\"%d\" height=\"%d\" fill=\"#fff\"/><path fill=\"#000\" d=\"",
                          size, size, code->width + 2 * QR_QUIET_ZONE, code->width + 2 * QR_QUIET_ZONE,
                          code->width + 2 * QR_QUIET_ZONE, code->width + 2 * QR_QUIET_ZONE);
  for (int y = 0; y < code->width; y++)
    for (int x = 0; x < code->width; x++)
      if (code->data[y * code->width + x] & 1)
        g_string_append_printf (svg, "M%d %dh1v1h-1z", x + QR_QUIET_ZONE, y + QR_QUIET_ZONE);
  g_string_append (svg, "\"/></svg>");
  QRcode_free (code);
  return g_string_free (g_steal_pointer (&svg), FALSE);
}

static const char page_head[] =
  "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
  "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
  "<title>%s</title><style>body{font-family:sans-serif;max-width:28rem;margin:1rem auto;padding:0 1rem}"
  "button{font-size:1.2rem;min-height:56px;min-width:56px;margin:.25rem;padding:0 1rem}"
  "svg{max-width:100%%;height:auto}</style></head><body>";

char *
curb_central_pickup_message_html (const char *token,
                                  JsonObject *order)
{
  g_autoptr(GString) html = g_string_new (NULL);
  g_autofree char *qr = curb_central_pickup_qr_svg (token);
  g_autofree char *name = g_markup_escape_text (json_object_get_string_member_with_default (order, "first_name", ""), -1);
  g_autofree char *ref = g_markup_escape_text (json_object_get_string_member_with_default (order, "ref", ""), -1);
  g_autofree char *store = g_markup_escape_text (json_object_get_string_member_with_default (order, "store_id", ""), -1);
  g_autofree char *value = g_markup_escape_text (token, -1);
  static const int etas[] = { 5, 10, 15, 20, 30 };

  g_string_append_printf (html, page_head, "Your pickup code");
  g_string_append_printf (html, "<h1>Hi %s, your order %s is ready for pickup</h1>"
                          "<p>Show this code at the pickup kiosk of %s:</p>%s"
                          "<p>No code at hand? The kiosk also finds your order by its number %s and your surname.</p>"
                          "<h2>I'm on my way</h2><p>Tell the store when you will be there, so your order waits at the door:</p>"
                          "<form method=\"post\" action=\"/pickup/on-my-way\">"
                          "<input type=\"hidden\" name=\"t\" value=\"%s\">",
                          name, ref, store, qr != NULL ? qr : "", ref, value);
  for (guint i = 0; i < G_N_ELEMENTS (etas); i++)
    g_string_append_printf (html, "<button type=\"submit\" name=\"eta\" value=\"%d\">%d min</button>", etas[i], etas[i]);
  g_string_append (html, "</form></body></html>");
  return g_string_free (g_steal_pointer (&html), FALSE);
}

char *
curb_central_pickup_answer_html (const char *title,
                                 const char *text)
{
  g_autofree char *title_html = g_markup_escape_text (title, -1);
  g_autofree char *text_html = g_markup_escape_text (text, -1);
  g_autofree char *head = g_strdup_printf (page_head, title_html);

  return g_strdup_printf ("%s<h1>%s</h1><p>%s</p></body></html>", head, title_html, text_html);
}
