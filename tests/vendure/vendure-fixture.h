#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "curb-vendure-client.h"

G_BEGIN_DECLS

#define VENDURE_FIXTURE_STORE "store-001"

/* A real Vendure (integrations/vendure: pinned packages installed into the
 * build tree, our plugin, server.js) on 127.0.0.1, with a fresh database. */
typedef struct
{
  char              *env_dir;
  char              *app_dir;
  char              *data_dir;
  guint16            port;
  char              *url;
  GSubprocess       *server;
  CurbVendureClient *admin;
} VendureFixture;

/* Why this machine cannot run Vendure (no node/npm, Node < 20), or NULL. */
char           *vendure_fixture_missing     (void) G_GNUC_WARN_UNUSED_RESULT;
/* Installs (cached) and starts Vendure; NULL with a skip reason in @out_skip
 * when the installer says this Node cannot run it. */
VendureFixture *vendure_fixture_new         (char          **out_skip);
void            vendure_fixture_start       (VendureFixture *self);
/* SIGKILL: a crash, the database keeps what was committed. */
void            vendure_fixture_kill        (VendureFixture *self);
/* While stopped: every login session is gone, as after a database reset. */
void            vendure_fixture_forget_sessions (VendureFixture *self);
/* Places @n pickup orders through the Shop API checkout; seed.js's lines. */
JsonArray      *vendure_fixture_seed        (VendureFixture *self,
                                             guint           n);
/* The same with seed.js options (--first-name, --last-name, --shipping delivery). */
JsonArray      *vendure_fixture_seed_with   (VendureFixture     *self,
                                             guint               n,
                                             const char * const *extra_args);
JsonObject     *vendure_fixture_query       (VendureFixture *self,
                                             const char     *query,
                                             JsonObject     *variables);
/* The order as Vendure has it now, with fulfilments and history. */
JsonObject     *vendure_fixture_order       (VendureFixture *self,
                                             const char     *code);
void            vendure_fixture_free        (VendureFixture *self);

G_END_DECLS
