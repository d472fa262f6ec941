#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A fresh, empty temporary directory for one test, removed by
 * curb_test_rmdir(). */
char *curb_test_mkdtemp (void) G_GNUC_WARN_UNUSED_RESULT;
void  curb_test_rmdir   (const char *path);

/* The build tree's path for a program built in @subdir, e.g.
 * ("hub", "curbside-hub"). */
char *curb_test_build_path (const char *subdir,
                            const char *program) G_GNUC_WARN_UNUSED_RESULT;

/* ../shared next to the source tree, or NULL when it is not there
 * (a newcomer's clone): tests that need it skip. */
const char *curb_test_shared_dir (void);

G_END_DECLS
