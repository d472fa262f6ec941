/* curbside-ctl device list|revoke: the enrolled devices of the hub's store,
 * and revoking a lost or stolen one. Revocation is a row in the store: the
 * device's credential stops working with the next request, its staff
 * sessions end, and the running hub closes its event streams within a
 * second. */

#include "ctl-commands.h"
#include "curbside-store.h"

#define DEFAULT_HUB_CONFIG "/etc/curbside/hub.conf"
#define USAGE "Usage: curbside-ctl device [--db FILE] list | revoke DEVICE-ID\n"

static int
fail (const char   *what,
      const GError *error)
{
  g_printerr ("curbside-ctl device %s: %s\n", what, error->message);
  return 1;
}

static const char *
member (JsonObject *device,
        const char *name)
{
  return json_object_get_string_member_with_default (device, name, "-");
}

static int
device_list (CurbStore *store)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonArray) devices = curb_store_list_devices (store, &error);

  if (devices == NULL)
    return fail ("list", error);
  g_print ("%-18s %-8s %-24s %-24s %s\n", "ID", "ROLE", "ENROLLED", "LAST SEEN", "NAME");
  for (guint i = 0; i < json_array_get_length (devices); i++)
    {
      JsonObject *device = json_array_get_object_element (devices, i);
      g_autofree char *name = g_strescape (member (device, "name"), NULL);

      g_print ("%-18s %-8s %-24s %-24s %s%s%s\n", member (device, "id"), member (device, "role"),
               member (device, "created"), member (device, "last_seen"), name,
               json_object_has_member (device, "revoked") ? "  revoked " : "",
               json_object_has_member (device, "revoked") ? member (device, "revoked") : "");
    }
  return 0;
}

static int
device_revoke (CurbStore  *store,
               const char *device_id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) detail = json_object_new ();

  if (!curb_store_revoke_device (store, device_id, &error))
    return fail ("revoke", error);
  json_object_set_string_member (detail, "device", device_id);
  json_object_set_string_member (detail, "by", "curbside-ctl");
  curb_store_audit (store, NULL, NULL, "device_revoked", NULL, detail, NULL);
  g_print ("Revoked %s: its credential no longer works and its staff sessions have ended; "
           "the hub closes its event streams within a second\n", device_id);
  return 0;
}

int
ctl_device (int    argc,
            char **argv)
{
  g_autofree char *db = NULL, *config = NULL;
  g_autoptr(GOptionContext) context = g_option_context_new ("list | revoke DEVICE-ID — the store's devices");
  g_autoptr(CurbStore) store = NULL;
  g_autoptr(GError) error = NULL;
  GOptionEntry entries[] = {
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db, "The hub database (default: from the hub config)", "FILE" },
    { "config", 'c', 0, G_OPTION_ARG_FILENAME, &config, "Hub config (default " DEFAULT_HUB_CONFIG ")", "FILE" },
    { NULL }
  };

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) || argc < 2
      || !((g_str_equal (argv[1], "list") && argc == 2) || (g_str_equal (argv[1], "revoke") && argc == 3)))
    {
      g_printerr (USAGE);
      return 2;
    }
  store = ctl_store_open_existing (db, config, &error);
  if (store == NULL)
    return fail (argv[1], error);
  if (g_str_equal (argv[1], "list"))
    return device_list (store);
  return device_revoke (store, argv[2]);
}
