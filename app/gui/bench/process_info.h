// What ponder-ui-bench reports about the process and the machine it ran on (Linux /proc).
#pragma once

#include <string>
#include <vector>

namespace ponder::gui::bench {

// Resident memory now and at its peak (VmRSS, VmHWM of /proc/self/status), in MiB; 0 when
// /proc cannot be read.
struct ProcessMemory {
    double rssMiB = 0;
    double peakMiB = 0;
};
ProcessMemory readProcessMemory();

// "Intel(R) Xeon(R) ..." from /proc/cpuinfo ("unknown CPU" when absent).
std::string cpuModel();
// The 1-minute load average (runnable processes, ours included); -1 when unknown.
double loadAverage();

// Percentiles of a sample (nearest rank); all 0 for an empty sample.
struct Summary {
    size_t count = 0;
    double p50 = 0, p95 = 0, p99 = 0, max = 0;
};
Summary summarize(std::vector<double> samples);

}  // namespace ponder::gui::bench
