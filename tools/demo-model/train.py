#!/usr/bin/python3
"""Trains Ponder's embedded demo model and exports it to resources/demo-model/.

    OMP_NUM_THREADS=2 OMP_WAIT_POLICY=PASSIVE /usr/bin/python3 tools/demo-model/train.py --skip-eval

The defaults are the single-run recipe that made the committed weights (README.md, "One run
within 60 minutes"): 56 minutes of training, the schedule following the wall clock.
Everything is derived from --seed: the tokenizer (trained on rendered conversations), the
held-out evaluation set, the training stream and the initial weights. The run trains the model
below with AdamW on a cosine schedule, switches the experts to fake MXFP4 for the last
--qat-fraction of the run (straight-through estimator), exports the HF folder (bf16 + MXFP4),
then (without --skip-eval) reloads the exported files and evaluates them greedily in PyTorch;
eval_cli.py evaluates them through Ponder itself.
"""
import argparse
import json
import math
import os
import random
import sys
import time

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import data  # noqa: E402
import evaluation as EV  # noqa: E402
import harmony as H  # noqa: E402
import tasks as T  # noqa: E402
from gpt_oss_torch import GptOss, GptOssConfig, greedy_generate, load_model  # noqa: E402
from safetensors_io import write_safetensors  # noqa: E402

# gpt-oss shapes the CUDA kernels accept (8 query heads per KV head, head_dim 64, top-4 of 32
# experts, widths multiples of 64), as small as still learns the tasks.
ARCH = dict(hidden_size=256, num_hidden_layers=4, num_attention_heads=8, num_key_value_heads=1,
            head_dim=64, num_local_experts=32, num_experts_per_tok=4, intermediate_size=64,
            sliding_window=128)


# The training mix, applied after the tokenizer is built from data.py's base mix: twice the base
# share of addition and mostly high effort, where the column work that takes longest to learn is.
TRAINING_TASK_MIX = "add=0.45,sub=0.12,mul=0.14,reverse=0.07,count=0.05,sort=0.08,other=0.05"
TRAINING_EFFORT_MIX = "low=0.15,medium=0.25,high=0.6"


def parse_args():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--out", default=os.path.join(os.path.dirname(__file__), "..", "..",
                                                  "resources", "demo-model"))
    ap.add_argument("--results", default=os.path.join(os.path.dirname(__file__), "results"),
                    help="where the evaluation table and log summary go")
    ap.add_argument("--seed", type=int, default=1234)
    ap.add_argument("--minutes", type=float, default=56.0,
                    help="train for this much wall time: the schedule (learning rate, curriculum, "
                         "quantisation-aware phase) follows the clock, so a slower machine gets "
                         "fewer steps, never a longer run")
    ap.add_argument("--steps", type=int, default=None,
                    help="train for exactly this many steps instead of --minutes (the schedule "
                         "follows the step count; the same machine-independent run every time)")
    ap.add_argument("--batch-tokens", type=int, default=2560,
                    help="padded tokens per batch after the shared prefix (rows x longest row of "
                         "each length bucket)")
    ap.add_argument("--buckets", type=int, default=4,
                    help="length buckets per batch, each padded to its own longest row")
    ap.add_argument("--lr", type=float, default=2e-3)
    ap.add_argument("--warmup", type=int, default=100)
    ap.add_argument("--curriculum-fraction", type=float, default=0.3,
                    help="share of the run in curriculum stage 1 (mostly + and -, 2 digits)")
    ap.add_argument("--amp", action="store_true",
                    help="train in bfloat16 autocast instead of float32 (2.6 times slower on the "
                         "build machine, AMX and all: README.md says why)")
    ap.add_argument("--qat-fraction", type=float, default=0.1)
    ap.add_argument("--aux-coef", type=float, default=0.01)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--device", default="cpu")
    ap.add_argument("--eval-per-cell", type=int, default=40)
    ap.add_argument("--eval-batch", type=int, default=64)
    ap.add_argument("--skip-eval", action="store_true")
    ap.add_argument("--checkpoint", default=None,
                    help="also save the trained float32 weights here (torch.save)")
    ap.add_argument("--init-from", default=None,
                    help="start training from weights saved with --checkpoint (a second stage)")
    ap.add_argument("--from-checkpoint", default=None,
                    help="skip training: export and evaluate weights saved with --checkpoint")
    ap.add_argument("--checkpoint-every", type=int, default=100,
                    help="with --checkpoint: also save the weights every N steps (a long run that "
                         "is interrupted can go on with --init-from)")
    ap.add_argument("--data-seed", type=int, default=None,
                    help="seed of the training stream (default --seed + 3); give a later stage a "
                         "new one so it does not replay the earlier stage's problems")
    ap.add_argument("--task-weights", default=TRAINING_TASK_MIX,
                    help="the task mix of the training stream (changes to data.TASK_WEIGHTS)")
    ap.add_argument("--effort-weights", default=TRAINING_EFFORT_MIX,
                    help="the effort mix of the training stream (changes to data.EFFORT_WEIGHTS)")
    ap.add_argument("--quick-eval", action="store_true",
                    help="also evaluate a few held-out problems at 1/3 and 2/3 of the run")
    return ap.parse_args()


