#include <unistd.h>
#include <glib/gstdio.h>

#include "curb-renderer.h"
#include "curb-test-helpers.h"

/* A DRM class folder as sysfs shows it: renderD* -> device/driver -> .../NAME */
static char *
fake_sysfs (const char * const *drivers)
{
  char *dir = curb_test_mkdtemp ();

  for (guint i = 0; drivers[i] != NULL; i++)
    {
      g_autofree char *node = g_strdup_printf ("%s/renderD%u/device", dir, 128 + i);
      g_autofree char *target = g_strdup_printf ("%s/bus/pci/drivers/%s", dir, drivers[i]);
      g_autofree char *link = g_build_filename (node, "driver", NULL);

      g_assert_cmpint (g_mkdir_with_parents (node, 0755), ==, 0);
      g_assert_cmpint (g_mkdir_with_parents (target, 0755), ==, 0);
      g_assert_cmpint (symlink (target, link), ==, 0);
    }
  return dir;
}

static const char *
choose (const char * const *drivers, char **reason)
{
  g_autofree char *dir = fake_sysfs (drivers);
  const char *renderer = curb_renderer_for_machine (dir, reason);

  curb_test_rmdir (dir);
  return renderer;
}

static void
test_no_gpu (void)
{
  const char *none[] = { NULL };
  const char *virtual[] = { "virtio_gpu", "vgem", NULL };
  g_autofree char *why = NULL, *why2 = NULL;

  g_assert_cmpstr (choose (none, &why), ==, "cairo");
  g_assert_nonnull (strstr (why, "no GPU render node"));
  g_assert_cmpstr (choose (virtual, &why2), ==, "cairo");
}

static void
test_gpu_keeps_gl (void)
{
  const char *intel[] = { "i915", NULL };
  const char *mixed[] = { "vgem", "amdgpu", NULL };
  g_autofree char *why = NULL, *why2 = NULL;

  g_assert_null (choose (intel, &why));
  g_assert_nonnull (strstr (why, "i915"));
  g_assert_null (choose (mixed, &why2));
}

static void
test_software_gl_forced (void)
{
  const char *intel[] = { "i915", NULL };
  g_autofree char *why = NULL;

  g_setenv ("LIBGL_ALWAYS_SOFTWARE", "1", TRUE);
  g_assert_cmpstr (choose (intel, &why), ==, "cairo");
  g_unsetenv ("LIBGL_ALWAYS_SOFTWARE");
}

static void
test_apply (void)
{
  g_autofree char *said = NULL, *said2 = NULL;

  g_setenv ("GSK_RENDERER", "ngl", TRUE);
  said = curb_renderer_apply ();
  g_assert_cmpstr (g_getenv ("GSK_RENDERER"), ==, "ngl");
  g_assert_nonnull (strstr (said, "GSK_RENDERER is set"));
  g_setenv ("GSK_RENDERER", "cairo", TRUE);
  g_unsetenv ("GDK_DEBUG");
  g_free (curb_renderer_apply ());
  g_assert_cmpstr (g_getenv ("GDK_DEBUG"), ==, "gl-disable");
  g_unsetenv ("GSK_RENDERER");
  g_setenv ("GDK_DEBUG", "misc", TRUE);
  said2 = curb_renderer_apply ();
  if (g_getenv ("GSK_RENDERER") != NULL)   /* this machine has no GPU */
    {
      g_assert_cmpstr (g_getenv ("GSK_RENDERER"), ==, "cairo");
      g_assert_cmpstr (g_getenv ("GDK_DEBUG"), ==, "misc,gl-disable");
    }
  else
    g_assert_cmpstr (g_getenv ("GDK_DEBUG"), ==, "misc");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_unsetenv ("LIBGL_ALWAYS_SOFTWARE");
  g_test_add_func ("/renderer/no-gpu", test_no_gpu);
  g_test_add_func ("/renderer/gpu-keeps-gl", test_gpu_keeps_gl);
  g_test_add_func ("/renderer/software-gl-forced", test_software_gl_forced);
  g_test_add_func ("/renderer/apply", test_apply);
  return g_test_run ();
}
