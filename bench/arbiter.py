"""Fit the answer/abstain arbiter (answers/arbiter.py) on the tuning part and write answers/data/arbiter.json.

    python -m bench.arbiter [--model DIR | --replay FILE.npz] [--out FILE] [--table FILE.tsv] [--from-table FILE.tsv]

Every tuning question (tests/eval/*.jsonl, heldout1/, fresh*/ — never frozen*/) is asked three ways, with
the embedding model (or its recorded vectors) and with keywords only: as the rule decides, always answering,
always abstaining, at the decision in answers/handlers/fact.py. Where answering and abstaining score
differently, the features of the first decision of the question (the last turn of a chat) are a training row,
labelled "answering is right". Boosted depth-2 trees (scikit-learn, at fitting time only) are
cross-validated with whole slices held out (a slice is one writer's folder: the folds never split one), the
thresholds `keep` / `overrule` are chosen on those held-out predictions (of the settings within one standard error
of the best, the one that changes the fewest of the rule's decisions), and the trees fitted on all rows are
written as plain JSON that answers/arbiter.py reads without any library.
"""
from __future__ import annotations

import argparse
import csv
import json
import math
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from answers import arbiter  # noqa: E402
from bench.answers import DEFAULT_PLANS, _ask, check, load_cases  # noqa: E402

EVAL = ROOT / "tests" / "eval"
POLICIES = ("rule", "answer", "abstain")
PARAMS = dict(max_depth=2, n_estimators=200, learning_rate=0.05, subsample=0.8, random_state=0, min_samples_leaf=10)
FOLDS = 10
GRID_KEEP = (0.2, 0.3, 0.4, 0.5)
GRID_OVERRULE = (0.5, 0.6, 0.7)


def tuning_sets(root: Path = EVAL) -> list[tuple[Path, str]]:
    """(file, slice) of the tuning part: the top-level sets are one slice, each other folder its own; the
    frozen test part is never read."""
    out = [(f, "base") for f in sorted(root.glob("*.jsonl"))]
    for d in sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith("frozen")):
        out += [(f, d.name) for f in sorted(d.glob("*.jsonl"))]
    return out


class Probe:
    """Stands in for arbiter.decide while fitting: records the features of a case's first decision and decides
    by a fixed policy."""

    def __init__(self):
        self.policy, self.case, self.last = "rule", None, False
        self.rows: dict[int, dict[str, float]] = {}     # by the case's position (ids repeat across slices)

    def __call__(self, snap, q, ranked, verdicts, ok, dense):
        f = arbiter.features(snap, q, ranked, verdicts, ok, dense)
        if self.last and self.policy == "rule":
            self.rows.setdefault(self.case, f)
        rule = f["normal"] == 1.0
        return {"rule": rule, "answer": True, "abstain": False}[self.policy], None


def ask_case(assistant, probe: Probe, case: dict) -> bool:
    probe.case = case["_at"]
    answer = _ask(assistant, case, on_turn=lambda last: setattr(probe, "last", last))
    try:
        return check(case, answer.to_json())[0] and answer.kind != "error"
    except Exception:
        return False


def collect(cases: list[dict], embedder, dense: bool) -> list[dict]:
    """One row per case whose outcome the decision changes: features, label, slice."""
    from answers.service import build_assistant
    probe = Probe()
    real = arbiter.decide
    arbiter.decide = probe
    try:
        with tempfile.TemporaryDirectory(prefix="arbiter-") as tmp:
            assistant = build_assistant(DEFAULT_PLANS, Path(tmp), embedder=embedder)
            assert assistant.index_info().dense == dense
            right = {}
            for policy in POLICIES:
                probe.policy = policy
                right[policy] = [ask_case(assistant, probe, c) for c in cases]
                print(f"  {'model' if dense else 'keywords'} {policy}: {sum(right[policy])}/{len(cases)}",
                      flush=True)
    finally:
        arbiter.decide = real
    rows = []
    for c in cases:
        at = c["_at"]
        f = probe.rows.get(at)
        if f is None or right["answer"][at] == right["abstain"][at]:
            continue
        rows.append({**f, "label": float(right["answer"][at]), "slice": c["_slice"], "id": c["id"]})
    return rows


def fit(rows, names):
    from sklearn.ensemble import GradientBoostingClassifier
    import numpy as np
    m = GradientBoostingClassifier(**PARAMS)
    m.fit(np.array([[r[n] for n in names] for r in rows]), np.array([r["label"] for r in rows]))
    return m


def export(m, names, rows) -> dict:
    """The fitted trees as plain JSON (see arbiter.probability), checked against scikit-learn's own output."""
    import numpy as np
    trees = []
    for est in m.estimators_[:, 0]:
        t = est.tree_
        trees.append([[float(t.value[i][0][0])] if t.children_left[i] == -1 else
                      [int(t.feature[i]), float(t.threshold[i]), int(t.children_left[i]), int(t.children_right[i])]
                      for i in range(t.node_count)])
    X = np.array([[r[n] for n in names] for r in rows])
    sums = sum(est.predict(X) for est in m.estimators_[:, 0]) * m.learning_rate
    init = float(np.mean(m.decision_function(X) - sums))
    model = {"features": names, "init": init, "rate": m.learning_rate, "trees": trees}
    want = m.predict_proba(X)[:, 1]
    got = np.array([arbiter.probability(model, dict(zip(names, x))) for x in X])
    assert np.max(np.abs(want - got)) < 1e-6, "the exported trees do not reproduce the fitted model"
    return model


