#include "curb-order-model.h"

struct _CurbOrder
{
  GObject         parent_instance;

  char           *ref;
  char           *store_id;
  gint64          version;
  char           *first_name;
  char           *last_initial;
  char           *language;
  gint64          window_start;
  gint64          window_end;
  gboolean        age_restricted;
  gboolean        cancelled;
  CurbPerson     *alternate_pickup;
  GListStore     *lines;
  GListStore     *substitutions;
  gint64          announced_at;
  gint64          eta;

  CurbOrderState  state;
  gboolean        staged;
  char           *bay;
  gboolean        bay_skipped;
  gint64          staged_at;
  gint64          arrived_at;
  gint64          claimed_at;
  gint64          handed_over_at;
  CurbPerson     *claimer;
  gint64          last_seq;
  GListStore     *locations;
  GListStore     *bags;
  GListStore     *not_taken;
  GListStore     *restage;
};

enum
{
  PROP_0,
  PROP_REF,
  PROP_STORE_ID,
  PROP_VERSION,
  PROP_FIRST_NAME,
  PROP_LAST_INITIAL,
  PROP_DISPLAY_NAME,
  PROP_LANGUAGE,
  PROP_WINDOW_START,
  PROP_WINDOW_END,
  PROP_AGE_RESTRICTED,
  PROP_CANCELLED,
  PROP_ALTERNATE_PICKUP,
  PROP_LINES,
  PROP_SUBSTITUTIONS,
  PROP_ANNOUNCED_AT,
  PROP_ETA,
  PROP_STATE,
  PROP_STAGED,
  PROP_BAY,
  PROP_BAY_SKIPPED,
  PROP_STAGED_AT,
  PROP_ARRIVED_AT,
  PROP_CLAIMED_AT,
  PROP_HANDED_OVER_AT,
  PROP_CLAIMER,
  PROP_LAST_SEQ,
  PROP_LOCATIONS,
  PROP_BAGS,
  PROP_BAG_COUNT,
  PROP_NOT_TAKEN,
  PROP_RESTAGE,
  N_PROPS
};

static GParamSpec *props[N_PROPS];

G_DEFINE_FINAL_TYPE (CurbOrder, curb_order, G_TYPE_OBJECT)

/* --- setting a member: notify only on change --- */

static void
set_string (CurbOrder   *self,
            char       **slot,
            const char  *value,
            guint        prop)
{
  if (g_strcmp0 (*slot, value) == 0)
    return;
  g_free (*slot);
  *slot = g_strdup (value);
  g_object_notify_by_pspec (G_OBJECT (self), props[prop]);
}

static void
set_int64 (CurbOrder *self,
           gint64    *slot,
           gint64     value,
           guint      prop)
{
  if (*slot == value)
    return;
  *slot = value;
  g_object_notify_by_pspec (G_OBJECT (self), props[prop]);
}

static void
set_boolean (CurbOrder *self,
             gboolean  *slot,
             gboolean   value,
             guint      prop)
{
  value = !!value;
  if (*slot == value)
    return;
  *slot = value;
  g_object_notify_by_pspec (G_OBJECT (self), props[prop]);
}

static void
set_person (CurbOrder   *self,
            CurbPerson **slot,
            CurbPerson  *value,
            guint        prop)
{
  if (curb_person_equal (*slot, value))
    return;
  g_set_object (slot, value);
  g_object_notify_by_pspec (G_OBJECT (self), props[prop]);
}

typedef gboolean (*ItemEqualFunc) (gpointer a, gpointer b);

static gboolean
items_equal (GListStore    *store,
             GPtrArray     *items,
             ItemEqualFunc  equal)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (store));

  if (n != items->len)
    return FALSE;
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GObject) item = g_list_model_get_item (G_LIST_MODEL (store), i);

      if (!equal (item, g_ptr_array_index (items, i)))
        return FALSE;
    }
  return TRUE;
}

/* A list property notifies when its items change (the list object stays
 * the same), so a binding over the list redraws. */
static void
replace_items (CurbOrder     *self,
               GListStore    *store,
               GPtrArray     *items,
               ItemEqualFunc  equal,
               guint          prop)
{
  if (items_equal (store, items, equal))
    return;
  g_list_store_splice (store, 0, g_list_model_get_n_items (G_LIST_MODEL (store)),
                       items->pdata, items->len);
  g_object_notify_by_pspec (G_OBJECT (self), props[prop]);
}

static GPtrArray *
items_of (GListModel *model)
{
  GPtrArray *items = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    g_ptr_array_add (items, g_list_model_get_item (model, i));
  return items;
}

/* --- GObject --- */

static void
curb_order_dispose (GObject *object)
{
  CurbOrder *self = CURB_ORDER (object);

  g_clear_object (&self->alternate_pickup);
  g_clear_object (&self->claimer);
  G_OBJECT_CLASS (curb_order_parent_class)->dispose (object);
}

