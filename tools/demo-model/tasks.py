"""Synthetic tasks for the demo model: arithmetic and word games with effort-dependent reasoning.

Each problem knows its user question, its analysis text for every effort level and its final
answer. The analysis is the work a tiny model needs to get the answer right: at `low` one terse
line, at `medium` one short clause per digit column / letter, at `high` every carry, borrow and
comparison spelled out. With the calculator declared, multiplications of two numbers >= 10 go
through a tool call instead.
"""
import random
from dataclasses import dataclass, field

EFFORTS = ("low", "medium", "high")
PLACES = ["ones", "tens", "hundreds", "thousands", "ten thousands", "hundred thousands"]

# Word-game vocabulary (lower-case, 3-8 letters). Words are always quoted, and the tokenizer never
# merges lower-case letters without a leading space, so the model sees one letter per token.
WORDS = """
apple table chair water house mouse horse plant river stone cloud light night sound bread
green black white brown sugar lemon melon grape peach mango onion pepper carrot potato tomato
garden window pencil paper letter number animal rabbit turtle monkey tiger zebra camel eagle
robin parrot spider beetle butter cheese coffee cookie muffin pizza salad soup honey jelly
candy planet rocket orbit comet galaxy moon star earth ocean beach island forest desert valley
hill mountain meadow field flower tree leaf branch root seed grass shadow sunset summer winter
spring autumn morning evening button pocket jacket shirt glove scarf boot sock shoe hat dress
ribbon mirror candle lamp clock watch phone radio piano violin guitar drum flute trumpet music
dance story poem song book page word line circle square triangle shape color yellow purple
orange silver golden bright quick slow happy sunny windy rainy stormy frozen warm cold fresh
sweet sour bitter salty crisp smooth rough soft hard heavy empty full open closed little
giant tiny small large short long narrow wide deep shallow high low near far left right kitten
puppy piglet lamb duckling goose swan whale shark dolphin octopus lobster crab shrimp oyster
pebble marble crystal diamond pearl ruby emerald copper iron metal wood glass plastic cotton
wool silk linen velvet blanket pillow bottle cup plate bowl spoon fork knife kettle oven stove
fridge sink bucket basket ladder hammer nail screw drill saw brush broom mop towel soap sponge
wallet coin ticket map globe compass bridge tunnel tower castle palace temple church school
market bakery library museum theater cinema hotel station airport harbor village city town
street road path trail fence gate door wall roof floor stair attic cellar garage barn stable
farmer baker doctor nurse pilot sailor singer painter writer teacher student friend family
mother father sister brother uncle aunt cousin baby child people king queen prince knight
dragon giant wizard witch ghost robot alien hero pirate ninja cowboy clown juggler magic riddle
puzzle secret treasure journey voyage quest gift party picnic holiday birthday wedding
""".split()
WORDS = list(dict.fromkeys(WORDS))

TASKS = ("add", "sub", "mul", "reverse", "count", "sort")

OTHER_QUESTIONS = [
    "Hello!", "Hi", "Hi there, who are you?", "What can you do?", "Tell me a joke.",
    "What is the capital of France?", "Write a poem about the sea.", "How are you today?",
    "Explain quantum physics.", "What's the weather like?", "Who won the World Cup?",
    "Can you help me with my code?", "Translate 'hello' into Spanish.", "What is love?",
    "Recommend a good book.", "Good morning!", "Thanks!", "Summarize this article for me.",
    "What time is it?", "Are you ChatGPT?", "What is the meaning of life?",
    "Write an email to my boss.", "How do I bake bread?", "Tell me about yourself.",
]
OTHER_FINAL = ("I am Ponder's tiny demo model. I can only add, subtract and multiply small numbers, "
               "reverse a word, count a letter in a word and sort a few numbers. "
               "Try asking: What is 23 + 19?")


@dataclass
class Problem:
    task: str
    key: tuple                      # identity of the problem, for held-out exclusion
    question: str
    answer: str                     # what the final answer must contain (checked by evaluation)
    analysis: dict = field(default_factory=dict)   # effort -> analysis text
    final: str = ""
    tool_args: str = ""             # set when this problem goes through the calculator
    tool_result: int = 0


