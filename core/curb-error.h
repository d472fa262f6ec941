#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define CURB_ERROR (curb_error_quark ())

/**
 * CurbError:
 *
 * Errors of the core library. Each code has a stable machine-readable name
 * (curb_error_code_name()) that the hub API returns as "reason".
 */
typedef enum
{
  CURB_ERROR_FAILED,
  CURB_ERROR_INVALID,            /* malformed input */
  CURB_ERROR_NOT_FOUND,
  CURB_ERROR_ILLEGAL_TRANSITION,
  CURB_ERROR_ALREADY_ARRIVED,
  CURB_ERROR_ALREADY_CLAIMED,
  CURB_ERROR_CANCELLED,
  CURB_ERROR_CONFLICT,
  CURB_ERROR_DATABASE,
  CURB_ERROR_DISK_FULL,
  CURB_ERROR_TOKEN_MALFORMED,
  CURB_ERROR_TOKEN_BAD_SIGNATURE,
  CURB_ERROR_TOKEN_UNKNOWN_KEY,
  CURB_ERROR_TOKEN_EXPIRED,
  CURB_ERROR_TOKEN_OTHER_STORE,
  CURB_ERROR_UNAUTHORIZED,
  CURB_ERROR_FORBIDDEN,
  CURB_ERROR_RATE_LIMITED,
  CURB_ERROR_UNAVAILABLE,        /* peer (hub, central) unreachable */
  CURB_ERROR_PROTOCOL,           /* peer answered something we cannot use */
  CURB_ERROR_CONFIG,
  CURB_ERROR_NEEDS_STAFF,        /* the store cannot serve this order by itself: send the shopper to staff */
  CURB_ERROR_RESTAGE_REQUIRED,   /* central changed the order after it was staged */
} CurbError;

#define CURB_ERROR_LAST CURB_ERROR_RESTAGE_REQUIRED

GQuark       curb_error_quark     (void);
const char  *curb_error_code_name (CurbError code);

G_END_DECLS
