#include "curb-staff-session.h"

struct _CurbStaffSession
{
  GObject  parent_instance;

  char    *staff_id;
  char    *first_name;
  char    *token;
  gint64   inactivity_ms;
  gint64   last_activity;
};

G_DEFINE_FINAL_TYPE (CurbStaffSession, curb_staff_session, G_TYPE_OBJECT)

enum { PROP_0, PROP_SIGNED_IN, PROP_FIRST_NAME, N_PROPS };
static GParamSpec *props[N_PROPS];

enum { SIGNED_OUT, N_SIGNALS };
static guint signals[N_SIGNALS];

static void
curb_staff_session_finalize (GObject *object)
{
  CurbStaffSession *self = CURB_STAFF_SESSION (object);

  g_free (self->staff_id);
  g_free (self->first_name);
  g_free (self->token);

  G_OBJECT_CLASS (curb_staff_session_parent_class)->finalize (object);
}

static void
curb_staff_session_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  CurbStaffSession *self = CURB_STAFF_SESSION (object);

  switch (prop_id)
    {
    case PROP_SIGNED_IN:
      g_value_set_boolean (value, curb_staff_session_is_signed_in (self));
      break;
    case PROP_FIRST_NAME:
      g_value_set_string (value, self->first_name);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
curb_staff_session_class_init (CurbStaffSessionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = curb_staff_session_finalize;
  object_class->get_property = curb_staff_session_get_property;

  props[PROP_SIGNED_IN] =
    g_param_spec_boolean ("signed-in", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  props[PROP_FIRST_NAME] =
    g_param_spec_string ("first-name", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, props);

  signals[SIGNED_OUT] = g_signal_new ("signed-out", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                      0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_INT);
}

static void
curb_staff_session_init (CurbStaffSession *self)
{
}

/**
 * curb_staff_session_new:
 * @inactivity_ms: sign out after this long without a touch (0: never)
 */
CurbStaffSession *
curb_staff_session_new (gint64 inactivity_ms)
{
  CurbStaffSession *self = g_object_new (CURB_TYPE_STAFF_SESSION, NULL);

  self->inactivity_ms = inactivity_ms;
  return self;
}

void
curb_staff_session_sign_in (CurbStaffSession *self,
                            const char       *staff_id,
                            const char       *first_name,
                            const char       *token,
                            gint64            now_ms)
{
  g_return_if_fail (CURB_IS_STAFF_SESSION (self));
  g_return_if_fail (staff_id != NULL);

  g_free (self->staff_id);
  self->staff_id = g_strdup (staff_id);
  g_free (self->first_name);
  self->first_name = g_strdup (first_name != NULL ? first_name : staff_id);
  g_free (self->token);
  self->token = g_strdup (token);
  self->last_activity = now_ms;
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_FIRST_NAME]);
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_SIGNED_IN]);
}

void
curb_staff_session_sign_out (CurbStaffSession  *self,
                             CurbSignOutReason  reason)
{
  g_return_if_fail (CURB_IS_STAFF_SESSION (self));

  if (self->staff_id == NULL)
    return;
  g_clear_pointer (&self->staff_id, g_free);
  g_clear_pointer (&self->first_name, g_free);
  g_clear_pointer (&self->token, g_free);
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_FIRST_NAME]);
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_SIGNED_IN]);
  g_signal_emit (self, signals[SIGNED_OUT], 0, (int) reason);
}

void
curb_staff_session_touch (CurbStaffSession *self,
                          gint64            now_ms)
{
  g_return_if_fail (CURB_IS_STAFF_SESSION (self));
  self->last_activity = MAX (self->last_activity, now_ms);
}

/* Signs out after inactivity; returns TRUE when it did. */
gboolean
curb_staff_session_poll (CurbStaffSession *self,
                         gint64            now_ms)
{
  g_return_val_if_fail (CURB_IS_STAFF_SESSION (self), FALSE);

  if (self->staff_id == NULL || self->inactivity_ms <= 0)
    return FALSE;
  if (now_ms - self->last_activity < self->inactivity_ms)
    return FALSE;
  curb_staff_session_sign_out (self, CURB_SIGN_OUT_INACTIVE);
  return TRUE;
}

gboolean
curb_staff_session_is_signed_in (CurbStaffSession *self)
{
  g_return_val_if_fail (CURB_IS_STAFF_SESSION (self), FALSE);
  return self->staff_id != NULL;
}

const char *
curb_staff_session_get_staff_id (CurbStaffSession *self)
{
  g_return_val_if_fail (CURB_IS_STAFF_SESSION (self), NULL);
  return self->staff_id;
}

const char *
curb_staff_session_get_first_name (CurbStaffSession *self)
{
  g_return_val_if_fail (CURB_IS_STAFF_SESSION (self), NULL);
  return self->first_name;
}

const char *
curb_staff_session_get_token (CurbStaffSession *self)
{
  g_return_val_if_fail (CURB_IS_STAFF_SESSION (self), NULL);
  return self->token;
}

gint64
curb_staff_session_get_remaining (CurbStaffSession *self,
                                  gint64            now_ms)
{
  g_return_val_if_fail (CURB_IS_STAFF_SESSION (self), 0);
  if (self->staff_id == NULL || self->inactivity_ms <= 0)
    return 0;
  return MAX (self->inactivity_ms - (now_ms - self->last_activity), 0);
}
