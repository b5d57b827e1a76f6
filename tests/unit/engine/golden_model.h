// Shared by the engine tests that run the tiny golden checkpoints (tests/data/gpt-oss-tiny):
// their paths, token files and the comparison rule of the fixtures' README (relative L2 error
// < 1e-3 at every position and the same top-1 token at >= 99% of positions).
#pragma once

#include <QtTest>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <span>
#include <string>
#include <vector>

#include "engine/io/npy.h"
#include "engine/model.h"

namespace golden {

inline std::filesystem::path model_dir(const std::string& name) {
    return std::filesystem::path(PONDER_TEST_DATA_DIR) / "gpt-oss-tiny" / name;
}

// The comma-separated ids of <model>/tokens.txt.
inline std::vector<std::int32_t> tokens(const std::string& name) {
    std::ifstream in(model_dir(name) / "tokens.txt");
    std::vector<std::int32_t> ids;
    std::string word;
    while (std::getline(in, word, ','))
        ids.push_back(static_cast<std::int32_t>(std::stol(word)));
    return ids;
}

inline ponder::NpyArray reference_logits(const std::string& name) {
    auto array = ponder::read_npy(model_dir(name) / "logits.f32.npy");
    if (!array) qFatal("%s", array.status().to_string().c_str());
    return std::move(*array);
}

inline std::unique_ptr<ponder::Model> load(
    const std::string& name, ponder::CheckpointLayout layout = ponder::CheckpointLayout::automatic,
    int threads = 2) {
    ponder::ModelOptions options;
    options.layout = layout;
    options.threads = threads;
    auto model = ponder::Model::load(model_dir(name), options);
    if (!model) qFatal("%s", model.status().to_string().c_str());
    return std::move(*model);
}

struct Agreement {
    double worst_relative_l2 = 0.0;
    double top1_fraction = 0.0;
};

inline std::int64_t argmax(std::span<const float> row) {
    return std::max_element(row.begin(), row.end()) - row.begin();
}

// Compares rows [first_row, first_row + rows) of the reference with `logits` [rows, vocab].
inline Agreement compare(const ponder::NpyArray& reference, std::span<const float> logits,
                         std::int64_t first_row = 0) {
    const std::int64_t vocab = reference.shape[1];
    const std::int64_t rows = static_cast<std::int64_t>(logits.size()) / vocab;
    Agreement agreement;
    std::int64_t same_top1 = 0;
    for (std::int64_t r = 0; r < rows; ++r) {
        const std::span<const float> want(reference.data.data() + (first_row + r) * vocab,
                                          static_cast<size_t>(vocab));
        const std::span<const float> got =
            logits.subspan(static_cast<size_t>(r * vocab), static_cast<size_t>(vocab));
        double error = 0.0;
        double norm = 0.0;
        for (std::int64_t i = 0; i < vocab; ++i) {
            error += (double(got[i]) - want[i]) * (double(got[i]) - want[i]);
            norm += double(want[i]) * want[i];
        }
        agreement.worst_relative_l2 =
            std::max(agreement.worst_relative_l2, std::sqrt(error / norm));
        if (argmax(got) == argmax(want)) ++same_top1;
    }
    agreement.top1_fraction = rows > 0 ? double(same_top1) / double(rows) : 0.0;
    return agreement;
}

#define GOLDEN_VERIFY_AGREEMENT(agreement)                                      \
    do {                                                                        \
        const golden::Agreement a_ = (agreement);                               \
        QVERIFY2(a_.worst_relative_l2 < 1e-3 && a_.top1_fraction >= 0.99,       \
                 qPrintable(QString("worst relative L2 %1, top-1 agreement %2") \
                                .arg(a_.worst_relative_l2)                      \
                                .arg(a_.top1_fraction)));                       \
    } while (false)

}  // namespace golden
