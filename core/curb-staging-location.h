#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/**
 * CurbStagingLocation:
 *
 * Where an order's bags wait: zone, shelf and bin ("C-2-14"). Immutable.
 */
#define CURB_TYPE_STAGING_LOCATION (curb_staging_location_get_type ())
G_DECLARE_FINAL_TYPE (CurbStagingLocation, curb_staging_location, CURB, STAGING_LOCATION, GObject)

CurbStagingLocation *curb_staging_location_new       (const char *zone,
                                                      const char *shelf,
                                                      const char *bin) G_GNUC_WARN_UNUSED_RESULT;
/* "C-2-14", or a bin label's QR payload "BIN:C-2-14" (1 to 8 letters or
 * digits each, upper-cased); %NULL for anything else. */
CurbStagingLocation *curb_staging_location_new_parse (const char *text) G_GNUC_WARN_UNUSED_RESULT;
const char *curb_staging_location_get_zone  (CurbStagingLocation *self);
const char *curb_staging_location_get_shelf (CurbStagingLocation *self);
const char *curb_staging_location_get_bin   (CurbStagingLocation *self);
/* The parts that are set, joined with '-': "C-2-14". */
char       *curb_staging_location_format    (CurbStagingLocation *self) G_GNUC_WARN_UNUSED_RESULT;
gboolean    curb_staging_location_equal     (CurbStagingLocation *a,
                                             CurbStagingLocation *b);

G_END_DECLS
