#pragma once

#include <adwaita.h>

#include "curb-kiosk-flow.h"
#include "curb-kiosk-session.h"
#include "curb-kiosk-window.h"

G_BEGIN_DECLS

#define CURB_TYPE_KIOSK_APPLICATION (curb_kiosk_application_get_type ())
G_DECLARE_FINAL_TYPE (CurbKioskApplication, curb_kiosk_application, CURB, KIOSK_APPLICATION, AdwApplication)

CurbKioskApplication *curb_kiosk_application_new         (void) G_GNUC_WARN_UNUSED_RESULT;
CurbKioskFlow        *curb_kiosk_application_get_flow    (CurbKioskApplication *self);
CurbKioskSession     *curb_kiosk_application_get_session (CurbKioskApplication *self);
CurbKioskWindow      *curb_kiosk_application_get_window  (CurbKioskApplication *self);
/* Loads the kiosk's CSS for the default display (apps and tests). */
void                  curb_kiosk_load_style              (void);

G_END_DECLS
