#pragma once

#include <libsoup/soup.h>

#include "curb-hub-client.h"

G_BEGIN_DECLS

/* A session with the client's TLS trust settings; @timeout_s 0 for none. */
SoupSession *curb_hub_client_new_session (CurbHubClient *self,
                                          guint          timeout_s) G_GNUC_WARN_UNUSED_RESULT;
/* A message to @path with the device credential, staff session and the
 * certificate pin applied. */
SoupMessage *curb_hub_client_new_message (CurbHubClient *self,
                                          const char    *method,
                                          const char    *path_and_query) G_GNUC_WARN_UNUSED_RESULT;
CurbHubStream *curb_hub_stream_new       (CurbHubClient *client,
                                          gint64         after_seq) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
