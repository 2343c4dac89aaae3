// Decides pending migrations and refuses when history and files disagree.
#include "model/migration_plan.hpp"

#include <algorithm>
#include <map>

namespace khaacho::model {

std::optional<int64_t> migration_version_of(const std::string& file_name) {
  // NNNN_words.sql: at least one digit, an underscore, a name, ".sql".
  const std::string suffix = ".sql";
  if (file_name.size() <= suffix.size()
      || file_name.compare(file_name.size() - suffix.size(), suffix.size(), suffix) != 0)
    return std::nullopt;
  size_t digits = 0;
  while (digits < file_name.size() && file_name[digits] >= '0' && file_name[digits] <= '9')
    ++digits;
  if (digits == 0 || digits > 9 || file_name[digits] != '_'
      || digits + 1 >= file_name.size() - suffix.size())
    return std::nullopt;
  return std::stoll(file_name.substr(0, digits));
}

migration_plan plan_migrations(std::vector<migration_file> files,
                               const std::vector<applied_migration>& applied) {
  migration_plan plan;
  std::sort(files.begin(), files.end(),
            [](const auto& a, const auto& b) { return a.version < b.version; });
  std::map<int64_t, const migration_file*> by_version;
  for (const auto& f : files)
    by_version.emplace(f.version, &f);
  int64_t newest_applied = 0;
  for (const auto& a : applied) {
    newest_applied = std::max(newest_applied, a.version);
    auto i = by_version.find(a.version);
    if (i == by_version.end()) {
      plan.refusal = "migration " + a.name + " is applied but its file is missing";
      return plan;
    }
    if (i->second->checksum != a.checksum) {
      plan.refusal = "migration " + i->second->name
                     + " was edited after it was applied (checksum differs); "
                       "add a new migration instead";
      return plan;
    }
  }
  plan.already_applied = applied.size();
  for (const auto& f : files) {
    bool done = std::any_of(applied.begin(), applied.end(),
                            [&](const auto& a) { return a.version == f.version; });
    if (done)
      continue;
    if (f.version < newest_applied) {
      // A file slipped in below history: applying it out of order could
      // depend on objects later migrations changed.
      plan.refusal = "migration " + f.name + " is older than already applied migrations";
      plan.pending.clear();
      return plan;
    }
    plan.pending.push_back(f);
  }
  return plan;
}

}  // namespace khaacho::model
