// Finding and reading the data files Ponder ships (resources/ in the source tree, share/ponder
// when installed). Qt-free, so the engine, the CLI and the tests find them the same way.
#pragma once

#include <string>
#include <string_view>

#include "engine/status.h"

namespace ponder {

// The path of shipped file `name` (e.g. "o200k_base.tiktoken"). Looks next to the executable
// first (<exe dir>/../share/ponder/name: an installed or packaged tree), then in the source tree's
// resources/ (a run from the build tree). Fails with io_error listing the places it looked.
Result<std::string> find_resource(std::string_view name);

}  // namespace ponder
