#include "curb-code-source.h"
#include "curb-hardware.h"

typedef struct
{
  char                *name;
  GMainContext        *context;
  GMutex               lock;
  CurbCodeSourceState  state;
  GError              *error;
  gint64               handed_over;   /* of the code being emitted */
} CurbCodeSourcePrivate;

G_DEFINE_ABSTRACT_TYPE_WITH_PRIVATE (CurbCodeSource, curb_code_source, G_TYPE_OBJECT)

G_DEFINE_ENUM_TYPE (CurbCodeSourceState, curb_code_source_state,
  G_DEFINE_ENUM_VALUE (CURB_CODE_SOURCE_STOPPED, "stopped"),
  G_DEFINE_ENUM_VALUE (CURB_CODE_SOURCE_STARTING, "starting"),
  G_DEFINE_ENUM_VALUE (CURB_CODE_SOURCE_RUNNING, "running"),
  G_DEFINE_ENUM_VALUE (CURB_CODE_SOURCE_FAILED, "failed"))

enum {
  PROP_0,
  PROP_NAME,
  PROP_STATE,
  N_PROPS
};

enum {
  CODE,
  ERROR,
  RECOVERED,
  N_SIGNALS
};

static GParamSpec *props[N_PROPS];
static guint signals[N_SIGNALS];

typedef enum
{
  EVENT_CODE,
  EVENT_STATE,
  EVENT_ERROR,
  EVENT_RECOVERED,
} EventKind;

typedef struct
{
  CurbCodeSource      *source;
  EventKind            kind;
  GBytes              *payload;
  gint64               frame_time;
  gint64               handed_over;
  GError              *error;
  CurbCodeSourceState  state;
} Event;

static void
event_free (gpointer data)
{
  Event *event = data;

  g_object_unref (event->source);
  g_clear_pointer (&event->payload, g_bytes_unref);
  g_clear_error (&event->error);
  g_free (event);
}

static gboolean
dispatch_event (gpointer data)
{
  Event *event = data;
  CurbCodeSource *self = event->source;
  CurbCodeSourcePrivate *priv = curb_code_source_get_instance_private (self);

  switch (event->kind)
    {
    case EVENT_CODE:
      if (curb_code_source_get_state (self) == CURB_CODE_SOURCE_STOPPED)
        break;
      priv->handed_over = event->handed_over;
      g_signal_emit (self, signals[CODE], 0, event->payload, priv->name, event->frame_time);
      priv->handed_over = 0;
      break;
    case EVENT_STATE:
      g_object_notify_by_pspec (G_OBJECT (self), props[PROP_STATE]);
      break;
    case EVENT_ERROR:
      g_clear_error (&priv->error);
      priv->error = g_error_copy (event->error);
      g_object_notify_by_pspec (G_OBJECT (self), props[PROP_STATE]);
      g_signal_emit (self, signals[ERROR], 0, event->error);
      break;
    case EVENT_RECOVERED:
      g_object_notify_by_pspec (G_OBJECT (self), props[PROP_STATE]);
      g_signal_emit (self, signals[RECOVERED], 0);
      break;
    default:
      g_assert_not_reached ();
    }
  return G_SOURCE_REMOVE;
}

static void
post_event (CurbCodeSource *self,
            Event          *event)
{
  CurbCodeSourcePrivate *priv = curb_code_source_get_instance_private (self);
  g_autoptr(GMainContext) context = NULL;

  event->source = g_object_ref (self);
  g_mutex_lock (&priv->lock);
  context = priv->context ? g_main_context_ref (priv->context) : g_main_context_ref_thread_default ();
  g_mutex_unlock (&priv->lock);
  g_main_context_invoke_full (context, G_PRIORITY_DEFAULT, dispatch_event, event, event_free);
}

static gboolean
swap_state (CurbCodeSource      *self,
            CurbCodeSourceState  state)
{
  CurbCodeSourcePrivate *priv = curb_code_source_get_instance_private (self);
  gboolean changed;

  g_mutex_lock (&priv->lock);
  changed = priv->state != state;
  priv->state = state;
  g_mutex_unlock (&priv->lock);
  return changed;
}

