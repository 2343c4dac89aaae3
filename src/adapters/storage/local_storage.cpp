// Local-filesystem blob storage: atomic, durable writes under one root folder,
// walked component by component with O_NOFOLLOW so keys cannot escape it.
#include "adapters/storage/local_storage.hpp"

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <system_error>
#include <utility>
#include <vector>

#include <fcntl.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/errc.hpp"

namespace khaacho::storage {

namespace {

/// Prefix of temporary files. '~' is not a key character (see is_valid_key),
/// so no key can name a temporary file, finished or left by a crash.
constexpr const char* temp_prefix = ".tmp~";

class unique_fd {
public:
  unique_fd() = default;
  explicit unique_fd(int fd) noexcept : fd_(fd) {}
  unique_fd(unique_fd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  unique_fd& operator=(unique_fd&& other) noexcept {
    if (this != &other) {
      reset();
      fd_ = std::exchange(other.fd_, -1);
    }
    return *this;
  }
  unique_fd(const unique_fd&) = delete;
  unique_fd& operator=(const unique_fd&) = delete;
  ~unique_fd() { reset(); }

  int get() const noexcept { return fd_; }
  explicit operator bool() const noexcept { return fd_ >= 0; }

  /// Closes now and reports close's errno (0 on success): a delayed write
  /// error (NFS, quota) may only surface here.
  int close() noexcept {
    if (fd_ < 0)
      return 0;
    int rc = ::close(std::exchange(fd_, -1));
    return rc == 0 ? 0 : errno;
  }

private:
  void reset() noexcept {
    if (fd_ >= 0)
      ::close(std::exchange(fd_, -1));
  }

  int fd_ = -1;
};

std::string errno_text(int err) {
  // std::strerror is not guaranteed thread-safe; the generic category is.
  return std::error_code(err, std::generic_category()).message();
}

/// An invalid key as it may appear in a log line: short, printable ASCII.
std::string printable(std::string_view key) {
  std::string out;
  for (char c : key.substr(0, 80))
    out += (c >= 0x20 && c < 0x7f) ? c : '?';
  if (key.size() > 80)
    out += "...";
  return out;
}

caf::error invalid_key(std::string_view key) {
  return caf::make_error(errc::bad_input, "invalid storage key '" + printable(key) + "'");
}

caf::error through_symlink(const std::string& key) {
  return caf::make_error(errc::bad_input,
                         "storage key '" + key + "' passes through a symbolic link; refused");
}

caf::error failed(const char* action, const std::string& key, const char* step, int err) {
  return caf::make_error(errc::storage_failed, std::string{action} + " '" + key + "': " + step
                                                 + ": " + errno_text(err));
}

caf::error not_found(const std::string& key) {
  return caf::make_error(errc::not_found, "no stored object '" + key + "'");
}

/// The key's segments; the key is valid, so none is empty, "." or "..".
std::vector<std::string> split(const std::string& key) {
  std::vector<std::string> out;
  size_t start = 0;
  for (;;) {
    auto end = key.find('/', start);
    out.emplace_back(key.substr(start, end == std::string::npos ? end : end - start));
    if (end == std::string::npos)
      return out;
    start = end + 1;
  }
}

/// ELOOP when `name` in `dir` is a symbolic link, else `err`. Linux reports
/// ENOTDIR rather than ELOOP for a link opened with O_DIRECTORY|O_NOFOLLOW.
int symlink_or(int dir, const std::string& name, int err) {
  struct stat st {};
  if (::fstatat(dir, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode))
    return ELOOP;
  return err;
}

int open_subdir(int dir, const std::string& name) {
  return ::openat(dir, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
}

/// The folder that holds a key's last segment, opened from the root down.
struct parent_dir {
  unique_fd fd;
  int err = 0;           ///< errno when `fd` is empty; ELOOP means a symlink
  bool at_root = false;  ///< the root itself could not be opened
};

parent_dir open_parent(const std::string& root, const std::vector<std::string>& segments,
                       bool create) {
  parent_dir out;
  // The root is the operator's choice and may itself be a symlink: follow it.
  out.fd = unique_fd{::open(root.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC)};
  if (!out.fd) {
    out.err = errno;
    out.at_root = true;
    return out;
  }
  for (size_t i = 0; i + 1 < segments.size(); ++i) {
    const auto& name = segments[i];
    int fd = open_subdir(out.fd.get(), name);
    if (fd < 0 && errno == ENOENT && create) {
      if (::mkdirat(out.fd.get(), name.c_str(), 0750) == 0) {
        // The new entry must survive a crash as surely as the object will.
        if (::fsync(out.fd.get()) != 0) {
          out.err = errno;
          out.fd = unique_fd{};
          return out;
        }
      } else if (errno != EEXIST) {  // EEXIST: a concurrent put made it
        out.err = errno;
        out.fd = unique_fd{};
        return out;
      }
      fd = open_subdir(out.fd.get(), name);
    }
    if (fd < 0) {
      out.err = symlink_or(out.fd.get(), name, errno);
      out.fd = unique_fd{};
      return out;
    }
    out.fd = unique_fd{fd};
  }
  return out;
}

/// A fresh temporary file name; O_EXCL makes a collision an error, not a race.
std::string temp_name() {
  static std::atomic<uint64_t> counter{0};
  uint64_t x = 0;
  if (::getrandom(&x, sizeof(x), GRND_NONBLOCK) != static_cast<ssize_t>(sizeof(x)))
    x = static_cast<uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count());
  x ^= counter.fetch_add(1, std::memory_order_relaxed) * 0x9e3779b97f4a7c15ULL;
  char buf[40];
  std::snprintf(buf, sizeof(buf), "%s%016llx", temp_prefix, static_cast<unsigned long long>(x));
  return buf;
}

/// Writes every byte, resuming after partial writes and signals; 0 or errno.
int write_all(int fd, std::string_view bytes) {
  const char* p = bytes.data();
  size_t left = bytes.size();
  while (left > 0) {
    ssize_t n = ::write(fd, p, std::min<size_t>(left, size_t{1} << 30));
    if (n < 0) {
      if (errno == EINTR)
        continue;
      return errno;
    }
    if (n == 0)
      return EIO;  // no progress on a regular file: never loop forever
    p += n;
    left -= static_cast<size_t>(n);
  }
  return 0;
}

/// Reads to the end; 0 or errno.
int read_all(int fd, std::string& out, size_t size_hint) {
  out.clear();
  out.reserve(size_hint);
  char buf[64 * 1024];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof(buf));
    if (n < 0) {
      if (errno == EINTR)
        continue;
      return errno;
    }
    if (n == 0)
      return 0;
    out.append(buf, static_cast<size_t>(n));
  }
}

bool is_missing(int err) {
  // ENOTDIR: a component on the way is a file, so nothing can be below it.
  return err == ENOENT || err == ENOTDIR;
}

/// Why the parent folder of `key` could not be opened, or no error when it
/// is simply missing (then the object does not exist either).
caf::error parent_error(const parent_dir& parent, const char* action, const std::string& key) {
  if (parent.at_root)
    return failed(action, key, "storage root", parent.err);
  if (parent.err == ELOOP)
    return through_symlink(key);
  if (is_missing(parent.err))
    return caf::error{};
  return failed(action, key, "folder", parent.err);
}

}  // namespace

