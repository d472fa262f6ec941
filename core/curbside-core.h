#pragma once

/* Umbrella header of the core library. */

#include "curb-error.h"
#include "curb-util.h"
/* --- domain model, state machine, store database --- */
#include "curb-event.h"
#include "curb-order.h"
#include "curb-state.h"
#include "curb-store.h"
