#include "test-staging-display.h"

#include <glib/gstdio.h>
#include <signal.h>
#include <unistd.h>
#include <glib-unix.h>

static GPid xvfb_pid;

static gboolean
read_display (int   fd,
              char *buf,
              gsize size)
{
  gsize n = 0;

  while (n < size - 1)
    {
      ssize_t r = read (fd, buf + n, 1);

      if (r <= 0)
        return FALSE;
      if (buf[n] == '\n')
        break;
      n++;
    }
  buf[n] = '\0';
  return n > 0;
}

gboolean
curb_test_display_start (void)
{
  g_autofree char *xvfb = g_find_program_in_path ("Xvfb");
  g_autoptr(GError) error = NULL;
  int fds[2];
  char number[16];
  g_autofree char *display = NULL;
  g_autofree char *fd_text = NULL;

  g_setenv ("GDK_BACKEND", "x11", TRUE);
  g_setenv ("GSK_RENDERER", "cairo", TRUE);
  g_setenv ("GTK_A11Y", "none", TRUE);
  g_setenv ("NO_AT_BRIDGE", "1", TRUE);
  g_setenv ("ADW_DISABLE_PORTAL", "1", TRUE);
  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);
  if (xvfb == NULL)
    return FALSE;
  if (!g_unix_open_pipe (fds, 0, &error))
    return FALSE;
  fd_text = g_strdup_printf ("%d", fds[1]);
  {
    const char *argv[] = { xvfb, "-displayfd", fd_text, "-screen", "0", "1280x800x24",
                           "-nolisten", "tcp", "-noreset", NULL };
    GSpawnFlags flags = G_SPAWN_LEAVE_DESCRIPTORS_OPEN | G_SPAWN_STDOUT_TO_DEV_NULL
                        | G_SPAWN_STDERR_TO_DEV_NULL | G_SPAWN_DO_NOT_REAP_CHILD;

    if (!g_spawn_async (NULL, (char **) argv, NULL, flags, NULL, NULL, &xvfb_pid, &error))
      return FALSE;
  }
  close (fds[1]);
  if (!read_display (fds[0], number, sizeof number))
    {
      close (fds[0]);
      return FALSE;
    }
  close (fds[0]);
  display = g_strdup_printf (":%s", number);
  g_setenv ("DISPLAY", display, TRUE);
  return TRUE;
}

void
curb_test_display_stop (void)
{
  if (xvfb_pid > 0)
    {
      kill (xvfb_pid, SIGTERM);
      g_spawn_close_pid (xvfb_pid);
      xvfb_pid = 0;
    }
}

static gboolean
on_spin_timeout (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

void
curb_test_spin (guint ms)
{
  gboolean done = FALSE;

  g_timeout_add (ms, on_spin_timeout, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
}

gboolean
curb_test_spin_until (gboolean (*done) (gpointer),
                      gpointer   data,
                      guint      timeout_ms)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_ms * 1000;

  while (!done (data))
    {
      if (g_get_monotonic_time () > deadline)
        return FALSE;
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
  return TRUE;
}

static GskRenderNode *
snapshot_node (GtkWidget *widget,
               int        width,
               int        height)
{
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (widget);
  GtkSnapshot *snapshot = gtk_snapshot_new ();

  gdk_paintable_snapshot (paintable, GDK_SNAPSHOT (snapshot), width, height);
  return gtk_snapshot_free_to_node (snapshot);
}

/* Renders @widget as it is on screen into <build>/screenshots/staging-@name.png.
 * On a loaded machine the first frame may come late: wait for it. */
char *
curb_test_screenshot (GtkWidget  *widget,
                      const char *name)
{
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  const char *root = g_getenv ("CURB_BUILD_ROOT");
  g_autofree char *dir = g_build_filename (root ? root : ".", "screenshots", NULL);
  g_autofree char *file = g_strdup_printf ("staging-%s.png", name);
  char *path = g_build_filename (dir, file, NULL);
  gint64 deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;
  int width = 0, height = 0;

  while (node == NULL && g_get_monotonic_time () < deadline)
    {
      width = gtk_widget_get_width (widget);
      height = gtk_widget_get_height (widget);
      if (gtk_widget_get_mapped (widget) && width > 0 && height > 0)
        node = snapshot_node (widget, width, height);
      if (node == NULL)
        curb_test_spin (50);
    }
  g_assert_nonnull (node);
  g_mkdir_with_parents (dir, 0755);
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (gtk_widget_get_native (widget)), node,
                                         &GRAPHENE_RECT_INIT (0, 0, width, height));
  g_assert_true (gdk_texture_save_to_png (texture, path));
  return path;
}

static void
check_label (GtkWidget *root,
             GtkLabel  *label)
{
  GtkWidget *widget = GTK_WIDGET (label);
  GtkWidget *clip = gtk_widget_get_ancestor (widget, GTK_TYPE_SCROLLED_WINDOW);
  const char *text = gtk_label_get_text (label);
  PangoLayout *layout = gtk_label_get_layout (label);
  graphene_rect_t bounds;
  PangoRectangle ink, logical;

  if (pango_layout_is_ellipsized (layout))
    g_error ("“%s” is cut (ellipsized)", text);
  pango_layout_get_pixel_extents (layout, &ink, &logical);
  if (logical.width > gtk_widget_get_width (widget) + 1)
    g_error ("“%s” is cut: %d px wide, its text %d", text, gtk_widget_get_width (widget), logical.width);
  if (clip == NULL)
    clip = root;
  if (gtk_widget_compute_bounds (widget, clip, &bounds)
      && (bounds.origin.x < -0.5 || bounds.origin.x + bounds.size.width > gtk_widget_get_width (clip) + 0.5))
    g_error ("“%s” sticks out of its column or screen", text);
}

static guint
check_labels (GtkWidget *root,
              GtkWidget *widget)
{
  guint n = 0;

  if (!gtk_widget_get_mapped (widget) || !gtk_widget_get_child_visible (widget))
    return 0;
  if (GTK_IS_LABEL (widget) && *gtk_label_get_text (GTK_LABEL (widget)) != '\0')
    {
      check_label (root, GTK_LABEL (widget));
      n++;
    }
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c != NULL; c = gtk_widget_get_next_sibling (c))
    n += check_labels (root, c);
  return n;
}

guint
curb_test_assert_nothing_cut (GtkWidget *root)
{
  return check_labels (root, root);
}
