"""Retrieval index: analysis, abbreviations, fusion, persistence and filters (HashEmbedder only)."""
from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
import pytest

from corpus.records import Deadline, ParsedPlan, Passage, Plan, Target, Task
from index.abbreviations import Abbreviations, derive_abbreviations, load_abbreviations
from index.docs import Doc, docs_from_parsed
from index.embedding import HashEmbedder
from index.model import load_embedder
from index.fusion import reciprocal_rank_fusion
from index.hybrid import DENSE_FILE, LEXICAL_FILE, HybridIndex
from index.stores import fts_query
from index.text import DiacriticRestorer, terms


def _plan(slug: str, locality: str) -> Plan:
    return Plan(slug=slug, title="Kế hoạch", issuer=f"UBND xã {locality}", locality=locality, level="xã",
                file=f"{slug}.txt", sha256="0" * 64)


def _parsed(slug: str, locality: str, lead: str) -> ParsedPlan:
    passages = (
        Passage("Công an xã chủ trì, triển khai các mục tiêu, nhiệm vụ của Đề án 06 trên địa bàn xã.",
                "IV. TỔ CHỨC THỰC HIỆN > 5. Công an xã", 10, 10),
        Passage("Trạm Y tế xã hỗ trợ người dân tham gia nền tảng hồ sơ sức khỏe điện tử.",
                "IV. TỔ CHỨC THỰC HIỆN > 8. Trạm Y tế xã", 12, 12),
        Passage("Cải cách thủ tục hành chính dựa trên dữ liệu số; sử dụng giấy tờ số trên tài khoản định danh.",
                "III. GIẢI PHÁP", 20, 21),
        Passage("Bồi dưỡng kỹ năng số thực chất cho cán bộ và người dân; phát huy vai trò Tổ công nghệ số cộng đồng.",
                "III. GIẢI PHÁP", 23, 23),
    )
    targets = (Target("IV. Về phát triển chuyển đổi số", "IV.13", "Tỷ lệ giao dịch không dùng tiền mặt", "%",
                      "≥ 80%", ">=", 80, None, 2026, (lead,), "Phụ lục I", 30, 30),)
    tasks = (Task("VI. Tăng cường hợp tác", "VI.1", "Ký kết các chương trình hợp tác về chuyển đổi số",
                  "Thỏa thuận hợp tác", "Chương trình được ký kết", "≥ 50%", (lead,), ("Cơ quan, đơn vị",),
                  Deadline("Quý II/2026", "quarter"), "Phụ lục II", 40, 41),)
    return ParsedPlan(_plan(slug, locality), (), passages, tasks, targets)


@pytest.fixture(scope="module")
def docs() -> list[Doc]:
    return (docs_from_parsed(_parsed("xa-nha-bich", "Nha Bích", "Phòng VH-XH"))
            + docs_from_parsed(_parsed("xa-phuoc-an", "Phước An", "Phòng VHXH")))


def _open(tmp_path: Path, docs, embedder=HashEmbedder()) -> HybridIndex:
    return HybridIndex.open(tmp_path, docs, embedder)


def _covers(hit, plan: str, line: int) -> bool:
    return hit.doc.plan == plan and hit.doc.first_line <= line <= hit.doc.last_line


# --- documents -------------------------------------------------------------------------------------------

def test_docs_one_per_record_with_stable_unique_ids(docs):
    assert len(docs) == 2 * (4 + 1 + 1)
    assert len({d.id for d in docs}) == len(docs)
    task = next(d for d in docs if d.kind == "task")
    assert task.id == "task:xa-nha-bich:40-41:0"
    assert "Chủ trì: Phòng VH-XH" in task.text and "Thời hạn: Quý II/2026" in task.text
    assert task.text.startswith("Kế hoạch xã Nha Bích")


# --- analysis --------------------------------------------------------------------------------------------

def test_terms_are_the_same_with_and_without_tone_marks():
    assert terms("Ai chủ trì Đề án 06 xã Nha Bích?") == terms("ai chu tri de an 06 xa nha bich")
    assert "de_an" in terms("đề án") and "ai" not in terms("ai chủ trì")


