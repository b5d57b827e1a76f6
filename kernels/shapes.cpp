#include <initializer_list>

#include "kernels/kernel_args.h"
#include "kernels/launchers.h"

namespace ponder::kernels {

Status check_gpt_oss_shapes(int head_dim, int num_q_heads, int num_kv_heads, int num_experts,
                            int experts_per_token, int hidden, int intermediate) {
    const char* what = "the CUDA kernels are specialised for gpt-oss";
    if (head_dim != kHeadDim) {
        return Status::error(StatusCode::unsupported, "%s: head_dim %d, expected %d", what,
                             head_dim, kHeadDim);
    }
    if (num_kv_heads <= 0 || num_q_heads != num_kv_heads * kQueriesPerKvHead) {
        return Status::error(StatusCode::unsupported,
                             "%s: %d query heads over %d KV heads, expected %d per KV head", what,
                             num_q_heads, num_kv_heads, kQueriesPerKvHead);
    }
    if (num_experts != 32 && num_experts != 128) {
        return Status::error(StatusCode::unsupported, "%s: %d experts, expected 32 or 128", what,
                             num_experts);
    }
    if (experts_per_token != kTopK) {
        return Status::error(StatusCode::unsupported, "%s: top-%d routing, expected top-%d", what,
                             experts_per_token, kTopK);
    }
    for (const int width : {hidden, intermediate}) {
        if (width <= 0 || width % 64 != 0 || width > kMaxHidden) {
            return Status::error(
                StatusCode::unsupported,
                "%s: hidden %d / intermediate %d, expected multiples of 64 up to %d", what, hidden,
                intermediate, kMaxHidden);
        }
    }
    if (num_q_heads * kHeadDim > kMaxMatvecCols) {  // o_proj's input width
        return Status::error(StatusCode::unsupported, "%s: %d query heads, expected at most %d",
                             what, num_q_heads, kMaxMatvecCols / kHeadDim);
    }
    return Status::success();
}

}  // namespace ponder::kernels
