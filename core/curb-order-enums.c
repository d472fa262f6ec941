#include "curb-order-enums.h"

static const char * const substitution_status_names[CURB_SUBSTITUTION_STATUS_COUNT] = {
  "pending", "approved", "declined",
};

G_DEFINE_ENUM_TYPE (CurbOrderState, curb_order_state,
  G_DEFINE_ENUM_VALUE (CURB_ORDER_STATE_PENDING, "pending"),
  G_DEFINE_ENUM_VALUE (CURB_ORDER_STATE_READY, "ready"),
  G_DEFINE_ENUM_VALUE (CURB_ORDER_STATE_ARRIVED, "arrived"),
  G_DEFINE_ENUM_VALUE (CURB_ORDER_STATE_CLAIMED, "claimed"),
  G_DEFINE_ENUM_VALUE (CURB_ORDER_STATE_HANDED_OVER, "handed-over"),
  G_DEFINE_ENUM_VALUE (CURB_ORDER_STATE_PARTIALLY_HANDED_OVER, "partially-handed-over"),
  G_DEFINE_ENUM_VALUE (CURB_ORDER_STATE_NO_SHOW, "no-show"),
  G_DEFINE_ENUM_VALUE (CURB_ORDER_STATE_CANCELLED, "cancelled"))

G_DEFINE_ENUM_TYPE (CurbTemperature, curb_temperature,
  G_DEFINE_ENUM_VALUE (CURB_TEMPERATURE_AMBIENT, "ambient"),
  G_DEFINE_ENUM_VALUE (CURB_TEMPERATURE_CHILLED, "chilled"),
  G_DEFINE_ENUM_VALUE (CURB_TEMPERATURE_FROZEN, "frozen"))

G_DEFINE_ENUM_TYPE (CurbSubstitutionStatus, curb_substitution_status,
  G_DEFINE_ENUM_VALUE (CURB_SUBSTITUTION_PENDING, "pending"),
  G_DEFINE_ENUM_VALUE (CURB_SUBSTITUTION_APPROVED, "approved"),
  G_DEFINE_ENUM_VALUE (CURB_SUBSTITUTION_DECLINED, "declined"))

const char *
curb_substitution_status_to_string (CurbSubstitutionStatus status)
{
  g_return_val_if_fail ((guint) status < CURB_SUBSTITUTION_STATUS_COUNT, NULL);
  return substitution_status_names[status];
}

gboolean
curb_substitution_status_from_string (const char             *text,
                                      CurbSubstitutionStatus *out_status)
{
  for (guint i = 0; text != NULL && i < CURB_SUBSTITUTION_STATUS_COUNT; i++)
    if (g_str_equal (text, substitution_status_names[i]))
      {
        if (out_status != NULL)
          *out_status = (CurbSubstitutionStatus) i;
        return TRUE;
      }
  return FALSE;
}