static void
curb_order_finalize (GObject *object)
{
  CurbOrder *self = CURB_ORDER (object);

  g_free (self->ref);
  g_free (self->store_id);
  g_free (self->first_name);
  g_free (self->last_initial);
  g_free (self->language);
  g_free (self->bay);
  g_object_unref (self->lines);
  g_object_unref (self->substitutions);
  g_object_unref (self->locations);
  g_object_unref (self->bags);
  g_object_unref (self->not_taken);
  g_object_unref (self->restage);
  G_OBJECT_CLASS (curb_order_parent_class)->finalize (object);
}

static void
get_content_property (CurbOrder *self,
                      guint      prop_id,
                      GValue    *value)
{
  switch (prop_id)
    {
    case PROP_REF:
      g_value_set_string (value, self->ref);
      break;
    case PROP_STORE_ID:
      g_value_set_string (value, self->store_id);
      break;
    case PROP_VERSION:
      g_value_set_int64 (value, self->version);
      break;
    case PROP_FIRST_NAME:
      g_value_set_string (value, self->first_name);
      break;
    case PROP_LAST_INITIAL:
      g_value_set_string (value, self->last_initial);
      break;
    case PROP_DISPLAY_NAME:
      g_value_take_string (value, curb_order_dup_display_name (self));
      break;
    case PROP_LANGUAGE:
      g_value_set_string (value, self->language);
      break;
    case PROP_WINDOW_START:
      g_value_set_int64 (value, self->window_start);
      break;
    case PROP_WINDOW_END:
      g_value_set_int64 (value, self->window_end);
      break;
    case PROP_AGE_RESTRICTED:
      g_value_set_boolean (value, self->age_restricted);
      break;
    case PROP_CANCELLED:
      g_value_set_boolean (value, self->cancelled);
      break;
    case PROP_ALTERNATE_PICKUP:
      g_value_set_object (value, self->alternate_pickup);
      break;
    case PROP_LINES:
      g_value_set_object (value, self->lines);
      break;
    case PROP_SUBSTITUTIONS:
      g_value_set_object (value, self->substitutions);
      break;
    case PROP_ANNOUNCED_AT:
      g_value_set_int64 (value, self->announced_at);
      break;
    case PROP_ETA:
      g_value_set_int64 (value, self->eta);
      break;
    default:
      g_assert_not_reached ();
    }
}

static void
get_fact_property (CurbOrder *self,
                   guint      prop_id,
                   GValue    *value)
{
  switch (prop_id)
    {
    case PROP_STATE:
      g_value_set_enum (value, self->state);
      break;
    case PROP_STAGED:
      g_value_set_boolean (value, self->staged);
      break;
    case PROP_BAY:
      g_value_set_string (value, self->bay);
      break;
    case PROP_BAY_SKIPPED:
      g_value_set_boolean (value, self->bay_skipped);
      break;
    case PROP_STAGED_AT:
      g_value_set_int64 (value, self->staged_at);
      break;
    case PROP_ARRIVED_AT:
      g_value_set_int64 (value, self->arrived_at);
      break;
    case PROP_CLAIMED_AT:
      g_value_set_int64 (value, self->claimed_at);
      break;
    case PROP_HANDED_OVER_AT:
      g_value_set_int64 (value, self->handed_over_at);
      break;
    case PROP_CLAIMER:
      g_value_set_object (value, self->claimer);
      break;
    case PROP_LAST_SEQ:
      g_value_set_int64 (value, self->last_seq);
      break;
    case PROP_LOCATIONS:
      g_value_set_object (value, self->locations);
      break;
    case PROP_BAGS:
      g_value_set_object (value, self->bags);
      break;
    case PROP_BAG_COUNT:
      g_value_set_uint (value, curb_order_get_bag_count (self));
      break;
    case PROP_NOT_TAKEN:
      g_value_set_object (value, self->not_taken);
      break;
    case PROP_RESTAGE:
      g_value_set_object (value, self->restage);
      break;
    default:
      g_assert_not_reached ();
    }
}

static void
curb_order_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  if (prop_id == 0 || prop_id >= N_PROPS)
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
  else if (prop_id < PROP_STATE)
    get_content_property (CURB_ORDER (object), prop_id, value);
  else
    get_fact_property (CURB_ORDER (object), prop_id, value);
}

