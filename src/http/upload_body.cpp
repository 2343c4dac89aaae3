#include "http/upload_body.hpp"

#include <httplib.h>

#include "model/multipart_parser.hpp"

namespace khaacho::http {

namespace {

constexpr size_t max_retailer_id_bytes = 64;

enum class part_kind { image, retailer_id, other };

}  // namespace

upload_body read_upload_body(const httplib::Request& req, const httplib::ContentReader& reader,
                             const upload_limits& limits) {
  upload_body body;
  auto boundary = model::multipart_boundary(req.get_header_value("Content-Type"));
  if (!boundary) {
    body.result = upload_body::outcome::not_multipart;
    body.detail = "the body must be multipart/form-data with a boundary";
    return body;
  }
  const int64_t max_body = limits.max_image_bytes + limits.max_overhead_bytes;
  if (req.has_header("Content-Length")) {
    auto declared = req.get_header_value<uint64_t>("Content-Length");
    if (declared > static_cast<uint64_t>(max_body)) {
      body.result = upload_body::outcome::too_large;
      body.detail = "the upload is larger than " + std::to_string(limits.max_image_bytes)
                    + " bytes";
      return body;
    }
    body.image.reserve(static_cast<size_t>(std::min<uint64_t>(declared, limits.max_image_bytes)));
  }

  part_kind current = part_kind::other;
  model::multipart_parser parser{
    *boundary,
    [&](const model::multipart_part& part) {
      if (part.name == "image") {
        if (body.has_image) {
          body.result = upload_body::outcome::duplicate_part;
          body.detail = "more than one image part";
          return false;
        }
        body.has_image = true;
        current = part_kind::image;
      } else if (part.name == "retailerId") {
        if (body.has_retailer_id) {
          body.result = upload_body::outcome::duplicate_part;
          body.detail = "more than one retailerId part";
          return false;
        }
        body.has_retailer_id = true;
        current = part_kind::retailer_id;
      } else {
        current = part_kind::other;
      }
      return true;
    },
    [&](std::string_view data) {
      switch (current) {
        case part_kind::image:
          if (static_cast<int64_t>(body.image.size() + data.size()) > limits.max_image_bytes) {
            body.result = upload_body::outcome::too_large;
            body.detail = "the image is larger than " + std::to_string(limits.max_image_bytes)
                          + " bytes";
            return false;
          }
          body.image.append(data);
          return true;
        case part_kind::retailer_id:
          if (body.retailer_id.size() + data.size() > max_retailer_id_bytes) {
            body.result = upload_body::outcome::malformed;
            body.detail = "retailerId is too long";
            return false;
          }
          body.retailer_id.append(data);
          return true;
        case part_kind::other:
          return true;  // counted against the body limit, not kept
      }
      return true;
    }};

  // With the Content-Type gone httplib hands us the raw bytes; the boundary
  // was taken from it above. The request object is the server's own mutable
  // one, passed to handlers as const.
  auto& headers = const_cast<httplib::Request&>(req).headers;
  headers.erase("Content-Type");

  auto give_up = std::chrono::steady_clock::now() + limits.deadline;
  bool read_ok = reader([&](const char* data, size_t n) {
    body.bytes_read += static_cast<int64_t>(n);
    if (body.bytes_read > max_body) {
      body.result = upload_body::outcome::too_large;
      body.detail = "the upload is larger than " + std::to_string(limits.max_image_bytes)
                    + " bytes";
      return false;
    }
    if (std::chrono::steady_clock::now() > give_up) {
      body.result = upload_body::outcome::too_slow;
      body.detail = "the upload did not arrive within "
                    + std::to_string(limits.deadline.count()) + " s";
      return false;
    }
    if (!parser.feed(std::string_view{data, n})) {
      if (body.result == upload_body::outcome::ok) {
        body.result = upload_body::outcome::malformed;
        body.detail = "malformed multipart body: " + parser.error();
      }
      return false;
    }
    return true;
  });
  if (body.result != upload_body::outcome::ok)
    return body;
  if (!read_ok || !parser.done()) {
    body.result = upload_body::outcome::malformed;
    body.detail = read_ok ? "the multipart body ends before its closing boundary"
                          : "the body could not be read (connection closed or truncated)";
  }
  return body;
}

}  // namespace khaacho::http
