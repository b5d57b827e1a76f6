#include "engine/cpu/matmul.h"

#include <algorithm>
#include <vector>

namespace ponder::cpu {

namespace {

// Rows per work item: enough to amortise handing it out (~100 ns), small enough (a few hundred
// KiB of weights) that a thread descheduled mid-item delays the product only a little.
constexpr std::int64_t row_grain = 32;

// Rows kept hot in L1/L2 while every token group of a batch passes over them.
constexpr std::int64_t row_tile = 16;

inline float bias_at(const bf16* bias, std::int64_t r) {
    return bias != nullptr ? bf16_to_f32(bias[r]) : 0.0f;
}

}  // namespace

void f32_bf16w_matmul(ThreadPool& pool, const DotKernels& dot, std::span<const Bf16Linear> linears,
                      const float* x, std::int64_t batch, std::int64_t cols) {
    std::int64_t total_rows = 0;
    for (const Bf16Linear& linear : linears)
        total_rows += linear.rows;
    pool.parallel_for(total_rows, row_grain, [&](std::int64_t begin, std::int64_t end) {
        // Map the global row range onto the linears it spans.
        std::int64_t offset = 0;
        for (const Bf16Linear& linear : linears) {
            const std::int64_t first = std::max(begin, offset) - offset;
            const std::int64_t last = std::min(end, offset + linear.rows) - offset;
            offset += linear.rows;
            if (first >= last) continue;
            float partial[max_dot_batch];
            for (std::int64_t tile = first; tile < last; tile += row_tile) {
                const std::int64_t tile_end = std::min(last, tile + row_tile);
                for (std::int64_t b0 = 0; b0 < batch; b0 += max_dot_batch) {
                    const int group =
                        static_cast<int>(std::min<std::int64_t>(max_dot_batch, batch - b0));
                    for (std::int64_t r = tile; r < tile_end; ++r) {
                        dot.bf16_rows(linear.weight + r * cols, x + b0 * cols, cols, group, cols,
                                      partial);
                        const float bias = bias_at(linear.bias, r);
                        for (int b = 0; b < group; ++b) {
                            linear.out[(b0 + b) * linear.out_stride + r] = partial[b] + bias;
                        }
                    }
                }
            }
        }
    });
}

void f32_mxfp4w_matmul(ThreadPool& pool, const DotKernels& dot, const Mxfp4Tensor& weight,
                       const bf16* bias, std::span<const ExpertJob> jobs) {
    const std::int64_t rows = weight.rows;
    const std::int64_t cols = weight.cols;
    const std::int64_t blocks_per_row = cols / 32;

    // Every job's activations in the kernel's element order, made once for all its rows.
    thread_local std::vector<float> ordered;
    std::int64_t total = 0;
    for (const ExpertJob& job : jobs)
        total += job.batch * cols;
    if (ordered.size() < static_cast<size_t>(total)) ordered.resize(static_cast<size_t>(total));
    std::vector<const float*> job_x(jobs.size());
    std::int64_t offset = 0;
    for (size_t j = 0; j < jobs.size(); ++j) {
        dot.mxfp4_order_x(jobs[j].x, jobs[j].batch * cols, ordered.data() + offset);
        job_x[j] = ordered.data() + offset;
        offset += jobs[j].batch * cols;
    }

    pool.parallel_for(
        rows * static_cast<std::int64_t>(jobs.size()), row_grain,
        [&](std::int64_t begin, std::int64_t end) {
            for (std::int64_t item = begin; item < end;) {
                const size_t j = static_cast<size_t>(item / rows);
                const ExpertJob& job = jobs[j];
                const float* x = job_x[j];
                const std::int64_t first = item % rows;
                const std::int64_t last = std::min(rows, first + (end - item));
                item += last - first;
                const std::int64_t row0 = job.expert * rows;
                const bf16* expert_bias = bias + job.expert * rows;
                float partial[max_dot_batch];
                for (std::int64_t tile = first; tile < last; tile += row_tile) {
                    const std::int64_t tile_end = std::min(last, tile + row_tile);
                    for (std::int64_t b0 = 0; b0 < job.batch; b0 += max_dot_batch) {
                        const int group =
                            static_cast<int>(std::min<std::int64_t>(max_dot_batch, job.batch - b0));
                        for (std::int64_t r = tile; r < tile_end; ++r) {
                            const std::int64_t row = row0 + r;
                            dot.mxfp4_rows(weight.blocks + row * blocks_per_row * 16,
                                           weight.scales + row * blocks_per_row, x + b0 * cols,
                                           cols, group, blocks_per_row, partial);
                            const float row_bias = bf16_to_f32(expert_bias[r]);
                            for (int b = 0; b < group; ++b) {
                                job.out[(b0 + b) * rows + r] = partial[b] + row_bias;
                            }
                        }
                    }
                }
            }
        });
}

}  // namespace ponder::cpu
