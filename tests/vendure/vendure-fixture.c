#include <signal.h>
#include <sqlite3.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "curb-test-helpers.h"
#include "curb-vendure-order.h"
#include "vendure-fixture.h"

#define START_TIMEOUT_S 120

static int
node_major (void)
{
  g_autofree char *out = NULL;
  int status = 0;
  const char *argv[] = { "node", "-p", "process.versions.node.split('.')[0]", NULL };

  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL,
                     NULL, NULL, &out, NULL, &status, NULL) || !g_spawn_check_wait_status (status, NULL))
    return 0;
  return atoi (out);
}

char *
vendure_fixture_missing (void)
{
  g_autofree char *node = g_find_program_in_path ("node");
  g_autofree char *npm = g_find_program_in_path ("npm");
  int major;

  if (node == NULL || npm == NULL)
    return g_strdup ("Node.js and npm are needed to run Vendure (scripts/deps.txt)");
  major = node_major ();
  if (major < 20)
    return g_strdup_printf ("Vendure 3.7 needs Node.js >= 20; this machine has %d", major);
  return NULL;
}

/* A child must not outlive a test that aborts. */
static void
die_with_parent (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

/* Children's stdout goes to our stderr: our stdout is TAP. */
static GSubprocessLauncher *
new_launcher (const char *cwd)
{
  GSubprocessLauncher *launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_NONE);

  g_subprocess_launcher_take_stdout_fd (launcher, dup (STDERR_FILENO));
  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  if (cwd != NULL)
    g_subprocess_launcher_set_cwd (launcher, cwd);
  g_subprocess_launcher_setenv (launcher, "VENDURE_DISABLE_TELEMETRY", "true", TRUE);
  return launcher;
}

static int
install (VendureFixture *self)
{
  g_autoptr(GSubprocessLauncher) launcher = new_launcher (NULL);
  g_autofree char *script = g_build_filename (g_getenv ("CURB_SOURCE_ROOT"), "integrations", "vendure",
                                              "install.sh", NULL);
  g_autoptr(GSubprocess) child = NULL;
  g_autoptr(GError) error = NULL;

  child = g_subprocess_launcher_spawn (launcher, &error, "sh", script, self->env_dir, NULL);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_wait (child, NULL, &error));
  return g_subprocess_get_exit_status (child);
}

static guint16
free_port (void)
{
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocket) socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL);
  g_autoptr(GSocketAddress) bound = NULL;

  g_assert_true (g_socket_bind (socket, address, TRUE, NULL));
  bound = g_socket_get_local_address (socket, NULL);
  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
}

static gboolean
answers (VendureFixture *self)
{
  g_autoptr(JsonObject) data = curb_vendure_client_query (self->admin, "query { activeChannel { id } }",
                                                          NULL, NULL, NULL, NULL);
  return data != NULL;
}

void
vendure_fixture_start (VendureFixture *self)
{
  g_autoptr(GSubprocessLauncher) launcher = new_launcher (self->app_dir);
  g_autofree char *port = g_strdup_printf ("%u", self->port);
  g_autoptr(GError) error = NULL;
  gint64 deadline = g_get_monotonic_time () + START_TIMEOUT_S * G_USEC_PER_SEC;

  g_assert_null (self->server);
  g_subprocess_launcher_setenv (launcher, "VENDURE_PORT", port, TRUE);
  g_subprocess_launcher_setenv (launcher, "VENDURE_DATA_DIR", self->data_dir, TRUE);
  self->server = g_subprocess_launcher_spawn (launcher, &error, "node", "server.js", NULL);
  g_assert_no_error (error);
  while (!answers (self))
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_assert_null (g_subprocess_get_identifier (self->server) == NULL ? "Vendure exited" : NULL);
      g_usleep (250 * 1000);
    }
}

void
vendure_fixture_kill (VendureFixture *self)
{
  if (self->server == NULL)
    return;
  g_subprocess_force_exit (self->server);
  g_subprocess_wait (self->server, NULL, NULL);
  g_clear_object (&self->server);
}

void
vendure_fixture_forget_sessions (VendureFixture *self)
{
  g_autofree char *path = g_build_filename (self->data_dir, "vendure.sqlite", NULL);
  sqlite3 *db = NULL;

  g_assert_null (self->server);
  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "DELETE FROM session", NULL, NULL, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_changes (db), >, 0);
  sqlite3_close (db);
}

