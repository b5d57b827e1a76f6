// The text ponder-ui-bench shows: what a gpt-oss answer looks like (a long chain of thought in
// several paragraphs, then a Markdown answer with headings, lists, a table and fenced code),
// streamed live or stored by the thousand in the history. Deterministic, so runs compare.
#pragma once

#include <cstdint>
#include <random>
#include <string>

#include "engine/tokenizer/tokenizer.h"

namespace ponder::gui::bench {

// The question the streamed answer replies to.
std::string benchQuestion();

// One model output in harmony form, "<|channel|>analysis<|message|>…<|end|><|start|>assistant
// <|channel|>final<|message|>…<|return|>", about `tokens` tokens long with `tokenizer` (the
// analysis takes ~45% of them). Paragraphs repeat with numbered steps to reach the length.
std::string harmonyAnswer(const Tokenizer& tokenizer, std::int64_t tokens);

// Messages of a stored conversation with the lengths of real chats: a user question of one to
// four sentences, a chain of thought of four to twelve, and a Markdown answer of two or three
// paragraphs, now and then with a heading, a list, a table or a code block.
class HistoryText {
  public:
    explicit HistoryText(std::uint64_t seed = 42) : random_(seed) {}
    std::string userMessage();
    std::string reasoning();
    std::string answer();
    std::string title();

  private:
    std::string sentences(const char* const* pool, std::size_t size, int count);
    int between(int low, int high);

    std::mt19937_64 random_;
};

}  // namespace ponder::gui::bench
