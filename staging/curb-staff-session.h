#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

typedef enum
{
  CURB_SIGN_OUT_USER,
  CURB_SIGN_OUT_INACTIVE,
  CURB_SIGN_OUT_REJECTED,
} CurbSignOutReason;

#define CURB_TYPE_STAFF_SESSION (curb_staff_session_get_type ())
G_DECLARE_FINAL_TYPE (CurbStaffSession, curb_staff_session, CURB, STAFF_SESSION, GObject)

CurbStaffSession *curb_staff_session_new             (gint64            inactivity_ms) G_GNUC_WARN_UNUSED_RESULT;
void              curb_staff_session_sign_in         (CurbStaffSession *self,
                                                      const char       *staff_id,
                                                      const char       *first_name,
                                                      const char       *token,
                                                      gint64            now_ms);
void              curb_staff_session_sign_out        (CurbStaffSession *self,
                                                      CurbSignOutReason reason);
void              curb_staff_session_touch           (CurbStaffSession *self,
                                                      gint64            now_ms);
gboolean          curb_staff_session_poll            (CurbStaffSession *self,
                                                      gint64            now_ms);
gboolean          curb_staff_session_is_signed_in    (CurbStaffSession *self);
const char       *curb_staff_session_get_staff_id    (CurbStaffSession *self);
const char       *curb_staff_session_get_first_name  (CurbStaffSession *self);
const char       *curb_staff_session_get_token       (CurbStaffSession *self);
gint64            curb_staff_session_get_remaining   (CurbStaffSession *self,
                                                      gint64            now_ms);

G_END_DECLS
