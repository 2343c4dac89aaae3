// The loopback GCS fake: the four object endpoints of the JSON API plus the
// metadata token endpoint, with request recording and injected failures.
#include "support/fake_gcs_server.hpp"

#include <stdexcept>

#include <httplib.h>

namespace khaacho::test {

namespace {

const std::string metadata_path = "/computeMetadata/v1/instance/service-accounts/default/token";
const std::string upload_prefix = "/upload/storage/v1/b/";
const std::string object_prefix = "/storage/v1/b/";

int hex_value(char c) {
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

/// Strict percent-decoding; false on a malformed escape.
bool percent_decode(const std::string& in, std::string& out) {
  out.clear();
  for (size_t i = 0; i < in.size(); ++i) {
    if (in[i] != '%') {
      out += in[i];
      continue;
    }
    if (i + 2 >= in.size())
      return false;
    int hi = hex_value(in[i + 1]);
    int lo = hex_value(in[i + 2]);
    if (hi < 0 || lo < 0)
      return false;
    out += static_cast<char>(hi * 16 + lo);
    i += 2;
  }
  return true;
}

/// The raw value of `name` in a raw query string, decoded; empty if absent.
std::string query_param(const std::string& query, const std::string& name) {
  size_t start = 0;
  while (start <= query.size()) {
    auto end = query.find('&', start);
    auto pair = query.substr(start, end == std::string::npos ? std::string::npos : end - start);
    auto eq = pair.find('=');
    if (pair.substr(0, eq) == name) {
      std::string out;
      if (eq != std::string::npos && percent_decode(pair.substr(eq + 1), out))
        return out;
      return {};
    }
    if (end == std::string::npos)
      break;
    start = end + 1;
  }
  return {};
}

std::string json_escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '"' || c == '\\')
      out += '\\';
    out += c;
  }
  return out;
}

void gcs_error(httplib::Response& res, int status, const std::string& message) {
  res.status = status;
  res.set_content(R"({"error":{"code":)" + std::to_string(status) + R"(,"message":")"
                    + json_escape(message) + R"("}})",
                  "application/json");
}

std::string object_json(const std::string& bucket, const std::string& name,
                        const fake_object& obj) {
  return R"({"kind":"storage#object","bucket":")" + json_escape(bucket) + R"(","name":")"
         + json_escape(name) + R"(","size":")" + std::to_string(obj.data.size())
         + R"(","contentType":")" + json_escape(obj.content_type) + R"("})";
}

}  // namespace

fake_gcs_server::fake_gcs_server() : server_(std::make_unique<httplib::Server>()) {
  auto h = [this](const httplib::Request& req, httplib::Response& res) { handle(req, res); };
  server_->Get(".*", h);
  server_->Post(".*", h);
  server_->Delete(".*", h);
  port_ = server_->bind_to_any_port("127.0.0.1");
  if (port_ <= 0)
    throw std::runtime_error("fake GCS server: cannot bind a loopback port");
  thread_ = std::thread([this] { server_->listen_after_bind(); });
  // stop() before the accept loop runs would be lost and join() would hang.
  while (!server_->is_running())
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
}

fake_gcs_server::~fake_gcs_server() {
  {
    std::lock_guard<std::mutex> guard{mtx_};
    stopping_ = true;
  }
  stopping_cv_.notify_all();
  server_->stop();
  thread_.join();
}

std::string fake_gcs_server::endpoint() const {
  return "http://127.0.0.1:" + std::to_string(port_);
}

std::string fake_gcs_server::metadata_url() const {
  return endpoint() + metadata_path;
}

void fake_gcs_server::fail_next(int count, int status) {
  std::lock_guard<std::mutex> guard{mtx_};
  fail_count_ = count;
  fail_status_ = status;
}

void fake_gcs_server::set_delay(std::chrono::milliseconds delay) {
  std::lock_guard<std::mutex> guard{mtx_};
  delay_ = delay;
}

void fake_gcs_server::set_metadata_token(std::string token, int64_t expires_in) {
  std::lock_guard<std::mutex> guard{mtx_};
  metadata_token_ = std::move(token);
  metadata_expires_in_ = expires_in;
}

std::vector<gcs_request> fake_gcs_server::requests() const {
  std::lock_guard<std::mutex> guard{mtx_};
  return requests_;
}

int fake_gcs_server::metadata_fetches() const {
  std::lock_guard<std::mutex> guard{mtx_};
  return metadata_fetches_;
}

