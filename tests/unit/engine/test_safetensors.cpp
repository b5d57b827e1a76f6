// parse_safetensors against hostile input (docs/architecture.md §5): each defect in its own
// hand-built file, checked for the bad_model code and a message naming the file and tensor; then
// thousands of deterministic random mutations of a valid file through the fuzz target's own check.
#include <QtTest>

#include <cstring>
#include <random>

#include "engine/io/safetensors.h"
#include "engine/io/safetensors_writer.h"
#include "tools/fuzz/safetensors_fuzz_check.h"

using namespace ponder;

namespace {

using Bytes = std::vector<std::uint8_t>;

// 8-byte little-endian length + `json` + `data_bytes` bytes of data (0, 1, 2, ...).
Bytes make_file(const std::string& json, std::size_t data_bytes) {
    Bytes bytes(8);
    for (int i = 0; i < 8; ++i)
        bytes[i] = static_cast<std::uint8_t>(json.size() >> (8 * i));
    bytes.insert(bytes.end(), json.begin(), json.end());
    for (std::size_t i = 0; i < data_bytes; ++i)
        bytes.push_back(static_cast<std::uint8_t>(i));
    return bytes;
}

Bytes with_length(Bytes bytes, std::uint64_t length) {
    for (int i = 0; i < 8; ++i)
        bytes[i] = static_cast<std::uint8_t>(length >> (8 * i));
    return bytes;
}

Status parse(const Bytes& bytes) {
    return parse_safetensors(bytes, "m.safetensors").status();
}

// A valid file with every interesting feature: metadata, several dtypes, a scalar, an empty
// tensor, and tensors not stored in name order.
Bytes valid_file() {
    const std::vector<TensorDeclaration> tensors = {
        {"b.weight", Dtype::bf16, {3, 4}},   {"a.bias", Dtype::f32, {4}},
        {"c.blocks", Dtype::u8, {2, 2, 16}}, {"d.scalar", Dtype::i64, {}},
        {"e.empty", Dtype::f16, {0, 5}},
    };
    std::uint64_t data = 0;
    for (const auto& tensor : tensors)
        data += tensor.bytes();
    const std::string header = safetensors_header_bytes(tensors, {{"format", "pt"}});
    Bytes bytes(header.begin(), header.end());
    for (std::uint64_t i = 0; i < data; ++i)
        bytes.push_back(static_cast<std::uint8_t>(i * 7));
    return bytes;
}

const char* one_tensor = R"({"t":{"dtype":"F32","shape":[2,3],"data_offsets":[0,24]}})";

}  // namespace

#define EXPECT_BAD(bytes, text)                                                                  \
    do {                                                                                         \
        const Status status_ = parse(bytes);                                                     \
        QCOMPARE(status_.code(), StatusCode::bad_model);                                         \
        QVERIFY2(status_.message().rfind("m.safetensors: ", 0) == 0, status_.message().c_str()); \
        QVERIFY2(status_.message().find(text) != std::string::npos, status_.message().c_str());  \
    } while (false)

class TestSafetensors : public QObject {
    Q_OBJECT
  private slots:
    void parsesValidFile() {
        const Bytes bytes = valid_file();
        auto header = parse_safetensors(bytes, "m.safetensors");
        QVERIFY2(header.ok(), header.status().to_string().c_str());
        QCOMPARE(header->tensors.size(), std::size_t{5});
        QCOMPARE(header->metadata.at("format"), std::string("pt"));
        QCOMPARE(header->data_offset % 8, std::uint64_t{0});  // the writer pads the header
        const TensorInfo* weight = header->find("b.weight");
        QVERIFY(weight != nullptr);
        QCOMPARE(weight->dtype, Dtype::bf16);
        QCOMPARE(weight->shape, (std::vector<std::int64_t>{3, 4}));
        QCOMPARE(weight->offset, header->data_offset);  // first in the data area
        QCOMPARE(weight->size, std::uint64_t{24});
        const TensorInfo* bias = header->find("a.bias");
        QCOMPARE(bias->offset, header->data_offset + 24);
        QCOMPARE(header->find("d.scalar")->size, std::uint64_t{8});  // shape [] is one element
        QCOMPARE(header->find("e.empty")->size, std::uint64_t{0});
        QVERIFY(header->find("missing") == nullptr);
        QCOMPARE(header->tensors.front().name, std::string("a.bias"));  // sorted by name
        QVERIFY(safetensors_fuzz_check(bytes));
    }

