#include "curb-bag.h"
#include "curb-fields-private.h"

struct _CurbBag
{
  GObject          parent_instance;

  guint            number;
  CurbTemperature  temperature;
};

G_DEFINE_FINAL_TYPE (CurbBag, curb_bag, G_TYPE_OBJECT)

static const CurbField fields[] = {
  CURB_FIELD (CurbBag, number, "number", G_TYPE_UINT),
  CURB_FIELD_ENUM (CurbBag, temperature, "temperature", curb_temperature_get_type),
};

CURB_FIELDS_DEFINE (CurbBag, curb_bag, fields)

CurbBag *
curb_bag_new (guint           number,
              CurbTemperature temperature)
{
  return g_object_new (CURB_TYPE_BAG, "number", number, "temperature", temperature, NULL);
}

guint
curb_bag_get_number (CurbBag *self)
{
  g_return_val_if_fail (CURB_IS_BAG (self), 0);
  return self->number;
}

CurbTemperature
curb_bag_get_temperature (CurbBag *self)
{
  g_return_val_if_fail (CURB_IS_BAG (self), CURB_TEMPERATURE_AMBIENT);
  return self->temperature;
}
