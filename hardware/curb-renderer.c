#include "curb-renderer.h"

/* DRM drivers with a render node but no 3D of their own: OpenGL on them is
 * Mesa's llvmpipe, on the CPU. */
static const char * const software_drivers[] = {
  "vgem", "vkms", "virtio_gpu", "virtio-pci", "qxl", "bochs-drm", "bochs", "cirrus", "udl",
  "simpledrm", "vboxvideo", "ast", "mgag200", "hyperv_drm", "xen-front", NULL,
};

static gboolean
software_gl_forced (void)
{
  const char *value = g_getenv ("LIBGL_ALWAYS_SOFTWARE");

  return value != NULL && *value != '\0' && g_strcmp0 (value, "0") != 0
         && g_ascii_strcasecmp (value, "false") != 0;
}

static char *
driver_of (const char *sysfs_drm,
           const char *node)
{
  g_autofree char *link = g_build_filename (sysfs_drm, node, "device", "driver", NULL);
  g_autofree char *target = g_file_read_link (link, NULL);

  return target != NULL ? g_path_get_basename (target) : NULL;
}

/* The first render node whose driver draws in hardware, or NULL. */
static char *
hardware_driver (const char *sysfs_drm)
{
  g_autoptr(GDir) dir = g_dir_open (sysfs_drm, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *driver = NULL;

      if (!g_str_has_prefix (name, "renderD") || (driver = driver_of (sysfs_drm, name)) == NULL)
        continue;
      if (!g_strv_contains (software_drivers, driver))
        return g_steal_pointer (&driver);
    }
  return NULL;
}

/**
 * curb_renderer_for_machine:
 * @sysfs_drm: the DRM class folder, "/sys/class/drm" (another in tests)
 * @reason: (out) (transfer full): why, in words for the log
 *
 * What GTK should draw with here. Without a GPU, GTK's default (OpenGL)
 * runs in Mesa's llvmpipe and costs more than a core for a 720p30 camera
 * preview, where its cairo renderer costs a few percent; with a GPU, GL
 * is the better choice. Decided from the render nodes' drivers alone, so it
 * costs no OpenGL start-up.
 *
 * Returns: "cairo" where OpenGL would run in software, %NULL to keep GTK's
 *   default
 */
const char *
curb_renderer_for_machine (const char  *sysfs_drm,
                           char       **reason)
{
  g_autofree char *driver = NULL;

  g_return_val_if_fail (sysfs_drm != NULL, NULL);
  g_return_val_if_fail (reason != NULL, NULL);

  if (software_gl_forced ())
    {
      *reason = g_strdup ("LIBGL_ALWAYS_SOFTWARE is set");
      return "cairo";
    }
  driver = hardware_driver (sysfs_drm);
  if (driver == NULL)
    {
      *reason = g_strdup_printf ("no GPU render node in %s: OpenGL would run on the CPU", sysfs_drm);
      return "cairo";
    }
  *reason = g_strdup_printf ("GPU driver %s", driver);
  return NULL;
}

/* With cairo, GDK would still load OpenGL (llvmpipe: ~140 ms of CPU and
 * ~10 MiB) just to pick an X visual. */
static void
disable_gl (void)
{
  g_autofree char *debug = g_getenv ("GDK_DEBUG") != NULL
                           ? g_strconcat (g_getenv ("GDK_DEBUG"), ",gl-disable", NULL)
                           : g_strdup ("gl-disable");

  g_setenv ("GDK_DEBUG", debug, TRUE);
}

/**
 * curb_renderer_apply:
 *
 * Call before GTK starts: unless GSK_RENDERER is set, sets it to what
 * curb_renderer_for_machine() says for this machine (and, for cairo, keeps
 * GDK from starting OpenGL at all).
 *
 * Returns: (transfer full): the renderer and why, for the app's log
 */
char *
curb_renderer_apply (void)
{
  g_autofree char *reason = NULL;
  const char *renderer;

  if (g_getenv ("GSK_RENDERER") != NULL)
    {
      if (g_str_equal (g_getenv ("GSK_RENDERER"), "cairo"))
        disable_gl ();
      return g_strdup_printf ("%s (GSK_RENDERER is set)", g_getenv ("GSK_RENDERER"));
    }
  renderer = curb_renderer_for_machine ("/sys/class/drm", &reason);
  if (renderer != NULL)
    {
      g_setenv ("GSK_RENDERER", renderer, TRUE);
      disable_gl ();
    }
  return g_strdup_printf ("%s (%s)", renderer != NULL ? renderer : "GTK's default, OpenGL", reason);
}
