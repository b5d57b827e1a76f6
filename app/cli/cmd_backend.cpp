// `ponder-cli backend [--backend auto|cpu|cuda]`: which compute backend Ponder would use here.
#include <cstdio>

#include "app/cli/args.h"
#include "app/cli/commands.h"
#include "engine/backend/backend_info.h"

namespace ponder::cli {

int run_backend(const Words& words) {
    auto args = Args::parse(words, {"backend"}, {});
    if (!args) return fail("backend", args.status().message(), 2);
    const std::string wanted = args->get_or("backend", "auto");
    BackendPreference preference = BackendPreference::automatic;
    if (wanted == "cpu") {
        preference = BackendPreference::cpu;
    } else if (wanted == "cuda") {
        preference = BackendPreference::cuda;
    } else if (wanted != "auto") {
        return fail("backend", "--backend must be auto, cpu or cuda", 2);
    }
    const BackendInfo info = select_backend(preference);
    std::printf("%s\n", info.summary().c_str());
    if (preference == BackendPreference::cuda && info.kind != BackendKind::cuda) return 1;
    return 0;
}

}  // namespace ponder::cli