caf::expected<std::unique_ptr<local_storage>> local_storage::open(const std::string& root) {
  if (root.empty())
    return caf::make_error(errc::bad_input, "key 'storage.local-root' must not be empty");
  std::error_code ec;
  auto abs = std::filesystem::absolute(root, ec).lexically_normal();
  if (ec)
    return caf::make_error(errc::storage_failed,
                           "cannot resolve storage root '" + root + "': " + ec.message());
  auto text = abs.string();
  while (text.size() > 1 && text.back() == '/')
    text.pop_back();
  // mkdir -p with our mode (std::filesystem::create_directories uses 0777).
  std::filesystem::path prefix;
  for (const auto& part : std::filesystem::path{text}) {
    prefix /= part;
    if (part == "/" || part.empty())
      continue;
    if (::mkdir(prefix.c_str(), 0750) != 0 && errno != EEXIST)
      return caf::make_error(errc::storage_failed, "cannot create storage root '" + text
                                                     + "': " + prefix.string() + ": "
                                                     + errno_text(errno));
  }
  struct stat st {};
  if (::stat(text.c_str(), &st) != 0)
    return caf::make_error(errc::storage_failed,
                           "cannot open storage root '" + text + "': " + errno_text(errno));
  if (!S_ISDIR(st.st_mode))
    return caf::make_error(errc::storage_failed,
                           "storage root '" + text + "' exists and is not a folder");
  return std::unique_ptr<local_storage>{new local_storage(std::move(text))};
}

