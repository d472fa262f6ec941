#include "curb-staging-help.h"

#include <glib/gi18n.h>

#include "curbside-core.h"

/* The calls for staff that kiosks made and nobody answered yet, as the hub
 * keeps them: fetched at start and on every status round, replaced when the
 * hub's stream announces a change. No GTK. */

struct _CurbStagingHelp
{
  GObject        parent_instance;

  CurbHubClient *client;
  GCancellable  *cancellable;
  JsonArray     *calls;
};

G_DEFINE_FINAL_TYPE (CurbStagingHelp, curb_staging_help, G_TYPE_OBJECT)

enum { CHANGED, ACKNOWLEDGED, N_SIGNALS };
static guint signals[N_SIGNALS];

static gboolean
same_calls (JsonArray *a,
            JsonArray *b)
{
  if (json_array_get_length (a) != json_array_get_length (b))
    return FALSE;
  for (guint i = 0; i < json_array_get_length (a); i++)
    if (!json_node_equal (json_array_get_element (a, i), json_array_get_element (b, i)))
      return FALSE;
  return TRUE;
}

static void
replace_calls (CurbStagingHelp *self,
               JsonArray       *calls)
{
  if (calls == NULL || same_calls (self->calls, calls))
    return;
  json_array_unref (self->calls);
  self->calls = json_array_ref (calls);
  g_signal_emit (self, signals[CHANGED], 0);
}

static void
on_calls_ready (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(CurbStagingHelp) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) reply = curb_hub_client_request_finish (CURB_HUB_CLIENT (source), result, &error);
  JsonNode *calls = reply != NULL ? json_object_get_member (reply, "calls") : NULL;

  if (calls == NULL || !JSON_NODE_HOLDS_ARRAY (calls))
    {
      if (error != NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_debug ("Calls for help: %s", error->message);
      return;
    }
  replace_calls (self, json_node_get_array (calls));
}

static void
curb_staging_help_dispose (GObject *object)
{
  CurbStagingHelp *self = CURB_STAGING_HELP (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->client);
  g_clear_pointer (&self->calls, json_array_unref);
  G_OBJECT_CLASS (curb_staging_help_parent_class)->dispose (object);
}

static void
curb_staging_help_class_init (CurbStagingHelpClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = curb_staging_help_dispose;

  /**
   * CurbStagingHelp::changed:
   *
   * The open calls changed (a new call, or one was answered).
   */
  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  /**
   * CurbStagingHelp::acknowledged:
   * @call: the call someone answered, with "acknowledged_by"
   */
  signals[ACKNOWLEDGED] = g_signal_new ("acknowledged", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                        0, NULL, NULL, NULL, G_TYPE_NONE, 1, JSON_TYPE_OBJECT);
}

static void
curb_staging_help_init (CurbStagingHelp *self)
{
  self->cancellable = g_cancellable_new ();
  self->calls = json_array_new ();
}

CurbStagingHelp *
curb_staging_help_new (CurbHubClient *client)
{
  CurbStagingHelp *self;

  g_return_val_if_fail (CURB_IS_HUB_CLIENT (client), NULL);
  self = g_object_new (CURB_TYPE_STAGING_HELP, NULL);
  self->client = g_object_ref (client);
  return self;
}

void
curb_staging_help_refresh (CurbStagingHelp *self)
{
  g_return_if_fail (CURB_IS_STAGING_HELP (self));
  curb_hub_client_request_async (self->client, "GET", "/v1/assistance", NULL, self->cancellable,
                                 on_calls_ready, g_object_ref (self));
}

/* A control message from the hub's stream; only {"type": "assistance"} matters. */
void
curb_staging_help_take_notice (CurbStagingHelp *self,
                               JsonObject      *notice)
{
  JsonNode *calls;

  g_return_if_fail (CURB_IS_STAGING_HELP (self));
  if (g_strcmp0 (json_object_get_string_member_with_default (notice, "type", ""), "assistance") != 0)
    return;
  calls = json_object_get_member (notice, "calls");
  if (json_object_has_member (notice, "acknowledged")
      && JSON_NODE_HOLDS_OBJECT (json_object_get_member (notice, "acknowledged")))
    g_signal_emit (self, signals[ACKNOWLEDGED], 0, json_object_get_object_member (notice, "acknowledged"));
  if (calls != NULL && JSON_NODE_HOLDS_ARRAY (calls))
    replace_calls (self, json_node_get_array (calls));
}

