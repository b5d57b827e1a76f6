// Read-only access to one folder the user shared with a conversation (read_file and
// search_files). Every path the model names is relative to that folder and must stay inside
// it: absolute paths are refused, and so is any path that leaves the folder through ".." or a
// symbolic link, checked by the kernel while it resolves the path (openat2 RESOLVE_BENEATH; on
// kernels before 5.6, by resolving the real path first). Links that stay inside are followed.
//
// Thread-safety: a SharedFolder is immutable after open(); use it from any thread.
#pragma once

#include <string>
#include <string_view>

#include "app/core/tools/unique_fd.h"
#include "engine/status.h"

namespace ponder::core {

class SharedFolder {
  public:
    // `root` must be an absolute path to an existing folder.
    static Result<SharedFolder> open(const std::string& root);

    // Opens `relative` ("notes/todo.txt"; "" or "." is the folder itself) read-only, without
    // blocking on FIFOs or devices. Fails with invalid_argument for a path that is absolute or
    // leads outside, io_error for one that does not exist or cannot be read; the message names
    // the path as the model wrote it.
    Result<UniqueFd> open_beneath(std::string_view relative, bool directory) const;

    const std::string& root() const { return root_; }
    int fd() const { return fd_.get(); }

  private:
    SharedFolder(std::string root, UniqueFd fd) : root_(std::move(root)), fd_(std::move(fd)) {}

    std::string root_;
    UniqueFd fd_;
};

// Whether `path` ("src/app/main.cpp") matches the glob `pattern`: '*' any characters but '/',
// '**' any characters, '?' one character but '/', [abc], [a-z] and [!abc] one of (or none of) a
// set. A pattern without '/' is matched against the file name alone ("*.md").
bool path_matches_glob(std::string_view pattern, std::string_view path);

}  // namespace ponder::core
