"""The SQLite store of parsed plans (sqlite-utils): built aside and swapped in atomically.

Tables: plans, sections, passages (+ FTS over a diacritic-folded column), tasks, targets, duties, units,
unit_aliases, task_units, target_units, ingest_log. Foreign keys reference plans.slug and units.id.
"""
from __future__ import annotations

import json
import logging
import os
import sqlite3
from dataclasses import asdict, dataclass
from pathlib import Path

import sqlite_utils

from corpus.document import UnreadablePlan
from corpus.ocr import OcrOptions
from corpus.parse import parse_document
from corpus.reader import SUPPORTED_SUFFIXES, file_sha256, read_document
from corpus.records import Deadline, Duty, ParsedPlan, Passage, Plan, Section, Target, Task
from corpus.text import fold
from corpus.units import registry_for, unit_level

log = logging.getLogger(__name__)

STORE_NAME = "store.sqlite3"
def _parser_version() -> str:
    """Hash of the parsing code: a store built by other parsing rules is rebuilt even if no plan changed."""
    import hashlib
    h = hashlib.sha256()
    here = Path(__file__).parent
    for f in sorted(here.glob("*.py")):     # every reader and parser of this package
        h.update(f.name.encode())
        h.update(f.read_bytes())
    return h.hexdigest()[:16]


PARSER_VERSION = _parser_version()


@dataclass(frozen=True)
class FileReport:
    file: str
    ok: bool
    plan: str | None = None
    locality: str | None = None
    tasks: int = 0
    targets: int = 0
    duties: int = 0
    passages: int = 0
    message: str = ""
    # what the document was recognized as (for `run_bot.py index`)
    name: str = ""              # "Kế hoạch 179/KH-UBND tỉnh Đồng Nai"
    doc_type: str = ""
    issuer: str = ""
    level: str = ""
    number: str = ""
    date: str = ""
    signer: str = ""
    skipped: int = 0            # lines or rows left out, each with a reason (the first three in message)

    def recognized(self) -> str:
        """'Kế hoạch; cơ quan ban hành: UBND tỉnh Đồng Nai (cấp tỉnh); số 179/KH-UBND; …' for the index report."""
        parts = [self.doc_type or "văn bản"]
        if self.issuer:
            parts.append(f"cơ quan ban hành: {self.issuer}" + (f" (cấp {self.level})" if self.level else ""))
        parts.append(f"số {self.number}" if self.number else "không ghi số")
        parts.append(self.date or "không ghi ngày")
        if self.signer:
            parts.append(f"người ký: {self.signer}")
        return "; ".join(parts)


@dataclass(frozen=True)
class IngestResult:
    changed: bool
    reports: tuple[FileReport, ...]
    store_path: Path

    @property
    def ok_count(self) -> int:
        return sum(1 for r in self.reports if r.ok)


def plan_files(plans_dir: Path) -> list[Path]:
    return sorted(p for p in plans_dir.iterdir()
                  if p.is_file() and p.suffix.lower() in SUPPORTED_SUFFIXES and p.suffix
                  and not p.name.startswith(".") and p.name.upper() not in ("README.MD", "SOURCES.MD"))


def _fingerprint(files: list[Path]) -> str:
    return json.dumps([PARSER_VERSION] + [[p.name, file_sha256(p)] for p in files])


def current_fingerprint(store_path: Path) -> str | None:
    if not store_path.exists():
        return None
    try:
        db = sqlite_utils.Database(store_path)
        if "meta" not in db.table_names():
            return None
        row = db.execute("select value from meta where key = 'fingerprint'").fetchone()
        return row[0] if row else None
    except sqlite3.DatabaseError:
        return None


