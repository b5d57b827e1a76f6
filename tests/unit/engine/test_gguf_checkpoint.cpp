// gpt-oss GGUF files against the safetensors folders they were written from (the tiny golden
// checkpoints in tests/data/gpt-oss-tiny): the same logits in every evaluation mode, bit for bit
// for lossless dense types (BF16, F32) and within the stored type's rounding for F16 and Q8_0;
// the three naming schemes (llama.cpp split and fused experts, Ollama); ggml's MXFP4 block
// layout checked against the spec's formulas, not the code's; the file's own vocabulary; and
// hostile files (wrong types, shapes, names, metadata, truncation) refused with clear errors.
#include <QtTest>

#include <cmath>
#include <cstring>
#include <fstream>

#include "engine/context.h"
#include "engine/io/gguf.h"
#include "engine/io/gguf_writer.h"
#include "engine/io/mapped_file.h"
#include "engine/model/checkpoint.h"
#include "engine/model/gguf_checkpoint.h"
#include "engine/model/gguf_export.h"
#include "engine/numeric/bf16.h"
#include "engine/tokenizer/gguf_vocabulary.h"
#include "engine/tokenizer/o200k_harmony.h"
#include "golden_model.h"

using namespace ponder;
namespace fs = std::filesystem;

namespace {

using Bytes = std::vector<std::uint8_t>;

// Logits [T, vocab] of every token: `batch` tokens in one append (0 = all), then one at a time.
std::vector<float> run(const Model& model, std::span<const std::int32_t> tokens,
                       std::int64_t batch) {
    auto context = Context::create(model, {});
    if (!context) qFatal("%s", context.status().to_string().c_str());
    const auto count = static_cast<std::int64_t>(tokens.size());
    const std::int64_t prefix = batch == 0 ? count : std::min(batch, count);
    std::vector<float> logits;
    AppendOptions all;
    all.all_logits = true;
    if (Status s = (*context)->append(tokens.first(static_cast<size_t>(prefix)), all); !s.ok())
        qFatal("%s", s.to_string().c_str());
    logits.assign((*context)->all_logits().begin(), (*context)->all_logits().end());
    for (std::int64_t i = prefix; i < count; ++i) {
        if (Status s = (*context)->append(tokens.subspan(static_cast<size_t>(i), 1)); !s.ok())
            qFatal("%s", s.to_string().c_str());
        logits.insert(logits.end(), (*context)->logits().begin(), (*context)->logits().end());
    }
    return logits;
}

std::unique_ptr<Model> load(const fs::path& path) {
    ModelOptions options;
    options.threads = 2;
    auto model = Model::load(path, options);
    if (!model) qFatal("%s", model.status().to_string().c_str());
    return std::move(*model);
}

// Writes the golden checkpoint `name` as GGUF into `dir`.
fs::path write_gguf(const std::string& name, const fs::path& dir, GgmlType dense,
                    GgufNaming naming = GgufNaming::llama_cpp, std::vector<GgufEntry> extra = {}) {
    auto checkpoint = Checkpoint::open(golden::model_dir(name));
    if (!checkpoint) qFatal("%s", checkpoint.status().to_string().c_str());
    const fs::path path = dir / (name + "-" + ggml_type_name(dense) + "-" +
                                 std::to_string(static_cast<int>(naming)) + ".gguf");
    GgufExportOptions options;
    options.dense_type = dense;
    options.naming = naming;
    options.extra_metadata = std::move(extra);
    if (Status s = export_gguf((*checkpoint)->config(), (*checkpoint)->weights(), path, options);
        !s.ok()) {
        qFatal("%s", s.to_string().c_str());
    }
    return path;
}

// Worst relative L2 difference over the rows of two [T, vocab] logit tables.
double worst_relative_l2(const std::vector<float>& a, const std::vector<float>& b,
                         std::int64_t vocab) {
    double worst = 0.0;
    for (std::size_t row = 0; row * vocab < a.size(); ++row) {
        double error = 0.0;
        double norm = 0.0;
        for (std::int64_t i = 0; i < vocab; ++i) {
            const double x = a[row * vocab + i];
            const double y = b[row * vocab + i];
            error += (x - y) * (x - y);
            norm += y * y;
        }
        worst = std::max(worst, std::sqrt(error / norm));
    }
    return worst;
}

Bytes read_bytes(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    return Bytes(std::istreambuf_iterator<char>(in), {});
}

void write_bytes(const fs::path& path, const Bytes& bytes) {
    std::ofstream out(path, std::ios::binary);
    out.write(reinterpret_cast<const char*>(bytes.data()),
              static_cast<std::streamsize>(bytes.size()));
}

// The position of the value after the GGUF string `text` (u64 length + bytes) in the header.
std::size_t after_string(const Bytes& bytes, const std::string& text) {
    std::string needle(8, '\0');
    for (int i = 0; i < 8; ++i)
        needle[static_cast<std::size_t>(i)] = static_cast<char>((text.size() >> (8 * i)) & 0xff);
    needle += text;
    const std::string_view haystack(reinterpret_cast<const char*>(bytes.data()), bytes.size());
    const std::size_t at = haystack.find(needle);
    if (at == std::string_view::npos) qFatal("%s not found", text.c_str());
    return at + needle.size();
}

void put_u32(Bytes& bytes, std::size_t at, std::uint32_t value) {
    for (int i = 0; i < 4; ++i)
        bytes[at + static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(value >> (8 * i));
}

// The type field of tensor `name`'s info record.
std::size_t type_field(const Bytes& bytes, const std::string& name) {
    const std::size_t at = after_string(bytes, name);
    const std::uint32_t dims = bytes[at];
    return at + 4 + 8 * dims;
}

Status open_status(const fs::path& path) {
    return Checkpoint::open(path).status();
}

// A parsed metadata value as an entry to write again (the value types export_gguf writes).
GgufEntry to_entry(const std::string& key, const GgufValue& value) {
    GgufEntry entry;
    entry.key = key;
    entry.type = value.type;
    entry.element_type = value.element_type;
    if (value.type == GgufValueType::string) {
        entry.text = value.string_value;
    } else if (value.type == GgufValueType::array && value.element_type == GgufValueType::string) {
        entry.strings.assign(value.strings.begin(), value.strings.end());
    } else if (value.type == GgufValueType::array) {
        const std::size_t size = value.raw.size() / value.count;
        for (std::uint64_t i = 0; i < value.count; ++i) {
            std::uint64_t bits = 0;
            for (std::size_t b = 0; b < size; ++b)
                bits |= std::uint64_t{value.raw[i * size + b]} << (8 * b);
            entry.numbers.push_back(bits);
        }
    } else if (value.type == GgufValueType::f32) {
        const auto f = static_cast<float>(value.float_value);
        std::uint32_t bits = 0;
        std::memcpy(&bits, &f, 4);
        entry.bits = bits;
    } else {
        entry.bits = value.type == GgufValueType::boolean
                         ? static_cast<std::uint64_t>(value.int_value)
                         : value.uint_value;
    }
    return entry;
}

// Splits a GGUF file in two as llama.cpp's gguf-split does: NAME-00001-of-00002.gguf holds the
// metadata and the first half of the tensors, NAME-00002-of-00002.gguf the rest; both carry
// split.no and split.count.
fs::path split_in_two(const fs::path& whole, const std::string& stem) {
    auto mapped = MappedFile::open(whole);
    if (!mapped) qFatal("%s", mapped.status().to_string().c_str());
    auto file = parse_gguf(mapped->bytes(), whole.string());
    if (!file) qFatal("%s", file.status().to_string().c_str());
    const std::size_t half = file->tensors.size() / 2;
    fs::path first;
    for (int part = 0; part < 2; ++part) {
        std::vector<GgufEntry> metadata;
        if (part == 0) {
            for (const auto& [key, value] : file->metadata)
                metadata.push_back(to_entry(key, value));
        }
        metadata.push_back(gguf_u32("split.no", static_cast<std::uint32_t>(part)));
        metadata.push_back(gguf_u32("split.count", 2));
        std::vector<GgufTensorDeclaration> tensors;
        const std::size_t begin = part == 0 ? 0 : half;
        const std::size_t end = part == 0 ? half : file->tensors.size();
        for (std::size_t t = begin; t < end; ++t) {
            const GgufTensorInfo& info = file->tensors[t];
            tensors.push_back({std::string(info.name), info.type, info.ne});
        }
        const fs::path path =
            whole.parent_path() / (stem + "-0000" + std::to_string(part + 1) + "-of-00002.gguf");
        if (part == 0) first = path;
        auto writer = GgufWriter::create(path, metadata, tensors);
        if (!writer) qFatal("%s", writer.status().to_string().c_str());
        for (std::size_t t = begin; t < end; ++t) {
            const GgufTensorInfo& info = file->tensors[t];
            if (!writer->append(mapped->bytes().subspan(info.offset, info.size)).ok())
                qFatal("append");
        }
        if (!writer->finish().ok()) qFatal("finish");
    }
    return first;
}

}  // namespace

class TestGgufCheckpoint : public QObject {
    Q_OBJECT
    QTemporaryDir tmp_;
    fs::path dir() const { return fs::path(tmp_.path().toStdString()); }

