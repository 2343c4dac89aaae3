// CAF inspect overloads for the database value types, so they can travel in
// messages; kept here so src/adapters stays free of CAF message machinery.
#pragma once

#include <caf/meta/type_name.hpp>

#include "adapters/db/pg_result.hpp"

namespace khaacho::db {

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, pg_statement& x) {
  return f(caf::meta::type_name("pg_statement"), x.sql, x.params);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, pg_result& x) {
  return f(caf::meta::type_name("pg_result"), x.columns, x.rows, x.affected_rows);
}

}  // namespace khaacho::db
