#include <glib/gi18n-lib.h>

#include "curb-error.h"
#include "curb-order.h"
#include "curb-util.h"

static const char * const state_names[CURB_ORDER_STATE_COUNT] = {
  "pending", "ready", "arrived", "claimed", "handed_over",
  "partially_handed_over", "no_show", "cancelled",
};

static const char * const temperature_names[CURB_TEMPERATURE_COUNT] = {
  "ambient", "chilled", "frozen",
};

/* What staff read on labels and screens (the kiosk says "Pantry" to shoppers). */
static const char * const temperature_titles[CURB_TEMPERATURE_COUNT] = {
  N_("Ambient"), N_("Chilled"), N_("Frozen"),
};

static int
index_of (const char * const *names,
          guint               n_names,
          const char         *text)
{
  if (text == NULL)
    return -1;
  for (guint i = 0; i < n_names; i++)
    if (g_str_equal (names[i], text))
      return (int) i;
  return -1;
}

const char *
curb_order_state_to_string (CurbOrderState state)
{
  g_return_val_if_fail ((guint) state < CURB_ORDER_STATE_COUNT, NULL);
  return state_names[state];
}

gboolean
curb_order_state_from_string (const char     *text,
                              CurbOrderState *out_state)
{
  int i = index_of (state_names, CURB_ORDER_STATE_COUNT, text);

  if (i < 0)
    return FALSE;
  if (out_state != NULL)
    *out_state = (CurbOrderState) i;
  return TRUE;
}

gboolean
curb_order_state_is_active (CurbOrderState state)
{
  return state == CURB_ORDER_STATE_PENDING || state == CURB_ORDER_STATE_READY
         || state == CURB_ORDER_STATE_ARRIVED || state == CURB_ORDER_STATE_CLAIMED;
}

const char *
curb_temperature_to_string (CurbTemperature temperature)
{
  g_return_val_if_fail ((guint) temperature < CURB_TEMPERATURE_COUNT, NULL);
  return temperature_names[temperature];
}

const char *
curb_temperature_get_title (CurbTemperature temperature)
{
  g_return_val_if_fail ((guint) temperature < CURB_TEMPERATURE_COUNT, NULL);
  return temperature_titles[temperature];
}

gboolean
curb_temperature_from_string (const char      *text,
                              CurbTemperature *out_temperature)
{
  int i = index_of (temperature_names, CURB_TEMPERATURE_COUNT, text);

  if (i < 0)
    return FALSE;
  if (out_temperature != NULL)
    *out_temperature = (CurbTemperature) i;
  return TRUE;
}

gboolean
curb_order_ref_is_valid (const char *ref)
{
  gsize len;

  if (ref == NULL)
    return FALSE;
  len = strlen (ref);
  if (len == 0 || len > 32)
    return FALSE;
  for (const char *p = ref; *p; p++)
    if (!g_ascii_isupper (*p) && !g_ascii_isdigit (*p) && *p != '-')
      return FALSE;
  return TRUE;
}

char *
curb_order_normalize_surname (const char *surname)
{
  g_autofree char *decomposed = NULL;
  g_autoptr(GString) kept = g_string_new (NULL);

  if (surname == NULL || !g_utf8_validate (surname, -1, NULL))
    return NULL;
  decomposed = g_utf8_normalize (surname, -1, G_NORMALIZE_NFKD);
  for (const char *p = decomposed; p != NULL && *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_isalnum (c) && !g_unichar_ismark (c))
        g_string_append_unichar (kept, c);
    }
  if (kept->len == 0)
    return NULL;
  return g_utf8_casefold (kept->str, -1);
}

char *
curb_order_normalize_phone_last4 (const char *phone)
{
  g_autoptr(GString) digits = g_string_new (NULL);

  if (phone == NULL)
    return NULL;
  for (const char *p = phone; *p; p++)
    if (g_ascii_isdigit (*p))
      g_string_append_c (digits, *p);
  if (digits->len < 4)
    return NULL;
  return g_strdup (digits->str + digits->len - 4);
}

char *
curb_order_format_display_name (const char *first_name,
                                const char *last_initial)
{
  if (first_name == NULL || *first_name == '\0')
    return NULL;
  if (last_initial == NULL || *last_initial == '\0' || !g_utf8_validate (last_initial, -1, NULL))
    return g_strdup (first_name);
  return g_strdup_printf ("%s %.*s.", first_name,
                          (int) (g_utf8_next_char (last_initial) - last_initial), last_initial);
}
