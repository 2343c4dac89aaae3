// A loopback fake of the GCS JSON API (upload, download, metadata, delete) and
// of the GCE metadata token endpoint, for the gcs_storage tests.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace httplib {
class Server;
struct Request;
struct Response;
}  // namespace httplib

namespace khaacho::test {

/// What the fake saw of one request. (Named apart from scripted_http_fake's
/// recorded_request: two classes of one name in one namespace break the ODR.)
struct gcs_request {
  std::string method;
  std::string target;  ///< raw, as sent: path and query, still percent-encoded
  std::string path;    ///< raw path (before '?')
  std::string authorization;
  std::string content_type;
  std::string metadata_flavor;
};

struct fake_object {
  std::string data;
  std::string content_type;
};

/// Serves on 127.0.0.1 on a free port from its own thread until destroyed.
/// Object names are read from the raw request target, as GCS does: a '/' in a
/// name must arrive as %2F, an unencoded one makes the request miss (404).
class fake_gcs_server {
public:
  fake_gcs_server();
  ~fake_gcs_server();
  fake_gcs_server(const fake_gcs_server&) = delete;
  fake_gcs_server& operator=(const fake_gcs_server&) = delete;

  int port() const { return port_; }
  /// http://127.0.0.1:PORT, for storage.gcs-endpoint.
  std::string endpoint() const;
  /// The metadata token URL on this server, for storage.gcs-metadata-url.
  std::string metadata_url() const;

  /// The next `count` requests (of any kind) answer `status` with a GCS-shaped error.
  void fail_next(int count, int status);
  /// Every request waits this long before it is answered (cut short on shutdown).
  void set_delay(std::chrono::milliseconds delay);
  /// What the metadata endpoint hands out; each fetch counts.
  void set_metadata_token(std::string token, int64_t expires_in);

  std::vector<gcs_request> requests() const;
  int metadata_fetches() const;
  std::map<std::string, fake_object> objects(const std::string& bucket) const;
  void put_object(const std::string& bucket, const std::string& name, fake_object obj);

private:
  void handle(const httplib::Request& req, httplib::Response& res);

  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
  int port_ = 0;

  mutable std::mutex mtx_;
  std::condition_variable stopping_cv_;
  bool stopping_ = false;
  std::vector<gcs_request> requests_;
  std::map<std::string, std::map<std::string, fake_object>> buckets_;
  int fail_count_ = 0;
  int fail_status_ = 500;
  std::chrono::milliseconds delay_{0};
  std::string metadata_token_ = "metadata-token-1";
  int64_t metadata_expires_in_ = 3599;
  int metadata_fetches_ = 0;
};

}  // namespace khaacho::test
