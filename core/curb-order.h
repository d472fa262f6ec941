#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/**
 * CurbOrderState:
 *
 * The pickup state of an order, derived from its events (docs/data-model.md).
 */
typedef enum
{
  CURB_ORDER_STATE_PENDING,
  CURB_ORDER_STATE_READY,
  CURB_ORDER_STATE_ARRIVED,
  CURB_ORDER_STATE_CLAIMED,
  CURB_ORDER_STATE_HANDED_OVER,
  CURB_ORDER_STATE_PARTIALLY_HANDED_OVER,
  CURB_ORDER_STATE_NO_SHOW,
  CURB_ORDER_STATE_CANCELLED,
} CurbOrderState;

#define CURB_ORDER_STATE_COUNT (CURB_ORDER_STATE_CANCELLED + 1)

/**
 * CurbTemperature:
 *
 * Temperature class of a line or a bag.
 */
typedef enum
{
  CURB_TEMPERATURE_AMBIENT,
  CURB_TEMPERATURE_CHILLED,
  CURB_TEMPERATURE_FROZEN,
} CurbTemperature;

#define CURB_TEMPERATURE_COUNT (CURB_TEMPERATURE_FROZEN + 1)

const char *curb_order_state_to_string   (CurbOrderState   state);
gboolean    curb_order_state_from_string (const char      *text,
                                          CurbOrderState  *out_state);
/* pending, ready, arrived or claimed: the order still needs the store. */
gboolean    curb_order_state_is_active   (CurbOrderState   state);

const char *curb_temperature_to_string   (CurbTemperature  temperature);
gboolean    curb_temperature_from_string (const char      *text,
                                          CurbTemperature *out_temperature);
/* "Ambient", "Chilled", "Frozen": untranslated (N_), for _() or a
 * printer's catalog. */
const char *curb_temperature_get_title   (CurbTemperature  temperature);

/* [A-Z0-9-]{1,32} */
gboolean    curb_order_ref_is_valid      (const char      *ref);

/**
 * curb_order_normalize_surname:
 *
 * Case- and accent-insensitive form of a surname used for the manual lookup
 * ("Núñez-O'Brien" → "nunezobrien"): letters and digits only.
 * Returns %NULL when nothing is left.
 */
char       *curb_order_normalize_surname (const char      *surname) G_GNUC_WARN_UNUSED_RESULT;

/* The last four digits of @phone (other characters ignored); %NULL when
 * fewer than four digits. */
char       *curb_order_normalize_phone_last4 (const char  *phone) G_GNUC_WARN_UNUSED_RESULT;
/* "Sam R." from a first name and last initial (first character only); NULL without a first name. */
char       *curb_order_format_display_name   (const char  *first_name,
                                              const char  *last_initial) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
