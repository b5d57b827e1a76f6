"""Held-out problems, output parsing and scoring, shared by the PyTorch and the ponder-cli evaluation.

Categories: `add2` (2-digit + 2-digit, the headline number), `add`, `sub`, `mul` (by hand),
`mul_tool` (calculator declared: the call, then the final answer from the tool's result),
`reverse` and `count` (on words never seen in training), `sort`. Every category is asked at every
reasoning effort with the prompt the app sends: the demo identity, a current date, no
instructions, the calculator only in `mul_tool`.
"""
import json
import random
import re

import harmony as H
import tasks as T
from data import ConversationOptions, prompt_prefix, spelled_words

CATEGORIES = ("add2", "add", "sub", "mul", "mul_tool", "reverse", "count", "sort")
EVAL_DATE = "2026-01-15"
HELDOUT_WORDS = 30


def split_words(tokenizer, seed):
    """(training words, held-out words) for a seed: of the game words the tokenizer spells one
    letter per token, HELDOUT_WORDS are kept out of training for the word-game evaluation."""
    spelled = spelled_words(tokenizer, T.WORDS)
    heldout = sorted(random.Random(seed + 1).sample(spelled, HELDOUT_WORDS))
    return [w for w in spelled if w not in heldout], heldout


def eval_problems(seed, heldout_words, per_cell):
    """[(category, problem)] with per_cell problems per category (asked at every effort)."""
    rng = random.Random(seed)
    out = []
    for cat in CATEGORIES:
        seen = set()
        want = min(per_cell, len(heldout_words)) if cat == "reverse" else per_cell
        while len(seen) < want:
            if cat == "add2":
                p = T.make_add(rng.randint(10, 99), rng.randint(10, 99), rng)
            elif cat == "mul_tool":
                p = T.make_mul(rng.randint(10, 999), rng.randint(10, 999), rng, True)
            elif cat == "mul":
                p = T.sample_problem(rng, "mul", False, heldout_words)
            else:
                p = T.sample_problem(rng, cat, False, heldout_words)
            if p.key not in seen and p.key != ("add", 23, 19):  # the smoke test is trained on
                seen.add(p.key)
                out.append((cat, p))
    return out


def eval_options(category, effort):
    return ConversationOptions(effort=effort, identity=H.DEMO_IDENTITY, date=EVAL_DATE,
                               instructions=None,
                               tool=H.CALCULATOR_TOOL if category == "mul_tool" else None,
                               history=[])


def first_prompt(category, problem, effort):
    return prompt_prefix(eval_options(category, effort)) + H.user(problem.question) + \
        H.GENERATION_PROMPT


def tool_prompt(category, problem, effort, analysis, args, result):
    """The continuation prompt after a calculator call, as the app renders it."""
    return (prompt_prefix(eval_options(category, effort)) + H.user(problem.question)
            + H.assistant_analysis_history(analysis) + H.tool_call_history("calculator", args)
            + H.tool_result("calculator", '{"result": %d}' % result) + H.GENERATION_PROMPT)


_SPECIAL = re.compile(r"(<\|[a-z_]+\|>)")


def parse_completion(text):
    """Splits a completion (text after `<|start|>assistant`, specials included) into messages.

    Returns (messages, terminator) where messages = [(header, content)], or None when the text
    is not well-formed harmony: each message is `<|channel|>CH[ header]<|message|>CONTENT` closed
    by <|end|> (then `<|start|>assistant` for the next one), the last by <|return|> or <|call|>."""
    parts = [p for p in _SPECIAL.split(text) if p]
    messages, i, first = [], 0, True
    while True:
        if not first:
            if parts[i:i + 2] != ["<|start|>", "assistant"]:
                return None
            i += 2
        first = False
        if i >= len(parts) or parts[i] != "<|channel|>":
            return None
        header = []
        i += 1
        while i < len(parts) and parts[i] != "<|message|>":
            if parts[i] in ("<|start|>", "<|end|>", "<|return|>", "<|call|>", "<|channel|>"):
                return None
            header.append(parts[i])
            i += 1
        if i >= len(parts):
            return None
        i += 1
        content = ""
        if i < len(parts) and not _SPECIAL.fullmatch(parts[i]):
            content = parts[i]
            i += 1
        if i >= len(parts):
            return None
        messages.append(("".join(header), content))
        term = parts[i]
        i += 1
        if term in ("<|return|>", "<|call|>"):
            return (messages, term) if i == len(parts) else None
        if term != "<|end|>":
            return None


