#include <stdio.h>
#include <string.h>
#include <qrencode.h>
#include <json-glib/json-glib.h>

#include "ctl-commands.h"
#include "curbside-core.h"

#define EXIT_REJECTED 3

static int
usage_error (GOptionContext *context,
             const char     *message)
{
  g_autofree char *help = g_option_context_get_help (context, TRUE, NULL);

  g_printerr ("curbside-ctl: %s\n\n%s", message, help);
  return 2;
}

static gboolean
parse_options (GOptionContext  *context,
               int             *argc,
               char          ***argv,
               int             *status)
{
  g_autoptr(GError) error = NULL;

  if (g_option_context_parse (context, argc, argv, &error))
    return TRUE;
  *status = usage_error (context, error->message);
  return FALSE;
}

/* "7d", "12h", "30m", "45s" or plain seconds. */
static gboolean
parse_duration (const char *text,
                gint64     *out_seconds)
{
  g_autofree char *number = NULL;
  gsize len = text != NULL ? strlen (text) : 0;
  gint64 unit = 1, value = 0;

  if (len == 0)
    return FALSE;
  switch (text[len - 1])
    {
    case 'd': unit = 86400; len--; break;
    case 'h': unit = 3600; len--; break;
    case 'm': unit = 60; len--; break;
    case 's': len--; break;
    default: break;
    }
  number = g_strndup (text, len);
  if (!g_ascii_string_to_signed (number, 10, 1, G_MAXUINT32 / unit, &value, NULL))
    return FALSE;
  *out_seconds = value * unit;
  return TRUE;
}

