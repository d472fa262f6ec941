#pragma once

/* Umbrella header of the hub's store library: the store database, sync
 * with central and its connectors (hub/store, hub/sync). */

#include "curbside-core.h"

#include "curb-store.h"
#include "curb-backoff.h"
#include "curb-connector.h"
#include "curb-connector-config.h"
#include "curb-central-connector.h"
#include "curb-sync.h"
