// The SSRF guard's address classes: every special-purpose block a webhook
// could be pointed at, in IPv4 and in the IPv6 forms that embed IPv4.
#include <catch2/catch.hpp>

#include "model/ip_address_class.hpp"

using namespace khaacho::model;

TEST_CASE("addresses are classified by the special-purpose block they lie in",
          "[model][webhooks]") {
  auto [text, expected] = GENERATE(table<const char*, address_class>({
    {"8.8.8.8", address_class::public_unicast},
    {"1.1.1.1", address_class::public_unicast},
    {"0.0.0.0", address_class::unspecified},
    {"0.1.2.3", address_class::unspecified},
    {"127.0.0.1", address_class::loopback},
    {"127.255.255.254", address_class::loopback},
    {"10.0.0.1", address_class::private_use},
    {"172.16.0.1", address_class::private_use},
    {"172.31.255.255", address_class::private_use},
    {"172.32.0.1", address_class::public_unicast},
    {"192.168.1.1", address_class::private_use},
    {"100.64.0.1", address_class::shared_cgnat},
    {"100.127.255.255", address_class::shared_cgnat},
    {"100.128.0.1", address_class::public_unicast},
    {"169.254.169.254", address_class::link_local},  // cloud metadata
    {"224.0.0.1", address_class::multicast},
    {"239.255.255.250", address_class::multicast},
    {"240.0.0.1", address_class::reserved},
    {"255.255.255.255", address_class::reserved},
    {"192.0.2.10", address_class::reserved},
    {"198.18.0.1", address_class::reserved},
    {"2606:4700:4700::1111", address_class::public_unicast},
    {"::", address_class::unspecified},
    {"::1", address_class::loopback},
    {"fc00::1", address_class::unique_local},
    {"fd12:3456::1", address_class::unique_local},
    {"fe80::1", address_class::link_local},
    {"febf::1", address_class::link_local},
    {"fec0::1", address_class::reserved},
    {"ff02::1", address_class::multicast},
    {"::ffff:127.0.0.1", address_class::loopback},
    {"::ffff:169.254.169.254", address_class::link_local},
    {"::ffff:10.1.2.3", address_class::private_use},
    {"::ffff:8.8.8.8", address_class::public_unicast},
    {"::127.0.0.1", address_class::loopback},
    {"64:ff9b::a9fe:a9fe", address_class::link_local},  // NAT64 of 169.254.169.254
    {"64:ff9b::808:808", address_class::public_unicast},
    {"2002:7f00:1::", address_class::loopback},  // 6to4 of 127.0.0.1
    {"2001::1", address_class::tunnel},          // Teredo
    {"2001:db8::1", address_class::reserved},
    {"100::1", address_class::reserved},
    {"4000::1", address_class::reserved},  // outside 2000::/3
  }));
  CAPTURE(text);
  auto ip = parse_ip(text);
  REQUIRE(ip);
  CHECK(classify(*ip) == expected);
}

TEST_CASE("only strict numeric forms parse as addresses", "[model][webhooks]") {
  auto text = GENERATE("127.1", "2130706433", "0x7f.0.0.1", "0177.0.0.1", "127.0.0.01",
                       "256.1.1.1", "1.2.3.4.5", "1.2.3", "1.2.3.4 ", "fe80::1%eth0", "::g",
                       "example.com", "");
  CAPTURE(text);
  CHECK_FALSE(parse_ip(text));
}

TEST_CASE("addresses print canonically", "[model][webhooks]") {
  CHECK(to_string(*parse_ip("10.0.0.1")) == "10.0.0.1");
  CHECK(to_string(*parse_ip("0:0:0:0:0:0:0:1")) == "::1");
  CHECK(to_string(*parse_ip("::FFFF:7F00:1")) == "::ffff:127.0.0.1");
}

TEST_CASE("secure mode connects to public addresses only; insecure mode to all but"
          " unspecified and multicast",
          "[model][webhooks]") {
  CHECK(webhook_may_connect(address_class::public_unicast, false));
  for (auto c : {address_class::loopback, address_class::private_use, address_class::link_local,
                 address_class::shared_cgnat, address_class::unique_local, address_class::reserved,
                 address_class::tunnel, address_class::unspecified, address_class::multicast}) {
    CAPTURE(to_string(c));
    CHECK_FALSE(webhook_may_connect(c, false));
  }
  CHECK(webhook_may_connect(address_class::loopback, true));
  CHECK(webhook_may_connect(address_class::private_use, true));
  CHECK_FALSE(webhook_may_connect(address_class::unspecified, true));
  CHECK_FALSE(webhook_may_connect(address_class::multicast, true));
}