/* Two QR rows per text line, white on black whatever the terminal's colours. */
static void
print_qr (const char *token)
{
  QRcode *code = QRcode_encodeString (token, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
  const int quiet = 2;
  int size;

  if (code == NULL)
    return;
  size = code->width + 2 * quiet;
  for (int y = 0; y < size; y += 2)
    {
      g_print ("\033[97;40m");
      for (int x = 0; x < size; x++)
        {
          int qx = x - quiet, top = y - quiet, bottom = y + 1 - quiet;
          gboolean top_dark = qx >= 0 && qx < code->width && top >= 0 && top < code->width
                              && (code->data[top * code->width + qx] & 1);
          gboolean bottom_dark = qx >= 0 && qx < code->width && bottom >= 0 && bottom < code->width
                                 && (code->data[bottom * code->width + qx] & 1);
          g_print ("%s", top_dark ? (bottom_dark ? " " : "▄") : (bottom_dark ? "▀" : "█"));
        }
      g_print ("\033[0m\n");
    }
  g_printerr ("QR version %d-M, %d×%d modules, %zu characters\n",
              code->version, code->width, code->width, strlen (token));
  QRcode_free (code);
}

static gboolean
write_public_key (CurbSigningKey  *key,
                  const char      *path,
                  GError         **error)
{
  g_autoptr(CurbKeyring) keyring = NULL;

  if (g_file_test (path, G_FILE_TEST_EXISTS))
    keyring = curb_keyring_load (path, error);
  else
    keyring = curb_keyring_new ();
  return keyring != NULL
         && curb_keyring_add (keyring, curb_signing_key_get_key_id (key),
                              curb_signing_key_get_public_key (key), error)
         && curb_keyring_save (keyring, path, error);
}

int
ctl_keygen (int    argc,
            char **argv)
{
  g_autofree char *kid = NULL;
  g_autofree char *secret_path = NULL;
  g_autofree char *public_path = NULL;
  gboolean force = FALSE;
  const GOptionEntry entries[] = {
    { "kid", 0, 0, G_OPTION_ARG_STRING, &kid, "Key id, short: every character rides in each QR", "KID" },
    { "out-secret", 0, 0, G_OPTION_ARG_FILENAME, &secret_path, "Secret key file to write (mode 0600)", "FILE" },
    { "out-public", 0, 0, G_OPTION_ARG_FILENAME, &public_path, "Keyring to add the public key to (created if missing)", "FILE" },
    { "force", 0, 0, G_OPTION_ARG_NONE, &force, "Overwrite an existing secret key file", NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("- generate a pickup token signing key");
  g_autoptr(CurbSigningKey) key = NULL;
  g_autoptr(GError) error = NULL;
  int status = 0;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!parse_options (context, &argc, &argv, &status))
    return status;
  if (kid == NULL || secret_path == NULL || public_path == NULL)
    return usage_error (context, "--kid, --out-secret and --out-public are required");
  if (!force && g_file_test (secret_path, G_FILE_TEST_EXISTS))
    {
      g_printerr ("curbside-ctl: %s exists; use --force to replace that key\n", secret_path);
      return 1;
    }
  if ((key = curb_signing_key_generate (kid, &error)) == NULL
      || !curb_signing_key_save (key, secret_path, &error)
      || !write_public_key (key, public_path, &error))
    {
      g_printerr ("curbside-ctl: %s\n", error->message);
      return 1;
    }
  g_print ("Key %s: secret key in %s (mode 0600), public key added to %s\n", kid, secret_path, public_path);
  return 0;
}

int
ctl_token_sign (int    argc,
                char **argv)
{
  g_autofree char *secret_path = NULL;
  g_autofree char *kid = NULL;
  g_autofree char *store = NULL;
  g_autofree char *order = NULL;
  g_autofree char *ttl = NULL;
  gint64 expires = 0;
  gboolean qr = FALSE;
  const GOptionEntry entries[] = {
    { "secret", 0, 0, G_OPTION_ARG_FILENAME, &secret_path, "Secret key file (from keygen)", "FILE" },
    { "kid", 0, 0, G_OPTION_ARG_STRING, &kid, "Expected key id of the secret key (optional check)", "KID" },
    { "store", 0, 0, G_OPTION_ARG_STRING, &store, "Store id", "STORE" },
    { "order", 0, 0, G_OPTION_ARG_STRING, &order, "Order reference", "REF" },
    { "ttl", 0, 0, G_OPTION_ARG_STRING, &ttl, "Validity from now: 7d, 12h, 30m, 45s (default 7d)", "DURATION" },
    { "expires", 0, 0, G_OPTION_ARG_INT64, &expires, "Expiry in seconds since the epoch, instead of --ttl", "SECONDS" },
    { "qr", 0, 0, G_OPTION_ARG_NONE, &qr, "Also draw the QR code on the terminal", NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("- sign a pickup token");
  g_autoptr(CurbSigningKey) key = NULL;
  g_autoptr(CurbTokenClaims) claims = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *token = NULL;
  gint64 seconds = 7 * 86400;
  int status = 0;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!parse_options (context, &argc, &argv, &status))
    return status;
  if (secret_path == NULL || store == NULL || order == NULL)
    return usage_error (context, "--secret, --store and --order are required");
  if (ttl != NULL && !parse_duration (ttl, &seconds))
    return usage_error (context, "--ttl must look like 7d, 12h, 30m, 45s or 3600");
  if (ttl != NULL && expires != 0)
    return usage_error (context, "give --ttl or --expires, not both");
  if ((key = curb_signing_key_load (secret_path, &error)) == NULL)
    {
      g_printerr ("curbside-ctl: %s\n", error->message);
      return 1;
    }
  if (kid != NULL && !g_str_equal (kid, curb_signing_key_get_key_id (key)))
    {
      g_printerr ("curbside-ctl: %s holds key “%s”, not “%s”\n", secret_path,
                  curb_signing_key_get_key_id (key), kid);
      return 1;
    }
  if (expires == 0)
    expires = g_get_real_time () / G_USEC_PER_SEC + seconds;
  claims = curb_token_claims_new (store, order, expires);
  if ((token = curb_token_sign (key, claims, &error)) == NULL)
    return usage_error (context, error->message);
  g_print ("%s\n", token);
  if (qr)
    print_qr (token);
  return 0;
}

static void
print_verdict_json (const CurbTokenClaims *claims,
                    const GError          *error)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *text = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "valid");
  json_builder_add_boolean_value (builder, error == NULL);
  if (error != NULL)
    {
      json_builder_set_member_name (builder, "reason");
      json_builder_add_string_value (builder, curb_error_code_name (error->code));
      json_builder_set_member_name (builder, "message");
      json_builder_add_string_value (builder, error->message);
    }
  else
    {
      g_autofree char *expires = curb_iso8601_from_ms (claims->expires_s * 1000);
      json_builder_set_member_name (builder, "key_id");
      json_builder_add_string_value (builder, claims->key_id);
      json_builder_set_member_name (builder, "store_id");
      json_builder_add_string_value (builder, claims->store_id);
      json_builder_set_member_name (builder, "order_ref");
      json_builder_add_string_value (builder, claims->order_ref);
      json_builder_set_member_name (builder, "expires");
      json_builder_add_string_value (builder, expires);
    }
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  text = json_to_string (root, FALSE);
  g_print ("%s\n", text);
}

static void
print_verdict (const CurbTokenClaims *claims,
               const GError          *error)
{
  g_autofree char *expires = NULL;

  if (error != NULL)
    {
      g_printerr ("rejected (%s): %s\n", curb_error_code_name (error->code), error->message);
      return;
    }
  expires = curb_iso8601_from_ms (claims->expires_s * 1000);
  g_print ("valid: order %s, store %s, key %s, expires %s\n",
           claims->order_ref, claims->store_id, claims->key_id, expires);
}

static char *
read_token_argument (const char *argument)
{
  char line[1024];

  if (!g_str_equal (argument, "-"))
    return g_strdup (argument);
  if (fgets (line, sizeof line, stdin) == NULL)
    return g_strdup ("");
  return g_strdup (line);
}

int
ctl_token_verify (int    argc,
                  char **argv)
{
  g_autofree char *keyring_path = NULL;
  g_autofree char *store = NULL;
  g_autofree char *token = NULL;
  gint64 now = 0;
  gboolean json = FALSE;
  const GOptionEntry entries[] = {
    { "keyring", 0, 0, G_OPTION_ARG_FILENAME, &keyring_path, "Keyring of trusted public keys", "FILE" },
    { "store", 0, 0, G_OPTION_ARG_STRING, &store, "This store's id", "STORE" },
    { "now", 0, 0, G_OPTION_ARG_INT64, &now, "Check as of this time (seconds since the epoch)", "SECONDS" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print the verdict as JSON", NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("TOKEN - verify a pickup token (\"-\": read it from stdin)");
  g_autoptr(CurbKeyring) keyring = NULL;
  g_autoptr(CurbTokenClaims) claims = NULL;
  g_autoptr(GError) error = NULL;
  int status = 0;

  g_option_context_set_description (context, "Exit status: 0 valid, 3 rejected, 2 usage error, 1 other failure.");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!parse_options (context, &argc, &argv, &status))
    return status;
  if (keyring_path == NULL || store == NULL || argc != 2)
    return usage_error (context, "--keyring, --store and one TOKEN are required");
  if ((keyring = curb_keyring_load (keyring_path, &error)) == NULL)
    {
      g_printerr ("curbside-ctl: %s\n", error->message);
      return 1;
    }
  token = read_token_argument (argv[1]);
  if (now == 0)
    now = g_get_real_time () / G_USEC_PER_SEC;
  curb_token_verify (keyring, token, store, now, &claims, &error);
  if (json)
    print_verdict_json (claims, error);
  else
    print_verdict (claims, error);
  return error == NULL ? 0 : EXIT_REJECTED;
}
