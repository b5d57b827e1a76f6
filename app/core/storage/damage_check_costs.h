// The ways of looking for damage that were weighed for check_before_write (file_health.h),
// timed on a real history file for `ponder-cli history bench-check`.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "engine/status.h"

namespace ponder::core {

struct DamageCheckCost {
    std::string what;
    double wall_ms = 0;   // median of the runs
    double cpu_ms = 0;    // this process's CPU time, median
    std::string verdict;  // the check's first line ("ok" when sound)
};

// Times each way on `file`, opened read-only: the header check that every open does, SQLite's
// page and freelist counts against the file size, PRAGMA quick_check and quick_check(1) with
// the file in the page cache and (posix_fadvise DONTNEED first) read from the disk, and one
// PRAGMA integrity_check. `runs` runs of each cheap check, of quick_check; one of the others.
Result<std::vector<DamageCheckCost>> measure_damage_checks(const std::filesystem::path& file,
                                                           int runs);

}  // namespace ponder::core