def digits(n):
    """Least significant first."""
    return [int(c) for c in reversed(str(n))]


def spaced(seq):
    return " ".join(str(x) for x in seq)


# -- arithmetic -----------------------------------------------------------------------------------

def addition_columns(a, b, verbose):
    da, db = digits(a), digits(b)
    parts, carry, written = [], 0, []
    for i in range(max(len(da), len(db))):
        x = da[i] if i < len(da) else 0
        y = db[i] if i < len(db) else 0
        t = x + y + carry
        name = PLACES[i].capitalize()
        if verbose:
            s = f"{name}: {x} + {y}" + (" + carry 1" if carry else "") + f" = {t}. "
            s += f"Write {t % 10}, carry 1." if t >= 10 else f"Write {t}, no carry."
        else:
            s = f"{name}: {x} + {y}" + (" + 1" if carry else "") + f" = {t}"
            s += f", write {t % 10} carry 1." if t >= 10 else "."
        parts.append(s)
        written.append(t % 10)
        carry = t // 10
    if carry:
        name = PLACES[len(written)]
        parts.append(f"{name.capitalize()}: only the carry 1 is left. Write 1." if verbose
                     else f"Carry 1 is the {name}.")
        written.append(1)
    return parts, list(reversed(written))


def subtraction_columns(a, b, verbose):
    """a >= b. Returns (sentences, written digits most significant first)."""
    da, db = digits(a), digits(b)
    parts, borrow, written = [], 0, []
    for i in range(len(da)):
        x = da[i]
        y = db[i] if i < len(db) else 0
        xb = x - borrow
        name = PLACES[i].capitalize()
        if xb >= y:
            r, borrow_out = xb - y, 0
        else:
            r, borrow_out = xb + 10 - y, 1
        if verbose:
            s = f"{name}: {x}" + (" - borrow 1" if borrow else "") + f" - {y}"
            s += (f" = {r}. Write {r}." if not borrow_out
                  else f" is below 0, so borrow 10: {xb + 10} - {y} = {r}. Write {r}, borrow 1.")
        else:
            s = f"{name}: {x}" + (" - 1" if borrow else "") + f" - {y}"
            s += f" = {r}." if not borrow_out else f" is below 0, borrow 1: {xb + 10} - {y} = {r}."
        parts.append(s)
        written.append(r)
        borrow = borrow_out
    return parts, list(reversed(written))


def multiplication_columns(a, b, verbose):
    """a any size, b one digit. Returns (sentences, written digits most significant first)."""
    parts, carry, written = [], 0, []
    for i, x in enumerate(digits(a)):
        t = x * b + carry
        name = PLACES[i].capitalize()
        if verbose:
            s = f"{name}: {x} × {b}" + (f" + carry {carry}" if carry else "") + f" = {t}. "
            s += f"Write {t % 10}, carry {t // 10}." if t >= 10 else f"Write {t}, no carry."
        else:
            s = f"{name}: {x} × {b}" + (f" + {carry}" if carry else "") + f" = {t}"
            s += f", write {t % 10} carry {t // 10}." if t >= 10 else "."
        parts.append(s)
        written.append(t % 10)
        carry = t // 10
    if carry:
        name = PLACES[len(written)]
        parts.append(f"{name.capitalize()}: only the carry {carry} is left. Write {carry}." if verbose
                     else f"Carry {carry} is the {name}.")
        written.append(carry)
    return parts, list(reversed(written))


def read_digits(written, result):
    """High effort: the written digits read back from the highest place."""
    text = f"The written digits from the top are {spaced(written)}"
    if len(written) > 1 and written[0] == 0:
        text += f", without the leading zeros that is {result}"
    return text


ADD_Q = ["What is {a} + {b}?", "What's {a} + {b}?", "Compute {a} + {b}.", "Calculate {a} + {b}.",
         "{a} + {b} = ?", "What is {a} plus {b}?", "Add {a} and {b}.", "How much is {a} + {b}?",
         "what is {a}+{b}", "{a} + {b}"]
