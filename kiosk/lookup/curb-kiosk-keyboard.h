#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define CURB_TYPE_KIOSK_KEYBOARD (curb_kiosk_keyboard_get_type ())
G_DECLARE_FINAL_TYPE (CurbKioskKeyboard, curb_kiosk_keyboard, CURB, KIOSK_KEYBOARD, GtkBox)

/**
 * CurbKioskKeyboard:
 *
 * The on-screen keyboard of the kiosk (there is no physical one): big keys,
 * only what order numbers, surnames and phone digits need. Emits "key" with
 * the character typed and "backspace".
 */
GtkWidget *curb_kiosk_keyboard_new             (void);
void       curb_kiosk_keyboard_set_digits_only (CurbKioskKeyboard *self,
                                                gboolean           digits_only);

G_END_DECLS
