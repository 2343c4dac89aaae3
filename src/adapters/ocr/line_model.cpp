#include "adapters/ocr/line_model.hpp"

#include <leptonica/allheaders.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <utility>

#include "adapters/ocr/page_cleanup.hpp"
#include "common/errc.hpp"
#include "model/ctc_decoding.hpp"

namespace khaacho::ocr {

namespace {

constexpr int rec_height = 48;
/// Shorter crops are padded to this width with the mean value. PaddleOCR
/// pads to 320, the width it trained on; the detector splits lines at their
/// gaps into many short pieces, and on the dev set 160 reads as well
/// (item F1 0.870 -> 0.873; 64 the same again) for a third less recognizer
/// time.
constexpr int rec_min_width = 160;
/// Longer lines are squeezed to this: the model's attention grows with the
/// width squared, and no order line is that long.
constexpr int rec_max_width = 48 * 40;
/// Crops read in one run of the recognizer, at most.
constexpr size_t rec_batch = 8;
/// The detector sees the page with its longer side at most this (PaddleOCR's
/// default); both sides a multiple of 32.
constexpr int det_max_side = 960;
/// PaddleOCR's defaults: a pixel is text above 0.3, a found region is kept
/// when its mean is at least 0.6, and grown by 1.5 x area / perimeter
/// (the detector is trained on shrunken text regions).
constexpr float det_pixel_threshold = 0.3f;
constexpr float det_box_threshold = 0.6f;
constexpr double det_unclip_ratio = 1.5;
/// Measured on the dev set's lines: between two words of one line the space
/// gets 0.03-0.45, between two letters of a word 0.00-0.04.
constexpr float gap_space_probability = 0.03f;

/// A found text region in page pixels: its axis-aligned bounds, and the
/// rotated rectangle it fills (centre, length, thickness, angle in radians,
/// y down) from the second moments of its pixels.
struct piece {
  int x0, y0, x1, y1;
  double cx = 0, cy = 0, length = 0, thickness = 0, angle = 0;
};

/// Half the width and height of the axis-aligned box around `p`'s rectangle.
std::pair<double, double> half_extents(const piece& p) {
  double c = std::abs(std::cos(p.angle)), s = std::abs(std::sin(p.angle));
  return {(c * p.length + s * p.thickness) / 2, (s * p.length + c * p.thickness) / 2};
}

/// Groups the pieces into lines (vertical overlap of at least half the
/// smaller height), each line left to right, lines top to bottom.
std::vector<std::vector<piece>> rows_of(std::vector<piece> pieces) {
  std::sort(pieces.begin(), pieces.end(),
            [](const piece& a, const piece& b) { return a.y0 + a.y1 < b.y0 + b.y1; });
  std::vector<std::vector<piece>> rows;
  for (const auto& p : pieces) {
    bool placed = false;
    for (auto it = rows.rbegin(); it != rows.rend() && !placed; ++it) {
      const piece& q = it->front();
      if (model::overlap_share({static_cast<double>(p.y0), static_cast<double>(p.y1)},
                               {static_cast<double>(q.y0), static_cast<double>(q.y1)}) >= 0.5) {
        it->push_back(p);
        placed = true;
      }
    }
    if (!placed)
      rows.push_back({p});
  }
  for (auto& r : rows)
    std::sort(r.begin(), r.end(), [](const piece& a, const piece& b) { return a.x0 < b.x0; });
  return rows;
}

/// The found region `p` of `page`, turned level and scaled to the
/// recognizer's 48 px; null when there is nothing to read.
pix_ptr level_region(Pix* page, const piece& p) {
  if (p.length < 2 || p.thickness < 2)
    return nullptr;
  // The region's bounds centred on it (white where they leave the page),
  // turned level about that centre; then its own band.
  auto [hx, hy] = half_extents(p);
  int bw = std::max(2, static_cast<int>(std::ceil(2 * hx)));
  int bh = std::max(2, static_cast<int>(std::ceil(2 * hy)));
  pix_ptr bounds{pixCreate(bw, bh, 8)};
  if (!bounds)
    return nullptr;
  pixSetAllArbitrary(bounds.get(), 255);
  pixRasterop(bounds.get(), 0, 0, bw, bh, PIX_SRC, page, static_cast<int>(std::lround(p.cx - bw / 2.0)),
              static_cast<int>(std::lround(p.cy - bh / 2.0)));
  pix_ptr level{std::abs(p.angle) < 0.005
                  ? pixClone(bounds.get())
                  : pixRotate(bounds.get(), static_cast<float>(-p.angle), L_ROTATE_AREA_MAP, L_BRING_IN_WHITE,
                              0, 0)};
  if (!level)
    return nullptr;
  int lw = pixGetWidth(level.get()), lh = pixGetHeight(level.get());
  int cw = std::clamp(static_cast<int>(p.length), 2, lw);
  int ch = std::clamp(static_cast<int>(p.thickness), 2, lh);
  int bx = (lw - cw) / 2, by = (lh - ch) / 2;
  pix_ptr crop = clip(level.get(), bx, by, bx + cw, by + ch);
  if (!crop)
    return nullptr;
  int crop_w = pixGetWidth(crop.get());
  int crop_h = pixGetHeight(crop.get());
  int width = std::clamp(static_cast<int>(std::ceil(rec_height * static_cast<double>(crop_w) / crop_h)), 8,
                         rec_max_width);
  return pix_ptr{pixScaleToSize(crop.get(), width, rec_height)};
}

/// Reads the 48 px high `crops` (null ones read as nothing), several at a
/// time: crops of similar width share one run of the model, padded to the
/// widest (one run of 8 costs far less than 8 runs of one).
caf::expected<std::vector<model::ocr_line>> read_crops(onnx_model& recognizer,
                                                       const std::vector<std::string>& vocabulary,
                                                       const std::vector<pix_ptr>& crops) {
  std::vector<model::ocr_line> out(crops.size());
  std::vector<size_t> order;
  for (size_t i = 0; i < crops.size(); ++i)
    if (crops[i])
      order.push_back(i);
  auto width_of = [&](size_t i) { return static_cast<int>(pixGetWidth(crops[i].get())); };
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return width_of(a) < width_of(b); });
  for (size_t begin = 0; begin < order.size();) {
    // A batch: at most rec_batch crops, the widest at most a third wider
    // than the narrowest (padding is computed for nothing).
    size_t end = begin + 1;
    int narrowest = std::max(width_of(order[begin]), rec_min_width);
    while (end < order.size() && end - begin < rec_batch && width_of(order[end]) * 3 <= narrowest * 4)
      ++end;
    int padded = std::max(width_of(order[end - 1]), rec_min_width);
    auto n = static_cast<int64_t>(end - begin);
    float_tensor input;
    input.shape = {n, 3, rec_height, padded};
    size_t plane = static_cast<size_t>(rec_height) * static_cast<size_t>(padded);
    input.values.assign(static_cast<size_t>(n) * 3 * plane, 0.0f);  // 0: the mean gray
    for (size_t k = begin; k < end; ++k) {
      Pix* crop = crops[order[k]].get();
      int width = pixGetWidth(crop);
      const l_uint32* data = pixGetData(crop);
      int wpl = pixGetWpl(crop);
      float* image = input.values.data() + (k - begin) * 3 * plane;
      for (int y = 0; y < rec_height; ++y)
        for (int x = 0; x < width; ++x) {
          float v = static_cast<float>(GET_DATA_BYTE(data + y * wpl, x)) / 127.5f - 1.0f;
          size_t at = static_cast<size_t>(y) * static_cast<size_t>(padded) + static_cast<size_t>(x);
          image[at] = v;
          image[plane + at] = v;
          image[2 * plane + at] = v;
        }
    }
    auto output = recognizer.run(input);
    if (!output)
      return output.error();
    if (output->shape.size() != 3 || output->shape[0] != n)
      return caf::make_error(errc::bad_input, "the line recognizer answered with an unexpected shape");
    auto steps = static_cast<size_t>(output->shape[1]);
    auto classes = static_cast<size_t>(output->shape[2]);
    for (size_t k = begin; k < end; ++k) {
      auto line = model::ctc_greedy_decode(output->values.data() + (k - begin) * steps * classes, steps, classes,
                                           vocabulary, gap_space_probability);
      line.text = model::latin_from_cjk_reading(line.text);
      if (line.text.empty())
        line.confidence = 0;
      out[order[k]] = std::move(line);
    }
    begin = end;
  }
  return out;
}

}  // namespace

