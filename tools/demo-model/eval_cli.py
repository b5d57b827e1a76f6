#!/usr/bin/python3
"""Evaluates the exported demo model through Ponder itself: the C++ engine, tokenizer, harmony
renderer and stream parser, the chat core and the real calculator tool.

    /usr/bin/python3 tools/demo-model/eval_cli.py --cli build/app/cli/ponder-cli \
        --model resources/demo-model --out tools/demo-model/results/cli-eval.md

Every held-out problem (evaluation.py, the same set train.py holds out) is asked once per
reasoning effort with `ponder-cli chat --new --prompt QUESTION --effort E --temperature 0`,
exactly as a user would, into a scratch history database. The turn is then read back from the
SQLite file and scored:
  - arithmetic and word tasks: the answer must be one `analysis` message then one `final`
    message, both complete (the C++ stream parser stores malformed output as an error
    message), and the final answer must be right;
  - `mul_tool` (calculator declared): analysis, then a call to `functions.calculator` whose
    stored arguments compute the right product, the tool's result from Ponder's calculator, then
    a final answer carrying the product.
"""
import argparse
import concurrent.futures
import json
import os
import re
import sqlite3
import subprocess
import sys
import tempfile
import time
from types import SimpleNamespace

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import evaluation as EV  # noqa: E402
import tasks as T  # noqa: E402
from bpe import Tokenizer  # noqa: E402

def parse_args():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--cli", required=True, help="the ponder-cli binary")
    ap.add_argument("--model", required=True, help="the exported model folder")
    ap.add_argument("--seed", type=int, default=1234, help="train.py's --seed")
    ap.add_argument("--per-cell", type=int, default=40, help="problems per task (x3 efforts)")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--out", default=None, help="write the markdown table here")
    ap.add_argument("--samples", default=None, help="write every scored turn here (jsonl)")
    return ap.parse_args()


def heldout_problems(tok, seed, per_cell):
    """The held-out set of train.py: the same words and problems for the same seed."""
    _, heldout = EV.split_words(tok, seed)
    problems = EV.eval_problems(seed + 2, heldout, 40)
    # eval_problems draws per category in order; taking the first per_cell of each category
    # keeps a smaller run a subset of the full one.
    taken, out = {}, []
    for cat, p in problems:
        if taken.get(cat, 0) < per_cell:
            taken[cat] = taken.get(cat, 0) + 1
            out.append((cat, p))
    return out


def read_turn(db_path, conversation_id):
    """The turn's messages after the user's, and the tool calls, from the history file."""
    with sqlite3.connect(f"file:{db_path}?mode=ro", uri=True) as db:
        rows = db.execute(
            "SELECT m.id, m.role, m.channel, m.recipient, m.text, m.state FROM messages m "
            "JOIN conversations c ON c.id = m.conversation_id WHERE c.uuid = ? ORDER BY m.id",
            (conversation_id,)).fetchall()
        calls = db.execute(
            "SELECT t.message_id, t.arguments, t.result, t.error FROM tool_calls t "
            "JOIN messages m ON m.id = t.message_id JOIN conversations c "
            "ON c.id = m.conversation_id WHERE c.uuid = ? ORDER BY t.id",
            (conversation_id,)).fetchall()
    msgs = [SimpleNamespace(id=r[0], role=r[1], channel=r[2] or "", recipient=r[3] or "",
                            text=r[4], state=r[5]) for r in rows]
    while msgs and msgs[0].role != "user":
        msgs.pop(0)
    return msgs[1:], calls


def is_msg(m, channel, recipient=""):
    return m.role == "assistant" and m.channel == channel and m.recipient == recipient and \
        m.state == "complete"


