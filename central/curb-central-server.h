#pragma once

#include <libsoup/soup.h>

#include "curb-central-db.h"
#include "curb-central-faults.h"
#include "curb-central-seed.h"

G_BEGIN_DECLS

#define CURB_TYPE_CENTRAL_SERVER (curb_central_server_get_type ())
G_DECLARE_FINAL_TYPE (CurbCentralServer, curb_central_server, CURB, CENTRAL_SERVER, GObject)

CurbCentralServer *curb_central_server_new          (CurbCentralDb      *db) G_GNUC_WARN_UNUSED_RESULT;
gboolean           curb_central_server_listen       (CurbCentralServer  *self,
                                                     guint               port,
                                                     GError            **error);
guint              curb_central_server_get_port     (CurbCentralServer  *self);
CurbCentralDb     *curb_central_server_get_db       (CurbCentralServer  *self);
CurbCentralFaults *curb_central_server_get_faults   (CurbCentralServer  *self);
void               curb_central_server_set_admin_key (CurbCentralServer *self,
                                                     const char         *admin_key);
void               curb_central_server_set_keys     (CurbCentralServer  *self,
                                                     JsonArray          *keys);
void               curb_central_server_set_token_func (CurbCentralServer *self,
                                                      CurbCentralTokenFunc func,
                                                      gpointer          user_data);
void               curb_central_server_set_hint_url (CurbCentralServer *self,
                                                     const char        *url);

G_END_DECLS
