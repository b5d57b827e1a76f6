#include "app/core/storage/timestamps.h"

#include <chrono>
#include <cstdio>

namespace ponder::core {
namespace {

using namespace std::chrono;

constexpr std::int64_t kMsPerDay = 86'400'000;

// Parses exactly `count` ASCII digits at `at`; advances `at`.
std::optional<int> digits(std::string_view text, size_t& at, size_t count) {
    if (at + count > text.size()) return std::nullopt;
    int value = 0;
    for (size_t i = 0; i < count; ++i) {
        const char c = text[at + i];
        if (c < '0' || c > '9') return std::nullopt;
        value = value * 10 + (c - '0');
    }
    at += count;
    return value;
}

bool expect(std::string_view text, size_t& at, char c) {
    if (at >= text.size() || text[at] != c) return false;
    ++at;
    return true;
}

}  // namespace

Timestamp now_ms() {
    return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

std::string format_iso8601(Timestamp time) {
    // Floor division so that times before 1970 still print the right date.
    std::int64_t days = time / kMsPerDay;
    std::int64_t in_day = time % kMsPerDay;
    if (in_day < 0) {
        in_day += kMsPerDay;
        --days;
    }
    const year_month_day date{sys_days{std::chrono::days{days}}};
    const auto ms = static_cast<int>(in_day % 1000);
    const auto seconds = static_cast<int>(in_day / 1000);
    char buffer[40];
    const int length = std::snprintf(
        buffer, sizeof buffer, "%04d-%02u-%02uT%02d:%02d:%02d", static_cast<int>(date.year()),
        static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()), seconds / 3600,
        seconds / 60 % 60, seconds % 60);
    std::string text(buffer, static_cast<size_t>(length));
    if (ms != 0) {
        std::snprintf(buffer, sizeof buffer, ".%03d", ms);
        text += buffer;
    }
    return text + "Z";
}

std::optional<Timestamp> parse_iso8601(std::string_view text) {
    size_t at = 0;
    auto year = digits(text, at, 4);
    if (!year || !expect(text, at, '-')) return std::nullopt;
    auto month = digits(text, at, 2);
    if (!month || !expect(text, at, '-')) return std::nullopt;
    auto day = digits(text, at, 2);
    if (!day || !expect(text, at, 'T')) return std::nullopt;
    auto hour = digits(text, at, 2);
    if (!hour || !expect(text, at, ':')) return std::nullopt;
    auto minute = digits(text, at, 2);
    if (!minute || !expect(text, at, ':')) return std::nullopt;
    auto second = digits(text, at, 2);
    if (!second) return std::nullopt;
    int ms = 0;
    if (at < text.size() && text[at] == '.') {
        ++at;
        size_t count = 0;
        int scale = 100;
        while (at < text.size() && text[at] >= '0' && text[at] <= '9') {
            if (count < 3) ms += (text[at] - '0') * scale;
            scale /= 10;
            ++count;
            ++at;
        }
        if (count == 0 || count > 9) return std::nullopt;
    }
    std::int64_t offset_minutes = 0;
    if (at < text.size() && text[at] == 'Z') {
        ++at;
    } else if (at < text.size() && (text[at] == '+' || text[at] == '-')) {
        const int sign = text[at] == '-' ? -1 : 1;
        ++at;
        auto offset_hours = digits(text, at, 2);
        if (!offset_hours || !expect(text, at, ':')) return std::nullopt;
        auto offset_mins = digits(text, at, 2);
        if (!offset_mins || *offset_hours > 23 || *offset_mins > 59) return std::nullopt;
        offset_minutes = sign * (*offset_hours * 60 + *offset_mins);
    } else {
        return std::nullopt;
    }
    if (at != text.size()) return std::nullopt;
    const year_month_day date{std::chrono::year{*year}, std::chrono::month{unsigned(*month)},
                              std::chrono::day{unsigned(*day)}};
    if (!date.ok() || *hour > 23 || *minute > 59 || *second > 60) return std::nullopt;
    const std::int64_t days = sys_days{date}.time_since_epoch().count();
    const std::int64_t seconds = days * 86'400 + *hour * 3600 + *minute * 60 + *second;
    return (seconds - offset_minutes * 60) * 1000 + ms;
}

}  // namespace ponder::core
