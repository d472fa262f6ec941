#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define CURB_TYPE_KIOSK_SPEECH (curb_kiosk_speech_get_type ())
G_DECLARE_FINAL_TYPE (CurbKioskSpeech, curb_kiosk_speech, CURB, KIOSK_SPEECH, GObject)

/**
 * CurbKioskSpeech:
 *
 * Reads the key prompt of each screen aloud with espeak-ng when it is
 * installed: a new prompt interrupts the one being spoken. @argv is the
 * command before the voice and the text (default: espeak-ng -s 150).
 */
CurbKioskSpeech *curb_kiosk_speech_new       (const char * const *argv) G_GNUC_WARN_UNUSED_RESULT;
/* NULL when espeak-ng is not installed. */
CurbKioskSpeech *curb_kiosk_speech_new_espeak (void) G_GNUC_WARN_UNUSED_RESULT;
void             curb_kiosk_speech_say       (CurbKioskSpeech *self,
                                              const char      *language,
                                              const char      *text);
guint            curb_kiosk_speech_get_n_said (CurbKioskSpeech *self);

G_END_DECLS
