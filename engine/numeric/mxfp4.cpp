#include "engine/numeric/mxfp4.h"

namespace ponder {

void mxfp4_dequantize_row(const std::uint8_t* blocks, const std::uint8_t* scales, std::int64_t cols,
                          float* out) {
    for (std::int64_t block = 0; block < cols / 32; ++block) {
        const std::uint8_t scale = scales[block];
        const std::uint8_t* bytes = blocks + block * 16;
        float* values = out + block * 32;
        for (int j = 0; j < 16; ++j) {
            values[2 * j] = mxfp4_decode(bytes[j] & 0x0F, scale);    // low nibble: element 2j
            values[2 * j + 1] = mxfp4_decode(bytes[j] >> 4, scale);  // high nibble: 2j + 1
        }
    }
}

}  // namespace ponder
