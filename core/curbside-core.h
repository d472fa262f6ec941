#pragma once

/* Umbrella header of the core library. */

#include "curb-error.h"
#include "curb-util.h"
#include "curb-json.h"
/* --- domain model, state machine, store database --- */
#include "curb-event.h"
#include "curb-order.h"
#include "curb-state.h"
#include "curb-store.h"
/* --- pickup tokens, config --- */
#include "curb-signing-key.h"
#include "curb-keyring.h"
#include "curb-token.h"
#include "curb-config.h"
/* --- central order system connectors --- */
#include "curb-backoff.h"
#include "curb-connector.h"
#include "curb-connector-config.h"
#include "curb-central-connector.h"
#include "curb-sync.h"
