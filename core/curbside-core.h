#pragma once

/* Umbrella header of the core library. */

#include "curb-error.h"
#include "curb-util.h"
