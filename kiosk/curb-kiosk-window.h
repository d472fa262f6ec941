#pragma once

#include <adwaita.h>

#include "curb-kiosk-flow.h"
#include "curb-kiosk-speech.h"

G_BEGIN_DECLS

#define CURB_TYPE_KIOSK_WINDOW (curb_kiosk_window_get_type ())
G_DECLARE_FINAL_TYPE (CurbKioskWindow, curb_kiosk_window, CURB, KIOSK_WINDOW, AdwApplicationWindow)

/**
 * CurbKioskWindow:
 *
 * The one window of the kiosk: a top bar (store, language, larger text,
 * high contrast, call staff) over the current screen. Screens are built
 * again when the language changes and when a visit ends, so nothing of the
 * previous shopper survives in a widget.
 */
CurbKioskWindow *curb_kiosk_window_new               (GtkApplication  *application,
                                                      CurbKioskFlow   *flow);
void             curb_kiosk_window_set_store_name    (CurbKioskWindow *self,
                                                      const char      *name);
void             curb_kiosk_window_set_preview_texture (CurbKioskWindow *self,
                                                        GdkTexture      *texture);
gboolean         curb_kiosk_window_get_preview_size    (CurbKioskWindow *self,
                                                        int             *width,
                                                        int             *height);
GtkWidget       *curb_kiosk_window_get_page          (CurbKioskWindow *self);
gboolean         curb_kiosk_window_get_portrait      (CurbKioskWindow *self);
void             curb_kiosk_window_set_large_text    (CurbKioskWindow *self,
                                                      gboolean         large);
/* Reads each new screen's prompt aloud (title, then the key line). */
void             curb_kiosk_window_set_speech        (CurbKioskWindow *self,
                                                      CurbKioskSpeech *speech);
void             curb_kiosk_window_set_high_contrast (CurbKioskWindow *self,
                                                      gboolean         high);

G_END_DECLS
