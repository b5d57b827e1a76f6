// libFuzzer target for the safetensors header parser (docs/architecture.md §5). Build with clang:
//   cmake -S . -B build-fuzz -G Ninja -DCMAKE_CXX_COMPILER=clang++ -DPONDER_FUZZ=ON \
//         -DPONDER_GUI=OFF -DPONDER_TESTS=OFF && ninja -C build-fuzz fuzz_safetensors
//   ./build-fuzz/fuzz_safetensors -max_len=4096 tests/data/gpt-oss-tiny/base/original
// (seed it with any small .safetensors files). tests/unit/engine/test_safetensors.cpp runs the
// same check over deterministic mutations so that g++-only CI exercises it too.
#include <cstddef>
#include <cstdint>

#include "tools/fuzz/safetensors_fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (!ponder::safetensors_fuzz_check({data, size})) __builtin_trap();
    return 0;
}
