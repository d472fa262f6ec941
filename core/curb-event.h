#pragma once

#include <glib-object.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/**
 * CurbEventKind:
 *
 * What happened to an order (docs/data-model.md). %CURB_EVENT_CANCELLED is
 * central's fact; every other kind is the store's. A kiosk records the
 * arrival on the scan; %CURB_EVENT_BAY_CHOSEN follows with where the car is
 * (no bay: the shopper left the kiosk without saying), %CURB_EVENT_WITHDRAWN
 * takes the arrival back ("Not you? Start over").
 */
typedef enum
{
  CURB_EVENT_STAGED,
  CURB_EVENT_ARRIVED,
  CURB_EVENT_CLAIMED,
  CURB_EVENT_RELEASED,
  CURB_EVENT_HANDED_OVER,
  CURB_EVENT_PARTIALLY_HANDED_OVER,
  CURB_EVENT_NO_SHOW,
  CURB_EVENT_RETURNED_TO_STOCK,
  CURB_EVENT_CANCELLED,
  CURB_EVENT_SUBSTITUTION_DECIDED,
  CURB_EVENT_BAY_CHOSEN,
  CURB_EVENT_WITHDRAWN,
} CurbEventKind;

#define CURB_EVENT_KIND_COUNT (CURB_EVENT_WITHDRAWN + 1)

/* The device id central's own events carry. */
#define CURB_EVENT_DEVICE_CENTRAL "central"

const char *curb_event_kind_to_string   (CurbEventKind  kind);
gboolean    curb_event_kind_from_string (const char    *text,
                                         CurbEventKind *out_kind);
/* The store pushes these to central: everything but cancelled (central's own)
 * and bay_chosen (where the car stands matters only in the store). */
gboolean    curb_event_kind_is_store_owned (CurbEventKind kind);
/* A parking bay: 1 to 16 of A-Z a-z 0-9 and '-'. */
gboolean    curb_bay_is_valid (const char *bay);

#define CURB_TYPE_EVENT (curb_event_get_type ())
G_DECLARE_FINAL_TYPE (CurbEvent, curb_event, CURB, EVENT, GObject)

/**
 * curb_event_new:
 * @kind: what happened
 * @order_ref: the order
 * @device: id of the device that created the event
 * @staff: (nullable): staff id for staff actions
 * @data: (nullable): kind-specific data; copied
 *
 * A new event with a fresh random id and the current time. Not validated:
 * curb_event_validate() (which curb_store_append_event() calls) does that.
 */
CurbEvent  *curb_event_new           (CurbEventKind  kind,
                                      const char    *order_ref,
                                      const char    *device,
                                      const char    *staff,
                                      JsonObject    *data) G_GNUC_WARN_UNUSED_RESULT;

/**
 * curb_event_new_from_json:
 *
 * Parses and validates an event in its wire form. Unknown top-level fields
 * and unknown keys inside "data" are dropped, so nothing but the documented
 * facts reaches the event log. Fails with %CURB_ERROR_INVALID.
 */
CurbEvent  *curb_event_new_from_json (JsonObject    *object,
                                      GError       **error) G_GNUC_WARN_UNUSED_RESULT;

/* The wire form; "seq" only once the hub has assigned one. */
JsonObject *curb_event_to_json       (CurbEvent     *self) G_GNUC_WARN_UNUSED_RESULT;
char       *curb_event_to_json_string (CurbEvent    *self) G_GNUC_WARN_UNUSED_RESULT;

/**
 * curb_event_validate:
 *
 * Checks id, order reference, device, time and the kind-specific data;
 * unknown keys of data are removed. Fails with %CURB_ERROR_INVALID.
 */
gboolean    curb_event_validate      (CurbEvent     *self,
                                      GError       **error);

const char    *curb_event_get_id        (CurbEvent *self);
gint64         curb_event_get_seq       (CurbEvent *self);   /* 0 before the hub stored it */
CurbEventKind  curb_event_get_kind      (CurbEvent *self);
const char    *curb_event_get_order_ref (CurbEvent *self);
gint64         curb_event_get_at_ms     (CurbEvent *self);
const char    *curb_event_get_device    (CurbEvent *self);
const char    *curb_event_get_staff     (CurbEvent *self);   /* nullable */
JsonObject    *curb_event_get_data      (CurbEvent *self);   /* never NULL, borrowed */

/* The kind-specific facts, as curb_event_validate() left them: borrowed,
 * NULL when the event does not carry them. The event's data is read here,
 * not by its users (an event is not an order, though they share names). */
const char    *curb_event_get_bay       (CurbEvent *self);   /* arrived */
JsonArray     *curb_event_get_locations (CurbEvent *self);   /* staged */
JsonObject    *curb_event_get_bags      (CurbEvent *self);   /* staged */
JsonArray     *curb_event_get_not_taken (CurbEvent *self);   /* (partially_)handed_over */
/* (element-type CurbNotTaken) (transfer full): the not-taken entries, typed */
GPtrArray     *curb_event_dup_not_taken (CurbEvent *self) G_GNUC_WARN_UNUSED_RESULT;
/* (element-type CurbSubstitution) (transfer full): a handoff's or a
 * substitution_decided batch's answers, typed (id and decision only) */
GPtrArray     *curb_event_dup_decisions (CurbEvent *self) G_GNUC_WARN_UNUSED_RESULT;

/* The same readers over a request's array before it is an event (nullable:
 * anything not an array reads as empty; entries not well formed are
 * skipped, the event's validation refuses them). */
GPtrArray     *curb_event_not_taken_from_json (JsonNode *not_taken) G_GNUC_WARN_UNUSED_RESULT;
GPtrArray     *curb_event_decisions_from_json (JsonNode *decisions) G_GNUC_WARN_UNUSED_RESULT;

void           curb_event_set_id        (CurbEvent *self, const char *id);
void           curb_event_set_seq       (CurbEvent *self, gint64 seq);
void           curb_event_set_at_ms     (CurbEvent *self, gint64 at_ms);

G_END_DECLS
