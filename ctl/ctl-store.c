/* curbside-ctl commands on the hub's store database, run on the hub's own
 * machine: backup, restore, staff. They go through CurbStore, so SQLite's
 * locking serialises them with the running hub. */

#include <stdio.h>
#include <glib/gstdio.h>

#include "ctl-commands.h"
#include "curbside-store.h"

#define DEFAULT_HUB_CONFIG "/etc/curbside/hub.conf"

static int
fail (const char   *what,
      const GError *error)
{
  g_printerr ("curbside-ctl %s: %s\n", what, error->message);
  return 1;
}

/* --db wins; else the hub config's [storage] data-dir + store.db. */
char *
ctl_store_resolve_db (const char  *db,
                      const char  *config_path,
                      GError     **error)
{
  g_autoptr(CurbConfig) config = NULL;
  const char *data_dir;

  if (db != NULL)
    return g_strdup (db);
  config = curb_config_load (CURB_CONFIG_ROLE_HUB,
                             config_path != NULL ? config_path : DEFAULT_HUB_CONFIG, error);
  if (config == NULL)
    return NULL;
  data_dir = curb_config_get_path (config, "storage", "data-dir");
  return g_build_filename (data_dir, "store.db", NULL);
}

CurbStore *
ctl_store_open_existing (const char  *db,
                     const char  *config_path,
                     GError     **error)
{
  g_autofree char *path = ctl_store_resolve_db (db, config_path, error);

  if (path == NULL)
    return NULL;
  if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
    {
      g_set_error (error, CURB_ERROR, CURB_ERROR_NOT_FOUND,
                   "no hub database at %s (is this the hub's machine? use --db)", path);
      return NULL;
    }
  return curb_store_open (path, error);
}

int
ctl_backup (int    argc,
            char **argv)
{
  g_autofree char *db = NULL, *config = NULL;
  g_autoptr(GOptionContext) context = g_option_context_new ("DEST — online backup of the hub database");
  g_autoptr(CurbStore) store = NULL;
  g_autoptr(GError) error = NULL;
  GOptionEntry entries[] = {
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db, "The hub database (default: from the hub config)", "FILE" },
    { "config", 'c', 0, G_OPTION_ARG_FILENAME, &config, "Hub config (default " DEFAULT_HUB_CONFIG ")", "FILE" },
    { NULL }
  };

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) || argc != 2)
    {
      g_printerr ("Usage: curbside-ctl backup [--db FILE] DEST\n");
      return 2;
    }
  if (g_file_test (argv[1], G_FILE_TEST_EXISTS))
    {
      g_printerr ("curbside-ctl backup: %s exists; choose a new file\n", argv[1]);
      return 1;
    }
  store = ctl_store_open_existing (db, config, &error);
  if (store == NULL || !curb_store_backup (store, argv[1], &error))
    return fail ("backup", error);
  g_print ("Backed up %s to %s (SQLite online backup, integrity ok)\n",
           curb_store_get_path (store), argv[1]);
  return 0;
}

/* Restore needs the hub stopped: it keeps state (sequence numbers, open
 * streams) that must not change under it. */
int
ctl_restore (int    argc,
             char **argv)
{
  g_autofree char *db = NULL, *config = NULL, *target = NULL;
  g_autoptr(GOptionContext) context = g_option_context_new ("BACKUP — restore the hub database (hub stopped)");
  g_autoptr(GError) error = NULL;
  gboolean key_kept = FALSE;
  GOptionEntry entries[] = {
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db, "The hub database (default: from the hub config)", "FILE" },
    { "config", 'c', 0, G_OPTION_ARG_FILENAME, &config, "Hub config (default " DEFAULT_HUB_CONFIG ")", "FILE" },
    { NULL }
  };

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) || argc != 2)
    {
      g_printerr ("Usage: curbside-ctl restore [--db FILE] BACKUP   (stop the hub first)\n");
      return 2;
    }
  target = ctl_store_resolve_db (db, config, &error);
  if (target == NULL)
    return fail ("restore", error);
  if (!g_file_test (argv[1], G_FILE_TEST_IS_REGULAR))
    {
      g_printerr ("curbside-ctl restore: no backup at %s\n", argv[1]);
      return 1;
    }
  if (!curb_store_restore (argv[1], target, &key_kept, &error))
    return fail ("restore", error);
  if (!key_kept)
    g_printerr ("curbside-ctl restore: there was no store key to keep (no database at %s): devices must enroll "
                "again and staff PINs be set again; manual lookup works for orders central sends again\n", target);
  g_print ("Restored %s from %s. Start the hub again: systemctl start curbside-hub\n",
           target, argv[1]);
  return 0;
}

static int
staff_add (CurbStore *store, int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  CurbStaffRole role = CURB_STAFF_ROLE_STAFF;

  if (argc < 4 || argc > 6)
    {
      g_printerr ("Usage: curbside-ctl staff add ID FIRST_NAME PIN [staff|manager] [BADGE]\n");
      return 2;
    }
  if (argc >= 5 && !curb_staff_role_from_string (argv[4], &role))
    {
      g_printerr ("curbside-ctl staff: role must be staff or manager, not “%s”\n", argv[4]);
      return 2;
    }
  if (!curb_store_add_staff (store, argv[1], argv[2], role, argv[3],
                             argc == 6 ? argv[5] : NULL, &error))
    return fail ("staff add", error);
  g_print ("Staff %s (%s) can sign in with their PIN\n", argv[1], argv[2]);
  return 0;
}

static int
staff_list (CurbStore *store)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonArray) staff = curb_store_list_staff (store, &error);

  if (staff == NULL)
    return fail ("staff list", error);
  for (guint i = 0; i < json_array_get_length (staff); i++)
    {
      JsonObject *member = json_array_get_object_element (staff, i);
      g_print ("%-12s %-16s %s\n",
               json_object_get_string_member (member, "id"),
               json_object_get_string_member (member, "first_name"),
               json_object_get_string_member (member, "role"));
    }
  return 0;
}

int
ctl_staff (int    argc,
           char **argv)
{
  g_autofree char *db = NULL, *config = NULL;
  g_autoptr(GOptionContext) context = g_option_context_new ("add|list|remove … — manage staff sign-in");
  g_autoptr(CurbStore) store = NULL;
  g_autoptr(GError) error = NULL;
  GOptionEntry entries[] = {
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db, "The hub database (default: from the hub config)", "FILE" },
    { "config", 'c', 0, G_OPTION_ARG_FILENAME, &config, "Hub config (default " DEFAULT_HUB_CONFIG ")", "FILE" },
    { NULL }
  };

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) || argc < 2)
    {
      g_printerr ("Usage: curbside-ctl staff [--db FILE] add ID FIRST_NAME PIN [ROLE] [BADGE] | list | remove ID\n");
      return 2;
    }
  store = ctl_store_open_existing (db, config, &error);
  if (store == NULL)
    return fail ("staff", error);
  if (g_str_equal (argv[1], "add"))
    return staff_add (store, argc - 1, argv + 1);
  if (g_str_equal (argv[1], "list"))
    return staff_list (store);
  if (g_str_equal (argv[1], "remove") && argc == 3)
    {
      if (!curb_store_remove_staff (store, argv[2], &error))
        return fail ("staff remove", error);
      return 0;
    }
  g_printerr ("Usage: curbside-ctl staff add ID FIRST_NAME PIN [ROLE] [BADGE] | list | remove ID\n");
  return 2;
}