def ingest(plans_dir: Path, data_dir: Path, force: bool = False, progress: bool = True) -> IngestResult:
    """Parse every plan file and (re)build the store when any file changed. A failed build keeps the old store.
    Scanned PDFs are read by OCR once; the text is cached by file hash (corpus/ocr.py, CACHE_FOLDER)."""
    data_dir.mkdir(parents=True, exist_ok=True)
    store_path = data_dir / STORE_NAME
    files = plan_files(plans_dir)
    fp = _fingerprint(files)
    if not force and current_fingerprint(store_path) == fp:
        return IngestResult(False, tuple(_reports_from_store(store_path)), store_path)
    reports: list[FileReport] = []
    parsed: list[ParsedPlan] = []
    lines: dict[str, tuple[str, ...]] = {}
    seen_slugs: set[str] = set()
    for path in files:
        try:
            # read once: the same lines are parsed and kept for citations
            doc = read_document(path, OcrOptions(progress=progress))
            p = parse_document(doc, path.name, file_sha256(path))
        except UnreadablePlan as exc:
            reports.append(FileReport(path.name, False, message=str(exc)))
            continue
        except Exception as exc:  # a parser bug on one file must not stop the others
            log.exception("parse failed for %s", path.name)
            reports.append(FileReport(path.name, False, message=f"{path.name}: lỗi khi đọc kế hoạch ({type(exc).__name__})"))
            continue
        if p.plan.slug in seen_slugs:
            reports.append(FileReport(path.name, False, message=f"{path.name}: trùng tên với một kế hoạch khác"))
            continue
        seen_slugs.add(p.plan.slug)
        parsed.append(p)
        lines[p.plan.slug] = tuple(doc.lines)   # citations show the plan's own lines, from the store
        plan = p.plan
        reports.append(FileReport(path.name, True, plan.slug, plan.locality, len(p.tasks), len(p.targets),
                                  len(p.duties), len(p.passages), "; ".join(p.warnings[:3]), name=plan.name,
                                  doc_type=plan.doc_type, issuer=plan.issuer or "", level=plan.level or "",
                                  number=plan.number or "", date=plan.date or "", signer=plan.signer or "",
                                  skipped=len(p.warnings)))
    tmp = store_path.with_name(STORE_NAME + ".building")
    if tmp.exists():
        tmp.unlink()
    write_store(tmp, parsed, reports, fp, lines)
    os.replace(tmp, store_path)   # atomic: readers see the old or the new store, never half of one
    return IngestResult(True, tuple(reports), store_path)


def _reports_from_store(store_path: Path) -> list[FileReport]:
    db = sqlite_utils.Database(store_path)
    return [FileReport(**{k: r[k] for k in FileReport.__dataclass_fields__}) for r in db["ingest_log"].rows]


