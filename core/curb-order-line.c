#include "curb-fields-private.h"
#include "curb-order-line.h"

struct _CurbOrderLine
{
  GObject          parent_instance;

  char            *id;
  char            *sku;
  char            *name;
  guint            qty;
  CurbTemperature  temperature;
  gboolean         age_restricted;
};

G_DEFINE_FINAL_TYPE (CurbOrderLine, curb_order_line, G_TYPE_OBJECT)

static const CurbField fields[] = {
  CURB_FIELD (CurbOrderLine, id, "id", G_TYPE_STRING),
  CURB_FIELD (CurbOrderLine, sku, "sku", G_TYPE_STRING),
  CURB_FIELD (CurbOrderLine, name, "name", G_TYPE_STRING),
  CURB_FIELD (CurbOrderLine, qty, "qty", G_TYPE_UINT),
  CURB_FIELD_ENUM (CurbOrderLine, temperature, "temperature", curb_temperature_get_type),
  CURB_FIELD (CurbOrderLine, age_restricted, "age-restricted", G_TYPE_BOOLEAN),
};

CURB_FIELDS_DEFINE (CurbOrderLine, curb_order_line, fields)

CurbOrderLine *
curb_order_line_new (const char      *id,
                     const char      *sku,
                     const char      *name,
                     guint            qty,
                     CurbTemperature  temperature,
                     gboolean         age_restricted)
{
  return g_object_new (CURB_TYPE_ORDER_LINE,
                       "id", id,
                       "sku", sku,
                       "name", name,
                       "qty", qty,
                       "temperature", temperature,
                       "age-restricted", age_restricted,
                       NULL);
}

const char *
curb_order_line_get_id (CurbOrderLine *self)
{
  g_return_val_if_fail (CURB_IS_ORDER_LINE (self), NULL);
  return self->id;
}

const char *
curb_order_line_get_sku (CurbOrderLine *self)
{
  g_return_val_if_fail (CURB_IS_ORDER_LINE (self), NULL);
  return self->sku;
}

const char *
curb_order_line_get_name (CurbOrderLine *self)
{
  g_return_val_if_fail (CURB_IS_ORDER_LINE (self), NULL);
  return self->name;
}

guint
curb_order_line_get_qty (CurbOrderLine *self)
{
  g_return_val_if_fail (CURB_IS_ORDER_LINE (self), 0);
  return self->qty;
}

CurbTemperature
curb_order_line_get_temperature (CurbOrderLine *self)
{
  g_return_val_if_fail (CURB_IS_ORDER_LINE (self), CURB_TEMPERATURE_AMBIENT);
  return self->temperature;
}

gboolean
curb_order_line_get_age_restricted (CurbOrderLine *self)
{
  g_return_val_if_fail (CURB_IS_ORDER_LINE (self), FALSE);
  return self->age_restricted;
}