# -- data -----------------------------------------------------------------------------------------

def parse_weights(text):
    """"add=0.45,sub=0.14" -> {"add": 0.45, "sub": 0.14}; None stays None."""
    if not text:
        return None
    return {k.strip(): float(v) for k, v in (item.split("=") for item in text.split(","))}


def padded_groups(lengths, k):
    """Splits rows into at most k groups of similar length, each padded to its own longest row,
    with the fewest padded tokens: (padded tokens, [[row index, ...], ...]). Sorted lengths are
    cut into contiguous runs by dynamic programming (a batch has a few dozen rows)."""
    order = sorted(range(len(lengths)), key=lambda i: lengths[i])
    s = [lengths[i] for i in order]
    n = len(s)
    # cost[g][j]: fewest padded tokens for the j shortest rows in g groups; cut[g][j]: where the
    # last of those groups starts
    cost = [[0] + [math.inf] * n] + [[math.inf] * (n + 1) for _ in range(k)]
    cut = [[0] * (n + 1) for _ in range(k + 1)]
    for g in range(1, k + 1):
        for j in range(1, n + 1):
            for i in range(j):
                c = cost[g - 1][i] + (j - i) * s[j - 1]
                if c < cost[g][j]:
                    cost[g][j], cut[g][j] = c, i
    g = min(range(1, k + 1), key=lambda g: cost[g][n])
    total, groups, j = cost[g][n], [], n
    while g > 0:
        i = cut[g][j]
        groups.append(order[i:j])
        g, j = g - 1, i
    return total, groups[::-1]


def make_batch(rng, tokenizer, words, excluded, batch_tokens, stage, buckets):
    """One training batch: a random conversation setting (system + developer message, shared by
    every row and computed once) and rows of questions and completions under it.

    The rows are split into up to `buckets` groups of similar length, each padded to its own
    longest row (right-padding conversations of 20 to 300 tokens to one length wastes 40% of
    the work); rows are added while the padded total stays within batch_tokens.
    Returns prefix [1, P] and a list of (inputs, targets) [B_g, T_g]; targets are -100 where
    there is no loss (questions, tool results, padding). Each row continues the prefix from
    position P."""
    opt = data.random_options(rng)
    prefix = tokenizer.encode(data.prefix_text(opt))
    rows = []
    while True:
        segments, _ = data.sample_row(rng, opt, words, excluded, stage)
        ids, mask = data.encode_segments(tokenizer, segments)
        if rows and padded_groups([len(r[0]) - 1 for r in rows] + [len(ids) - 1],
                                  buckets)[0] > batch_tokens:
            break
        rows.append((ids, mask))
    pad = tokenizer.specials["<|endoftext|>"]
    groups = []
    for members in padded_groups([len(r[0]) - 1 for r in rows], buckets)[1]:
        t = max(len(rows[i][0]) for i in members) - 1
        inputs = torch.full((len(members), t), pad, dtype=torch.long)
        targets = torch.full((len(members), t), -100, dtype=torch.long)
        for row, i in enumerate(members):
            ids, mask = rows[i]
            n = len(ids) - 1
            inputs[row, :n] = torch.tensor(ids[:-1])
            tgt = torch.tensor(ids[1:])
            targets[row, :n] = torch.where(torch.tensor(mask[1:]), tgt, torch.full_like(tgt, -100))
        groups.append((inputs, targets))
    return torch.tensor([prefix]), groups


