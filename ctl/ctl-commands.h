#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A curbside-ctl command: returns the process exit status
 * (0 ok, 1 failure, 2 usage error, more per command's --help). */
typedef int (*CtlCommandFunc) (int argc, char **argv);

typedef struct
{
  const char     *name;
  const char     *summary;
  CtlCommandFunc  run;
} CtlCommand;

/* --- token commands --- */
int ctl_keygen       (int argc, char **argv);
int ctl_token_sign   (int argc, char **argv);
int ctl_token_verify (int argc, char **argv);
int ctl_config       (int argc, char **argv);

/* --- store commands --- */
int   ctl_diagnostics (int argc, char **argv);
char *ctl_scrub (const char *text);
int   ctl_enroll  (int argc, char **argv);
int   ctl_status  (int argc, char **argv);
int   ctl_backup  (int argc, char **argv);
int   ctl_restore (int argc, char **argv);
int   ctl_staff   (int argc, char **argv);
int   ctl_device  (int argc, char **argv);
char *ctl_store_resolve_db (const char *db, const char *config_path, GError **error);
/* The hub's store database (--db, else from the hub config); it must exist. */
struct _CurbStore *ctl_store_open_existing (const char *db, const char *config_path, GError **error);

/* --- scan commands --- */
int ctl_scan (int argc, char **argv);

/* --- print commands --- */
int ctl_print_preview (int argc, char **argv);
int ctl_print_test    (int argc, char **argv);

G_END_DECLS