    void acceptsEmptyHeaderAndTrailingSpaces() {
        QVERIFY(parse(make_file("{}", 0)).ok());
        QVERIFY(parse(make_file(std::string(one_tensor) + "     ", 24)).ok());
        QVERIFY(parse(make_file(one_tensor, 30)).ok());  // bytes after the last tensor are fine
    }

    void tooShortForLength() { EXPECT_BAD(Bytes(5, 0), "too short"); }

    void headerLengthPastEndOfFile() {
        EXPECT_BAD(with_length(make_file(one_tensor, 24), 1000), "truncated");
    }

    void absurdHeaderLength() {
        EXPECT_BAD(with_length(make_file(one_tensor, 24), ~std::uint64_t{0}), "exceeds the limit");
        EXPECT_BAD(with_length(make_file(one_tensor, 24), max_safetensors_header_bytes + 1),
                   "exceeds the limit");
    }

    void truncatedData() {
        EXPECT_BAD(make_file(one_tensor, 23), "tensor t: data_offsets [0, 24] reach past");
    }

    void invalidUtf8() {
        EXPECT_BAD(make_file("{\"t\xff\":{}}", 0), "not valid UTF-8");
        EXPECT_BAD(make_file("{\"\xc0\xaf\":{}}", 0), "not valid UTF-8");      // overlong '/'
        EXPECT_BAD(make_file("{\"\xed\xa0\x80\":{}}", 0), "not valid UTF-8");  // surrogate
        EXPECT_BAD(make_file("{\"\xe2\x82\":{}}", 0), "not valid UTF-8");      // cut short
    }

    void invalidJson() {
        EXPECT_BAD(make_file("{\"t\": {", 0), "not valid JSON");
        EXPECT_BAD(make_file(std::string(one_tensor) + "x", 24), "not valid JSON");
        EXPECT_BAD(make_file(std::string(100000, '['), 0), "not valid JSON");  // deep, unclosed
    }

    void notAnObject() {
        EXPECT_BAD(make_file("[1, 2]", 0), "expected an object");
        EXPECT_BAD(make_file("\"text\"", 0), "expected an object");
        // A million nested arrays: neither parsing nor freeing may recurse on the stack.
        EXPECT_BAD(make_file(std::string(1000000, '[') + std::string(1000000, ']'), 0),
                   "header is JSON array, expected an object");
        EXPECT_BAD(make_file(R"({"t": [1]})", 0), "tensor t: entry is array");
    }

    void unknownDtype() {
        EXPECT_BAD(make_file(R"({"t":{"dtype":"Q4_K","shape":[2],"data_offsets":[0,2]}})", 2),
                   "tensor t: unknown dtype \"Q4_K\"");
        EXPECT_BAD(make_file(R"({"t":{"dtype":7,"shape":[2],"data_offsets":[0,2]}})", 2),
                   "tensor t: missing or non-string dtype");
    }

    void badShapes() {
        EXPECT_BAD(make_file(R"({"t":{"dtype":"U8","shape":[-2],"data_offsets":[0,2]}})", 2),
                   "tensor t: shape has a negative number");
        EXPECT_BAD(make_file(R"({"t":{"dtype":"U8","shape":[1.5],"data_offsets":[0,2]}})", 2),
                   "tensor t: shape has a non-integer number");
        EXPECT_BAD(make_file(R"({"t":{"dtype":"U8","shape":["2"],"data_offsets":[0,2]}})", 2),
                   "tensor t: shape has string");
        EXPECT_BAD(make_file(R"({"t":{"dtype":"U8","shape":2,"data_offsets":[0,2]}})", 2),
                   "tensor t: missing shape");
        // 2^22 cubed = 2^66 elements: must not wrap to a small size.
        EXPECT_BAD(make_file(R"({"t":{"dtype":"F32","shape":[4194304,4194304,4194304],)"
                             R"("data_offsets":[0,0]}})",
                             0),
                   "more bytes than fit in 64 bits");
        // 2^62 F32 elements = 2^64 bytes: the multiplication by the element size overflows.
        EXPECT_BAD(make_file(R"({"t":{"dtype":"F32","shape":[4611686018427387904],)"
                             R"("data_offsets":[0,0]}})",
                             0),
                   "more bytes than fit in 64 bits");
        EXPECT_BAD(make_file(R"({"t":{"dtype":"U8","shape":[18446744073709551615],)"
                             R"("data_offsets":[0,0]}})",
                             0),
                   "too large");
        EXPECT_BAD(make_file(R"({"t":{"dtype":"U8","shape":[1e30],"data_offsets":[0,0]}})", 0),
                   "non-integer");
    }

