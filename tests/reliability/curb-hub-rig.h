#pragma once

#include <libsoup/soup.h>

#include "curb-hub-client.h"
#include "curbside-store.h"

G_BEGIN_DECLS

/*
 * The real curbside-hub as a separate process for the LAN tests: a store in
 * a temp dir with enrolled kiosks and staging stations, a staff member
 * (st-1, PIN 2468), orders whose shoppers have distinctive made-up names
 * (curb_hub_rig_personal_strings() lists them for the privacy scan), an
 * Ed25519 issuer for tokens, the hub's stderr captured in a log file.
 */

#define CURB_RIG_STORE_ID "store-001"
#define CURB_RIG_STAFF_ID "st-1"
#define CURB_RIG_STAFF_PIN "2468"

typedef struct
{
  char           *dir;
  char           *config;
  char           *db;
  char           *log_path;
  char           *url;
  char           *fingerprint;
  CurbSigningKey *issuer;
  GSubprocess    *hub;
  GPtrArray      *kiosks;      /* credentials */
  GPtrArray      *staging;     /* credentials */
  GPtrArray      *kiosk_ids;   /* their device ids, in the same order */
  GPtrArray      *staging_ids;
  char           *revoked;     /* a kiosk credential, revoked */
  GPtrArray      *personal;    /* every name, surname and phone given to central's orders */
  guint           n_orders;
  guint           port;        /* fixed across restarts once started */
  SoupSession    *session;
} CurbHubRig;

CurbHubRig    *curb_hub_rig_new        (guint        n_kiosks,
                                        guint        n_staging,
                                        const char  *extra_config);
void           curb_hub_rig_free       (CurbHubRig  *rig);
/* Orders R00000… while the hub is stopped (as the sync would store them). */
void           curb_hub_rig_add_orders (CurbHubRig  *rig,
                                        guint        count);
char          *curb_hub_rig_ref        (guint        index) G_GNUC_WARN_UNUSED_RESULT;
void           curb_hub_rig_start      (CurbHubRig  *rig);
/* Stops the hub with @signal (SIGTERM: clean; SIGKILL: crash). FALSE
 * when it had not exited 5 s later (it is then killed, as systemd would). */
gboolean       curb_hub_rig_stop       (CurbHubRig  *rig,
                                        int          signal);
char          *curb_hub_rig_token      (CurbHubRig  *rig,
                                        const char  *store_id,
                                        const char  *ref) G_GNUC_WARN_UNUSED_RESULT;
CurbHubClient *curb_hub_rig_client     (CurbHubRig  *rig,
                                        const char  *credential) G_GNUC_WARN_UNUSED_RESULT;
/* A staging client with st-1 signed in. */
CurbHubClient *curb_hub_rig_staff_client (CurbHubRig *rig,
                                          guint       staging_index) G_GNUC_WARN_UNUSED_RESULT;
/* A blocking raw request (TLS, any body): the HTTP status (0: no answer)
 * and the body as text. @staff_session may be NULL. */
guint          curb_hub_rig_raw        (CurbHubRig  *rig,
                                        const char  *method,
                                        const char  *path,
                                        const char  *credential,
                                        const char  *staff_session,
                                        const char  *body,
                                        gssize       length,
                                        char       **out_body);
/* Drops the kept-alive connection: the next raw request connects afresh. */
void           curb_hub_rig_reset_session (CurbHubRig *rig,
                                           guint       timeout_s);
/* Runs a CurbHubClient call to completion on the default main context. */
JsonObject    *curb_hub_rig_wait       (CurbHubClient *client,
                                        GAsyncResult **result_slot,
                                        GError       **error);
void           curb_hub_rig_store_result (GObject      *source,
                                          GAsyncResult *result,
                                          gpointer      user_data);
/* Runs curbside-ctl with @args (NULL-terminated) on the rig's database:
 * its exit status, stdout and stderr. */
int            curb_hub_rig_ctl        (CurbHubRig  *rig,
                                        char       **out_stdout,
                                        const char  *first_arg,
                                        ...) G_GNUC_NULL_TERMINATED;
/* Resident set size (KiB) and open file descriptors of the hub process. */
gint64         curb_hub_rig_rss_kib    (CurbHubRig  *rig);
guint          curb_hub_rig_fd_count   (CurbHubRig  *rig);
guint          curb_hub_rig_thread_count (CurbHubRig *rig);
gint           curb_hub_rig_pid        (CurbHubRig  *rig);
/* A raw connection to the hub (TLS when it serves HTTPS, any certificate),
 * blocking reads and writes failing after @timeout_s; NULL when the
 * handshake failed. */
GIOStream     *curb_hub_rig_tls_connect (CurbHubRig *rig,
                                         guint       timeout_s) G_GNUC_WARN_UNUSED_RESULT;
GIOStream     *curb_hub_rig_tls_connect_from (CurbHubRig *rig,
                                              const char *source_address,
                                              guint       timeout_s) G_GNUC_WARN_UNUSED_RESULT;
/* One request on a connection of its own from @source_address (e.g.
 * 127.0.0.2): the status, and the whole answer (headers too) as text. */
guint          curb_hub_rig_raw_from    (CurbHubRig  *rig,
                                         const char  *source_address,
                                         const char  *method,
                                         const char  *path,
                                         const char  *credential,
                                         const char  *body,
                                         char       **out_text);
/* Reads until the hub closes @stream or goes quiet: the first answer's
 * status (0: none) and everything read. */
guint          curb_hub_rig_read_status (GIOStream  *stream,
                                         char      **out_text);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CurbHubRig, curb_hub_rig_free)

G_END_DECLS