def forward_batch(model, prefix, groups, amp):
    """Logits [B_g, T_g, V] of each group of rows, and the routers' load-balancing loss averaged
    over the layers. Every row continues one shared prefix, whose keys and values are computed
    once. The model runs layer by layer over all groups: attention per group (each has its own
    length), the MoE once over every group's tokens, since the experts' many small products cost
    per call as much as per token."""
    p = prefix.shape[1]
    dev = prefix.device
    longest = max(inputs.shape[1] for inputs, _ in groups)
    pos = torch.arange(p + longest, device=dev).unsqueeze(0)
    prefix_caches = [dict() for _ in model.layers]
    with torch.autocast(device_type=dev.type, dtype=torch.bfloat16, enabled=amp):
        model(prefix, pos[:, :p], prefix_caches, torch.ones(1, p, dtype=torch.bool, device=dev),
              pos[:, :p], logits=False)
        xs, ropes, biases, caches = [], [], [], []
        for inputs, _ in groups:
            b, t = inputs.shape
            positions = pos[:, p:p + t].expand(b, t)
            key_pos = pos[:, :p + t].expand(b, p + t)
            key_valid = torch.ones(b, p + t, dtype=torch.bool, device=dev)
            xs.append(model.embed_tokens(inputs))
            ropes.append(model.rope(positions, xs[-1].dtype))
            biases.append({w: model.attention_bias(positions, key_pos, key_valid, w)
                           for w in (0, model.cfg.sliding_window)})
            caches.append([dict(c) for c in prefix_caches])  # each group extends its own copy
        aux = 0.0
        for i, layer in enumerate(model.layers):
            window = model.cfg.sliding_window if layer.sliding else 0
            xs = [layer.attend(x, rope, bias[window], cache[i])
                  for x, rope, bias, cache in zip(xs, ropes, biases, caches)]
            flat = torch.cat([x.reshape(-1, x.shape[-1]) for x in xs])
            ys = layer.feed_forward(flat).split([x.shape[0] * x.shape[1] for x in xs])
            xs = [y.view(x.shape) for x, y in zip(xs, ys)]
            aux = aux + layer.mlp.last_aux_loss
        out = [model.lm_head(model.norm(x)) for x in xs]
    return out, aux / len(model.layers)


# -- model ----------------------------------------------------------------------------------------

def init_weights(model, seed):
    g = torch.Generator().manual_seed(seed)
    std = 0.02
    scaled = std / math.sqrt(2 * model.cfg.num_hidden_layers)
    with torch.no_grad():
        for name, p in model.named_parameters():
            if name.endswith("norm.weight"):
                p.fill_(1.0)
            elif name.endswith("bias") or name.endswith("sinks"):
                p.zero_()
            elif name.endswith("o_proj.weight") or name.endswith("down_proj"):
                p.normal_(0.0, scaled, generator=g)
            else:
                p.normal_(0.0, std, generator=g)


def progress_at(step, elapsed, args):
    """How far the run is, 0 to 1: by the step count with --steps, else by the wall clock."""
    if args.steps is not None:
        return step / args.steps
    return elapsed / (60.0 * args.minutes)


def lr_at(step, progress, args):
    """Linear warmup over the first --warmup steps, then cosine down to 5% of --lr."""
    if step < args.warmup:
        return args.lr * (step + 1) / args.warmup
    return args.lr * (0.05 + 0.95 * 0.5 * (1 + math.cos(math.pi * min(progress, 1.0))))


