#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/**
 * CurbSoundCue:
 * @CURB_SOUND_ARRIVAL: a shopper is waiting (two-tone chime)
 * @CURB_SOUND_ESCALATION: still waiting past the limit (harsh, fast)
 * @CURB_SOUND_ERROR: wrong bag or refused action (low buzz)
 * @CURB_SOUND_OK: a bag scanned fine (short blip)
 *
 * Louder cues win: a cue never interrupts a more urgent one.
 */
typedef enum
{
  CURB_SOUND_OK,
  CURB_SOUND_ARRIVAL,
  CURB_SOUND_ERROR,
  CURB_SOUND_ESCALATION,
  CURB_SOUND_N_CUES,
} CurbSoundCue;

#define CURB_TYPE_SOUND (curb_sound_get_type ())
G_DECLARE_FINAL_TYPE (CurbSound, curb_sound, CURB, SOUND, GObject)

CurbSound *curb_sound_new        (const char   *sink_description,
                                  GError      **error) G_GNUC_WARN_UNUSED_RESULT;
gboolean   curb_sound_set_file   (CurbSound    *self,
                                  CurbSoundCue  cue,
                                  const char   *path,
                                  GError      **error);
gboolean   curb_sound_play       (CurbSound    *self,
                                  CurbSoundCue  cue);
void       curb_sound_stop       (CurbSound    *self);
gboolean   curb_sound_is_playing (CurbSound    *self);
guint64    curb_sound_get_n_played (CurbSound  *self);

G_END_DECLS
