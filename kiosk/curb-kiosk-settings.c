#include "curb-kiosk-settings.h"

#include "curb-error.h"

struct _CurbKioskSettings
{
  GObject   parent_instance;

  char     *device_id;
  char     *store_id;
  char     *store_name;
  char     *store_phone;
  GStrv     bays;
  GStrv     languages;
  char     *default_language;
  guint     idle_timeout;
  guint     waiting_timeout;
  guint     thanks_timeout;
  char     *hub_url;
  char     *hub_credential;
  char     *camera_pipeline;
  char     *printer;
  char     *keyring;
  char     *cache_path;
  gboolean  fullscreen;
};

G_DEFINE_FINAL_TYPE (CurbKioskSettings, curb_kiosk_settings, G_TYPE_OBJECT)

typedef enum { KEY_STRING, KEY_LIST, KEY_SECONDS, KEY_BOOL } KeyKind;

typedef struct
{
  const char *group;
  const char *key;
  KeyKind     kind;
  gsize       offset;
} KeySpec;

#define FIELD(name) G_STRUCT_OFFSET (CurbKioskSettings, name)

static const KeySpec keys[] = {
  { "kiosk", "device_id", KEY_STRING, FIELD (device_id) },
  { "kiosk", "store_id", KEY_STRING, FIELD (store_id) },
  { "kiosk", "store_name", KEY_STRING, FIELD (store_name) },
  { "kiosk", "store_phone", KEY_STRING, FIELD (store_phone) },
  { "kiosk", "bays", KEY_LIST, FIELD (bays) },
  { "kiosk", "languages", KEY_LIST, FIELD (languages) },
  { "kiosk", "default_language", KEY_STRING, FIELD (default_language) },
  { "kiosk", "idle_timeout", KEY_SECONDS, FIELD (idle_timeout) },
  { "kiosk", "waiting_timeout", KEY_SECONDS, FIELD (waiting_timeout) },
  { "kiosk", "thanks_timeout", KEY_SECONDS, FIELD (thanks_timeout) },
  { "kiosk", "cache", KEY_STRING, FIELD (cache_path) },
  { "kiosk", "fullscreen", KEY_BOOL, FIELD (fullscreen) },
  { "hub", "url", KEY_STRING, FIELD (hub_url) },
  { "hub", "credential", KEY_STRING, FIELD (hub_credential) },
  { "camera", "pipeline", KEY_STRING, FIELD (camera_pipeline) },
  { "printer", "device", KEY_STRING, FIELD (printer) },
  { "tokens", "keyring", KEY_STRING, FIELD (keyring) },
};

static const char * const supported_languages[] = { "en", "es", NULL };

/* The line where @key of [@group] is set, for error messages (1-based). */
static int
find_line (const char *data,
           const char *group,
           const char *key)
{
  g_auto(GStrv) lines = g_strsplit (data, "\n", -1);
  g_autofree char *header = g_strdup_printf ("[%s]", group);
  gboolean in_group = FALSE;

  for (int i = 0; lines[i] != NULL; i++)
    {
      const char *line = g_strstrip (lines[i]);

      if (line[0] == '[')
        in_group = g_str_equal (line, header);
      else if (in_group && g_str_has_prefix (line, key)
               && (line[strlen (key)] == '=' || line[strlen (key)] == ' '))
        return i + 1;
    }
  return 0;
}

static gboolean
fail (const char  *origin,
      const char  *data,
      const char  *group,
      const char  *key,
      GError     **error,
      const char  *what)
{
  g_set_error (error, CURB_ERROR, CURB_ERROR_CONFIG, "%s:%d: [%s] %s: %s",
               origin, find_line (data, group, key), group, key, what);
  return FALSE;
}

static gboolean
read_key (CurbKioskSettings *self,
          GKeyFile          *file,
          const KeySpec     *spec,
          const char        *origin,
          const char        *data,
          GError           **error)
{
  gpointer field = G_STRUCT_MEMBER_P (self, spec->offset);
  g_autoptr(GError) local = NULL;

  if (!g_key_file_has_key (file, spec->group, spec->key, NULL))
    return TRUE;
  switch (spec->kind)
    {
    case KEY_STRING:
      {
        g_autofree char *value = g_key_file_get_string (file, spec->group, spec->key, &local);

        if (value == NULL || *g_strstrip (value) == '\0')
          return fail (origin, data, spec->group, spec->key, error, "must not be empty");
        g_free (*(char **) field);
        *(char **) field = g_steal_pointer (&value);
        return TRUE;
      }
    case KEY_LIST:
      {
        g_auto(GStrv) value = g_key_file_get_string_list (file, spec->group, spec->key, NULL, &local);

        if (value == NULL || value[0] == NULL)
          return fail (origin, data, spec->group, spec->key, error, "needs at least one value");
        g_strfreev (*(GStrv *) field);
        *(GStrv *) field = g_steal_pointer (&value);
        return TRUE;
      }
    case KEY_SECONDS:
      {
        gint64 value = g_key_file_get_int64 (file, spec->group, spec->key, &local);

        if (local != NULL || value < 5 || value > 3600)
          return fail (origin, data, spec->group, spec->key, error,
                       "must be a number of seconds between 5 and 3600");
        *(guint *) field = (guint) value;
        return TRUE;
      }
    case KEY_BOOL:
    default:
      {
        gboolean value = g_key_file_get_boolean (file, spec->group, spec->key, &local);

        if (local != NULL)
          return fail (origin, data, spec->group, spec->key, error, "must be true or false");
        *(gboolean *) field = value;
        return TRUE;
      }
    }
}