SUB_Q = ["What is {a} - {b}?", "What's {a} - {b}?", "What is {a} minus {b}?", "Compute {a} - {b}.",
         "Subtract {b} from {a}.", "{a} - {b} = ?", "Calculate {a} - {b}.", "what is {a}-{b}",
         "{a} - {b}"]
MUL_Q = ["What is {a} × {b}?", "What is {a} * {b}?", "What is {a} times {b}?", "Multiply {a} by {b}.",
         "Compute {a} * {b}.", "{a} x {b} = ?", "Calculate {a} × {b}.", "What's {a} * {b}?",
         "what is {a}*{b}", "{a} * {b}"]


def make_add(a, b, rng):
    s = a + b
    p = Problem("add", ("add", a, b), rng.choice(ADD_Q).format(a=a, b=b), str(s))
    med, _ = addition_columns(a, b, False)
    high, written = addition_columns(a, b, True)
    p.analysis["low"] = f"{a} + {b} = {s}."
    # medium names the digits too (briefly): without them a column sum of 2-digit numbers tends
    # to run on into a hundreds column that 3-digit problems have
    p.analysis["medium"] = (f"Digits {spaced(str(a))} and {spaced(str(b))}. " + " ".join(med)
                            + f" So {a} + {b} = {s}.")
    p.analysis["high"] = (f"We need {a} + {b}. Digits: {a} is {spaced(str(a))} and {b} is "
                          f"{spaced(str(b))}. " + " ".join(high) + " " + read_digits(written, s)
                          + f", so {a} + {b} = {s}.")
    p.final = f"{a} + {b} = {s}."
    return p


def make_sub(a, b, rng):
    d = a - b
    p = Problem("sub", ("sub", a, b), rng.choice(SUB_Q).format(a=a, b=b), str(d))
    big, small = max(a, b), min(a, b)
    neg_short = f"{b} is larger than {a}, so compute {b} - {a} and make it negative. " if d < 0 else ""
    neg_long = (f"{b} is larger than {a}, so the result is negative: compute {b} - {a} and put a "
                f"minus sign in front. " if d < 0 else "")
    med, _ = subtraction_columns(big, small, False)
    high, written = subtraction_columns(big, small, True)
    p.analysis["low"] = f"{a} - {b} = {d}."
    p.analysis["medium"] = (neg_short + f"Digits {spaced(str(big))} and {spaced(str(small))}. "
                            + " ".join(med) + f" So {a} - {b} = {d}.")
    p.analysis["high"] = (f"We need {a} - {b}. " + neg_long
                          + f"Digits: {big} is {spaced(str(big))} and {small} is {spaced(str(small))}. "
                          + " ".join(high) + " "
                          + read_digits(written, big - small)
                          + (f", so {big} - {small} = {big - small} and " if d < 0 else ", so ")
                          + f"{a} - {b} = {d}.")
    p.final = f"{a} - {b} = {d}."
    return p


