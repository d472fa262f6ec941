/* curbside-ctl diagnostics: one archive a store IT person can attach to a
 * ticket — versions, config (secrets redacted), hub status and metrics,
 * recent logs — with personal data and secrets scrubbed. */

#include <stdio.h>
#include <sys/utsname.h>
#include <glib/gstdio.h>

#include "ctl-commands.h"
#include "curbside-core.h"

static const char * const config_names[] = { "hub.conf", "kiosk.conf", "staging.conf", NULL };

/* Secrets and personal data never leave the store in a bundle: tokens,
 * credentials and keys (long base41/hex/base64 runs), e-mail addresses,
 * phone numbers and the values of secret-looking config keys. */
char *
ctl_scrub (const char *text)
{
  static GRegex *patterns[4];
  static const char * const sources[] = {
    "(?i)^(\\s*[a-z0-9-]*(key|secret|password|credential|token)[a-z0-9-]*\\s*=).*$",
    "[A-Za-z0-9+/:.=_-]{40,}",
    "[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\\.[A-Za-z]{2,}",
    "\\+?\\d[\\d ()-]{7,}\\d",
  };
  static const char * const replacements[] = { "\\1 <redacted>", "<redacted>", "<email>", "<phone>" };
  char *result = g_strdup (text);

  for (guint i = 0; i < G_N_ELEMENTS (sources); i++)
    {
      char *next;

      if (patterns[i] == NULL)
        patterns[i] = g_regex_new (sources[i], G_REGEX_MULTILINE | G_REGEX_OPTIMIZE, 0, NULL);
      next = g_regex_replace (patterns[i], result, -1, 0, replacements[i], 0, NULL);
      g_free (result);
      result = next;
    }
  return result;
}

static void
write_scrubbed (const char *dir,
                const char *name,
                const char *text)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autofree char *clean = ctl_scrub (text != NULL ? text : "");

  g_file_set_contents (path, clean, -1, NULL);
}

static char *
run_capture (const char * const *argv)
{
  g_autofree char *out = NULL, *err = NULL;
  g_autoptr(GError) error = NULL;

  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL,
                     &out, &err, NULL, &error))
    return g_strdup_printf ("(%s: %s)\n", argv[0], error->message);
  return g_strconcat (out, err, NULL);
}

static void
collect_system (const char *dir)
{
  struct utsname uts;
  g_autoptr(GString) text = g_string_new (NULL);
  const char *df[] = { "df", "-h", "/", "/var", "/tmp", NULL };
  g_autofree char *disk = run_capture (df);

  uname (&uts);
  g_string_append_printf (text, "curbside %s\nkernel %s %s %s\nhost %s\n\n",
                          CURB_VERSION, uts.sysname, uts.release, uts.machine, "<host>");
  g_string_append (text, disk);
  write_scrubbed (dir, "system.txt", text->str);
}

static void
collect_configs (const char *dir,
                 const char *config_dir)
{
  for (guint i = 0; config_names[i] != NULL; i++)
    {
      g_autofree char *path = g_build_filename (config_dir, config_names[i], NULL);
      g_autofree char *text = NULL;

      if (g_file_get_contents (path, &text, NULL, NULL))
        write_scrubbed (dir, config_names[i], text);
    }
}

static void
collect_logs (const char *dir,
              const char *since)
{
  const char *journal[] = { "journalctl", "--no-pager", "-o", "short-iso", "--since", since,
                            "-u", "curbside-hub", "-u", "curbside-kiosk-session",
                            "-u", "curbside-staging-session", "-u", "curbside-firstboot", NULL };
  const char *units[] = { "systemctl", "--no-pager", "status", "curbside-hub",
                          "curbside-kiosk-session", "curbside-staging-session", NULL };
  g_autofree char *logs = run_capture (journal);
  g_autofree char *status = run_capture (units);

  write_scrubbed (dir, "journal.txt", logs);
  write_scrubbed (dir, "units.txt", status);
}

static void
collect_hub (const char *dir,
             const char *metrics_url)
{
  const char *curl[] = { "curl", "-sk", "--max-time", "5", metrics_url, NULL };
  g_autofree char *metrics = run_capture (curl);

  write_scrubbed (dir, "metrics.txt", metrics);
}

int
ctl_diagnostics (int    argc,
                 char **argv)
{
  g_autofree char *out = NULL, *config_dir = NULL, *since = NULL, *metrics_url = NULL;
  g_autofree char *work = NULL, *bundle_dir = NULL;
  g_autoptr(GOptionContext) context = g_option_context_new ("— a support bundle with personal data removed");
  g_autoptr(GError) error = NULL;
  GOptionEntry entries[] = {
    { "out", 'o', 0, G_OPTION_ARG_FILENAME, &out, "Archive to write (default curbside-diagnostics.tar.gz)", "FILE" },
    { "config-dir", 0, 0, G_OPTION_ARG_FILENAME, &config_dir, "Config folder (default /etc/curbside)", "DIR" },
    { "since", 0, 0, G_OPTION_ARG_STRING, &since, "Logs since (journalctl syntax, default -24h)", "WHEN" },
    { "metrics-url", 0, 0, G_OPTION_ARG_STRING, &metrics_url, "Hub metrics (default https://127.0.0.1:8443/metrics)", "URL" },
    { NULL }
  };
  int status = 0;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) || argc != 1)
    {
      g_printerr ("Usage: curbside-ctl diagnostics [--out FILE] [--config-dir DIR] [--since WHEN]\n");
      return 2;
    }
  work = g_dir_make_tmp ("curbside-diag-XXXXXX", &error);
  if (work == NULL)
    {
      g_printerr ("curbside-ctl diagnostics: %s\n", error->message);
      return 1;
    }
  bundle_dir = g_build_filename (work, "curbside-diagnostics", NULL);
  g_mkdir (bundle_dir, 0700);
  collect_system (bundle_dir);
  collect_configs (bundle_dir, config_dir != NULL ? config_dir : "/etc/curbside");
  collect_logs (bundle_dir, since != NULL ? since : "-24h");
  collect_hub (bundle_dir, metrics_url != NULL ? metrics_url : "https://127.0.0.1:8443/metrics");
  {
    const char *tar[] = { "tar", "-czf", out != NULL ? out : "curbside-diagnostics.tar.gz",
                          "-C", work, "curbside-diagnostics", NULL };
    g_autofree char *result = run_capture (tar);
    const char *rm[] = { "rm", "-rf", work, NULL };
    g_autofree char *removed = run_capture (rm);

    if (removed[0] != '\0')
      g_printerr ("curbside-ctl diagnostics: could not remove %s: %s", work, removed);

    if (result[0] != '\0')
      {
        g_printerr ("curbside-ctl diagnostics: %s", result);
        status = 1;
      }
  }
  if (status == 0)
    g_print ("Wrote %s (system, config with secrets removed, hub metrics, logs of the last day "
             "with personal data removed)\n", out != NULL ? out : "curbside-diagnostics.tar.gz");
  return status;
}