caf::expected<std::unique_ptr<line_model>> line_model::open(const std::string& folder) {
  namespace fs = std::filesystem;
  fs::path dir{folder};
  for (const char* name : {"det.onnx", "rec.onnx", "keys.txt", "libonnxruntime.so.1"})
    if (std::error_code ec; !fs::is_regular_file(dir / name, ec))
      return caf::make_error(errc::bad_input, "the line model folder '" + folder + "' has no " + name +
                                                " (scripts/run.sh installs it)");
  std::unique_ptr<line_model> out{new line_model};
  std::ifstream keys{dir / "keys.txt"};
  for (std::string key; std::getline(keys, key);) {
    if (!key.empty() && key.back() == '\r')
      key.pop_back();
    out->vocabulary_.push_back(key);
  }
  if (out->vocabulary_.empty())
    return caf::make_error(errc::bad_input, "the line model's keys.txt is empty");
  out->vocabulary_.push_back(" ");  // trained with the space as its last class
  auto library = (dir / "libonnxruntime.so.1").string();
  auto detector = onnx_model::open(library, (dir / "det.onnx").string());
  if (!detector)
    return detector.error();
  auto recognizer = onnx_model::open(library, (dir / "rec.onnx").string());
  if (!recognizer)
    return recognizer.error();
  out->detector_ = std::move(*detector);
  out->recognizer_ = std::move(*recognizer);
  return out;
}