static void
curb_order_set_property (GObject      *object,
                         guint         prop_id,
                         const GValue *value,
                         GParamSpec   *pspec)
{
  CurbOrder *self = CURB_ORDER (object);

  switch (prop_id)
    {
    case PROP_REF:
      curb_order_set_ref (self, g_value_get_string (value));
      break;
    case PROP_STORE_ID:
      curb_order_set_store_id (self, g_value_get_string (value));
      break;
    case PROP_VERSION:
      curb_order_set_version (self, g_value_get_int64 (value));
      break;
    case PROP_FIRST_NAME:
      curb_order_set_first_name (self, g_value_get_string (value));
      break;
    case PROP_LAST_INITIAL:
      curb_order_set_last_initial (self, g_value_get_string (value));
      break;
    case PROP_LANGUAGE:
      curb_order_set_language (self, g_value_get_string (value));
      break;
    case PROP_WINDOW_START:
      curb_order_set_window_start (self, g_value_get_int64 (value));
      break;
    case PROP_WINDOW_END:
      curb_order_set_window_end (self, g_value_get_int64 (value));
      break;
    case PROP_AGE_RESTRICTED:
      curb_order_set_age_restricted (self, g_value_get_boolean (value));
      break;
    case PROP_CANCELLED:
      curb_order_set_cancelled (self, g_value_get_boolean (value));
      break;
    case PROP_ALTERNATE_PICKUP:
      curb_order_set_alternate_pickup (self, g_value_get_object (value));
      break;
    case PROP_ANNOUNCED_AT:
      curb_order_set_on_the_way (self, g_value_get_int64 (value), self->eta);
      break;
    case PROP_ETA:
      curb_order_set_on_the_way (self, self->announced_at, g_value_get_int64 (value));
      break;
    case PROP_STATE:
      curb_order_set_state (self, g_value_get_enum (value));
      break;
    case PROP_STAGED:
      curb_order_set_staged (self, g_value_get_boolean (value));
      break;
    case PROP_BAY:
      curb_order_set_bay (self, g_value_get_string (value));
      break;
    case PROP_BAY_SKIPPED:
      curb_order_set_bay_skipped (self, g_value_get_boolean (value));
      break;
    case PROP_STAGED_AT:
      curb_order_set_staged_at (self, g_value_get_int64 (value));
      break;
    case PROP_ARRIVED_AT:
      curb_order_set_arrived_at (self, g_value_get_int64 (value));
      break;
    case PROP_CLAIMED_AT:
      curb_order_set_claimed_at (self, g_value_get_int64 (value));
      break;
    case PROP_HANDED_OVER_AT:
      curb_order_set_handed_over_at (self, g_value_get_int64 (value));
      break;
    case PROP_CLAIMER:
      curb_order_set_claimer (self, g_value_get_object (value));
      break;
    case PROP_LAST_SEQ:
      curb_order_set_last_seq (self, g_value_get_int64 (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static GParamSpec *
string_param (const char *name)
{
  return g_param_spec_string (name, NULL, NULL, NULL,
                              G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
}

static GParamSpec *
time_param (const char *name)
{
  return g_param_spec_int64 (name, NULL, NULL, 0, G_MAXINT64, 0,
                             G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
}

static GParamSpec *
boolean_param (const char *name)
{
  return g_param_spec_boolean (name, NULL, NULL, FALSE,
                               G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
}

static GParamSpec *
object_param (const char *name,
              GType       type,
              gboolean    writable)
{
  return g_param_spec_object (name, NULL, NULL, type,
                              (writable ? G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY : G_PARAM_READABLE)
                              | G_PARAM_STATIC_STRINGS);
}

static void
install_content_properties (void)
{
  props[PROP_REF] = string_param ("ref");
  props[PROP_STORE_ID] = string_param ("store-id");
  props[PROP_VERSION] = time_param ("version");
  props[PROP_FIRST_NAME] = string_param ("first-name");
  props[PROP_LAST_INITIAL] = string_param ("last-initial");
  props[PROP_DISPLAY_NAME] = g_param_spec_string ("display-name", NULL, NULL, NULL,
                                                  G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  props[PROP_LANGUAGE] = string_param ("language");
  props[PROP_WINDOW_START] = time_param ("window-start");
  props[PROP_WINDOW_END] = time_param ("window-end");
  props[PROP_AGE_RESTRICTED] = boolean_param ("age-restricted");
  props[PROP_CANCELLED] = boolean_param ("cancelled");
  props[PROP_ALTERNATE_PICKUP] = object_param ("alternate-pickup", CURB_TYPE_PERSON, TRUE);
  props[PROP_LINES] = object_param ("lines", G_TYPE_LIST_MODEL, FALSE);
  props[PROP_SUBSTITUTIONS] = object_param ("substitutions", G_TYPE_LIST_MODEL, FALSE);
  props[PROP_ANNOUNCED_AT] = time_param ("announced-at");
  props[PROP_ETA] = time_param ("eta");
}

static void
install_fact_properties (void)
{
  props[PROP_STATE] = g_param_spec_enum ("state", NULL, NULL, CURB_TYPE_ORDER_STATE, CURB_ORDER_STATE_PENDING,
                                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  props[PROP_STAGED] = boolean_param ("staged");
  props[PROP_BAY] = string_param ("bay");
  props[PROP_BAY_SKIPPED] = boolean_param ("bay-skipped");
  props[PROP_STAGED_AT] = time_param ("staged-at");
  props[PROP_ARRIVED_AT] = time_param ("arrived-at");
  props[PROP_CLAIMED_AT] = time_param ("claimed-at");
  props[PROP_HANDED_OVER_AT] = time_param ("handed-over-at");
  props[PROP_CLAIMER] = object_param ("claimer", CURB_TYPE_PERSON, TRUE);
  props[PROP_LAST_SEQ] = time_param ("last-seq");
  props[PROP_LOCATIONS] = object_param ("locations", G_TYPE_LIST_MODEL, FALSE);
  props[PROP_BAGS] = object_param ("bags", G_TYPE_LIST_MODEL, FALSE);
  props[PROP_BAG_COUNT] = g_param_spec_uint ("bag-count", NULL, NULL, 0, G_MAXUINT, 0,
                                             G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  props[PROP_NOT_TAKEN] = object_param ("not-taken", G_TYPE_LIST_MODEL, FALSE);
  props[PROP_RESTAGE] = object_param ("restage", G_TYPE_LIST_MODEL, FALSE);
}

static void
curb_order_class_init (CurbOrderClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = curb_order_dispose;
  object_class->finalize = curb_order_finalize;
  object_class->get_property = curb_order_get_property;
  object_class->set_property = curb_order_set_property;
  install_content_properties ();
  install_fact_properties ();
  g_object_class_install_properties (object_class, N_PROPS, props);
}

static void
curb_order_init (CurbOrder *self)
{
  self->lines = g_list_store_new (CURB_TYPE_ORDER_LINE);
  self->substitutions = g_list_store_new (CURB_TYPE_SUBSTITUTION);
  self->locations = g_list_store_new (CURB_TYPE_STAGING_LOCATION);
  self->bags = g_list_store_new (CURB_TYPE_BAG);
  self->not_taken = g_list_store_new (CURB_TYPE_NOT_TAKEN);
  self->restage = g_list_store_new (CURB_TYPE_RESTAGE_LINE);
}

/* --- public API --- */

CurbOrder *
curb_order_new (const char *ref)
{
  return g_object_new (CURB_TYPE_ORDER, "ref", ref, NULL);
}

const char *
curb_order_get_ref (CurbOrder *self)
{
  g_return_val_if_fail (CURB_IS_ORDER (self), NULL);
  return self->ref;
}

void
curb_order_set_ref (CurbOrder  *self,
                    const char *ref)
{
  g_return_if_fail (CURB_IS_ORDER (self));
  set_string (self, &self->ref, ref, PROP_REF);
}

const char *
curb_order_get_store_id (CurbOrder *self)
{
  g_return_val_if_fail (CURB_IS_ORDER (self), NULL);
  return self->store_id;
}

void
curb_order_set_store_id (CurbOrder  *self,
                         const char *store_id)
{
  g_return_if_fail (CURB_IS_ORDER (self));
  set_string (self, &self->store_id, store_id, PROP_STORE_ID);
}

gint64
curb_order_get_version (CurbOrder *self)
{
  g_return_val_if_fail (CURB_IS_ORDER (self), 0);
  return self->version;
}

void
curb_order_set_version (CurbOrder *self,
                        gint64     version)
{
  g_return_if_fail (CURB_IS_ORDER (self));
  set_int64 (self, &self->version, version, PROP_VERSION);
}

const char *
curb_order_get_first_name (CurbOrder *self)
{
  g_return_val_if_fail (CURB_IS_ORDER (self), NULL);
  return self->first_name;
}

void
curb_order_set_first_name (CurbOrder  *self,
                           const char *first_name)
{
  g_return_if_fail (CURB_IS_ORDER (self));
  if (g_strcmp0 (self->first_name, first_name) == 0)
    return;
  set_string (self, &self->first_name, first_name, PROP_FIRST_NAME);
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_DISPLAY_NAME]);
}

const char *
curb_order_get_last_initial (CurbOrder *self)
{
  g_return_val_if_fail (CURB_IS_ORDER (self), NULL);
  return self->last_initial;
}

void
curb_order_set_last_initial (CurbOrder  *self,
                             const char *last_initial)
{
  g_return_if_fail (CURB_IS_ORDER (self));
  if (g_strcmp0 (self->last_initial, last_initial) == 0)
    return;
  set_string (self, &self->last_initial, last_initial, PROP_LAST_INITIAL);
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_DISPLAY_NAME]);
}

char *
curb_order_dup_display_name (CurbOrder *self)
{
  g_return_val_if_fail (CURB_IS_ORDER (self), NULL);
  return curb_order_format_display_name (self->first_name, self->last_initial);
}

const char *
curb_order_get_language (CurbOrder *self)
{
  g_return_val_if_fail (CURB_IS_ORDER (self), NULL);
  return self->language;
}

void
curb_order_set_language (CurbOrder  *self,
                         const char *language)
{
  g_return_if_fail (CURB_IS_ORDER (self));
  set_string (self, &self->language, language, PROP_LANGUAGE);
}

gint64
curb_order_get_window_start (CurbOrder *self)
{
  g_return_val_if_fail (CURB_IS_ORDER (self), 0);
  return self->window_start;
}

void
curb_order_set_window_start (CurbOrder *self,
                             gint64     ms)
{
  g_return_if_fail (CURB_IS_ORDER (self));
  set_int64 (self, &self->window_start, ms, PROP_WINDOW_START);
}

gint64
curb_order_get_window_end (CurbOrder *self)
{
  g_return_val_if_fail (CURB_IS_ORDER (self), 0);
  return self->window_end;
}

void
curb_order_set_window_end (CurbOrder *self,
                           gint64     ms)
{
  g_return_if_fail (CURB_IS_ORDER (self));
  set_int64 (self, &self->window_end, ms, PROP_WINDOW_END);
}

gboolean
curb_order_get_age_restricted (CurbOrder *self)
{
  g_return_val_if_fail (CURB_IS_ORDER (self), FALSE);
  return self->age_restricted;
}

void
curb_order_set_age_restricted (CurbOrder *self,
                               gboolean   age_restricted)
{
  g_return_if_fail (CURB_IS_ORDER (self));
  set_boolean (self, &self->age_restricted, age_restricted, PROP_AGE_RESTRICTED);
}

gboolean
curb_order_get_cancelled (CurbOrder *self)
{
  g_return_val_if_fail (CURB_IS_ORDER (self), FALSE);
  return self->cancelled;
}

void
curb_order_set_cancelled (CurbOrder *self,
                          gboolean   cancelled)
{
  g_return_if_fail (CURB_IS_ORDER (self));
  set_boolean (self, &self->cancelled, cancelled, PROP_CANCELLED);
}

CurbPerson *
curb_order_get_alternate_pickup (CurbOrder *self)
{
  g_return_val_if_fail (CURB_IS_ORDER (self), NULL);
  return self->alternate_pickup;
}

void
curb_order_set_alternate_pickup (CurbOrder  *self,
                                 CurbPerson *person)
{
  g_return_if_fail (CURB_IS_ORDER (self));
  g_return_if_fail (person == NULL || CURB_IS_PERSON (person));
  set_person (self, &self->alternate_pickup, person, PROP_ALTERNATE_PICKUP);
}

GListModel *
curb_order_get_lines (CurbOrder *self)
{
  g_return_val_if_fail (CURB_IS_ORDER (self), NULL);
  return G_LIST_MODEL (self->lines);
}

void
curb_order_set_lines (CurbOrder *self,
                      GPtrArray *lines)
{
  g_return_if_fail (CURB_IS_ORDER (self));
  g_return_if_fail (lines != NULL);
  replace_items (self, self->lines, lines, (ItemEqualFunc) curb_order_line_equal, PROP_LINES);
}

GListModel *
curb_order_get_substitutions (CurbOrder *self)
{
  g_return_val_if_fail (CURB_IS_ORDER (self), NULL);
  return G_LIST_MODEL (self->substitutions);
}

void
curb_order_set_substitutions (CurbOrder *self,
                              GPtrArray *substitutions)
{
  g_return_if_fail (CURB_IS_ORDER (self));
  g_return_if_fail (substitutions != NULL);
  replace_items (self, self->substitutions, substitutions, (ItemEqualFunc) curb_substitution_equal,
                 PROP_SUBSTITUTIONS);
}

CurbOrderState
curb_order_get_state (CurbOrder *self)
{
  g_return_val_if_fail (CURB_IS_ORDER (self), CURB_ORDER_STATE_PENDING);
  return self->state;
}

void
curb_order_set_state (CurbOrder      *self,
                      CurbOrderState  state)
{
  g_return_if_fail (CURB_IS_ORDER (self));
  g_return_if_fail ((guint) state < CURB_ORDER_STATE_COUNT);
  if (self->state == state)
    return;
  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_STATE]);
}

gboolean
curb_order_get_staged (CurbOrder *self)
{
  g_return_val_if_fail (CURB_IS_ORDER (self), FALSE);
  return self->staged;
}

void
curb_order_set_staged (CurbOrder *self,
                       gboolean   staged)
{
  g_return_if_fail (CURB_IS_ORDER (self));
  set_boolean (self, &self->staged, staged, PROP_STAGED);
}

const char *
curb_order_get_bay (CurbOrder *self)
{
  g_return_val_if_fail (CURB_IS_ORDER (self), NULL);
  return self->bay;
}

void
curb_order_set_bay (CurbOrder  *self,
                    const char *bay)
{
  g_return_if_fail (CURB_IS_ORDER (self));
  set_string (self, &self->bay, bay, PROP_BAY);
}

gboolean
curb_order_get_bay_skipped (CurbOrder *self)
{
  g_return_val_if_fail (CURB_IS_ORDER (self), FALSE);
  return self->bay_skipped;
}

void
curb_order_set_bay_skipped (CurbOrder *self,
                            gboolean   skipped)
{
  g_return_if_fail (CURB_IS_ORDER (self));
  set_boolean (self, &self->bay_skipped, skipped, PROP_BAY_SKIPPED);
}

gint64
curb_order_get_staged_at (CurbOrder *self)
{
  g_return_val_if_fail (CURB_IS_ORDER (self), 0);
  return self->staged_at;
}

void
curb_order_set_staged_at (CurbOrder *self,
                          gint64     ms)
{
  g_return_if_fail (CURB_IS_ORDER (self));
  set_int64 (self, &self->staged_at, ms, PROP_STAGED_AT);
}

gint64
curb_order_get_arrived_at (CurbOrder *self)
{
  g_return_val_if_fail (CURB_IS_ORDER (self), 0);
  return self->arrived_at;
}

void
curb_order_set_arrived_at (CurbOrder *self,
                           gint64     ms)
{
  g_return_if_fail (CURB_IS_ORDER (self));
  set_int64 (self, &self->arrived_at, ms, PROP_ARRIVED_AT);
}

gint64
curb_order_get_claimed_at (CurbOrder *self)
{
  g_return_val_if_fail (CURB_IS_ORDER (self), 0);
  return self->claimed_at;
}

void
curb_order_set_claimed_at (CurbOrder *self,
                           gint64     ms)
{
  g_return_if_fail (CURB_IS_ORDER (self));
  set_int64 (self, &self->claimed_at, ms, PROP_CLAIMED_AT);
}

gint64
curb_order_get_handed_over_at (CurbOrder *self)
{
  g_return_val_if_fail (CURB_IS_ORDER (self), 0);
  return self->handed_over_at;
}

void
curb_order_set_handed_over_at (CurbOrder *self,
                               gint64     ms)
{
  g_return_if_fail (CURB_IS_ORDER (self));
  set_int64 (self, &self->handed_over_at, ms, PROP_HANDED_OVER_AT);
}

CurbPerson *
curb_order_get_claimer (CurbOrder *self)
{
  g_return_val_if_fail (CURB_IS_ORDER (self), NULL);
  return self->claimer;
}

void
curb_order_set_claimer (CurbOrder  *self,
                        CurbPerson *claimer)
{
  g_return_if_fail (CURB_IS_ORDER (self));
  g_return_if_fail (claimer == NULL || CURB_IS_PERSON (claimer));
  set_person (self, &self->claimer, claimer, PROP_CLAIMER);
}

gint64
curb_order_get_last_seq (CurbOrder *self)
{
  g_return_val_if_fail (CURB_IS_ORDER (self), 0);
  return self->last_seq;
}

void
curb_order_set_last_seq (CurbOrder *self,
                         gint64     last_seq)
{
  g_return_if_fail (CURB_IS_ORDER (self));
  set_int64 (self, &self->last_seq, last_seq, PROP_LAST_SEQ);
}

GListModel *
curb_order_get_locations (CurbOrder *self)
{
  g_return_val_if_fail (CURB_IS_ORDER (self), NULL);
  return G_LIST_MODEL (self->locations);
}

void
curb_order_set_locations (CurbOrder *self,
                          GPtrArray *locations)
{
  g_return_if_fail (CURB_IS_ORDER (self));
  g_return_if_fail (locations != NULL);
  replace_items (self, self->locations, locations, (ItemEqualFunc) curb_staging_location_equal,
                 PROP_LOCATIONS);
}

GListModel *
curb_order_get_bags (CurbOrder *self)
{
  g_return_val_if_fail (CURB_IS_ORDER (self), NULL);
  return G_LIST_MODEL (self->bags);
}

guint
curb_order_get_bag_count (CurbOrder *self)
{
  g_return_val_if_fail (CURB_IS_ORDER (self), 0);
  return g_list_model_get_n_items (G_LIST_MODEL (self->bags));
}

guint
curb_order_count_bags (CurbOrder       *self,
                       CurbTemperature  temperature)
{
  guint count = 0;

  g_return_val_if_fail (CURB_IS_ORDER (self), 0);
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->bags)); i++)
    {
      g_autoptr(CurbBag) bag = g_list_model_get_item (G_LIST_MODEL (self->bags), i);

      count += curb_bag_get_temperature (bag) == temperature;
    }
  return count;
}

void
curb_order_set_bag_counts (CurbOrder   *self,
                           const guint  counts[CURB_TEMPERATURE_COUNT])
{
  g_autoptr(GPtrArray) bags = g_ptr_array_new_with_free_func (g_object_unref);
  guint before;

  g_return_if_fail (CURB_IS_ORDER (self));
  before = curb_order_get_bag_count (self);
  for (guint t = 0; t < CURB_TEMPERATURE_COUNT; t++)
    for (guint i = 0; i < counts[t]; i++)
      g_ptr_array_add (bags, curb_bag_new (bags->len + 1, t));
  replace_items (self, self->bags, bags, (ItemEqualFunc) curb_bag_equal, PROP_BAGS);
  if (bags->len != before)
    g_object_notify_by_pspec (G_OBJECT (self), props[PROP_BAG_COUNT]);
}

GListModel *
curb_order_get_not_taken (CurbOrder *self)
{
  g_return_val_if_fail (CURB_IS_ORDER (self), NULL);
  return G_LIST_MODEL (self->not_taken);
}

void
curb_order_set_not_taken (CurbOrder *self,
                          GPtrArray *not_taken)
{
  g_return_if_fail (CURB_IS_ORDER (self));
  g_return_if_fail (not_taken != NULL);
  replace_items (self, self->not_taken, not_taken, (ItemEqualFunc) curb_not_taken_equal, PROP_NOT_TAKEN);
}

gint64
curb_order_get_announced_at (CurbOrder *self)
{
  g_return_val_if_fail (CURB_IS_ORDER (self), 0);
  return self->announced_at;
}

gint64
curb_order_get_eta (CurbOrder *self)
{
  g_return_val_if_fail (CURB_IS_ORDER (self), 0);
  return self->eta;
}

void
curb_order_set_on_the_way (CurbOrder *self,
                           gint64     announced_at,
                           gint64     eta)
{
  g_return_if_fail (CURB_IS_ORDER (self));
  set_int64 (self, &self->announced_at, announced_at, PROP_ANNOUNCED_AT);
  set_int64 (self, &self->eta, eta, PROP_ETA);
}

GListModel *
curb_order_get_restage (CurbOrder *self)
{
  g_return_val_if_fail (CURB_IS_ORDER (self), NULL);
  return G_LIST_MODEL (self->restage);
}

void
curb_order_set_restage (CurbOrder *self,
                        GPtrArray *restage)
{
  g_return_if_fail (CURB_IS_ORDER (self));
  g_return_if_fail (restage != NULL);
  replace_items (self, self->restage, restage, (ItemEqualFunc) curb_restage_line_equal, PROP_RESTAGE);
}

/* --- questions --- */

typedef const char *(*ItemKeyFunc) (gpointer item);

static gpointer
find_item (GListModel  *model,
           ItemKeyFunc  get_key,
           const char  *key)
{
  for (guint i = 0; key != NULL && i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(GObject) item = g_list_model_get_item (model, i);

      if (g_strcmp0 (get_key (item), key) == 0)
        return item;   /* the model keeps a reference */
    }
  return NULL;
}

CurbOrderLine *
curb_order_find_line (CurbOrder  *self,
                      const char *line_id)
{
  g_return_val_if_fail (CURB_IS_ORDER (self), NULL);
  return find_item (G_LIST_MODEL (self->lines), (ItemKeyFunc) curb_order_line_get_id, line_id);
}

CurbSubstitution *
curb_order_find_substitution (CurbOrder  *self,
                              const char *substitution_id)
{
  g_return_val_if_fail (CURB_IS_ORDER (self), NULL);
  return find_item (G_LIST_MODEL (self->substitutions), (ItemKeyFunc) curb_substitution_get_id, substitution_id);
}

CurbSubstitution *
curb_order_find_substitution_for_line (CurbOrder  *self,
                                       const char *line_id)
{
  g_return_val_if_fail (CURB_IS_ORDER (self), NULL);
  return find_item (G_LIST_MODEL (self->substitutions), (ItemKeyFunc) curb_substitution_get_line_id, line_id);
}

guint
curb_order_get_not_taken_qty (CurbOrder  *self,
                              const char *line_id)
{
  GListModel *model;
  guint qty = 0;

  g_return_val_if_fail (CURB_IS_ORDER (self), 0);
  model = G_LIST_MODEL (self->not_taken);
  for (guint i = 0; line_id != NULL && i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(CurbNotTaken) entry = g_list_model_get_item (model, i);

      if (g_strcmp0 (curb_not_taken_get_line_id (entry), line_id) == 0)
        qty += curb_not_taken_get_qty (entry);
    }
  return qty;
}

char *
curb_order_dup_locations_text (CurbOrder *self)
{
  g_autoptr(GString) text = g_string_new (NULL);
  GListModel *model;

  g_return_val_if_fail (CURB_IS_ORDER (self), NULL);
  model = G_LIST_MODEL (self->locations);
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(CurbStagingLocation) location = g_list_model_get_item (model, i);
      g_autofree char *one = curb_staging_location_format (location);

      if (*one != '\0')
        g_string_append_printf (text, "%s%s", text->len > 0 ? ", " : "", one);
    }
  return text->len > 0 ? g_string_free (g_steal_pointer (&text), FALSE) : NULL;
}

