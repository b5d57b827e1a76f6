#include "engine/tokenizer/pretokenizer.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

namespace ponder {

struct PreTokenizer::Compiled {
    std::string pattern;
    pcre2_code* code = nullptr;
    bool jit = false;
    ~Compiled() { pcre2_code_free(code); }
};

struct PreTokenizer::Cursor::State {
    std::shared_ptr<const Compiled> compiled;
    std::string_view text;
    std::size_t position = 0;
    pcre2_match_data* match = nullptr;
    ~State() { pcre2_match_data_free(match); }
};

namespace {

// Unicode White_Space (PropList.txt), the meaning of \s in Rust's regex crate used by tiktoken.
constexpr std::string_view kWhiteSpaceItems =
    "\\t-\\r\\x{20}\\x{85}\\x{A0}\\x{1680}\\x{2000}-\\x{200A}\\x{2028}\\x{2029}\\x{202F}"
    "\\x{205F}\\x{3000}";

// Length of the UTF-8 sequence that starts with `lead` as far as the text allows (at least 1),
// used to step over a position where the regex could not produce a piece.
std::size_t step_length(std::string_view text, std::size_t at) {
    const auto lead = static_cast<unsigned char>(text[at]);
    std::size_t length = lead < 0xC0 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4;
    std::size_t end = at + 1;
    while (end < text.size() && end < at + length &&
           (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) {
        ++end;
    }
    return end - at;
}

}  // namespace

std::string_view PreTokenizer::o200k_pattern() {
    static const std::string pattern =
        "[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]*[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]+"
        "(?i:'s|'t|'re|'ve|'m|'ll|'d)?"
        "|[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]+[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]*"
        "(?i:'s|'t|'re|'ve|'m|'ll|'d)?"
        "|\\p{N}{1,3}"
        "| ?[^\\s\\p{L}\\p{N}]+[\\r\\n/]*"
        "|\\s*[\\r\\n]+"
        "|\\s+(?!\\S)"
        "|\\s+";
    return pattern;
}

std::string_view PreTokenizer::gpt2_pattern() {
    return "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+";
}

std::string rewrite_whitespace_escapes(std::string_view pattern) {
    std::string out;
    out.reserve(pattern.size() + 64);
    bool in_class = false;
    for (std::size_t i = 0; i < pattern.size(); ++i) {
        const char c = pattern[i];
        if (c == '\\' && i + 1 < pattern.size()) {
            const char escaped = pattern[i + 1];
            ++i;
            if (escaped == 's') {
                if (in_class) {
                    out += kWhiteSpaceItems;
                } else {
                    out += '[';
                    out += kWhiteSpaceItems;
                    out += ']';
                }
            } else if (escaped == 'S' && !in_class) {
                out += "[^";
                out += kWhiteSpaceItems;
                out += ']';
            } else {
                out += '\\';
                out += escaped;
            }
            continue;
        }
        if (!in_class && c == '[') {
            in_class = true;
            out += c;
            // A ']' right after '[' or '[^' is a literal member, not the end of the class.
            if (i + 1 < pattern.size() && pattern[i + 1] == '^') out += pattern[++i];
            if (i + 1 < pattern.size() && pattern[i + 1] == ']') out += pattern[++i];
            continue;
        }
        if (in_class && c == '[' && i + 1 < pattern.size() && pattern[i + 1] == ':') {
            const std::size_t close = pattern.find(":]", i + 2);  // POSIX class [:alpha:]
            if (close != std::string_view::npos) {
                out.append(pattern.substr(i, close + 2 - i));
                i = close + 1;
                continue;
            }
        }
        if (in_class && c == ']') in_class = false;
        out += c;
    }
    return out;
}

Result<PreTokenizer> PreTokenizer::compile(std::string_view pattern) {
    const std::string rewritten = rewrite_whitespace_escapes(pattern);
    int error_code = 0;
    PCRE2_SIZE error_offset = 0;
    // MATCH_INVALID_UTF: ill-formed UTF-8 in the input never matches instead of failing the
    // whole match, so a stray byte costs one piece, not the text.
    pcre2_code* code = pcre2_compile(
        reinterpret_cast<PCRE2_SPTR>(rewritten.data()), rewritten.size(),
        PCRE2_UTF | PCRE2_UCP | PCRE2_MATCH_INVALID_UTF, &error_code, &error_offset, nullptr);
    if (code == nullptr) {
        PCRE2_UCHAR message[256];
        pcre2_get_error_message(error_code, message, sizeof(message));
        return Status(StatusCode::invalid_argument,
                      "pre-tokenizer regex does not compile at offset " +
                          std::to_string(error_offset) + ": " +
                          reinterpret_cast<const char*>(message));
    }
    auto compiled = std::make_shared<Compiled>();
    compiled->pattern = std::string(pattern);
    compiled->code = code;
    // JIT is an optimisation: without it (unsupported CPU, hardened kernel) matching still works.
    compiled->jit = pcre2_jit_compile(code, PCRE2_JIT_COMPLETE) == 0;
    return PreTokenizer(std::move(compiled));
}

const std::string& PreTokenizer::pattern() const {
    return compiled_->pattern;
}

PreTokenizer::Cursor PreTokenizer::pieces(std::string_view text) const {
    auto state = std::make_unique<Cursor::State>();
    state->compiled = compiled_;
    state->text = text;
    state->match = pcre2_match_data_create_from_pattern(compiled_->code, nullptr);
    return Cursor(std::move(state));
}

PreTokenizer::Cursor::Cursor(std::unique_ptr<State> state) : state_(std::move(state)) {}
PreTokenizer::Cursor::Cursor(Cursor&&) noexcept = default;
PreTokenizer::Cursor::~Cursor() = default;

bool PreTokenizer::Cursor::next(std::string_view& piece) {
    State& s = *state_;
    const std::string_view text = s.text;
    if (s.position >= text.size()) return false;
    const auto* subject = reinterpret_cast<PCRE2_SPTR>(text.data());
    const int rc = s.compiled->jit ? pcre2_jit_match(s.compiled->code, subject, text.size(),
                                                     s.position, 0, s.match, nullptr)
                                   : pcre2_match(s.compiled->code, subject, text.size(), s.position,
                                                 0, s.match, nullptr);
    std::size_t end = 0;
    if (rc >= 0) {
        const PCRE2_SIZE* ovector = pcre2_get_ovector_pointer(s.match);
        if (ovector[0] > s.position) {
            end = ovector[0];  // unmatched bytes before the match: a piece of their own
        } else if (ovector[1] > s.position) {
            end = ovector[1];
        } else {
            end = s.position + step_length(text, s.position);  // empty match: step one character
        }
    } else if (rc == PCRE2_ERROR_NOMATCH) {
        end = text.size();
    } else {
        // Resource limits (JIT stack, match limit) on pathological input: step one character
        // rather than fail; such text is split more finely but still round-trips.
        end = s.position + step_length(text, s.position);
    }
    piece = text.substr(s.position, end - s.position);
    s.position = end;
    return true;
}

}  // namespace ponder