def check_final(problem, final):
    """Is the final answer right? Arithmetic: the last integer; words: the expected phrase."""
    if problem.task in ("add", "sub", "mul", "mul_tool"):
        nums = re.findall(r"-?\d+", final)
        return bool(nums) and nums[-1] == problem.answer
    if problem.task == "reverse":
        return final.rstrip().endswith(problem.answer + ".") or final.strip() == problem.answer
    if problem.task == "count":
        m = re.search(r"appears (\d+) time", final)
        return bool(m) and m.group(1) == problem.answer
    if problem.task == "sort":
        return final.strip().rstrip(".") == problem.answer
    return problem.answer in final


def expected_shape(category):
    return "tool_call" if category == "mul_tool" else "answer"


def score_first(category, problem, text):
    """Scores the first completion. Returns dict(well_formed, analysis, final, call_args, ok)."""
    parsed = parse_completion(text)
    out = {"well_formed": False, "analysis": None, "final": None, "call_args": None, "ok": False}
    if parsed is None:
        return out
    messages, term = parsed
    analysis = [c for h, c in messages if h == "analysis"]
    out["analysis"] = analysis[0] if analysis else None
    if expected_shape(category) == "answer":
        shape_ok = (term == "<|return|>" and len(messages) == 2 and messages[0][0] == "analysis"
                    and messages[1][0] == "final")
        out["well_formed"] = shape_ok
        out["final"] = messages[-1][1] if messages[-1][0] == "final" else None
        out["ok"] = shape_ok and check_final(problem, out["final"])
        return out
    call_header = "commentary to=functions.calculator <|constrain|>json"
    shape_ok = (term == "<|call|>" and len(messages) == 2 and messages[0][0] == "analysis"
                and messages[1][0] == call_header)
    out["well_formed"] = shape_ok
    if shape_ok:
        out["call_args"] = messages[1][1]
        out["ok"] = call_is_right(problem, messages[1][1])
    return out


def call_is_right(problem, args):
    try:
        expr = json.loads(args)["expression"]
    except (ValueError, KeyError, TypeError):
        return False
    m = re.fullmatch(r"\s*(\d+)\s*\*\s*(\d+)\s*", expr)
    return bool(m) and int(m.group(1)) * int(m.group(2)) == problem.tool_result


def score_second(problem, text):
    """Scores the completion after the tool result: one final message with the product."""
    parsed = parse_completion(text)
    if parsed is None:
        return {"well_formed": False, "ok": False}
    messages, term = parsed
    ok_shape = term == "<|return|>" and messages[-1][0] == "final" and all(
        h in ("analysis", "final") for h, _ in messages)
    return {"well_formed": ok_shape, "ok": ok_shape and check_final(problem, messages[-1][1])}


def summarize(rows, tokenizer):
    """rows: dicts with category, effort, first (score), second (score or None).
    Returns (markdown table, summary dict)."""
    cells = {}
    for r in rows:
        cells.setdefault((r["category"], r["effort"]), []).append(r)
    lines = ["| task | " + " | ".join(f"{e} acc" for e in T.EFFORTS) + " | "
             + " | ".join(f"{e} analysis tokens" for e in T.EFFORTS) + " |",
             "|---|" + "---:|" * 6]
    summary = {"cells": {}, "well_formed": 0.0, "analysis_tokens": {}}
    wf_total = wf_ok = 0
    for cat in CATEGORIES:
        accs, lens = [], []
        for e in T.EFFORTS:
            rs = cells.get((cat, e), [])
            ok = sum(1 for r in rs if r["first"]["ok"] and (r["second"] is None or r["second"]["ok"]))
            la = [len(tokenizer.encode_ordinary(r["first"]["analysis"])) for r in rs
                  if r["first"]["analysis"] is not None]
            acc = 100.0 * ok / max(1, len(rs))
            mean_len = sum(la) / max(1, len(la))
            accs.append(f"{acc:.0f}%")
            lens.append(f"{mean_len:.0f}")
            summary["cells"][f"{cat}/{e}"] = {"accuracy": acc, "n": len(rs),
                                              "analysis_tokens": mean_len}
        lines.append(f"| {cat} | " + " | ".join(accs) + " | " + " | ".join(lens) + " |")
    for e in T.EFFORTS:
        la = [len(tokenizer.encode_ordinary(r["first"]["analysis"])) for r in rows
              if r["effort"] == e and r["first"]["analysis"] is not None]
        summary["analysis_tokens"][e] = sum(la) / max(1, len(la))
    for r in rows:
        for s in (r["first"], r["second"]):
            if s is not None:
                wf_total += 1
                wf_ok += s["well_formed"]
    summary["well_formed"] = 100.0 * wf_ok / max(1, wf_total)
    lines.append("")
    lines.append("Mean analysis length (tokens): " + ", ".join(
        f"{e} {summary['analysis_tokens'][e]:.1f}" for e in T.EFFORTS)
        + f". Well-formed harmony outputs: {wf_ok}/{wf_total} ({summary['well_formed']:.1f}%).")
    return "\n".join(lines), summary
