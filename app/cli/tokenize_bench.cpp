#include "app/cli/tokenize_bench.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>

#include "app/cli/tokenizer_option.h"
#include "engine/tokenizer/streaming_detokenizer.h"

namespace ponder::cli {
namespace {

constexpr double kTargetMegabytesPerSecond = 10.0;  // the goal for single-thread encoding
constexpr int kRepeats = 5;                         // best of N: the least disturbed run

const char* const kSamples[] = {
    "The reasoning effort setting (low, medium, high) controls how long the model thinks before it "
    "answers. Higher effort usually means better answers to hard questions, at the cost of "
    "latency. "
    "It's worth trying \"high\" for maths, code review and multi-step planning; for small talk, "
    "\"low\" is plenty.\n\n",
    "int main(int argc, char** argv) {\n    std::vector<std::string> args(argv + 1, argv + argc);\n"
    "    for (const auto& arg : args) {\n        if (arg == \"--help\") return usage();\n    }\n"
    "    return run(args) ? EXIT_SUCCESS : EXIT_FAILURE;\n}\n\n",
    "def fibonacci(n: int) -> int:\n    a, b = 0, 1\n    for _ in range(n):\n        a, b = b, a + "
    "b\n"
    "    return a\n\nprint([fibonacci(i) for i in range(20)])  # 0 1 1 2 3 5 8 13 21 34 ...\n\n",
    "{\"model\": \"gpt-oss-20b\", \"temperature\": 1.0, \"top_p\": 1.0, \"max_tokens\": 4096, "
    "\"messages\": [{\"role\": \"user\", \"content\": \"How warm is Oslo?\"}], \"seed\": "
    "20251128}\n\n",
    "추론 노력도(reasoning effort)는 모델이 답하기 전에 얼마나 오래 생각할지를 정합니다. 어려운 "
    "수학 문제에는 높음을, 가벼운 대화에는 낮음을 권합니다. 오늘 서울의 기온은 12도입니다.\n\n",
    "推理强度决定模型在回答之前思考多长时间。对于困难的数学问题，建议使用高强度；日常对话使用低强度"
    "即可。"
    "這是一個測試：「你好，世界！」\n\n",
    "推論の強さは、モデルが答える前にどれだけ考えるかを決めます。難しい問題には「高」、"
    "雑談には「低」で十分です。カタカナとひらがなと漢字が混ざった文章です。\n\n",
    "Настройка усилия рассуждения определяет, как долго модель думает перед ответом. Для сложных "
    "задач выбирайте «высокий», для простого разговора достаточно «низкого». Привет, как дела?\n\n",
    "يحدد مستوى الاستدلال المدة التي يفكر فيها النموذج قبل الإجابة. اختر المستوى العالي للمسائل "
    "الصعبة، والمنخفض للمحادثة العادية. مرحبا بالعالم!\n\n",
    "तर्क प्रयास यह तय करता है कि मॉडल उत्तर देने से पहले कितनी देर सोचता है। कठिन प्रश्नों के लिए "
    "उच्च चुनें। नमस्ते दुनिया!\n\n",
    "Die Straße ist naß, sagte der Müller; à la française, un café crème et une crêpe, s'il vous "
    "plaît. Ærø, Ørsted, Łódź, İstanbul, São Paulo.\n\n",
    "Numbers: 3.14159265358979, 2.718281828, 6.02214076e23, -1.5e-10, 0x1F, 0b1010, 1,234,567.89; "
    "dates 2025-09-01T12:00:00Z; emoji 😀👍🏽👨‍👩‍👧‍👦🇳🇴 and math ∀x∈ℝ: "
    "x² "
    "≥ "
    "0.\n\n",
};

struct Timing {
    double best_ms = 0;      // wall clock
    double best_cpu_ms = 0;  // this thread's CPU time: what the work costs on a busy machine
    std::size_t items = 0;   // tokens produced or consumed
};

double thread_cpu_ms() {
    timespec now{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
    return double(now.tv_sec) * 1e3 + double(now.tv_nsec) / 1e6;
}

template <typename Step>
Timing time_best(Step&& step) {
    Timing timing;
    timing.best_ms = timing.best_cpu_ms = 1e300;
    for (int run = 0; run < kRepeats; ++run) {
        const double cpu_start = thread_cpu_ms();
        const auto start = std::chrono::steady_clock::now();
        timing.items = step();
        const auto elapsed = std::chrono::steady_clock::now() - start;
        timing.best_ms =
            std::min(timing.best_ms, std::chrono::duration<double, std::milli>(elapsed).count());
        timing.best_cpu_ms = std::min(timing.best_cpu_ms, thread_cpu_ms() - cpu_start);
    }
    return timing;
}

void print_row(const char* step, const Timing& timing, std::size_t bytes) {
    std::printf("| %-24s | %8.2f | %8.2f | %8.1f | %8.1f | %8.2f |\n", step, timing.best_ms,
                timing.best_cpu_ms, bytes / timing.best_ms / 1e3, bytes / timing.best_cpu_ms / 1e3,
                timing.items / timing.best_ms / 1e3);
}

}  // namespace

std::string mixed_language_sample(std::size_t size) {
    std::string text;
    text.reserve(size + 1024);
    for (std::size_t round = 0; text.size() < size; ++round) {
        for (const char* sample : kSamples)
            text += sample;
        text += "§" + std::to_string(round) + "\n";  // keeps rounds from being byte-identical
    }
    // Cut at a character boundary: never before a continuation byte.
    std::size_t cut = size;
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80)
        --cut;
    text.resize(cut);
    return text;
}

int run_tokenize_bench(const Tokenizer& tokenizer, double load_ms, const std::string& text_file) {
    std::string text;
    if (text_file.empty()) {
        text = mixed_language_sample(std::size_t(1) << 20);
    } else {
        auto content = read_input(text_file);
        if (!content) {
            std::fprintf(stderr, "ponder-cli tokenize: %s\n", content.status().to_string().c_str());
            return 1;
        }
        text = std::move(*content);
    }
    const std::vector<TokenId> ids = tokenizer.encode(text);

    const Timing encode = time_best([&] { return tokenizer.encode(text).size(); });
    const Timing encode_special =
        time_best([&] { return tokenizer.encode_with_special(text).size(); });
    const Timing decode =
        time_best([&] { return tokenizer.decode(ids)->size() > 0 ? ids.size() : 0; });
    const Timing stream = time_best([&] {
        StreamingDetokenizer detokenizer(tokenizer);
        std::string out;
        for (TokenId id : ids)
            detokenizer.push(id, out);
        detokenizer.flush(out);
        return ids.size();
    });

    std::printf("tokenizer: %s (%zu tokens + %zu added; loaded in %.0f ms)\n",
                tokenizer.source().c_str(), tokenizer.vocabulary_size(),
                tokenizer.added_tokens().size(), load_ms);
    std::printf(
        "text: %s, %zu bytes -> %zu tokens (%.2f bytes/token); single thread, best of %d\n\n",
        text_file.empty() ? "built-in mixed-language sample" : text_file.c_str(), text.size(),
        ids.size(), double(text.size()) / double(std::max<std::size_t>(ids.size(), 1)), kRepeats);
    std::printf("| %-24s | %8s | %8s | %8s | %8s | %8s |\n", "step", "wall ms", "cpu ms", "MB/s",
                "cpu MB/s", "Mtok/s");
    std::printf(
        "|--------------------------|----------|----------|----------|----------|----------|\n");
    print_row("encode", encode, text.size());
    print_row("encode (special tokens)", encode_special, text.size());
    print_row("decode", decode, text.size());
    print_row("streaming detokenize", stream, text.size());
    const double wall = text.size() / encode.best_ms / 1e3;
    const double cpu = text.size() / encode.best_cpu_ms / 1e3;
    std::printf(
        "\nencode: %.1f MB/s wall, %.1f MB/s CPU time = %.1fx / %.1fx the %.0f MB/s single-thread "
        "target\n"
        "(MB = 10^6 bytes; CPU time is what the work costs when other processes share the cores)\n",
        wall, cpu, wall / kTargetMegabytesPerSecond, cpu / kTargetMegabytesPerSecond,
        kTargetMegabytesPerSecond);
    return 0;
}

}  // namespace ponder::cli