static gboolean
check_unknown (GKeyFile    *file,
               const char  *origin,
               const char  *data,
               GError     **error)
{
  g_auto(GStrv) groups = g_key_file_get_groups (file, NULL);

  for (guint g = 0; groups[g] != NULL; g++)
    {
      g_auto(GStrv) names = g_key_file_get_keys (file, groups[g], NULL, NULL);

      for (guint k = 0; names != NULL && names[k] != NULL; k++)
        {
          gboolean known = FALSE;

          for (guint i = 0; i < G_N_ELEMENTS (keys) && !known; i++)
            known = g_str_equal (keys[i].group, groups[g]) && g_str_equal (keys[i].key, names[k]);
          if (!known)
            return fail (origin, data, groups[g], names[k], error, "unknown setting");
        }
    }
  return TRUE;
}

static gboolean
validate (CurbKioskSettings *self,
          const char        *origin,
          const char        *data,
          GError           **error)
{
  for (guint i = 0; self->languages[i] != NULL; i++)
    if (!g_strv_contains (supported_languages, self->languages[i]))
      return fail (origin, data, "kiosk", "languages", error, "supported languages are en and es");
  if (!g_strv_contains ((const char * const *) self->languages, self->default_language))
    return fail (origin, data, "kiosk", "default_language", error, "must be one of languages");
  for (guint i = 0; self->bays[i] != NULL; i++)
    if (strlen (self->bays[i]) == 0 || strlen (self->bays[i]) > 4)
      return fail (origin, data, "kiosk", "bays", error, "bay names are 1 to 4 characters");
  if (self->hub_url != NULL && !g_str_has_prefix (self->hub_url, "http://")
      && !g_str_has_prefix (self->hub_url, "https://"))
    return fail (origin, data, "hub", "url", error, "must start with https:// or http://");
  return TRUE;
}

static void
curb_kiosk_settings_finalize (GObject *object)
{
  CurbKioskSettings *self = CURB_KIOSK_SETTINGS (object);

  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    {
      gpointer field = G_STRUCT_MEMBER_P (self, keys[i].offset);

      if (keys[i].kind == KEY_STRING)
        g_free (*(char **) field);
      else if (keys[i].kind == KEY_LIST)
        g_strfreev (*(GStrv *) field);
    }
  G_OBJECT_CLASS (curb_kiosk_settings_parent_class)->finalize (object);
}

static void
curb_kiosk_settings_class_init (CurbKioskSettingsClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = curb_kiosk_settings_finalize;
}

static void
curb_kiosk_settings_init (CurbKioskSettings *self)
{
  const char * const default_bays[] = { "1", NULL };

  self->device_id = g_strdup ("kiosk-1");
  self->store_name = g_strdup ("Curbside pickup");
  self->bays = g_strdupv ((char **) default_bays);
  self->languages = g_strdupv ((char **) supported_languages);
  self->default_language = g_strdup ("en");
  self->idle_timeout = 30;
  self->waiting_timeout = 300;
  self->thanks_timeout = 15;
  self->cache_path = g_build_filename (g_get_user_state_dir (), "curbside", "kiosk-cache.db", NULL);
  self->fullscreen = TRUE;
}

CurbKioskSettings *
curb_kiosk_settings_new_default (void)
{
  return g_object_new (CURB_TYPE_KIOSK_SETTINGS, NULL);
}

CurbKioskSettings *
curb_kiosk_settings_load_data (const char  *data,
                               const char  *origin,
                               GError     **error)
{
  g_autoptr(CurbKioskSettings) self = curb_kiosk_settings_new_default ();
  g_autoptr(GKeyFile) file = g_key_file_new ();
  g_autoptr(GError) local = NULL;

  g_return_val_if_fail (data != NULL, NULL);

  if (!g_key_file_load_from_data (file, data, -1, G_KEY_FILE_NONE, &local))
    {
      g_set_error (error, CURB_ERROR, CURB_ERROR_CONFIG, "%s: %s", origin, local->message);
      return NULL;
    }
  if (!check_unknown (file, origin, data, error))
    return NULL;
  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    if (!read_key (self, file, &keys[i], origin, data, error))
      return NULL;
  if (!validate (self, origin, data, error))
    return NULL;
  return g_steal_pointer (&self);
}

CurbKioskSettings *
curb_kiosk_settings_load (const char  *path,
                          GError     **error)
{
  g_autofree char *data = NULL;
  g_autoptr(GError) local = NULL;

  g_return_val_if_fail (path != NULL, NULL);

  if (!g_file_get_contents (path, &data, NULL, &local))
    {
      g_set_error (error, CURB_ERROR, CURB_ERROR_CONFIG, "%s", local->message);
      return NULL;
    }
  return curb_kiosk_settings_load_data (data, path, error);
}

#define GETTER(type, name, field) \
  type \
  curb_kiosk_settings_get_##name (CurbKioskSettings *self) \
  { \
    g_return_val_if_fail (CURB_IS_KIOSK_SETTINGS (self), 0); \
    return (type) self->field; \
  }

GETTER (const char *, device_id, device_id)
GETTER (const char *, store_id, store_id)
GETTER (const char *, store_name, store_name)
GETTER (const char *, store_phone, store_phone)
GETTER (const char * const *, bays, bays)
GETTER (const char * const *, languages, languages)
GETTER (const char *, default_language, default_language)
GETTER (guint, idle_timeout, idle_timeout)
GETTER (guint, waiting_timeout, waiting_timeout)
GETTER (guint, thanks_timeout, thanks_timeout)
GETTER (const char *, hub_url, hub_url)
GETTER (const char *, hub_credential, hub_credential)
GETTER (const char *, camera_pipeline, camera_pipeline)
GETTER (const char *, printer, printer)
GETTER (const char *, keyring, keyring)
GETTER (const char *, cache_path, cache_path)
GETTER (gboolean, fullscreen, fullscreen)
