"""Byte-level BPE with tiktoken semantics, and the HF tokenizer.json it is shipped as.

Encoding (docs/gpt-oss.md §5.1): split the text with the o200k pre-tokenizer regex; for each piece,
emit it whole if its bytes are a vocabulary entry, otherwise start from single bytes and repeatedly
merge the adjacent pair whose concatenation has the lowest rank (= token id), leftmost first.
Special tokens are whole ids that ordinary text never produces. The C++ tokenizer implements the
same rules, so both sides agree token for token.

Training (`train_merges`) is plain frequency BPE over pre-token counts with two constraints that
matter for a model that must reason about digits and letters (see README.md):
  * no token contains a digit, so numbers are always one token per digit;
  * a token may contain lower-case letters only if it starts with a space or an upper-case letter,
    or is on an explicit chain of protocol words (`assistant`, `analysis`, ...). Words inside quotes
    (the word games' words) are therefore always spelled one letter per token.
"""
import base64
import json

import regex

# o200k_base / o200k_harmony pre-tokenizer (docs/gpt-oss.md §5.1), alternatives tried in order.
PATTERN = "|".join([
    r"[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?",
    r"[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?",
    r"\p{N}{1,3}",
    r" ?[^\s\p{L}\p{N}]+[\r\n/]*",
    r"\s*[\r\n]+",
    r"\s+(?!\S)",
    r"\s+",
])
_SPLIT = regex.compile(PATTERN)

# Harmony special tokens, in the relative order the real o200k_harmony ids have
# (docs/gpt-oss.md §5.2).
SPECIAL_TOKENS = ["<|startoftext|>", "<|endoftext|>", "<|return|>", "<|constrain|>",
                  "<|channel|>", "<|start|>", "<|end|>", "<|message|>", "<|call|>"]


