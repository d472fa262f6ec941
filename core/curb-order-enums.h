#pragma once

#include <glib-object.h>

#include "curb-order.h"

G_BEGIN_DECLS

/**
 * CurbSubstitutionStatus:
 *
 * The shopper's decision on a substitution.
 */
typedef enum
{
  CURB_SUBSTITUTION_PENDING,
  CURB_SUBSTITUTION_APPROVED,
  CURB_SUBSTITUTION_DECLINED,
} CurbSubstitutionStatus;

#define CURB_SUBSTITUTION_STATUS_COUNT (CURB_SUBSTITUTION_DECLINED + 1)

/* GTypes of the order's enumerations, for properties and .ui bindings. */
#define CURB_TYPE_ORDER_STATE (curb_order_state_get_type ())
GType curb_order_state_get_type (void) G_GNUC_CONST;
#define CURB_TYPE_TEMPERATURE (curb_temperature_get_type ())
GType curb_temperature_get_type (void) G_GNUC_CONST;
#define CURB_TYPE_SUBSTITUTION_STATUS (curb_substitution_status_get_type ())
GType curb_substitution_status_get_type (void) G_GNUC_CONST;

const char *curb_substitution_status_to_string   (CurbSubstitutionStatus  status);
gboolean    curb_substitution_status_from_string (const char             *text,
                                                  CurbSubstitutionStatus *out_status);

G_END_DECLS
