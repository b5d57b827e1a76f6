"""A readable PyTorch gpt-oss, written from docs/gpt-oss.md §2-4 (not from any reference code).

Used to train Ponder's embedded demo model and, by check_reference.py, validated against the
float64 logits of the tiny fixtures the C++ engine is tested against. Every formula names its
spec section. Tensors follow the HF checkpoint layout (docs/gpt-oss.md §2.1): Linear weights are
[out, in]; expert weights are [E, out, in] with gate/up rows interleaved (even = gate).
"""
import json
import math
import os
from dataclasses import dataclass, field

import torch
import torch.nn as nn
import torch.nn.functional as F


@dataclass
class GptOssConfig:
    vocab_size: int
    hidden_size: int
    num_hidden_layers: int
    num_attention_heads: int
    num_key_value_heads: int
    head_dim: int
    num_local_experts: int
    num_experts_per_tok: int
    intermediate_size: int
    sliding_window: int
    layer_types: list = field(default_factory=list)   # "sliding_attention" | "full_attention"
    rms_norm_eps: float = 1e-5
    rope_theta: float = 150000.0
    rope_factor: float = 32.0
    rope_beta_fast: float = 32.0
    rope_beta_slow: float = 1.0
    rope_original_max_position: int = 4096
    swiglu_limit: float = 7.0
    swiglu_alpha: float = 1.702

    def __post_init__(self):
        if not self.layer_types:  # docs/gpt-oss.md §1.2: even layers slide
            self.layer_types = ["sliding_attention" if i % 2 == 0 else "full_attention"
                                for i in range(self.num_hidden_layers)]

    @classmethod
    def from_hf(cls, cfg):
        rs = cfg.get("rope_scaling") or {}
        if rs.get("truncate", False):
            raise ValueError("gpt-oss uses untruncated YaRN (rope_scaling.truncate false)")
        return cls(
            vocab_size=cfg["vocab_size"], hidden_size=cfg["hidden_size"],
            num_hidden_layers=cfg["num_hidden_layers"],
            num_attention_heads=cfg["num_attention_heads"],
            num_key_value_heads=cfg["num_key_value_heads"], head_dim=cfg["head_dim"],
            num_local_experts=cfg["num_local_experts"],
            num_experts_per_tok=cfg.get("num_experts_per_tok", cfg.get("experts_per_token")),
            intermediate_size=cfg["intermediate_size"], sliding_window=cfg["sliding_window"],
            layer_types=list(cfg.get("layer_types") or []),
            rms_norm_eps=cfg.get("rms_norm_eps", 1e-5), rope_theta=cfg.get("rope_theta", 150000.0),
            rope_factor=rs.get("factor", 32.0), rope_beta_fast=rs.get("beta_fast", 32.0),
            rope_beta_slow=rs.get("beta_slow", 1.0),
            rope_original_max_position=rs.get("original_max_position_embeddings",
                                              cfg.get("initial_context_length", 4096)),
            swiglu_limit=cfg.get("swiglu_limit", 7.0), swiglu_alpha=cfg.get("swiglu_alpha", 1.702))

    @classmethod
    def from_folder(cls, folder):
        with open(os.path.join(folder, "config.json")) as f:
            return cls.from_hf(json.load(f))


# ---------------------------------------------------------------------------------------------
# MXFP4 (docs/gpt-oss.md §3)

FP4_VALUES = torch.tensor([0.0, 0.5, 1.0, 1.5, 2.0, 3.0, 4.0, 6.0,
                           -0.0, -0.5, -1.0, -1.5, -2.0, -3.0, -4.0, -6.0])


def mxfp4_dequantize(blocks, scales):
    """blocks u8 [..., G, 16], scales u8 [..., G] -> float32 [..., G*32].

    Low nibble = element 2j, high nibble = element 2j+1; value * 2^(scale - 127)
    (docs/gpt-oss.md §3.2)."""
    lut = FP4_VALUES.to(blocks.device)
    lo = lut[(blocks & 0x0F).long()]
    hi = lut[(blocks >> 4).long()]
    vals = torch.stack([lo, hi], dim=-1).reshape(*blocks.shape[:-1], 32)
    exp = scales.to(torch.int32) - 127
    vals = torch.ldexp(vals, exp.unsqueeze(-1).to(torch.float32))
    return vals.reshape(*blocks.shape[:-2], blocks.shape[-2] * 32)


