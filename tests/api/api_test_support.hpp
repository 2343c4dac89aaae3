// Shared helpers of the API tests: uploads through httplib and JSON reads.
#pragma once

#include <string>

#include <httplib.h>
#include <simdjson.h>

#include "support/khaacho_server.hpp"
#include "support/test_images.hpp"

namespace khaacho::test {

inline const std::string retailer_a = "0b7f2c1e-9f0a-4c4e-8a53-2f6f0a1d9c11";
inline const std::string retailer_b = "5d2e8a41-7c3b-4f6e-9a1d-3e4f5a6b7c8d";

/// POSTs `image` as the `image` part (plus retailerId when given).
inline httplib::Result upload(httplib::Client& cli, const std::string& token,
                              const std::string& image, const std::string& retailer_id = "",
                              httplib::Headers extra = {}, const std::string& query = "",
                              const std::string& filename = "order.jpg",
                              const std::string& declared_type = "image/jpeg") {
  httplib::MultipartFormDataItems items{{"image", image, filename, declared_type}};
  if (!retailer_id.empty())
    items.push_back({"retailerId", retailer_id, "", ""});
  auto headers = bearer(token);
  for (auto& h : extra)
    headers.insert(h);
  return cli.Post(("/api/orders/upload-image" + query).c_str(), headers, items);
}

/// A field of a JSON body as text ("" when absent or not a string).
inline std::string json_field(const std::string& body, const char* pointer) {
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  if (parser.parse(body).get(doc))
    return "";
  std::string_view v;
  if (doc.at_pointer(pointer).get(v))
    return "";
  return std::string{v};
}

/// Number of elements of a JSON array at `pointer`, or -1.
inline int64_t json_array_size(const std::string& body, const char* pointer) {
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  if (parser.parse(body).get(doc))
    return -1;
  simdjson::dom::array a;
  if (doc.at_pointer(pointer).get(a))
    return -1;
  return static_cast<int64_t>(a.size());
}

inline bool json_is_null(const std::string& body, const char* pointer) {
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  if (parser.parse(body).get(doc))
    return false;
  simdjson::dom::element e;
  if (doc.at_pointer(pointer).get(e))
    return false;
  return e.is_null();
}

}  // namespace khaacho::test