  private slots:
    void losslessTypesGiveIdenticalLogits_data() {
        QTest::addColumn<QString>("model");
        QTest::addColumn<int>("type");
        QTest::addColumn<int>("naming");
        QTest::addColumn<int>("batch");
        const int bf16 = static_cast<int>(GgmlType::bf16);
        const int f32 = static_cast<int>(GgmlType::f32);
        const int split = static_cast<int>(GgufNaming::llama_cpp);
        const int fused = static_cast<int>(GgufNaming::llama_cpp_fused);
        const int ollama = static_cast<int>(GgufNaming::ollama);
        QTest::addRow("base BF16 prefill") << "base" << bf16 << split << 0;
        QTest::addRow("base BF16 decode") << "base" << bf16 << split << 1;
        QTest::addRow("base BF16 mixed:13") << "base" << bf16 << split << 13;
        QTest::addRow("base F32 prefill") << "base" << f32 << split << 0;
        QTest::addRow("base F32 decode") << "base" << f32 << split << 1;
        QTest::addRow("base F32 mixed:13") << "base" << f32 << split << 13;
        QTest::addRow("base fused gate_up") << "base" << bf16 << fused << 13;
        QTest::addRow("base Ollama names") << "base" << bf16 << ollama << 13;
        QTest::addRow("real-yarn BF16 prefill") << "real-yarn" << bf16 << split << 0;
        QTest::addRow("real-yarn BF16 mixed:150") << "real-yarn" << bf16 << split << 150;
    }
    void losslessTypesGiveIdenticalLogits() {
        QFETCH(QString, model);
        QFETCH(int, type);
        QFETCH(int, naming);
        QFETCH(int, batch);
        const std::string name = model.toStdString();
        const fs::path gguf =
            write_gguf(name, dir(), static_cast<GgmlType>(type), static_cast<GgufNaming>(naming));
        const auto tokens = golden::tokens(name);
        const auto from_folder = run(*load(golden::model_dir(name)), tokens, batch);
        const auto from_gguf = run(*load(gguf), tokens, batch);
        QVERIFY(from_gguf == from_folder);
        // And both still match the float64 reference.
        GOLDEN_VERIFY_AGREEMENT(golden::compare(golden::reference_logits(name), from_gguf));
    }

