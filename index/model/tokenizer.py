"""A fast-loading tokenizer for the ONNX embedder: the model's SentencePiece file instead of tokenizer.json.

Gemma's tokenizer.json (33 MB, 515k BPE merges) takes 1.2-1.6 s to load with the `tokenizers` library on
2 cores, most of the cold start. The same vocabulary as a SentencePiece model (tokenizer.model, 4.7 MB)
loads in under 0.1 s. The two are only interchangeable where they give the same token ids, so the export
step (index.model.export, run by `run_bot.py fetch-model`) checks them against each other on a probe set
(every text the index embeds, the questions of the benchmarks, edge cases, random strings; prompts,
<bos>/<eos> and the token cap included) and writes FAST_MANIFEST only when every probe matches.

At run time `load_tokenizer` uses the SentencePiece path when that manifest is present and its files are
unchanged, else the `tokenizers` path as before. Texts containing a special token written out ('<bos>',
'<eos>', ...: HF splits those out of the text, SentencePiece reads them as letters) or a typed '▁' go to
the `tokenizers` path, loaded only then.
"""
from __future__ import annotations

import datetime as dt
import json
import logging
import random
import shutil
from pathlib import Path
from typing import Callable, Iterable

from index.model.files import sha256_file

log = logging.getLogger(__name__)

FAST_MANIFEST = "tokenizer-fast.json"
SPM_FILE = "tokenizer.model"
HF_FILE = "tokenizer.json"
SPACE = "\u2581"          # '▁', how both write a space inside pieces
USER_DEFINED = 4          # sentencepiece ModelProto.SentencePiece.Type.USER_DEFINED
SAMPLES = 8               # probes (with their ids) kept in the manifest and re-checked at every load


class TokenIds:
    """What the embedder reads of a `tokenizers.Encoding`: its ids."""
    __slots__ = ("ids",)

    def __init__(self, ids: list[int]):
        self.ids = ids


def load_hf_tokenizer(path: Path, max_length: int):
    """The reference path: tokenizer.json through `tokenizers`, capped at max_length tokens, no padding."""
    from tokenizers import Tokenizer
    tok = Tokenizer.from_file(str(path))
    tok.enable_truncation(max_length=max_length)
    tok.no_padding()
    return tok


class SentencePieceTokenizer:
    """encode / encode_batch like `tokenizers.Tokenizer` (objects with .ids), on a SentencePiece model.

    Ids are <bos> + pieces cut to max_length - 2 + <eos>, as HF's template and truncation give. Texts holding
    a guard string (a special token HF would split out) go to the `tokenizers` path, loaded on first need.
    """

    def __init__(self, processor, *, bos: int, eos: int, max_length: int, guard: Iterable[str],
                 fallback: Callable[[], object]):
        self.processor = processor
        self.bos, self.eos, self.max_length = bos, eos, max_length
        self.guard = tuple(guard)
        self._fallback_loader = fallback
        self._fallback = None

    @property
    def fallback(self):
        if self._fallback is None:
            log.info("special token written in a text: loading tokenizer.json")
            self._fallback = self._fallback_loader()
        return self._fallback

    def handles(self, text: str) -> bool:
        return not any(g in text for g in self.guard)

    def _wrap(self, pieces: list[int]) -> TokenIds:
        return TokenIds([self.bos, *pieces[:max(0, self.max_length - 2)], self.eos])

    def encode_batch(self, texts: list[str]) -> list[TokenIds]:
        texts = list(texts)
        out: list[TokenIds | None] = [None] * len(texts)
        fast = [i for i, t in enumerate(texts) if self.handles(t)]
        if fast:
            # One text per call: given a list, SentencePiece starts a thread pool each time (70 us here,
            # 0.5 ms while ONNX Runtime's threads are busy) for what takes 6 us on one short text.
            for i in fast:
                out[i] = self._wrap(self.processor.encode(texts[i]))
        slow = [i for i in range(len(texts)) if out[i] is None]
        if slow:
            for i, enc in zip(slow, self.fallback.encode_batch([texts[i] for i in slow])):
                out[i] = TokenIds(list(enc.ids))
        return out

    def encode(self, text: str) -> TokenIds:
        return self.encode_batch([text])[0]


