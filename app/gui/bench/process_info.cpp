#include "app/gui/bench/process_info.h"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <sstream>

namespace ponder::gui::bench {
namespace {

// The value of "Key:   123 kB" lines of /proc/self/status, in MiB.
double statusMiB(const std::string& status, const std::string& key) {
    const size_t at = status.find(key + ":");
    if (at == std::string::npos) return 0;
    std::istringstream line(status.substr(at + key.size() + 1));
    double kib = 0;
    line >> kib;
    return kib / 1024.0;
}

}  // namespace

ProcessMemory readProcessMemory() {
    std::ifstream file("/proc/self/status");
    std::stringstream text;
    text << file.rdbuf();
    return {statusMiB(text.str(), "VmRSS"), statusMiB(text.str(), "VmHWM")};
}

std::string cpuModel() {
    std::ifstream file("/proc/cpuinfo");
    for (std::string line; std::getline(file, line);) {
        if (line.rfind("model name", 0) != 0) continue;
        const size_t colon = line.find(':');
        if (colon != std::string::npos) return line.substr(line.find_first_not_of(' ', colon + 1));
    }
    return "unknown CPU";
}

double loadAverage() {
    std::ifstream file("/proc/loadavg");
    double load = -1;
    file >> load;
    return file ? load : -1;
}

Summary summarize(std::vector<double> samples) {
    Summary summary;
    summary.count = samples.size();
    if (samples.empty()) return summary;
    std::sort(samples.begin(), samples.end());
    auto rank = [&](double p) {
        const auto index = static_cast<size_t>(std::ceil(p * double(samples.size()))) - 1;
        return samples[std::min(index, samples.size() - 1)];
    };
    summary.p50 = rank(0.50);
    summary.p95 = rank(0.95);
    summary.p99 = rank(0.99);
    summary.max = samples.back();
    return summary;
}

}  // namespace ponder::gui::bench
