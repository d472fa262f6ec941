#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/**
 * CurbCodeSourceState:
 * @CURB_CODE_SOURCE_STOPPED: not started
 * @CURB_CODE_SOURCE_STARTING: started, waiting for the device
 * @CURB_CODE_SOURCE_RUNNING: reading codes
 * @CURB_CODE_SOURCE_FAILED: the device failed; recovery is being attempted
 */
typedef enum
{
  CURB_CODE_SOURCE_STOPPED,
  CURB_CODE_SOURCE_STARTING,
  CURB_CODE_SOURCE_RUNNING,
  CURB_CODE_SOURCE_FAILED,
} CurbCodeSourceState;

#define CURB_TYPE_CODE_SOURCE_STATE (curb_code_source_state_get_type ())
GType curb_code_source_state_get_type (void);

#define CURB_TYPE_CODE_SOURCE (curb_code_source_get_type ())
G_DECLARE_DERIVABLE_TYPE (CurbCodeSource, curb_code_source, CURB, CODE_SOURCE, GObject)

/**
 * CurbCodeSourceClass:
 * @start: begin reading; errors after this are reported with the
 *   #CurbCodeSource::error signal
 * @stop: stop reading and release the device
 *
 * Anything that reads pickup codes: a camera, a keyboard-wedge scanner.
 * Signals are emitted on the thread-default main context of the caller of
 * curb_code_source_start().
 */
struct _CurbCodeSourceClass
{
  GObjectClass parent_class;

  gboolean (*start) (CurbCodeSource  *self,
                     GError         **error);
  void     (*stop)  (CurbCodeSource  *self);

  gpointer padding[8];
};

gboolean             curb_code_source_start       (CurbCodeSource  *self,
                                                   GError         **error);
void                 curb_code_source_stop        (CurbCodeSource  *self);
CurbCodeSourceState  curb_code_source_get_state   (CurbCodeSource  *self);
const char          *curb_code_source_get_name    (CurbCodeSource  *self);
const GError        *curb_code_source_get_error   (CurbCodeSource  *self);
gint64               curb_code_source_get_handed_over_time (CurbCodeSource *self);

/* For implementations; all of these may be called from any thread. */
void                 curb_code_source_emit_code   (CurbCodeSource  *self,
                                                   GBytes          *payload,
                                                   gint64           frame_time);
void                 curb_code_source_report_error (CurbCodeSource *self,
                                                    const GError   *error);
void                 curb_code_source_report_running (CurbCodeSource *self);
void                 curb_code_source_set_state   (CurbCodeSource      *self,
                                                   CurbCodeSourceState  state);

G_END_DECLS
