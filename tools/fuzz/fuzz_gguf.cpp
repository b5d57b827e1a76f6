// libFuzzer target for the GGUF header parser (built like fuzz_safetensors, see its comment):
//   ninja -C build-fuzz fuzz_gguf && ./build-fuzz/fuzz_gguf -max_len=65536 SEED_DIR
// (seed it with small .gguf files, e.g. from `ponder-cli make-model --preset tiny --format gguf`
// cut to their first 64 KiB). tests/unit/engine/test_gguf.cpp runs the same check over
// deterministic mutations so that g++-only CI exercises it too.
#include <cstddef>
#include <cstdint>

#include "tools/fuzz/gguf_fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (!ponder::gguf_fuzz_check({data, size})) __builtin_trap();
    return 0;
}
