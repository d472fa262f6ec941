#pragma once

#include <adwaita.h>

#include "curb-staging-station.h"

G_BEGIN_DECLS

#define CURB_TYPE_DETAIL_PAGE (curb_detail_page_get_type ())
G_DECLARE_FINAL_TYPE (CurbDetailPage, curb_detail_page, CURB, DETAIL_PAGE, AdwBin)

GtkWidget  *curb_detail_page_new          (CurbStagingStation *station);
void        curb_detail_page_show_order   (CurbDetailPage     *self,
                                           CurbOrder          *order);
const char *curb_detail_page_get_ref      (CurbDetailPage     *self);
void        curb_detail_page_scan         (CurbDetailPage     *self,
                                           const char         *payload);
void        curb_detail_page_set_id_checked (CurbDetailPage   *self,
                                           gboolean            checked);
void        curb_detail_page_set_not_taken (CurbDetailPage    *self,
                                           const char         *line_id,
                                           int                 qty,
                                           guint               reason);
void        curb_detail_page_set_message  (CurbDetailPage     *self,
                                           const char         *message,
                                           gboolean            is_error);
gboolean    curb_detail_page_can_complete (CurbDetailPage     *self);
JsonNode   *curb_detail_page_dup_not_taken (CurbDetailPage    *self) G_GNUC_WARN_UNUSED_RESULT;
JsonNode   *curb_detail_page_dup_decisions (CurbDetailPage    *self) G_GNUC_WARN_UNUSED_RESULT;
gboolean    curb_detail_page_answer_substitution (CurbDetailPage *self,
                                                  const char     *substitution_id,
                                                  gboolean        accepted);

G_END_DECLS
