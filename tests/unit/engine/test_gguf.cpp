// parse_gguf against hostile input (like test_safetensors): each defect in its own hand-built
// file, checked for the bad_model code and a message naming the key or tensor; then thousands of
// deterministic random mutations of a valid file through the fuzz target's own check.
#include <QtTest>

#include <random>

#include "engine/io/gguf.h"
#include "engine/io/gguf_writer.h"
#include "tools/fuzz/gguf_fuzz_check.h"

using namespace ponder;

namespace {

using Bytes = std::vector<std::uint8_t>;

// Builds GGUF bytes field by field, so that any field can be wrong.
struct Builder {
    Bytes bytes;
    Builder& raw(const std::string& s) {
        bytes.insert(bytes.end(), s.begin(), s.end());
        return *this;
    }
    Builder& uint(std::uint64_t v, int size) {
        for (int i = 0; i < size; ++i)
            bytes.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
        return *this;
    }
    Builder& u32(std::uint64_t v) { return uint(v, 4); }
    Builder& u64(std::uint64_t v) { return uint(v, 8); }
    Builder& str(const std::string& s) { return u64(s.size()).raw(s); }
    // "GGUF", version 3, the counts.
    Builder& header(std::uint64_t tensors, std::uint64_t kvs, std::uint64_t version = 3) {
        return raw("GGUF").u32(version).u64(tensors).u64(kvs);
    }
    // A tensor-info record.
    Builder& tensor(const std::string& name, std::vector<std::uint64_t> ne, std::uint32_t type,
                    std::uint64_t offset) {
        str(name).u32(ne.size());
        for (std::uint64_t d : ne)
            u64(d);
        return u32(type).u64(offset);
    }
    // Zero padding to `alignment`, then `data` bytes of data.
    Builder& data(std::uint64_t size, std::uint64_t alignment = 32) {
        while (bytes.size() % alignment != 0)
            bytes.push_back(0);
        for (std::uint64_t i = 0; i < size; ++i)
            bytes.push_back(static_cast<std::uint8_t>(i));
        return *this;
    }
};

Status parse(const Bytes& bytes) {
    return parse_gguf(bytes, "m.gguf").status();
}

// A valid file with every interesting feature: each metadata type, string and number arrays,
// plain and block-quantized tensors, a tensor stored after a later-declared one.
Bytes valid_file() {
    const std::vector<GgufEntry> metadata = {
        gguf_string("general.architecture", "gpt-oss"),
        gguf_u32("gpt-oss.block_count", 2),
        gguf_f32("gpt-oss.rope.freq_base", 150000.0f),
        gguf_bool("tokenizer.ggml.add_bos_token", false),
        gguf_strings("tokenizer.ggml.tokens", {"a", "b",
                                               "\xc4\xa0"
                                               "c"}),
        gguf_i32s("tokenizer.ggml.token_type", {1, 1, 3}),
    };
    const std::vector<GgufTensorDeclaration> tensors = {
        {"token_embd.weight", GgmlType::bf16, {4, 3}},
        {"blk.0.ffn_down_exps.weight", GgmlType::mxfp4, {64, 2, 2}},
        {"blk.0.attn_q.weight", GgmlType::q8_0, {32, 2}},
        {"output_norm.weight", GgmlType::f32, {5}},
    };
    const std::string header = gguf_header_bytes(metadata, tensors);
    Bytes bytes(header.begin(), header.end());
    for (const auto& tensor : tensors) {
        for (std::uint64_t i = 0; i < tensor.bytes(); ++i)
            bytes.push_back(static_cast<std::uint8_t>(i * 7));
        while (bytes.size() % 32 != 0)
            bytes.push_back(0);
    }
    return bytes;
}

}  // namespace

#define EXPECT_BAD(bytes, text)                                                                 \
    do {                                                                                        \
        const Status status_ = parse(bytes);                                                    \
        QCOMPARE(status_.code(), StatusCode::bad_model);                                        \
        QVERIFY2(status_.message().rfind("m.gguf: ", 0) == 0, status_.message().c_str());       \
        QVERIFY2(status_.message().find(text) != std::string::npos, status_.message().c_str()); \
    } while (false)