namespace {

/// The page as the detector wants it: scaled to `dw` x `dh`, ImageNet
/// normalization per channel (in the BGR order PaddleOCR feeds; gray is
/// the same in all three).
float_tensor detector_input(Pix* small, int dw, int dh) {
  const float mean[3] = {0.485f, 0.456f, 0.406f};
  const float stdev[3] = {0.229f, 0.224f, 0.225f};
  float_tensor input;
  input.shape = {1, 3, dh, dw};
  size_t plane = static_cast<size_t>(dw) * static_cast<size_t>(dh);
  input.values.resize(3 * plane);
  const l_uint32* data = pixGetData(small);
  int wpl = pixGetWpl(small);
  for (int y = 0; y < dh; ++y)
    for (int x = 0; x < dw; ++x) {
      float v = static_cast<float>(GET_DATA_BYTE(data + y * wpl, x)) / 255.0f;
      size_t at = static_cast<size_t>(y) * static_cast<size_t>(dw) + static_cast<size_t>(x);
      for (size_t c = 0; c < 3; ++c)
        input.values[c * plane + at] = (v - mean[c]) / stdev[c];
    }
  return input;
}

/// The text regions of the detector's `dw` x `dh` probability map, in the
/// pixels of the `pw` x `ph` page it was scaled from.
std::vector<piece> regions_of(const std::vector<float>& prob, int dw, int dh, int pw, int ph) {
  auto at = [&](int x, int y) { return prob[static_cast<size_t>(y) * static_cast<size_t>(dw) + static_cast<size_t>(x)]; };
  pix_ptr mask{pixCreate(dw, dh, 1)};
  l_uint32* bits = pixGetData(mask.get());
  int bwpl = pixGetWpl(mask.get());
  for (int y = 0; y < dh; ++y)
    for (int x = 0; x < dw; ++x)
      if (at(x, y) > det_pixel_threshold)
        SET_DATA_BIT(bits + y * bwpl, x);
  PIXA* components = nullptr;
  BOXA* found = pixConnComp(mask.get(), &components, 8);
  std::vector<piece> pieces;
  double fx = static_cast<double>(pw) / dw;
  double fy = static_cast<double>(ph) / dh;
  for (int i = 0; found != nullptr && components != nullptr && i < boxaGetCount(found); ++i) {
    l_int32 bx = 0, by = 0, bw = 0, bh = 0;
    boxaGetBoxGeometry(found, i, &bx, &by, &bw, &bh);
    if (std::min(bw, bh) < 3)
      continue;
    pix_ptr component{pixaGetPix(components, i, L_CLONE)};
    const l_uint32* cbits = pixGetData(component.get());
    int cwpl = pixGetWpl(component.get());
    double sum = 0, n = 0, sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0;
    for (int y = 0; y < bh; ++y)
      for (int x = 0; x < bw; ++x) {
        if (!GET_DATA_BIT(cbits + y * cwpl, x))
          continue;
        sum += at(bx + x, by + y);
        // Moments in page pixels (the detector's pixels are not square).
        double px = (bx + x + 0.5) * fx, py = (by + y + 0.5) * fy;
        n += 1;
        sx += px;
        sy += py;
        sxx += px * px;
        syy += py * py;
        sxy += px * py;
      }
    if (n < 4 || sum / n < det_box_threshold)
      continue;
    piece p;
    p.cx = sx / n;
    p.cy = sy / n;
    double vxx = sxx / n - p.cx * p.cx, vyy = syy / n - p.cy * p.cy, vxy = sxy / n - p.cx * p.cy;
    p.angle = 0.5 * std::atan2(2 * vxy, vxx - vyy);
    double mid = (vxx + vyy) / 2, spread = std::sqrt((vxx - vyy) * (vxx - vyy) / 4 + vxy * vxy);
    // A filled w x h rectangle has variances w^2/12 and h^2/12 along its axes.
    p.length = std::sqrt(12 * (mid + spread));
    p.thickness = std::sqrt(12 * std::max(0.0, mid - spread));
    double grow = det_unclip_ratio * p.length * p.thickness / (2 * (p.length + p.thickness));
    p.length += 2 * grow;
    p.thickness += 2 * grow;
    auto [hx, hy] = half_extents(p);
    p.x0 = std::max(0, static_cast<int>(p.cx - hx));
    p.y0 = std::max(0, static_cast<int>(p.cy - hy));
    p.x1 = std::min(pw, static_cast<int>(std::ceil(p.cx + hx)));
    p.y1 = std::min(ph, static_cast<int>(std::ceil(p.cy + hy)));
    pieces.push_back(p);
  }
  pixaDestroy(&components);
  boxaDestroy(&found);
  return pieces;
}

/// The lines of `rows` from the readings of their pieces (in row order),
/// rows read as nothing left out; spans as shares of the `ph` px page.
std::vector<placed_line> lines_of(const std::vector<std::vector<piece>>& rows,
                                  const std::vector<model::ocr_line>& reads, int ph) {
  std::vector<placed_line> lines;
  size_t next = 0;
  for (const auto& row : rows) {
    model::ocr_line line;
    double weighted = 0;
    size_t letters = 0;
    double top = 1e9, bottom = -1e9;
    for (const auto& p : row) {
      top = std::min(top, p.cy - p.thickness / 2);
      bottom = std::max(bottom, p.cy + p.thickness / 2);
      const auto& read = reads[next++];
      if (read.text.empty())
        continue;
      line.text += (line.text.empty() ? "" : " ") + read.text;
      weighted += read.confidence * static_cast<double>(read.text.size());
      letters += read.text.size();
    }
    if (letters == 0)
      continue;
    line.confidence = weighted / static_cast<double>(letters);
    lines.push_back({std::move(line), {top / ph, bottom / ph}});
  }
  return lines;
}

}  // namespace