def score(cat, problem, msgs, calls):
    """(first, second) in evaluation.py's shape: the answer, and for mul_tool the continuation."""
    first = {"well_formed": False, "analysis": None, "final": None, "call_args": None, "ok": False}
    analysis = [m.text for m in msgs if m.role == "assistant" and m.channel == "analysis"]
    first["analysis"] = analysis[0] if analysis else None
    if EV.expected_shape(cat) == "answer":
        shape = len(msgs) == 2 and is_msg(msgs[0], "analysis") and is_msg(msgs[1], "final")
        first["well_formed"] = shape
        first["final"] = msgs[-1].text if msgs and msgs[-1].channel == "final" else None
        first["ok"] = shape and EV.check_final(problem, first["final"])
        return first, None
    shape = len(msgs) >= 2 and is_msg(msgs[0], "analysis") and \
        is_msg(msgs[1], "commentary", "functions.calculator") and len(calls) == 1 and \
        calls[0][0] == msgs[1].id
    first["well_formed"] = shape
    if not shape:
        return first, None
    first["call_args"] = calls[0][1]
    first["ok"] = EV.call_is_right(problem, calls[0][1]) and not calls[0][3]
    rest = msgs[2:]
    second_shape = (len(rest) >= 2 and rest[0].role == "tool" and is_msg(rest[-1], "final")
                    and all(is_msg(m, "analysis") for m in rest[1:-1]))
    return first, {"well_formed": second_shape,
                   "ok": second_shape and EV.check_final(problem, rest[-1].text)}


def ask(cli, model, db_path, cat, problem, effort):
    cmd = [cli, "chat", "--model", model, "--db", db_path, "--new", "--prompt", problem.question,
           "--effort", effort, "--temperature", "0", "--max-tokens", "400", "--hide-reasoning",
           "--tools", "calculator" if cat == "mul_tool" else "none", "--approve", "always",
           "--threads", "1"]
    t0 = time.time()
    run = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    seconds = time.time() - t0
    found = re.search(r"conversation ([0-9a-f-]{36})", run.stderr)
    if not found:
        raise RuntimeError(f"ponder-cli chat failed ({run.returncode}): {run.stderr.strip()}")
    msgs, calls = read_turn(db_path, found.group(1))
    first, second = score(cat, problem, msgs, calls)
    return {"category": cat, "effort": effort, "question": problem.question,
            "messages": [[m.role, m.channel, m.recipient, m.state, m.text] for m in msgs],
            "first": first, "second": second, "seconds": seconds}


def main():
    args = parse_args()
    tok = Tokenizer.from_hf_json(os.path.join(args.model, "tokenizer.json"))
    problems = heldout_problems(tok, args.seed, args.per_cell)
    jobs = [(cat, p, e) for cat, p in problems for e in T.EFFORTS]
    scratch = tempfile.mkdtemp(prefix="ponder-eval-")
    rows, t0 = [], time.time()
    with concurrent.futures.ThreadPoolExecutor(args.jobs) as pool:
        futures = [pool.submit(ask, args.cli, args.model,
                               os.path.join(scratch, f"history-{i % args.jobs}.db"), cat, p, e)
                   for i, (cat, p, e) in enumerate(jobs)]
        for n, f in enumerate(concurrent.futures.as_completed(futures), 1):
            rows.append(f.result())
            if n % 50 == 0 or n == len(jobs):
                print(f"evaluated {n}/{len(jobs)} ({time.time() - t0:.0f} s)", flush=True)
    table, summary = EV.summarize(rows, tok)
    per_run = sum(r["seconds"] for r in rows) / len(rows)
    header = (f"ponder-cli chat, greedy, {len(problems)} held-out problems x 3 efforts "
              f"({len(rows)} turns), {per_run:.2f} s per turn (process start included)\n\n")
    print(header + table)
    if args.out:
        with open(args.out, "w") as f:
            f.write(header + table + "\n")
    if args.samples:
        with open(args.samples, "w") as f:
            for r in sorted(rows, key=lambda r: (r["category"], r["question"], r["effort"])):
                f.write(json.dumps(r, ensure_ascii=False) + "\n")
    json.dump(summary, sys.stderr)
    sys.stderr.write("\n")


if __name__ == "__main__":
    main()
