// The tiny golden fixtures (tests/data/gpt-oss-tiny) on a machine with a GPU. Their geometry is
// outside the kernels' specialisations (base: 4 query / 2 KV heads, hidden 64, 8 experts;
// real-yarn: 16 / 4 heads, hidden 96), so:
//   - BackendPreference::cuda fails with unsupported and names the mismatch;
//   - automatic falls back to the CPU with that reason, and the logits still match the fixtures'
//     float64 reference at the CPU thresholds (relative L2 < 1e-3 at every position, top-1 >= 99%).
// The CUDA numerics themselves are checked against the CPU in gpu_backend_vs_cpu.
#include <fstream>

#include "backend_test_support.h"
#include "engine/io/npy.h"

using namespace ponder;
using namespace ponder::gpu_test;

namespace {

std::filesystem::path fixture(const std::string& name) {
    return std::filesystem::path(PONDER_TEST_DATA_DIR) / "gpt-oss-tiny" / name;
}

std::vector<std::int32_t> fixture_tokens(const std::string& name) {
    std::ifstream in(fixture(name) / "tokens.txt");
    std::vector<std::int32_t> ids;
    std::string word;
    while (std::getline(in, word, ','))
        ids.push_back(static_cast<std::int32_t>(std::stol(word)));
    return ids;
}

}  // namespace

int main() {
    if (!cuda_present()) return kSkipped;
    Checker check;
    for (const std::string name : {"base", "real-yarn"}) {
        auto forced = load(fixture(name), BackendPreference::cuda);
        check.expect(!forced.ok() && forced.status().code() == StatusCode::unsupported &&
                         forced.status().message().find("specialised") != std::string::npos,
                     name + ": cuda refused: " + forced.status().to_string());

        auto model = load(fixture(name), BackendPreference::automatic);
        if (!check.ok(model.status(), name + ": automatic load")) continue;
        const std::string reason = (*model)->backend_info().cpu_fallback_reason;
        check.expect(std::string((*model)->backend().name()) == "cpu" &&
                         reason.find("specialised") != std::string::npos,
                     name + ": automatic runs on the CPU because: " + reason);

        const auto tokens = fixture_tokens(name);
        auto reference = read_npy(fixture(name) / "logits.f32.npy");
        if (!check.ok(reference.status(), name + ": read logits.f32.npy")) continue;
        auto logits = run_chunks(**model, tokens, {static_cast<std::int64_t>(tokens.size())});
        if (!check.ok(logits.status(), name + ": forward")) continue;
        const Agreement a = compare(*logits, reference->data, reference->shape[1]);
        char line[200];
        std::snprintf(
            line, sizeof(line),
            "%s: vs float64 reference: worst rel L2 %.2e (< 1e-3), top-1 %.1f%% (>= 99%%)",
            name.c_str(), a.max_rel_l2, 100.0 * a.top1);
        check.expect(a.rows == static_cast<std::int64_t>(tokens.size()) && a.max_rel_l2 < 1e-3 &&
                         a.top1 >= 0.99,
                     line);
    }
    return check.finish("gpu_backend_fixtures");
}
