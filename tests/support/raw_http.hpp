// A bare TCP client for tests that must control exactly which bytes reach
// the server and when (oversized or stalled bodies, malformed requests).
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

namespace khaacho::test {

class raw_connection {
public:
  explicit raw_connection(int port);
  ~raw_connection();
  raw_connection(const raw_connection&) = delete;
  raw_connection& operator=(const raw_connection&) = delete;

  /// Sends all of `bytes`, or as much as the peer accepts within `timeout`;
  /// returns the number of bytes sent.
  size_t send(std::string_view bytes, std::chrono::milliseconds timeout = std::chrono::seconds{5});

  /// Reads until a complete HTTP response head and Content-Length body, the
  /// peer closes, or `timeout` passes. Returns what arrived.
  std::string read_response(std::chrono::milliseconds timeout = std::chrono::seconds{10});

  void close();

private:
  int fd_ = -1;
};

/// The status code of a raw response ("HTTP/1.1 413 ..."), or -1.
int status_of_raw(const std::string& response);

/// A multipart/form-data body; parts are (name, filename, content type, data).
struct form_part {
  std::string name;
  std::string filename;
  std::string content_type;
  std::string data;
};
std::string multipart_body(const std::string& boundary, const std::vector<form_part>& parts);

}  // namespace khaacho::test
