// Conversation ids: random (version 4) UUIDs in their usual text form, so ids made on different
// machines never collide when histories are exported and imported.
#pragma once

#include <string>

namespace ponder::core {

// "8d0c6c1e-3f5a-4b2e-9c1d-0e6f2a7b9c3d": 36 characters, lowercase hex.
std::string new_uuid();

}  // namespace ponder::core