def test_diacritic_restorer_uses_corpus_pairs():
    r = DiacriticRestorer.from_texts(["Tỷ lệ giao dịch không dùng tiền mặt", "đúng tiến độ", "Đề án 06"])
    assert r.restore("giao dich khong dung tien mat") == "giao dịch không dùng tiền mặt"
    assert r.restore("Đã có dấu") == "Đã có dấu"


# --- abbreviations ---------------------------------------------------------------------------------------

def test_derive_abbreviations_from_definitions():
    found = derive_abbreviations([
        "vận hành Trung tâm Phục vụ hành chính công (Trung tâm PVHCC) của xã",
        "các cơ sở dữ liệu (CSDL) quốc gia; Sở Khoa học và Công nghệ (KH&CN)",
        "nền tảng (LGSP) không khớp chữ đầu; triển khai CĐS (chuyển đổi số) toàn diện",
    ])
    assert found == {"PVHCC": "Phục vụ hành chính công", "CSDL": "cơ sở dữ liệu",
                     "KH&CN": "Khoa học và Công nghệ", "CĐS": "chuyển đổi số"}


def test_expand_matches_case_and_folding_but_not_words():
    abbr = Abbreviations({"TTHC": "thủ tục hành chính", "CĐS": "chuyển đổi số", "AI": "trí tuệ nhân tạo"})
    assert abbr.expand("tthc") == "tthc (thủ tục hành chính)"
    assert abbr.expand("ke hoach cds") == "ke hoach cds (chuyển đổi số)"
    assert abbr.expand("ứng dụng AI") == "ứng dụng AI (trí tuệ nhân tạo)"
    assert abbr.expand("ai chủ trì") == "ai chủ trì"          # 'ai' (who) is a word, not AI
    assert abbr.expand("XTTHCX") == "XTTHCX"


def test_abbreviation_query_finds_its_expansion(tmp_path, docs):
    ix = HybridIndex.open(tmp_path, docs, None)
    for query, line in (("TTHC dựa trên dữ liệu số", 20), ("tthc du lieu so", 20), ("vai trò Tổ CNSCĐ", 23)):
        hits = ix.search(query, k=1, plans=["xa-nha-bich"])
        assert _covers(hits[0], "xa-nha-bich", line), (query, hits[0].doc)


def test_curated_table_has_the_common_ones():
    abbr = load_abbreviations()
    for key in ("UBND", "TTHC", "CĐS", "KH&CN", "ĐMST", "DVC", "CNSCĐ", "VNeID", "CSDL", "PVHCC"):
        assert key in abbr.table


# --- fusion ----------------------------------------------------------------------------------------------

def test_rrf_is_pure_and_rewards_agreement():
    fused = reciprocal_rank_fusion([["a", "b", "c"], ["b", "c", "a"]], k=60)
    assert [item for item, _ in fused] == ["b", "a", "c"]
    assert fused[0][1] == pytest.approx(1 / 62 + 1 / 61)
    assert reciprocal_rank_fusion([[], []]) == []
    assert [i for i, _ in reciprocal_rank_fusion([["x"], ["y"]])] == ["x", "y"]   # tie: first seen first


# --- search ----------------------------------------------------------------------------------------------

def test_query_without_diacritics_finds_same_record(tmp_path, docs):
    ix = _open(tmp_path, docs)
    accented = ix.search("Ai chủ trì triển khai Đề án 06 ở xã Nha Bích?", k=3)
    plain = ix.search("ai chu tri trien khai de an 06 o xa nha bich", k=3)
    assert _covers(accented[0], "xa-nha-bich", 10)
    assert accented[0].doc.id == plain[0].doc.id
    assert accented[0].lexical_rank == 1 and accented[0].dense_rank is not None


def test_plan_and_kind_filters_apply_before_truncation(tmp_path, docs):
    ix = _open(tmp_path, docs)
    hits = ix.search("giao dịch không dùng tiền mặt", k=5, plans=["xa-phuoc-an"])
    assert hits and all(h.doc.plan == "xa-phuoc-an" for h in hits)
    assert _covers(hits[0], "xa-phuoc-an", 30)
    only_tasks = ix.search("Nha Bích", k=50, kinds={"task"})
    assert {h.doc.kind for h in only_tasks} == {"task"} and len(only_tasks) == 2
    assert ix.search("Đề án 06", k=3, plans=["khong-co"]) == []
    assert ix.search("Đề án 06", k=3, plans=[]) == []
    assert {h.doc.plan for h in ix.search("Đề án 06", k=20, plans="xa-phuoc-an")} == {"xa-phuoc-an"}