    // The 120b is published split in parts (NAME-00001-of-00003.gguf); the first part opens all.
    void splitFilesOpenFromTheFirstPart() {
        const fs::path whole = write_gguf("base", dir(), GgmlType::bf16);
        const fs::path first = split_in_two(whole, "split");
        const auto tokens = golden::tokens("base");
        QVERIFY(run(*load(first), tokens, 13) == run(*load(golden::model_dir("base")), tokens, 13));
        const fs::path second = dir() / "split-00002-of-00002.gguf";
        const Status later = open_status(second);
        QCOMPARE(later.code(), StatusCode::bad_model);
        QVERIFY2(later.message().find("open its first part, NAME-00001-of-00002.gguf") !=
                     std::string::npos,
                 later.message().c_str());
        fs::remove(second);
        QCOMPARE(open_status(first).code(), StatusCode::io_error);  // a part is missing
    }

    void roundedTypesStayWithinTheirRounding_data() {
        QTest::addColumn<int>("type");
        QTest::addColumn<double>("bound");
        // F16 holds every BF16 value of normal magnitude exactly. Q8_0 keeps 8 bits per value
        // (error up to max|block| / 254), which this tiny random model's routing amplifies: a
        // router logit that moves flips an expert and with it a whole position's logits.
        QTest::addRow("F16") << static_cast<int>(GgmlType::f16) << 1e-3;
        QTest::addRow("Q8_0") << static_cast<int>(GgmlType::q8_0) << 0.5;
    }
    void roundedTypesStayWithinTheirRounding() {
        QFETCH(int, type);
        QFETCH(double, bound);
        const auto dense = static_cast<GgmlType>(type);
        const fs::path gguf = write_gguf("base", dir(), dense);
        const auto tokens = golden::tokens("base");
        const auto folder_model = load(golden::model_dir("base"));
        const auto gguf_model = load(gguf);
        const std::int64_t vocab = folder_model->config().vocab_size;
        double worst = 0.0;
        std::int64_t same_top1 = 0;
        std::int64_t rows = 0;
        for (std::int64_t batch : {0, 1, 13}) {
            const auto a = run(*gguf_model, tokens, batch);
            const auto b = run(*folder_model, tokens, batch);
            worst = std::max(worst, worst_relative_l2(a, b, vocab));
            for (std::size_t row = 0; row * vocab < a.size(); ++row, ++rows) {
                const auto at = [&](const std::vector<float>& v) {
                    return std::max_element(v.begin() + row * vocab,
                                            v.begin() + (row + 1) * vocab) -
                           v.begin();
                };
                same_top1 += at(a) == at(b) ? 1 : 0;
            }
        }
        qInfo(
            "%s: worst relative L2 difference from the BF16 folder's logits %.3g, same top-1 "
            "token at %.1f%% of positions",
            ggml_type_name(dense), worst, 100.0 * same_top1 / rows);
        QVERIFY2(worst < bound, qPrintable(QString::number(worst)));
        // Every weight within the type's rounding of the checkpoint's (plus BF16's, since the
        // engine runs BF16): the file is neither secretly BF16 nor wrongly decoded.
        auto a = Checkpoint::open(golden::model_dir("base"));
        auto b = Checkpoint::open(gguf);
        QVERIFY(a.ok() && b.ok());
        const ModelConfig& c = (*a)->config();
        const bf16* want = (*a)->weights().layers[2].q_weight;
        const bf16* got = (*b)->weights().layers[2].q_weight;
        const std::int64_t count = c.q_width() * c.hidden_size;
        double largest_error = 0.0;
        for (std::int64_t block = 0; block < count / 32; ++block) {
            float amax = 0.0f;
            for (int k = 0; k < 32; ++k)
                amax = std::max(amax, std::fabs(bf16_to_f32(want[block * 32 + k])));
            for (int k = 0; k < 32; ++k) {
                const float x = bf16_to_f32(want[block * 32 + k]);
                const float y = bf16_to_f32(got[block * 32 + k]);
                const double allowed = (dense == GgmlType::q8_0 ? amax / 254.0 * 1.002 : 0.0) +
                                       std::fabs(x) / 256.0 + 1e-30;
                QVERIFY2(std::fabs(x - y) <= allowed,
                         qPrintable(QString("%1 vs %2").arg(x).arg(y)));
                largest_error = std::max(largest_error, double(std::fabs(x - y)));
            }
        }
        if (dense == GgmlType::q8_0) QVERIFY(largest_error > 0.0);
    }

