// How well crossed-out lines are told apart, on real order photos struck
// here: each page of a folder (the layout of ../shared/data/orders-dev) is
// cleaned as the first reading cleans it, its lines are found, every second
// line that holds a digit gets a pen stroke through it (slanted up to a
// sixth of a line height either way, 2-4 px, near-black), and the struck
// page is read by the service's Tesseract engine. A struck line counts as
// kept out when no line read resembles it (edit similarity under 0.6):
// either the engine saw the stroke (`struck_lines`) or Tesseract's layout
// analysis dropped the line itself. Also counts the unstruck lines with a
// digit that went missing from the struck page, and lines the engine took
// for struck on the unstruck pages (false strikes).
// Usage: strike_bench DIR [--threads N] [--only dev-001,dev-002] [--save DIR (struck pages as PNG)]
#include <algorithm>
#include <atomic>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include <leptonica/allheaders.h>
#include <tesseract/baseapi.h>
#include <tesseract/resultiterator.h>

#include "adapters/ocr/page_cleanup.hpp"
#include "adapters/ocr/tesseract_ocr.hpp"
#include "config/settings.hpp"
#include "dev_set_images.hpp"

namespace fs = std::filesystem;

namespace {

struct line_found {
  std::string text;
  int left = 0, top = 0, right = 0, bottom = 0;
};

struct tally {
  int struck = 0;        ///< lines given a stroke
  int kept_out = 0;      ///< of them, not read back
  int seen_struck = 0;   ///< lines the engine reported crossed out (struck pages)
  int false_struck = 0;  ///< of them, unlike every line given a stroke
  int others = 0;        ///< unstruck lines with a digit on struck pages, read on the unstruck page
  int others_lost = 0;   ///< of them, not read back
  int false_plain = 0;   ///< lines reported crossed out on the unstruck pages
  int pages = 0;
};

/// The code points of UTF-8 text (Devanagari letters share their lead
/// bytes: compared as bytes, any two Devanagari lines look alike).
std::u32string code_points(const std::string& s) {
  std::u32string out;
  for (size_t i = 0; i < s.size();) {
    auto c = static_cast<unsigned char>(s[i]);
    size_t len = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    char32_t cp = len == 1 ? c : c & (0x7F >> len);
    for (size_t k = 1; k < len && i + k < s.size(); ++k)
      cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
    out.push_back(cp);
    i += len;
  }
  return out;
}

/// 1 - edit distance / longer length, over code points.
double similarity(const std::string& utf8_a, const std::string& utf8_b) {
  auto a = code_points(utf8_a);
  auto b = code_points(utf8_b);
  if (a.empty() && b.empty())
    return 1.0;
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j)
    row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diag = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diag = up;
    }
  }
  return 1.0 - static_cast<double>(row[b.size()]) / static_cast<double>(std::max(a.size(), b.size()));
}

bool read_back(const std::string& text, const khaacho::ocr::ocr_result& read) {
  for (const auto& l : read.lines)
    if (similarity(text, l.text) >= 0.6)
      return true;
  return false;
}

std::string slurp(const fs::path& p) {
  std::ifstream in{p, std::ios::binary};
  return {std::istreambuf_iterator<char>{in}, {}};
}

bool has_digit(const std::string& s) {
  if (std::any_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; }))
    return true;
  // Devanagari digits, U+0966..U+096F: E0 A5 A6..AF.
  for (size_t i = 0; i + 2 < s.size(); ++i)
    if (s[i] == '\xE0' && s[i + 1] == '\xA5' && static_cast<unsigned char>(s[i + 2]) >= 0xA6
        && static_cast<unsigned char>(s[i + 2]) <= 0xAF)
      return true;
  return false;
}

std::vector<line_found> find_lines(Pix* page) {
  tesseract::TessBaseAPI api;
  std::vector<line_found> out;
  if (api.Init(nullptr, khaacho::config::ocr_settings{}.languages.c_str(), tesseract::OEM_LSTM_ONLY) != 0)
    return out;
  api.SetPageSegMode(tesseract::PSM_SINGLE_BLOCK);
  api.SetImage(page);
  api.SetSourceResolution(300);
  delete[] api.GetUTF8Text();
  std::unique_ptr<tesseract::ResultIterator> it{api.GetIterator()};
  if (!it)
    return out;
  do {
    line_found l;
    std::unique_ptr<char[]> t{it->GetUTF8Text(tesseract::RIL_TEXTLINE)};
    if (t)
      l.text = t.get();
    while (!l.text.empty() && (l.text.back() == '\n' || l.text.back() == ' '))
      l.text.pop_back();
    it->BoundingBox(tesseract::RIL_TEXTLINE, &l.left, &l.top, &l.right, &l.bottom);
    out.push_back(l);
  } while (it->Next(tesseract::RIL_TEXTLINE));
  api.End();
  return out;
}

