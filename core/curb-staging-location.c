#include <string.h>

#include "curb-fields-private.h"
#include "curb-staging-location.h"

struct _CurbStagingLocation
{
  GObject  parent_instance;

  char    *zone;
  char    *shelf;
  char    *bin;
};

G_DEFINE_FINAL_TYPE (CurbStagingLocation, curb_staging_location, G_TYPE_OBJECT)

static const CurbField fields[] = {
  CURB_FIELD (CurbStagingLocation, zone, "zone", G_TYPE_STRING),
  CURB_FIELD (CurbStagingLocation, shelf, "shelf", G_TYPE_STRING),
  CURB_FIELD (CurbStagingLocation, bin, "bin", G_TYPE_STRING),
};

CURB_FIELDS_DEFINE (CurbStagingLocation, curb_staging_location, fields)

static gboolean
part_is_valid (const char *part)
{
  gsize len = strlen (part);

  if (len == 0 || len > 8)
    return FALSE;
  for (const char *p = part; *p; p++)
    if (!g_ascii_isalnum (*p))
      return FALSE;
  return TRUE;
}

CurbStagingLocation *
curb_staging_location_new (const char *zone,
                           const char *shelf,
                           const char *bin)
{
  return g_object_new (CURB_TYPE_STAGING_LOCATION, "zone", zone, "shelf", shelf, "bin", bin, NULL);
}

CurbStagingLocation *
curb_staging_location_new_parse (const char *text)
{
  g_auto(GStrv) parts = NULL;
  g_autofree char *zone = NULL;
  g_autofree char *shelf = NULL;
  g_autofree char *bin = NULL;

  if (text == NULL)
    return NULL;
  if (g_str_has_prefix (text, "BIN:"))
    text += strlen ("BIN:");
  parts = g_strsplit (text, "-", 4);
  if (g_strv_length (parts) != 3)
    return NULL;
  for (guint i = 0; i < 3; i++)
    if (!part_is_valid (parts[i]))
      return NULL;
  zone = g_ascii_strup (parts[0], -1);
  shelf = g_ascii_strup (parts[1], -1);
  bin = g_ascii_strup (parts[2], -1);
  return curb_staging_location_new (zone, shelf, bin);
}

const char *
curb_staging_location_get_zone (CurbStagingLocation *self)
{
  g_return_val_if_fail (CURB_IS_STAGING_LOCATION (self), NULL);
  return self->zone;
}

const char *
curb_staging_location_get_shelf (CurbStagingLocation *self)
{
  g_return_val_if_fail (CURB_IS_STAGING_LOCATION (self), NULL);
  return self->shelf;
}

const char *
curb_staging_location_get_bin (CurbStagingLocation *self)
{
  g_return_val_if_fail (CURB_IS_STAGING_LOCATION (self), NULL);
  return self->bin;
}

static void
append_part (GString    *text,
             const char *part)
{
  if (part != NULL && *part != '\0')
    g_string_append_printf (text, "%s%s", text->len > 0 ? "-" : "", part);
}

char *
curb_staging_location_format (CurbStagingLocation *self)
{
  GString *text;

  g_return_val_if_fail (CURB_IS_STAGING_LOCATION (self), NULL);
  text = g_string_new (NULL);
  append_part (text, self->zone);
  append_part (text, self->shelf);
  append_part (text, self->bin);
  return g_string_free (text, FALSE);
}