class TestGguf : public QObject {
    Q_OBJECT
  private slots:
    void parsesValidFile() {
        const Bytes bytes = valid_file();
        auto file = parse_gguf(bytes, "m.gguf");
        QVERIFY2(file.ok(), file.status().to_string().c_str());
        QCOMPARE(file->version, 3u);
        QCOMPARE(file->alignment, std::uint64_t{32});
        QCOMPARE(file->data_offset % 32, std::uint64_t{0});
        QCOMPARE(file->find("general.architecture")->string_value, std::string_view("gpt-oss"));
        QCOMPARE(file->find("gpt-oss.block_count")->as_int(), std::optional<std::int64_t>(2));
        QCOMPARE(file->find("gpt-oss.rope.freq_base")->float_value, 150000.0);
        QCOMPARE(file->find("tokenizer.ggml.add_bos_token")->int_value, std::int64_t{0});
        const GgufValue* tokens = file->find("tokenizer.ggml.tokens");
        QCOMPARE(tokens->strings.size(), std::size_t{3});
        QCOMPARE(tokens->strings[2], std::string_view("\xc4\xa0"
                                                      "c"));
        const GgufValue* types = file->find("tokenizer.ggml.token_type");
        QCOMPARE(types->count, std::uint64_t{3});
        QCOMPARE(types->int_element(2), std::optional<std::int64_t>(3));
        QCOMPARE(types->int_element(3), std::optional<std::int64_t>());
        QCOMPARE(file->tensors.size(), std::size_t{4});
        const GgufTensorInfo* embd = file->find_tensor("token_embd.weight");
        QCOMPARE(embd->offset, file->data_offset);
        QCOMPARE(embd->size, std::uint64_t{24});
        QCOMPARE(embd->shape(), (std::vector<std::int64_t>{3, 4}));  // outermost first
        const GgufTensorInfo* down = file->find_tensor("blk.0.ffn_down_exps.weight");
        QCOMPARE(down->type, GgmlType::mxfp4);
        QCOMPARE(down->size, std::uint64_t{2 * 2 * 2 * 17});  // 4 rows x 2 blocks x 17 bytes
        QCOMPARE(down->offset, file->data_offset + 32);       // padded to the alignment
        QCOMPARE(file->find_tensor("blk.0.attn_q.weight")->size, std::uint64_t{2 * 34});
        QVERIFY(file->find_tensor("missing") == nullptr);
        QVERIFY(gguf_fuzz_check(bytes));
    }

    void typeTable() {
        QCOMPARE(std::string(ggml_type_name(GgmlType::mxfp4)), std::string("MXFP4"));
        QCOMPARE(ggml_type_traits(39)->block_bytes, 17u);
        QCOMPARE(ggml_type_traits(8)->block_bytes, 34u);
        QCOMPARE(ggml_type_traits(12)->block_size, 256u);  // Q4_K
        QVERIFY(!ggml_type_traits(4));                     // removed Q4_2
        QVERIFY(!ggml_type_traits(1000));
    }

    void notGguf() {
        EXPECT_BAD(Bytes{}, "no \"GGUF\" magic");
        EXPECT_BAD(Builder().raw("GGML").u32(3).u64(0).u64(0).bytes, "no \"GGUF\" magic");
    }

    void wrongVersion() {
        EXPECT_BAD(Builder().header(0, 0, 2).bytes, "GGUF version 2 is not supported");
        EXPECT_BAD(Builder().header(0, 0, 0xffffffff).bytes, "version 4294967295");
    }

    void truncatedHeader() {
        EXPECT_BAD(Builder().raw("GGUF").u32(3).bytes, "truncated while reading the tensor count");
        Bytes valid = valid_file();
        // Every cut inside the header fails cleanly (and names what it was reading).
        const auto end = parse_gguf(valid, "m.gguf")->data_offset;
        for (std::uint64_t cut = 0; cut < end; cut += 7) {
            const Bytes cut_bytes(valid.begin(), valid.begin() + static_cast<std::ptrdiff_t>(cut));
            QCOMPARE(parse(cut_bytes).code(), StatusCode::bad_model);
        }
    }

    void truncatedData() {
        Bytes valid = valid_file();
        valid.resize(valid.size() - 40);
        EXPECT_BAD(valid, "tensor output_norm.weight: data");
        EXPECT_BAD(valid, "reaches past the end of the file");
    }

