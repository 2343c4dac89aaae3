// Route labels of the HTTP request metrics: captures become "{}" so ids
// never become label values; unknown methods collapse to "other".
#include <catch2/catch.hpp>

#include "http/request_metrics.hpp"

using namespace khaacho::http;

TEST_CASE("route_pattern replaces each capture of the matched route", "[model]") {
  auto [path, captures, want] =
    GENERATE(table<std::string, std::vector<std::pair<size_t, size_t>>, std::string>({
      {"/api/orders/uploads", {}, "/api/orders/uploads"},
      {"/api/orders/uploads/3f1c2b9e-0000-4000-8000-000000000001",
       {{20, 36}},
       "/api/orders/uploads/{}"},
      {"/api/orders/uploads/abc/review", {{20, 3}}, "/api/orders/uploads/{}/review"},
      {"/admin/stages/ocr/pause", {{14, 3}}, "/admin/stages/{}/pause"},
      {"/x/1/y/22", {{3, 1}, {7, 2}}, "/x/{}/y/{}"},
      {"/x/1", {{3, 9}}, "/x/1"},  // out of range: kept as is
    }));
  CAPTURE(path);
  CHECK(route_pattern(path, captures) == want);
}

TEST_CASE("method_label keeps standard methods and folds the rest", "[model]") {
  CHECK(method_label("GET") == "GET");
  CHECK(method_label("DELETE") == "DELETE");
  CHECK(method_label("BREW") == "other");
  CHECK(method_label("get") == "other");
}
