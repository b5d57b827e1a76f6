#include "engine/tokenizer/utf8.h"

namespace ponder {

void Utf8StreamDecoder::push(std::string_view bytes, std::string& out) {
    std::size_t i = 0;
    while (i < bytes.size()) {
        const auto byte = static_cast<std::uint8_t>(bytes[i]);
        if (pending_size_ == 0) {
            if (byte < 0x80) {  // ASCII runs are the common case: copy them in one go
                std::size_t end = i + 1;
                while (end < bytes.size() && static_cast<std::uint8_t>(bytes[end]) < 0x80)
                    ++end;
                out.append(bytes.data() + i, end - i);
                i = end;
                continue;
            }
            // Lead byte: length and the range of the second byte exclude overlong forms,
            // surrogates (ED A0..BF) and code points above U+10FFFF (Unicode Table 3-7).
            std::uint8_t length = 0;
            next_low_ = 0x80;
            next_high_ = 0xBF;
            if (byte >= 0xC2 && byte <= 0xDF) {
                length = 2;
            } else if (byte >= 0xE0 && byte <= 0xEF) {
                length = 3;
                if (byte == 0xE0) next_low_ = 0xA0;
                if (byte == 0xED) next_high_ = 0x9F;
            } else if (byte >= 0xF0 && byte <= 0xF4) {
                length = 4;
                if (byte == 0xF0) next_low_ = 0x90;
                if (byte == 0xF4) next_high_ = 0x8F;
            }
            ++i;
            if (length == 0) {
                out += kReplacementCharacter;
                continue;
            }
            pending_[0] = static_cast<char>(byte);
            pending_size_ = 1;
            remaining_ = static_cast<std::uint8_t>(length - 1);
            continue;
        }
        if (byte < next_low_ || byte > next_high_) {
            // The character so far is a maximal ill-formed subpart; this byte starts afresh.
            out += kReplacementCharacter;
            pending_size_ = 0;
            continue;
        }
        pending_[pending_size_++] = static_cast<char>(byte);
        next_low_ = 0x80;
        next_high_ = 0xBF;
        ++i;
        if (--remaining_ == 0) {
            out.append(pending_.data(), pending_size_);
            pending_size_ = 0;
        }
    }
}

void Utf8StreamDecoder::finish(std::string& out) {
    if (pending_size_ > 0) out += kReplacementCharacter;
    pending_size_ = 0;
}

std::string utf8_lossy(std::string_view bytes) {
    std::string out;
    out.reserve(bytes.size());
    Utf8StreamDecoder decoder;
    decoder.push(bytes, out);
    decoder.finish(out);
    return out;
}

bool is_valid_utf8(std::string_view bytes) {
    // Repair changes the bytes at the first ill-formed position, so valid <=> unchanged.
    return utf8_lossy(bytes) == bytes;
}

void append_utf8(std::string& out, char32_t code_point) {
    if (code_point < 0x80) {
        out += static_cast<char>(code_point);
    } else if (code_point < 0x800) {
        out += static_cast<char>(0xC0 | (code_point >> 6));
        out += static_cast<char>(0x80 | (code_point & 0x3F));
    } else if (code_point < 0x10000) {
        out += static_cast<char>(0xE0 | (code_point >> 12));
        out += static_cast<char>(0x80 | ((code_point >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (code_point & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (code_point >> 18));
        out += static_cast<char>(0x80 | ((code_point >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((code_point >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (code_point & 0x3F));
    }
}

}  // namespace ponder