def _processor(path: Path):
    import sentencepiece as spm
    return spm.SentencePieceProcessor(model_file=str(path))


def read_fast_manifest(folder: Path) -> dict | None:
    """The manifest of a checked SentencePiece file, or None when absent, unreadable, or when tokenizer.model
    or tokenizer.json changed size since the check (sizes only: hashing 38 MB would cost what we save)."""
    try:
        manifest = json.loads((folder / FAST_MANIFEST).read_text(encoding="utf-8"))
        if not manifest.get("verified"):
            return None
        for name, meta in manifest["files"].items():
            path = folder / name
            if not path.is_file() or path.stat().st_size != meta["size"]:
                return None
        return manifest
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def load_fast_tokenizer(folder: str | Path, max_length: int,
                        fallback: Callable[[], object]) -> SentencePieceTokenizer | None:
    """The SentencePiece path when the export step checked it and it still gives the recorded ids, else None."""
    folder = Path(folder)
    manifest = read_fast_manifest(folder)
    if manifest is None:
        return None
    try:
        processor = _processor(folder / SPM_FILE)
        tok = SentencePieceTokenizer(processor, bos=int(manifest["bos"]), eos=int(manifest["eos"]),
                                     max_length=max_length, guard=manifest["guard"], fallback=fallback)
        samples = manifest["samples"]
        got = tok.encode_batch([s["text"] for s in samples])
        if not samples or any(g.ids != s["ids"] for g, s in zip(got, samples)):
            raise ValueError("sample ids differ from the recorded ones")
    except ImportError:
        log.info("sentencepiece is not installed: loading tokenizer.json")
        return None
    except Exception as exc:   # a corrupt or foreign file: the slow path is always right
        log.warning("Bỏ qua %s (%s); dùng tokenizer.json. / Fast tokenizer in %s unusable: %s",
                    SPM_FILE, exc, folder, exc)
        return None
    return tok


def load_tokenizer(folder: str | Path, max_length: int):
    """The fast SentencePiece path when available and checked, else tokenizer.json via `tokenizers`."""
    folder = Path(folder)
    slow = lambda: load_hf_tokenizer(folder / HF_FILE, max_length)   # noqa: E731
    return load_fast_tokenizer(folder, max_length, slow) or slow()


# ------------------------------------------------------------------------------------------- checking

EDGE_CASES = (
    "", " ", "  ", "\n", "\n\n\n", "\t", "\r\n", "a", "xã", "Xã", "XÃ", "  hai  dấu   cách  ", " đầu", "cuối ",
    "dòng một\ndòng hai\n\ndòng ba", "tab\tgiữa\t\tchữ", "Đề án 06/ĐA-UBND ngày 15/3/2026", "100%", "1.234.567,89",
    "12345678901234567890", "TTHC, UBND, HĐND, CĐS, KH&CN, ĐMST, VNeID", "https://dichvucong.gov.vn/p/home",
    "a@b.vn", "“ngoặc kép” ‘đơn’ – gạch — dài … ba chấm • chấm", "Quý III/2026; Q.IV-2027", "≥ 80% ≤ 5 ‰ ± 1 °C",
    "x\u00a0y", "zero\u200bwidth", "\ufeffBOM", "e\u0301 tổ hợp NFD: Nha Bi\u0301ch", "ﬁ ligature", "Ⅳ ①",
    "😀 biểu tượng 👍🏽", "中文 日本語 한국어", "русский ελληνικά العربية עברית हिन्दी ไทย", "\x00\x01\x7f",
    "<bos>", "<eos>", "a<eos>b", "<pad><unk>", "<image_soft_token>", "<unused0>", "<start_of_turn>user",
    "<mask>", "[multimodal]", "<b>in đậm</b>", "<0x41>", "▁", "▁▁▁ x", "a▁b", "<bo s>", "< eos >",
)