def write_store(path: Path, parsed: list[ParsedPlan], reports: list[FileReport], fingerprint: str,
                lines: dict[str, tuple[str, ...]] | None = None) -> None:
    db = sqlite_utils.Database(path)
    db.execute("pragma foreign_keys = on")
    db["meta"].insert_all([{"key": "fingerprint", "value": fingerprint},
                           {"key": "parser_version", "value": PARSER_VERSION}], pk="key")
    db["ingest_log"].insert_all([asdict(r) for r in reports], pk="file") if reports else db["ingest_log"].create(
        {k: str for k in FileReport.__dataclass_fields__}, pk="file")
    db["plans"].create({"slug": str, "title": str, "issuer": str, "locality": str, "level": str, "file": str,
                        "sha256": str, "number": str, "date": str, "signer": str, "source_kind": str, "doc_type": str}, pk="slug")
    db["units"].create({"id": int, "plan": str, "canonical": str, "level": str}, pk="id",
                       foreign_keys=[("plan", "plans", "slug")])
    db["unit_aliases"].create({"unit_id": int, "alias": str, "alias_folded": str}, pk=("unit_id", "alias"),
                              foreign_keys=[("unit_id", "units", "id")])
    db["sections"].create({"id": int, "plan": str, "path": str, "first_line": int, "last_line": int}, pk="id",
                          foreign_keys=[("plan", "plans", "slug")])
    db["passages"].create({"id": int, "plan": str, "section": str, "text": str, "text_folded": str,
                           "first_line": int, "last_line": int, "origin": str, "page": int}, pk="id",
                          foreign_keys=[("plan", "plans", "slug")])
    db["tasks"].create({"id": int, "plan": str, "group_name": str, "code": str, "task": str, "subtask": str,
                        "product": str, "kpi": str, "lead": str, "cooperating": str, "deadline_text": str,
                        "deadline_kind": str, "deadline_start": str, "deadline_end": str, "section": str,
                        "first_line": int, "last_line": int, "page": int, "text_folded": str}, pk="id",
                       foreign_keys=[("plan", "plans", "slug")])
    db["targets"].create({"id": int, "plan": str, "group_name": str, "code": str, "text": str,
                          "unit_of_measure": str, "value_text": str, "value_op": str, "value_low": float,
                          "value_high": float, "year": int, "lead": str, "section": str, "first_line": int,
                          "last_line": int, "page": int, "text_folded": str}, pk="id",
                         foreign_keys=[("plan", "plans", "slug")])
    db["duties"].create({"id": int, "plan": str, "unit": str, "unit_id": int, "text": str, "section": str,
                         "first_line": int, "last_line": int, "deadline_text": str, "deadline_kind": str,
                         "deadline_start": str, "deadline_end": str, "page": int, "text_folded": str}, pk="id",
                        foreign_keys=[("plan", "plans", "slug"), ("unit_id", "units", "id")])
    db["task_units"].create({"task_id": int, "unit_id": int, "role": str}, pk=("task_id", "unit_id", "role"),
                            foreign_keys=[("task_id", "tasks", "id"), ("unit_id", "units", "id")])
    db["target_units"].create({"target_id": int, "unit_id": int}, pk=("target_id", "unit_id"),
                              foreign_keys=[("target_id", "targets", "id"), ("unit_id", "units", "id")])
    unit_id = 0
    task_id = target_id = 0
    for p in parsed:
        slug = p.plan.slug
        db["plans"].insert({k: v for k, v in asdict(p.plan).items()})
        registry = registry_for(p)
        ids: dict[str, int] = {}
        for group in registry.groups:
            unit_id += 1
            ids[group.canonical] = unit_id
            db["units"].insert({"id": unit_id, "plan": slug, "canonical": group.canonical,
                                "level": unit_level(group.canonical) or p.plan.level})
            db["unit_aliases"].insert_all([{"unit_id": unit_id, "alias": a, "alias_folded": fold(a)}
                                           for a in group.aliases])
        db["sections"].insert_all([{"plan": slug, **asdict(s)} for s in p.sections])
        db["passages"].insert_all([{"plan": slug, **asdict(s), "text_folded": fold(s.text)} for s in p.passages])
        for t in p.tasks:
            task_id += 1
            db["tasks"].insert({"id": task_id, "plan": slug, "group_name": t.group, "code": t.code, "task": t.task,
                                "subtask": t.subtask, "product": t.product, "kpi": t.kpi,
                                "lead": json.dumps(t.lead, ensure_ascii=False),
                                "cooperating": json.dumps(t.cooperating, ensure_ascii=False),
                                **_deadline_cols(t.deadline), "section": t.section, "first_line": t.first_line,
                                "last_line": t.last_line, "page": t.page,
                                "text_folded": fold(f"{t.task} {t.subtask} {t.product} {t.kpi}")})
            rows = {(ids[registry.canonical(u)], "lead") for u in t.lead} | {
                (ids[registry.canonical(u)], "coop") for u in t.cooperating}
            db["task_units"].insert_all([{"task_id": task_id, "unit_id": u, "role": r} for u, r in rows])
        for t in p.targets:
            target_id += 1
            db["targets"].insert({"id": target_id, "plan": slug, "group_name": t.group, "code": t.code,
                                  "text": t.text, "unit_of_measure": t.unit_of_measure, "value_text": t.value_text,
                                  "value_op": t.value_op, "value_low": t.value_low, "value_high": t.value_high,
                                  "year": t.year, "lead": json.dumps(t.lead, ensure_ascii=False),
                                  "section": t.section, "first_line": t.first_line, "last_line": t.last_line,
                                  "page": t.page, "text_folded": fold(t.text)})
            db["target_units"].insert_all([{"target_id": target_id, "unit_id": u}
                                           for u in {ids[registry.canonical(x)] for x in t.lead}])
        for d in p.duties:
            db["duties"].insert({"plan": slug, "unit": d.unit, "unit_id": ids[registry.canonical(d.unit)],
                                 "text": d.text, "section": d.section, "first_line": d.first_line,
                                 "last_line": d.last_line, **_deadline_cols(d.deadline), "page": d.page,
                                 "text_folded": fold(d.text)})
    db["plan_lines"].create({"plan": str, "line": int, "text": str}, pk=("plan", "line"),
                            foreign_keys=[("plan", "plans", "slug")])
    for slug, plan_lines in (lines or {}).items():
        db["plan_lines"].insert_all([{"plan": slug, "line": i, "text": t} for i, t in enumerate(plan_lines, 1)])
    db["passages"].enable_fts(["text_folded"], tokenize="unicode61 remove_diacritics 2", create_triggers=False)
    for table in ("passages", "tasks", "targets", "duties", "sections"):
        db[table].create_index(["plan"], if_not_exists=True)
    db["unit_aliases"].create_index(["alias_folded"], if_not_exists=True)
    db.conn.commit()
    db.close()


