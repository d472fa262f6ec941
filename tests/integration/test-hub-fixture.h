#pragma once

/* A real hub for integration tests: a store in a temp dir, an Ed25519
 * token issuer, a CurbHub over TLS on 127.0.0.1 port 0, and helpers to run
 * CurbHubClient calls to completion on the default main context. */

#include <glib/gstdio.h>
#include <libsoup/soup.h>
#include <string.h>

#include "curb-hub-cert.h"
#include "curb-hub-client.h"
#include "curb-hub.h"
#include "curb-signing-key.h"
#include "curb-token.h"
#include "curbside-store.h"

#define HUB_TEST_STORE_ID "store-001"

typedef struct
{
  char            *dir;
  CurbStore       *store;
  CurbSigningKey  *issuer;
  CurbHub         *hub;
  char            *url;
  char            *fingerprint;
} HubFixture;

void           hub_fixture_setup      (HubFixture *fx,
                                       gconstpointer data);
void           hub_fixture_teardown   (HubFixture *fx,
                                       gconstpointer data);

/* An order from central: @ref, first name "Sam", surname "Rivera",
 * phone 0142; @age_restricted adds the ID check. */
void           hub_fixture_add_order  (HubFixture *fx,
                                       const char *ref,
                                       gboolean    age_restricted);
/* Central's version 2 of hub_fixture_add_order()'s order (not age
 * restricted): the shopper said "I'm on my way", ETA in 10 minutes. */
void           hub_fixture_announce   (HubFixture *fx,
                                       const char *ref);
char          *hub_fixture_token      (HubFixture *fx,
                                       const char *store_id,
                                       const char *ref,
                                       gint64      expires_s);
void           hub_fixture_add_staff  (HubFixture *fx,
                                       const char *staff_id,
                                       const char *first_name,
                                       const char *pin);

/* A client with the hub's certificate pinned (no credential). */
CurbHubClient *hub_fixture_client     (HubFixture *fx);
/* Enrolls a device over the API with a fresh code: its credential. */
char          *hub_fixture_enroll     (HubFixture     *fx,
                                       CurbDeviceRole  role,
                                       char          **out_device_id);
/* A client enrolled with a fresh code for @role. */
CurbHubClient *hub_fixture_device     (HubFixture     *fx,
                                       CurbDeviceRole  role,
                                       char          **out_device_id);
/* A staging client with @staff_id signed in. */
CurbHubClient *hub_fixture_staff      (HubFixture *fx,
                                       const char *staff_id,
                                       const char *pin);

/* Spins the main context until @result is set. */
void           hub_wait               (GAsyncResult **result);
/* The callback that stores the result for hub_wait(). */
void           hub_store_result       (GObject      *source,
                                       GAsyncResult *result,
                                       gpointer      user_data);
/* Finishes a request: the JSON reply (or NULL with @error), and the HTTP
 * error body in @out_error_body when asked. */
JsonObject    *hub_finish             (CurbHubClient  *client,
                                       GAsyncResult   *result,
                                       JsonObject    **out_error_body,
                                       GError        **error);

JsonObject    *hub_call               (CurbHubClient  *client,
                                       const char     *method,
                                       const char     *path,
                                       const char     *json_body,
                                       JsonObject    **out_error_body,
                                       GError        **error);
JsonObject    *hub_checkin            (CurbHubClient  *client,
                                       const char     *token,
                                       const char     *bay,
                                       const char     *event_id,
                                       JsonObject    **out_error_body,
                                       GError        **error);
JsonObject    *hub_action             (CurbHubClient  *client,
                                       const char     *ref,
                                       CurbHubAction   action,
                                       const char     *json_body,
                                       JsonObject    **out_error_body,
                                       GError        **error);

/* A raw request (no JSON encoding): returns the HTTP status and the body. */
guint          hub_raw                (HubFixture  *fx,
                                       const char  *method,
                                       const char  *path,
                                       const char  *credential,
                                       const char  *body,
                                       gsize        length,
                                       char       **out_body);

/* Spins the main context for @ms milliseconds. */
void           hub_spin               (guint ms);
/* Spins until *@flag or @timeout_ms passed; returns *@flag. */
gboolean       hub_spin_until         (gboolean *flag,
                                       guint     timeout_ms);