    // ggml's MXFP4 block, checked with the formats' definitions (docs/gguf.md), not
    // the loader's code: safetensors element k of a block is nibble k % 2 of byte k / 2; GGUF
    // element j of a block is the low nibble of byte 1 + j for j < 16, else the high nibble of
    // byte 1 + j - 16, and byte 0 is the scale. Gate rows are the checkpoint's even rows.
    void mxfp4BlocksFollowGgmlLayout() {
        const fs::path gguf = write_gguf("base", dir(), GgmlType::bf16);
        auto checkpoint = Checkpoint::open(golden::model_dir("base"));
        QVERIFY(checkpoint.ok());
        const Mxfp4Tensor& hf = (*checkpoint)->weights().layers[1].gate_up;
        auto mapped = MappedFile::open(gguf);
        QVERIFY(mapped.ok());
        auto file = parse_gguf(mapped->bytes(), "x.gguf");
        QVERIFY(file.ok());
        for (const char* name : {"blk.1.ffn_gate_exps.weight", "blk.1.ffn_up_exps.weight"}) {
            const GgufTensorInfo* info = file->find_tensor(name);
            QVERIFY(info != nullptr);
            QCOMPARE(info->type, GgmlType::mxfp4);
            const std::int64_t up = std::string(name).find("up") != std::string::npos ? 1 : 0;
            const std::int64_t blocks = hf.cols / 32;
            const std::int64_t rows = hf.rows / 2;
            for (std::int64_t e = 0; e < hf.experts; e += 3) {
                for (std::int64_t r = 0; r < rows; r += 5) {
                    for (std::int64_t g = 0; g < blocks; ++g) {
                        const std::uint8_t* ggml = mapped->bytes().data() + info->offset +
                                                   ((e * rows + r) * blocks + g) * 17;
                        const std::int64_t hf_block = (e * hf.rows + 2 * r + up) * blocks + g;
                        QCOMPARE(ggml[0], hf.scales[hf_block]);
                        for (int k = 0; k < 32; ++k) {
                            const std::uint8_t want =
                                (hf.blocks[hf_block * 16 + k / 2] >> (4 * (k % 2))) & 0x0f;
                            const std::uint8_t got =
                                k < 16 ? ggml[1 + k] & 0x0f : ggml[1 + k - 16] >> 4;
                            QCOMPARE(got, want);
                        }
                    }
                }
            }
        }
        // Loading repacks them to exactly the checkpoint's bytes.
        auto reopened = Checkpoint::open(gguf);
        QVERIFY(reopened.ok());
        QCOMPARE((*reopened)->layout(), CheckpointLayout::gguf);
        const Mxfp4Tensor& back = (*reopened)->weights().layers[1].gate_up;
        const auto count = static_cast<std::size_t>(hf.experts * hf.rows * hf.cols / 32);
        QVERIFY(std::equal(hf.blocks, hf.blocks + count * 16, back.blocks));
        QVERIFY(std::equal(hf.scales, hf.scales + count, back.scales));
        QCOMPARE((*reopened)->tensor_bytes(), (*checkpoint)->tensor_bytes());
    }