def _random_texts(seed: int = 57, count: int = 2000) -> list[str]:
    """Deterministic noise: Vietnamese letters, digits, punctuation, whitespace runs, and other scripts."""
    rnd = random.Random(seed)
    viet = "aăâbcdđeêghiklmnoôơpqrstuưvxyáàảãạắằẳẵặấầẩẫậéèẻẽẹếềểễệíìỉĩịóòỏõọốồổỗộớờởỡợúùủũụứừửữựýỳỷỹỵ"
    pool = viet + viet.upper() + "0123456789" + " " * 12 + ".,;:!?()[]{}-–—/\\\"'“”‘’…%&*+=<>#@_|\n\t"
    other = [chr(c) for c in [*range(0x20, 0x2500), *range(0x3040, 0x30ff), *range(0x4e00, 0x4e80),
                              *range(0xac00, 0xac40), *range(0x1f300, 0x1f340)] if chr(c).isprintable()]
    out = []
    for i in range(count):
        chars = pool if i % 3 else other
        out.append("".join(rnd.choice(chars) for _ in range(rnd.randint(1, 120))))
    return out


def guard_tokens(hf_json: Path, processor) -> list[str]:
    """HF added tokens SentencePiece does not read as one piece with the same id (control, unknown, or beyond
    its vocabulary): a text holding one goes to the `tokenizers` path."""
    added = json.loads(hf_json.read_text(encoding="utf-8")).get("added_tokens") or []
    from sentencepiece import sentencepiece_model_pb2 as pb
    proto = pb.ModelProto()
    proto.ParseFromString(processor.serialized_model_proto())
    guard = []
    for tok in added:
        i, content = int(tok["id"]), tok["content"]
        if not (i < len(proto.pieces) and proto.pieces[i].piece == content and proto.pieces[i].type == USER_DEFINED
                and not any(tok.get(k) for k in ("single_word", "lstrip", "rstrip"))):
            guard.append(content)
    # HF matches added tokens in the raw text, SentencePiece after writing spaces as '▁': the two read a
    # '▁' typed in the text differently ('▁▁▁ x'), so such a text goes to the `tokenizers` path.
    guard.append(SPACE)
    return sorted(set(guard))


def compare(fast: SentencePieceTokenizer, slow, texts: list[str]) -> list[tuple[str, list[int], list[int]]]:
    """(text, fast ids, slow ids) for every text where the two differ."""
    got = fast.encode_batch(texts)
    want = slow.encode_batch(texts)
    return [(t, g.ids, list(w.ids)) for t, g, w in zip(texts, got, want) if g.ids != list(w.ids)]


