#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define CURB_HARDWARE_ERROR (curb_hardware_error_quark ())

/**
 * CurbHardwareError:
 *
 * Typed hardware failures, so the apps can show the right person the right
 * next step (manual lookup when the camera fails, "receipt will be handed to
 * you" when the printer is out of paper).
 */
typedef enum
{
  CURB_HARDWARE_ERROR_FAILED,
  CURB_HARDWARE_ERROR_NO_CAMERA,
  CURB_HARDWARE_ERROR_CAMERA_UNPLUGGED,
  CURB_HARDWARE_ERROR_CAMERA_FROZEN,
  CURB_HARDWARE_ERROR_FORMAT_CHANGED,
  CURB_HARDWARE_ERROR_PRINTER_OFFLINE,
  CURB_HARDWARE_ERROR_PAPER_OUT,
  CURB_HARDWARE_ERROR_COVER_OPEN,
  CURB_HARDWARE_ERROR_PRINTER_ERROR,
  CURB_HARDWARE_ERROR_IO,
  CURB_HARDWARE_ERROR_UNSUPPORTED,
} CurbHardwareError;

GQuark curb_hardware_error_quark (void);

G_END_DECLS
