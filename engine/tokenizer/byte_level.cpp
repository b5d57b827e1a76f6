#include "engine/tokenizer/byte_level.h"

#include <array>

#include "engine/tokenizer/utf8.h"

namespace ponder {
namespace {

bool stands_for_itself(int byte) {
    return (byte >= '!' && byte <= '~') || (byte >= 0xA1 && byte <= 0xAC) || (byte >= 0xAE);
}

// byte -> code point, and code point (< 0x144) -> byte + 1 (0 = not in the alphabet).
struct Alphabet {
    std::array<char32_t, 256> code_point{};
    std::array<int, 0x144> byte_plus_one{};
    Alphabet() {
        char32_t next_extra = 0x100;
        for (int byte = 0; byte < 256; ++byte) {
            code_point[byte] = stands_for_itself(byte) ? char32_t(byte) : next_extra++;
            byte_plus_one[code_point[byte]] = byte + 1;
        }
    }
};

const Alphabet& alphabet() {
    static const Alphabet table;
    return table;
}

}  // namespace

std::string byte_level_encode(std::string_view bytes) {
    const Alphabet& table = alphabet();
    std::string text;
    text.reserve(bytes.size() * 2);
    for (char byte : bytes)
        append_utf8(text, table.code_point[static_cast<unsigned char>(byte)]);
    return text;
}

std::optional<std::string> byte_level_decode(std::string_view text) {
    const Alphabet& table = alphabet();
    std::string bytes;
    bytes.reserve(text.size());
    std::size_t i = 0;
    while (i < text.size()) {
        const auto lead = static_cast<unsigned char>(text[i]);
        char32_t code_point = 0;
        if (lead < 0x80) {
            code_point = lead;
            i += 1;
        } else if (lead >= 0xC2 && lead <= 0xDF && i + 1 < text.size() &&
                   (static_cast<unsigned char>(text[i + 1]) & 0xC0) == 0x80) {
            // Every character of the alphabet is below U+0800: two bytes at most.
            code_point =
                char32_t(lead & 0x1F) << 6 | (static_cast<unsigned char>(text[i + 1]) & 0x3F);
            i += 2;
        } else {
            return std::nullopt;
        }
        if (code_point >= table.byte_plus_one.size() || table.byte_plus_one[code_point] == 0) {
            return std::nullopt;
        }
        bytes += static_cast<char>(table.byte_plus_one[code_point] - 1);
    }
    return bytes;
}

}  // namespace ponder
