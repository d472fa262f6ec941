#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "curb-alert-tracker.h"
#include "curb-board-model.h"
#include "curb-code-source.h"
#include "curb-sound.h"
#include "curb-staff-session.h"
#include "curb-staging-help.h"
#include "curb-staging-link.h"
#include "curb-staging-printer.h"

G_BEGIN_DECLS

/**
 * CurbStagingSettings:
 *
 * What a store can tune on a staging station (all durations in ms).
 */
typedef struct
{
  gint64  amber_ms;            /* card turns amber after this wait */
  gint64  red_ms;              /* ...and red after this */
  gint64  repeat_ms;           /* an unclaimed arrival rings again this often */
  gint64  escalate_ms;         /* ...and escalates after this long */
  gint64  inactivity_ms;       /* staff are signed out after this */
  gint64  cold_limit_ms;       /* chilled/frozen bags staged longer warn */
  gint64  no_show_grace_ms;    /* after the pickup window ends */
  gint64  eta_warning_ms;      /* an order on the way not staged this long before its ETA warns */
  char   *audio_sink;          /* gst-launch sink description, NULL: default */
  char   *station_id;          /* this device's id in events */
} CurbStagingSettings;

void curb_staging_settings_init  (CurbStagingSettings *settings);
void curb_staging_settings_clear (CurbStagingSettings *settings);

typedef gint64 (*CurbClockFunc) (gpointer user_data);

#define CURB_TYPE_STAGING_STATION (curb_staging_station_get_type ())
G_DECLARE_FINAL_TYPE (CurbStagingStation, curb_staging_station, CURB, STAGING_STATION, GObject)

/* The object data key under which a screen holds its station, so widgets
 * inside it (the board's cards) find the station's clock without knowing
 * the screen's class. */
#define CURB_STAGING_STATION_KEY "curb-staging-station"

CurbStagingStation  *curb_staging_station_new          (const CurbStagingSettings *settings) G_GNUC_WARN_UNUSED_RESULT;
const CurbStagingSettings *curb_staging_station_get_settings (CurbStagingStation *self);
CurbBoardModel      *curb_staging_station_get_board    (CurbStagingStation *self);
CurbAlertTracker    *curb_staging_station_get_alerts   (CurbStagingStation *self);
CurbStaffSession    *curb_staging_station_get_session  (CurbStagingStation *self);
CurbSound           *curb_staging_station_get_sound    (CurbStagingStation *self);
void                 curb_staging_station_set_clock    (CurbStagingStation *self,
                                                        CurbClockFunc       clock,
                                                        gpointer            user_data);
gint64               curb_staging_station_now          (CurbStagingStation *self);
void                 curb_staging_station_tick         (CurbStagingStation *self);
void                 curb_staging_station_ingest_order (CurbStagingStation *self,
                                                        CurbOrder          *order);
const char          *curb_staging_station_get_sound_problem (CurbStagingStation *self);

G_END_DECLS

G_BEGIN_DECLS

void     curb_staging_station_act_async      (CurbStagingStation  *self,
                                              const char          *action,
                                              const char          *ref,
                                              JsonNode            *body,
                                              GCancellable        *cancellable,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data);
gboolean curb_staging_station_act_finish     (CurbStagingStation  *self,
                                              GAsyncResult        *result,
                                              gboolean            *out_queued,
                                              GError             **error);
void     curb_staging_station_sign_in_async  (CurbStagingStation  *self,
                                              const char          *staff_id,
                                              const char          *pin,
                                              const char          *badge,
                                              GCancellable        *cancellable,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data);
gboolean curb_staging_station_sign_in_finish (CurbStagingStation  *self,
                                              GAsyncResult        *result,
                                              GError             **error);
gboolean curb_staging_station_is_connected   (CurbStagingStation  *self);
void     curb_staging_station_attach_hub     (CurbStagingStation  *self,
                                              CurbHubClient       *client);
CurbStagingLink *curb_staging_station_get_link (CurbStagingStation *self);
CurbStagingHelp *curb_staging_station_get_help (CurbStagingStation *self);
gboolean curb_staging_station_add_code_source (CurbStagingStation *self,
                                               CurbCodeSource     *source,
                                               GError            **error);
void     curb_staging_station_set_printer   (CurbStagingStation  *self,
                                             CurbStagingPrinter  *printer);
CurbStagingPrinter *curb_staging_station_get_printer (CurbStagingStation *self);
gboolean curb_staging_station_print_labels  (CurbStagingStation  *self,
                                             const char          *ref,
                                             GError             **error);
GPtrArray *curb_staging_station_dup_local_health (CurbStagingStation *self) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
