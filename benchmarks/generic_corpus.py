"""Score the generic path, gne and trafilatura on a corpus of real Chinese article pages.

The corpus is ``fixtures/generic-corpus/corpus.json``: for each page its file, site,
URL, where it came from (repository, path, commit) and a hand-checked expectation
(title, published day, first and last sentence of the body). Four checks per page:

- title: equal after whitespace normalisation;
- date: the same day (a page that shows no date expects none);
- first: the body's first sentence is in the body's first paragraph;
- last: the body's last sentence is in the body's last paragraph, so a body that
  stops early or runs on into related lists or copyright lines fails.

A credit line (a byline, photo caption or 来源/编辑 line: at most 30 characters and no
sentence end) may stand before the first or after the last sentence, two at most.

Run from the repository root (gne is a dependency, trafilatura the ``bench`` extra)::

    .venv/bin/python -m benchmarks.generic_corpus
    .venv/bin/python -m benchmarks.generic_corpus --tool g60crawler --page sina-1

A full run writes ``benchmarks/results/generic_corpus.json`` and renders
``docs/generic-corpus.md`` from it; a run narrowed by --tool or --page writes nothing.
The held-out set (pages nobody tuned on) is scored the same way::

    .venv/bin/python -m benchmarks.generic_corpus --manifest fixtures/generic-corpus/holdout.json --pages DIR

and its full run writes ``benchmarks/results/generic_holdout.json`` and ``docs/generic-holdout.md``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import re
import subprocess
import sys
import unicodedata
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "fixtures" / "generic-corpus"
MANIFEST = CORPUS / "corpus.json"
#: the held-out pages, scored by the same command with --manifest; nobody tunes on them
HOLDOUT = CORPUS / "holdout.json"
RESULTS = ROOT / "benchmarks" / "results" / "generic_corpus.json"
DOC = ROOT / "docs" / "generic-corpus.md"
#: where a full run of a manifest other than corpus.json writes: results and doc named for its stem
OUTPUTS = {HOLDOUT.name: (ROOT / "benchmarks" / "results" / "generic_holdout.json", ROOT / "docs" / "generic-holdout.md")}
#: where the page files are read from when not beside the manifest
PAGES_ENV = "G60_GENERIC_CORPUS"
TOOLS = ("g60crawler", "gne", "trafilatura")
CHECKS = ("title", "date", "first", "last")
#: the URL given to the extractors for a page whose address is not known
UNKNOWN_URL = "https://corpus.invalid/{file}"

_SPACE = re.compile(r"\s+")
_SENTENCE_END = re.compile(r"[。！？!?]")
#: a byline, caption or source line before or after the prose: short, with no sentence end
CREDIT_LINE_CHARS = 30
#: how many such lines may stand between the body's edge and its first or last sentence
CREDIT_LINES = 2
_DAY = re.compile(r"((?:19|20)\d\d)\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})")


# ------------------------------------------------------------------ checks

def squeeze(text: str | None) -> str:
    """Text compared by the checks: NFKC (full-width digits and punctuation folded), no whitespace.

    :param text: any text, None for none.
    """
    return _SPACE.sub("", unicodedata.normalize("NFKC", text or ""))


def day_of(value: str | None) -> str | None:
    """The YYYY-MM-DD day in a date string as a tool returns it, None when there is none.

    :param value: ``2024-05-16 10:00``, ``2024年5月16日``, ``2024/05/16``, an ISO timestamp, or None.
    """
    m = _DAY.search(unicodedata.normalize("NFKC", value or ""))
    if not m:
        return None
    year, month, day = (int(g) for g in m.groups())
    return f"{year:04d}-{month:02d}-{day:02d}" if 1 <= month <= 12 and 1 <= day <= 31 else None


def title_ok(expected: str, got: str | None) -> bool:
    """The headline returned equals the expected one, whitespace aside.

    :param expected: the hand-checked headline.
    :param got: what the tool returned.
    """
    return bool(got) and squeeze(expected) == squeeze(got)


def date_ok(expected: str | None, got: str | None) -> bool:
    """The day returned is the expected day; a page showing no date expects no date.

    :param expected: YYYY-MM-DD or None.
    :param got: the tool's date string.
    """
    return day_of(got) == expected


def is_credit_line(paragraph: str) -> bool:
    """A short line with no sentence in it: a byline, a photo caption, a 来源/编辑 line.

    :param paragraph: one body paragraph.
    """
    text = squeeze(paragraph)
    return len(text) <= CREDIT_LINE_CHARS and not _SENTENCE_END.search(text)


def first_ok(expected: str, paragraphs: list[str]) -> bool:
    """The body starts with the article: its first sentence is in the first paragraph.

    Up to :data:`CREDIT_LINES` credit lines (:func:`is_credit_line`) may come before it.

    :param expected: the first sentence of the body as a reader sees it.
    :param paragraphs: the tool's body paragraphs, in order.
    """
    return _found(squeeze(expected), paragraphs)


def last_ok(expected: str, paragraphs: list[str]) -> bool:
    """The body ends with the article: its last sentence is in the last paragraph.

    Up to :data:`CREDIT_LINES` credit lines may follow it; a related list, a copyright
    block or the rest of the page may not.

    :param expected: the last sentence of the body as a reader sees it.
    :param paragraphs: the tool's body paragraphs, in order.
    """
    return _found(squeeze(expected), paragraphs[::-1])


def _found(sentence: str, paragraphs: list[str]) -> bool:
    for paragraph in paragraphs[: CREDIT_LINES + 1]:
        if sentence in squeeze(paragraph):
            return True
        if not is_credit_line(paragraph):
            return False
    return False


def check(expected: dict, got: "Extracted") -> dict[str, bool]:
    """The four checks of one page for one tool.

    :param expected: the manifest's ``expected`` record.
    :param got: what the tool extracted.
    """
    return {
        "title": title_ok(expected["title"], got.title),
        "date": date_ok(expected["published"], got.published),
        "first": first_ok(expected["first_sentence"], got.paragraphs),
        "last": last_ok(expected["last_sentence"], got.paragraphs),
    }


# ------------------------------------------------------------------ tools

@dataclass
class Extracted:
    """What one tool returned for one page."""

    title: str | None = None
    published: str | None = None
    paragraphs: list[str] = field(default_factory=list)
    error: str | None = None


def _paragraphs(text: str | None) -> list[str]:
    lines = (line.strip() for line in (text or "").split("\n"))
    return [line for line in lines if line]


def run_g60crawler(body: bytes, url: str) -> Extracted:
    """The crawl's own path: decode, extract (templates, else generic), assemble as stored.

    :param body: the page bytes as saved.
    :param url: the page URL.
    """
    from g60crawler.assemble import build_article
    from g60crawler.items import ArticleItem
    from g60crawler.pages.article import extract_raw

    raw = extract_raw(url, body)
    item = build_article(raw)
    if not isinstance(item, ArticleItem):
        return Extracted(title=raw.title, error=f"{item.reason} ({raw.extraction})")
    return Extracted(title=item.title, published=item.published, paragraphs=_paragraphs(item.body.replace("\n\n", "\n")),
                     error=None if raw.extraction.startswith("generic") else f"template {raw.extraction}")


def run_gne(body: bytes, url: str) -> Extracted:
    """gne on the page decoded the way the crawl decodes it: ``GeneralNewsExtractor().extract``.

    :param body: the page bytes as saved.
    :param url: the page URL (unused by gne).
    """
    from gne import GeneralNewsExtractor

    from g60crawler.pages.decode import decode_html

    text, _encoding = decode_html(body)
    found = GeneralNewsExtractor().extract(text)
    return Extracted(title=found.get("title"), published=found.get("publish_time"),
                     paragraphs=_paragraphs(found.get("content")))


def run_trafilatura(body: bytes, url: str) -> Extracted:
    """trafilatura's ``bare_extraction`` with metadata on the decoded page.

    :param body: the page bytes as saved.
    :param url: the page URL.
    """
    import trafilatura

    from g60crawler.pages.decode import decode_html

    text, _encoding = decode_html(body)
    doc = trafilatura.bare_extraction(text, url=url, with_metadata=True)
    if doc is None:
        return Extracted(error="nothing extracted")
    if isinstance(doc, dict):  # trafilatura < 2 returns a dict
        return Extracted(title=doc.get("title"), published=doc.get("date"), paragraphs=_paragraphs(doc.get("text")))
    return Extracted(title=doc.title, published=doc.date, paragraphs=_paragraphs(doc.text))


RUNNERS = {"g60crawler": run_g60crawler, "gne": run_gne, "trafilatura": run_trafilatura}


# ------------------------------------------------------------------ corpus

class CorpusError(Exception):
    """The corpus cannot be read: a missing or altered page, a bad manifest."""


def load_manifest(path: Path = MANIFEST) -> list[dict]:
    """The pages of the manifest.

    :param path: the manifest file.
    """
    try:
        return json.loads(path.read_text("utf-8"))["pages"]
    except (OSError, ValueError, KeyError) as exc:
        raise CorpusError(f"cannot read the manifest {path}: {exc}") from exc


def pages_dir(option: str | None = None) -> Path:
    """Where the page files are: --pages, else $G60_GENERIC_CORPUS, else beside the manifest.

    :param option: the --pages value, or None.
    """
    return Path(option or os.environ.get(PAGES_ENV) or CORPUS)


def read_page(page: dict, folder: Path) -> bytes:
    """The bytes of a page, checked against the manifest's sha256.

    :param page: the manifest record.
    :param folder: the folder holding the page files.
    """
    path = folder / page["file"]
    try:
        body = path.read_bytes()
    except OSError:
        raise CorpusError(f"page {page['file']} is missing from {folder} "
                          "(--materialise MIRRORS copies them out of git mirrors of the repositories the manifest names, "
                          "a folder of owner+name/repo git directories such as /work/.mirror)") from None
    if hashlib.sha256(body).hexdigest() != page["sha256"]:
        raise CorpusError(f"page {page['file']} in {folder} is not the page of the manifest (sha256 differs)")
    return body


def materialise(pages: list[dict], mirrors: Path, folder: Path) -> int:
    """Copy each page out of a git mirror of its repository, at the manifest's commit.

    :param pages: the manifest records.
    :param mirrors: a folder of mirrors named ``owner+name`` (each holding ``repo``, a git directory).
    :param folder: where the page files go.
    """
    folder.mkdir(parents=True, exist_ok=True)
    for page in pages:
        source = page["source"]
        git_dir = mirrors / source["repository"].replace("/", "+") / "repo"
        if (git_dir / ".git").is_dir():
            git_dir = git_dir / ".git"
        done = subprocess.run(["git", "--git-dir", str(git_dir), "show", f"{source['commit']}:{source['path']}"],
                              capture_output=True)
        if done.returncode:
            raise CorpusError(f"cannot read {source['path']} at {source['commit']} from {git_dir}")
        if hashlib.sha256(done.stdout).hexdigest() != page["sha256"]:
            raise CorpusError(f"{source['path']} at {source['commit']} is not the page of the manifest")
        (folder / page["file"]).write_bytes(done.stdout)
    return len(pages)


# ------------------------------------------------------------------ run and report

def _short(text: str | None, n: int = 40) -> str | None:
    if text is None:
        return None
    text = _SPACE.sub(" ", text).strip()
    return text if len(text) <= n else text[: n - 1] + "…"


def score(pages: list[dict], folder: Path, tools: tuple[str, ...]) -> list[dict]:
    """Run the tools on the pages and check each result.

    :param pages: the manifest records to score.
    :param folder: the folder holding the page files.
    :param tools: names from :data:`TOOLS`.
    """
    rows = []
    for page in pages:
        body = read_page(page, folder)
        url = page.get("url") or UNKNOWN_URL.format(file=page["file"])
        row = {"file": page["file"], "site": page["site"], "tools": {}}
        for tool in tools:
            try:
                got = RUNNERS[tool](body, url)
            except Exception as exc:  # a tool that crashes on a page misses every check of it
                got = Extracted(error=f"{type(exc).__name__}: {exc}")
            row["tools"][tool] = {
                "ok": check(page["expected"], got),
                "title": _short(got.title, 60),
                "published": got.published if got.published is None else str(got.published)[:25],
                "first": _short(got.paragraphs[0] if got.paragraphs else None),
                "last": _short(got.paragraphs[-1][-40:] if got.paragraphs else None),
                "paragraphs": len(got.paragraphs),
                "error": got.error,
            }
        rows.append(row)
    return rows


def totals(rows: list[dict], tools: tuple[str, ...]) -> dict[str, dict[str, int]]:
    """Passed checks per tool and field, with ``all`` over the four fields.

    :param rows: the scored pages.
    :param tools: the tools scored.
    """
    out = {}
    for tool in tools:
        counts = {c: sum(r["tools"][tool]["ok"][c] for r in rows) for c in CHECKS}
        counts["all"] = sum(counts.values())
        out[tool] = counts
    return out


def _versions() -> dict[str, str]:
    found = {"python": platform.python_version()}
    for name in ("g60crawler", "gne", "trafilatura", "lxml"):
        try:
            found[name] = version(name)
        except PackageNotFoundError:
            found[name] = "not installed"
    return found


def print_report(rows: list[dict], tools: tuple[str, ...], out=sys.stdout) -> None:
    """Per-field totals per tool, then each tool's misses with what it returned.

    :param rows: the scored pages.
    :param tools: the tools scored.
    :param out: where to print.
    """
    n = len(rows)
    sums = totals(rows, tools)
    print(f"{n} pages, {len({r['site'] for r in rows})} sites; checks passed:", file=out)
    print(f"{'tool':<12}" + "".join(f"{c:>8}" for c in CHECKS) + f"{'all':>14}", file=out)
    for tool in tools:
        s = sums[tool]
        pct = 100 * s["all"] / (4 * n) if n else 0.0
        print(f"{tool:<12}" + "".join(f"{s[c]:>5}/{n:<2}" for c in CHECKS) + f"{s['all']:>6}/{4 * n} {pct:5.1f}%", file=out)
    for tool in tools:
        misses = [(r, c) for r in rows for c in CHECKS if not r["tools"][tool]["ok"][c]]
        print(f"\n{tool}: {len(misses)} missed checks", file=out)
        for r, c in misses:
            got = r["tools"][tool]
            shown = {"title": got["title"], "date": got["published"], "first": got["first"], "last": got["last"]}[c]
            note = f" [{got['error']}]" if got["error"] else ""
            print(f"  {r['file']:<22} {c:<6} got {shown!r}{note}", file=out)


def outputs(manifest: Path) -> tuple[Path, Path] | None:
    """Where a full run of a manifest writes its results JSON and doc; None for an unknown manifest.

    :param manifest: the manifest scored.
    """
    manifest = manifest.resolve()
    if manifest == MANIFEST.resolve():
        return RESULTS, DOC
    if manifest.parent == CORPUS.resolve() and manifest.name in OUTPUTS:
        return OUTPUTS[manifest.name]
    return None


def render_doc(result: dict) -> str:
    """docs/generic-corpus.md (or the held-out set's doc) from the results JSON.

    :param result: the content of benchmarks/results/generic_corpus.json or generic_holdout.json.
    """
    tools, rows = tuple(result["tools"]), result["pages"]
    n = len(rows)
    manifest = result.get("manifest", "fixtures/generic-corpus/corpus.json")
    held_out = manifest.endswith(HOLDOUT.name)
    source = "benchmarks/results/" + ("generic_holdout.json" if held_out else "generic_corpus.json")
    lines = [
        "# Generic extraction: the held-out Chinese article pages" if held_out
        else "# Generic extraction: the Chinese article corpus",
        "",
        "Generated by `" + result["command"] + f"` from `{source}`; do not edit by hand.",
        "",
        *(["Pages that no tuning of the generic extractor looked at: none of them is in `corpus.json`.", ""]
          if held_out else []),
        f"{n} real article pages from {len({r['site'] for r in rows})} sites (`{manifest}`"
        " lists each page's source repository, path and commit, and its hand-checked expectation). Checks per page:"
        " **title** equal after whitespace normalisation; **date** the same day; **first** the body's first sentence"
        " is in the first paragraph; **last** the body's last sentence is in the last paragraph (a body that stops"
        " early or runs on into related lists or copyright lines fails). Two credit lines at most (a byline, caption"
        " or 来源/编辑 line: 30 characters or fewer, no sentence end) may stand before the first or after the last"
        " sentence.",
        "",
        "Versions: " + ", ".join(f"{k} {v}" for k, v in result["versions"].items()) + ".",
        "",
        "| tool | title | date | first | last | all |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for tool in tools:
        s = result["totals"][tool]
        lines.append(f"| {tool} | " + " | ".join(f"{s[c]}/{n}" for c in CHECKS)
                     + f" | {s['all']}/{4 * n} ({100 * s['all'] / (4 * n):.1f}%) |")
    lines += ["", "## Per page", "", "✓ passed, ✗ missed; columns title/date/first/last.", "",
              "| page | site | " + " | ".join(tools) + " |", "| --- | --- | " + " | ".join("---" for _ in tools) + " |"]
    for r in rows:
        marks = ["".join("✓" if r["tools"][t]["ok"][c] else "✗" for c in CHECKS) for t in tools]
        lines.append(f"| {r['file']} | {r['site']} | " + " | ".join(marks) + " |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Score the corpus; a full run writes the results JSON and the doc.

    :param argv: command-line arguments (sys.argv when None).
    """
    parser = argparse.ArgumentParser(prog="python -m benchmarks.generic_corpus", description=__doc__.split("\n")[0])
    parser.add_argument("--tool", action="append", help=f"score only this tool ({', '.join(TOOLS)}); repeatable")
    parser.add_argument("--page", action="append", help="score only this page (file name, .html optional); repeatable")
    parser.add_argument("--pages", help=f"folder of the page files (default ${PAGES_ENV}, else beside the manifest)")
    parser.add_argument("--manifest", default=str(MANIFEST), help="the corpus manifest")
    parser.add_argument("--materialise", metavar="MIRRORS",
                        help="copy the pages out of git mirrors (MIRRORS/owner+name/repo) into the pages folder, then stop")
    args = parser.parse_args(argv)
    try:
        pages = load_manifest(Path(args.manifest))
        folder = pages_dir(args.pages)
        if args.materialise:
            print(f"{materialise(pages, Path(args.materialise), folder)} pages written to {folder}")
            return 0
        tools = tuple(args.tool or TOOLS)
        unknown = [t for t in tools if t not in TOOLS]
        if unknown:
            raise CorpusError(f"unknown tool {unknown[0]!r}; choose from {', '.join(TOOLS)}")
        if args.page:
            wanted = {p if p.endswith(".html") else p + ".html" for p in args.page}
            missing = wanted - {p["file"] for p in pages}
            if missing:
                raise CorpusError(f"no page {sorted(missing)[0]!r} in the manifest")
            pages = [p for p in pages if p["file"] in wanted]
        rows = score(pages, folder, tools)
    except CorpusError as exc:
        print(f"Error: {exc}", file=sys.stderr)
        return 2
    print_report(rows, tools)
    if args.tool or args.page:
        print("\n(narrowed run: results and doc not written)")
        return 0
    written = outputs(Path(args.manifest))
    if written is None:
        print("\n(a manifest other than corpus.json or holdout.json: results and doc not written)")
        return 0
    results, doc = written
    manifest = Path(args.manifest).resolve().relative_to(ROOT).as_posix()
    command = "python -m benchmarks.generic_corpus" + ("" if results == RESULTS else f" --manifest {manifest}")
    result = {
        "command": command,
        "manifest": manifest,
        "versions": _versions(),
        "tools": list(tools),
        "totals": totals(rows, tools),
        "pages": rows,
    }
    results.parent.mkdir(parents=True, exist_ok=True)
    results.write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n", "utf-8")
    doc.write_text(render_doc(result), "utf-8")
    print(f"\nwrote {results.relative_to(ROOT)} and {doc.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
