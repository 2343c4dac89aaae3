// The lease fence of the stages that write an order's rows themselves
// (normalize, rank, rfq, notify): every statement names the order as $1 and
// the supervisor's lease epoch as $2, and only takes effect while that
// epoch still owns the PROCESSING order. A node that lost the order can
// then write nothing, however late its statement arrives.
#pragma once

#include <caf/error.hpp>

#include "common/errc.hpp"

namespace khaacho::stages {

/// First statement of a fenced transaction: locks the order row, so the
/// fence cannot change before the transaction ends. No row: fenced out.
inline constexpr const char* lock_order_sql =
  "SELECT id FROM uploaded_orders WHERE id = $1::uuid AND lease_epoch = $2::bigint"
  " AND status = 'PROCESSING' FOR UPDATE";

/// A condition to AND into each statement's WHERE.
inline constexpr const char* order_fence_sql =
  "EXISTS (SELECT 1 FROM uploaded_orders WHERE id = $1::uuid AND lease_epoch = $2::bigint"
  " AND status = 'PROCESSING')";

/// The failure of a stage whose fence refused its write: permanent, and
/// the supervisor's own fenced write then stops it without further effects.
inline caf::error lease_lost() {
  return caf::make_error(errc::db_query_failed, "the order's lease moved on");
}

}  // namespace khaacho::stages