    void hugeCounts() {
        EXPECT_BAD(Builder().header(0, ~0ull).bytes,
                   "metadata count 18446744073709551615 exceeds the limit");
        EXPECT_BAD(Builder().header(1ull << 60, 0).bytes,
                   "tensor count 1152921504606846976 exceeds");
        // Within the caps, counts are checked against the bytes that remain.
        EXPECT_BAD(Builder().header(0, 1000).bytes, "metadata count 1000 does not fit in the file");
        EXPECT_BAD(Builder().header(1000, 0).bytes, "tensor count 1000 does not fit in the file");
        // A billion empty strings would fit in a big enough file, but not in the parsed table.
        Builder many =
            Builder().header(0, 1).str("k").u32(9).u32(8).u64(max_gguf_array_strings + 1);
        many.bytes.resize(many.bytes.size() + 8 * (max_gguf_array_strings + 1), 0);
        EXPECT_BAD(many.bytes, "k: array of 16777217 strings exceeds the limit");
        // A string array claiming 2^61 entries must not allocate for them.
        EXPECT_BAD(Builder().header(0, 1).str("k").u32(9).u32(8).u64(1ull << 61).bytes,
                   "k: array of 2305843009213693952 strings does not fit");
        EXPECT_BAD(Builder().header(0, 1).str("k").u32(9).u32(6).u64(~0ull).bytes,
                   "k: array of 18446744073709551615 f32 values does not fit");
    }

    void absurdStrings() {
        EXPECT_BAD(Builder().header(0, 1).u64(~0ull).raw(std::string(16, 'x')).bytes,
                   "exceeds the limit");
        EXPECT_BAD(Builder().header(0, 1).u64(1000).raw(std::string(10, 'a')).bytes,
                   "metadata key #0 of length 1000 reaches past the end");
        EXPECT_BAD(Builder().header(0, 1).str("k").u32(8).u64(max_gguf_string_bytes + 1).bytes,
                   "the string value of k has length");
        EXPECT_BAD(Builder().header(0, 1).str("\xff\xfe").u32(4).u32(1).bytes, "not valid UTF-8");
        EXPECT_BAD(Builder().header(0, 1).str("").u32(4).u32(1).bytes, "empty");
    }

    void badMetadata() {
        EXPECT_BAD(Builder().header(0, 1).str("k").u32(13).u32(0).bytes,
                   "k: unknown value type 13");
        EXPECT_BAD(Builder().header(0, 1).str("k").u32(9).u32(9).u64(1).bytes,
                   "k: arrays of arrays are not supported");
        EXPECT_BAD(Builder().header(0, 1).str("k").u32(9).u32(77).u64(1).bytes,
                   "k: unknown array element type 77");
        EXPECT_BAD(Builder().header(0, 1).str("k").u32(7).uint(2, 1).bytes, "k: boolean value 2");
        EXPECT_BAD(Builder().header(0, 2).str("k").u32(4).u32(1).str("k").u32(4).u32(2).bytes,
                   "duplicate metadata key k");
        EXPECT_BAD(Builder().header(0, 1).str("general.alignment").u32(4).u32(24).bytes,
                   "general.alignment 24 is not a power of two");
        EXPECT_BAD(Builder().header(0, 1).str("general.alignment").u32(4).u32(0).bytes,
                   "not a power of two");
        EXPECT_BAD(Builder().header(0, 1).str("general.alignment").u32(10).u64(32).bytes,
                   "general.alignment must be a u32, not u64");
    }

    void badTensors() {
        const auto one = [](const std::string& name, std::vector<std::uint64_t> ne,
                            std::uint32_t type, std::uint64_t offset, std::uint64_t data) {
            return Builder()
                .header(1, 0)
                .tensor(name, std::move(ne), type, offset)
                .data(data)
                .bytes;
        };
        QVERIFY(parse(one("t", {4, 2}, 0, 0, 32)).ok());
        EXPECT_BAD(one("t", {4, 2}, 0, 0, 31), "tensor t: data [0, 0 + 32) reaches past the end");
        EXPECT_BAD(one("t", {4, 2}, 0, 64, 64), "tensor t: data [64, 64 + 32) reaches past");
        EXPECT_BAD(one("t", {4, 2}, 0, 8, 64),
                   "tensor t offset 8 is not a multiple of the alignment 32");
        EXPECT_BAD(one("t", {4, 2}, 0, ~0ull & ~31ull, 64), "reaches past the end");
        EXPECT_BAD(one("t", {4, 2}, 5, 0, 32), "tensor t has unknown ggml type 5");
        EXPECT_BAD(one("t", {4, 2}, 0xffffffff, 0, 32), "unknown ggml type 4294967295");
        EXPECT_BAD(one("t", {48, 2}, 39, 0, 64),
                   "tensor t (MXFP4) has 48 values per row, not a multiple of the block size 32");
        EXPECT_BAD(one("t", {4, 0}, 0, 0, 32), "tensor t has dimension 1 = 0 (empty)");
        EXPECT_BAD(one("t", {1ull << 40, 1ull << 40}, 0, 0, 32), "too many elements");
        EXPECT_BAD(one("t", {}, 0, 0, 32), "tensor t has 0 dimensions");
        EXPECT_BAD(one("t", {1, 1, 1, 1, 1}, 0, 0, 32), "tensor t has 5 dimensions");
        EXPECT_BAD(one(std::string(64, 'x'), {4}, 0, 0, 32), "over-long");
        EXPECT_BAD(one("", {4}, 0, 0, 32), "tensor #0 has an empty");
    }