std::map<std::string, fake_object> fake_gcs_server::objects(const std::string& bucket) const {
  std::lock_guard<std::mutex> guard{mtx_};
  auto i = buckets_.find(bucket);
  return i == buckets_.end() ? std::map<std::string, fake_object>{} : i->second;
}

void fake_gcs_server::put_object(const std::string& bucket, const std::string& name,
                                 fake_object obj) {
  std::lock_guard<std::mutex> guard{mtx_};
  buckets_[bucket][name] = std::move(obj);
}

void fake_gcs_server::handle(const httplib::Request& req, httplib::Response& res) {
  gcs_request rec;
  rec.method = req.method;
  rec.target = req.target;
  auto qmark = req.target.find('?');
  rec.path = req.target.substr(0, qmark);
  std::string query = qmark == std::string::npos ? "" : req.target.substr(qmark + 1);
  rec.authorization = req.get_header_value("Authorization");
  rec.content_type = req.get_header_value("Content-Type");
  rec.metadata_flavor = req.get_header_value("Metadata-Flavor");

  std::unique_lock<std::mutex> lock{mtx_};
  requests_.push_back(rec);
  if (delay_.count() > 0)
    stopping_cv_.wait_for(lock, delay_, [this] { return stopping_; });
  if (fail_count_ > 0) {
    --fail_count_;
    gcs_error(res, fail_status_, "injected failure");
    return;
  }

  if (rec.path == metadata_path) {
    if (req.method != "GET" || rec.metadata_flavor != "Google") {
      gcs_error(res, 403, "missing Metadata-Flavor: Google");
      return;
    }
    ++metadata_fetches_;
    res.set_content(R"({"access_token":")" + json_escape(metadata_token_)
                      + R"(","expires_in":)" + std::to_string(metadata_expires_in_)
                      + R"(,"token_type":"Bearer"})",
                    "application/json");
    return;
  }

  if (rec.authorization.rfind("Bearer ", 0) != 0 || rec.authorization.size() <= 7) {
    gcs_error(res, 401, "missing bearer token");
    return;
  }

  // POST /upload/storage/v1/b/{bucket}/o?uploadType=media&name={name}
  if (req.method == "POST" && rec.path.rfind(upload_prefix, 0) == 0) {
    auto rest = rec.path.substr(upload_prefix.size());
    auto slash = rest.find('/');
    std::string bucket;
    if (slash == std::string::npos || rest.substr(slash) != "/o"
        || !percent_decode(rest.substr(0, slash), bucket)) {
      gcs_error(res, 404, "not found");
      return;
    }
    auto name = query_param(query, "name");
    if (query_param(query, "uploadType") != "media" || name.empty()) {
      gcs_error(res, 400, "uploadType=media and name are required");
      return;
    }
    auto& obj = buckets_[bucket][name];
    obj.data = req.body;
    obj.content_type = rec.content_type;
    res.set_content(object_json(bucket, name, obj), "application/json");
    return;
  }

  // {GET,DELETE} /storage/v1/b/{bucket}/o/{name}
  if (rec.path.rfind(object_prefix, 0) == 0) {
    auto rest = rec.path.substr(object_prefix.size());
    auto marker = rest.find("/o/");
    std::string bucket, name;
    if (marker == std::string::npos || !percent_decode(rest.substr(0, marker), bucket)) {
      gcs_error(res, 404, "not found");
      return;
    }
    auto raw_name = rest.substr(marker + 3);
    // An unencoded '/' would make the rest of the path a sub-resource.
    if (raw_name.empty() || raw_name.find('/') != std::string::npos
        || !percent_decode(raw_name, name)) {
      gcs_error(res, 404, "not found");
      return;
    }
    auto b = buckets_.find(bucket);
    auto found = b == buckets_.end() ? nullptr : &b->second;
    auto o = found ? found->find(name) : std::map<std::string, fake_object>::iterator{};
    bool exists = found && o != found->end();
    if (!exists) {
      gcs_error(res, 404, "No such object: " + bucket + "/" + name);
      return;
    }
    if (req.method == "DELETE") {
      found->erase(o);
      res.status = 204;
      return;
    }
    if (query_param(query, "alt") == "media")
      res.set_content(o->second.data, o->second.content_type);
    else
      res.set_content(object_json(bucket, name, o->second), "application/json");
    return;
  }
  gcs_error(res, 404, "not found");
}

}  // namespace khaacho::test
