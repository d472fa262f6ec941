#pragma once

#include <stddef.h>
#include <stdint.h>

/* The libFuzzer entry point every fuzz-<name>.c defines. */
int LLVMFuzzerTestOneInput (const uint8_t *data,
                            size_t         size);
