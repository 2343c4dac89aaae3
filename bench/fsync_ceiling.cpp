// The disk's ceiling for what an upload stores: write N bytes to a temp file,
// fsync, rename into place, fsync the folder; `threads` at once, like the
// HTTP threads of the service. Prints "files/s p50_ms p99_ms" of one write.
// Usage: fsync_ceiling DIR FILE-TO-COPY threads seconds
#include <algorithm>
#include <atomic>
#include <mutex>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <string>
#include <thread>
#include <vector>

#include <fcntl.h>
#include <unistd.h>

int main(int argc, char** argv) {
  if (argc < 5) {
    std::fprintf(stderr, "usage: fsync_ceiling DIR FILE threads seconds\n");
    return 2;
  }
  std::string dir = argv[1];
  std::ifstream in{argv[2], std::ios::binary};
  std::string bytes{std::istreambuf_iterator<char>{in}, {}};
  int threads = std::atoi(argv[3]);
  auto span = std::chrono::seconds{std::atoi(argv[4])};
  std::atomic<long> done{0};
  std::atomic<bool> failed{false};
  auto until = std::chrono::steady_clock::now() + span;
  std::vector<std::thread> pool;
  std::mutex lat_mtx;
  std::vector<double> latencies_ms;
  for (int t = 0; t < threads; ++t)
    pool.emplace_back([&, t] {
      int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY);
      std::vector<double> mine;
      for (long i = 0; std::chrono::steady_clock::now() < until; ++i) {
        auto t0 = std::chrono::steady_clock::now();
        auto tmp = dir + "/.tmp-" + std::to_string(t) + "-" + std::to_string(i);
        auto dst = dir + "/f-" + std::to_string(t) + "-" + std::to_string(i) + ".jpg";
        int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0640);
        if (fd < 0 || ::write(fd, bytes.data(), bytes.size()) != static_cast<ssize_t>(bytes.size())
            || ::fsync(fd) != 0 || ::close(fd) != 0 || ::rename(tmp.c_str(), dst.c_str()) != 0
            || ::fsync(dfd) != 0) {
          failed = true;
          return;
        }
        ++done;
        mine.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
      }
      ::close(dfd);
      std::lock_guard<std::mutex> g{lat_mtx};
      latencies_ms.insert(latencies_ms.end(), mine.begin(), mine.end());
    });
  for (auto& th : pool)
    th.join();
  if (failed) {
    std::perror("fsync_ceiling");
    return 1;
  }
  std::sort(latencies_ms.begin(), latencies_ms.end());
  auto pct = [&](double q) {
    return latencies_ms.empty() ? 0.0 : latencies_ms[static_cast<size_t>(q * (latencies_ms.size() - 1))];
  };
  std::printf("%.1f %.2f %.2f\n", static_cast<double>(done) / static_cast<double>(span.count()),
              pct(0.5), pct(0.99));
  return 0;
}
