#include "curb-kiosk-outbox.h"
#include "curb-test-helpers.h"

static void
on_done (GObject *source, GAsyncResult *result, gpointer data)
{
  *(GAsyncResult **) data = g_object_ref (result);
}

static GAsyncResult *
wait_result (GAsyncResult **slot)
{
  while (*slot == NULL)
    g_main_context_iteration (NULL, TRUE);
  return *slot;
}

static JsonObject *
event (const char *id, const char *at)
{
  JsonObject *object = json_object_new ();

  json_object_set_string_member (object, "id", id);
  json_object_set_string_member (object, "kind", "arrived");
  json_object_set_string_member (object, "order_ref", "A7K3Q9");
  json_object_set_string_member (object, "at", at);
  return object;
}

static void
add (CurbKioskOutbox *outbox, JsonObject *object)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  curb_kiosk_outbox_add_async (outbox, object, NULL, on_done, &result);
  g_assert_true (curb_kiosk_outbox_add_finish (outbox, wait_result (&result), &error));
  g_assert_no_error (error);
  json_object_unref (object);
}

static JsonArray *
peek (CurbKioskOutbox *outbox, guint max)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  JsonArray *events;

  curb_kiosk_outbox_peek_async (outbox, max, NULL, on_done, &result);
  events = curb_kiosk_outbox_peek_finish (outbox, wait_result (&result), &error);
  g_assert_no_error (error);
  return events;
}

static void
test_survives_restart_in_order (void)
{
  g_autofree char *dir = curb_test_mkdtemp ();
  g_autofree char *path = g_build_filename (dir, "sub", "kiosk-cache.db", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(CurbKioskOutbox) outbox = curb_kiosk_outbox_open (path, &error);
  g_autoptr(CurbKioskOutbox) again = NULL;
  g_autoptr(JsonArray) events = NULL;
  g_autoptr(GAsyncResult) removed = NULL;
  g_auto(GStrv) ids = g_strsplit ("e1", ",", -1);

  g_assert_no_error (error);
  add (outbox, event ("e1", "2026-11-27T15:04:00.000Z"));
  add (outbox, event ("e2", "2026-11-27T15:05:00.000Z"));
  add (outbox, event ("e1", "2026-11-27T15:04:00.000Z"));   /* same id: kept once */
  g_assert_cmpuint (curb_kiosk_outbox_get_depth (outbox), ==, 2);
  curb_kiosk_outbox_set_meta (outbox, "store_id", "store-001");
  g_clear_object (&outbox);
  g_usleep (100000);
  while (g_main_context_iteration (NULL, FALSE))
    ;

  again = curb_kiosk_outbox_open (path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (curb_kiosk_outbox_get_depth (again), ==, 2);
  g_assert_cmpstr (curb_kiosk_outbox_get_meta (again, "store_id"), ==, "store-001");
  events = peek (again, 100);
  g_assert_cmpuint (json_array_get_length (events), ==, 2);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (events, 0), "id"), ==, "e1");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (events, 0), "at"), ==,
                   "2026-11-27T15:04:00.000Z");
  curb_kiosk_outbox_remove_async (again, ids, NULL, on_done, &removed);
  g_assert_true (curb_kiosk_outbox_remove_finish (again, wait_result (&removed), &error));
  g_assert_cmpuint (curb_kiosk_outbox_get_depth (again), ==, 1);
  g_clear_object (&again);
  curb_test_rmdir (dir);
}

static void
test_refuses_event_without_id (void)
{
  g_autofree char *dir = curb_test_mkdtemp ();
  g_autofree char *path = g_build_filename (dir, "kiosk-cache.db", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(CurbKioskOutbox) outbox = curb_kiosk_outbox_open (path, &error);
  g_autoptr(JsonObject) object = json_object_new ();
  g_autoptr(GAsyncResult) result = NULL;

  curb_kiosk_outbox_add_async (outbox, object, NULL, on_done, &result);
  g_assert_false (curb_kiosk_outbox_add_finish (outbox, wait_result (&result), &error));
  g_assert_nonnull (error);
  g_assert_cmpuint (curb_kiosk_outbox_get_depth (outbox), ==, 0);
  g_clear_object (&outbox);
  curb_test_rmdir (dir);
}

static void
test_unwritable_place (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CurbKioskOutbox) outbox = curb_kiosk_outbox_open ("/proc/curbside/kiosk-cache.db", &error);

  g_assert_null (outbox);
  g_assert_nonnull (error);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/kiosk/outbox/survives-restart-in-order", test_survives_restart_in_order);
  g_test_add_func ("/kiosk/outbox/refuses-event-without-id", test_refuses_event_without_id);
  g_test_add_func ("/kiosk/outbox/unwritable-place", test_unwritable_place);
  return g_test_run ();
}
