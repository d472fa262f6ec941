#pragma once

#include <glib.h>

G_BEGIN_DECLS

const char *curb_renderer_for_machine (const char  *sysfs_drm,
                                       char       **reason);
char       *curb_renderer_apply       (void) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
