#include "app/core/data_paths.h"

#include <pwd.h>
#include <unistd.h>

#include <cstdlib>

namespace ponder::core {
namespace {

std::filesystem::path home_dir() {
    if (const char* home = std::getenv("HOME"); home && *home) return home;
    if (const passwd* pw = getpwuid(getuid()); pw && pw->pw_dir) return pw->pw_dir;
    return std::filesystem::temp_directory_path();
}

}  // namespace

std::filesystem::path default_data_dir() {
    // The spec says a relative XDG_DATA_HOME is invalid and must be ignored.
    if (const char* xdg = std::getenv("XDG_DATA_HOME"); xdg && *xdg == '/') {
        return std::filesystem::path(xdg) / "ponder";
    }
    return home_dir() / ".local" / "share" / "ponder";
}

std::filesystem::path default_database_path() {
    if (const char* db = std::getenv("PONDER_DB"); db && *db) return db;
    return default_data_dir() / "history.sqlite3";
}

}  // namespace ponder::core
