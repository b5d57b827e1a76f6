// Wall-clock time for the history: milliseconds since the Unix epoch (UTC), and the ISO-8601 text
// form used in exported files ("2026-11-28T09:00:00Z", with ".123" when milliseconds are set).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "app/core/storage/history_types.h"

namespace ponder::core {

Timestamp now_ms();

// "YYYY-MM-DDTHH:MM:SS[.mmm]Z"; the fraction only when it is not zero, so whole seconds read as
// people write them and parse_iso8601(format_iso8601(t)) == t for every t.
std::string format_iso8601(Timestamp time);

// Accepts "YYYY-MM-DDTHH:MM:SS" with an optional fraction (1-9 digits, cut to milliseconds) and
// "Z" or a "+HH:MM"/"-HH:MM" offset. nullopt for anything else, including impossible dates.
std::optional<Timestamp> parse_iso8601(std::string_view text);

}  // namespace ponder::core
