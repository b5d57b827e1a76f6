#include "app/core/tools/folder_access.h"

#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include <cerrno>
#include <climits>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <vector>

namespace ponder::core {
namespace {

Status refused(std::string_view relative, const std::string& why) {
    return Status(StatusCode::invalid_argument, "'" + std::string(relative) + "' " + why);
}

Status failed(std::string_view relative, int error) {
    switch (error) {
        case EXDEV:
            return refused(relative, "leads outside the shared folder");
        case ENOENT:
            return Status(StatusCode::io_error,
                          "'" + std::string(relative) + "' does not exist in the shared folder");
        case ENOTDIR:
            return Status(StatusCode::io_error, "'" + std::string(relative) + "' is not a folder");
        case ELOOP:
            return refused(relative, "goes through too many symbolic links");
        default:
            return Status(StatusCode::io_error,
                          "cannot open '" + std::string(relative) + "': " + std::strerror(error));
    }
}

// For kernels without openat2: resolve every link and "..", then check the result is inside.
// (A link swapped in between the check and the open could still redirect it; the kernel path
// above has no such window.)
Result<UniqueFd> open_by_real_path(const std::string& root, std::string_view relative, int flags) {
    char real_root[PATH_MAX];
    char real_target[PATH_MAX];
    const std::string joined = root + "/" + std::string(relative);
    if (!realpath(root.c_str(), real_root)) return failed(relative, errno);
    if (!realpath(joined.c_str(), real_target)) return failed(relative, errno);
    const std::string_view base(real_root), target(real_target);
    const bool inside =
        target == base || (target.starts_with(base) && (base == "/" || target[base.size()] == '/'));
    if (!inside) return failed(relative, EXDEV);
    const int fd = ::open(real_target, flags | O_NOFOLLOW);
    if (fd < 0) return failed(relative, errno);
    return UniqueFd(fd);
}

}  // namespace

Result<SharedFolder> SharedFolder::open(const std::string& root) {
    if (root.empty()) {
        return Status(StatusCode::invalid_argument, "no folder is shared with this conversation");
    }
    if (root.front() != '/') {
        return Status(StatusCode::invalid_argument,
                      "the shared folder must be an absolute path, got '" + root + "'");
    }
    const int fd = ::open(root.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) {
        return Status(StatusCode::io_error,
                      "the shared folder " + root + " cannot be opened: " + std::strerror(errno));
    }
    return SharedFolder(root, UniqueFd(fd));
}

Result<UniqueFd> SharedFolder::open_beneath(std::string_view relative, bool directory) const {
    if (relative.find('\0') != std::string_view::npos) {
        return refused("(path with a NUL byte)", "is not a valid path");
    }
    if (!relative.empty() && relative.front() == '/') {
        return refused(relative, "is absolute; paths are relative to the shared folder");
    }
    const std::string path = relative.empty() ? "." : std::string(relative);
    const int flags = O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK | (directory ? O_DIRECTORY : 0);
    open_how how{};
    how.flags = static_cast<std::uint64_t>(flags);
    how.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS;
    for (int attempt = 0; attempt < 8; ++attempt) {
        const long fd = syscall(SYS_openat2, fd_.get(), path.c_str(), &how, sizeof(how));
        if (fd >= 0) return UniqueFd(static_cast<int>(fd));
        // EAGAIN: a rename elsewhere raced the lookup; the kernel asks us to try again.
        if (errno == EAGAIN) continue;
        if (errno == ENOSYS) return open_by_real_path(root_, path, flags);
        return failed(relative, errno);
    }
    return failed(relative, EAGAIN);
}

}  // namespace ponder::core

namespace ponder::core {
namespace {

// One bracket expression at pattern[p] ('['); sets `end` past its ']'. Returns whether `c`
// is in the set; a malformed bracket (no ']') matches '[' literally.
bool bracket_matches(std::string_view pattern, size_t p, char c, size_t& end) {
    size_t i = p + 1;
    const bool negate = i < pattern.size() && (pattern[i] == '!' || pattern[i] == '^');
    if (negate) ++i;
    bool found = false;
    bool first = true;
    for (; i < pattern.size() && (first || pattern[i] != ']'); ++i, first = false) {
        if (i + 2 < pattern.size() && pattern[i + 1] == '-' && pattern[i + 2] != ']') {
            found = found || (c >= pattern[i] && c <= pattern[i + 2]);
            i += 2;
        } else {
            found = found || c == pattern[i];
        }
    }
    if (i >= pattern.size()) {
        end = p + 1;
        return c == '[';
    }
    end = i + 1;
    return found != negate && c != '/';
}

}  // namespace

bool path_matches_glob(std::string_view pattern, std::string_view path) {
    if (pattern.find('/') == std::string_view::npos) {
        const size_t slash = path.rfind('/');
        if (slash != std::string_view::npos) path = path.substr(slash + 1);
    }
    // Dynamic programming over (pattern position, path position): linear in their product,
    // whatever the stars, so a hostile pattern cannot make it explode.
    const size_t np = pattern.size(), nt = path.size();
    std::vector<std::vector<std::int8_t>> memo(np + 1, std::vector<std::int8_t>(nt + 1, -1));
    std::function<bool(size_t, size_t)> match = [&](size_t p, size_t t) -> bool {
        std::int8_t& cell = memo[p][t];
        if (cell >= 0) return cell;
        bool result;
        if (p == np) {
            result = t == nt;
        } else if (pattern[p] == '*') {
            const bool any_depth = p + 1 < np && pattern[p + 1] == '*';
            size_t next = p + (any_depth ? 2 : 1);
            // "**/" also matches no folder at all: "src/**/x" matches "src/x".
            if (any_depth && next < np && pattern[next] == '/' && match(next + 1, t)) {
                result = true;
            } else {
                result =
                    match(next, t) || (t < nt && (any_depth || path[t] != '/') && match(p, t + 1));
            }
        } else if (t == nt) {
            result = false;
        } else if (pattern[p] == '?') {
            result = path[t] != '/' && match(p + 1, t + 1);
        } else if (pattern[p] == '[') {
            size_t end = 0;
            result = bracket_matches(pattern, p, path[t], end) && match(end, t + 1);
        } else {
            result = pattern[p] == path[t] && match(p + 1, t + 1);
        }
        cell = result ? 1 : 0;
        return result;
    };
    return match(0, 0);
}

}  // namespace ponder::core