    void badOffsets() {
        EXPECT_BAD(make_file(R"({"t":{"dtype":"U8","shape":[2],"data_offsets":[4,2]}})", 8),
                   "tensor t: data_offsets [4, 2] end before they begin");
        EXPECT_BAD(make_file(R"({"t":{"dtype":"U8","shape":[2],"data_offsets":[8,10]}})", 8),
                   "tensor t: data_offsets [8, 10] reach past the data area of 8 bytes");
        EXPECT_BAD(make_file(R"({"t":{"dtype":"U8","shape":[2],)"
                             R"("data_offsets":[18446744073709551615,1]}})",
                             8),
                   "end before they begin");
        EXPECT_BAD(make_file(R"({"t":{"dtype":"U8","shape":[2],"data_offsets":[0]}})", 8),
                   "tensor t: data_offsets must be [begin, end]");
        EXPECT_BAD(make_file(R"({"t":{"dtype":"U8","shape":[2],"data_offsets":[-1,1]}})", 8),
                   "tensor t: data_offsets must be [begin, end]");
        EXPECT_BAD(make_file(R"({"t":{"dtype":"U8","shape":[2]}})", 8),
                   "tensor t: data_offsets must be [begin, end]");
    }

    void sizeMustMatchShape() {
        EXPECT_BAD(make_file(R"({"t":{"dtype":"BF16","shape":[2,3],"data_offsets":[0,8]}})", 16),
                   "tensor t: data_offsets span 8 bytes, but shape [2, 3] BF16 needs 12");
    }

    void overlappingTensors() {
        EXPECT_BAD(make_file(R"({"a":{"dtype":"U8","shape":[8],"data_offsets":[0,8]},)"
                             R"("b":{"dtype":"U8","shape":[4],"data_offsets":[6,10]}})",
                             16),
                   "tensors a and b overlap");
        EXPECT_BAD(make_file(R"({"a":{"dtype":"U8","shape":[4],"data_offsets":[2,6]},)"
                             R"("b":{"dtype":"U8","shape":[8],"data_offsets":[0,8]}})",
                             16),
                   "overlap");
        // Empty tensors occupy no bytes, so sharing an offset is not an overlap.
        QVERIFY(parse(make_file(R"({"a":{"dtype":"U8","shape":[0],"data_offsets":[2,2]},)"
                                R"("b":{"dtype":"U8","shape":[4],"data_offsets":[0,4]}})",
                                4))
                    .ok());
    }

    void duplicateNames() {
        EXPECT_BAD(make_file(R"({"t":{"dtype":"U8","shape":[2],"data_offsets":[0,2]},)"
                             R"("t":{"dtype":"U8","shape":[2],"data_offsets":[2,4]}})",
                             4),
                   "tensor t is listed twice");
    }

    void badMetadata() {
        EXPECT_BAD(make_file(R"({"__metadata__":[1]})", 0), "__metadata__ is array");
        EXPECT_BAD(make_file(R"({"__metadata__":{"format":3}})", 0),
                   "__metadata__ value of format is number");
    }

    void unexpectedKey() {
        EXPECT_BAD(make_file(R"({"t":{"dtype":"U8","shape":[2],"data_offsets":[0,2],"x":1}})", 2),
                   "tensor t: unexpected key \"x\"");
    }

