#include "engine/cpu/moe.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "engine/cpu/matmul.h"

namespace ponder::cpu {

namespace {
constexpr float kNegativeInfinity = -std::numeric_limits<float>::infinity();
}  // namespace

void route_top_k(const float* logits, std::int64_t batch, std::int64_t num_experts, std::int64_t k,
                 std::int32_t* experts, float* weights) {
    std::vector<bool> taken(static_cast<size_t>(num_experts));
    for (std::int64_t b = 0; b < batch; ++b) {
        const float* row = logits + b * num_experts;
        std::int32_t* chosen = experts + b * k;
        float* w = weights + b * k;
        std::fill(taken.begin(), taken.end(), false);
        for (std::int64_t n = 0; n < k; ++n) {
            std::int64_t best = -1;
            float best_value = 0.0f;
            for (std::int64_t e = 0; e < num_experts; ++e) {
                const float value = std::isnan(row[e]) ? kNegativeInfinity : row[e];
                // Strictly greater: among equal logits the lowest index wins.
                if (!taken[static_cast<size_t>(e)] && (best < 0 || value > best_value)) {
                    best = e;
                    best_value = value;
                }
            }
            taken[static_cast<size_t>(best)] = true;
            chosen[n] = static_cast<std::int32_t>(best);
            w[n] = best_value;
        }
        const float top = w[0];
        float sum = 0.0f;
        for (std::int64_t n = 0; n < k; ++n) {
            w[n] = w[n] == top ? 1.0f : std::exp(w[n] - top);  // inf - inf would be NaN
            sum += w[n];
        }
        for (std::int64_t n = 0; n < k; ++n)
            w[n] /= sum;
    }
}

void swiglu_clamped(const float* gate_up, std::int64_t rows, std::int64_t intermediate, float limit,
                    float alpha, float* out) {
    for (std::int64_t r = 0; r < rows; ++r) {
        const float* in = gate_up + r * 2 * intermediate;
        float* o = out + r * intermediate;
        for (std::int64_t i = 0; i < intermediate; ++i) {
            const float gate = std::min(in[2 * i], limit);  // clamped above only
            const float up = std::clamp(in[2 * i + 1], -limit, limit);
            const float glu = gate / (1.0f + std::exp(-alpha * gate));
            o[i] = glu * (up + 1.0f);
        }
    }
}

void moe_block(ThreadPool& pool, const DotKernels& dot, const MoeShape& shape,
               const LayerWeights& layer, const float* t, std::int64_t batch, MoeScratch& scratch,
               float* out) {
    const std::int64_t hidden = shape.hidden;
    const std::int64_t inter = shape.intermediate;
    const std::int64_t k = shape.experts_per_token;
    const std::int64_t slots = batch * k;
    const auto sized = [](auto& buffer, std::int64_t n) {
        if (buffer.size() < static_cast<size_t>(n)) buffer.resize(static_cast<size_t>(n));
    };
    sized(scratch.router_logits, batch * shape.num_experts);
    sized(scratch.experts, slots);
    sized(scratch.weights, slots);
    sized(scratch.slot_row, slots);
    sized(scratch.expert_in, slots * hidden);
    sized(scratch.gate_up, slots * 2 * inter);
    sized(scratch.activated, slots * inter);
    sized(scratch.expert_out, slots * hidden);

    const Bf16Linear router{layer.router_weight, layer.router_bias, shape.num_experts,
                            scratch.router_logits.data(), shape.num_experts};
    f32_bf16w_matmul(pool, dot, {&router, 1}, t, batch, hidden);
    route_top_k(scratch.router_logits.data(), batch, shape.num_experts, k, scratch.experts.data(),
                scratch.weights.data());

    // Group the (token, slot) pairs by expert so each expert's rows are read once per batch.
    std::vector<ExpertJob> gate_up_jobs;
    std::vector<ExpertJob> down_jobs;
    std::int64_t row = 0;
    for (std::int64_t e = 0; e < shape.num_experts; ++e) {
        const std::int64_t first_row = row;
        for (std::int64_t s = 0; s < slots; ++s) {
            if (scratch.experts[static_cast<size_t>(s)] != e) continue;
            const float* token = t + (s / k) * hidden;
            std::copy(token, token + hidden, scratch.expert_in.data() + row * hidden);
            scratch.slot_row[static_cast<size_t>(s)] = row++;
        }
        const std::int64_t n = row - first_row;
        if (n == 0) continue;
        gate_up_jobs.push_back({e, scratch.expert_in.data() + first_row * hidden, n,
                                scratch.gate_up.data() + first_row * 2 * inter});
        down_jobs.push_back({e, scratch.activated.data() + first_row * inter, n,
                             scratch.expert_out.data() + first_row * hidden});
    }

    f32_mxfp4w_matmul(pool, dot, layer.gate_up, layer.gate_up_bias, gate_up_jobs);
    pool.parallel_for(slots, 1, [&](std::int64_t begin, std::int64_t end) {
        swiglu_clamped(scratch.gate_up.data() + begin * 2 * inter, end - begin, inter,
                       shape.swiglu_limit, shape.swiglu_alpha,
                       scratch.activated.data() + begin * inter);
    });
    f32_mxfp4w_matmul(pool, dot, layer.down, layer.down_bias, down_jobs);

    for (std::int64_t b = 0; b < batch; ++b) {
        float* o = out + b * hidden;
        std::fill(o, o + hidden, 0.0f);
        for (std::int64_t n = 0; n < k; ++n) {
            const std::int64_t s = b * k + n;
            dot.f32_axpy(
                scratch.weights[static_cast<size_t>(s)],
                scratch.expert_out.data() + scratch.slot_row[static_cast<size_t>(s)] * hidden, o,
                hidden);
        }
    }
}

}  // namespace ponder::cpu
