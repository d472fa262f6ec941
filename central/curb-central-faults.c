#include "curb-central-db.h"
#include "curb-central-faults.h"

/* Faults queued over the admin API, consumed by the next matching protocol
 * requests in the order they were queued. */

typedef struct
{
  CurbCentralFault fault;
  int              endpoint;   /* a CurbCentralEndpoint, or -1 for any */
  guint            remaining;
} QueuedFault;

struct _CurbCentralFaults
{
  GObject  parent_instance;

  GQueue   queue;   /* QueuedFault */
  guint    taken;
};

G_DEFINE_TYPE (CurbCentralFaults, curb_central_faults, G_TYPE_OBJECT)

static const char * const kind_names[] = {
  [CURB_CENTRAL_FAULT_STATUS] = "status",
  [CURB_CENTRAL_FAULT_RATE_LIMIT] = "rate_limit",
  [CURB_CENTRAL_FAULT_UNAVAILABLE] = "unavailable",
  [CURB_CENTRAL_FAULT_DELAY] = "delay",
  [CURB_CENTRAL_FAULT_DROP] = "drop",
  [CURB_CENTRAL_FAULT_DUPLICATE_PAGE] = "duplicate_page",
  [CURB_CENTRAL_FAULT_BROKEN_JSON] = "broken_json",
};

static const char * const endpoint_names[] = {
  [CURB_CENTRAL_ENDPOINT_PULL] = "pull",
  [CURB_CENTRAL_ENDPOINT_PUSH] = "push",
  [CURB_CENTRAL_ENDPOINT_KEYS] = "keys",
};

void
curb_central_fault_free (CurbCentralFault *fault)
{
  g_free (fault->variant);
  g_free (fault);
}

static void
queued_fault_free (gpointer data)
{
  QueuedFault *queued = data;

  g_free (queued->fault.variant);
  g_free (queued);
}

static int
lookup_name (const char * const *names,
             gsize               n_names,
             const char         *name)
{
  for (gsize i = 0; i < n_names; i++)
    if (g_strcmp0 (names[i], name) == 0)
      return (int) i;
  return -1;
}

static gboolean
parse_variant (QueuedFault  *queued,
               JsonObject   *spec,
               GError      **error)
{
  const char *variant = json_object_get_string_member_with_default (spec, "variant", "truncated");

  if (g_strcmp0 (variant, "truncated") != 0 && g_strcmp0 (variant, "not_json") != 0
      && g_strcmp0 (variant, "wrong_shape") != 0)
    {
      g_set_error (error, CURB_CENTRAL_ERROR, CURB_CENTRAL_ERROR_INVALID,
                   "“variant” is one of truncated, not_json, wrong_shape");
      return FALSE;
    }
  queued->fault.variant = g_strdup (variant);
  return TRUE;
}

static void
curb_central_faults_finalize (GObject *object)
{
  CurbCentralFaults *self = CURB_CENTRAL_FAULTS (object);

  g_queue_clear_full (&self->queue, queued_fault_free);
  G_OBJECT_CLASS (curb_central_faults_parent_class)->finalize (object);
}

static void
curb_central_faults_class_init (CurbCentralFaultsClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = curb_central_faults_finalize;
}

static void
curb_central_faults_init (CurbCentralFaults *self)
{
  g_queue_init (&self->queue);
}

CurbCentralFaults *
curb_central_faults_new (void)
{
  return g_object_new (CURB_TYPE_CENTRAL_FAULTS, NULL);
}

/**
 * curb_central_faults_add_json:
 * @spec: {"kind": …, "count": N, "on": "pull"|"push"|"keys"|"any", and the
 *   kind's parameters: "status", "retry_after", "delay_ms", "variant"}
 *
 * Queues a fault for the next "count" (default 1) matching requests.
 */
gboolean
curb_central_faults_add_json (CurbCentralFaults  *self,
                              JsonObject         *spec,
                              GError            **error)
{
  g_autofree QueuedFault *queued = g_new0 (QueuedFault, 1);
  const char *kind = json_object_get_string_member_with_default (spec, "kind", NULL);
  const char *on = json_object_get_string_member_with_default (spec, "on", "any");
  int kind_index = lookup_name (kind_names, G_N_ELEMENTS (kind_names), kind);
  gint64 count = json_object_get_int_member_with_default (spec, "count", 1);

  g_return_val_if_fail (CURB_IS_CENTRAL_FAULTS (self), FALSE);

  queued->endpoint = g_strcmp0 (on, "any") == 0 ? -1
                     : lookup_name (endpoint_names, G_N_ELEMENTS (endpoint_names), on);
  if (kind_index < 0 || count < 1 || count > 100000
      || (queued->endpoint < 0 && g_strcmp0 (on, "any") != 0))
    {
      g_set_error (error, CURB_CENTRAL_ERROR, CURB_CENTRAL_ERROR_INVALID,
                   "a fault needs a known “kind”, “count” ≥ 1 and “on” pull|push|keys|any");
      return FALSE;
    }
  queued->fault.kind = kind_index;
  queued->remaining = count;
  queued->fault.status = CLAMP (json_object_get_int_member_with_default (spec, "status", 500), 400, 599);
  queued->fault.retry_after_s = CLAMP (json_object_get_int_member_with_default (spec, "retry_after", 1), 0, 3600);
  queued->fault.delay_ms = CLAMP (json_object_get_int_member_with_default (spec, "delay_ms", 1000), 0, 600000);
  if (queued->fault.kind == CURB_CENTRAL_FAULT_BROKEN_JSON && !parse_variant (queued, spec, error))
    return FALSE;

  g_queue_push_tail (&self->queue, g_steal_pointer (&queued));
  return TRUE;
}

void
curb_central_faults_clear (CurbCentralFaults *self)
{
  g_return_if_fail (CURB_IS_CENTRAL_FAULTS (self));

  g_queue_clear_full (&self->queue, queued_fault_free);
}

/**
 * curb_central_faults_take:
 *
 * Returns: (transfer full) (nullable): the fault for this request, if any
 */
CurbCentralFault *
curb_central_faults_take (CurbCentralFaults   *self,
                          CurbCentralEndpoint  endpoint)
{
  g_return_val_if_fail (CURB_IS_CENTRAL_FAULTS (self), NULL);

  for (GList *l = self->queue.head; l != NULL; l = l->next)
    {
      QueuedFault *queued = l->data;
      CurbCentralFault *fault;

      if (queued->endpoint >= 0 && queued->endpoint != (int) endpoint)
        continue;
      fault = g_memdup2 (&queued->fault, sizeof *fault);
      fault->variant = g_strdup (queued->fault.variant);
      self->taken++;
      if (--queued->remaining == 0)
        {
          g_queue_delete_link (&self->queue, l);
          queued_fault_free (queued);
        }
      return fault;
    }
  return NULL;
}

/* How many faults requests have met so far (tests time what follows one). */
guint
curb_central_faults_get_taken (CurbCentralFaults *self)
{
  g_return_val_if_fail (CURB_IS_CENTRAL_FAULTS (self), 0);

  return self->taken;
}