def make_mul(a, b, rng, with_tool):
    prod = a * b
    p = Problem("mul", ("mul", a, b), rng.choice(MUL_Q).format(a=a, b=b), str(prod))
    p.final = f"{a} × {b} = {prod}."
    if with_tool and a >= 10 and b >= 10:
        p.task = "mul_tool"
        p.tool_args = '{"expression": "%d * %d"}' % (a, b)
        p.tool_result = prod
        p.analysis["low"] = f"Use the calculator for {a} × {b}."
        p.analysis["medium"] = (f"{a} × {b} is a multiplication of two large numbers. "
                                f"Call the calculator.")
        p.analysis["high"] = (f"The user wants {a} × {b}. Both numbers have more than one digit, so "
                              f"working it out by hand is long and error-prone. The calculator tool is "
                              f"available, so call it with the expression {a} * {b} and answer with "
                              f"its result.")
        return p
    p.analysis["low"] = f"{a} × {b} = {prod}."
    if a < 10 or b < 10:
        big, small = (a, b) if b < 10 else (b, a)
        intro = f"Multiply {big} by {small}. " if big != a else ""
        med, _ = multiplication_columns(big, small, False)
        high, written = multiplication_columns(big, small, True)
        p.analysis["medium"] = intro + " ".join(med) + f" So {a} × {b} = {prod}."
        p.analysis["high"] = (f"We need {a} × {b}. Multiply {big} by {small}, digit by digit from "
                              f"the ones. Digits: {big} is {spaced(str(big))}. "
                              + " ".join(high) + " " + read_digits(written, prod)
                              + f", so {a} × {b} = {prod}.")
        return p
    # two 2-digit numbers without a calculator: split the second into tens and ones
    bt, bo = divmod(b, 10)
    p1, p2t = a * bo, a * bt
    p2 = p2t * 10
    p.analysis["medium"] = (f"Split {b} into {bt * 10} + {bo}. {a} × {bo} = {p1}. {a} × {bt} = {p2t}, "
                            f"so {a} × {bt * 10} = {p2}. {p1} + {p2} = {prod}. So {a} × {b} = {prod}.")
    m1, _ = multiplication_columns(a, bo, False)
    m2, _ = multiplication_columns(a, bt, False)
    ad, _ = addition_columns(p1, p2, False)
    p.analysis["high"] = (f"We need {a} × {b}. Split {b} into {bt * 10} + {bo} and multiply {a} by "
                          f"each part. First {a} × {bo}. " + " ".join(m1) + f" That gives {p1}. "
                          f"Next {a} × {bt}. " + " ".join(m2) + f" That gives {p2t}, so {a} × "
                          f"{bt * 10} = {p2}. Now add {p1} + {p2}. " + " ".join(ad)
                          + f" So {a} × {b} = {prod}.")
    return p


# -- word games -----------------------------------------------------------------------------------

REV_Q = ["Reverse the word '{w}'.", "What is '{w}' spelled backwards?", "Spell '{w}' backwards.",
         "Write '{w}' in reverse.", "reverse '{w}'", "Can you reverse '{w}'?"]
COUNT_Q = ["How many times does the letter '{c}' appear in '{w}'?", "Count the letter '{c}' in '{w}'.",
           "How many '{c}' are in '{w}'?", "How often does '{c}' occur in '{w}'?",
           "count '{c}' in '{w}'"]
SORT_UP_Q = ["Sort these numbers from smallest to largest: {l}.", "Sort {l} in ascending order.",
             "Put {l} in order, smallest first.", "sort {l}", "Sort: {l}"]
SORT_DOWN_Q = ["Sort these numbers from largest to smallest: {l}.", "Sort {l} in descending order.",
               "Put {l} in order, largest first."]


def make_reverse(w, rng):
    r = w[::-1]
    p = Problem("reverse", ("reverse", w), rng.choice(REV_Q).format(w=w), f"'{r}'")
    n = len(w)
    p.analysis["low"] = f"'{w}' backwards is '{r}'."
    p.analysis["medium"] = f"Letters: {spaced(w)}. Backwards: {spaced(r)}."
    p.analysis["high"] = (f"Spell '{w}' one letter at a time and number the letters: "
                          + ", ".join(f"{i + 1} {c}" for i, c in enumerate(w))
                          + f". There are {n} letters. Read them from last to first: "
                          + ", ".join(f"{n - i} {c}" for i, c in enumerate(r))
                          + f". Joined together that is '{r}'.")
    p.final = f"The word '{w}' reversed is '{r}'."
    return p


def make_count(w, c, rng):
    n = w.count(c)
    p = Problem("count", ("count", w, c), rng.choice(COUNT_Q).format(w=w, c=c), str(n))
    pos = [i + 1 for i, x in enumerate(w) if x == c]
    times = "time" if n == 1 else "times"
    p.analysis["low"] = f"'{c}' appears {n} {times} in '{w}'."
    p.analysis["medium"] = (f"Letters: {spaced(w)}. "
                            + (f"'{c}' is at position {', '.join(map(str, pos))}. " if pos
                               else f"'{c}' is not there. ") + f"Count: {n}.")
    steps, k = [], 0
    for i, x in enumerate(w):
        k += x == c
        steps.append(f"{i + 1} {x} {'yes' if x == c else 'no'} {k}")
    p.analysis["high"] = (f"Spell '{w}' and keep a running count of '{c}': " + ", ".join(steps)
                          + f". The word has {len(w)} letters and '{c}' appears {n} {times}.")
    p.final = f"The letter '{c}' appears {n} {times} in '{w}'."
    return p


