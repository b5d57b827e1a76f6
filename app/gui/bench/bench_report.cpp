#include "app/gui/bench/bench_report.h"

#include <algorithm>

namespace ponder::gui::bench {
namespace {

// The frame budget at 60 Hz, and how long the window may stop reacting before it feels frozen.
constexpr double kFrameBudgetMs = 1000.0 / 60.0;
constexpr double kFreezeMs = 100;
// The storage target for opening a long conversation (the history bench's).
constexpr double kOpenTargetMs = 100;
// The coalescer lets the window repaint at most ~60 times a second (docs/architecture.md §6); a
// batch a few milliseconds early now and then may push a one-second window slightly above.
constexpr double kMaxUpdatesPerSecond = 62;

QString number(double value, int decimals = 1) {
    return QString::number(value, 'f', decimals);
}

QString percentiles(const Summary& s, bool withP95 = true, bool withP99 = true) {
    QStringList parts{number(s.p50)};
    if (withP95) parts << number(s.p95);
    if (withP99) parts << number(s.p99);
    parts << number(s.max);
    return parts.join(QStringLiteral(" / ")) + QStringLiteral(" ms");
}

QString medianAndMax(const std::vector<double>& samples) {
    const Summary s = summarize(samples);
    return number(s.p50) + QStringLiteral(" / ") + number(s.max) + QStringLiteral(" ms");
}

QString verdict(bool met) {
    return met ? QStringLiteral("ok") : QStringLiteral("MISSED");
}

class Table {
  public:
    void row(const QString& what, const QString& result, const QString& target = {},
             const QString& met = {}) {
        lines_ << QStringLiteral("| %1 | %2 | %3 | %4 |").arg(what, result, target, met);
    }
    QString text() const {
        return QStringLiteral(
                   "| measurement | result | target | met |\n| --- | --- | --- | --- |\n") +
               lines_.join('\n') + '\n';
    }

  private:
    QStringList lines_;
};

void streamingRows(Table& table, const ReportInputs& in) {
    const StreamResult& s = in.stream;
    std::vector<double> cpu, render, gaps;
    for (const FrameMeter::Frame& frame : s.frames) {
        cpu.push_back(frame.cpuMs);
        render.push_back(frame.renderMs);
        gaps.push_back(frame.gapMs);
    }
    const long streamed = std::count_if(s.frames.begin(), s.frames.end(),
                                        [&](const auto& f) { return f.endMs <= s.streamMs; });
    const double seconds = std::max(s.streamMs / 1000.0, 1e-3);
    table.row(QStringLiteral("streaming: tokens"),
              QStringLiteral("%1 at %2 tok/s in %3 s (answer %4 chars, reasoning %5 chars)")
                  .arg(s.tokens)
                  .arg(number(s.tokenRate))
                  .arg(number(seconds, 2))
                  .arg(s.answerChars)
                  .arg(s.reasoningChars),
              QStringLiteral("%1 tok/s").arg(number(in.tokenRateAsked, 0)));
    table.row(
        QStringLiteral("streaming: frames"),
        QStringLiteral("%1, %2 frames/s").arg(streamed).arg(number(double(streamed) / seconds)));
    const double updates = s.modelUpdates / seconds;
    table.row(QStringLiteral("streaming: model updates (coalesced batches)"),
              QStringLiteral("%1, %2 /s").arg(s.modelUpdates).arg(number(updates)),
              QStringLiteral("<= 60 /s"), verdict(updates <= kMaxUpdatesPerSecond));
    const Summary cpuSummary = summarize(cpu);
    table.row(QStringLiteral("streaming: GUI-thread CPU per frame p50 / p95 / p99 / max"),
              percentiles(cpuSummary) + QStringLiteral(" (p95 = %1% of a 60 Hz frame)")
                                            .arg(number(100 * cpuSummary.p95 / kFrameBudgetMs, 0)),
              QStringLiteral("p95 < 16.7 ms"), verdict(cpuSummary.p95 < kFrameBudgetMs));
    table.row(QStringLiteral("streaming: frame render, polish to flush, p50 / p95 / p99 / max"),
              percentiles(summarize(render)));
    const Summary gapSummary = summarize(gaps);
    table.row(QStringLiteral("streaming: interval between frames p50 / p95 / max"),
              percentiles(gapSummary, true, false), QStringLiteral("no gap > 100 ms"),
              verdict(gapSummary.max <= kFreezeMs));
    const Summary late = summarize(s.latenessMs);
    table.row(QStringLiteral("streaming: event-loop lateness (1 ms timer) p50 / p99 / max"),
              percentiles(late, false, true), QStringLiteral("max < 100 ms"),
              verdict(late.max < kFreezeMs));
}

void openRows(Table& table, const ReportInputs& in) {
    const OpenResult& o = in.open;
    const QString prefix = QStringLiteral("open %1 messages: ").arg(in.longMessages);
    const double storage = summarize(o.storageMs).p50;
    table.row(prefix + QStringLiteral("storage, load_conversation median / max"),
              medianAndMax(o.storageMs), QStringLiteral("< 100 ms"),
              verdict(storage < kOpenTargetMs));
    table.row(prefix + QStringLiteral("openConversation() call median / max"),
              medianAndMax(o.callMs) + QStringLiteral(" (SQL, transcript, model reset)"));
    table.row(prefix + QStringLiteral("click to first frame median / max"),
              medianAndMax(o.firstFrameMs) + QStringLiteral(" (%1 rows)").arg(o.rows));
    const double shown = summarize(o.shownMs).p50;
    table.row(prefix + QStringLiteral("click to last message shown median / max"),
              medianAndMax(o.shownMs),
              QStringLiteral("window adds %1 ms to storage").arg(number(shown - storage)));
    table.row(prefix + QStringLiteral("scroll to the top median / max"),
              medianAndMax(o.scrollTopMs));
}

void memoryRows(Table& table, const ReportInputs& in) {
    double previous = 0;
    double peak = 0;
    for (const MemoryPoint& point : in.memory) {
        QString result = QStringLiteral("%1 MiB RSS").arg(number(point.memory.rssMiB));
        if (previous > 0) {
            const double delta = point.memory.rssMiB - previous;
            result += QStringLiteral(" (%1%2)").arg(delta >= 0 ? "+" : "").arg(number(delta));
        }
        if (!point.note.isEmpty()) result += QStringLiteral("; ") + point.note;
        table.row(QStringLiteral("memory: ") + point.what, result);
        previous = point.memory.rssMiB;
        peak = std::max(peak, point.memory.peakMiB);
    }
    table.row(QStringLiteral("memory: peak (VmHWM)"), QStringLiteral("%1 MiB").arg(number(peak)));
}

}  // namespace

QString renderReport(const ReportInputs& inputs) {
    Table table;
    streamingRows(table, inputs);
    openRows(table, inputs);
    memoryRows(table, inputs);
    return inputs.header.join('\n') + QStringLiteral("\n\n") + table.text();
}

}  // namespace ponder::gui::bench
