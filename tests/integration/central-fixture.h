#pragma once

#include "curb-central-server.h"

G_BEGIN_DECLS

/* An in-process reference central on 127.0.0.1 (real HTTP, real SQLite file
 * in a temp dir), for the connector and sync tests. */
typedef struct
{
  char              *dir;
  char              *url;
  guint              port;
  CurbCentralDb     *db;
  CurbCentralServer *server;
} CentralFixture;

#define FIXTURE_STORE "store-001"
#define FIXTURE_KEY "test-store-key"

CentralFixture *central_fixture_new        (guint           n_orders);
void            central_fixture_free       (CentralFixture *fixture);
void            central_fixture_stop       (CentralFixture *fixture);
void            central_fixture_restart    (CentralFixture *fixture);
void            central_fixture_fault      (CentralFixture *fixture,
                                            const char     *spec_json);
JsonArray      *central_fixture_events     (CentralFixture *fixture);
JsonObject     *central_fixture_order      (CentralFixture *fixture,
                                            const char     *ref);
void            central_fixture_patch      (CentralFixture *fixture,
                                            const char     *ref,
                                            const char     *fields_json);
/* Iterates the default main context until *@flag is set or @timeout_ms pass. */
gboolean        central_fixture_wait_for   (gboolean       *flag,
                                            guint           timeout_ms);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CentralFixture, central_fixture_free)

G_END_DECLS