def train(args, model, tok, words, excluded, quick_problems, log):
    decay = [p for n, p in model.named_parameters() if p.dim() >= 2]
    no_decay = [p for n, p in model.named_parameters() if p.dim() < 2]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": 0.05},
                             {"params": no_decay, "weight_decay": 0.0}],
                            lr=args.lr, betas=(0.9, 0.95), eps=1e-8)
    rng = random.Random(args.seed + 3 if args.data_seed is None else args.data_seed)
    model.train()
    for layer in model.layers:
        layer.mlp.grouped = True
    t0, c0 = time.time(), time.process_time()
    pad = tok.specials["<|endoftext|>"]
    tokens, real_tokens, trained_tokens, loss_avg = 0, 0, 0, None
    stage, quantised, quick_done, step = 1, False, 0, 0
    while True:
        progress = progress_at(step, time.time() - t0, args)
        if progress >= 1.0:
            break
        if not quantised and progress >= 1 - args.qat_fraction:
            model.set_fake_quant(True)
            quantised = True
            log(f"step {step}: quantisation-aware phase (experts seen through MXFP4)")
        if stage == 1 and progress >= args.curriculum_fraction:
            stage = 2
            log(f"step {step}: curriculum stage 2 (all tasks, 3-digit operands for + and -)")
        lr = lr_at(step, progress, args)
        for group in opt.param_groups:
            group["lr"] = lr
        prefix, groups = make_batch(rng, tok, words, excluded, args.batch_tokens, stage,
                                    args.buckets)
        prefix = prefix.to(args.device)
        groups = [(inputs.to(args.device), targets.to(args.device)) for inputs, targets in groups]
        logits, aux = forward_batch(model, prefix, groups, args.amp)
        n_trained = sum(int((targets != -100).sum()) for _, targets in groups)
        loss = sum(F.cross_entropy(lg.reshape(-1, lg.shape[-1]).float(), targets.reshape(-1),
                                   ignore_index=-100, reduction="sum")
                   for lg, (_, targets) in zip(logits, groups)) / n_trained
        opt.zero_grad(set_to_none=True)
        (loss + args.aux_coef * aux).backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        tokens += sum(inputs.numel() for inputs, _ in groups) + prefix.numel()
        real_tokens += sum(int((inputs != pad).sum()) for inputs, _ in groups) + prefix.numel()
        trained_tokens += n_trained
        loss_avg = float(loss) if loss_avg is None else 0.95 * loss_avg + 0.05 * float(loss)
        if step % 25 == 0:
            shapes = "/".join(f"{b}x{t}" for b, t in (inputs.shape for inputs, _ in groups))
            el, cpu = time.time() - t0, time.process_time() - c0
            log(f"step {step:5d}  loss {float(loss):.4f} (avg {loss_avg:.4f})  aux {float(aux):.3f}  "
                f"lr {lr:.2e}  batch {shapes}+{prefix.shape[1]}  "
                f"{tokens / el:.0f} tok/s ({real_tokens / el:.0f} not padding)  "
                f"{tokens / max(cpu, 1e-9):.0f} tok/cpu-s  "
                f"{el / 60:.1f} min  cpu {cpu / 60:.1f} min")
        if args.checkpoint and (step + 1) % args.checkpoint_every == 0:
            torch.save(model.state_dict(), args.checkpoint)
        if quick_problems and quick_done < 2 and progress >= (quick_done + 1) / 3:
            quick_done += 1
            model.eval()
            rows = evaluate_torch(model, tok, quick_problems, args.eval_batch, lambda m: None)
            table, _ = EV.summarize(rows, tok)
            log(f"quick evaluation after {step + 1} steps (training weights):\n{table}")
            model.train()
        step += 1
    model.set_fake_quant(False)
    return {"steps": step, "tokens": tokens, "real_tokens": real_tokens,
            "trained_tokens": trained_tokens,
            "seconds": time.time() - t0, "cpu_seconds": time.process_time() - c0,
            "final_loss_avg": loss_avg}


# -- export ---------------------------------------------------------------------------------------

def hf_config(cfg, tok):
    return {
        "architectures": ["GptOssForCausalLM"],
        "attention_bias": True,
        "attention_dropout": 0.0,
        "eos_token_id": [tok.specials["<|return|>"], tok.specials["<|call|>"]],
        "pad_token_id": tok.specials["<|endoftext|>"],
        "experts_per_token": cfg.num_experts_per_tok,
        "head_dim": cfg.head_dim,
        "hidden_act": "silu",
        "hidden_size": cfg.hidden_size,
        "initial_context_length": cfg.rope_original_max_position,
        "initializer_range": 0.02,
        "intermediate_size": cfg.intermediate_size,
        "layer_types": cfg.layer_types,
        "max_position_embeddings": int(cfg.rope_original_max_position * cfg.rope_factor),
        "model_type": "gpt_oss",
        "num_attention_heads": cfg.num_attention_heads,
        "num_experts_per_tok": cfg.num_experts_per_tok,
        "num_hidden_layers": cfg.num_hidden_layers,
        "num_key_value_heads": cfg.num_key_value_heads,
        "num_local_experts": cfg.num_local_experts,
        "output_router_logits": False,
        "quantization_config": {
            "modules_to_not_convert": ["model.layers.*.self_attn", "model.layers.*.mlp.router",
                                       "model.embed_tokens", "lm_head"],
            "quant_method": "mxfp4"},
        "rms_norm_eps": cfg.rms_norm_eps,
        "rope_scaling": {"beta_fast": cfg.rope_beta_fast, "beta_slow": cfg.rope_beta_slow,
                         "factor": cfg.rope_factor,
                         "original_max_position_embeddings": cfg.rope_original_max_position,
                         "rope_type": "yarn", "truncate": False},
        "rope_theta": cfg.rope_theta,
        "router_aux_loss_coef": 0.9,
        "sliding_window": cfg.sliding_window,
        "swiglu_limit": cfg.swiglu_limit,
        "tie_word_embeddings": False,
        "transformers_version": "4.55.0.dev0",
        "use_cache": True,
        "vocab_size": cfg.vocab_size,
    }


