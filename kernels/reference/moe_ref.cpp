#include <cmath>
#include <cstring>
#include <limits>
#include <vector>

#include "kernels/mxfp4_layout.h"
#include "kernels/reference/numeric.h"
#include "kernels/reference/reference.h"

namespace ponder::kernels::ref {

void topk_softmax(const float* logits, int num_partials, const bf16_bits* bias, int num_tokens,
                  int num_experts, std::int32_t* expert_idx, float* expert_weight) {
    std::vector<float> row(num_experts);
    for (int t = 0; t < num_tokens; ++t) {
        for (int e = 0; e < num_experts; ++e) {
            float sum = 0.0f;  // slices summed in order, in f32, as the kernel does
            for (int p = 0; p < num_partials; ++p) {
                sum += logits[(static_cast<std::size_t>(p) * num_tokens + t) * num_experts + e];
            }
            const float logit = bias ? sum + bf16_to_f32(bias[e]) : sum;
            // NaN counts as -inf, as in the kernel: the ids stay valid and distinct.
            row[e] = std::isnan(logit) ? -std::numeric_limits<float>::infinity() : logit;
        }
        std::vector<bool> taken(num_experts, false);
        float values[kTopK];
        for (int n = 0; n < kTopK; ++n) {
            int best = -1;
            for (int e = 0; e < num_experts; ++e) {  // strict > keeps the lower index on ties
                if (!taken[e] && (best < 0 || row[e] > row[best])) best = e;
            }
            taken[best] = true;
            expert_idx[t * kTopK + n] = best;
            values[n] = row[best];
        }
        double sum = 0.0;
        double exps[kTopK];
        for (int n = 0; n < kTopK; ++n) {
            // Equal to the top: weight 1 even when both are infinite (inf - inf would be NaN).
            exps[n] =
                values[n] == values[0] ? 1.0 : std::exp(static_cast<double>(values[n]) - values[0]);
            sum += exps[n];
        }
        for (int n = 0; n < kTopK; ++n) {
            expert_weight[t * kTopK + n] = static_cast<float>(exps[n] / sum);
        }
    }
}

float e2m1_value(unsigned nibble) {
    static constexpr float kValues[16] = {0.0f,  0.5f,  1.0f,  1.5f,  2.0f,  3.0f,  4.0f,  6.0f,
                                          -0.0f, -0.5f, -1.0f, -1.5f, -2.0f, -3.0f, -4.0f, -6.0f};
    return kValues[nibble & 15u];
}

float mxfp4_weight(const std::uint8_t* blocks, const std::uint8_t* scales, int rows, int cols,
                   int e, int r, int k) {
    const int groups = cols / kMxfp4BlockElems;
    const std::size_t block = (static_cast<std::size_t>(e) * rows + r) * groups + k / 32;
    const std::uint8_t byte = blocks[block * 16 + (k % 32) / 2];
    const unsigned nibble = (k % 2 == 0) ? (byte & 0x0fu) : (byte >> 4);
    return std::ldexp(e2m1_value(nibble), static_cast<int>(scales[block]) - 127);
}

void mxfp4_repack_mma(const Mxfp4RepackArgs& a) {
    const int groups = a.cols / kMxfp4BlockElems;
    const int tiles = a.rows / kTileRows;
    const int pairs = a.cols / kPairElems;
    for (int e = 0; e < a.num_experts; ++e) {
        for (int m = 0; m < tiles; ++m) {
            for (int p = 0; p < pairs; ++p) {
                const std::size_t index = tile_pair_index(e, m, p, tiles, pairs);
                std::uint8_t* dst = a.tile_blocks + index * kTilePairBytes;
                std::uint8_t* dst_scales = a.tile_scales + index * kTilePairScaleBytes;
                for (int lane = 0; lane < 32; ++lane) {
                    const int g = lane / 4, tid = lane % 4;
                    for (int word = 0; word < 4; ++word) {
                        const int tile_row = g + 8 * (word & 1);
                        const int block = 2 * p + (word >> 1);
                        const int row = tile_row_source(m, tile_row, a.gate_up_interleaved);
                        const std::size_t src =
                            ((static_cast<std::size_t>(e) * a.rows + row) * groups + block) * 16 +
                            4 * tid;
                        std::memcpy(dst + lane * 16 + word * 4, a.blocks + src, 4);
                    }
                }
                for (int g = 0; g < 8; ++g) {
                    for (int j = 0; j < 4; ++j) {
                        const int row = tile_row_source(m, g + 8 * (j & 1), a.gate_up_interleaved);
                        const int block = 2 * p + (j >> 1);
                        dst_scales[g * 4 + j] =
                            a.scales[(static_cast<std::size_t>(e) * a.rows + row) * groups + block];
                    }
                }
            }
        }
    }
}

float swiglu(float gate, float up, float limit, float alpha) {
    const double g = std::fmin(gate, limit);
    const double u = std::fmax(std::fmin(up, limit), -limit);
    return static_cast<float>(g / (1.0 + std::exp(-alpha * g)) * (u + 1.0));
}

namespace {

// Row r of expert e, dequantised to f32.
void dequant_row(const std::uint8_t* blocks, const std::uint8_t* scales, int rows, int cols, int e,
                 int r, float* out) {
    const int groups = cols / kMxfp4BlockElems;
    for (int b = 0; b < groups; ++b) {
        const std::size_t block = (static_cast<std::size_t>(e) * rows + r) * groups + b;
        const float scale = std::ldexp(1.0f, static_cast<int>(scales[block]) - 127);
        for (int j = 0; j < 16; ++j) {
            const std::uint8_t byte = blocks[block * 16 + j];
            out[b * 32 + 2 * j] = e2m1_value(byte & 0x0fu) * scale;
            out[b * 32 + 2 * j + 1] = e2m1_value(byte >> 4) * scale;
        }
    }
}

double dot(const float* a, const float* b, int n) {
    double sum = 0.0;
    for (int i = 0; i < n; ++i)
        sum += static_cast<double>(a[i]) * b[i];
    return sum;
}

}  // namespace

void moe(const HostExperts& ex, const bf16_bits* x, const std::int32_t* expert_idx,
         const float* expert_weight, int num_tokens, float* residual, float* act) {
    const int H = ex.hidden, I = ex.intermediate;
    const std::size_t slots = static_cast<std::size_t>(num_tokens) * kTopK;
    std::vector<float> x_f32(static_cast<std::size_t>(num_tokens) * H);
    for (std::size_t i = 0; i < x_f32.size(); ++i)
        x_f32[i] = bf16_to_f32(x[i]);
    std::vector<float> a(slots * I);   // SwiGLU output per slot
    std::vector<double> y(slots * H);  // W2 a + b2 per slot
    std::vector<float> gate_row(H), up_row(H), down_row(I);
    // Expert-major, so each expert's rows are dequantised once however many slots chose it.
    for (int e = 0; e < ex.num_experts; ++e) {
        std::vector<std::size_t> chosen;
        for (std::size_t s = 0; s < slots; ++s) {
            if (expert_idx[s] == e) chosen.push_back(s);
        }
        if (chosen.empty()) continue;
        for (int j = 0; j < I; ++j) {
            dequant_row(ex.gate_up_blocks, ex.gate_up_scales, 2 * I, H, e, 2 * j, gate_row.data());
            dequant_row(ex.gate_up_blocks, ex.gate_up_scales, 2 * I, H, e, 2 * j + 1,
                        up_row.data());
            const float gate_bias =
                bf16_to_f32(ex.gate_up_bias[static_cast<std::size_t>(e) * 2 * I + 2 * j]);
            const float up_bias =
                bf16_to_f32(ex.gate_up_bias[static_cast<std::size_t>(e) * 2 * I + 2 * j + 1]);
            for (std::size_t s : chosen) {
                const float* xt = x_f32.data() + (s / kTopK) * H;
                const float gate = static_cast<float>(dot(gate_row.data(), xt, H) + gate_bias);
                const float up = static_cast<float>(dot(up_row.data(), xt, H) + up_bias);
                a[s * I + j] = swiglu(gate, up, ex.swiglu_limit, ex.swiglu_alpha);
            }
        }
        for (int r = 0; r < H; ++r) {
            dequant_row(ex.down_blocks, ex.down_scales, H, I, e, r, down_row.data());
            const double bias = bf16_to_f32(ex.down_bias[static_cast<std::size_t>(e) * H + r]);
            for (std::size_t s : chosen)
                y[s * H + r] = dot(down_row.data(), &a[s * I], I) + bias;
        }
    }
    for (int t = 0; t < num_tokens; ++t) {
        for (int r = 0; r < H; ++r) {
            double sum = 0.0;
            for (int n = 0; n < kTopK; ++n) {
                const std::size_t s = static_cast<std::size_t>(t) * kTopK + n;
                sum += static_cast<double>(expert_weight[s]) * y[s * H + r];
            }
            residual[static_cast<std::size_t>(t) * H + r] += static_cast<float>(sum);
        }
    }
    if (act != nullptr) std::memcpy(act, a.data(), a.size() * sizeof(float));
}

}  // namespace ponder::kernels::ref
