#include <locale.h>
#include <string.h>

#include "ctl-commands.h"
#include "curbside-core.h"

static int ctl_version (int argc, char **argv);

static const CtlCommand commands[] = {
  /* --- token commands --- */
  { "keygen", "Generate a pickup token signing key", ctl_keygen },
  { "token-sign", "Sign a pickup token for an order", ctl_token_sign },
  { "token-verify", "Verify a pickup token (exit 0 valid, 3 rejected)", ctl_token_verify },
  { "config", "Check a configuration file (config check FILE)", ctl_config },

  /* --- store commands --- */
  { "diagnostics", "A support bundle (logs, metrics, config) with personal data removed", ctl_diagnostics },
  { "enroll", "Enroll this machine with the store hub (one-time code)", ctl_enroll },
  { "status", "The store's health in plain words (hub, central, devices)", ctl_status },
  { "backup", "Online backup of the hub database (SQLite backup API)", ctl_backup },
  { "restore", "Restore the hub database from a backup (hub stopped)", ctl_restore },
  { "staff", "Add, list or remove staff who sign in at staging stations", ctl_staff },
  { "device", "List enrolled devices, or revoke a lost one (at once)", ctl_device },

  /* --- scan commands --- */
  { "scan", "Decode QR codes in images, videos or a camera", ctl_scan },

  /* --- print commands --- */
  { "print-preview", "Render a receipt, ticket or label to PNG", ctl_print_preview },
  { "print-test", "Print a test page and report the printer's status", ctl_print_test },

  { "version", "Print the version", ctl_version },
};

static int
ctl_version (int    argc,
             char **argv)
{
  g_print ("curbside-ctl %s\n", CURB_VERSION);
  return 0;
}

static void
print_usage (void)
{
  g_printerr ("Usage: curbside-ctl COMMAND [OPTIONS…]\n\nCommands:\n");
  for (gsize i = 0; i < G_N_ELEMENTS (commands); i++)
    g_printerr ("  %-16s %s\n", commands[i].name, commands[i].summary);
  g_printerr ("\nRun “curbside-ctl COMMAND --help” for a command's options.\n");
}

int
main (int    argc,
      char **argv)
{
  setlocale (LC_ALL, "");

  if (argc < 2 || g_str_equal (argv[1], "--help") || g_str_equal (argv[1], "-h"))
    {
      print_usage ();
      return argc < 2 ? 2 : 0;
    }

  for (gsize i = 0; i < G_N_ELEMENTS (commands); i++)
    if (g_str_equal (commands[i].name, argv[1]))
      return commands[i].run (argc - 1, argv + 1);

  g_printerr ("curbside-ctl: unknown command “%s”\n", argv[1]);
  print_usage ();
  return 2;
}
