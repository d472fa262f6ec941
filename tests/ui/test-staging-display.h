#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* A private Xvfb for one test program (never a shared display): started with
 * -displayfd so parallel tests do not race for a display number. Returns
 * FALSE when Xvfb is not installed (the test skips). */
gboolean curb_test_display_start   (void);
void     curb_test_display_stop    (void);
void     curb_test_spin            (guint       ms);
gboolean curb_test_spin_until      (gboolean  (*done) (gpointer),
                                    gpointer    data,
                                    guint       timeout_ms);
char    *curb_test_screenshot      (GtkWidget  *widget,
                                    const char *name) G_GNUC_WARN_UNUSED_RESULT;
/* Fails the test when a label shown under @root is cut: ellipsized, or
 * allocated less width than it needs, or sticking out of @root. Returns
 * how many labels it checked. */
guint    curb_test_assert_nothing_cut (GtkWidget *root);

G_END_DECLS