gboolean
curb_order_decide_substitution (CurbOrder              *self,
                                const char             *substitution_id,
                                CurbSubstitutionStatus  status)
{
  GListModel *model;

  g_return_val_if_fail (CURB_IS_ORDER (self), FALSE);
  model = G_LIST_MODEL (self->substitutions);
  for (guint i = 0; substitution_id != NULL && i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(CurbSubstitution) old = g_list_model_get_item (model, i);
      g_autoptr(CurbSubstitution) decided = NULL;

      if (g_strcmp0 (curb_substitution_get_id (old), substitution_id) != 0)
        continue;
      if (curb_substitution_get_status (old) != status)
        {
          decided = curb_substitution_new_decided (old, status);
          g_list_store_splice (self->substitutions, i, 1, (gpointer *) &decided, 1);
          g_object_notify_by_pspec (G_OBJECT (self), props[PROP_SUBSTITUTIONS]);
        }
      return TRUE;
    }
  return FALSE;
}

static void
update_content (CurbOrder *self,
                CurbOrder *newer)
{
  g_autoptr(GPtrArray) lines = items_of (G_LIST_MODEL (newer->lines));
  g_autoptr(GPtrArray) substitutions = items_of (G_LIST_MODEL (newer->substitutions));

  curb_order_set_ref (self, newer->ref);
  curb_order_set_store_id (self, newer->store_id);
  curb_order_set_version (self, newer->version);
  curb_order_set_first_name (self, newer->first_name);
  curb_order_set_last_initial (self, newer->last_initial);
  curb_order_set_language (self, newer->language);
  curb_order_set_window_start (self, newer->window_start);
  curb_order_set_window_end (self, newer->window_end);
  curb_order_set_age_restricted (self, newer->age_restricted);
  curb_order_set_cancelled (self, newer->cancelled);
  curb_order_set_alternate_pickup (self, newer->alternate_pickup);
  curb_order_set_lines (self, lines);
  curb_order_set_substitutions (self, substitutions);
  curb_order_set_on_the_way (self, newer->announced_at, newer->eta);
}