std::string png_of(Pix* pix) {
  l_uint8* data = nullptr;
  size_t size = 0;
  if (pixWriteMem(&data, &size, pix, IFF_PNG) != 0)
    return {};
  std::string out{reinterpret_cast<char*>(data), size};
  lept_free(data);
  return out;
}

void bench_page(const fs::path& path, khaacho::ocr::tesseract_ocr& engine, tally& t, std::mutex& m,
                const std::string& save) {
  auto bytes = slurp(path);
  auto page = khaacho::ocr::clean_page(bytes, khaacho::ocr::default_readings().front());
  if (!page)
    return;
  auto lines = find_lines(page->get());
  std::mt19937 rng{static_cast<uint32_t>(std::hash<std::string>{}(path.filename().string()))};
  Pix* struck = pixCopy(nullptr, page->get());
  std::vector<std::string> struck_texts;
  std::vector<std::string> other_texts;
  bool take = true;
  for (const auto& l : lines) {
    if (!has_digit(l.text) || l.text.size() < 6)
      continue;
    if (take) {
      int h = l.bottom - l.top;
      int mid = l.top + h * 55 / 100;
      int drift = std::uniform_int_distribution<int>{-h / 6, h / 6}(rng);
      int thick = std::uniform_int_distribution<int>{2, 4}(rng);
      pixRenderLine(struck, l.left - 6, mid + drift, l.right + 6, mid - drift, thick, L_CLEAR_PIXELS);
      struck_texts.push_back(l.text);
    } else {
      other_texts.push_back(l.text);
    }
    take = !take;
  }
  auto struck_png = png_of(struck);
  pixDestroy(&struck);
  if (!save.empty())
    std::ofstream{fs::path{save} / (path.stem().string() + ".png"), std::ios::binary} << struck_png;
  auto struck_read = engine.read(struck_png);
  auto plain_png = png_of(page->get());
  if (!save.empty())
    std::ofstream{fs::path{save} / (path.stem().string() + ".plain.png"), std::ios::binary} << plain_png;
  auto plain_read = engine.read(plain_png);
  std::lock_guard<std::mutex> lock{m};
  ++t.pages;
  if (struck_read) {
    t.seen_struck += static_cast<int>(struck_read->struck_lines.size());
    for (const auto& reported : struck_read->struck_lines) {
      bool drawn = false;
      for (const auto& text : struck_texts)
        drawn = drawn || similarity(reported, text) >= 0.4;
      if (!drawn) {
        ++t.false_struck;
        std::printf("%s: taken for struck, no stroke drawn: %s\n", path.filename().c_str(), reported.c_str());
      }
    }
    for (const auto& text : struck_texts) {
      ++t.struck;
      if (!read_back(text, *struck_read))
        ++t.kept_out;
      else
        std::printf("%s: struck but read: %s\n", path.filename().c_str(), text.c_str());
    }
    for (const auto& text : other_texts) {
      if (!plain_read || !read_back(text, *plain_read))
        continue;  // not read on the unstruck page either
      ++t.others;
      if (!read_back(text, *struck_read)) {
        ++t.others_lost;
        std::printf("%s: not struck but lost: %s\n", path.filename().c_str(), text.c_str());
      }
    }
  }
  if (plain_read && !plain_read->struck_lines.empty()) {
    t.false_plain += static_cast<int>(plain_read->struck_lines.size());
    for (const auto& s : plain_read->struck_lines)
      std::printf("%s: unstruck page, line taken for struck: %s\n", path.filename().c_str(), s.c_str());
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: strike_bench DIR [--threads N] [--only dev-001,dev-002]\n");
    return 2;
  }
  int threads = 2;
  std::string only;
  std::string save;
  for (int i = 2; i + 1 < argc; i += 2) {
    std::string a = argv[i];
    if (a == "--threads")
      threads = std::max(1, std::atoi(argv[i + 1]));
    else if (a == "--only")
      only = argv[i + 1];
    else if (a == "--save")
      save = argv[i + 1];
  }
  auto images = khaacho::bench::dev_set_images(argv[1], only);
  tally t;
  std::mutex m;
  std::atomic<size_t> next{0};
  std::vector<std::thread> pool;
  for (int w = 0; w < threads; ++w)
    pool.emplace_back([&] {
      auto engine = khaacho::ocr::tesseract_ocr::open(khaacho::config::ocr_settings{}.languages);
      if (!engine)
        return;
      for (size_t i = next++; i < images.size(); i = next++)
        bench_page(images[i], **engine, t, m, save);
    });
  for (auto& th : pool)
    th.join();
  std::printf("\npages=%d struck_lines=%d kept_out=%d (%.3f) reported_struck=%d (unlike any struck: %d) "
              "unstruck_lines=%d lost=%d false_strikes_on_plain_pages=%d\n",
              t.pages, t.struck, t.kept_out, t.struck ? static_cast<double>(t.kept_out) / t.struck : 0.0,
              t.seen_struck, t.false_struck, t.others, t.others_lost, t.false_plain);
  return 0;
}