def _deadline_cols(d: Deadline | None) -> dict:
    if d is None:
        return {"deadline_text": None, "deadline_kind": None, "deadline_start": None, "deadline_end": None}
    return {"deadline_text": d.text, "deadline_kind": d.kind, "deadline_start": d.start, "deadline_end": d.end}


def _deadline(row: dict, prefix: str = "deadline_") -> Deadline | None:
    if row.get(prefix + "text") is None:
        return None
    return Deadline(row[prefix + "text"], row[prefix + "kind"] or "unspecified", row[prefix + "start"],
                    row[prefix + "end"])


def load_plans(store_path: Path) -> list[ParsedPlan]:
    """Records back from the store, as ParsedPlan objects (what the index and the answerer work on)."""
    db = sqlite_utils.Database(store_path)
    out: list[ParsedPlan] = []
    for prow in db["plans"].rows:
        slug = prow["slug"]
        plan = Plan(**prow)
        q = {"where": "plan = ?", "where_args": [slug], "order_by": "id"}
        sections = tuple(Section(r["path"], r["first_line"], r["last_line"]) for r in db["sections"].rows_where(**q))
        passages = tuple(Passage(r["text"], r["section"], r["first_line"], r["last_line"], r["origin"], r["page"])
                         for r in db["passages"].rows_where(**q))
        tasks = tuple(Task(r["group_name"], r["code"], r["task"], r["subtask"], r["product"], r["kpi"],
                           tuple(json.loads(r["lead"])), tuple(json.loads(r["cooperating"])), _deadline(r),
                           r["section"], r["first_line"], r["last_line"], r["page"])
                      for r in db["tasks"].rows_where(**q))
        targets = tuple(Target(r["group_name"], r["code"], r["text"], r["unit_of_measure"], r["value_text"],
                               r["value_op"], r["value_low"], r["value_high"], r["year"], tuple(json.loads(r["lead"])),
                               r["section"], r["first_line"], r["last_line"], r["page"])
                        for r in db["targets"].rows_where(**q))
        duties = tuple(Duty(r["unit"], r["text"], r["section"], r["first_line"], r["last_line"], _deadline(r),
                            r["page"]) for r in db["duties"].rows_where(**q))
        out.append(ParsedPlan(plan, sections, passages, tasks, targets, duties))
    db.close()
    return out


def load_lines(store_path: Path) -> dict[str, tuple[str, ...]]:
    """The plans' own lines (1-based order) by plan slug, for citations."""
    db = sqlite_utils.Database(store_path)
    out: dict[str, list[str]] = {}
    if "plan_lines" in db.table_names():
        for plan, text in db.execute("select plan, text from plan_lines order by plan, line"):
            out.setdefault(plan, []).append(text)
    db.close()
    return {k: tuple(v) for k, v in out.items()}


def load_units(store_path: Path) -> list[tuple[str, str, list[str]]]:
    """(plan slug, canonical name, aliases) for every unit."""
    db = sqlite_utils.Database(store_path)
    rows = db.execute(
        "select u.plan, u.canonical, group_concat(a.alias, char(31)) from units u "
        "join unit_aliases a on a.unit_id = u.id group by u.id order by u.id").fetchall()
    db.close()
    return [(plan, canonical, aliases.split("\x1f")) for plan, canonical, aliases in rows]
