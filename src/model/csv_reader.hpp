// RFC 4180 CSV over text already in memory: a streaming record reader and the
// header's column index. No I/O; the caller reads the file.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace khaacho::model {

/// A syntax error in CSV text. `line` is 1-based, counted in LF line breaks.
struct csv_error {
  size_t line = 0;
  std::string message;
};

/// Reads CSV records one at a time. Fields are separated by commas; a field in
/// double quotes may hold commas, line breaks and doubled quotes (`""`); a
/// record ends at LF or CRLF (a lone CR is data). A UTF-8 byte order mark at
/// the start is skipped, and so are empty lines. Quotes inside an unquoted
/// field, text after a closing quote and an unterminated quoted field are
/// errors: guessing would silently shift columns. Fields are not trimmed.
class csv_reader {
public:
  /// `text` must outlive the reader.
  explicit csv_reader(std::string_view text) noexcept;

  /// Reads the next record into `fields`, reusing its strings to spare
  /// allocations on large files. Returns false at the end of the text or on a
  /// syntax error; `error()` tells them apart. After an error it stays false.
  bool next(std::vector<std::string>& fields);

  /// Line on which the record last returned by `next` starts.
  size_t record_line() const noexcept { return record_line_; }

  /// The syntax error that stopped the reader, if any.
  const std::optional<csv_error>& error() const noexcept { return error_; }

private:
  bool fail(size_t line, std::string message);

  std::string_view text_;
  size_t pos_ = 0;
  size_t line_ = 1;
  size_t record_line_ = 0;
  std::optional<csv_error> error_;
};

/// Column positions by name, from a header record (names trimmed of spaces).
class csv_columns {
public:
  explicit csv_columns(const std::vector<std::string>& header);

  /// Position of column `name`, if the header has it.
  std::optional<size_t> find(std::string_view name) const;

  /// Number of columns in the header; every record must have exactly this many.
  size_t size() const noexcept { return size_; }

  /// The first name that occurs twice in the header (then `find` is ambiguous).
  const std::optional<std::string>& duplicate() const noexcept { return duplicate_; }

private:
  std::unordered_map<std::string, size_t> index_;
  size_t size_ = 0;
  std::optional<std::string> duplicate_;
};

/// A whole CSV text as records, for small inputs; large files go through
/// `csv_reader` one record at a time.
struct csv_document {
  std::vector<std::vector<std::string>> records;
  std::vector<size_t> lines;  ///< start line of each record
  std::optional<csv_error> error;
};

/// Reads all records of `text`; stops at the first syntax error.
csv_document parse_csv(std::string_view text);

/// `text` without leading and trailing spaces and tabs.
std::string_view trim_blanks(std::string_view text) noexcept;

}  // namespace khaacho::model