def cross_validate(rows, names):
    """Held-out probabilities, whole slices held out together (round-robin over the sorted slice names)."""
    slices = sorted({r["slice"] for r in rows})
    fold_of = {s: i % FOLDS for i, s in enumerate(slices)}
    p = [0.0] * len(rows)
    for k in range(FOLDS):
        train = [r for r in rows if fold_of[r["slice"]] != k]
        test = [i for i, r in enumerate(rows) if fold_of[r["slice"]] == k]
        m = fit(train, names)
        probs = m.predict_proba([[rows[i][n] for n in names] for i in test])[:, 1]
        for i, v in zip(test, probs):
            p[i] = float(v)
    return p


def score(rows, p, keep, overrule, dense=None):
    """(right under the rule, right under the arbiter, decisions changed) on the rows of one retrieval mode."""
    rule = arb = flips = 0
    for r, v in zip(rows, p):
        if dense is not None and r["dense"] != dense:
            continue
        said = r["normal"] == 1.0
        dec = arbiter.choose({"keep": keep, "overrule": overrule}, r, v)
        rule += said == (r["label"] == 1.0)
        arb += dec == (r["label"] == 1.0)
        flips += dec != said
    return rule, arb, flips


def write_table(rows, path: Path):
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]), delimiter="\t")
        w.writeheader()
        w.writerows(rows)


def read_table(path: Path):
    with path.open(encoding="utf-8") as fh:
        return [{k: (v if k in ("slice", "id") else float(v)) for k, v in r.items()}
                for r in csv.DictReader(fh, delimiter="\t")]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", default=str(ROOT / "models" / "embeddinggemma-300m"), help="embedding model folder")
    ap.add_argument("--replay", type=Path, help="vectors recorded by bench.answers --record instead of the model")
    ap.add_argument("--out", type=Path, default=arbiter.MODEL_PATH)
    ap.add_argument("--table", type=Path, help="also write the training rows here (TSV)")
    ap.add_argument("--from-table", type=Path, help="fit on rows written earlier by --table, asking nothing")
    args = ap.parse_args(argv)

    t0 = time.perf_counter()
    if args.from_table:
        rows = read_table(args.from_table)
    else:
        cases = []
        for f, name in tuning_sets():
            cases += [{**c, "_slice": name, "_at": len(cases) + i} for i, c in enumerate(load_cases(f))]
        print(f"{len(cases)} tuning questions", flush=True)
        if args.replay:
            from bench.recorded import ReplayEmbedder
            embedder = ReplayEmbedder(args.replay)
        else:
            from index.model import load_embedder
            embedder = load_embedder(args.model)
        rows = collect(cases, embedder, True) + collect(cases, None, False)
        if args.table:
            write_table(rows, args.table)
    names = [n for n in rows[0] if n not in ("label", "slice", "id")]
    p = cross_validate(rows, names)
    grid = []
    for keep in GRID_KEEP:
        for overrule in GRID_OVERRULE:
            rule, arb, flips = score(rows, p, keep, overrule)
            print(f"keep {keep} overrule {overrule}: rule {rule} -> arbiter {arb} of {len(rows)} ({flips} changed)")
            grid.append((arb, flips, keep, overrule))
    # the one-standard-error rule: of the settings whose held-out accuracy is within one standard error of the
    # best, the one that changes the fewest of the rule's decisions (the folds cannot tell the others apart)
    top = max(g[0] for g in grid)
    se = math.sqrt(top * (1 - top / len(rows)))
    _, _, keep, overrule = min((g for g in grid if g[0] >= top - se), key=lambda g: (g[1], -g[0]))
    print(f"best {top}, one standard error {se:.1f} rows: keep {keep}, overrule {overrule}")
    figures = {}
    for mode, dense in (("model", 1.0), ("keywords", 0.0)):
        rule, arb, flips = score(rows, p, keep, overrule, dense)
        figures[mode] = {"rows": sum(r["dense"] == dense for r in rows), "rule": rule, "arbiter": arb, "changed": flips}
        print(f"{mode}: held-out slices, rule {rule} -> arbiter {arb} ({flips} decisions changed)")
    model = export(fit(rows, names), names, rows)
    import sklearn
    model.update({"keep": keep, "overrule": overrule, "fitted": date.today().isoformat(),
                  "sklearn": sklearn.__version__, "params": PARAMS, "cross_validated": figures,
                  "slices": len({r["slice"] for r in rows})})
    args.out.write_text(json.dumps(model, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"wrote {args.out} ({len(model['trees'])} trees, keep {keep}, overrule {overrule}) "
          f"in {time.perf_counter() - t0:.0f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