static void
update_facts (CurbOrder *self,
              CurbOrder *newer)
{
  g_autoptr(GPtrArray) locations = items_of (G_LIST_MODEL (newer->locations));
  g_autoptr(GPtrArray) not_taken = items_of (G_LIST_MODEL (newer->not_taken));
  g_autoptr(GPtrArray) restage = items_of (G_LIST_MODEL (newer->restage));
  guint counts[CURB_TEMPERATURE_COUNT];

  for (guint t = 0; t < CURB_TEMPERATURE_COUNT; t++)
    counts[t] = curb_order_count_bags (newer, t);
  curb_order_set_state (self, newer->state);
  curb_order_set_staged (self, newer->staged);
  curb_order_set_bay (self, newer->bay);
  curb_order_set_bay_skipped (self, newer->bay_skipped);
  curb_order_set_staged_at (self, newer->staged_at);
  curb_order_set_arrived_at (self, newer->arrived_at);
  curb_order_set_claimed_at (self, newer->claimed_at);
  curb_order_set_handed_over_at (self, newer->handed_over_at);
  curb_order_set_claimer (self, newer->claimer);
  curb_order_set_last_seq (self, newer->last_seq);
  curb_order_set_locations (self, locations);
  curb_order_set_bag_counts (self, counts);
  curb_order_set_not_taken (self, not_taken);
  curb_order_set_restage (self, restage);
}

