#include <string.h>
#include <gio/gio.h>

#include "curb-config-private.h"
#include "curb-token.h"

gboolean
curb_config_validate_store_id (const char  *value,
                               char       **message)
{
  if (curb_token_store_id_is_valid (value))
    return TRUE;
  *message = g_strdup ("must be 1 to 32 characters of A-Z a-z 0-9 . _ -");
  return FALSE;
}

gboolean
curb_config_validate_ip_address (const char  *value,
                                 char       **message)
{
  g_autoptr(GInetAddress) address = g_inet_address_new_from_string (value);

  if (address != NULL)
    return TRUE;
  *message = g_strdup_printf ("“%s” is not an IP address (such as 127.0.0.1, 0.0.0.0 or ::)", value);
  return FALSE;
}

gboolean
curb_config_validate_phone (const char  *value,
                            char       **message)
{
  guint digits = 0;

  for (const char *p = value; *p != '\0'; p++)
    {
      if (g_ascii_isdigit (*p))
        digits++;
      else if (strchr ("+-() .", *p) == NULL)
        {
          *message = g_strdup ("a phone number may only hold digits, spaces and + - ( ) .");
          return FALSE;
        }
    }
  if (digits >= 3 && digits <= 20)
    return TRUE;
  *message = g_strdup ("a phone number needs 3 to 20 digits");
  return FALSE;
}

/* "en", "es", "pt_BR" */
gboolean
curb_config_validate_language (const char  *value,
                               char       **message)
{
  if (g_regex_match_simple ("^[a-z]{2,3}(_[A-Z]{2})?$", value, 0, 0))
    return TRUE;
  *message = g_strdup_printf ("“%s” is not a language code such as en, es or pt_BR", value);
  return FALSE;
}

/* A printer or device address: "scheme:rest", e.g. usb:///dev/usb/lp0. */
gboolean
curb_config_validate_device_uri (const char  *value,
                                 char       **message)
{
  g_autofree char *scheme = g_uri_parse_scheme (value);

  if (scheme != NULL && strlen (value) > strlen (scheme) + 1)
    return TRUE;
  *message = g_strdup_printf ("“%s” is not a device URI such as usb:///dev/usb/lp0 or tcp://10.0.0.9:9100", value);
  return FALSE;
}

gboolean
curb_config_validate_not_empty (const char  *value,
                                char       **message)
{
  if (*value != '\0')
    return TRUE;
  *message = g_strdup ("must not be empty");
  return FALSE;
}

/* A short name people read: not empty, at most 64 characters, no control characters. */
gboolean
curb_config_validate_label (const char  *value,
                            char       **message)
{
  if (!curb_config_validate_not_empty (value, message))
    return FALSE;
  if (g_utf8_strlen (value, -1) > 64)
    {
      *message = g_strdup ("must be at most 64 characters");
      return FALSE;
    }
  for (const char *p = value; *p != '\0'; p = g_utf8_next_char (p))
    if (g_unichar_iscntrl (g_utf8_get_char (p)))
      {
        *message = g_strdup ("must not contain control characters");
        return FALSE;
      }
  return TRUE;
}
