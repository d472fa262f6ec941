#include <glib-unix.h>
#include <locale.h>

#include "curbside-core.h"
#include "curb-central-issuer.h"
#include "curb-central-server.h"

/* curbside-central: the reference central order system, on 127.0.0.1. */

typedef struct
{
  int     port;
  char   *port_file;
  char   *db_path;
  char  **stores;
  int     seed_demo;
  char   *issuer_key;
  char   *keyring_out;
  char   *admin_key;
  char   *hint_url;
} Options;

static gboolean
on_quit_signal (gpointer user_data)
{
  g_main_loop_quit (user_data);
  return G_SOURCE_REMOVE;
}

static gboolean
parse_options (Options  *options,
               int      *argc,
               char   ***argv,
               GError  **error)
{
  const GOptionEntry entries[] = {
    { "port", 0, 0, G_OPTION_ARG_INT, &options->port, "TCP port on 127.0.0.1 (0: pick a free one)", "N" },
    { "port-file", 0, 0, G_OPTION_ARG_FILENAME, &options->port_file, "Write the port to FILE", "FILE" },
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &options->db_path, "SQLite file for central's state (default: in memory)", "FILE" },
    { "store", 0, 0, G_OPTION_ARG_STRING_ARRAY, &options->stores, "A store and its API key (default store-001:demo-store-key)", "ID:KEY" },
    { "seed-demo", 0, 0, G_OPTION_ARG_INT, &options->seed_demo, "Create N demo orders for the first store", "N" },
    { "issuer-key", 0, 0, G_OPTION_ARG_FILENAME, &options->issuer_key, "Sign pickup tokens with this secret key file (created when missing)", "FILE" },
    { "write-keyring", 0, 0, G_OPTION_ARG_FILENAME, &options->keyring_out, "Write the issuer's public key as a keyring file (for a hub)", "FILE" },
    { "admin-key", 0, 0, G_OPTION_ARG_STRING, &options->admin_key, "Require this bearer key on /admin", "KEY" },
    { "hint-url", 0, 0, G_OPTION_ARG_STRING, &options->hint_url, "Tell this hub URL (…/v1/hints) when orders change", "URL" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("— the reference Curbside central order system");

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, argc, argv, error))
    return FALSE;
  if (options->port < 0 || options->port > 65535 || options->seed_demo < 0 || options->seed_demo > 100000)
    {
      g_set_error (error, CURB_ERROR, CURB_ERROR_CONFIG, "--port is 0…65535, --seed-demo 0…100000");
      return FALSE;
    }
  return TRUE;
}

static gboolean
add_stores (CurbCentralDb  *db,
            char          **stores,
            char          **out_first_store,
            GError        **error)
{
  const char *default_stores[] = { "store-001:demo-store-key", NULL };
  const char * const *list = stores != NULL ? (const char * const *) stores : default_stores;

  for (guint i = 0; list[i] != NULL; i++)
    {
      g_auto(GStrv) pair = g_strsplit (list[i], ":", 2);

      if (g_strv_length (pair) != 2 || *pair[0] == '\0' || *pair[1] == '\0')
        {
          g_set_error (error, CURB_ERROR, CURB_ERROR_CONFIG, "--store wants ID:KEY, not “%s”", list[i]);
          return FALSE;
        }
      if (!curb_central_db_add_store (db, pair[0], pair[1], error))
        return FALSE;
      if (i == 0)
        *out_first_store = g_strdup (pair[0]);
    }
  return TRUE;
}

static gboolean
announce_port (guint        port,
               const char  *port_file,
               GError     **error)
{
  g_autofree char *text = g_strdup_printf ("%u\n", port);

  g_print ("curbside-central listening on http://127.0.0.1:%u\n", port);
  if (port_file != NULL && !g_file_set_contents (port_file, text, -1, error))
    return FALSE;
  return TRUE;
}

static gboolean
write_keyring (CurbSigningKey  *issuer,
               const char      *path,
               GError         **error)
{
  g_autofree char *line = NULL;
  g_autofree char *text = NULL;

  if (issuer == NULL)
    {
      g_set_error (error, CURB_ERROR, CURB_ERROR_CONFIG, "--write-keyring needs --issuer-key");
      return FALSE;
    }
  line = curb_signing_key_to_public_line (issuer);
  text = g_strdup_printf ("# curbside-central issuer key\n%s\n", line);
  return g_file_set_contents (path, text, -1, error);
}

static int
run (Options  *options,
     GError  **error)
{
  g_autoptr(CurbCentralDb) db = NULL;
  g_autoptr(CurbCentralServer) server = NULL;
  g_autoptr(CurbSigningKey) issuer = NULL;
  g_autoptr(JsonArray) keys = NULL;
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autofree char *first_store = NULL;

  db = curb_central_db_open (options->db_path ? options->db_path : ":memory:", error);
  if (db == NULL || !add_stores (db, options->stores, &first_store, error))
    return 1;
  if (options->issuer_key != NULL
      && (issuer = curb_central_issuer_load_or_create (options->issuer_key, error)) == NULL)
    return 1;
  if (options->keyring_out != NULL && !write_keyring (issuer, options->keyring_out, error))
    return 1;
  if (options->seed_demo > 0
      && !curb_central_seed_demo (db, first_store, options->seed_demo, curb_now_ms (),
                                  issuer ? curb_central_issuer_sign_token : NULL, issuer, error))
    return 1;

  server = curb_central_server_new (db);
  keys = curb_central_issuer_public_keys (issuer);
  curb_central_server_set_keys (server, keys);
  if (issuer != NULL)
    curb_central_server_set_token_func (server, curb_central_issuer_sign_token, issuer);
  curb_central_server_set_admin_key (server, options->admin_key);
  curb_central_server_set_hint_url (server, options->hint_url);
  if (!curb_central_server_listen (server, options->port, error)
      || !announce_port (curb_central_server_get_port (server), options->port_file, error))
    return 1;

  g_unix_signal_add (SIGTERM, on_quit_signal, loop);
  g_unix_signal_add (SIGINT, on_quit_signal, loop);
  g_main_loop_run (loop);
  return 0;
}

int
main (int    argc,
      char **argv)
{
  Options options = { 0 };
  g_autoptr(GError) error = NULL;
  int status = 1;

  setlocale (LC_ALL, "");
  if (parse_options (&options, &argc, &argv, &error))
    status = run (&options, &error);
  if (error != NULL)
    g_printerr ("curbside-central: %s\n", error->message);

  g_free (options.port_file);
  g_free (options.db_path);
  g_strfreev (options.stores);
  g_free (options.issuer_key);
  g_free (options.keyring_out);
  g_free (options.admin_key);
  g_free (options.hint_url);
  return status;
}