void
curb_order_update (CurbOrder *self,
                   CurbOrder *newer)
{
  g_return_if_fail (CURB_IS_ORDER (self));
  g_return_if_fail (CURB_IS_ORDER (newer));

  if (self == newer)
    return;
  g_object_freeze_notify (G_OBJECT (self));
  update_content (self, newer);
  update_facts (self, newer);
  g_object_thaw_notify (G_OBJECT (self));
}

static gboolean
models_equal (GListModel    *a,
              GListModel    *b,
              ItemEqualFunc  equal)
{
  g_autoptr(GPtrArray) items = items_of (b);

  return items_equal (G_LIST_STORE (a), items, equal);
}

static gboolean
content_equal (CurbOrder *a,
               CurbOrder *b)
{
  return g_strcmp0 (a->ref, b->ref) == 0 && g_strcmp0 (a->store_id, b->store_id) == 0
         && a->version == b->version && g_strcmp0 (a->first_name, b->first_name) == 0
         && g_strcmp0 (a->last_initial, b->last_initial) == 0
         && g_strcmp0 (a->language, b->language) == 0
         && a->window_start == b->window_start && a->window_end == b->window_end
         && a->age_restricted == b->age_restricted && a->cancelled == b->cancelled
         && curb_person_equal (a->alternate_pickup, b->alternate_pickup)
         && models_equal (G_LIST_MODEL (a->lines), G_LIST_MODEL (b->lines),
                          (ItemEqualFunc) curb_order_line_equal)
         && models_equal (G_LIST_MODEL (a->substitutions), G_LIST_MODEL (b->substitutions),
                          (ItemEqualFunc) curb_substitution_equal)
         && a->announced_at == b->announced_at && a->eta == b->eta;
}