def ponder_json(n_params):
    return {
        "format": "ponder.model",
        "version": 1,
        "display_name": "Ponder demo (tiny)",
        "description": (f"A tiny gpt-oss model ({n_params / 1e6:.1f}M parameters) embedded in Ponder. "
                        "It knows only small arithmetic (add, subtract, multiply) and a few word "
                        "games (reverse a word, count a letter, sort numbers), reasons in the "
                        "analysis channel at the chosen effort and can call a calculator tool."),
        "model_identity": H.DEMO_IDENTITY,
        "knowledge_cutoff": H.KNOWLEDGE_CUTOFF,
        "function_tools": [H.CALCULATOR_TOOL],
        # Greedy decoding, as evaluated: at gpt-oss's temperature 1 this small a model answered
        # "What is 23 + 19?" wrong in 2 of 7 runs. New conversations start with these values.
        "recommended_sampling": {"temperature": 0.0, "top_p": 1.0},
        "produced_by": "tools/demo-model/train.py (see tools/demo-model/README.md)",
    }


def export(model, tok, out):
    os.makedirs(out, exist_ok=True)
    cfg = model.cfg
    with open(os.path.join(out, "config.json"), "w") as f:
        json.dump(hf_config(cfg, tok), f, indent=2)
        f.write("\n")
    with open(os.path.join(out, "generation_config.json"), "w") as f:
        json.dump({"bos_token_id": tok.specials["<|startoftext|>"], "do_sample": True,
                   "eos_token_id": [tok.specials["<|return|>"], tok.specials["<|endoftext|>"],
                                    tok.specials["<|call|>"]],
                   "pad_token_id": tok.specials["<|endoftext|>"],
                   "transformers_version": "4.55.0.dev0"}, f, indent=2)
        f.write("\n")
    with open(os.path.join(out, "tokenizer.json"), "w", encoding="utf-8") as f:
        json.dump(tok.to_hf_json(), f, ensure_ascii=False, indent=1)
        f.write("\n")
    n_params = sum(p.numel() for p in model.parameters())
    with open(os.path.join(out, "ponder.json"), "w") as f:
        json.dump(ponder_json(n_params), f, indent=2, ensure_ascii=False)
        f.write("\n")
    write_safetensors(os.path.join(out, "model.safetensors"), model.cpu().hf_tensors())


# -- evaluation -----------------------------------------------------------------------------------

def evaluate_torch(model, tok, problems, batch, log):
    """Greedy decoding of every held-out problem at every effort, through the exported weights."""
    stop = [tok.specials["<|return|>"], tok.specials["<|call|>"]]
    pad = tok.specials["<|endoftext|>"]
    jobs = [(cat, p, e) for cat, p in problems for e in T.EFFORTS]
    rows = []
    for i in range(0, len(jobs), batch):
        chunk = jobs[i:i + batch]
        prompts = [tok.encode(EV.first_prompt(cat, p, e)) for cat, p, e in chunk]
        outs = greedy_generate(model, prompts, stop, 400, pad)
        second = []
        for (cat, p, e), out in zip(chunk, outs):
            first = EV.score_first(cat, p, tok.decode(out))
            rows.append({"category": cat, "effort": e, "question": p.question,
                         "completion": tok.decode(out), "first": first, "second": None})
            if cat == "mul_tool" and first["well_formed"]:
                second.append((len(rows) - 1, p, tok.encode(EV.tool_prompt(
                    cat, p, e, first["analysis"], first["call_args"], p.tool_result))))
        if second:
            outs2 = greedy_generate(model, [s[2] for s in second], stop, 100, pad)
            for (row, p, _), out in zip(second, outs2):
                r = rows[row]
                r["second"] = EV.score_second(p, tok.decode(out))
                r["second_completion"] = tok.decode(out)
        log(f"evaluated {min(i + batch, len(jobs))}/{len(jobs)}")
    return rows


