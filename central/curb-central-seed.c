#include "curbside-core.h"
#include "curb-central-seed.h"

/* Plausible demo orders: varied names (accents, apostrophes, particles),
 * chilled and frozen lines, age-restricted lines, substitutions awaiting a
 * decision, alternate pickup people, pickup windows around now. The same
 * index always gives the same order. */

#define HALF_HOUR_MS (30 * 60 * 1000)
#define HOUR_MS (60 * 60 * 1000)

typedef struct
{
  const char *first_name;
  const char *surname;
  const char *language;   /* NULL: unknown */
} DemoShopper;

typedef struct
{
  const char *sku;
  const char *name;
  const char *temperature;
  gboolean    age_restricted;
} DemoProduct;

static const DemoShopper shoppers[] = {
  { "José", "Núñez", "es" },
  { "Sam", "Rivera", "en" },
  { "Zoë", "O'Brien-Lefèvre", "en" },
  { "Siobhán", "Ní Bhriain", NULL },
  { "Łukasz", "Żółkiewski", NULL },
  { "Ana María", "de la Cruz", "es" },
  { "Mohammed", "Al-Sayed", "en" },
  { "Thi Minh", "Nguyễn", NULL },
  { "Priya", "Raghunathan", "en" },
  { "Björn", "Åkesson", NULL },
  { "Wei", "Li", NULL },
  { "Grace", "Okonkwo", "en" },
};

static const DemoProduct products[] = {
  { "GRO-EGGS-12", "Free Range Eggs (12)", "chilled", FALSE },
  { "DAI-MILK-2L", "Whole Milk 2 L", "chilled", FALSE },
  { "DAI-OAT-1L", "Oat milk 1 L", "chilled", FALSE },
  { "MEA-CHKN-500", "Chicken Breast 500 g", "chilled", FALSE },
  { "FRZ-PEAS-1K", "Frozen Garden Peas 1 kg", "frozen", FALSE },
  { "FRZ-ICE-VAN", "Vanilla Ice Cream 1 L", "frozen", FALSE },
  { "FRZ-PIZZA-MG", "Stone-baked Margherita Pizza", "frozen", FALSE },
  { "BAK-SOUR-LF", "Sourdough Loaf", "ambient", FALSE },
  { "PAN-RICE-2K", "Basmati Rice 2 kg", "ambient", FALSE },
  { "PRD-BAN-1K", "Bananas 1 kg", "ambient", FALSE },
  { "BEV-WINE-RIO", "Rioja Tempranillo 75 cl", "ambient", TRUE },
  { "BEV-BEER-6PK", "Lager 6 × 330 ml", "ambient", TRUE },
};

static const DemoShopper alternates[] = {
  { "Alex", "Kim", NULL },
  { "Marta", "Sánchez", NULL },
  { "Chris", "Doyle", NULL },
};

static char *
initial_of (const char *surname)
{
  gunichar first = g_utf8_get_char (surname);
  char buf[8] = { 0 };

  g_unichar_to_utf8 (g_unichar_toupper (first), buf);
  return g_strdup (buf);
}

static JsonObject *
make_line (guint              number,
           const DemoProduct *product,
           guint              qty)
{
  JsonObject *line = json_object_new ();
  g_autofree char *id = g_strdup_printf ("L%u", number);

  json_object_set_string_member (line, "id", id);
  json_object_set_string_member (line, "sku", product->sku);
  json_object_set_string_member (line, "name", product->name);
  json_object_set_int_member (line, "qty", qty);
  json_object_set_string_member (line, "temperature", product->temperature);
  json_object_set_boolean_member (line, "age_restricted", product->age_restricted);
  return line;
}

/* Lines from a deterministic walk over the catalogue; returns whether any
 * line needs an ID check, and the id of an oat milk line if there is one. */
static JsonArray *
make_lines (GRand     *rand,
            gboolean  *out_age_restricted,
            char     **out_oat_line)
{
  JsonArray *lines = json_array_new ();
  guint n_lines = g_rand_int_range (rand, 2, 7);
  guint start = g_rand_int_range (rand, 0, G_N_ELEMENTS (products));

  *out_age_restricted = FALSE;
  *out_oat_line = NULL;
  for (guint i = 0; i < n_lines; i++)
    {
      const DemoProduct *product = &products[(start + i * 5) % G_N_ELEMENTS (products)];

      json_array_add_object_element (lines, make_line (i + 1, product, g_rand_int_range (rand, 1, 4)));
      *out_age_restricted |= product->age_restricted;
      if (g_str_equal (product->sku, "DAI-OAT-1L"))
        *out_oat_line = g_strdup_printf ("L%u", i + 1);
    }
  return lines;
}

