// Streams a multipart upload body off the socket into the parts the upload
// route needs, refusing the moment a limit is passed: the rest of an
// oversized body is never read, let alone buffered.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace httplib {
struct Request;
class ContentReader;
}

namespace khaacho::http {

struct upload_limits {
  int64_t max_image_bytes = 10 * 1024 * 1024;
  /// Largest width x height the image's header may declare (checked by the
  /// route after sniffing, before the image is stored or decoded).
  int64_t max_image_pixels = 64'000'000;
  /// Everything that is not the image (other fields, part headers, boundaries).
  int64_t max_overhead_bytes = 64 * 1024;
  /// The whole body must arrive within this (slow clients cannot hold a thread).
  std::chrono::seconds deadline{60};
};

struct upload_body {
  enum class outcome {
    ok,
    not_multipart,  ///< 400: Content-Type is not multipart/form-data with a boundary
    too_large,      ///< 413: image or body over its limit (reading stopped)
    malformed,      ///< 400: not valid multipart, or truncated
    duplicate_part, ///< 400: two image or retailerId parts
    too_slow,       ///< 408: the deadline passed
  };
  outcome result = outcome::ok;
  std::string detail;  ///< human text for errors
  bool has_image = false;
  std::string image;
  bool has_retailer_id = false;
  std::string retailer_id;
  int64_t bytes_read = 0;  ///< body bytes taken off the socket
};

/// Reads the body of `req` through `reader`. `req` is the live request of a
/// content-reader route: its Content-Type header is consumed here (httplib
/// would otherwise parse multipart itself, buffering and without our limits).
upload_body read_upload_body(const httplib::Request& req, const httplib::ContentReader& reader,
                             const upload_limits& limits);

}  // namespace khaacho::http
