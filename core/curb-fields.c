#include "curb-fields-private.h"

#define MEMBER(instance, field, ctype) G_STRUCT_MEMBER (ctype, (gpointer) (instance), (field)->offset)

static GParamSpec *
param_spec (const CurbField *field)
{
  GParamFlags flags = G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS;

  if (field->type == G_TYPE_STRING)
    return g_param_spec_string (field->name, NULL, NULL, NULL, flags);
  if (field->type == G_TYPE_UINT)
    return g_param_spec_uint (field->name, NULL, NULL, 0, G_MAXUINT, 0, flags);
  if (field->type == G_TYPE_BOOLEAN)
    return g_param_spec_boolean (field->name, NULL, NULL, FALSE, flags);
  g_assert (field->type == G_TYPE_ENUM && field->enum_type != NULL);
  return g_param_spec_enum (field->name, NULL, NULL, field->enum_type (), 0, flags);
}

void
curb_fields_install (GObjectClass    *klass,
                     const CurbField *fields,
                     guint            n_fields)
{
  for (guint i = 0; i < n_fields; i++)
    g_object_class_install_property (klass, i + 1, param_spec (&fields[i]));
}

static const CurbField *
field_for (GObject         *object,
           const CurbField *fields,
           guint            n_fields,
           guint            prop_id,
           GParamSpec      *pspec)
{
  if (prop_id == 0 || prop_id > n_fields)
    {
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      return NULL;
    }
  return &fields[prop_id - 1];
}

void
curb_fields_get (GObject         *object,
                 const CurbField *fields,
                 guint            n_fields,
                 guint            prop_id,
                 GValue          *value,
                 GParamSpec      *pspec)
{
  const CurbField *field = field_for (object, fields, n_fields, prop_id, pspec);

  if (field == NULL)
    return;
  if (field->type == G_TYPE_STRING)
    g_value_set_string (value, MEMBER (object, field, char *));
  else if (field->type == G_TYPE_UINT)
    g_value_set_uint (value, MEMBER (object, field, guint));
  else if (field->type == G_TYPE_BOOLEAN)
    g_value_set_boolean (value, MEMBER (object, field, gboolean));
  else
    g_value_set_enum (value, MEMBER (object, field, int));
}

void
curb_fields_set (GObject         *object,
                 const CurbField *fields,
                 guint            n_fields,
                 guint            prop_id,
                 const GValue    *value,
                 GParamSpec      *pspec)
{
  const CurbField *field = field_for (object, fields, n_fields, prop_id, pspec);

  if (field == NULL)
    return;
  if (field->type == G_TYPE_STRING)
    {
      g_free (MEMBER (object, field, char *));
      MEMBER (object, field, char *) = g_value_dup_string (value);
    }
  else if (field->type == G_TYPE_UINT)
    MEMBER (object, field, guint) = g_value_get_uint (value);
  else if (field->type == G_TYPE_BOOLEAN)
    MEMBER (object, field, gboolean) = g_value_get_boolean (value);
  else
    MEMBER (object, field, int) = g_value_get_enum (value);
}

void
curb_fields_free (gpointer         instance,
                  const CurbField *fields,
                  guint            n_fields)
{
  for (guint i = 0; i < n_fields; i++)
    if (fields[i].type == G_TYPE_STRING)
      g_clear_pointer (&MEMBER (instance, &fields[i], char *), g_free);
}

gboolean
curb_fields_equal (gconstpointer    a,
                   gconstpointer    b,
                   const CurbField *fields,
                   guint            n_fields)
{
  for (guint i = 0; i < n_fields; i++)
    {
      const CurbField *field = &fields[i];
      gboolean same;

      if (field->type == G_TYPE_STRING)
        same = g_strcmp0 (MEMBER (a, field, char *), MEMBER (b, field, char *)) == 0;
      else if (field->type == G_TYPE_UINT)
        same = MEMBER (a, field, guint) == MEMBER (b, field, guint);
      else if (field->type == G_TYPE_BOOLEAN)
        same = !MEMBER (a, field, gboolean) == !MEMBER (b, field, gboolean);
      else
        same = MEMBER (a, field, int) == MEMBER (b, field, int);
      if (!same)
        return FALSE;
    }
  return TRUE;
}