@pytest.mark.parametrize("query", ['"', '""', "*", "Đề án*", "a OR b", "NOT", "(", ")", "NEAR(a b)", "x:y",
                                   "col:Đề án", "^", "-", "AND OR NOT", "'", "\\", "{a}", "", "   ", "??!!"])
def test_fts_metacharacters_never_raise(tmp_path, docs, query):
    ix = _open(tmp_path, docs)
    hits = ix.search(query, k=5)
    assert isinstance(hits, list)


def test_fts_query_quotes_every_term():
    assert fts_query(["de_an", "06", "de_an"]) == '"de_an" OR "06"'
    assert fts_query([]) == ""


# --- persistence -----------------------------------------------------------------------------------------

def test_reopen_unchanged_rebuilds_nothing(tmp_path, docs):
    first = _open(tmp_path, docs)
    assert set(first.rebuilt) == {"lexical", "dense"}
    before = [(h.doc.id, h.lexical_rank, h.dense_rank) for h in first.search("Đề án 06 Nha Bích", k=5)]
    first.close()
    again = _open(tmp_path, docs)
    assert again.rebuilt == ()
    assert [(h.doc.id, h.lexical_rank, h.dense_rank) for h in again.search("Đề án 06 Nha Bích", k=5)] == before


def test_model_change_rebuilds_dense_only(tmp_path, docs):
    _open(tmp_path, docs).close()
    other = _open(tmp_path, docs, HashEmbedder(name="another-model"))
    assert other.rebuilt == ("dense",)
    bigger = _open(tmp_path, docs, HashEmbedder(dim=128, name="another-model"))
    assert bigger.rebuilt == ("dense",)


def test_corpus_change_rebuilds_both(tmp_path, docs):
    _open(tmp_path, docs).close()
    changed = docs[:-1]
    ix = _open(tmp_path, changed)
    assert set(ix.rebuilt) == {"lexical", "dense"}
    assert len(ix.docs) == len(changed)


@pytest.mark.parametrize("damage", ["delete", "garbage", "truncate"])
def test_corrupt_or_missing_files_rebuild_cleanly(tmp_path, docs, damage):
    _open(tmp_path, docs).close()
    for name in (LEXICAL_FILE, DENSE_FILE):
        path = tmp_path / name
        if damage == "delete":
            path.unlink()
        elif damage == "garbage":
            path.write_bytes(b"\x00not an index\xff" * 10)
        else:
            path.write_bytes(path.read_bytes()[:100])
    ix = _open(tmp_path, docs)
    assert set(ix.rebuilt) == {"lexical", "dense"}
    assert _covers(ix.search("Đề án 06 Nha Bích", k=1)[0], "xa-nha-bich", 10)
    assert _open(tmp_path, docs).rebuilt == ()


def test_lexical_only_warns_once_and_still_searches(tmp_path, docs, caplog):
    with caplog.at_level(logging.WARNING, logger="index.hybrid"):
        ix = HybridIndex.open(tmp_path, docs, None)
        ix.search("Đề án 06", k=3)
        ix.search("giao dịch không dùng tiền mặt", k=3)
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1 and "BM25" in warnings[0].getMessage()
    hit = ix.search("hồ sơ sức khỏe điện tử", k=1, plans=["xa-phuoc-an"])[0]
    assert _covers(hit, "xa-phuoc-an", 12) and hit.dense_rank is None


def test_query_embeddings_are_cached(tmp_path, docs):
    calls = []

    class Counting(HashEmbedder):
        def embed_query(self, text):
            calls.append(text)
            return super().embed_query(text)
    ix = _open(tmp_path, docs, Counting())
    for _ in range(3):
        ix.search("hồ sơ sức khỏe điện tử", k=2)
    assert len(calls) == 1


# --- embedders -------------------------------------------------------------------------------------------