caf::expected<void> local_storage::put(const std::string& key, std::string_view bytes,
                                       const std::string&) {
  // The content type is not kept: readers derive it from the key's extension.
  constexpr const char* action = "cannot store";
  if (!is_valid_key(key))
    return invalid_key(key);
  auto segments = split(key);
  auto parent = open_parent(root_, segments, true);
  if (!parent.fd) {
    if (parent.err == ELOOP)
      return through_symlink(key);
    return failed(action, key, parent.at_root ? "storage root" : "folder", parent.err);
  }
  int dir = parent.fd.get();
  const auto& leaf = segments.back();
  // rename() would replace a link rather than follow it, but a link where an
  // object belongs means someone tampered with the root: refuse, as elsewhere.
  if (symlink_or(dir, leaf, 0) == ELOOP)
    return through_symlink(key);

  std::string tmp;
  unique_fd file;
  for (int attempt = 0; attempt < 8 && !file; ++attempt) {
    tmp = temp_name();
    file = unique_fd{::openat(dir, tmp.c_str(),
                              O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0640)};
    if (!file && errno != EEXIST)
      return failed(action, key, "create temporary file", errno);
  }
  if (!file)
    return failed(action, key, "create temporary file", EEXIST);

  // From here on, every failure removes the temporary file: the final name
  // only ever appears through the rename, complete.
  auto discard = [&](const char* step, int err) {
    file.close();
    ::unlinkat(dir, tmp.c_str(), 0);
    return failed(action, key, step, err);
  };
  if (int err = write_all(file.get(), bytes))
    return discard("write", err);
  if (::fsync(file.get()) != 0)
    return discard("fsync", errno);
  if (int err = file.close())
    return discard("close", err);
  if (::renameat(dir, tmp.c_str(), dir, leaf.c_str()) != 0)
    return discard("rename into place", errno);
  // The object is complete under its name, but not yet durable: report a
  // (transient) failure so the caller retries; a second put is harmless.
  if (::fsync(dir) != 0)
    return failed(action, key, "fsync folder", errno);
  return caf::unit;
}

caf::expected<std::string> local_storage::get(const std::string& key) {
  constexpr const char* action = "cannot read";
  if (!is_valid_key(key))
    return invalid_key(key);
  auto segments = split(key);
  auto parent = open_parent(root_, segments, false);
  if (!parent.fd) {
    if (auto err = parent_error(parent, action, key))
      return err;
    return not_found(key);
  }
  const auto& leaf = segments.back();
  // O_NONBLOCK: opening a FIFO planted in the root must not hang the caller.
  unique_fd file{::openat(parent.fd.get(), leaf.c_str(),
                          O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)};
  if (!file) {
    int err = symlink_or(parent.fd.get(), leaf, errno);
    if (err == ELOOP)
      return through_symlink(key);
    if (is_missing(err))
      return not_found(key);
    return failed(action, key, "open", err);
  }
  struct stat st {};
  if (::fstat(file.get(), &st) != 0)
    return failed(action, key, "stat", errno);
  if (!S_ISREG(st.st_mode))
    return not_found(key);  // a folder (prefix of other keys) is no object
  std::string out;
  if (int err = read_all(file.get(), out, static_cast<size_t>(st.st_size)))
    return failed(action, key, "read", err);
  return out;
}