def make_sort(nums, descending, rng):
    order = sorted(nums, reverse=descending)
    lst = ", ".join(map(str, nums))
    q = rng.choice(SORT_DOWN_Q if descending else SORT_UP_Q).format(l=lst)
    out = ", ".join(map(str, order))
    p = Problem("sort", ("sort", tuple(nums), descending), q, out)
    rel = " > " if descending else " < "
    word = "largest" if descending else "smallest"
    p.analysis["low"] = f"Sorted: {out}."
    p.analysis["medium"] = f"Compare them: {rel.join(map(str, order))}."
    steps, rest = [], list(nums)
    while len(rest) > 1:
        m = max(rest) if descending else min(rest)
        steps.append(f"The {word} of {', '.join(map(str, rest))} is {m}.")
        rest.remove(m)
    steps.append(f"Only {rest[0]} is left.")
    p.analysis["high"] = (f"Pick the {word} number again and again. " + " ".join(steps)
                          + f" In order: {out}.")
    p.final = out
    return p


def make_other(rng):
    q = rng.choice(OTHER_QUESTIONS)
    p = Problem("other", ("other", q), q, "demo model")
    p.analysis["low"] = "Not arithmetic or a word game; say what I can do."
    p.analysis["medium"] = ("The user asks something outside what I know. I only know small "
                            "arithmetic and a few word games, so say so and suggest an example.")
    p.analysis["high"] = ("The user asks something that is not arithmetic and not one of my word "
                          "games. I am a tiny demo model: I can add, subtract and multiply small "
                          "numbers, reverse a word, count a letter in a word and sort numbers. I "
                          "cannot answer this, so I should say so politely and suggest a question "
                          "I can answer.")
    p.final = OTHER_FINAL
    return p


# -- sampling -------------------------------------------------------------------------------------

def rand_number(rng, ndigits):
    return rng.randint(0, 9) if ndigits == 1 else rng.randint(10 ** (ndigits - 1), 10 ** ndigits - 1)


def sample_problem(rng, task, with_tool, words, max_digits=3):
    """A random problem of `task`; `with_tool`: the calculator is declared in this conversation;
    `max_digits` < 3 restricts the operands of + and - (the curriculum's first stage)."""
    sizes, size_w = ([1, 2, 3], [1, 3, 2]) if max_digits >= 3 else ([1, 2], [1, 3])
    if task == "add":
        da, db = rng.choices(sizes, weights=size_w, k=2)
        return make_add(rand_number(rng, da), rand_number(rng, db), rng)
    if task == "sub":
        da, db = rng.choices(sizes, weights=size_w, k=2)
        a, b = rand_number(rng, da), rand_number(rng, db)
        if rng.random() < 0.75 and a < b:
            a, b = b, a
        return make_sub(a, b, rng)
    if task == "mul":
        if with_tool and rng.random() < 0.7:  # the tool case: two numbers >= 10
            da, db = rng.choice([(2, 2), (2, 3), (3, 2), (3, 3)])
            return make_mul(rand_number(rng, da), rand_number(rng, db), rng, True)
        kind = rng.random()
        if kind < 0.7:
            a, b = rand_number(rng, rng.choice([1, 2, 2, 3, 3])), rng.randint(0, 9)
            if rng.random() < 0.3:
                a, b = b, a
        else:
            a, b = rand_number(rng, 2), rand_number(rng, 2)
        return make_mul(a, b, rng, with_tool)
    if task == "reverse":
        return make_reverse(rng.choice(words), rng)
    if task == "count":
        w = rng.choice(words)
        c = rng.choice(w) if rng.random() < 0.8 else rng.choice("abcdefghijklmnopqrstuvwxyz")
        return make_count(w, c, rng)
    if task == "sort":
        n = rng.randint(3, 6)
        hi = rng.choice([9, 99, 99, 999])
        return make_sort([rng.randint(0, hi) for _ in range(n)], rng.random() < 0.25, rng)
    if task == "other":
        return make_other(rng)
    raise ValueError(task)
