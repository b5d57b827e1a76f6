#include "app/core/storage/utf8.h"

namespace ponder::core {
namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";

// One step of decoding at `at`: `length` bytes form a valid character (`valid`), or are the
// longest prefix of one that is ill-formed (`!valid`; `truncated` when the input ended before a
// byte could prove it wrong). Ranges follow Unicode Table 3-7 (well-formed byte sequences), which
// excludes overlong forms, surrogates and code points above U+10FFFF.
struct Step {
    size_t length;
    bool valid;
    bool truncated;
};

Step decode(std::string_view text, size_t at) {
    const auto byte = [&](size_t i) { return static_cast<unsigned char>(text[i]); };
    const unsigned char lead = byte(at);
    if (lead < 0x80) return {1, true, false};
    size_t need = 0;
    unsigned char low = 0x80, high = 0xBF;  // range of the first continuation byte
    if (lead >= 0xC2 && lead <= 0xDF) {
        need = 1;
    } else if (lead == 0xE0) {
        need = 2;
        low = 0xA0;
    } else if ((lead >= 0xE1 && lead <= 0xEC) || lead == 0xEE || lead == 0xEF) {
        need = 2;
    } else if (lead == 0xED) {
        need = 2;
        high = 0x9F;
    } else if (lead == 0xF0) {
        need = 3;
        low = 0x90;
    } else if (lead >= 0xF1 && lead <= 0xF3) {
        need = 3;
    } else if (lead == 0xF4) {
        need = 3;
        high = 0x8F;
    } else {
        return {1, false, false};  // a stray continuation byte or an impossible lead
    }
    for (size_t k = 1; k <= need; ++k) {
        if (at + k >= text.size()) return {k, false, true};
        const unsigned char next = byte(at + k);
        const unsigned char lo = k == 1 ? low : 0x80;
        const unsigned char hi = k == 1 ? high : 0xBF;
        if (next < lo || next > hi) return {k, false, false};
    }
    return {need + 1, true, false};
}

}  // namespace

bool is_valid_utf8(std::string_view text) {
    for (size_t at = 0; at < text.size();) {
        const Step step = decode(text, at);
        if (!step.valid) return false;
        at += step.length;
    }
    return true;
}

std::string repair_utf8(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    size_t clean_from = 0;  // copy valid runs in one piece
    for (size_t at = 0; at < text.size();) {
        const Step step = decode(text, at);
        if (!step.valid) {
            out.append(text.substr(clean_from, at - clean_from));
            out.append(kReplacement);
            clean_from = at + step.length;
        }
        at += step.length;
    }
    out.append(text.substr(clean_from));
    return out;
}

size_t incomplete_utf8_tail(std::string_view text) {
    // A character is at most 4 bytes, so only the last 3 can start an unfinished one.
    const size_t first = text.size() > 3 ? text.size() - 3 : 0;
    for (size_t at = first; at < text.size(); ++at) {
        const auto byte = static_cast<unsigned char>(text[at]);
        if (byte < 0xC2 || byte > 0xF4) continue;  // not a multi-byte lead
        const Step step = decode(text, at);
        if (!step.valid && step.truncated && at + step.length == text.size()) {
            return text.size() - at;
        }
    }
    return 0;
}

}  // namespace ponder::core
