#include "engine/model/gguf_export.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "engine/numeric/bf16.h"

namespace ponder {

namespace {

// float -> IEEE half, round to nearest even (what numpy's astype(float16) does).
std::uint16_t f32_to_f16(float value) {
    std::uint32_t bits = 0;
    std::memcpy(&bits, &value, 4);
    const std::uint32_t sign = (bits >> 16) & 0x8000u;
    const std::uint32_t exponent = (bits >> 23) & 0xffu;
    std::uint32_t mantissa = bits & 0x7fffffu;
    if (exponent == 0xff) {
        return static_cast<std::uint16_t>(sign | 0x7c00u | (mantissa != 0 ? 0x200u : 0u));
    }
    const int e = static_cast<int>(exponent) - 127 + 15;
    if (e >= 31) return static_cast<std::uint16_t>(sign | 0x7c00u);  // overflow to infinity
    if (e <= 0) {
        // Subnormal half (or zero): shift the full mantissa into place, rounding to even.
        if (e < -10) return static_cast<std::uint16_t>(sign);
        mantissa |= 0x800000u;
        const int shift = 14 - e;
        const std::uint32_t half = mantissa >> shift;
        const std::uint32_t rest = mantissa & ((1u << shift) - 1);
        const std::uint32_t midpoint = 1u << (shift - 1);
        const std::uint32_t rounded =
            half + ((rest > midpoint || (rest == midpoint && (half & 1u))) ? 1u : 0u);
        return static_cast<std::uint16_t>(sign | rounded);
    }
    std::uint32_t half = (static_cast<std::uint32_t>(e) << 10) | (mantissa >> 13);
    const std::uint32_t rest = mantissa & 0x1fffu;
    if (rest > 0x1000u || (rest == 0x1000u && (half & 1u))) ++half;  // may carry into exponent
    return static_cast<std::uint16_t>(sign | half);
}

void put_u16(std::vector<std::uint8_t>& out, std::uint16_t v) {
    out.push_back(static_cast<std::uint8_t>(v & 0xff));
    out.push_back(static_cast<std::uint8_t>(v >> 8));
}

// Encodes `count` bf16 values (count a multiple of 32 for q8_0) as `type`, appending to `out`.
void encode_dense(const bf16* values, std::int64_t count, GgmlType type,
                  std::vector<std::uint8_t>& out) {
    switch (type) {
        case GgmlType::bf16:
            for (std::int64_t k = 0; k < count; ++k)
                put_u16(out, values[k].bits);
            break;
        case GgmlType::f16:
            for (std::int64_t k = 0; k < count; ++k)
                put_u16(out, f32_to_f16(bf16_to_f32(values[k])));
            break;
        case GgmlType::f32:
            for (std::int64_t k = 0; k < count; ++k) {
                const float f = bf16_to_f32(values[k]);
                std::uint32_t bits = 0;
                std::memcpy(&bits, &f, 4);
                for (int b = 0; b < 4; ++b)
                    out.push_back(static_cast<std::uint8_t>(bits >> (8 * b)));
            }
            break;
        case GgmlType::q8_0:
            // ggml's quantize_row_q8_0_ref: d = max|x| / 127, q = round(x / d).
            for (std::int64_t block = 0; block < count / 32; ++block) {
                float amax = 0.0f;
                for (int k = 0; k < 32; ++k)
                    amax = std::max(amax, std::fabs(bf16_to_f32(values[block * 32 + k])));
                const float d = amax / 127.0f;
                const float id = d != 0.0f ? 1.0f / d : 0.0f;
                put_u16(out, f32_to_f16(d));
                for (int k = 0; k < 32; ++k) {
                    const float q = std::round(bf16_to_f32(values[block * 32 + k]) * id);
                    out.push_back(static_cast<std::uint8_t>(static_cast<std::int8_t>(q)));
                }
            }
            break;
        default:
            break;
    }
}

// One output tensor: its declaration and how to produce its bytes row group by row group.
struct Output {
    GgufTensorDeclaration declaration;
    std::function<void(std::int64_t row, std::vector<std::uint8_t>& out)> row;  // appends row
    std::int64_t rows = 0;
};

std::vector<std::int64_t> ne_of(std::vector<std::int64_t> shape) {
    std::reverse(shape.begin(), shape.end());
    return shape;
}

}  // namespace

Status export_gguf(const ModelConfig& c, const ModelWeights& w, const std::filesystem::path& path,
                   const GgufExportOptions& options) {
    const GgmlType dense_type = options.dense_type;
    if (dense_type != GgmlType::f32 && dense_type != GgmlType::f16 &&
        dense_type != GgmlType::bf16 && dense_type != GgmlType::q8_0) {
        return Status(StatusCode::invalid_argument,
                      std::string("GGUF export writes dense tensors as F32, F16, BF16 or Q8_0, "
                                  "not ") +
                          ggml_type_name(dense_type));
    }
    const bool ollama = options.naming == GgufNaming::ollama;
    const bool fused = options.naming == GgufNaming::llama_cpp_fused;
    const std::string arch = ollama ? "gptoss" : "gpt-oss";
    const auto u32 = [](std::int64_t v) { return static_cast<std::uint32_t>(v); };
    std::vector<GgufEntry> metadata = {
        gguf_string("general.architecture", arch),
        gguf_string("general.name", "gpt-oss"),
        gguf_u32("general.alignment", static_cast<std::uint32_t>(gguf_writer_alignment)),
        gguf_u32(arch + ".context_length", u32(c.max_position_embeddings)),
        gguf_u32(arch + ".embedding_length", u32(c.hidden_size)),
        gguf_u32(arch + ".block_count", u32(c.num_layers)),
        gguf_u32(arch + ".feed_forward_length", u32(c.intermediate_size)),
        gguf_u32(arch + ".expert_feed_forward_length", u32(c.intermediate_size)),
        gguf_u32(arch + ".attention.head_count", u32(c.num_heads)),
        gguf_u32(arch + ".attention.head_count_kv", u32(c.num_kv_heads)),
        gguf_u32(arch + ".attention.key_length", u32(c.head_dim)),
        gguf_u32(arch + ".attention.value_length", u32(c.head_dim)),
        gguf_u32(arch + ".attention.sliding_window", u32(c.sliding_window)),
        gguf_f32(arch + ".attention.layer_norm_rms_epsilon", static_cast<float>(c.rms_norm_eps)),
        gguf_u32(arch + ".expert_count", u32(c.num_experts)),
        gguf_u32(arch + ".expert_used_count", u32(c.experts_per_token)),
        gguf_f32(arch + ".rope.freq_base", static_cast<float>(c.rope_theta)),
        gguf_string(arch + ".rope.scaling.type", "yarn"),
        gguf_f32(arch + ".rope.scaling.factor", static_cast<float>(c.rope_scaling.factor)),
        gguf_u32(arch + ".rope.scaling.original_context_length",
                 u32(c.rope_scaling.original_max_position)),
        gguf_f32(arch + ".rope.scaling.yarn_beta_fast",
                 static_cast<float>(c.rope_scaling.beta_fast)),
        gguf_f32(arch + ".rope.scaling.yarn_beta_slow",
                 static_cast<float>(c.rope_scaling.beta_slow)),
    };
    if (!c.eos_token_ids.empty()) {
        metadata.push_back(gguf_u32("tokenizer.ggml.eos_token_id", u32(c.eos_token_ids.front())));
        metadata.push_back(gguf_i32s("tokenizer.ggml.eos_token_ids", c.eos_token_ids));
    }
    for (const GgufEntry& entry : options.extra_metadata)
        metadata.push_back(entry);

    const std::int64_t h = c.hidden_size;
    const std::int64_t e = c.num_experts;
    const std::int64_t i = c.intermediate_size;
    std::vector<Output> outputs;
    // A dense tensor, written row by row (its last dimension); 1-D tensors are F32.
    const auto dense = [&](std::string name, const bf16* values, std::vector<std::int64_t> shape) {
        const GgmlType type = shape.size() == 1 ? GgmlType::f32 : dense_type;
        const std::int64_t cols = shape.back();
        std::int64_t rows = 1;
        for (std::size_t d = 0; d + 1 < shape.size(); ++d)
            rows *= shape[d];
        outputs.push_back({{std::move(name), type, ne_of(shape)},
                           [values, cols, type](std::int64_t row, std::vector<std::uint8_t>& out) {
                               encode_dense(values + row * cols, cols, type, out);
                           },
                           rows});
    };
    // Experts [E, rows, cols] from engine rows `source_row(r)` of an Mxfp4Tensor, as ggml blocks.
    const auto experts = [&](std::string name, const Mxfp4Tensor& t, std::int64_t rows,
                             std::function<std::int64_t(std::int64_t)> source_row) {
        const std::int64_t blocks_per_row = t.cols / 32;
        outputs.push_back({{std::move(name), GgmlType::mxfp4, {t.cols, rows, t.experts}},
                           [t, rows, blocks_per_row, source_row](std::int64_t row,
                                                                 std::vector<std::uint8_t>& out) {
                               const std::int64_t expert = row / rows;
                               const std::int64_t r = source_row(row % rows);
                               const std::int64_t first = (expert * t.rows + r) * blocks_per_row;
                               for (std::int64_t g = 0; g < blocks_per_row; ++g) {
                                   const std::uint8_t* src = t.blocks + (first + g) * 16;
                                   out.push_back(t.scales[first + g]);
                                   // Byte j: element j (low nibble) and element j + 16 (high
                                   // nibble); in the checkpoint element k sits in byte k / 2, low
                                   // nibble when k is even.
                                   const auto element = [src](int k) {
                                       return static_cast<std::uint8_t>(
                                           k % 2 == 0 ? src[k / 2] & 0x0f : src[k / 2] >> 4);
                                   };
                                   for (int j = 0; j < 16; ++j)
                                       out.push_back(static_cast<std::uint8_t>(
                                           element(j) | (element(j + 16) << 4)));
                               }
                           },
                           t.experts * rows});
    };
    // Gate/up biases from the interleaved [E, 2I]: gate = even, up = odd (fused: gate then up).
    std::vector<std::vector<bf16>> split_biases;
    const auto split_bias = [&](const bf16* interleaved, int which) {
        std::vector<bf16> out;
        for (std::int64_t x = 0; x < e; ++x)
            for (std::int64_t j = 0; j < i; ++j)
                out.push_back(interleaved[x * 2 * i + 2 * j + which]);
        split_biases.push_back(std::move(out));
        return split_biases.back().data();
    };
    split_biases.reserve(static_cast<std::size_t>(3 * c.num_layers));

    dense("token_embd.weight", w.embedding, {c.vocab_size, h});
    dense("output_norm.weight", w.final_norm, {h});
    dense("output.weight", w.unembedding, {c.vocab_size, h});
    for (std::int64_t n = 0; n < c.num_layers; ++n) {
        const LayerWeights& l = w.layers[static_cast<std::size_t>(n)];
        const std::string p = "blk." + std::to_string(n) + ".";
        dense(p + "attn_norm.weight", l.attn_norm, {h});
        dense(p + "attn_q.weight", l.q_weight, {c.q_width(), h});
        dense(p + "attn_q.bias", l.q_bias, {c.q_width()});
        dense(p + "attn_k.weight", l.k_weight, {c.kv_width(), h});
        dense(p + "attn_k.bias", l.k_bias, {c.kv_width()});
        dense(p + "attn_v.weight", l.v_weight, {c.kv_width(), h});
        dense(p + "attn_v.bias", l.v_bias, {c.kv_width()});
        const std::string out_name = ollama ? "attn_out" : "attn_output";
        dense(p + out_name + ".weight", l.o_weight, {h, c.q_width()});
        dense(p + out_name + ".bias", l.o_bias, {h});
        dense(p + (ollama ? "attn_sinks" : "attn_sinks.weight"), l.sinks, {c.num_heads});
        dense(p + (ollama ? "ffn_norm.weight" : "post_attention_norm.weight"), l.mlp_norm, {h});
        dense(p + "ffn_gate_inp.weight", l.router_weight, {e, h});
        dense(p + "ffn_gate_inp.bias", l.router_bias, {e});
        if (fused) {
            experts(p + "ffn_gate_up_exps.weight", l.gate_up, 2 * i,
                    [i](std::int64_t r) { return r < i ? 2 * r : 2 * (r - i) + 1; });
            std::vector<bf16> bias;
            for (std::int64_t x = 0; x < e; ++x)
                for (int which = 0; which < 2; ++which)
                    for (std::int64_t j = 0; j < i; ++j)
                        bias.push_back(l.gate_up_bias[x * 2 * i + 2 * j + which]);
            split_biases.push_back(std::move(bias));
            dense(p + "ffn_gate_up_exps.bias", split_biases.back().data(), {e, 2 * i});
        } else {
            experts(p + "ffn_gate_exps.weight", l.gate_up, i, [](std::int64_t r) { return 2 * r; });
            dense(p + "ffn_gate_exps.bias", split_bias(l.gate_up_bias, 0), {e, i});
            experts(p + "ffn_up_exps.weight", l.gate_up, i,
                    [](std::int64_t r) { return 2 * r + 1; });
            dense(p + "ffn_up_exps.bias", split_bias(l.gate_up_bias, 1), {e, i});
        }
        experts(p + "ffn_down_exps.weight", l.down, h, [](std::int64_t r) { return r; });
        dense(p + "ffn_down_exps.bias", l.down_bias, {e, h});
    }

    std::vector<GgufTensorDeclaration> declarations;
    for (const Output& output : outputs)
        declarations.push_back(output.declaration);
    auto writer = GgufWriter::create(path, metadata, declarations);
    if (!writer) return writer.status();
    std::vector<std::uint8_t> buffer;
    for (std::size_t t = 0; t < outputs.size(); ++t) {
        const Output& output = outputs[t];
        for (std::int64_t row = 0; row < output.rows; ++row) {
            output.row(row, buffer);
            if (buffer.size() >= (1u << 20) || row + 1 == output.rows) {
                if (Status s = writer->append(buffer); !s.ok()) return s;
                buffer.clear();
            }
        }
        if (options.progress &&
            !options.progress(static_cast<double>(t + 1) / static_cast<double>(outputs.size()),
                              "wrote " + output.declaration.name)) {
            return Status(StatusCode::cancelled, "writing " + path.string() + " was cancelled");
        }
    }
    return writer->finish();
}

}  // namespace ponder
