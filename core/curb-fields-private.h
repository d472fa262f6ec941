#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/*
 * The small immutable objects of an order (a line, a substitution, a bag…)
 * describe their members once, in a table, and share the property, finalize
 * and equality code: every member is a construct-only, readable property.
 */

typedef struct
{
  const char *name;               /* property name */
  GType       type;               /* G_TYPE_STRING, G_TYPE_UINT, G_TYPE_BOOLEAN or G_TYPE_ENUM */
  GType     (*enum_type) (void);  /* for G_TYPE_ENUM */
  gsize       offset;             /* of the member in the instance struct */
} CurbField;

#define CURB_FIELD(Type, member, name, type) { name, type, NULL, G_STRUCT_OFFSET (Type, member) }
#define CURB_FIELD_ENUM(Type, member, name, get_type) \
  { name, G_TYPE_ENUM, get_type, G_STRUCT_OFFSET (Type, member) }

void     curb_fields_install  (GObjectClass    *klass,
                               const CurbField *fields,
                               guint            n_fields);
void     curb_fields_get      (GObject         *object,
                               const CurbField *fields,
                               guint            n_fields,
                               guint            prop_id,
                               GValue          *value,
                               GParamSpec      *pspec);
void     curb_fields_set      (GObject         *object,
                               const CurbField *fields,
                               guint            n_fields,
                               guint            prop_id,
                               const GValue    *value,
                               GParamSpec      *pspec);
void     curb_fields_free     (gpointer         instance,
                               const CurbField *fields,
                               guint            n_fields);
gboolean curb_fields_equal    (gconstpointer    a,
                               gconstpointer    b,
                               const CurbField *fields,
                               guint            n_fields);

/* The GObject vfuncs and equality of a class whose table is @fields. */
#define CURB_FIELDS_DEFINE(TypeName, type_name, fields)                                       \
  static void                                                                                 \
  type_name##_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec) \
  {                                                                                           \
    curb_fields_get (object, fields, G_N_ELEMENTS (fields), prop_id, value, pspec);           \
  }                                                                                           \
  static void                                                                                 \
  type_name##_set_property (GObject *object, guint prop_id, const GValue *value,              \
                            GParamSpec *pspec)                                                \
  {                                                                                           \
    curb_fields_set (object, fields, G_N_ELEMENTS (fields), prop_id, value, pspec);           \
  }                                                                                           \
  static void                                                                                 \
  type_name##_finalize (GObject *object)                                                      \
  {                                                                                           \
    curb_fields_free (object, fields, G_N_ELEMENTS (fields));                                 \
    G_OBJECT_CLASS (type_name##_parent_class)->finalize (object);                             \
  }                                                                                           \
  static void                                                                                 \
  type_name##_class_init (TypeName##Class *klass)                                             \
  {                                                                                           \
    GObjectClass *object_class = G_OBJECT_CLASS (klass);                                      \
                                                                                              \
    object_class->get_property = type_name##_get_property;                                    \
    object_class->set_property = type_name##_set_property;                                    \
    object_class->finalize = type_name##_finalize;                                            \
    curb_fields_install (object_class, fields, G_N_ELEMENTS (fields));                        \
  }                                                                                           \
  static void                                                                                 \
  type_name##_init (TypeName *self)                                                           \
  {                                                                                           \
  }                                                                                           \
  gboolean                                                                                    \
  type_name##_equal (TypeName *a, TypeName *b)                                                \
  {                                                                                           \
    if (a == NULL || b == NULL)                                                               \
      return a == b;                                                                          \
    return curb_fields_equal (a, b, fields, G_N_ELEMENTS (fields));                           \
  }

G_END_DECLS
