#include "curb-fields-private.h"
#include "curb-substitution.h"

struct _CurbSubstitution
{
  GObject                 parent_instance;

  char                   *id;
  char                   *line_id;
  char                   *original;
  char                   *replacement;
  guint                   qty;
  CurbSubstitutionStatus  status;
};

G_DEFINE_FINAL_TYPE (CurbSubstitution, curb_substitution, G_TYPE_OBJECT)

static const CurbField fields[] = {
  CURB_FIELD (CurbSubstitution, id, "id", G_TYPE_STRING),
  CURB_FIELD (CurbSubstitution, line_id, "line-id", G_TYPE_STRING),
  CURB_FIELD (CurbSubstitution, original, "original", G_TYPE_STRING),
  CURB_FIELD (CurbSubstitution, replacement, "replacement", G_TYPE_STRING),
  CURB_FIELD (CurbSubstitution, qty, "qty", G_TYPE_UINT),
  CURB_FIELD_ENUM (CurbSubstitution, status, "status", curb_substitution_status_get_type),
};

CURB_FIELDS_DEFINE (CurbSubstitution, curb_substitution, fields)

CurbSubstitution *
curb_substitution_new (const char             *id,
                       const char             *line_id,
                       const char             *original,
                       const char             *replacement,
                       guint                   qty,
                       CurbSubstitutionStatus  status)
{
  return g_object_new (CURB_TYPE_SUBSTITUTION,
                       "id", id,
                       "line-id", line_id,
                       "original", original,
                       "replacement", replacement,
                       "qty", qty,
                       "status", status,
                       NULL);
}

CurbSubstitution *
curb_substitution_new_decided (CurbSubstitution       *self,
                               CurbSubstitutionStatus  status)
{
  g_return_val_if_fail (CURB_IS_SUBSTITUTION (self), NULL);
  return curb_substitution_new (self->id, self->line_id, self->original, self->replacement,
                                self->qty, status);
}

const char *
curb_substitution_get_id (CurbSubstitution *self)
{
  g_return_val_if_fail (CURB_IS_SUBSTITUTION (self), NULL);
  return self->id;
}

const char *
curb_substitution_get_line_id (CurbSubstitution *self)
{
  g_return_val_if_fail (CURB_IS_SUBSTITUTION (self), NULL);
  return self->line_id;
}

const char *
curb_substitution_get_original (CurbSubstitution *self)
{
  g_return_val_if_fail (CURB_IS_SUBSTITUTION (self), NULL);
  return self->original;
}

const char *
curb_substitution_get_replacement (CurbSubstitution *self)
{
  g_return_val_if_fail (CURB_IS_SUBSTITUTION (self), NULL);
  return self->replacement;
}

guint
curb_substitution_get_qty (CurbSubstitution *self)
{
  g_return_val_if_fail (CURB_IS_SUBSTITUTION (self), 0);
  return self->qty;
}

CurbSubstitutionStatus
curb_substitution_get_status (CurbSubstitution *self)
{
  g_return_val_if_fail (CURB_IS_SUBSTITUTION (self), CURB_SUBSTITUTION_PENDING);
  return self->status;
}
