#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

typedef enum
{
  CURB_HEALTH_OK,
  CURB_HEALTH_WARNING,
  CURB_HEALTH_PROBLEM,
} CurbHealthLevel;

/**
 * CurbHealthEntry:
 *
 * One thing a store depends on, in plain words: what it is, how it is, and
 * what to do about it.
 */
typedef struct
{
  char            *name;     /* "Kiosk 2 camera" */
  CurbHealthLevel  level;
  char            *status;   /* "Not sending pictures since 14:02" */
  char            *advice;   /* "Check the USB cable; shoppers can type their order number." */
} CurbHealthEntry;

void       curb_health_entry_free   (CurbHealthEntry *entry);
GPtrArray *curb_health_from_hub     (JsonObject      *status,
                                     JsonArray       *devices,
                                     gint64           now_ms) G_GNUC_WARN_UNUSED_RESULT;
CurbHealthEntry *curb_health_entry_new (const char      *name,
                                        CurbHealthLevel  level,
                                        const char      *status,
                                        const char      *advice) G_GNUC_WARN_UNUSED_RESULT;

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CurbHealthEntry, curb_health_entry_free)

G_END_DECLS
