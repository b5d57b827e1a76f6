// The version Ponder reports (`ponder --version`, About dialog, exported files).
#pragma once

namespace ponder::core {

const char* version_string();  // e.g. "0.1.0"

}  // namespace ponder::core
