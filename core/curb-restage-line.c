#include "curb-fields-private.h"
#include "curb-restage-line.h"

struct _CurbRestageLine
{
  GObject  parent_instance;

  char    *line_id;
  char    *name;
  guint    staged_qty;
  guint    qty;
};

G_DEFINE_FINAL_TYPE (CurbRestageLine, curb_restage_line, G_TYPE_OBJECT)

static const CurbField fields[] = {
  CURB_FIELD (CurbRestageLine, line_id, "line-id", G_TYPE_STRING),
  CURB_FIELD (CurbRestageLine, name, "name", G_TYPE_STRING),
  CURB_FIELD (CurbRestageLine, staged_qty, "staged-qty", G_TYPE_UINT),
  CURB_FIELD (CurbRestageLine, qty, "qty", G_TYPE_UINT),
};

CURB_FIELDS_DEFINE (CurbRestageLine, curb_restage_line, fields)

CurbRestageLine *
curb_restage_line_new (const char *line_id,
                       const char *name,
                       guint       staged_qty,
                       guint       qty)
{
  return g_object_new (CURB_TYPE_RESTAGE_LINE, "line-id", line_id, "name", name, "staged-qty", staged_qty,
                       "qty", qty, NULL);
}

const char *
curb_restage_line_get_line_id (CurbRestageLine *self)
{
  g_return_val_if_fail (CURB_IS_RESTAGE_LINE (self), NULL);
  return self->line_id;
}

const char *
curb_restage_line_get_name (CurbRestageLine *self)
{
  g_return_val_if_fail (CURB_IS_RESTAGE_LINE (self), NULL);
  return self->name;
}

guint
curb_restage_line_get_staged_qty (CurbRestageLine *self)
{
  g_return_val_if_fail (CURB_IS_RESTAGE_LINE (self), 0);
  return self->staged_qty;
}

guint
curb_restage_line_get_qty (CurbRestageLine *self)
{
  g_return_val_if_fail (CURB_IS_RESTAGE_LINE (self), 0);
  return self->qty;
}
