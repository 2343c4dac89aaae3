// The project's error codes: the one currency for failures across actor and
// adapter boundaries (returned as caf::error, classified by is_transient).
#pragma once

#include <cstdint>
#include <string>

#include <caf/error.hpp>
#include <caf/make_message.hpp>

namespace khaacho {

enum class errc : uint8_t {
  /// The input itself is wrong (bad CSV row, bad config value); retrying cannot help.
  bad_input = 1,
  /// The database could not be reached or the connection broke; retry later.
  db_unavailable,
  /// The database refused the statement (constraint, syntax); permanent.
  db_query_failed,
  /// A stored migration differs from the file that claims to be it.
  migration_checksum_mismatch,
  /// The schema is older than this binary expects.
  schema_out_of_date,
  /// Something that must not happen happened; permanent.
  internal,
  /// Statement or call exceeded its own deadline; retry later.
  timeout,
  /// The requested thing does not exist.
  not_found,
  /// An outside service answered with a temporary failure (429, 5xx).
  upstream_unavailable,
  /// An outside service refused the request (4xx); permanent.
  upstream_rejected,
  /// A bearer token is missing, malformed, wrongly signed or expired.
  unauthorized,
  /// Blob storage could not read or write (disk full, I/O error); retry later.
  storage_failed,
};

/// A stable snake_case name for logs and test output.
std::string to_string(errc x);

/// True when `err` is our error `code` (and not, say, a CAF error that
/// happens to share its number).
bool has_code(const caf::error& err, errc code);

/// True for failures worth retrying after a backoff.
bool is_transient(const caf::error& err);

/// Human text of an error of our category, or CAF's rendering for others.
std::string describe(const caf::error& err);

}  // namespace khaacho

CAF_ERROR_CODE_ENUM(khaacho::errc, "khaacho")