    void readsTheConfigFromMetadata() {
        const fs::path gguf = write_gguf("real-yarn", dir(), GgmlType::bf16);
        auto a = Checkpoint::open(golden::model_dir("real-yarn"));
        auto b = Checkpoint::open(gguf);
        QVERIFY(a.ok() && b.ok());
        const ModelConfig& x = (*a)->config();
        const ModelConfig& y = (*b)->config();
        QCOMPARE(y.vocab_size, x.vocab_size);
        QCOMPARE(y.hidden_size, x.hidden_size);
        QCOMPARE(y.num_layers, x.num_layers);
        QCOMPARE(y.num_heads, x.num_heads);
        QCOMPARE(y.num_kv_heads, x.num_kv_heads);
        QCOMPARE(y.head_dim, x.head_dim);
        QCOMPARE(y.num_experts, x.num_experts);
        QCOMPARE(y.experts_per_token, x.experts_per_token);
        QCOMPARE(y.intermediate_size, x.intermediate_size);
        QCOMPARE(y.sliding_window, x.sliding_window);
        QCOMPARE(y.max_position_embeddings, x.max_position_embeddings);
        QCOMPARE(y.rope_theta, x.rope_theta);
        QCOMPARE(y.rope_scaling.factor, x.rope_scaling.factor);
        QCOMPARE(y.rope_scaling.original_max_position, x.rope_scaling.original_max_position);
        QCOMPARE(y.rope_scaling.truncate, false);
        QCOMPARE(y.layer_is_sliding, x.layer_is_sliding);
        QCOMPARE(y.eos_token_ids, x.eos_token_ids);
    }

