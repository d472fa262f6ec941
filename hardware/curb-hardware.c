#include "curb-hardware.h"

G_DEFINE_QUARK (curb-hardware-error-quark, curb_hardware_error)