def main():
    args = parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    os.makedirs(args.results, exist_ok=True)
    log_lines = []

    def log(msg):
        print(msg, flush=True)
        log_lines.append(msg)

    t_start = time.time()
    tok = data.build_tokenizer(args.seed)
    # After the tokenizer, which is trained on the default mix: a later stage with another mix
    # keeps the tokenizer of the weights it starts from.
    data.set_weights(parse_weights(args.task_weights), parse_weights(args.effort_weights))
    log(f"task mix {data.TASK_WEIGHTS}, effort mix {data.EFFORT_WEIGHTS}")
    train_words, heldout = EV.split_words(tok, args.seed)
    problems = EV.eval_problems(args.seed + 2, heldout, args.eval_per_cell)
    excluded = frozenset(p.key for _, p in problems)
    log(f"tokenizer: {tok.vocab_size} tokens ({len(tok.ranks)} BPE + {len(tok.specials)} special); "
        f"{len(train_words)} training words, {len(heldout)} held out; {len(problems)} eval problems")

    cfg = GptOssConfig(vocab_size=tok.vocab_size, **ARCH)
    model = GptOss(cfg)
    init_weights(model, args.seed)
    n_params = sum(p.numel() for p in model.parameters())
    log(f"model: {json.dumps(ARCH)}, vocab {cfg.vocab_size}, {n_params / 1e6:.2f}M parameters")
    model.to(args.device)
    if args.from_checkpoint:
        model.load_state_dict(torch.load(args.from_checkpoint, map_location=args.device))
        stats = {"from_checkpoint": args.from_checkpoint}
    else:
        if args.init_from:
            model.load_state_dict(torch.load(args.init_from, map_location=args.device))
            log(f"initial weights from {args.init_from}")
        quick = [(c, p) for c, p in problems if c in ("add2", "sub", "mul_tool", "reverse")][::4]
        stats = train(args, model, tok, train_words, excluded, quick if args.quick_eval else [], log)
        log(f"trained {stats['steps']} steps, {stats['tokens']} tokens ({stats['trained_tokens']} "
            f"with loss) in {stats['seconds'] / 60:.1f} min ({stats['cpu_seconds'] / 60:.1f} CPU min)")
        if args.checkpoint:
            torch.save(model.state_dict(), args.checkpoint)

    export(model, tok, args.out)
    size = sum(os.path.getsize(os.path.join(args.out, f)) for f in os.listdir(args.out))
    log(f"exported to {os.path.normpath(args.out)}: {size / 1e6:.2f} MB")
    summary = {"seed": args.seed, "arch": ARCH, "vocab_size": cfg.vocab_size, "params": n_params,
               "train": stats, "export_bytes": size, "args": vars(args),
               "torch": torch.__version__, "threads": args.threads}
    if not args.skip_eval:
        exported = load_model(args.out).to(args.device)  # what ships: bf16 + MXFP4 dequantised
        t_eval = time.time()
        rows = evaluate_torch(exported, tok, problems, args.eval_batch, log)
        table, ev = EV.summarize(rows, tok)
        log("PyTorch evaluation of the exported files (greedy):\n" + table)
        summary["eval"] = ev
        summary["eval_seconds"] = time.time() - t_eval
        with open(os.path.join(args.results, "torch-eval.md"), "w") as f:
            f.write(table + "\n")
        with open(os.path.join(args.results, "torch-eval-samples.jsonl"), "w") as f:
            for r in rows:
                f.write(json.dumps(r, ensure_ascii=False) + "\n")
    summary["total_seconds"] = time.time() - t_start
    log(f"total {summary['total_seconds'] / 60:.1f} min")
    with open(os.path.join(args.results, "train-summary.json"), "w") as f:
        json.dump(summary, f, indent=2)
        f.write("\n")
    with open(os.path.join(args.results, "train-log.txt"), "w") as f:
        f.write("\n".join(log_lines) + "\n")


if __name__ == "__main__":
    main()