    void vocabularyComesFromTheFile() {
        auto o200k = load_o200k_harmony();
        QVERIFY2(o200k.ok(), o200k.status().to_string().c_str());
        const fs::path gguf = write_gguf("base", dir(), GgmlType::bf16, GgufNaming::llama_cpp,
                                         gguf_vocabulary_metadata(*o200k));
        auto tokenizer = load_model_tokenizer(gguf.string());
        QVERIFY2(tokenizer.ok(), tokenizer.status().to_string().c_str());
        QCOMPARE(tokenizer->source(), gguf.string());
        QCOMPARE(tokenizer->id_limit(), o200k->id_limit());
        const std::string text = "Hello, wörld! 12345 <|start|>assistant  \n\n  tabs\tand 🙂";
        QCOMPARE(tokenizer->encode(text), o200k->encode(text));
        QCOMPARE(tokenizer->encode_with_special(text), o200k->encode_with_special(text));
        QCOMPARE(tokenizer->token_id("<|start|>"), std::optional<TokenId>(200006));
        QCOMPARE(tokenizer->token_id("<|return|>"), std::optional<TokenId>(200002));
        // Merges follow the ranks: the first merge is the lowest-ranked two-byte token.
        auto mapped = MappedFile::open(gguf);
        auto file = parse_gguf(mapped->bytes(), "x");
        QVERIFY(file.ok());
        QVERIFY(file->find("tokenizer.ggml.merges")->strings.size() > 190000);
        // A file without a vocabulary gets the shipped o200k_harmony.
        const fs::path bare = write_gguf("base", dir(), GgmlType::f32);
        auto fallback = load_model_tokenizer(bare.string());
        QVERIFY(fallback.ok());
        QCOMPARE(fallback->encode(text), o200k->encode(text));
    }

    void vocabularyMustBeHarmony() {
        auto o200k = load_o200k_harmony();
        QVERIFY(o200k.ok());
        std::vector<GgufEntry> vocabulary = gguf_vocabulary_metadata(*o200k);
        for (GgufEntry& entry : vocabulary) {
            if (entry.key == "tokenizer.ggml.tokens") {
                std::swap(entry.strings[200006], entry.strings[200007]);  // <|start|> <-> <|end|>
            }
        }
        const fs::path gguf =
            write_gguf("base", dir(), GgmlType::q8_0, GgufNaming::llama_cpp, std::move(vocabulary));
        auto tokenizer = load_model_tokenizer(gguf.string());
        QCOMPARE(tokenizer.status().code(), StatusCode::bad_model);
        QVERIFY2(tokenizer.status().message().find("<|start|> at id 200007") != std::string::npos,
                 tokenizer.status().message().c_str());
    }