def test_hash_embedder_is_normalized_and_deterministic():
    e = HashEmbedder(dim=64)
    m = e.embed_documents(["Đề án 06", "de an 06", ""])
    assert m.shape == (3, 64) and m.dtype == np.float32
    assert np.allclose(np.linalg.norm(m[:2], axis=1), 1.0)
    assert np.allclose(m[0], m[1])                                    # folded: tone marks do not matter
    assert np.allclose(e.embed_query("Đề án 06"), HashEmbedder(dim=64).embed_query("Đề án 06"))


def test_load_embedder_specs(tmp_path, caplog):
    assert load_embedder(None) is None and load_embedder("none") is None and load_embedder("") is None
    assert isinstance(load_embedder("hash"), HashEmbedder)
    with caplog.at_level(logging.WARNING):
        assert load_embedder(str(tmp_path / "missing-model")) is None
    model = tmp_path / "tiny-model"
    (model / "2_Dense").mkdir(parents=True)
    (model / "modules.json").write_text('[{"path": ""}, {"path": "2_Dense"}]', encoding="utf-8")
    (model / "2_Dense" / "config.json").write_text('{"in_features": 8, "out_features": 4}', encoding="utf-8")
    st = load_embedder(str(model))
    assert st is not None and st.name.startswith("tiny-model") and st.dim == 4 and st._model is None   # no torch yet



def test_corpus_change_embeds_only_changed_docs(tmp_path, docs):
    embedded = []

    class Counting(HashEmbedder):
        def embed_documents(self, texts):
            embedded.append(len(texts))
            return super().embed_documents(texts)
    _open(tmp_path, docs, Counting()).close()
    changed = docs[:-1] + [Doc("passage:new:1-1:0", "Một đoạn mới về chữ ký số", "passage", "new", 1, 1)]
    ix = _open(tmp_path, changed, Counting())
    assert embedded == [len(docs), 1] and ix.rebuilt == ("lexical", "dense")
    assert ix.search("chữ ký số", k=1)[0].doc.plan == "new"
    (tmp_path / "vectors.sqlite").write_bytes(b"garbage" * 100)      # a corrupt cache is just rebuilt
    _open(tmp_path, docs, Counting()).close()
    assert embedded[-1] == len(docs)


# --- scale: filters pushed into the stores ---------------------------------------------------------------

def _many_docs() -> list[Doc]:
    """Copies of one plan under several names: equal texts give equal scores, so tie order matters."""
    names = ["Nha Bích", "Phước An", "Hàng Gòn", "Xuân Phú", "An Lợi", "Bình Sơn"]
    return [d for i, n in enumerate(names)
            for d in docs_from_parsed(_parsed(f"xa-{i}", n, "Phòng VH-XH" if i % 2 else "Phòng Kinh tế"))]


_QUERIES = ("Ai chủ trì triển khai Đề án 06 ở xã Nha Bích?", "giao dịch không dùng tiền mặt", "Trạm Y tế xã",
            "ky ket chuong trinh hop tac chuyen doi so", "Phòng VH-XH", "Tổ công nghệ số cộng đồng An Lợi",
            "hồ sơ sức khỏe điện tử", "không có từ nào như vậy xyz")


def _fts_ranking(ix: HybridIndex, query: str, limit: int, plans=None, kinds=None) -> list[int]:
    """FTS5's own ranking with the filters as SQL: what the postings must reproduce."""
    sql, args = "SELECT rowid FROM fts WHERE fts MATCH ?", [fts_query(terms(query, ix.abbreviations))]
    for column, values in (("plan", plans), ("kind", kinds)):
        if values is not None:
            sql += f" AND {column} IN ({','.join('?' * len(values))})"
            args += list(values)
    return [r - 1 for (r,) in ix.lexical._conn.execute(sql + " ORDER BY rank LIMIT ?", args + [limit])]


def test_postings_rank_exactly_as_fts5(tmp_path):
    docs = _many_docs()
    ix = HybridIndex.open(tmp_path, docs, None)
    assert ix.lexical.postings is not None
    slugs = sorted({d.plan for d in docs})
    for query in _QUERIES:
        for plans in (None, slugs[:1], slugs[2:4], [slugs[0], slugs[5]], slugs, []):
            for kinds in (None, ["task", "target"], ["passage"], ["passage", "task", "target", "duty"]):
                for limit in (1, 3, 50):
                    assert ix.lexical_ranking(query, limit, plans, kinds) == _fts_ranking(ix, query, limit, plans, kinds)