static void
curb_code_source_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  CurbCodeSource *self = CURB_CODE_SOURCE (object);

  switch (prop_id)
    {
    case PROP_NAME:
      g_value_set_string (value, curb_code_source_get_name (self));
      break;
    case PROP_STATE:
      g_value_set_enum (value, curb_code_source_get_state (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
curb_code_source_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  CurbCodeSource *self = CURB_CODE_SOURCE (object);
  CurbCodeSourcePrivate *priv = curb_code_source_get_instance_private (self);

  switch (prop_id)
    {
    case PROP_NAME:
      priv->name = g_value_dup_string (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
curb_code_source_finalize (GObject *object)
{
  CurbCodeSource *self = CURB_CODE_SOURCE (object);
  CurbCodeSourcePrivate *priv = curb_code_source_get_instance_private (self);

  g_free (priv->name);
  g_clear_pointer (&priv->context, g_main_context_unref);
  g_clear_error (&priv->error);
  g_mutex_clear (&priv->lock);
  G_OBJECT_CLASS (curb_code_source_parent_class)->finalize (object);
}

static void
curb_code_source_class_init (CurbCodeSourceClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = curb_code_source_get_property;
  object_class->set_property = curb_code_source_set_property;
  object_class->finalize = curb_code_source_finalize;

  props[PROP_NAME] =
    g_param_spec_string ("name", NULL, NULL, "scanner",
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  props[PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL, CURB_TYPE_CODE_SOURCE_STATE, CURB_CODE_SOURCE_STOPPED,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, props);

  /**
   * CurbCodeSource::code:
   * @payload: the code's content, exact bytes: never markup, not always text
   * @source: the source's name ("camera", "wedge")
   * @frame_time: monotonic time (µs) of the frame or key press that carried it
   */
  signals[CODE] = g_signal_new ("code", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                NULL, NULL, NULL, G_TYPE_NONE, 3,
                                G_TYPE_BYTES, G_TYPE_STRING, G_TYPE_INT64);
  /**
   * CurbCodeSource::error:
   * @error: a #CURB_HARDWARE_ERROR: NO_CAMERA, CAMERA_UNPLUGGED,
   *   CAMERA_FROZEN, FORMAT_CHANGED, IO
   *
   * The source stopped reading; it keeps trying to recover and emits
   * #CurbCodeSource::recovered when it reads again. Offer manual lookup
   * meanwhile.
   */
  signals[ERROR] = g_signal_new ("error", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                 NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_ERROR);
  signals[RECOVERED] = g_signal_new ("recovered", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                     NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
curb_code_source_init (CurbCodeSource *self)
{
  CurbCodeSourcePrivate *priv = curb_code_source_get_instance_private (self);

  g_mutex_init (&priv->lock);
}

/**
 * curb_code_source_start:
 *
 * Starts reading. Fails only when the source cannot work at all; device
 * trouble later is reported with #CurbCodeSource::error.
 */
gboolean
curb_code_source_start (CurbCodeSource  *self,
                        GError         **error)
{
  CurbCodeSourcePrivate *priv = curb_code_source_get_instance_private (self);

  g_return_val_if_fail (CURB_IS_CODE_SOURCE (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (priv->state != CURB_CODE_SOURCE_STOPPED)
    return TRUE;
  g_mutex_lock (&priv->lock);
  g_clear_pointer (&priv->context, g_main_context_unref);
  priv->context = g_main_context_ref_thread_default ();
  g_mutex_unlock (&priv->lock);
  swap_state (self, CURB_CODE_SOURCE_STARTING);
  if (!CURB_CODE_SOURCE_GET_CLASS (self)->start (self, error))
    {
      swap_state (self, CURB_CODE_SOURCE_STOPPED);
      return FALSE;
    }
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_STATE]);
  return TRUE;
}

void
curb_code_source_stop (CurbCodeSource *self)
{
  g_return_if_fail (CURB_IS_CODE_SOURCE (self));

  if (curb_code_source_get_state (self) == CURB_CODE_SOURCE_STOPPED)
    return;
  CURB_CODE_SOURCE_GET_CLASS (self)->stop (self);
  if (swap_state (self, CURB_CODE_SOURCE_STOPPED))
    g_object_notify_by_pspec (G_OBJECT (self), props[PROP_STATE]);
}

CurbCodeSourceState
curb_code_source_get_state (CurbCodeSource *self)
{
  CurbCodeSourcePrivate *priv = curb_code_source_get_instance_private (self);
  CurbCodeSourceState state;

  g_return_val_if_fail (CURB_IS_CODE_SOURCE (self), CURB_CODE_SOURCE_STOPPED);

  g_mutex_lock (&priv->lock);
  state = priv->state;
  g_mutex_unlock (&priv->lock);
  return state;
}

const char *
curb_code_source_get_name (CurbCodeSource *self)
{
  CurbCodeSourcePrivate *priv = curb_code_source_get_instance_private (self);

  g_return_val_if_fail (CURB_IS_CODE_SOURCE (self), NULL);

  return priv->name;
}

/**
 * curb_code_source_get_error:
 *
 * Returns: (nullable): the last error reported (as of the last
 *   #CurbCodeSource::error emitted), for a status screen
 */
const GError *
curb_code_source_get_error (CurbCodeSource *self)
{
  CurbCodeSourcePrivate *priv = curb_code_source_get_instance_private (self);

  g_return_val_if_fail (CURB_IS_CODE_SOURCE (self), NULL);

  return priv->error;
}

void
curb_code_source_emit_code (CurbCodeSource *self,
                            GBytes         *payload,
                            gint64          frame_time)
{
  Event *event = g_new0 (Event, 1);

  g_return_if_fail (CURB_IS_CODE_SOURCE (self));

  event->kind = EVENT_CODE;
  event->payload = g_bytes_ref (payload);
  event->frame_time = frame_time;
  event->handed_over = g_get_monotonic_time ();
  post_event (self, event);
}

/**
 * curb_code_source_get_handed_over_time:
 *
 * In a #CurbCodeSource::code handler: when the reader handed this code over
 * (monotonic µs, on its own thread), so that frame_time → handed over is the
 * reading and handed over → now the hop to this thread.
 *
 * Returns: 0 outside a ::code emission
 */
gint64
curb_code_source_get_handed_over_time (CurbCodeSource *self)
{
  CurbCodeSourcePrivate *priv = curb_code_source_get_instance_private (self);

  g_return_val_if_fail (CURB_IS_CODE_SOURCE (self), 0);
  return priv->handed_over;
}

void
curb_code_source_report_error (CurbCodeSource *self,
                               const GError   *error)
{
  Event *event;

  g_return_if_fail (CURB_IS_CODE_SOURCE (self));
  g_return_if_fail (error != NULL);

  swap_state (self, CURB_CODE_SOURCE_FAILED);
  event = g_new0 (Event, 1);
  event->kind = EVENT_ERROR;
  event->error = g_error_copy (error);
  post_event (self, event);
}

/* The source reads: "recovered" when it had failed. */
void
curb_code_source_report_running (CurbCodeSource *self)
{
  CurbCodeSourceState old = curb_code_source_get_state (self);
  Event *event;

  if (old == CURB_CODE_SOURCE_RUNNING || old == CURB_CODE_SOURCE_STOPPED)
    return;
  swap_state (self, CURB_CODE_SOURCE_RUNNING);
  event = g_new0 (Event, 1);
  event->kind = old == CURB_CODE_SOURCE_FAILED ? EVENT_RECOVERED : EVENT_STATE;
  post_event (self, event);
}

void
curb_code_source_set_state (CurbCodeSource      *self,
                            CurbCodeSourceState  state)
{
  Event *event;

  g_return_if_fail (CURB_IS_CODE_SOURCE (self));

  if (!swap_state (self, state))
    return;
  event = g_new0 (Event, 1);
  event->kind = EVENT_STATE;
  post_event (self, event);
}
