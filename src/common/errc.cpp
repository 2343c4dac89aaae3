// Names and classification of khaacho::errc.
#include "common/errc.hpp"

#include <caf/deep_to_string.hpp>
#include <caf/message.hpp>
#include <caf/sec.hpp>

namespace khaacho {

std::string to_string(errc x) {
  switch (x) {
    case errc::bad_input: return "bad_input";
    case errc::db_unavailable: return "db_unavailable";
    case errc::db_query_failed: return "db_query_failed";
    case errc::migration_checksum_mismatch: return "migration_checksum_mismatch";
    case errc::schema_out_of_date: return "schema_out_of_date";
    case errc::internal: return "internal";
    case errc::timeout: return "timeout";
    case errc::not_found: return "not_found";
    case errc::upstream_unavailable: return "upstream_unavailable";
    case errc::upstream_rejected: return "upstream_rejected";
    case errc::unauthorized: return "unauthorized";
    case errc::storage_failed: return "storage_failed";
  }
  return "unknown";
}

bool has_code(const caf::error& err, errc code) {
  return err.category() == caf::atom("khaacho") && static_cast<errc>(err.code()) == code;
}

bool is_transient(const caf::error& err) {
  if (!err)
    return false;
  if (err.category() == caf::atom("khaacho")) {
    switch (static_cast<errc>(err.code())) {
      case errc::db_unavailable:
      case errc::timeout:
      case errc::upstream_unavailable:
      case errc::storage_failed:
        return true;
      default:
        return false;
    }
  }
  if (err.category() == caf::atom("system")) {
    switch (static_cast<caf::sec>(err.code())) {
      case caf::sec::request_timeout:
      case caf::sec::request_receiver_down:
      case caf::sec::runtime_error:
        return true;
      default:
        return false;
    }
  }
  if (err.category() == caf::atom("exit"))
    return true;  // a worker died under the attempt
  return false;
}

std::string describe(const caf::error& err) {
  if (!err)
    return "ok";
  if (err.category() == caf::atom("khaacho")) {
    std::string out = to_string(static_cast<errc>(err.code()));
    const auto& ctx = err.context();
    if (!ctx.empty() && ctx.match_element<std::string>(0))
      out += ": " + ctx.get_as<std::string>(0);
    else if (!ctx.empty())
      out += ": " + caf::deep_to_string(ctx);
    return out;
  }
  return caf::to_string(err);
}

}  // namespace khaacho