    void overlappingAndDuplicateTensors() {
        Bytes overlap =
            Builder().header(2, 0).tensor("a", {16}, 0, 0).tensor("b", {8}, 0, 32).data(128).bytes;
        EXPECT_BAD(overlap, "tensors a and b overlap");
        Bytes same =
            Builder().header(2, 0).tensor("a", {8}, 0, 0).tensor("b", {8}, 0, 0).data(64).bytes;
        EXPECT_BAD(same, "overlap");
        Bytes duplicate =
            Builder().header(2, 0).tensor("a", {8}, 0, 0).tensor("a", {8}, 0, 32).data(64).bytes;
        EXPECT_BAD(duplicate, "duplicate tensor a");
        Bytes apart =
            Builder().header(2, 0).tensor("a", {8}, 0, 32).tensor("b", {8}, 0, 0).data(64).bytes;
        QVERIFY(parse(apart).ok());
    }

    void customAlignment() {
        Bytes bytes = Builder()
                          .header(1, 1)
                          .str("general.alignment")
                          .u32(4)
                          .u32(64)
                          .tensor("t", {4}, 0, 0)
                          .data(16, 64)
                          .bytes;
        auto file = parse_gguf(bytes, "m.gguf");
        QVERIFY2(file.ok(), file.status().to_string().c_str());
        QCOMPARE(file->alignment, std::uint64_t{64});
        QCOMPARE(file->data_offset % 64, std::uint64_t{0});
    }

    // The fuzz target's check over deterministic mutations of a valid file, so that every CI
    // build (g++, no libFuzzer) exercises it: bit flips, random bytes, edits of 8-byte fields
    // to extreme values, truncation and extension.
    void mutationFuzz() {
        const Bytes valid = valid_file();
        const std::uint64_t header_end = parse_gguf(valid, "m.gguf")->data_offset;
        std::mt19937_64 random(19);
        int accepted = 0;
        for (int round = 0; round < 20000; ++round) {
            Bytes bytes = valid;
            const int edits = 1 + static_cast<int>(random() % 3);
            for (int e = 0; e < edits; ++e) {
                const std::size_t at = static_cast<std::size_t>(random() % header_end);
                switch (random() % 5) {
                    case 0:
                        bytes[at] ^= static_cast<std::uint8_t>(1u << (random() % 8));
                        break;
                    case 1:
                        bytes[at] = static_cast<std::uint8_t>(random());
                        break;
                    case 2: {
                        const std::uint64_t values[] = {
                            0, 1, 31, 32, 0x7fffffffffffffffull, ~0ull, 1ull << 32, header_end};
                        const std::uint64_t v = values[random() % std::size(values)];
                        for (std::size_t i = 0; i < 8 && at + i < bytes.size(); ++i)
                            bytes[at + i] = static_cast<std::uint8_t>(v >> (8 * i));
                        break;
                    }
                    case 3:
                        bytes.resize(at);
                        break;
                    default:
                        bytes.insert(bytes.end(), static_cast<std::size_t>(random() % 64), 0xAB);
                        break;
                }
                if (bytes.size() <= at) break;
            }
            QVERIFY2(gguf_fuzz_check(bytes), qPrintable(QString("round %1").arg(round)));
            accepted += parse(bytes).ok() ? 1 : 0;
        }
        QVERIFY(accepted > 0);  // some mutations (e.g. in tensor data or padding) stay valid
    }
};

QTEST_APPLESS_MAIN(TestGguf)
#include "test_gguf.moc"
