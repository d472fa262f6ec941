#include "curb-fields-private.h"
#include "curb-order.h"
#include "curb-person.h"

struct _CurbPerson
{
  GObject  parent_instance;

  char    *id;
  char    *first_name;
  char    *last_initial;
};

G_DEFINE_FINAL_TYPE (CurbPerson, curb_person, G_TYPE_OBJECT)

static const CurbField fields[] = {
  CURB_FIELD (CurbPerson, id, "id", G_TYPE_STRING),
  CURB_FIELD (CurbPerson, first_name, "first-name", G_TYPE_STRING),
  CURB_FIELD (CurbPerson, last_initial, "last-initial", G_TYPE_STRING),
};

CURB_FIELDS_DEFINE (CurbPerson, curb_person, fields)

CurbPerson *
curb_person_new (const char *id,
                 const char *first_name,
                 const char *last_initial)
{
  return g_object_new (CURB_TYPE_PERSON,
                       "id", id,
                       "first-name", first_name,
                       "last-initial", last_initial,
                       NULL);
}

const char *
curb_person_get_id (CurbPerson *self)
{
  g_return_val_if_fail (CURB_IS_PERSON (self), NULL);
  return self->id;
}

const char *
curb_person_get_first_name (CurbPerson *self)
{
  g_return_val_if_fail (CURB_IS_PERSON (self), NULL);
  return self->first_name;
}

const char *
curb_person_get_last_initial (CurbPerson *self)
{
  g_return_val_if_fail (CURB_IS_PERSON (self), NULL);
  return self->last_initial;
}

char *
curb_person_dup_display_name (CurbPerson *self)
{
  g_return_val_if_fail (CURB_IS_PERSON (self), NULL);
  return curb_order_format_display_name (self->first_name, self->last_initial);
}