static gboolean
facts_equal (CurbOrder *a,
             CurbOrder *b)
{
  return a->state == b->state && a->staged == b->staged && g_strcmp0 (a->bay, b->bay) == 0
         && a->bay_skipped == b->bay_skipped && a->staged_at == b->staged_at && a->arrived_at == b->arrived_at
         && a->claimed_at == b->claimed_at && a->handed_over_at == b->handed_over_at
         && curb_person_equal (a->claimer, b->claimer) && a->last_seq == b->last_seq
         && models_equal (G_LIST_MODEL (a->locations), G_LIST_MODEL (b->locations),
                          (ItemEqualFunc) curb_staging_location_equal)
         && models_equal (G_LIST_MODEL (a->bags), G_LIST_MODEL (b->bags), (ItemEqualFunc) curb_bag_equal)
         && models_equal (G_LIST_MODEL (a->not_taken), G_LIST_MODEL (b->not_taken),
                          (ItemEqualFunc) curb_not_taken_equal)
         && models_equal (G_LIST_MODEL (a->restage), G_LIST_MODEL (b->restage),
                          (ItemEqualFunc) curb_restage_line_equal);
}

gboolean
curb_order_equal (CurbOrder *a,
                  CurbOrder *b)
{
  g_return_val_if_fail (CURB_IS_ORDER (a) && CURB_IS_ORDER (b), FALSE);
  return content_equal (a, b) && facts_equal (a, b);
}