caf::expected<bool> local_storage::exists(const std::string& key) {
  constexpr const char* action = "cannot look up";
  if (!is_valid_key(key))
    return invalid_key(key);
  auto segments = split(key);
  auto parent = open_parent(root_, segments, false);
  if (!parent.fd) {
    if (auto err = parent_error(parent, action, key))
      return err;
    return false;
  }
  struct stat st {};
  if (::fstatat(parent.fd.get(), segments.back().c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
    if (is_missing(errno))
      return false;
    return failed(action, key, "stat", errno);
  }
  if (S_ISLNK(st.st_mode))
    return through_symlink(key);
  return S_ISREG(st.st_mode);
}

caf::expected<bool> local_storage::remove(const std::string& key) {
  constexpr const char* action = "cannot delete";
  if (!is_valid_key(key))
    return invalid_key(key);
  auto segments = split(key);
  auto parent = open_parent(root_, segments, false);
  if (!parent.fd) {
    if (auto err = parent_error(parent, action, key))
      return err;
    return false;
  }
  int dir = parent.fd.get();
  const auto& leaf = segments.back();
  struct stat st {};
  if (::fstatat(dir, leaf.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
    if (is_missing(errno))
      return false;
    return failed(action, key, "stat", errno);
  }
  if (S_ISLNK(st.st_mode))
    return through_symlink(key);
  if (!S_ISREG(st.st_mode))
    return false;  // a folder is no object; leave it alone
  if (::unlinkat(dir, leaf.c_str(), 0) != 0) {
    if (errno == ENOENT)
      return false;  // a concurrent remove won
    return failed(action, key, "unlink", errno);
  }
  // Without this a crash could resurrect the blob after its row was marked
  // deleted, and nothing would ever delete it again.
  if (::fsync(dir) != 0)
    return failed(action, key, "fsync folder", errno);
  return true;
}

std::string local_storage::url_for(const std::string& key) const {
  // Clients see the backend and the key, never the server's folder layout.
  return "local:" + key;
}

namespace {

/// Regular files under `root` (no symlinks followed) with their relative path
/// and last write time; unreadable folders are skipped.
template <class F>
void walk_files(const std::string& root, F&& f) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::recursive_directory_iterator it{root, fs::directory_options::skip_permission_denied, ec};
  for (; !ec && it != fs::recursive_directory_iterator{}; it.increment(ec)) {
    std::error_code entry_ec;
    if (!it->is_regular_file(entry_ec) || it->is_symlink(entry_ec))
      continue;
    struct stat st {};
    if (::lstat(it->path().c_str(), &st) != 0)
      continue;
    auto written = std::chrono::system_clock::from_time_t(st.st_mtime);
    f(it->path(), fs::relative(it->path(), root, entry_ec).string(),
      static_cast<uint64_t>(st.st_size), written);
  }
}

}  // namespace

caf::expected<std::vector<blob_entry>> local_storage::list_written(std::chrono::seconds min_age,
                                                                   std::chrono::seconds max_age) {
  std::vector<blob_entry> out;
  auto now = std::chrono::system_clock::now();
  walk_files(root_, [&](const std::filesystem::path&, const std::string& rel, uint64_t size,
                        std::chrono::system_clock::time_point written) {
    auto age = now - written;
    if (age >= min_age && age <= max_age && is_valid_key(rel))
      out.push_back({rel, size, written});
  });
  return out;
}

caf::expected<int64_t> local_storage::remove_leftovers(std::chrono::seconds min_age) {
  int64_t removed = 0;
  auto now = std::chrono::system_clock::now();
  walk_files(root_, [&](const std::filesystem::path& path, const std::string&, uint64_t,
                        std::chrono::system_clock::time_point written) {
    if (path.filename().string().rfind(temp_prefix, 0) == 0 && now - written >= min_age
        && ::unlink(path.c_str()) == 0)
      ++removed;
  });
  return removed;
}

}  // namespace khaacho::storage