VendureFixture *
vendure_fixture_new (char **out_skip)
{
  VendureFixture *self = g_new0 (VendureFixture, 1);
  int status;

  self->env_dir = g_build_filename (g_getenv ("CURB_BUILD_ROOT"), "vendure-env", NULL);
  self->app_dir = g_build_filename (self->env_dir, "app", NULL);
  self->data_dir = curb_test_mkdtemp ();
  status = install (self);
  if (status == 77)
    {
      *out_skip = g_strdup ("integrations/vendure/install.sh: this Node.js cannot run Vendure 3.7");
      vendure_fixture_free (self);
      return NULL;
    }
  g_assert_cmpint (status, ==, 0);
  self->port = free_port ();
  self->url = g_strdup_printf ("http://127.0.0.1:%u", self->port);
  {
    g_autofree char *admin_url = g_strconcat (self->url, "/admin-api", NULL);
    self->admin = curb_vendure_client_new (admin_url, CURB_VENDURE_AUTH_PASSWORD, "superadmin:superadmin", 30);
  }
  vendure_fixture_start (self);
  return self;
}

JsonArray *
vendure_fixture_seed (VendureFixture *self,
                      guint           n)
{
  return vendure_fixture_seed_with (self, n, NULL);
}

JsonArray *
vendure_fixture_seed_with (VendureFixture     *self,
                           guint               n,
                           const char * const *extra_args)
{
  g_autofree char *count = g_strdup_printf ("%u", n);
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_autoptr(GSubprocess) child = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(GStrvBuilder) argv = g_strv_builder_new ();
  g_auto(GStrv) args = NULL;
  JsonArray *orders = json_array_new ();
  const char *base[] = { "node", "seed.js", "--url", self->url, "--orders", count, "--store", VENDURE_FIXTURE_STORE,
                         "--concurrency", n > 20 ? "16" : "2", NULL };

  g_strv_builder_addv (argv, base);
  if (extra_args != NULL)
    g_strv_builder_addv (argv, (const char **) extra_args);
  args = g_strv_builder_end (argv);
  g_subprocess_launcher_set_cwd (launcher, self->app_dir);
  child = g_subprocess_launcher_spawnv (launcher, (const char * const *) args, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_communicate_utf8 (child, NULL, NULL, &out, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_successful (child));
  lines = g_strsplit (out, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_autoptr(JsonNode) node = NULL;

      if (*lines[i] == '\0')
        continue;
      node = json_from_string (lines[i], &error);
      g_assert_no_error (error);
      json_array_add_element (orders, g_steal_pointer (&node));
    }
  g_assert_cmpuint (json_array_get_length (orders), ==, n);
  return orders;
}

JsonObject *
vendure_fixture_query (VendureFixture *self,
                       const char     *query,
                       JsonObject     *variables)
{
  g_autoptr(GError) error = NULL;
  JsonObject *data = curb_vendure_client_query (self->admin, query, variables, NULL, NULL, &error);

  g_assert_no_error (error);
  return data;
}

JsonObject *
vendure_fixture_order (VendureFixture *self,
                       const char     *code)
{
  g_autoptr(JsonObject) variables = json_object_new ();
  g_autoptr(JsonObject) data = NULL;
  JsonArray *items;

  json_object_set_string_member (variables, "c", code);
  data = vendure_fixture_query (self,
      "query($c: String!) { orders(options: { filter: { code: { eq: $c } } }) { items { "
      CURB_VENDURE_ORDER_FIELDS " history(options: { take: 100, filter: { type: { eq: \"ORDER_NOTE\" } } }) { items { type data } } } } }", variables);
  items = json_object_get_array_member (json_object_get_object_member (data, "orders"), "items");
  g_assert_cmpuint (json_array_get_length (items), ==, 1);
  return json_object_ref (json_array_get_object_element (items, 0));
}

void
vendure_fixture_free (VendureFixture *self)
{
  vendure_fixture_kill (self);
  g_clear_object (&self->admin);
  if (self->data_dir != NULL)
    curb_test_rmdir (self->data_dir);
  g_free (self->data_dir);
  g_free (self->env_dir);
  g_free (self->app_dir);
  g_free (self->url);
  g_free (self);
}