def test_fts5_per_range_fallback_ranks_as_one_query(tmp_path):
    docs = _many_docs()
    ix = HybridIndex.open(tmp_path, docs, None)
    ix.lexical.postings = None          # an index built from terms the postings cannot mirror
    slugs = sorted({d.plan for d in docs})
    for query in _QUERIES:
        for plans in (slugs[:1], slugs[1:4], [slugs[0], slugs[5]]):
            assert ix.lexical_ranking(query, 20, plans, ["passage", "task"]) == \
                   _fts_ranking(ix, query, 20, plans, ["passage", "task"])


def test_old_lexical_index_without_postings_is_rebuilt(tmp_path):
    import sqlite3
    docs = _many_docs()
    HybridIndex.open(tmp_path, docs, None).close()
    conn = sqlite3.connect(tmp_path / LEXICAL_FILE)
    with conn:
        conn.execute("DELETE FROM meta WHERE key = 'postings'")
    conn.close()
    again = HybridIndex.open(tmp_path, docs, None)
    assert "lexical" in again.rebuilt and again.lexical.postings is not None


def test_dense_filter_scores_only_allowed_docs_best_first(tmp_path):
    docs = _many_docs()
    ix = _open(tmp_path, docs)
    vectors = np.stack([ix.embedder.embed_documents([ix.abbreviations.expand(d.text)])[0] for d in docs])
    slugs = sorted({d.plan for d in docs})
    for query in _QUERIES:
        qv = ix._query_vector(query)
        for plans, kinds in ((slugs[:1], None), (slugs[1:3], ["passage"]), (None, ["task", "target"]), ([], None)):
            got = ix.dense_scored(query, 5, plans, kinds)
            allowed = [i for i, d in enumerate(docs) if (plans is None or d.plan in plans)
                       and (kinds is None or d.kind in kinds)]
            # best first, equal cosines by position; same top set as an exhaustive search
            want = sorted(allowed, key=lambda i: (-round(float(vectors[i] @ qv), 5), i))[:5]
            assert [p for p, _ in got] == want or \
                   [round(s, 5) for _, s in got] == [round(float(vectors[i] @ qv), 5) for i in want]
            assert all(docs[p].plan in (plans if plans is not None else slugs) for p, _ in got)
            assert [s for _, s in got] == sorted((s for _, s in got), reverse=True)


def test_selection_is_every_doc_when_filters_hold_all(docs):
    ix = HybridIndex(docs, None, None, None, load_abbreviations(d.text for d in docs))
    assert ix.selection(None, None) is None
    assert ix.selection(sorted({d.plan for d in docs}), {d.kind for d in docs}) is None
    assert list(ix.selection(["xa-phuoc-an"], None)) == [i for i, d in enumerate(docs) if d.plan == "xa-phuoc-an"]
    assert list(ix.selection(["khong-co"], None)) == []


def test_a_passage_and_the_one_record_it_is_share_a_vector():
    """Prose targets and duties are also passages of the same lines: their vector is embedded once; a passage
    holding several targets, and everything else, keeps vectors of its own."""
    from index.hybrid import shared_span_vectors
    docs = [Doc("p1", "passage one", "passage", "x", 10, 11), Doc("t1", "target one", "target", "x", 10, 11),
            Doc("p2", "passage two", "passage", "x", 20, 20), Doc("t2", "target a", "target", "x", 20, 20),
            Doc("t3", "target b", "target", "x", 20, 20), Doc("k1", "task", "task", "x", 30, 31)]
    embedded = []

    def embed(texts):
        embedded.extend(texts)
        return np.stack([np.full(4, float(len(embedded) - len(texts) + n)) for n in range(len(texts))])
    vectors = shared_span_vectors(docs, embed)
    assert "target one" not in embedded and len(embedded) == 5
    assert (vectors[0] == vectors[1]).all()
    assert len({tuple(v) for v in vectors[2:5]}) == 3
