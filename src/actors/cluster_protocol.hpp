// Messages of cluster mode between the registry, the stream consumer and the
// cluster link (all in one process: nothing here crosses the network as a
// CAF message; Redis carries only order ids).
#pragma once

#include <caf/meta/type_name.hpp>

#include "actors/atoms.hpp"
#include "adapters/redis/order_stream.hpp"

namespace khaacho::redis {

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, stream_entry& x) {
  return f(caf::meta::type_name("stream_entry"), x.entry_id, x.order_id);
}

}  // namespace khaacho::redis
