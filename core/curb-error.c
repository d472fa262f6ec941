#include "curb-error.h"

G_DEFINE_QUARK (curb-error-quark, curb_error)

const char *
curb_error_code_name (CurbError code)
{
  switch (code)
    {
    case CURB_ERROR_FAILED: return "failed";
    case CURB_ERROR_INVALID: return "invalid";
    case CURB_ERROR_NOT_FOUND: return "not_found";
    case CURB_ERROR_ILLEGAL_TRANSITION: return "illegal_transition";
    case CURB_ERROR_ALREADY_ARRIVED: return "already_arrived";
    case CURB_ERROR_ALREADY_CLAIMED: return "already_claimed";
    case CURB_ERROR_CANCELLED: return "cancelled";
    case CURB_ERROR_CONFLICT: return "conflict";
    case CURB_ERROR_DATABASE: return "database";
    case CURB_ERROR_DISK_FULL: return "disk_full";
    case CURB_ERROR_TOKEN_MALFORMED: return "token_malformed";
    case CURB_ERROR_TOKEN_BAD_SIGNATURE: return "token_bad_signature";
    case CURB_ERROR_TOKEN_UNKNOWN_KEY: return "token_unknown_key";
    case CURB_ERROR_TOKEN_EXPIRED: return "token_expired";
    case CURB_ERROR_TOKEN_OTHER_STORE: return "token_other_store";
    case CURB_ERROR_UNAUTHORIZED: return "unauthorized";
    case CURB_ERROR_FORBIDDEN: return "forbidden";
    case CURB_ERROR_RATE_LIMITED: return "rate_limited";
    case CURB_ERROR_UNAVAILABLE: return "unavailable";
    case CURB_ERROR_PROTOCOL: return "protocol";
    case CURB_ERROR_CONFIG: return "config";
    case CURB_ERROR_NEEDS_STAFF: return "needs_staff";
    case CURB_ERROR_RESTAGE_REQUIRED: return "restage_required";
    default: return "failed";
    }
}
