// An incremental multipart/form-data parser (RFC 7578): bytes go in as they
// arrive from the socket, part headers and part data come out through
// callbacks, so an upload is never buffered whole and can be refused the
// moment a part passes its limit. Pure; no I/O. Never throws on any input.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace khaacho::model {

/// The boundary parameter of a `multipart/form-data; boundary=...` header
/// value (quoted or not, 1..70 characters), or nullopt if the value is not
/// multipart/form-data or has no valid boundary.
std::optional<std::string> multipart_boundary(std::string_view content_type);

struct multipart_part {
  std::string name;          ///< Content-Disposition name
  std::string filename;      ///< Content-Disposition filename; may be empty
  std::string content_type;  ///< the part's Content-Type; may be empty
};

struct multipart_limits {
  size_t max_header_bytes = 8 * 1024;  ///< all header lines of one part
  size_t max_parts = 16;
};

class multipart_parser {
public:
  /// Called at the start of each part; return false to stop parsing.
  using part_callback = std::function<bool(const multipart_part&)>;
  /// Called with the next bytes of the current part's body (any chunking);
  /// return false to stop parsing.
  using data_callback = std::function<bool(std::string_view)>;

  multipart_parser(std::string boundary, part_callback on_part, data_callback on_data,
                   multipart_limits limits = {});

  /// Feeds the next bytes. Returns false once the input is malformed, a limit
  /// was passed, or a callback asked to stop; later calls then do nothing and
  /// return false. Bytes after the closing boundary are ignored (epilogue).
  bool feed(std::string_view bytes);

  /// True once the closing boundary ("--boundary--") was seen: the body is
  /// complete. A body that ends before this is truncated.
  bool done() const noexcept;

  /// Why feed returned false ("" while all is well): "malformed part header",
  /// "too many parts", "part header too large", "stopped", ...
  const std::string& error() const noexcept;

private:
  struct state;
  std::shared_ptr<state> state_;
};

}  // namespace khaacho::model
