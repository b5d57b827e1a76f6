"""Training conversations: random harmony prompts around the tasks, and the demo tokenizer.

A conversation is a list of (text, trained) segments whose concatenation is the rendered token
stream; `trained` marks what the model writes (the loss is computed on those tokens only).
Segment boundaries always fall on special tokens, so encoding segments one by one gives the same
ids as encoding the whole text.
"""
import random
from dataclasses import dataclass

import harmony as H
import tasks as T
from bpe import SPECIAL_TOKENS, Tokenizer, pretokenize, split_specials, train_merges

# Words the format itself writes without a leading space (headers, tool declaration, JSON keys):
# each becomes one token through a merge chain (see bpe.py), instead of one token per letter.
PROTOCOL_WORDS = ["system", "developer", "user", "assistant", "analysis", "commentary", "final",
                  "functions", "calculator", "json", "expression", "result", "namespace", "type"]

INSTRUCTIONS = ["Answer briefly.", "Be concise.", "Show your work.", "You are a helpful assistant.",
                "Answer the user's questions like a robot.", "Be friendly.",
                "Keep answers short and exact.", "Reply in English."]
TOOL_VARIANTS = [  # the app declares H.CALCULATOR_TOOL; the variants make the model robust to edits
    H.CALCULATOR_TOOL,
    {"name": "calculator", "description": "Evaluate an arithmetic expression.",
     "parameters": {"type": "object", "properties": {"expression": {"type": "string"}},
                    "required": ["expression"]}},
    {"name": "calculator", "description": "A calculator. Returns the value of a math expression.",
     "parameters": {"type": "object",
                    "properties": {"expression": {"type": "string",
                                                  "description": "Math expression to evaluate"}},
                    "required": ["expression"]}},
]
# Arithmetic dominates: it is what the demo is asked first and what takes longest to learn.
TASK_WEIGHTS = {"add": 0.28, "sub": 0.16, "mul": 0.16, "reverse": 0.10, "count": 0.10, "sort": 0.12,
                "other": 0.04}


def _with_tool(weights):
    """The mix when the calculator is declared: mostly multiplications, the tool's task."""
    return dict(weights, mul=0.6)


TOOL_TASK_WEIGHTS = _with_tool(TASK_WEIGHTS)
EFFORT_WEIGHTS = {"low": 0.25, "medium": 0.30, "high": 0.45}


def _override(weights, changes, what):
    unknown = set(changes) - set(weights)
    if unknown:
        raise ValueError(f"unknown {what} {sorted(unknown)}; known: {sorted(weights)}")
    weights.update(changes)


def set_weights(task=None, effort=None):
    """Overrides (part of) the task and effort mix of the training stream. Call it after
    build_tokenizer, whose conversations come from the default mix: the tokenizer must not change
    between the stages of one model."""
    global TOOL_TASK_WEIGHTS
    if task:
        _override(TASK_WEIGHTS, task, "tasks")
        TOOL_TASK_WEIGHTS = _with_tool(TASK_WEIGHTS)
    if effort:
        _override(EFFORT_WEIGHTS, effort, "efforts")


# Curriculum stage 1: mostly short sums and differences, where the model first learns to find
# and combine digits; the other tasks stay present so their formats are learned early.
STAGE1_TASK_WEIGHTS = {"add": 0.45, "sub": 0.25, "mul": 0.12, "reverse": 0.05, "count": 0.05,
                       "sort": 0.05, "other": 0.03}
# The end-to-end tests ask exactly this; it is part of the training data so the smoke test is
# deterministic (the evaluation uses held-out problems only and excludes it).
SMOKE_QUESTION = ("What is 23 + 19?", 23, 19)
SMOKE_SHARE = 0.01


@dataclass
class ConversationOptions:
    effort: str
    identity: str
    date: str
    instructions: str
    tool: dict          # None when no calculator is declared
    history: list       # previous (question, final answer) turns


def random_date(rng):
    return f"{rng.randint(2024, 2028)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"


# Share of conversations that declare the calculator: half, since copying two 3-digit numbers
# into a call is learned later than the column sums and only these conversations teach it.
TOOL_SHARE = 0.5


def random_options(rng, effort=None):
    tool = None
    if rng.random() < TOOL_SHARE:
        tool = H.CALCULATOR_TOOL if rng.random() < 0.7 else rng.choice(TOOL_VARIANTS)
    return ConversationOptions(
        effort=effort or rng.choices(list(EFFORT_WEIGHTS), weights=list(EFFORT_WEIGHTS.values()))[0],
        identity=H.DEMO_IDENTITY if rng.random() < 0.8 else H.CHATGPT_IDENTITY,
        date=random_date(rng) if rng.random() < 0.9 else None,
        instructions=rng.choice(INSTRUCTIONS) if rng.random() < 0.3 else None,
        tool=tool, history=[])


def prefix_text(opt):
    """System and developer messages: what every conversation of one setting starts with."""
    text = H.system_message(opt.identity, opt.effort, opt.date, has_functions=opt.tool is not None)
    return text + H.developer_message(opt.instructions, [opt.tool] if opt.tool else [])


