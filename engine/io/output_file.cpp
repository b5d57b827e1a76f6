#include "engine/io/output_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>

namespace ponder {
namespace {

namespace fs = std::filesystem;

// The files SQLite keeps beside a database "X": X-wal, X-shm and X-journal.
constexpr std::array<std::string_view, 3> kCompanionSuffixes = {"-wal", "-shm", "-journal"};

enum class SqliteFile { none, database, write_ahead_log, journal };

struct FileId {
    dev_t device;
    ino_t inode;
};

// The file a path leads to (symlinks followed); nullopt when there is none.
std::optional<FileId> file_id(const fs::path& path) {
    struct stat info {};
    if (::stat(path.c_str(), &info) != 0) return std::nullopt;
    return FileId{info.st_dev, info.st_ino};
}

// The absolute path with "..", "." and the symlinks of its existing part resolved: how two names
// of a file that does not exist yet are compared.
fs::path resolved(const fs::path& path) {
    std::error_code error;
    fs::path absolute = fs::absolute(path, error);
    if (error) return path.lexically_normal();
    fs::path canonical = fs::weakly_canonical(absolute, error);
    return error ? absolute.lexically_normal() : canonical;
}

bool same_file(const fs::path& a, const fs::path& b) {
    const auto id_a = file_id(a);
    const auto id_b = file_id(b);
    if (id_a && id_b) return id_a->device == id_b->device && id_a->inode == id_b->inode;
    if (id_a || id_b) return false;
    return resolved(a) == resolved(b);
}

// What the first bytes of a regular file say it is. Opened non-blocking and checked to be a
// regular file after opening, so that a FIFO put in its place meanwhile cannot block the read.
SqliteFile sqlite_file_kind(const fs::path& path) {
    // Devices are not even opened: opening some has side effects (a tape rewinds).
    struct stat info {};
    if (::stat(path.c_str(), &info) != 0 || !S_ISREG(info.st_mode)) return SqliteFile::none;
    const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
    if (fd < 0) return SqliteFile::none;
    unsigned char head[16] = {};
    ssize_t got = 0;
    if (::fstat(fd, &info) == 0 && S_ISREG(info.st_mode)) got = ::read(fd, head, sizeof head);
    ::close(fd);
    // The magic numbers of SQLite's file formats (sqlite.org/fileformat.html): the database
    // header string, the WAL header (big-endian 0x377f0682 or 0x377f0683) and the rollback
    // journal header.
    static constexpr char kDatabase[16] = "SQLite format 3";  // with its terminating NUL
    static constexpr unsigned char kJournal[8] = {0xd9, 0xd5, 0x05, 0xf9, 0x20, 0xa1, 0x63, 0xd7};
    if (got >= 16 && std::memcmp(head, kDatabase, 16) == 0) return SqliteFile::database;
    if (got >= 4 && head[0] == 0x37 && head[1] == 0x7f && head[2] == 0x06 &&
        (head[3] == 0x82 || head[3] == 0x83)) {
        return SqliteFile::write_ahead_log;
    }
    if (got >= 8 && std::memcmp(head, kJournal, 8) == 0) return SqliteFile::journal;
    return SqliteFile::none;
}

const char* companion_name(std::string_view suffix) {
    if (suffix == "-wal") return "write-ahead log (-wal)";
    if (suffix == "-shm") return "shared-memory index (-shm)";
    return "rollback journal (-journal)";
}

}  // namespace

Status check_output_file(const fs::path& path, std::span<const fs::path> protected_files) {
    if (path.empty()) return Status(StatusCode::invalid_argument, "no output file given");
    auto refuse = [&](const std::string& why) {
        return Status(
            StatusCode::invalid_argument,
            path.string() + ": " + why + "; nothing was written (choose another file name)");
    };

    for (const fs::path& kept : protected_files) {
        // SQLite names the companions after the path it opened, symlinks resolved or not
        // depending on its version: guard both spellings.
        for (const fs::path& database : {kept, resolved(kept)}) {
            if (same_file(path, database)) {
                return refuse("is the open history database; writing there would destroy it");
            }
            for (std::string_view suffix : kCompanionSuffixes) {
                if (same_file(path, database.string() + std::string(suffix))) {
                    return refuse(std::string("is the open history database's ") +
                                  companion_name(suffix) + "; writing there would damage it");
                }
            }
        }
    }

    struct stat info {};
    if (::stat(path.c_str(), &info) == 0) {
        if (S_ISDIR(info.st_mode)) return refuse("is a folder, not a file");
        if (!S_ISREG(info.st_mode)) {
            return refuse("is not a regular file (a device, FIFO or socket)");
        }
        switch (sqlite_file_kind(path)) {
            case SqliteFile::database:
                return refuse("is an SQLite database; Ponder never writes over a database");
            case SqliteFile::write_ahead_log:
                return refuse(
                    "is an SQLite database's write-ahead log; writing there would "
                    "damage the database");
            case SqliteFile::journal:
                return refuse(
                    "is an SQLite database's rollback journal; writing there would "
                    "damage the database");
            case SqliteFile::none:
                break;
        }
    }

    const std::string name = path.filename().string();
    for (std::string_view suffix : kCompanionSuffixes) {
        if (name.size() <= suffix.size() || !name.ends_with(suffix)) continue;
        fs::path owner = path;
        owner.replace_filename(name.substr(0, name.size() - suffix.size()));
        if (sqlite_file_kind(owner) == SqliteFile::database) {
            return refuse(std::string("is the name of the ") + companion_name(suffix) +
                          " of the SQLite database " + owner.string() +
                          "; SQLite would read the file as part of that database");
        }
    }
    return Status::success();
}

}  // namespace ponder