def bytes_to_unicode():
    """GPT-2's byte -> printable character table used by HF ByteLevel (docs/gpt-oss.md §5.3)."""
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + \
        list(range(ord("®"), ord("ÿ") + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return dict(zip(bs, (chr(c) for c in cs)))


def pretokenize(text):
    return _SPLIT.findall(text)


_SPECIAL_SPLIT = regex.compile("(<\\|[a-z_0-9]+\\|>)")


def split_specials(text):
    """Text chunks between harmony-style special tokens (the tokens themselves dropped)."""
    return [c for c in _SPECIAL_SPLIT.split(text) if c and not _SPECIAL_SPLIT.fullmatch(c)]


def bpe_pieces(piece, ranks):
    """tiktoken's byte-pair merge: list of token byte strings for one pre-token."""
    if piece in ranks:
        return [piece]
    parts = [piece[i:i + 1] for i in range(len(piece))]
    while len(parts) > 1:
        best, best_rank = -1, None
        for i in range(len(parts) - 1):
            r = ranks.get(parts[i] + parts[i + 1])
            if r is not None and (best_rank is None or r < best_rank):
                best, best_rank = i, r
        if best < 0:
            break
        parts[best:best + 2] = [parts[best] + parts[best + 1]]
    return parts


class Tokenizer:
    def __init__(self, ranks, specials):
        """ranks: {bytes: id}; specials: {name: id}."""
        self.ranks = ranks
        self.specials = specials
        self.decoder = {v: k for k, v in ranks.items()}
        self.special_names = {v: k for k, v in specials.items()}
        self._cache = {}
        self._special_re = regex.compile("(" + "|".join(regex.escape(s) for s in specials) + ")")

    @property
    def vocab_size(self):
        return max(list(self.decoder) + list(self.special_names)) + 1

    def encode_ordinary(self, text):
        out = []
        for piece in pretokenize(text):
            ids = self._cache.get(piece)
            if ids is None:
                ids = [self.ranks[p] for p in bpe_pieces(piece.encode("utf-8"), self.ranks)]
                self._cache[piece] = ids
            out.extend(ids)
        return out

    def encode(self, text):
        """Encodes with special tokens recognised (each text chunk between them is ordinary)."""
        out = []
        for chunk in self._special_re.split(text):
            if chunk in self.specials:
                out.append(self.specials[chunk])
            elif chunk:
                out.extend(self.encode_ordinary(chunk))
        return out

    def decode_bytes(self, ids):
        return b"".join(self.special_names[i].encode() if i in self.special_names
                        else self.decoder[i] for i in ids)

    def decode(self, ids):
        return self.decode_bytes(ids).decode("utf-8", errors="replace")

    # -- HF tokenizer.json ---------------------------------------------------------------------

    def hf_merges(self):
        """Merges recovered from ranks the way HF's TikTokenConverter does it: every split of a
        token into two vocabulary entries, ordered by the token's rank, then by the parts' ranks."""
        merges = []
        for token, rank in self.ranks.items():
            if len(token) < 2:
                continue
            local = [(token[:i], token[i:], rank) for i in range(1, len(token))
                     if token[:i] in self.ranks and token[i:] in self.ranks]
            local.sort(key=lambda m: (self.ranks[m[0]], self.ranks[m[1]]))
            merges.extend(local)
        merges.sort(key=lambda m: m[2])
        return [(a, b) for a, b, _ in merges]

    def to_hf_json(self):
        enc = bytes_to_unicode()

        def s(b):
            return "".join(enc[x] for x in b)

        return {
            "version": "1.0",
            "truncation": None,
            "padding": None,
            "added_tokens": [
                {"id": i, "content": name, "single_word": False, "lstrip": False, "rstrip": False,
                 "normalized": False, "special": True}
                for name, i in sorted(self.specials.items(), key=lambda kv: kv[1])],
            "normalizer": None,
            "pre_tokenizer": {"type": "Sequence", "pretokenizers": [
                {"type": "Split", "pattern": {"Regex": PATTERN}, "behavior": "Isolated",
                 "invert": False},
                {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True,
                 "use_regex": False}]},
            "post_processor": {"type": "ByteLevel", "add_prefix_space": True, "trim_offsets": False,
                               "use_regex": True},
            "decoder": {"type": "ByteLevel", "add_prefix_space": True, "trim_offsets": True,
                        "use_regex": True},
            "model": {"type": "BPE", "dropout": None, "unk_token": None,
                      "continuing_subword_prefix": "", "end_of_word_suffix": "",
                      "fuse_unk": False, "byte_fallback": False, "ignore_merges": True,
                      "vocab": {s(b): i for b, i in sorted(self.ranks.items(), key=lambda kv: kv[1])},
                      "merges": [[s(a), s(b)] for a, b in self.hf_merges()]},
        }

    @classmethod
    def from_hf_json(cls, path):
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
        dec = {c: b for b, c in bytes_to_unicode().items()}
        ranks = {bytes(dec[c] for c in tok): i for tok, i in data["model"]["vocab"].items()}
        specials = {t["content"]: t["id"] for t in data["added_tokens"]}
        return cls(ranks, specials)

    @classmethod
    def from_tiktoken_file(cls, path, specials):
        ranks = {}
        with open(path, "rb") as f:
            for line in f:
                if line.strip():
                    tok, rank = line.split()
                    ranks[base64.b64decode(tok)] = int(rank)
        return cls(ranks, specials)


def _allowed(token, protocol_tokens):
    """Training constraint (module docstring): no digits; lower-case only after space/upper."""
    if any(48 <= c <= 57 for c in token):
        return False
    if any(97 <= c <= 122 for c in token):
        return token[0] == 32 or 65 <= token[0] <= 90 or token in protocol_tokens
    return True


def protocol_chains(words_with_seed):
    """Merge chains that make each protocol word one token: from the seed bigram grow right to the
    end of the word, then left to its start. [(word, seed_index)] -> ordered [(left, right)]."""
    merges = []
    for word, s in words_with_seed:
        w = word.encode()
        cur = w[s:s + 1]
        for j in range(s + 1, len(w)):
            merges.append((cur, w[j:j + 1]))
            cur = cur + w[j:j + 1]
        for j in range(s - 1, -1, -1):
            merges.append((w[j:j + 1], cur))
            cur = w[j:j + 1] + cur
    return merges


def train_merges(piece_counts, n_merges, protocol, min_count=2):
    """piece_counts: {pre-token str: count}. Returns ranks {bytes: id}: bytes 0..255 in byte order,
    then the protocol chains, then up to n_merges frequency merges (fewer if counts run out)."""
    ranks = {bytes([b]): b for b in range(256)}
    protocol_tokens = set()
    for a, b in protocol_chains(protocol):
        if a + b not in ranks:
            ranks[a + b] = len(ranks)
        protocol_tokens.add(a + b)
    words = {}
    for piece, n in piece_counts.items():
        toks = tuple(bpe_pieces(piece.encode("utf-8"), ranks))
        words[toks] = words.get(toks, 0) + n
    for _ in range(n_merges):
        pairs = {}
        for toks, n in words.items():
            for i in range(len(toks) - 1):
                p = (toks[i], toks[i + 1])
                pairs[p] = pairs.get(p, 0) + n
        best = None
        for p, n in sorted(pairs.items(), key=lambda kv: (-kv[1], kv[0])):
            if n < min_count:
                break
            if p[0] + p[1] not in ranks and _allowed(p[0] + p[1], protocol_tokens):
                best = p
                break
        if best is None:
            break
        merged = best[0] + best[1]
        ranks[merged] = len(ranks)
        new_words = {}
        for toks, n in words.items():
            out = []
            i = 0
            while i < len(toks):
                if i + 1 < len(toks) and toks[i] == best[0] and toks[i + 1] == best[1]:
                    out.append(merged)
                    i += 2
                else:
                    out.append(toks[i])
                    i += 1
            new_words[tuple(out)] = new_words.get(tuple(out), 0) + n
        words = new_words
    return ranks
