#include <glib/gstdio.h>
#include <gio/gio.h>

#include "curb-test-helpers.h"

char *
curb_test_mkdtemp (void)
{
  g_autoptr(GError) error = NULL;
  char *path = g_dir_make_tmp ("curbside-test-XXXXXX", &error);

  g_assert_no_error (error);
  return path;
}

static void
remove_recursive (GFile *file)
{
  g_autoptr(GFileEnumerator) children = NULL;
  GFileInfo *info;

  children = g_file_enumerate_children (file, G_FILE_ATTRIBUTE_STANDARD_NAME,
                                        G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS, NULL, NULL);
  while (children != NULL
         && (info = g_file_enumerator_next_file (children, NULL, NULL)) != NULL)
    {
      g_autoptr(GFile) child = g_file_get_child (file, g_file_info_get_name (info));
      remove_recursive (child);
      g_object_unref (info);
    }
  g_file_delete (file, NULL, NULL);
}

void
curb_test_rmdir (const char *path)
{
  g_autoptr(GFile) file = NULL;

  if (path == NULL)
    return;
  file = g_file_new_for_path (path);
  remove_recursive (file);
}

char *
curb_test_build_path (const char *subdir,
                      const char *program)
{
  const char *root = g_getenv ("CURB_BUILD_ROOT");

  g_assert_nonnull (root);
  return g_build_filename (root, subdir, program, NULL);
}

const char *
curb_test_shared_dir (void)
{
  const char *dir = g_getenv ("CURB_SHARED_DIR");

  if (dir == NULL || !g_file_test (dir, G_FILE_TEST_IS_DIR))
    return NULL;
  return dir;
}
