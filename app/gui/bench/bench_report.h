// The table ponder-ui-bench prints (Markdown, so it pastes into docs/perf-log.md as is): what
// ran where, then one row per measurement with its target and whether it was met.
#pragma once

#include <QString>
#include <QStringList>
#include <vector>

#include "app/gui/bench/open_phase.h"
#include "app/gui/bench/process_info.h"
#include "app/gui/bench/stream_phase.h"

namespace ponder::gui::bench {

struct MemoryPoint {
    QString what;  // the row's label after "memory: "
    QString note;  // said after the numbers
    ProcessMemory memory;
};

struct ReportInputs {
    QStringList header;  // "Machine: …", "Model: …" lines, printed above the table
    double tokenRateAsked = 0;
    StreamResult stream;
    int longMessages = 0;
    OpenResult open;
    std::vector<MemoryPoint> memory;
};

QString renderReport(const ReportInputs& inputs);

}  // namespace ponder::gui::bench
