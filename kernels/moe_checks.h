// Launcher-side checks of the expert tensors, shared by the decode and grouped MoE launchers.
#pragma once

#include "kernels/kernel_args.h"
#include "kernels/launch_checks.h"
#include "kernels/mxfp4_layout.h"

namespace ponder::kernels {

inline Status check_experts(const char* name, const Mxfp4Experts& ex) {
    PONDER_KERNELS_TRY(require_pointer(name, "experts.gate_up_blocks", ex.gate_up_blocks));
    PONDER_KERNELS_TRY(require_pointer(name, "experts.gate_up_scales", ex.gate_up_scales, 4));
    PONDER_KERNELS_TRY(require_pointer(name, "experts.gate_up_bias", ex.gate_up_bias, 4));
    PONDER_KERNELS_TRY(require_pointer(name, "experts.down_blocks", ex.down_blocks));
    PONDER_KERNELS_TRY(require_pointer(name, "experts.down_scales", ex.down_scales, 4));
    PONDER_KERNELS_TRY(require_pointer(name, "experts.down_bias", ex.down_bias, 4));
    if (ex.num_experts != 32 && ex.num_experts != 128) {
        return Status::error(StatusCode::invalid_argument,
                             "%s: experts.num_experts = %d, expected 32 or 128", name,
                             ex.num_experts);
    }
    PONDER_KERNELS_TRY(require_multiple(name, "experts.hidden", ex.hidden, kPairElems));
    PONDER_KERNELS_TRY(require_range(name, "experts.hidden", ex.hidden, kPairElems, kMaxHidden));
    PONDER_KERNELS_TRY(require_multiple(name, "experts.intermediate", ex.intermediate, kPairElems));
    PONDER_KERNELS_TRY(
        require_range(name, "experts.intermediate", ex.intermediate, kPairElems, kMaxHidden));
    if (!(ex.swiglu_limit > 0.0f)) {
        return Status::error(StatusCode::invalid_argument, "%s: swiglu_limit = %g, expected > 0",
                             name, static_cast<double>(ex.swiglu_limit));
    }
    return Status::success();
}

}  // namespace ponder::kernels
