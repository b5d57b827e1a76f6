#include "app/core/storage/history_salvage.h"

#include <unistd.h>

#include <cerrno>

#include <system_error>

namespace ponder::core {
namespace {

// The new history is written here and renamed to `out` once complete, so an interrupted
// salvage leaves no half-written history under the name the user asked for.
std::filesystem::path partial_path(const std::filesystem::path& out) {
    std::filesystem::path partial = out;
    partial += ".salvage-" + std::to_string(::getpid());
    return partial;
}

void remove_with_sidecars(const std::filesystem::path& file) {
    std::error_code ignored;
    for (const char* suffix : {"", "-wal", "-shm"}) {
        std::filesystem::path path = file;
        path += suffix;
        std::filesystem::remove(path, ignored);
    }
}

// link() refuses an existing name, so a file that appeared at `out` meanwhile is not replaced;
// rename() only where the file system has no hard links.
Status move_into_place(const std::filesystem::path& partial, const std::filesystem::path& out) {
    std::error_code ec;
    if (::link(partial.c_str(), out.c_str()) == 0) {
        std::filesystem::remove(partial, ec);
        return Status::success();
    }
    if (errno == EEXIST || std::filesystem::exists(out, ec)) {
        return Status(StatusCode::invalid_argument,
                      out.string() + " appeared while salvaging; it was left as it is");
    }
    std::filesystem::rename(partial, out, ec);
    if (ec) {
        return Status(
            StatusCode::io_error,
            out.string() + ": cannot move the salvaged history into place: " + ec.message());
    }
    return Status::success();
}

Status copy_readable(HistoryStore& from, HistoryStore& to, SalvageReport& report) {
    return to.transaction([&]() -> Status {
        for (const ConversationName& name : from.conversation_names()) {
            auto record = from.load_conversation(name.id);
            if (!record) {
                report.lost.push_back({name.id, name.title, record.status().message()});
                continue;
            }
            auto imported = to.import_conversations({*record});
            if (!imported) return imported.status();
            report.copied.push_back(name.id);
            report.messages += static_cast<std::int64_t>(record->messages.size());
        }
        return Status::success();
    });
}

}  // namespace

Result<SalvageReport> salvage_history(const std::filesystem::path& damaged,
                                      const std::filesystem::path& out) {
    std::error_code ec;
    if (std::filesystem::exists(std::filesystem::symlink_status(out, ec))) {
        return Status(StatusCode::invalid_argument,
                      out.string() + " already exists; salvage writes a new history file");
    }
    auto from = HistoryStore::open(damaged, {.recover_interrupted = false, .read_only = true});
    if (!from) return from.status();

    const std::filesystem::path partial = partial_path(out);
    remove_with_sidecars(partial);
    SalvageReport report;
    Status status = Status::success();
    {
        auto to = HistoryStore::open(partial, {.recover_interrupted = false});
        if (!to) return to.status();
        status = copy_readable(**from, **to, report);
        if (status.ok()) status = (*to)->checkpoint();
    }
    if (status.ok()) status = move_into_place(partial, out);
    if (!status.ok()) {
        remove_with_sidecars(partial);
        return Status(status.code(), "salvage failed, nothing was written: " + status.message());
    }
    return report;
}

}  // namespace ponder::core