static JsonArray *
make_substitutions (const char *oat_line)
{
  JsonArray *subs = json_array_new ();
  JsonObject *sub;

  if (oat_line == NULL)
    return subs;
  sub = json_object_new ();
  json_object_set_string_member (sub, "id", "S1");
  json_object_set_string_member (sub, "line_id", oat_line);
  json_object_set_string_member (sub, "original", "Oat milk 1 L");
  json_object_set_string_member (sub, "replacement", "Soy milk 1 L");
  json_object_set_int_member (sub, "qty", 1);
  json_object_set_string_member (sub, "status", "pending");
  json_array_add_object_element (subs, sub);
  return subs;
}

static void
set_person (JsonObject        *object,
            const DemoShopper *person)
{
  g_autofree char *initial = initial_of (person->surname);

  json_object_set_string_member (object, "first_name", person->first_name);
  json_object_set_string_member (object, "last_initial", initial);
}

static void
set_alternate (JsonObject *order,
               guint       index)
{
  JsonObject *alternate;

  if (index % 7 != 3)
    {
      json_object_set_null_member (order, "alternate_pickup");
      return;
    }
  alternate = json_object_new ();
  set_person (alternate, &alternates[index % G_N_ELEMENTS (alternates)]);
  json_object_set_object_member (order, "alternate_pickup", alternate);
}

static void
set_window (JsonObject *order,
            guint       index,
            gint64      now_ms)
{
  gint64 start = now_ms - now_ms % HALF_HOUR_MS + ((gint64) (index % 12) - 4) * HALF_HOUR_MS;
  g_autofree char *start_text = curb_iso8601_from_ms (start);
  g_autofree char *end_text = curb_iso8601_from_ms (start + HOUR_MS);

  json_object_set_string_member (order, "window_start", start_text);
  json_object_set_string_member (order, "window_end", end_text);
}

/**
 * curb_central_seed_demo_order:
 * @index: which demo order (the same index gives the same order)
 * @now_ms: the pickup windows lie around this time
 *
 * Returns: (transfer full): a demo order's content (no token)
 */
JsonObject *
curb_central_seed_demo_order (guint  index,
                              gint64 now_ms)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (index * 2654435761u + 17);
  const DemoShopper *shopper = &shoppers[index % G_N_ELEMENTS (shoppers)];
  JsonObject *order = json_object_new ();
  g_autofree char *ref = g_strdup_printf ("P%05u", index + 1);
  g_autofree char *phone = g_strdup_printf ("%04u", (index * 7919 + 142) % 10000);
  g_autofree char *oat_line = NULL;
  gboolean age_restricted;
  JsonArray *lines = make_lines (rand, &age_restricted, &oat_line);

  json_object_set_string_member (order, "ref", ref);
  set_person (order, shopper);
  json_object_set_string_member (order, "surname", shopper->surname);
  json_object_set_string_member (order, "phone_last4", phone);
  if (shopper->language != NULL)
    json_object_set_string_member (order, "language", shopper->language);
  set_window (order, index, now_ms);
  json_object_set_boolean_member (order, "age_restricted", age_restricted);
  set_alternate (order, index);
  json_object_set_array_member (order, "lines", lines);
  json_object_set_array_member (order, "substitutions", make_substitutions (oat_line));
  json_object_set_boolean_member (order, "cancelled", FALSE);
  return order;
}

static void
add_token (JsonObject           *order,
           const char           *store_id,
           CurbCentralTokenFunc  token_func,
           gpointer              token_data)
{
  gint64 window_end = 0;
  g_autofree char *token = NULL;

  curb_iso8601_to_ms (json_object_get_string_member (order, "window_end"), &window_end);
  token = token_func (store_id, json_object_get_string_member (order, "ref"),
                      window_end + 24 * HOUR_MS, token_data);
  if (token != NULL)
    json_object_set_string_member (order, "token", token);
}

/**
 * curb_central_seed_demo:
 * @token_func: (nullable): signs each order's pickup token
 *
 * Creates (or replaces) demo orders P00001… for @store_id in one transaction.
 */
gboolean
curb_central_seed_demo (CurbCentralDb         *db,
                        const char            *store_id,
                        guint                  count,
                        gint64                 now_ms,
                        CurbCentralTokenFunc   token_func,
                        gpointer               token_data,
                        GError               **error)
{
  g_autoptr(GPtrArray) orders = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);

  g_return_val_if_fail (CURB_IS_CENTRAL_DB (db), FALSE);

  for (guint i = 0; i < count; i++)
    {
      JsonObject *order = curb_central_seed_demo_order (i, now_ms);

      if (token_func != NULL)
        add_token (order, store_id, token_func, token_data);
      g_ptr_array_add (orders, order);
    }
  return curb_central_db_put_orders (db, store_id, orders, error);
}