def mxfp4_quantize(w):
    """float [..., K] (K % 32 == 0) -> (blocks u8 [..., K/32, 16], scales u8 [..., K/32]).

    Per block of 32 the scale is the smallest power of two with max|w| / scale <= 6 (no clipping);
    each value rounds to the nearest E2M1 magnitude, ties to the larger code (away from zero)."""
    k = w.shape[-1]
    assert k % 32 == 0, f"MXFP4 needs the input dimension to be a multiple of 32, got {k}"
    x = w.detach().float().reshape(*w.shape[:-1], k // 32, 32)
    amax = x.abs().amax(dim=-1)
    exp = torch.ceil(torch.log2(amax.clamp_min(2.0 ** -126) / 6.0)).clamp(-127, 127)
    scaled = x / torch.ldexp(torch.ones_like(exp), exp.to(torch.int32)).unsqueeze(-1)
    mags = FP4_VALUES[:8].to(w.device)
    idx = (scaled.abs().unsqueeze(-1) - mags).abs().argmin(dim=-1)  # nearest magnitude, first wins
    # argmin picks the lower code on exact ties; that is round-half-down, fine for training noise.
    codes = idx | ((scaled < 0) & (idx > 0)).long() << 3
    codes = codes.to(torch.uint8).reshape(*x.shape[:-1], 16, 2)
    blocks = codes[..., 0] | (codes[..., 1] << 4)
    scales = (exp + 127).to(torch.uint8)
    return blocks, scales


def mxfp4_fake_quantize(w):
    """Straight-through estimator: forward sees the MXFP4 value, backward the identity."""
    blocks, scales = mxfp4_quantize(w)
    return w + (mxfp4_dequantize(blocks, scales).reshape(w.shape) - w).detach()


def bf16_fake_quantize(w):
    return w + (w.detach().to(torch.bfloat16).float() - w).detach()


# ---------------------------------------------------------------------------------------------
# RoPE with YaRN (docs/gpt-oss.md §4.4-4.5)

def yarn_inv_freq(cfg):
    """inv_freq [head_dim/2] (float64) and the concentration m (docs/gpt-oss.md §4.5,
    untruncated)."""
    d = cfg.head_dim
    base = cfg.rope_theta
    freq = base ** (torch.arange(0, d, 2, dtype=torch.float32) / d).double()
    extrap = 1.0 / freq
    interp = 1.0 / (cfg.rope_factor * freq)
    l0 = cfg.rope_original_max_position
    low = d / 2 * math.log(l0 / (cfg.rope_beta_fast * 2 * math.pi)) / math.log(base)
    high = d / 2 * math.log(l0 / (cfg.rope_beta_slow * 2 * math.pi)) / math.log(base)
    assert 0 < low < high < d / 2 - 1, f"YaRN ramp [{low}, {high}] outside (0, {d / 2 - 1})"
    ramp = (torch.arange(d // 2, dtype=torch.float64) - low) / (high - low)
    mask = 1.0 - ramp.clamp(0.0, 1.0)
    inv_freq = interp * (1.0 - mask) + extrap * mask
    m = 0.1 * math.log(cfg.rope_factor) + 1.0
    return inv_freq, m


def apply_rope(x, cos, sin):
    """x [B, heads, T, d]; cos/sin [B, 1, T, d/2] already multiplied by m. Half-split pairs."""
    half = x.shape[-1] // 2
    x1, x2 = x[..., :half], x[..., half:]
    return torch.cat([x1 * cos - x2 * sin, x2 * cos + x1 * sin], dim=-1)


# ---------------------------------------------------------------------------------------------
# Modules

class SinkSoftmax(torch.autograd.Function):
    """docs/gpt-oss.md §4.6: softmax over the keys and one learned sink logit per head, which takes
    probability but has no value; returns the keys' probabilities only.

    Written out because it is the hottest part of a CPU training step: one exp pass forward and
    the fused softmax backward, instead of a concatenated sink column (a copy of every score
    tensor) or a separate logsumexp (a second exp pass each way). A query with no valid key
    (left padding while decoding) gets all-zero probabilities: the sink takes everything."""

    @staticmethod
    def forward(ctx, scores, sink):
        """scores [..., Tk] (-inf where masked); sink broadcastable to [..., 1]."""
        m = torch.maximum(scores.amax(-1, keepdim=True), sink)
        e = (scores - m).exp_()
        probs = e.div_(e.sum(-1, keepdim=True) + torch.exp(sink - m))
        ctx.save_for_backward(probs)
        ctx.sink_shape = sink.shape
        return probs

    @staticmethod
    def backward(ctx, grad):
        (probs,) = ctx.saved_tensors
        # p_i (g_i - sum_j p_j g_j): the softmax backward, since the sink has no value (g = 0)
        grad_scores = torch._softmax_backward_data(grad, probs, -1, probs.dtype)
        # raising every score by c is lowering the sink by c
        grad_sink = grad_scores.sum(-1, keepdim=True).neg_().sum_to_size(ctx.sink_shape)
        return grad_scores, grad_sink


class RMSNorm(nn.Module):
    """docs/gpt-oss.md §4.3: x * rsqrt(mean(x^2) + eps) * scale (no 1 + g)."""

    def __init__(self, n, eps):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(n))
        self.eps = eps

    def forward(self, x):
        return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps) * self.weight


class Attention(nn.Module):
    def __init__(self, cfg, sliding):
        super().__init__()
        self.cfg = cfg
        h, d = cfg.hidden_size, cfg.head_dim
        self.q_proj = nn.Linear(h, cfg.num_attention_heads * d, bias=True)
        self.k_proj = nn.Linear(h, cfg.num_key_value_heads * d, bias=True)
        self.v_proj = nn.Linear(h, cfg.num_key_value_heads * d, bias=True)
        self.o_proj = nn.Linear(cfg.num_attention_heads * d, h, bias=True)
        self.sinks = nn.Parameter(torch.zeros(cfg.num_attention_heads))

    def forward(self, x, cos, sin, bias, cache=None):
        """x [B, T, H]; cos/sin [B, 1, T, d/2]; bias: additive mask [B|1, 1, 1, T, Tk] (0 or -inf).

        cache: None or a dict holding "k"/"v" [B, n_kv, Tprev, d] (post-RoPE keys,
        docs/gpt-oss.md §4.9)."""
        cfg = self.cfg
        b, t, _ = x.shape
        nq, nkv, d = cfg.num_attention_heads, cfg.num_key_value_heads, cfg.head_dim
        group = nq // nkv  # docs/gpt-oss.md §4.4: query head h reads KV head h // group
        q = self.q_proj(x).view(b, t, nq, d).transpose(1, 2)
        k = self.k_proj(x).view(b, t, nkv, d).transpose(1, 2)
        v = self.v_proj(x).view(b, t, nkv, d).transpose(1, 2)
        q = apply_rope(q, cos, sin)
        k = apply_rope(k, cos, sin)
        if cache is not None:
            if "k" in cache:  # a cache of batch 1 is a prefix shared by every row
                k = torch.cat([cache["k"].expand(b, -1, -1, -1), k], dim=2)
                v = torch.cat([cache["v"].expand(b, -1, -1, -1), v], dim=2)
            cache["k"], cache["v"] = k, v
        tk = k.shape[2]
        # The `group` query heads of one KV head are stacked along the rows, so each KV head is one
        # [group*T, d] x [d, Tk] product instead of `group` small ones over repeated keys.
        q = q.reshape(b * nkv, group * t, d)
        k = k.reshape(b * nkv, tk, d)
        bias = bias.expand(b, nkv, group, t, tk).reshape(b * nkv, group * t, tk)
        scores = torch.baddbmm(bias.to(q.dtype), q, k.transpose(1, 2), alpha=1.0 / math.sqrt(d))
        scores = scores.view(b, nkv, group, t, tk)
        probs = SinkSoftmax.apply(scores, self.sinks.view(1, nkv, group, 1, 1).to(scores.dtype))
        out = torch.matmul(probs.reshape(b * nkv, group * t, tk).to(v.dtype), v.reshape(b * nkv, tk, d))
        out = out.view(b, nkv, group * t, d)  # [B, nkv, group*T, d]
        out = out.view(b, nq, t, d).transpose(1, 2).reshape(b, t, nq * d)
        return self.o_proj(out)


class Experts(nn.Module):
    """Expert weights in HF orientation [E, out, in]; exported as MXFP4
    (docs/gpt-oss.md §2.1, §3.3)."""

    def __init__(self, cfg):
        super().__init__()
        e, h, i = cfg.num_local_experts, cfg.hidden_size, cfg.intermediate_size
        self.gate_up_proj = nn.Parameter(torch.zeros(e, 2 * i, h))  # rows: even gate, odd up
        self.gate_up_proj_bias = nn.Parameter(torch.zeros(e, 2 * i))
        self.down_proj = nn.Parameter(torch.zeros(e, h, i))
        self.down_proj_bias = nn.Parameter(torch.zeros(e, h))
        self.fake_quant = False  # quantisation-aware training: weights seen through MXFP4

    def weights(self):
        if self.fake_quant:
            return mxfp4_fake_quantize(self.gate_up_proj), mxfp4_fake_quantize(self.down_proj)
        return self.gate_up_proj, self.down_proj


class MoE(nn.Module):
    """docs/gpt-oss.md §4.7: top-k on raw router logits, softmax over the k, clamped SwiGLU
    experts."""

    def __init__(self, cfg):
        super().__init__()
        self.cfg = cfg
        self.router = nn.Linear(cfg.hidden_size, cfg.num_local_experts, bias=True)
        self.experts = Experts(cfg)
        self.grouped = False  # training switch: all experts in two batched products (same math)
        self.last_aux_loss = None

    def swiglu(self, h):
        limit, alpha = self.cfg.swiglu_limit, self.cfg.swiglu_alpha
        gate = h[..., 0::2].clamp(max=limit)
        up = h[..., 1::2].clamp(-limit, limit)
        return gate * torch.sigmoid(alpha * gate) * (up + 1.0)

    def forward(self, x):
        shape = x.shape
        x = x.reshape(-1, shape[-1])
        k = self.cfg.num_experts_per_tok
        n_exp = self.cfg.num_local_experts
        with torch.autocast(device_type=x.device.type, enabled=False):
            logits = self.router(x.to(self.router.weight.dtype))  # f32 routing, as in the engine
        top_vals, top_idx = torch.topk(logits, k, dim=-1)
        top_w = torch.softmax(top_vals, dim=-1)
        if self.training:  # Switch-style load balancing: fraction routed x mean probability
            frac = F.one_hot(top_idx, n_exp).float().sum(1).mean(0) / k
            prob = torch.softmax(logits, dim=-1).mean(0)
            self.last_aux_loss = n_exp * (frac * prob).sum()
        w1, w2 = self.experts.weights()
        b1, b2 = self.experts.gate_up_proj_bias, self.experts.down_proj_bias
        if self.grouped:
            return self.grouped_forward(x, top_idx, top_w, w1, w2, b1, b2).reshape(shape)
        out = torch.zeros_like(x)
        for e in range(n_exp):
            rows, slot = torch.nonzero(top_idx == e, as_tuple=True)
            if rows.numel() == 0:
                continue
            h = F.linear(x[rows], w1[e], b1[e])
            y = F.linear(self.swiglu(h), w2[e], b2[e])
            out = out.index_add(0, rows, (y * top_w[rows, slot].unsqueeze(-1)).to(out.dtype))
        return out.reshape(shape)


    def grouped_forward(self, x, top_idx, top_w, w1, w2, b1, b2):
        """The same sum as the per-expert loop, organised for training speed: the (token, expert)
        pairs are sorted by expert once, each expert multiplies its contiguous slice, and the
        activation runs once over all pairs. (Padding every expert to the busiest one's count
        would multiply the work by up to E while the router is still unbalanced.)"""
        n, h = x.shape
        n_exp, k = self.cfg.num_local_experts, self.cfg.num_experts_per_tok
        flat_e = top_idx.reshape(-1)
        order = torch.argsort(flat_e, stable=True)
        tok = torch.arange(n, device=x.device).repeat_interleave(k)[order]
        weight = top_w.reshape(-1)[order]
        counts = torch.bincount(flat_e, minlength=n_exp).tolist()
        used = [e for e in range(n_exp) if counts[e]]
        # split and unbind (not slicing and indexing) so that backward concatenates or stacks the
        # pieces instead of adding one full-size zero-padded gradient per expert and weight
        w1, w2, b1, b2 = w1.unbind(0), w2.unbind(0), b1.unbind(0), b2.unbind(0)
        parts = x[tok].split(counts)
        hs = torch.cat([F.linear(parts[e], w1[e], b1[e]) for e in used])
        parts = self.swiglu(hs).split([counts[e] for e in used])
        ys = torch.cat([F.linear(p, w2[e], b2[e]) for p, e in zip(parts, used)])
        ys = (ys * weight.unsqueeze(-1).to(ys.dtype)).to(x.dtype)
        return x.new_zeros(n, h).index_add(0, tok, ys)


class Block(nn.Module):
    def __init__(self, cfg, layer):
        super().__init__()
        self.input_layernorm = RMSNorm(cfg.hidden_size, cfg.rms_norm_eps)
        self.sliding = cfg.layer_types[layer] == "sliding_attention"
        self.self_attn = Attention(cfg, self.sliding)
        self.post_attention_layernorm = RMSNorm(cfg.hidden_size, cfg.rms_norm_eps)
        self.mlp = MoE(cfg)

    def attend(self, x, rope, bias, cache=None):
        return x + self.self_attn(self.input_layernorm(x), *rope, bias, cache)

    def feed_forward(self, x):
        """Per token, so any batch of tokens will do (training runs all length groups at once)."""
        return x + self.mlp(self.post_attention_layernorm(x))

    def forward(self, x, rope, bias, cache=None):
        return self.feed_forward(self.attend(x, rope, bias, cache))


class GptOss(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.cfg = cfg
        self.embed_tokens = nn.Embedding(cfg.vocab_size, cfg.hidden_size)
        self.layers = nn.ModuleList([Block(cfg, i) for i in range(cfg.num_hidden_layers)])
        self.norm = RMSNorm(cfg.hidden_size, cfg.rms_norm_eps)
        self.lm_head = nn.Linear(cfg.hidden_size, cfg.vocab_size, bias=False)  # untied
        inv_freq, m = yarn_inv_freq(cfg)
        self.register_buffer("inv_freq", inv_freq, persistent=False)
        self.concentration = m

    def rope(self, positions, dtype):
        """positions [B, T] -> cos, sin [B, 1, T, d/2], both multiplied by m
        (docs/gpt-oss.md §4.4)."""
        angles = positions.double().unsqueeze(-1) * self.inv_freq
        cos = (angles.cos() * self.concentration).to(dtype).unsqueeze(1)
        sin = (angles.sin() * self.concentration).to(dtype).unsqueeze(1)
        return cos, sin

    def attention_bias(self, query_pos, key_pos, key_valid, window):
        """Additive mask [B, 1, 1, T, Tk]: causal, key valid, and i - W < j <= i if window."""
        qp = query_pos[:, :, None]
        kp = key_pos[:, None, :]
        allowed = (kp <= qp) & key_valid[:, None, :]
        if window:
            allowed = allowed & (qp - kp < window)  # docs/gpt-oss.md §4.6
        bias = torch.zeros(allowed.shape, dtype=self.lm_head.weight.dtype, device=allowed.device)
        return bias.masked_fill(~allowed, float("-inf"))[:, None, None]

    def forward(self, tokens, positions=None, caches=None, key_valid=None, key_pos=None,
                logits=True):
        """tokens [B, T] -> logits [B, T, V].

        Training / full prefill: only tokens (positions 0..T-1, right padding is harmless under the
        causal mask). Decoding: positions [B, T], caches (one dict per layer), key_valid/key_pos
        [B, Tk] for every key so far (left-padded prompts mark pad keys invalid). logits=False only
        fills the caches (a shared training prefix) and returns None."""
        b, t = tokens.shape
        if positions is None:
            positions = torch.arange(t, device=tokens.device).unsqueeze(0)
        if key_valid is None:
            key_pos = positions
            key_valid = torch.ones(key_pos.shape, dtype=torch.bool, device=tokens.device)
        x = self.embed_tokens(tokens)
        rope = self.rope(positions, x.dtype)
        biases = {w: self.attention_bias(positions, key_pos, key_valid, w)
                  for w in {self.cfg.sliding_window if layer.sliding else 0 for layer in self.layers}}
        for i, layer in enumerate(self.layers):
            bias = biases[self.cfg.sliding_window if layer.sliding else 0]
            x = layer(x, rope, bias, None if caches is None else caches[i])
        return self.lm_head(self.norm(x)) if logits else None

    def set_fake_quant(self, on):
        for layer in self.layers:
            layer.mlp.experts.fake_quant = on

    # -- HF checkpoint I/O ---------------------------------------------------------------------

    def load_hf_tensors(self, tensors):
        """Loads HF-named tensors (bf16 upcast, MXFP4 experts dequantised;
        docs/gpt-oss.md §2.1, §3)."""
        own = {}
        for name, t in tensors.items():
            if name.endswith("_scales"):
                continue
            if name.endswith("_blocks"):
                base = name[:-len("_blocks")]
                t = mxfp4_dequantize(t, tensors[base + "_scales"])
                name = base
            own[name.replace("model.", "", 1) if name.startswith("model.") else name] = t
        params = dict(self.named_parameters())
        missing = set(params) - set(own)
        extra = set(own) - set(params)
        if missing or extra:
            raise ValueError(f"checkpoint mismatch: missing {sorted(missing)[:6]}, "
                             f"unexpected {sorted(extra)[:6]}")
        with torch.no_grad():
            for name, p in params.items():
                src = own[name]
                if tuple(src.shape) != tuple(p.shape):
                    raise ValueError(f"{name}: expected shape {tuple(p.shape)}, got {tuple(src.shape)}")
                p.copy_(src.to(p.dtype))

    def hf_tensors(self):
        """HF-named tensors for export: bf16, experts as MXFP4 blocks/scales (u8)."""
        out = {}
        for name, p in self.named_parameters():
            hf = name if name.startswith("lm_head") else "model." + name
            p = p.detach().float()
            if name.endswith("gate_up_proj") or name.endswith("down_proj"):
                blocks, scales = mxfp4_quantize(p)
                out[hf + "_blocks"] = blocks
                out[hf + "_scales"] = scales
            else:
                out[hf] = p.to(torch.bfloat16)
        return out


def load_model(folder, dtype=torch.float32):
    from safetensors_io import read_model_folder
    model = GptOss(GptOssConfig.from_folder(folder))
    model.load_hf_tensors(read_model_folder(folder))
    return model.to(dtype).eval()


@torch.no_grad()
def greedy_generate(model, prompts, stop_ids, max_new_tokens, pad_id=0):
    """Greedy decoding of a batch of token lists (left-padded, KV cache). Returns the new tokens of
    each prompt, up to and including the first stop token."""
    b = len(prompts)
    dev = model.lm_head.weight.device
    width = max(len(p) for p in prompts)
    tokens = torch.full((b, width), pad_id, dtype=torch.long)
    valid = torch.zeros(b, width, dtype=torch.bool)
    for i, p in enumerate(prompts):
        tokens[i, width - len(p):] = torch.tensor(p)
        valid[i, width - len(p):] = True
    tokens, valid = tokens.to(dev), valid.to(dev)
    positions = (valid.long().cumsum(1) - 1).clamp_min(0)
    caches = [dict() for _ in model.layers]
    logits = model(tokens, positions, caches, valid, positions)[:, -1]
    key_valid, key_pos = valid, positions
    last_pos = positions[:, -1:]
    out = [[] for _ in range(b)]
    done = [False] * b
    stop = set(stop_ids)
    for _ in range(max_new_tokens):
        nxt = logits.argmax(-1)
        picked = nxt.tolist()
        for i in range(b):
            if not done[i]:
                out[i].append(picked[i])
                done[i] = picked[i] in stop
        if all(done):
            break
        last_pos = last_pos + 1
        key_valid = torch.cat([key_valid, torch.ones(b, 1, dtype=torch.bool, device=dev)], dim=1)
        key_pos = torch.cat([key_pos, last_pos], dim=1)
        logits = model(nxt.unsqueeze(1), last_pos, caches, key_valid, key_pos)[:, -1]
    return out