def history_text(history):
    return "".join(H.user(q) + H.assistant_final_history(f) for q, f in history)


def prompt_prefix(opt):
    return prefix_text(opt) + history_text(opt.history)


def tool_output(rng, value):
    r = rng.random()
    return '{"result": %d}' % value if r < 0.6 else str(value) if r < 0.85 else '{"result":%d}' % value


def row_segments(problem, opt, rng):
    """[(text, trained)] after the prefix: history, question, completion(s), tool result."""
    question = history_text(opt.history) + H.user(problem.question) + H.GENERATION_PROMPT
    analysis = problem.analysis[opt.effort]
    if not problem.tool_args:
        return [(question, False), (H.completion_answer(analysis, problem.final), True)]
    result = H.tool_result("calculator", tool_output(rng, problem.tool_result),
                           with_header=rng.random() < 0.85)
    if rng.random() < 0.5:  # the whole round trip, the call as the model writes it
        return [(question, False),
                (H.completion_tool_call(analysis, "calculator", problem.tool_args), True),
                (result + H.GENERATION_PROMPT, False),
                (H.completion_final_only(problem.final), True)]
    # the continuation prompt as the app re-renders it (recipient before channel, analysis kept)
    history = (H.assistant_analysis_history(analysis)
               + H.tool_call_history("calculator", problem.tool_args))
    prompt = question[:-len(H.GENERATION_PROMPT)] + history + result + H.GENERATION_PROMPT
    return [(prompt, False), (H.completion_final_only(problem.final), True)]


def sample_task(rng, with_tool, stage=2):
    weights = TOOL_TASK_WEIGHTS if with_tool else STAGE1_TASK_WEIGHTS if stage == 1 else TASK_WEIGHTS
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def sample_row(rng, opt, words, excluded=frozenset(), stage=2):
    """One question (with a random earlier history) in the setting `opt`: (segments, problem).
    Problems whose key is in `excluded` (the held-out set) are redrawn. Stage 1 of the
    curriculum favours + and - and keeps their operands to 2 digits."""
    max_digits = 2 if stage == 1 else 3
    history = []
    r = rng.random()
    for _ in range(2 if r < 0.03 else 1 if r < 0.15 else 0):
        prev = T.sample_problem(rng, sample_task(rng, False, stage), False, words, max_digits)
        history.append((prev.question, prev.final))
    row_opt = ConversationOptions(opt.effort, opt.identity, opt.date, opt.instructions, opt.tool,
                                  history)
    if rng.random() < SMOKE_SHARE:
        problem = T.make_add(SMOKE_QUESTION[1], SMOKE_QUESTION[2], rng)
        problem.question = SMOKE_QUESTION[0]
        return row_segments(problem, row_opt, rng), problem
    while True:
        problem = T.sample_problem(rng, sample_task(rng, opt.tool is not None, stage),
                                   opt.tool is not None, words, max_digits)
        if problem.key not in excluded:
            return row_segments(problem, row_opt, rng), problem


def sample_conversation(rng, words, excluded=frozenset()):
    """One whole random conversation: (segments, problem)."""
    opt = random_options(rng)
    segments, problem = sample_row(rng, opt, words, excluded)
    return [(prefix_text(opt), False)] + segments, problem


def encode_segments(tokenizer, segments):
    ids, mask = [], []
    for text, trained in segments:
        part = tokenizer.encode(text)
        ids += part
        mask += [trained] * len(part)
    return ids, mask


# -- tokenizer ------------------------------------------------------------------------------------

def protocol_seeds(words):
    """For each protocol word, the bigram that the fewest word-game words (or their reversals)
    contain: the merge chain grows from there, so it almost never fires inside a game word."""
    seeds = []
    for pw in PROTOCOL_WORDS:
        best = min(range(len(pw) - 1),
                   key=lambda i: (sum(pw[i:i + 2] in w or pw[i:i + 2] in w[::-1] for w in words), i))
        seeds.append((pw, best))
    return seeds


def build_tokenizer(seed, n_conversations=6000, n_merges=700):
    """Trains the demo BPE on rendered training conversations and appends the special tokens."""
    rng = random.Random(seed)
    counts = {}
    for _ in range(n_conversations):
        segments, _ = sample_conversation(rng, T.WORDS)
        text = "".join(t for t, _ in segments)
        for chunk in split_specials(text):
            for piece in pretokenize(chunk):
                counts[piece] = counts.get(piece, 0) + 1
    ranks = train_merges(counts, n_merges, protocol_seeds(T.WORDS), min_count=20)
    specials = {name: len(ranks) + i for i, name in enumerate(SPECIAL_TOKENS)}
    return Tokenizer(ranks, specials)


def spelled_words(tokenizer, words):
    """The game words the tokenizer spells one letter per token, forwards and backwards."""
    return [w for w in words
            if len(tokenizer.encode_ordinary(w)) == len(w)
            and len(tokenizer.encode_ordinary(w[::-1])) == len(w)]
