#!/usr/bin/env python3
"""Scores OCR + rule-based extraction on a dev set, before catalog matching.

  score_extraction.py DATASET_DIR OCR_TEXT_DIR [--extractor build/extract_items]
                      [--no-line-confidence] [-v]

DATASET_DIR holds dev-NNN.json ground truth (items with `text`, `quantity`, `unit`; `lines`);
OCR_TEXT_DIR holds dev-NNN.txt (and dev-NNN.lines.tsv with line confidences, applied as the
extract stage applies them), e.g. from `build/ocr_bench DATASET_DIR --dump OCR_TEXT_DIR`.
Extracted items are paired with ground-truth items by the similarity of their source line to the
written line (white space collapsed, difflib >= 0.5, best pairs first). Prints detection
precision and recall, how many paired items have the right quantity and unit, how many items came
out flagged unsure, and the silent errors (a wrong quantity or unit, or an item that is not on the paper, without an unsure
flag) — overall and by image quality. Standard library only.
"""
import difflib, glob, json, os, subprocess, sys


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("-")]
    if len(args) < 2:
        print(__doc__)
        return 2
    data, texts = args[0], args[1]
    extractor = "build/extract_items"
    if "--extractor" in sys.argv:
        extractor = sys.argv[sys.argv.index("--extractor") + 1]
    verbose = "-v" in sys.argv
    stats = {}
    for f in sorted(glob.glob(os.path.join(data, "dev-*.json"))):
        stem = os.path.basename(f)[:-5]
        txt_path = os.path.join(texts, stem + ".txt")
        if not os.path.exists(txt_path):
            continue
        truth = json.load(open(f))
        cmd = [extractor]
        lines_path = os.path.join(texts, stem + ".lines.tsv")
        if os.path.exists(lines_path) and "--no-line-confidence" not in sys.argv:
            cmd.append(lines_path)
        out = subprocess.run(cmd, input=open(txt_path).read(), capture_output=True,
                             text=True).stdout
        got = [r.split("\t") for r in out.splitlines() if r]
        want = truth["items"]
        # White space collapsed first: OCR pads gaps on a line with runs of
        # spaces, which would otherwise sink a right line below the threshold.
        norm = lambda s: " ".join(s.split()).lower()
        pairs = sorted(((difflib.SequenceMatcher(None, norm(g[0]), norm(w["text"])).ratio(), i, j)
                        for i, g in enumerate(got) for j, w in enumerate(want)), reverse=True)
        used_g, used_w, match = set(), set(), {}
        for r, i, j in pairs:
            if r < 0.5 or i in used_g or j in used_w:
                continue
            used_g.add(i); used_w.add(j); match[i] = j
        right = silent = 0
        for i, j in match.items():
            g, w = got[i], want[j]
            try:
                ok = abs(float(g[2]) - float(w["quantity"])) < 1e-6 and g[3] == w["unit"]
            except ValueError:
                ok = False
            right += ok
            # A wrong reading nobody is asked about: the costly kind. An item
            # without a written unit is not counted here (the catalog fills it).
            silent += (not ok) and not (len(g) > 4 and g[4]) and g[3] != ""
            if verbose and not ok:
                print(f"{stem}: read {g[2]} {g[3]!r} from {g[0]!r}, written {w['quantity']} {w['unit']!r}")
        silent += sum(1 for i, g in enumerate(got) if i not in match and not (len(g) > 4 and g[4]))
        for key in ("all", truth.get("quality", "?")):
            s = stats.setdefault(key, [0, 0, 0, 0, 0, 0])
            s[0] += len(got); s[1] += len(want); s[2] += len(match); s[3] += right
            s[4] += sum(1 for g in got if len(g) > 4 and g[4]); s[5] += silent
    for key, (got, want, matched, right, unsure, silent) in sorted(stats.items()):
        p = matched / got if got else 0
        r = matched / want if want else 0
        print(f"{key:9s} items {want:4d}  precision {p:.3f}  recall {r:.3f}  "
              f"quantity+unit right {right}/{want} = {right / want if want else 0:.3f}  "
              f"flagged unsure {unsure}/{got}  silent errors {silent}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
