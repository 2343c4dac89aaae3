// Recognizes UUIDs in their canonical text form (the ids of the API and the catalog).
#pragma once

#include <string>
#include <string_view>

namespace khaacho::model {

/// True for the canonical 8-4-4-4-12 hex form, any case, nothing around it.
/// Any version is accepted: ids are opaque to us.
bool is_uuid(std::string_view text) noexcept;

/// The lower-case spelling of a UUID, as PostgreSQL prints it, so ids compare
/// equal as text. Precondition: is_uuid(text).
std::string lowercase_uuid(std::string_view text);

}  // namespace khaacho::model
