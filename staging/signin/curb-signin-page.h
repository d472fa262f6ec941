#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define CURB_TYPE_SIGNIN_PAGE (curb_signin_page_get_type ())
G_DECLARE_FINAL_TYPE (CurbSigninPage, curb_signin_page, CURB, SIGNIN_PAGE, AdwBin)

GtkWidget *curb_signin_page_new       (void);
void       curb_signin_page_reset     (CurbSigninPage *self);
void       curb_signin_page_set_error (CurbSigninPage *self,
                                       const char     *message);
void       curb_signin_page_set_busy  (CurbSigninPage *self,
                                       gboolean        busy);
void       curb_signin_page_press     (CurbSigninPage *self,
                                       const char     *key);
const char *curb_signin_page_get_staff_id (CurbSigninPage *self);

G_END_DECLS
