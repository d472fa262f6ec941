#include "curb-fields-private.h"
#include "curb-not-taken.h"

struct _CurbNotTaken
{
  GObject  parent_instance;

  char    *line_id;
  guint    qty;
  char    *reason;
};

G_DEFINE_FINAL_TYPE (CurbNotTaken, curb_not_taken, G_TYPE_OBJECT)

static const CurbField fields[] = {
  CURB_FIELD (CurbNotTaken, line_id, "line-id", G_TYPE_STRING),
  CURB_FIELD (CurbNotTaken, qty, "qty", G_TYPE_UINT),
  CURB_FIELD (CurbNotTaken, reason, "reason", G_TYPE_STRING),
};

CURB_FIELDS_DEFINE (CurbNotTaken, curb_not_taken, fields)

CurbNotTaken *
curb_not_taken_new (const char *line_id,
                    guint       qty,
                    const char *reason)
{
  return g_object_new (CURB_TYPE_NOT_TAKEN, "line-id", line_id, "qty", qty, "reason", reason, NULL);
}

const char *
curb_not_taken_get_line_id (CurbNotTaken *self)
{
  g_return_val_if_fail (CURB_IS_NOT_TAKEN (self), NULL);
  return self->line_id;
}

guint
curb_not_taken_get_qty (CurbNotTaken *self)
{
  g_return_val_if_fail (CURB_IS_NOT_TAKEN (self), 0);
  return self->qty;
}

const char *
curb_not_taken_get_reason (CurbNotTaken *self)
{
  g_return_val_if_fail (CURB_IS_NOT_TAKEN (self), NULL);
  return self->reason;
}