    void dtypeTable() {
        QCOMPARE(dtype_size(Dtype::bf16), std::uint64_t{2});
        QCOMPARE(dtype_size(Dtype::f64), std::uint64_t{8});
        QCOMPARE(std::string(dtype_name(Dtype::u8)), std::string("U8"));
        QCOMPARE(dtype_from_name("F8_E4M3"), std::optional<Dtype>(Dtype::f8_e4m3));
        QVERIFY(!dtype_from_name("bf16"));  // names are case-sensitive, as in the format
        QCOMPARE(shape_to_string({4096, 2880}), std::string("[4096, 2880]"));
        QCOMPARE(shape_to_string({}), std::string("[]"));
    }

    // The fuzz target's check over deterministic mutations of a valid file, so that every CI
    // build (g++, no libFuzzer) exercises it: bit flips, random bytes, digit edits in the header,
    // truncation, extension, header-length edits and spliced JSON fragments.
    void mutationFuzz() {
        const Bytes valid = valid_file();
        const std::uint64_t header_end = 8 + [&] {
            std::uint64_t length = 0;
            for (int i = 7; i >= 0; --i)
                length = (length << 8) | valid[i];
            return length;
        }();
        const char* fragments[] = {"-1",       "1e99",        "18446744073709551616",
                                   "\"",       "{",           "}",
                                   "[",        "]",           ",",
                                   ":",        "null",        "\xff",
                                   "\xc3\xa9", "\"BF16\"",    "\"U8\"",
                                   "0",        "99999999999", "\"__metadata__\"",
                                   "\\u0000",  "1.5"};
        std::mt19937_64 rng(20250807);
        int accepted = 0;
        constexpr int iterations = 5000;
        for (int iteration = 0; iteration < iterations; ++iteration) {
            Bytes bytes = valid;
            const int edits = 1 + static_cast<int>(rng() % 4);
            for (int e = 0; e < edits; ++e) {
                const std::uint64_t in_header = 8 + rng() % (header_end - 8);
                switch (rng() % 8) {
                    case 0:
                        bytes[rng() % bytes.size()] ^= static_cast<std::uint8_t>(1u << (rng() % 8));
                        break;
                    case 1:
                        bytes[in_header] = static_cast<std::uint8_t>(rng());
                        break;
                    case 2:
                        if (std::isdigit(bytes[in_header])) bytes[in_header] = '0' + rng() % 10;
                        break;
                    case 3:
                        bytes.resize(rng() % bytes.size());
                        break;
                    case 4:
                        bytes.resize(bytes.size() + rng() % 64, 0xAB);
                        break;
                    case 5:
                        bytes[rng() % 8] = static_cast<std::uint8_t>(rng());
                        break;
                    case 6: {
                        const std::string piece = fragments[rng() % std::size(fragments)];
                        if (in_header < bytes.size()) {
                            bytes.insert(bytes.begin() + static_cast<std::ptrdiff_t>(in_header),
                                         piece.begin(), piece.end());
                        }
                        break;
                    }
                    default: {  // keep the length field consistent with an edited header
                        const std::string piece = fragments[rng() % std::size(fragments)];
                        if (in_header >= bytes.size()) break;
                        bytes.insert(bytes.begin() + static_cast<std::ptrdiff_t>(in_header),
                                     piece.begin(), piece.end());
                        std::uint64_t length = 0;
                        for (int i = 7; i >= 0; --i)
                            length = (length << 8) | bytes[i];
                        bytes = with_length(bytes, length + piece.size());
                        break;
                    }
                }
                if (bytes.size() < 8) break;
            }
            if (!safetensors_fuzz_check(bytes)) {
                QFAIL(qPrintable(QString("invariant broken by mutation %1").arg(iteration)));
            }
            accepted += parse(bytes).ok() ? 1 : 0;
        }
        // Some mutations (data bytes, harmless digits) must still parse, or the test fuzzes
        // nothing but the first check.
        QVERIFY2(accepted > iterations / 20, qPrintable(QString::number(accepted)));
        QVERIFY2(accepted < iterations, qPrintable(QString::number(accepted)));
    }
};

QTEST_APPLESS_MAIN(TestSafetensors)
#include "test_safetensors.moc"
