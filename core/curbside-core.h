#pragma once

/* Umbrella header of the core library. */

#include "curb-error.h"
#include "curb-util.h"
#include "curb-signing-key.h"
#include "curb-keyring.h"
#include "curb-token.h"
#include "curb-config.h"
