#pragma once

#include <glib-object.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define CURB_TYPE_CENTRAL_FAULTS (curb_central_faults_get_type ())
G_DECLARE_FINAL_TYPE (CurbCentralFaults, curb_central_faults, CURB, CENTRAL_FAULTS, GObject)

typedef enum
{
  CURB_CENTRAL_FAULT_STATUS,         /* answer with an HTTP error status */
  CURB_CENTRAL_FAULT_RATE_LIMIT,     /* 429 + Retry-After */
  CURB_CENTRAL_FAULT_UNAVAILABLE,    /* 503 + Retry-After */
  CURB_CENTRAL_FAULT_DELAY,          /* process, then answer late */
  CURB_CENTRAL_FAULT_DROP,           /* process, then close without answer */
  CURB_CENTRAL_FAULT_DUPLICATE_PAGE, /* orders twice, cursor not advanced */
  CURB_CENTRAL_FAULT_BROKEN_JSON,    /* a 200 whose body is not the protocol's JSON */
} CurbCentralFaultKind;

typedef enum
{
  CURB_CENTRAL_ENDPOINT_PULL,
  CURB_CENTRAL_ENDPOINT_PUSH,
  CURB_CENTRAL_ENDPOINT_KEYS,
} CurbCentralEndpoint;

/**
 * CurbCentralFault:
 *
 * One fault to inject into one protocol request.
 */
typedef struct
{
  CurbCentralFaultKind kind;
  guint                status;         /* STATUS */
  guint                retry_after_s;  /* RATE_LIMIT, UNAVAILABLE */
  guint                delay_ms;       /* DELAY */
  char                *variant;        /* BROKEN_JSON: truncated | not_json | wrong_shape */
} CurbCentralFault;

void curb_central_fault_free (CurbCentralFault *fault);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CurbCentralFault, curb_central_fault_free)

CurbCentralFaults *curb_central_faults_new       (void) G_GNUC_WARN_UNUSED_RESULT;
gboolean           curb_central_faults_add_json  (CurbCentralFaults    *self,
                                                  JsonObject           *spec,
                                                  GError              **error);
void               curb_central_faults_clear     (CurbCentralFaults    *self);
CurbCentralFault  *curb_central_faults_take      (CurbCentralFaults    *self,
                                                  CurbCentralEndpoint   endpoint) G_GNUC_WARN_UNUSED_RESULT;
guint              curb_central_faults_get_taken (CurbCentralFaults    *self);

G_END_DECLS
