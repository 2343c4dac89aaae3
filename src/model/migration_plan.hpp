// Pure decision of which migrations to apply, given the files on disk and the
// rows of schema_migrations. No I/O: checksums are computed by the caller.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace khaacho::model {

/// One migration file: `0003_notifications.sql` has version 3.
struct migration_file {
  int64_t version = 0;
  std::string name;      ///< file name, e.g. "0003_notifications.sql"
  std::string sql;       ///< file content
  std::string checksum;  ///< hex SHA-256 of `sql`
};

/// One row of schema_migrations.
struct applied_migration {
  int64_t version = 0;
  std::string name;
  std::string checksum;
};

/// What must happen, or why nothing may.
struct migration_plan {
  std::vector<migration_file> pending;  ///< in version order
  size_t already_applied = 0;
  /// Set when an applied migration's file changed or vanished; then nothing
  /// may be applied. Names the file.
  std::optional<std::string> refusal;
};

/// Parses the version from a file name "NNNN_words.sql"; nullopt if malformed.
std::optional<int64_t> migration_version_of(const std::string& file_name);

/// Decides the plan. `files` need not be sorted.
migration_plan plan_migrations(std::vector<migration_file> files,
                               const std::vector<applied_migration>& applied);

}  // namespace khaacho::model
