// The blob key rule and the local-filesystem blob storage: binary round trips,
// atomic replacement, refusal of traversal and symlink escapes, clean failure,
// invisible crash leftovers; and the backend factory.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <sys/stat.h>

#include "adapters/storage/blob_storage.hpp"
#include "adapters/storage/local_storage.hpp"
#include "support/error_checks.hpp"
#include "support/temp_dir.hpp"

using namespace khaacho;
using namespace khaacho::storage;
namespace fs = std::filesystem;

namespace {

/// Every path below `dir`, relative, sorted: what a test may compare before and after.
std::vector<std::string> tree(const fs::path& dir) {
  std::vector<std::string> out;
  for (auto it = fs::recursive_directory_iterator(dir); it != fs::recursive_directory_iterator();
       ++it)
    out.push_back(fs::relative(it->path(), dir).string());
  std::sort(out.begin(), out.end());
  return out;
}

std::string read_file(const fs::path& p) {
  std::ifstream in{p, std::ios::binary};
  return std::string{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::string all_bytes() {
  std::string out;
  for (int i = 0; i < 256; ++i)
    out += static_cast<char>(i);
  return out + std::string("\0\0tail\0", 7);
}

std::unique_ptr<local_storage> open_storage(const fs::path& root) {
  auto s = local_storage::open(root.string());
  REQUIRE(s);
  return std::move(*s);
}

const std::vector<std::string>& bad_keys() {
  static const std::vector<std::string> keys = {
    "",
    "../x",
    "..",
    ".",
    "a/../../b",
    "a/./b",
    "/etc/passwd",
    "a//b",
    "a/",
    "a\\b",
    "..\\x",
    std::string("a\0b", 3),
    "..%2fx",
    "a%2F..%2F..%2Fb",
    "a b",
    "a\nb",
    "a:b",
    "~x",
    std::string(513, 'a'),
    "\xe0\xa4\x9a\xe0\xa4\xbf\xe0\xa4\xa8\xe0\xa5\x80.jpg",  // चिनी.jpg
    "caf\xc3\xa9",
    "\xc0\xae\xc0\xae/x",  // overlong UTF-8 ".."
  };
  return keys;
}

}  // namespace

TEST_CASE("is_valid_key accepts the service's keys and refuses everything else", "[storage]") {
  SECTION("valid") {
    for (std::string key : std::vector<std::string>{
           "a", "orders/2024-05-01_order_3f2a.jpg", "a.b-c_D9", "...", "a/b/c/d", ".hidden",
          "a..b", std::string(512, 'k')}) {
      CAPTURE(key);
      CHECK(is_valid_key(key));
    }
    // 512 bytes across segments is still fine.
    CHECK(is_valid_key(std::string(255, 'a') + "/" + std::string(256, 'b')));
  }
  SECTION("invalid") {
    for (const auto& key : bad_keys()) {
      CAPTURE(key);
      CHECK_FALSE(is_valid_key(key));
    }
  }
}

TEST_CASE("local storage round-trips binary bytes and replaces objects", "[storage]") {
  test::temp_dir tmp;
  auto root = tmp.path() / "root";
  auto store = open_storage(root);
  const std::string key = "orders/2024-05-01_order_1.jpg";
  const auto bytes = all_bytes();

  REQUIRE(store->put(key, bytes, "image/jpeg"));
  auto got = store->get(key);
  REQUIRE(got);
  CHECK(*got == bytes);
  CHECK(got->size() == 263);
  CHECK(read_file(root / "orders" / "2024-05-01_order_1.jpg") == bytes);
  auto there = store->exists(key);
  REQUIRE(there);
  CHECK(*there);

  // Replace with shorter content: no trailing bytes of the old object remain.
  REQUIRE(store->put(key, "new", "image/jpeg"));
  got = store->get(key);
  REQUIRE(got);
  CHECK(*got == "new");
  // An empty object is an object.
  REQUIRE(store->put("empty", "", "application/octet-stream"));
  got = store->get("empty");
  REQUIRE(got);
  CHECK(got->empty());

  // No temporary file survives a successful put.
  CHECK(tree(root)
        == std::vector<std::string>{"empty", "orders", "orders/2024-05-01_order_1.jpg"});
  auto mode = fs::status(root / "orders" / "2024-05-01_order_1.jpg").permissions();
  CHECK((mode & fs::perms::others_all) == fs::perms::none);
}

TEST_CASE("local storage reports missing objects and removes once", "[storage]") {
  test::temp_dir tmp;
  auto store = open_storage(tmp.path() / "root");

  auto missing = store->get("orders/none.jpg");
  REQUIRE_FALSE(missing);
  CHECK(test::has_code(missing.error(), errc::not_found));
  CHECK(describe(missing.error()).find("orders/none.jpg") != std::string::npos);
  auto there = store->exists("orders/none.jpg");
  REQUIRE(there);
  CHECK_FALSE(*there);
  auto removed = store->remove("orders/none.jpg");
  REQUIRE(removed);
  CHECK_FALSE(*removed);

  REQUIRE(store->put("orders/a.jpg", "x", "image/jpeg"));
  removed = store->remove("orders/a.jpg");
  REQUIRE(removed);
  CHECK(*removed);
  removed = store->remove("orders/a.jpg");
  REQUIRE(removed);
  CHECK_FALSE(*removed);
  there = store->exists("orders/a.jpg");
  REQUIRE(there);
  CHECK_FALSE(*there);
  missing = store->get("orders/a.jpg");
  REQUIRE_FALSE(missing);
  CHECK(test::has_code(missing.error(), errc::not_found));

  // A folder (a prefix of other keys) is no object; a file is no folder.
  REQUIRE(store->put("orders/a.jpg", "x", "image/jpeg"));
  missing = store->get("orders");
  REQUIRE_FALSE(missing);
  CHECK(test::has_code(missing.error(), errc::not_found));
  there = store->exists("orders");
  REQUIRE(there);
  CHECK_FALSE(*there);
  removed = store->remove("orders");
  REQUIRE(removed);
  CHECK_FALSE(*removed);
  missing = store->get("orders/a.jpg/b");
  REQUIRE_FALSE(missing);
  CHECK(test::has_code(missing.error(), errc::not_found));
}

TEST_CASE("local storage refuses invalid keys and writes nothing", "[storage]") {
  test::temp_dir tmp;
  auto root = tmp.path() / "root";
  auto store = open_storage(root);
  auto before = tree(tmp.path());
  REQUIRE(before == std::vector<std::string>{"root"});

  for (const auto& key : bad_keys()) {
    CAPTURE(key);
    auto put = store->put(key, "evil", "image/jpeg");
    REQUIRE_FALSE(put);
    CHECK(test::has_code(put.error(), errc::bad_input));
    auto got = store->get(key);
    REQUIRE_FALSE(got);
    CHECK(test::has_code(got.error(), errc::bad_input));
    auto there = store->exists(key);
    REQUIRE_FALSE(there);
    CHECK(test::has_code(there.error(), errc::bad_input));
    auto removed = store->remove(key);
    REQUIRE_FALSE(removed);
    CHECK(test::has_code(removed.error(), errc::bad_input));
  }
  // Nothing appeared inside the root or beside it (the parent folder).
  CHECK(tree(tmp.path()) == before);
}

TEST_CASE("local storage refuses keys that pass through a symbolic link", "[storage]") {
  test::temp_dir tmp;
  auto root = tmp.path() / "root";
  auto outside = tmp.path() / "outside";
  fs::create_directories(outside);
  auto secret = tmp.write("outside/secret.jpg", "secret bytes");
  auto store = open_storage(root);
  fs::create_directory_symlink(outside, root / "link");
  fs::create_symlink(secret, root / "alias.jpg");

  SECTION("a linked folder on the way") {
    auto put = store->put("link/x.jpg", "evil", "image/jpeg");
    REQUIRE_FALSE(put);
    CHECK(test::has_code(put.error(), errc::bad_input));
    CHECK_FALSE(fs::exists(outside / "x.jpg"));
    put = store->put("link/deeper/x.jpg", "evil", "image/jpeg");
    REQUIRE_FALSE(put);
    CHECK(test::has_code(put.error(), errc::bad_input));
    CHECK(tree(outside) == std::vector<std::string>{"secret.jpg"});

    auto got = store->get("link/secret.jpg");
    REQUIRE_FALSE(got);
    CHECK(test::has_code(got.error(), errc::bad_input));
    auto there = store->exists("link/secret.jpg");
    REQUIRE_FALSE(there);
    auto removed = store->remove("link/secret.jpg");
    REQUIRE_FALSE(removed);
    CHECK(fs::exists(secret));
  }
  SECTION("a link as the object itself") {
    auto got = store->get("alias.jpg");
    REQUIRE_FALSE(got);
    CHECK(test::has_code(got.error(), errc::bad_input));
    auto there = store->exists("alias.jpg");
    REQUIRE_FALSE(there);
    CHECK(test::has_code(there.error(), errc::bad_input));
    auto put = store->put("alias.jpg", "evil", "image/jpeg");
    REQUIRE_FALSE(put);
    CHECK(test::has_code(put.error(), errc::bad_input));
    auto removed = store->remove("alias.jpg");
    REQUIRE_FALSE(removed);
    CHECK(read_file(secret) == "secret bytes");
    CHECK(fs::is_symlink(root / "alias.jpg"));
  }
}

TEST_CASE("a failed local put reports storage_failed and leaves no partial object", "[storage]") {
  // Tests may run as root, which ignores permissions: fail through the tree's shape.
  test::temp_dir tmp;
  auto root = tmp.path() / "root";
  auto store = open_storage(root);

  SECTION("a parent of the key is a regular file") {
    tmp.write("root/orders", "i am a file");
    auto put = store->put("orders/a.jpg", "bytes", "image/jpeg");
    REQUIRE_FALSE(put);
    CHECK(test::has_code(put.error(), errc::storage_failed));
    CHECK(describe(put.error()).find("'orders/a.jpg'") != std::string::npos);
    CHECK(tree(root) == std::vector<std::string>{"orders"});
    CHECK(read_file(root / "orders") == "i am a file");
  }
  SECTION("the final name is an existing folder") {
    fs::create_directories(root / "orders" / "a.jpg" / "inner");
    auto put = store->put("orders/a.jpg", "bytes", "image/jpeg");
    REQUIRE_FALSE(put);
    CHECK(test::has_code(put.error(), errc::storage_failed));
    CHECK(describe(put.error()).find("'orders/a.jpg'") != std::string::npos);
    // The folder is untouched and the temporary file is gone.
    CHECK(fs::is_directory(root / "orders" / "a.jpg"));
    CHECK(tree(root) == std::vector<std::string>{"orders", "orders/a.jpg", "orders/a.jpg/inner"});
  }
  SECTION("the root vanished") {
    fs::remove_all(root);
    auto put = store->put("orders/a.jpg", "bytes", "image/jpeg");
    REQUIRE_FALSE(put);
    CHECK(test::has_code(put.error(), errc::storage_failed));
    auto got = store->get("orders/a.jpg");
    REQUIRE_FALSE(got);
    CHECK(test::has_code(got.error(), errc::storage_failed));
    CHECK_FALSE(fs::exists(root));
  }
}

TEST_CASE("temporary files left by a crash are invisible to get and exists", "[storage]") {
  test::temp_dir tmp;
  auto root = tmp.path() / "root";
  auto store = open_storage(root);
  REQUIRE(store->put("orders/a.jpg", "complete", "image/jpeg"));
  // What a crash between create and rename leaves behind.
  tmp.write("root/orders/.tmp~00000000deadbeef", "partial");
  tmp.write("root/.tmp~0123456789abcdef", "partial");

  auto got = store->get("orders/a.jpg");
  REQUIRE(got);
  CHECK(*got == "complete");
  for (std::string key : {"orders/.tmp~00000000deadbeef", ".tmp~0123456789abcdef"}) {
    CAPTURE(key);
    auto leftover = store->get(key);
    REQUIRE_FALSE(leftover);
    CHECK((test::has_code(leftover.error(), errc::bad_input)
           || test::has_code(leftover.error(), errc::not_found)));
    auto there = store->exists(key);
    CHECK_FALSE((there && *there));
  }
  // A put next to a leftover is unaffected by it.
  REQUIRE(store->put("orders/a.jpg", "again", "image/jpeg"));
  got = store->get("orders/a.jpg");
  REQUIRE(got);
  CHECK(*got == "again");
}

TEST_CASE("local storage creates a private root and names files by URL", "[storage]") {
  test::temp_dir tmp;
  auto root = tmp.path() / "deep" / "er" / "root";
  auto store = open_storage(root.string() + "/");
  REQUIRE(fs::is_directory(root));
  struct stat st {};
  REQUIRE(::stat(root.c_str(), &st) == 0);
  CHECK((st.st_mode & 0700) == 0700);
  CHECK((st.st_mode & 0027) == 0);  // no group write, nothing for others
  CHECK(store->root() == root.string());
  CHECK(store->url_for("orders/a.jpg") == "local:orders/a.jpg");
  CHECK(store->name() == "local");

  // A relative root is resolved once, against the current folder.
  auto cwd = fs::current_path();
  fs::current_path(tmp.path());
  auto rel = local_storage::open("rel/root");
  fs::current_path(cwd);
  REQUIRE(rel);
  CHECK((*rel)->root() == (tmp.path() / "rel" / "root").string());
  REQUIRE((*rel)->put("k", "v", "text/plain"));
  CHECK(read_file(tmp.path() / "rel" / "root" / "k") == "v");

  // A root below a regular file cannot be created.
  tmp.write("blocker", "file");
  auto blocked = local_storage::open((tmp.path() / "blocker" / "root").string());
  REQUIRE_FALSE(blocked);
  CHECK(test::has_code(blocked.error(), errc::storage_failed));
}

TEST_CASE("make_blob_storage picks the configured backend", "[storage]") {
  test::temp_dir tmp;
  config::storage_settings s;
  s.local_root = (tmp.path() / "store").string();

  auto local = make_blob_storage(s);
  REQUIRE(local);
  CHECK((*local)->name() == "local");
  CHECK(fs::is_directory(tmp.path() / "store"));

  s.backend = "gcs";
  auto no_bucket = make_blob_storage(s);
  REQUIRE_FALSE(no_bucket);
  CHECK(test::has_code(no_bucket.error(), errc::bad_input));
  CHECK(describe(no_bucket.error()).find("storage.gcs-bucket") != std::string::npos);

  s.gcs_bucket = "khaacho-images";
  auto gcs = make_blob_storage(s);
  REQUIRE(gcs);
  CHECK((*gcs)->name() == "gcs");
  CHECK((*gcs)->url_for("orders/a.jpg") == "gs://khaacho-images/orders/a.jpg");

  s.backend = "s3";
  auto unknown = make_blob_storage(s);
  REQUIRE_FALSE(unknown);
  CHECK(test::has_code(unknown.error(), errc::bad_input));
  CHECK(describe(unknown.error()).find("storage.backend") != std::string::npos);

  s.backend = "local";
  tmp.write("file", "x");
  s.local_root = (tmp.path() / "file" / "store").string();
  auto broken = make_blob_storage(s);
  REQUIRE_FALSE(broken);
  CHECK(test::has_code(broken.error(), errc::storage_failed));
}
