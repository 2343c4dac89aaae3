// Every atom of the actor system, in one place so a duplicate text is visible.
// Atom texts are at most 10 characters.
#pragma once

#include <caf/atom.hpp>

namespace khaacho {

using query_atom = caf::atom_constant<caf::atom("query")>;
using transact_atom = caf::atom_constant<caf::atom("transact")>;
using stats_atom = caf::atom_constant<caf::atom("stats")>;
using sweep_atom = caf::atom_constant<caf::atom("sweep")>;

}  // namespace khaacho
