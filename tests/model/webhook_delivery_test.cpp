// After one webhook attempt: SENT, FAILED for good, or a retry after backoff.
#include <catch2/catch.hpp>

#include "model/webhook_delivery.hpp"

using namespace khaacho::model;
using std::chrono::milliseconds;

TEST_CASE("HTTP statuses decide between delivered, refused and retry", "[model][webhooks]") {
  auto [status, expected] = GENERATE(table<long, attempt_result>({
    {200, attempt_result::delivered}, {201, attempt_result::delivered},
    {204, attempt_result::delivered}, {299, attempt_result::delivered},
    {301, attempt_result::refused},   {302, attempt_result::refused},
    {400, attempt_result::refused},   {401, attempt_result::refused},
    {404, attempt_result::refused},   {410, attempt_result::refused},
    {408, attempt_result::retry},     {425, attempt_result::retry},
    {429, attempt_result::retry},     {500, attempt_result::retry},
    {502, attempt_result::retry},     {503, attempt_result::retry},
    {100, attempt_result::refused},
  }));
  CAPTURE(status);
  CHECK(result_of_status(status) == expected);
}

TEST_CASE("a retry backs off exponentially until the attempts run out", "[model][webhooks]") {
  backoff_policy p{milliseconds{1000}, milliseconds{60000}, false};
  auto s1 = next_delivery_step(attempt_result::retry, 1, 5, p, 0.5);
  CHECK(s1.status == "PENDING");
  CHECK(s1.retry_in == milliseconds{1000});
  CHECK(next_delivery_step(attempt_result::retry, 3, 5, p, 0.5).retry_in == milliseconds{4000});
  CHECK(next_delivery_step(attempt_result::retry, 5, 5, p, 0.5).status == "FAILED");
  // Jitter scales the cap by the draw.
  backoff_policy j{milliseconds{1000}, milliseconds{60000}, true};
  CHECK(next_delivery_step(attempt_result::retry, 2, 5, j, 0.25).retry_in == milliseconds{500});
  // A receiver's Retry-After wins over a shorter backoff, capped by the max.
  CHECK(next_delivery_step(attempt_result::retry, 1, 5, p, 0.5, milliseconds{30000}).retry_in
        == milliseconds{30000});
  CHECK(next_delivery_step(attempt_result::retry, 1, 5, p, 0.5, milliseconds{600000}).retry_in
        == milliseconds{60000});
}

TEST_CASE("delivered is SENT and refused is FAILED at any attempt", "[model][webhooks]") {
  backoff_policy p;
  CHECK(next_delivery_step(attempt_result::delivered, 1, 5, p, 0.5).status == "SENT");
  CHECK(next_delivery_step(attempt_result::delivered, 9, 5, p, 0.5).status == "SENT");
  CHECK(next_delivery_step(attempt_result::refused, 1, 5, p, 0.5).status == "FAILED");
}