    // The hostile-file folder: each file made from a valid one with one defect.
    void hostileFilesGetClearErrors() {
        const fs::path valid = write_gguf("base", dir(), GgmlType::bf16);
        const Bytes good = read_bytes(valid);
        QVERIFY(open_status(valid).ok());
        const fs::path hostile = dir() / "hostile";
        fs::create_directories(hostile);
        const auto check = [&](const char* file, const Bytes& bytes, StatusCode code,
                               const std::string& text) {
            const fs::path path = hostile / file;
            write_bytes(path, bytes);
            const Status status = open_status(path);
            QVERIFY2(status.code() == code,
                     (std::string(file) + ": " + status.to_string()).c_str());
            QVERIFY2(status.message().find(text) != std::string::npos,
                     (std::string(file) + ": " + status.message()).c_str());
            // Loading a model (what the app and the CLI do) gives the same error.
            ModelOptions options;
            options.threads = 1;
            QCOMPARE(Model::load(path, options).status().message(), status.message());
        };
        check("truncated.gguf", Bytes(good.begin(), good.end() - 100), StatusCode::bad_model,
              "reaches past the end of the file");
        check("header-only.gguf", Bytes(good.begin(), good.begin() + 100), StatusCode::bad_model,
              "does not fit in the file");
        check("empty.gguf", Bytes{}, StatusCode::bad_model, "no \"GGUF\" magic");
        Bytes q4 = good;  // a 2-D BF16 matrix claims Q4_0 (smaller, so still inside the file)
        put_u32(q4, type_field(q4, "blk.2.attn_q.weight"), 2);
        check("q4_0.gguf", q4, StatusCode::unsupported,
              "tensor blk.2.attn_q.weight has type Q4_0, which Ponder does not run (it runs F32, "
              "F16, BF16, Q8_0 (dense) and MXFP4 (experts))");
        Bytes mxfp4_router = good;  // MXFP4 is for the experts only
        put_u32(mxfp4_router, type_field(mxfp4_router, "blk.0.ffn_gate_inp.weight"), 39);
        check("mxfp4-router.gguf", mxfp4_router, StatusCode::unsupported,
              "tensor blk.0.ffn_gate_inp.weight has type MXFP4, which Ponder does not run");
        Bytes arch = good;
        arch[after_string(arch, "general.architecture") + 4 + 8 + 4] = 'X';  // "gpt-Xss"
        check("llama.gguf", arch, StatusCode::unsupported, "general.architecture is \"gpt-Xss\"");
        Bytes experts = good;
        put_u32(experts, after_string(experts, "gpt-oss.expert_count") + 4, 7);
        check("expert-count.gguf", experts, StatusCode::bad_model,
              "tensor blk.0.ffn_gate_inp.weight has shape [8, 64], expected [7, 64]");
        Bytes heads = good;
        put_u32(heads, after_string(heads, "gpt-oss.attention.head_count") + 4, 0);
        check("zero-heads.gguf", heads, StatusCode::bad_model,
              "gpt-oss.attention.head_count must be a positive integer");
        Bytes renamed = good;
        const std::size_t at = after_string(renamed, "blk.3.attn_sinks.weight") - 8;
        renamed[at] = 'X';  // "blk.3.attn_sinks.weight" -> "blk.3.attn_sinkX.weight"
        check("renamed.gguf", renamed, StatusCode::bad_model,
              "missing tensor blk.3.attn_sinks.weight");
        QVERIFY(Checkpoint::open(hostile / "renamed.gguf")
                    .status()
                    .message()
                    .find("unexpected tensor blk.3.attn_sinkX.weight") != std::string::npos);
        Bytes wrong_type = good;  // a float where a count belongs
        put_u32(wrong_type, after_string(wrong_type, "gpt-oss.block_count"), 6);
        check("float-count.gguf", wrong_type, StatusCode::bad_model,
              "gpt-oss.block_count must be a positive integer (it is a f32)");
        // A folder asked to be GGUF, and a GGUF asked to be a folder layout.
        ModelOptions hf;
        hf.layout = CheckpointLayout::hf;
        QCOMPARE(Model::load(valid, hf).status().code(), StatusCode::invalid_argument);
    }
};

QTEST_APPLESS_MAIN(TestGgufCheckpoint)
#include "test_gguf_checkpoint.moc"
