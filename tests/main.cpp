// The Catch2 runner; alone in its file because it is slow to compile. With
// KHAACHO_TEST_NODE set, the same executable runs a pipeline node with test
// stages instead (the process tests kill and restart it).
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>

#include <cstdlib>

#include "support/test_node.hpp"

int main(int argc, char* argv[]) {
  if (std::getenv("KHAACHO_TEST_NODE") != nullptr)
    return khaacho::test::run_test_node();
  return Catch::Session().run(argc, argv);
}
