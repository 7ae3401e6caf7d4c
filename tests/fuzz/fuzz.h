/* fuzz.h - the entry point every fuzz target defines.
 * libFuzzer calls it with each input; driver.c calls it once per file when the tree is built
 * without libFuzzer.  DATA holds exactly SIZE bytes and is not NUL-terminated.  Return 0; a bug
 * shows up as a crash, a sanitizer report or abort(). */
#ifndef SHIKRA_TESTS_FUZZ_H
#define SHIKRA_TESTS_FUZZ_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif
