#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Registers the app's GResource (templates, CSS) once; every class with a
 * template calls it, since a static library drops constructor functions. */
void curb_staging_resources_ensure (void);

G_END_DECLS
