"""Harmony rendering for training data, byte-identical to Ponder's C++ renderer
(docs/gpt-oss.md §6).

Prompts are rendered the way the app renders them (system, optional developer, history, then
`<|start|>assistant`); completions are written the way gpt-oss emits them (recipient after the
channel on a tool call, `<|return|>` after the final answer).
"""
import json

CHATGPT_IDENTITY = "You are ChatGPT, a large language model trained by OpenAI."
DEMO_IDENTITY = ("You are Ponder's demo model, a tiny model that knows arithmetic "
                 "and a few word games.")
KNOWLEDGE_CUTOFF = "2024-06"
CHANNELS_LINE = ("# Valid channels: analysis, commentary, final. "
                 "Channel must be included for every message.")
FUNCTIONS_LINE = "Calls to these tools must go to the commentary channel: 'functions'."

# The calculator the demo model was trained to call (also written to ponder.json).
CALCULATOR_TOOL = {
    "name": "calculator",
    "description": "Evaluate an arithmetic expression and return the result.",
    "parameters": {
        "type": "object",
        "properties": {"expression": {"type": "string",
                                      "description": "The expression, for example 12 * 34"}},
        "required": ["expression"],
    },
}


def system_message(identity, effort, date=None, cutoff=KNOWLEDGE_CUTOFF, has_functions=False):
    head = [identity, f"Knowledge cutoff: {cutoff}"] + ([f"Current date: {date}"] if date else [])
    channels = CHANNELS_LINE + ("\n" + FUNCTIONS_LINE if has_functions else "")
    body = "\n\n".join(["\n".join(head), f"Reasoning: {effort}", channels])
    return f"<|start|>system<|message|>{body}<|end|>"


def _ts_type(schema):
    t = schema.get("type")
    if t == "string":
        return " | ".join(json.dumps(e) for e in schema["enum"]) if "enum" in schema else "string"
    if t in ("number", "integer"):
        return "number"
    if t == "boolean":
        return "boolean"
    raise ValueError(f"unsupported schema type {t!r}")


def tool_typescript(tool):
    """One function in the `namespace functions` block (docs/gpt-oss.md §6.3), for flat object
    schemas."""
    out = "".join(f"// {line}\n" for line in tool["description"].split("\n"))
    params = tool.get("parameters")
    if not params or not params.get("properties"):
        return out + f"type {tool['name']} = () => any;\n\n"
    out += f"type {tool['name']} = (_: {{\n"
    required = set(params.get("required", []))
    for name, prop in params["properties"].items():
        if "description" in prop:
            out += f"// {prop['description']}\n"
        out += f"{name}{'' if name in required else '?'}: {_ts_type(prop)},\n"
    return out + "}) => any;\n\n"


def developer_message(instructions=None, tools=()):
    sections = []
    if instructions:
        sections += ["# Instructions", instructions]
    if tools:
        block = "".join(tool_typescript(t) for t in tools)
        sections.append(f"# Tools\n\n## functions\n\nnamespace functions {{\n\n{block}"
                        "} // namespace functions")
    if not sections:
        return ""
    return "<|start|>developer<|message|>" + "\n\n".join(sections) + "<|end|>"


def user(text):
    return f"<|start|>user<|message|>{text}<|end|>"


def assistant_final_history(text):
    """A previous final answer as the app stores it (<|return|> replaced by <|end|>,
    docs/gpt-oss.md §6.1)."""
    return f"<|start|>assistant<|channel|>final<|message|>{text}<|end|>"


def assistant_analysis_history(text):
    return f"<|start|>assistant<|channel|>analysis<|message|>{text}<|end|>"


def tool_call_history(tool, args):
    """A tool call re-rendered by the renderer: recipient before the channel, <|call|> kept."""
    return (f"<|start|>assistant to=functions.{tool}<|channel|>commentary <|constrain|>json"
            f"<|message|>{args}<|call|>")


def tool_result(tool, output, with_header=True):
    if with_header:
        return (f"<|start|>functions.{tool} to=assistant<|channel|>commentary"
                f"<|message|>{output}<|end|>")
    return f"<|start|>functions.{tool}<|message|>{output}<|end|>"


GENERATION_PROMPT = "<|start|>assistant"


def completion_answer(analysis, final):
    """What the model writes after `<|start|>assistant` for a direct answer."""
    return (f"<|channel|>analysis<|message|>{analysis}<|end|>"
            f"<|start|>assistant<|channel|>final<|message|>{final}<|return|>")


def completion_tool_call(analysis, tool, args):
    """What the model writes for a tool call: recipient after the channel (docs/gpt-oss.md §6.4)."""
    return (f"<|channel|>analysis<|message|>{analysis}<|end|>"
            f"<|start|>assistant<|channel|>commentary to=functions.{tool} <|constrain|>json"
            f"<|message|>{args}<|call|>")


def completion_final_only(final):
    return f"<|channel|>final<|message|>{final}<|return|>"
