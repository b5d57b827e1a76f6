#include "app/core/storage/database_file.h"

#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <string>

#include "app/core/storage/schema.h"
#include "engine/io/regular_file.h"

namespace ponder::core {
namespace {

// The SQLite file header (https://www.sqlite.org/fileformat.html#the_database_header).
constexpr size_t kHeaderSize = 100;
constexpr char kMagic[] = "SQLite format 3";   // 16 bytes with the terminating NUL
constexpr size_t kPageSizeOffset = 16;         // u16; 1 means 65536
constexpr size_t kWriteVersionOffset = 18;     // u8: 1 rollback journal, 2 WAL
constexpr size_t kReadVersionOffset = 19;      // u8: the same
constexpr size_t kChangeCounterOffset = 24;    // u32
constexpr size_t kPageCountOffset = 28;        // u32, valid when the counters below match
constexpr size_t kUserVersionOffset = 60;      // u32 (schema version of the application)
constexpr size_t kApplicationIdOffset = 68;    // u32
constexpr size_t kVersionValidForOffset = 92;  // u32

std::uint32_t read_u32(const std::array<unsigned char, kHeaderSize>& bytes, size_t offset) {
    return (std::uint32_t{bytes[offset]} << 24) | (std::uint32_t{bytes[offset + 1]} << 16) |
           (std::uint32_t{bytes[offset + 2]} << 8) | std::uint32_t{bytes[offset + 3]};
}

Status refuse(const std::filesystem::path& file, StatusCode code, const std::string& why) {
    return Status(code, file.string() + ": " + why);
}

}  // namespace

Status check_database_file(const std::filesystem::path& file, std::int64_t latest_version) {
    std::error_code ec;
    if (!std::filesystem::exists(file, ec)) return Status::success();
    if (std::filesystem::is_directory(file, ec)) {
        return refuse(file, StatusCode::invalid_argument, "is a folder, not a history database");
    }
    // A named pipe or a device (a link to /dev/zero) is refused without blocking or reading it.
    auto opened = RegularFile::open(file);
    if (!opened) return opened.status();
    const std::uint64_t size = opened->size();
    if (size == 0) return Status::success();

    std::array<unsigned char, kHeaderSize> header{};
    const ssize_t read_bytes = ::pread(opened->descriptor(), header.data(), kHeaderSize, 0);
    if (read_bytes < 0) return refuse(file, StatusCode::io_error, std::strerror(errno));
    const auto got = static_cast<size_t>(read_bytes);
    if (got < sizeof(kMagic) || std::memcmp(header.data(), kMagic, sizeof(kMagic)) != 0) {
        return refuse(file, StatusCode::invalid_argument,
                      "is not a Ponder history database (not an SQLite file)");
    }
    if (got < kHeaderSize) {
        return refuse(file, StatusCode::io_error,
                      "is truncated: " + std::to_string(size) +
                          " bytes, shorter than the 100-byte SQLite header");
    }
    std::uint32_t page_size =
        (std::uint32_t{header[kPageSizeOffset]} << 8) | std::uint32_t{header[kPageSizeOffset + 1]};
    if (page_size == 1) page_size = 65536;
    const std::uint32_t page_count = read_u32(header, kPageCountOffset);
    const bool count_valid = page_count != 0 && read_u32(header, kChangeCounterOffset) ==
                                                    read_u32(header, kVersionValidForOffset);
    const std::uint64_t expected = std::uint64_t{page_count} * page_size;
    if (count_valid && size < expected) {
        return refuse(file, StatusCode::io_error,
                      "is truncated: its header says " + std::to_string(expected) +
                          " bytes but the file has " + std::to_string(size) +
                          "; restore it from a backup");
    }
    const std::uint32_t application_id = read_u32(header, kApplicationIdOffset);
    if (application_id != 0 && application_id != std::uint32_t{kPonderApplicationId}) {
        return refuse(file, StatusCode::invalid_argument,
                      "is another application's SQLite database, not Ponder's history");
    }
    const auto user_version = static_cast<std::int32_t>(read_u32(header, kUserVersionOffset));
    if (user_version > latest_version) {
        return refuse(file, StatusCode::unsupported,
                      "the history database has schema version " + std::to_string(user_version) +
                          " but this Ponder knows versions up to " +
                          std::to_string(latest_version) +
                          "; it was written by a newer Ponder. Update Ponder to open it (the "
                          "file was left unchanged)");
    }
    return Status::success();
}

bool database_file_is_wal(const std::filesystem::path& file) {
    auto opened = RegularFile::open(file);  // never blocks on a pipe
    if (!opened) return false;
    std::array<unsigned char, kHeaderSize> header{};
    const ssize_t got = ::pread(opened->descriptor(), header.data(), kHeaderSize, 0);
    return got == static_cast<ssize_t>(kHeaderSize) &&
           std::memcmp(header.data(), kMagic, sizeof(kMagic)) == 0 &&
           header[kWriteVersionOffset] == 2 && header[kReadVersionOffset] == 2;
}

}  // namespace ponder::core
