// Where a file may be written that a person named (an export, logits, a checkpoint): never over
// a database. A mistyped --out, or a save dialog pointed at the wrong file, must not replace the
// chat history or any other SQLite database with the output, whatever the path looks like.
#pragma once

#include <filesystem>
#include <span>

#include "engine/status.h"

namespace ponder {

// Ok when `path` is new or an existing ordinary file that may be replaced. Refuses, with
// invalid_argument naming the path, saying why and that nothing was written:
//  - one of `protected_files` (the open history database) or its SQLite companions (-wal, -shm,
//    -journal), compared by device and inode where the file exists, so that symlinks, hard links
//    and relative paths cannot disguise it, and by resolved path where it does not exist yet;
//  - any existing SQLite database, write-ahead log or rollback journal (told by the magic bytes
//    at the start of the file), and a name ending in -wal, -shm or -journal next to an existing
//    SQLite database (SQLite would read such a file as that database's log at its next open);
//  - anything but a regular file: a folder, FIFO, socket or device (writing to a FIFO blocks;
//    replacing /dev/null as root would break the system).
// Only looks: at most the first 16 bytes of a file are read, opened non-blocking.
Status check_output_file(const std::filesystem::path& path,
                         std::span<const std::filesystem::path> protected_files = {});

}  // namespace ponder