def build_fast_tokenizer(folder: str | Path, source_dir: str | Path, texts: Iterable[str], *, max_length: int,
                         progress: Callable[[str], None] = lambda msg: None) -> dict | None:
    """Copy the source model's tokenizer.model beside the export's tokenizer.json and keep it only if it gives
    the same ids on every probe (texts + edge cases + random strings); returns the manifest or None.

    An export already checked against the same two files is left alone. On any mismatch the copy is deleted
    (with a previous manifest), so the `tokenizers` path stays in use.
    """
    folder, source_dir = Path(folder), Path(source_dir)
    source = source_dir / SPM_FILE
    hf_json = folder / HF_FILE
    if not source.is_file() or not hf_json.is_file():
        progress(f"no {SPM_FILE} in {source_dir}: tokenizer.json stays in use")
        return None
    try:
        import sentencepiece  # noqa: F401
    except ImportError:
        progress("sentencepiece is not installed: tokenizer.json stays in use")
        return None
    hf_sha = sha256_file(hf_json)
    spm_sha = sha256_file(source)
    current = read_fast_manifest(folder)
    if (current and current["files"].get(HF_FILE, {}).get("sha256") == hf_sha
            and current["files"].get(SPM_FILE, {}).get("sha256") == spm_sha
            and current.get("max_length") == max_length):
        progress(f"{folder / FAST_MANIFEST} already checked ({current['checked']} probes)")
        return current

    def refuse(why: str) -> None:
        (folder / FAST_MANIFEST).unlink(missing_ok=True)
        tmp.unlink(missing_ok=True)
        progress(f"Bỏ đường tách từ nhanh, dùng tokenizer.json. / Fast tokenizer refused: {why}")

    tmp = folder / (SPM_FILE + ".tmp")
    shutil.copy2(source, tmp)
    try:
        processor = _processor(tmp)
        slow = load_hf_tokenizer(hf_json, max_length)
        ends = slow.encode("").ids
        if len(ends) != 2 or ends != [processor.bos_id(), processor.eos_id()]:
            return refuse(f"template {ends} is not [<bos>, <eos>] = {[processor.bos_id(), processor.eos_id()]}")
        guard = guard_tokens(hf_json, processor)
        fast = SentencePieceTokenizer(processor, bos=ends[0], eos=ends[1], max_length=max_length, guard=guard,
                                      fallback=lambda: slow)
    except Exception as exc:
        return refuse(f"{type(exc).__name__}: {exc}")
    probes = list(dict.fromkeys([*texts, *EDGE_CASES, *_random_texts()]))
    long = " ".join(probes[:400])
    probes += [long, long[: len(long) // 3], "\n".join(probes[400:800])]     # well beyond the token cap
    bad = compare(fast, slow, probes)
    if bad:
        text, got, want = bad[0]
        return refuse(f"{len(bad)} of {len(probes)} probes differ, e.g. {text[:60]!r}: {got[:12]} != {want[:12]}")
    fast_count = sum(fast.handles(t) for t in probes)
    tmp.replace(folder / SPM_FILE)
    samples = [t for t in probes if t and fast.handles(t)][:SAMPLES]
    manifest = {
        "verified": True, "kind": "sentencepiece", "max_length": max_length, "bos": ends[0], "eos": ends[1],
        "guard": guard, "checked": len(probes), "checked_fast": fast_count,
        "samples": [{"text": t, "ids": fast.encode(t).ids} for t in samples],
        "files": {name: {"size": (folder / name).stat().st_size, "sha256": sha}
                  for name, sha in ((SPM_FILE, spm_sha), (HF_FILE, hf_sha))},
        "created": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
    }
    out = folder / (FAST_MANIFEST + ".tmp")
    out.write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
    out.replace(folder / FAST_MANIFEST)
    progress(f"fast tokenizer: same ids as tokenizer.json on all {len(probes)} probes "
             f"({len(probes) - fast_count} with a special token go to tokenizer.json)")
    return manifest


ROOT = Path(__file__).resolve().parents[2]


def project_texts(prompts: dict[str, str], root: Path = ROOT) -> list[str]:
    """What the index embeds (every record of the bundled plans, abbreviations spelled out, document prompt)
    and the questions of the benchmarks and evaluation sets (query prompt), each also without its prompt."""
    texts: list[str] = []
    doc_prompt, query_prompt = prompts.get("document", ""), prompts.get("query", "")
    try:
        from corpus.parse import parse_plan_file
        from index.abbreviations import load_abbreviations
        from index.docs import docs_from_parsed
        docs = [d for path in sorted((root / "corpus" / "plans").glob("*.txt"))
                for d in docs_from_parsed(parse_plan_file(path))]
        abbreviations = load_abbreviations(d.text for d in docs)
        for d in docs:
            expanded = abbreviations.expand(d.text)
            texts += [doc_prompt + expanded, expanded, d.text]
    except Exception as exc:   # an installed copy without plans: the other probes still run
        log.warning("plan texts unavailable for the tokenizer check: %s", exc)
    for path in [root / "bench" / "retrieval_questions.jsonl", *sorted((root / "tests" / "eval").glob("*.jsonl"))]:
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except OSError:
            continue
        for line in lines:
            try:
                row = json.loads(line)
            except ValueError:
                continue
            for key in ("q", "question"):
                if isinstance(row.get(key), str):
                    texts += [query_prompt + row[key], row[key]]
    return list(dict.fromkeys(texts))