caf::expected<std::vector<placed_line>> line_model::read_page(Pix* page) {
  if (page == nullptr || pixGetDepth(page) != 8)
    return std::vector<placed_line>{};
  int pw = pixGetWidth(page);
  int ph = pixGetHeight(page);
  double s = std::min(1.0, static_cast<double>(det_max_side) / std::max(pw, ph));
  int dw = std::max(32, static_cast<int>(std::lround(pw * s / 32)) * 32);
  int dh = std::max(32, static_cast<int>(std::lround(ph * s / 32)) * 32);
  pix_ptr small{pixScaleToSize(page, dw, dh)};
  if (!small)
    return std::vector<placed_line>{};
  auto output = detector_->run(detector_input(small.get(), dw, dh));
  if (!output)
    return output.error();
  if (output->values.size() != static_cast<size_t>(dw) * static_cast<size_t>(dh))
    return caf::make_error(errc::bad_input, "the text detector answered with an unexpected shape");
  auto rows = rows_of(regions_of(output->values, dw, dh, pw, ph));
  std::vector<pix_ptr> crops;
  for (const auto& row : rows)
    for (const auto& p : row)
      crops.push_back(level_region(page, p));
  auto reads = read_crops(*recognizer_, vocabulary_, crops);
  if (!reads)
    return reads.error();
  return lines_of(rows, *reads, ph);
}

}  // namespace khaacho::ocr
