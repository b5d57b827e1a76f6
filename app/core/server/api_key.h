// The local API's key: random, made on first use, kept in a file only its owner can read
// (0600) in Ponder's data folder, and required from clients as "Authorization: Bearer KEY".
// It keeps other users of the machine (and web pages that try to reach localhost) out.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "engine/status.h"

namespace ponder::core::server {

// default_data_dir()/api-key.
std::filesystem::path default_api_key_path();

// Reads the key in `path`, or creates it (and its folder) with 0600 permissions when missing.
// Fails on a file that cannot be read or written, or one that others may read.
Result<std::string> load_or_create_api_key(const std::filesystem::path& path);

// Compares in time that does not depend on where the two differ.
bool same_key(std::string_view a, std::string_view b);

}  // namespace ponder::core::server
