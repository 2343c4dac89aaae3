// Writes a real JPEG of roughly the requested size (noise photographs badly,
// like a phone picture of paper), for the upload benchmark.
// Usage: bench_jpeg OUT.jpg [approx-bytes]
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>

#include <leptonica/allheaders.h>

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: bench_jpeg OUT.jpg [approx-bytes]\n");
    return 2;
  }
  long target = argc > 2 ? std::atol(argv[2]) : 200 * 1024;
  // Start small and grow until the encoded size reaches the target.
  for (int side = 200; side < 4000; side += 20) {
    PIX* pix = pixCreate(side, side * 3 / 4, 32);
    std::mt19937 rng{42};
    std::uniform_int_distribution<int> noise{0, 255};
    for (int y = 0; y < side * 3 / 4; ++y)
      for (int x = 0; x < side; ++x) {
        int v = ((x / 16 + y / 16) % 2 ? 220 : 30) / 2 + noise(rng) / 2;
        pixSetRGBPixel(pix, x, y, v, v, v);
      }
    l_uint8* data = nullptr;
    size_t size = 0;
    pixWriteMem(&data, &size, pix, IFF_JFIF_JPEG);
    pixDestroy(&pix);
    if (static_cast<long>(size) >= target) {
      FILE* f = std::fopen(argv[1], "wb");
      if (f == nullptr || std::fwrite(data, 1, size, f) != size) {
        std::perror(argv[1]);
        return 1;
      }
      std::fclose(f);
      std::printf("%s: %zu bytes, %dx%d\n", argv[1], size, side, side * 3 / 4);
      lept_free(data);
      return 0;
    }
    lept_free(data);
  }
  std::fprintf(stderr, "could not reach %ld bytes\n", target);
  return 1;
}
