#pragma once

/* Umbrella header of the core library (the hub-only store and sync:
 * curbside-store.h). */

#include "curb-error.h"
#include "curb-util.h"
#include "curb-json.h"
/* --- domain model, state machine --- */
#include "curb-event.h"
#include "curb-order.h"
#include "curb-state.h"
/* --- pickup tokens, config --- */
#include "curb-signing-key.h"
#include "curb-keyring.h"
#include "curb-token.h"
#include "curb-config.h"