/* Returns: (transfer none): the open calls, each {id, device_name, screen, order_ref?, at} */
JsonArray *
curb_staging_help_get_calls (CurbStagingHelp *self)
{
  g_return_val_if_fail (CURB_IS_STAGING_HELP (self), NULL);
  return self->calls;
}

/* Returns: (transfer none) (nullable) */
JsonObject *
curb_staging_help_lookup (CurbStagingHelp *self,
                          const char      *id)
{
  g_return_val_if_fail (CURB_IS_STAGING_HELP (self), NULL);
  for (guint i = 0; i < json_array_get_length (self->calls); i++)
    {
      JsonObject *call = json_array_get_object_element (self->calls, i);

      if (g_strcmp0 (json_object_get_string_member_with_default (call, "id", NULL), id) == 0)
        return call;
    }
  return NULL;
}

static void
on_acknowledged (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  CurbStagingHelp *self = g_task_get_source_object (task);
  GError *error = NULL;
  g_autoptr(JsonObject) reply = curb_hub_client_request_finish (CURB_HUB_CLIENT (source), result, &error);

  if (reply == NULL)
    {
      if (g_error_matches (error, CURB_ERROR, CURB_ERROR_CONFLICT))
        {
          g_clear_error (&error);
          error = g_error_new_literal (CURB_ERROR, CURB_ERROR_CONFLICT,
                                       _("Someone else is already going to that kiosk."));
        }
      g_task_return_error (task, error);
      curb_staging_help_refresh (self);
      return;
    }
  g_task_return_boolean (task, TRUE);
}

/* "I'm going": needs a signed-in staff member (the client's staff session). */
void
curb_staging_help_acknowledge_async (CurbStagingHelp     *self,
                                     const char          *id,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  g_autofree char *escaped = NULL, *path = NULL;
  GTask *task;

  g_return_if_fail (CURB_IS_STAGING_HELP (self));
  g_return_if_fail (id != NULL);
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, curb_staging_help_acknowledge_async);
  escaped = g_uri_escape_string (id, NULL, FALSE);
  path = g_strdup_printf ("/v1/assistance/%s/acknowledge", escaped);
  curb_hub_client_request_async (self->client, "POST", path, NULL, cancellable, on_acknowledged, task);
}

gboolean
curb_staging_help_acknowledge_finish (CurbStagingHelp  *self,
                                      GAsyncResult     *result,
                                      GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

static const char *
screen_words (const char *screen)
{
  static const struct { const char *screen; const char *words; } table[] = {
    { "welcome", N_("at the start") },
    { "lookup", N_("looking up an order") },
    { "greeting", N_("checking their order") },
    { "bay", N_("choosing a bay") },
    { "waiting", N_("waiting for their order") },
    { "thanks", N_("after pickup") },
    { "problem", N_("on a problem screen") },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (table); i++)
    if (g_strcmp0 (table[i].screen, screen) == 0)
      return _(table[i].words);
  return _("at the kiosk");
}

/* "kiosk-door-1 (order P00002, choosing a bay)" */
char *
curb_staging_help_describe (JsonObject *call)
{
  const char *kiosk = json_object_get_string_member_with_default (call, "device_name", NULL);
  const char *ref = json_object_get_string_member_with_default (call, "order_ref", NULL);
  const char *where = screen_words (json_object_get_string_member_with_default (call, "screen", NULL));

  if (kiosk == NULL)
    kiosk = _("a kiosk");
  if (ref != NULL)
    /* Translators: kiosk name, order number, where the shopper was ("choosing a bay") */
    return g_strdup_printf (_("%s (order %s, %s)"), kiosk, ref, where);
  /* Translators: kiosk name, where the shopper was ("at the start") */
  return g_strdup_printf (_("%s (%s)"), kiosk, where);
}

/* When @call was made (the hub's time, Unix ms), 0 when unknown. */
gint64
curb_staging_help_call_since (JsonObject *call)
{
  gint64 ms = 0;

  if (!curb_iso8601_to_ms (json_object_get_string_member_with_default (call, "at", ""), &ms))
    return 0;
  return ms;
}
