"""The researcher's pages under ``/-/g60/``: search, article, versions and their diff, charts, attachments.

Every page reads the archive through the archive library (``Archive.article``,
``search``, ``iter_articles``, ``stats.counts``) on Datasette's own read-only
connection, and renders a template of ``g60crawler/web/templates``.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from urllib.parse import quote, urlencode

import sqlite_utils
from datasette import Forbidden, NotFound, Response

from ..archive import Archive
from ..archive.fts import QueryError, parse_query
from ..archive.search import (KINDS, Filters, SearchError, also_matching_pages, count, iter_articles, kind_filter,
                              passage, search)
from ..archive.stats import counts
from ..cities import CITIES
from . import charts
from .captures import image_capture, image_captures
from .diff import diff_html
from .highlight import highlight

PAGE_SIZE = 50
RECENT = 20  # changed and removed articles listed on Datasette's home and database pages
DEFAULT_TERM = "合肥"
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_NUMBER = re.compile(r"[0-9]{1,18}")  # ASCII digits only: str.isdigit() also takes ², １ and ٣
MAX_PAGE = 1_000_000
DIFF_FIELDS = (("title", "标题 title"), ("summary", "摘要 summary"), ("body", "正文 body"), ("editor", "责任编辑 editor"),
               ("source", "来源 source"), ("author", "作者 author"), ("published", "发布时间 published"))


async def archive_database(datasette):
    """The first attached database that is a g60crawler archive (has ``articles``)."""
    for name, db in datasette.databases.items():
        if name.startswith("_"):
            continue
        if await db.table_exists("articles") and await db.table_exists("article_versions"):
            return db
    raise NotFound("no g60crawler archive is attached to this Datasette")


async def researcher_links(datasette, database: str | None) -> dict | None:
    """What Datasette's home and database pages show to lead to the researcher's pages (None: no archive).

    :param database: the database page's database (it must be the archive), or None for the home page.
    """
    try:
        db = await archive_database(datasette)
    except NotFound:
        return None
    if database is not None and database != db.name:
        return None
    changed = (await db.execute(
        "SELECT id, title, current_version, substr(last_changed, 1, 10) AS day FROM articles "
        "WHERE current_version > 1 ORDER BY last_changed DESC, id LIMIT ?", [RECENT])).rows
    removed = (await db.execute(
        "SELECT id, title, substr(removed_at, 1, 10) AS day FROM articles WHERE removed_at IS NOT NULL "
        "ORDER BY removed_at DESC, id LIMIT ?", [RECENT])).rows
    return {"changed": changed, "removed": removed}


async def _render(datasette, request, template: str, context: dict, status: int = 200) -> Response:
    context = {"g60_css": datasette.urls.static_plugins("g60crawler", "g60.css"), **context}
    html = await datasette.render_template(f"g60/{template}", context, request=request)
    return Response.html(html, status=status)


async def _sections(db) -> dict[str, str]:
    rows = await db.execute("SELECT slug, name FROM sections ORDER BY rowid")
    return {r["slug"]: r["name"] for r in rows}


def _read_article(conn, article_id: int) -> dict | None:
    return Archive(sqlite_utils.Database(conn)).article(article_id)


def _read_article_with_images(conn, article_id: int) -> dict | None:
    """The article, each image with ``capture`` (the id of its archived copy, or None)."""
    article = _read_article(conn, article_id)
    if article is None:
        return None
    images = [img for img in article["images"] if isinstance(img, dict) and isinstance(img.get("url"), str)]
    kept = image_captures(conn, [img["url"] for img in images])
    article["images"] = [{**img, "capture": kept.get(img["url"])} for img in images]
    return article


async def article_view(datasette, request) -> Response:
    """An article: its fields, body, images, attachments, versions, and a banner if it was removed."""
    db = await archive_database(datasette)
    article_id = int(request.url_vars["id"])
    article = await db.execute_fn(lambda conn: _read_article_with_images(conn, article_id))
    if article is None:
        raise NotFound(f"no article {article_id} in the archive")
    versions = article["versions"]
    return await _render(datasette, request, "article.html", {
        "article": article,
        "section_names": await _sections(db),
        "paragraphs": [p for p in (article["body"] or "").split("\n\n") if p.strip()],
        "versions": versions,
        "database": db.name,
        "default_a": versions[-2]["version"] if len(versions) > 1 else None,
        "default_b": versions[-1]["version"],
    })


async def diff_view(datasette, request) -> Response:
    """Two versions of an article side by side in one text: deletions struck, insertions underlined."""
    db = await archive_database(datasette)
    article_id = int(request.url_vars["id"])
    article = await db.execute_fn(lambda conn: _read_article(conn, article_id))
    if article is None:
        raise NotFound(f"no article {article_id} in the archive")
    by_number = {v["version"]: v for v in article["versions"]}
    numbers = sorted(by_number)
    a, b = _version_arg(request, "a", numbers[-2] if len(numbers) > 1 else numbers[0]), \
        _version_arg(request, "b", numbers[-1])
    if a not in by_number or b not in by_number:
        return await _render(datasette, request, "error.html", {
            "message": f"article {article_id} has versions {', '.join(map(str, numbers))}; no version {a if a not in by_number else b}"},
            status=404)
    old, new = by_number[a], by_number[b]
    fields = []
    for key, label in DIFF_FIELDS:
        if (old.get(key) or "") != (new.get(key) or ""):
            fields.append({"label": label, "html": diff_html(old.get(key) or "", new.get(key) or "")})
    return await _render(datasette, request, "diff.html", {
        "article": article, "old": old, "new": new, "fields": fields, "numbers": numbers,
        "unchanged": [label for key, label in DIFF_FIELDS if (old.get(key) or "") == (new.get(key) or "")],
    })


def _version_arg(request, name: str, default: int) -> int:
    value = request.args.get(name)
    if value is None or value == "":
        return default
    if not _NUMBER.fullmatch(value):
        return -1
    return int(value)


def _page_arg(value: str | None) -> int | None:
    """The results page asked for: 1 when not given, None when the value cannot be a page number."""
    if value is None or value == "":
        return 1
    if not _NUMBER.fullmatch(value) or not 1 <= int(value) <= MAX_PAGE:
        return None
    return int(value)


async def search_view(datasette, request) -> Response:
    """Search results: highlighted titles and passages linking to article pages, filters, the number found."""
    db = await archive_database(datasette)
    args = {k: (request.args.get(k) or "").strip() for k in ("q", "section", "city", "since", "until", "kind")}
    page = _page_arg(request.args.get("page"))
    context = {"args": args, "sections": await _sections(db), "cities": CITIES, "hits": [], "total": None,
               "error": None, "page": page, "page_size": PAGE_SIZE, "kinds": KINDS, "pages_also": 0}
    status = 200
    known_sections = context["sections"]
    if page is None:
        context["error"], context["page"] = f"page must be a whole number from 1 to {MAX_PAGE}", 1
        status = 400
    elif args["section"] and args["section"] not in known_sections:
        context["error"] = (f"no section {args['section']!r} in the archive (one of "
                            f"{', '.join(known_sections)})")
        status = 400
    elif args["q"]:
        try:
            filters = Filters(section=args["section"] or None, city=args["city"] or None,
                              since=args["since"] or None, until=args["until"] or None,
                              kind=kind_filter(args["kind"]))
            terms = parse_query(args["q"]).terms
            hits, passages, total, pages_also = await db.execute_fn(
                lambda conn: _search(conn, args["q"], filters, page, terms))
        except (SearchError, QueryError) as exc:
            context["error"] = str(exc).replace("--", "")
            status = 400
        else:
            context["total"], context["pages_also"] = total, pages_also
            context["hits"] = [{
                "id": h.id, "title": highlight(h.title, terms), "published": h.published, "published_date": h.published_date,
                "sections": h.sections, "cities": h.cities, "url": h.url,
                "passage": highlight(passages[h.id], terms)} for h in hits]
            base = {k: v for k, v in args.items() if v}
            context["next_url"] = ("?" + urlencode({**base, "page": page + 1})
                                   if page * PAGE_SIZE < total else None)
            context["prev_url"] = "?" + urlencode({**base, "page": page - 1}) if page > 1 else None
    return await _render(datasette, request, "search.html", context, status=status)


def _search(conn, query: str, filters: Filters, page: int, terms: tuple[str, ...]):
    """One page of hits, the plain passage around the first match of each, how many match in all, and
    how many static pages also match (when only articles were searched)."""
    hits = search(conn, query, filters, limit=page * PAGE_SIZE)[(page - 1) * PAGE_SIZE:]
    passages = {}
    for hit in hits:
        title, summary, body = conn.execute("SELECT title, summary, body FROM articles WHERE id = ?",
                                            (hit.id,)).fetchone()
        passages[hit.id] = passage(terms, title, summary, body)
    total = count(conn, query, filters)
    return hits, passages, total, also_matching_pages(conn, query, filters)


async def charts_view(datasette, request) -> Response:
    """Articles per month per section (stacked bars) and a term's articles per month (a line)."""
    db = await archive_database(datasette)
    term = (request.args.get("term") or DEFAULT_TERM).strip()
    sections = await _sections(db)

    def compute(conn):
        per_section = {}
        for slug in sections:
            per_section[slug] = {m: n for m, n in counts(conn, "month", Filters(section=slug)) if m}
        try:
            per_month = Counter((row["published"] or "")[:7] for row in
                                iter_articles(conn, Filters(), term, columns=("published",)))
        except SearchError as exc:
            return per_section, None, str(exc)
        undated = per_month.pop("", 0)
        return per_section, (dict(per_month), undated), None

    per_section, term_counts, error = await db.execute_fn(compute)
    context = {
        "term": term, "error": error,
        "sections_chart": charts.stacked_bars(per_section, sections, "Articles per month per section"),
        "term_chart": charts.line_chart(term_counts[0], f"Articles mentioning {term} per month") if term_counts else "",
        "term_total": sum(term_counts[0].values()) + term_counts[1] if term_counts else 0,
        "term_undated": term_counts[1] if term_counts else 0,
        "search_url": datasette.urls.path("/-/g60/search") + "?" + urlencode({"q": term}),
    }
    return await _render(datasette, request, "charts.html", context, status=400 if error else 200)


async def attachment_view(datasette, request) -> Response:
    """An attachment file from ``<archive folder>/attachments``, found by its SHA-256, never by a path."""
    db = await archive_database(datasette)
    digest = request.url_vars["sha256"]
    if not _SHA256.match(digest):
        raise NotFound("not an attachment")
    rows = (await db.execute(
        "SELECT f.path, f.mime, (SELECT t.name FROM article_attachments t WHERE t.sha256 = f.sha256 "
        "ORDER BY t.id LIMIT 1) AS name FROM attachment_files f WHERE f.sha256 = ?", [digest])).rows
    if not rows or not db.path:
        raise NotFound("no such attachment in the archive")
    row = rows[0]
    folder = (Path(db.path).resolve().parent / "attachments").resolve()
    file = (Path(db.path).resolve().parent / row["path"]).resolve()
    if not file.is_relative_to(folder):  # a path in the database must not reach outside the folder
        raise Forbidden("attachment path outside the archive's attachments folder")
    if not file.is_file():
        raise NotFound("the attachment's file is missing from the archive folder")
    name = row["name"] or file.name
    fallback = re.sub(r"[^A-Za-z0-9._-]", "_", name) or "attachment"
    return Response(file.read_bytes(), content_type=row["mime"] or "application/octet-stream", headers={
        "content-disposition": f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}",
        "x-content-type-options": "nosniff"})


async def capture_view(datasette, request) -> Response:
    """An archived image (a page requisite the crawl kept) by capture id: its bytes with its stored type.

    Only captures the portal answered 200 with an ``image/*`` type are served; anything else is a 404.
    """
    db = await archive_database(datasette)
    capture_id = int(request.url_vars["id"])
    found = await db.execute_fn(lambda conn: image_capture(conn, capture_id))
    if found is None:
        raise NotFound("no archived image with this id")
    body, media = found
    return Response(body, content_type=media, headers={
        "x-content-type-options": "nosniff",
        # an archived SVG is shown as an image, never run as a document of this site
        "content-security-policy": "default-src 'none'; style-src 'unsafe-inline'; sandbox",
        "cache-control": "max-age=86400"})


async def index_view(datasette, request) -> Response:
    """The start page: search form, links to charts, the latest and the edited or removed articles."""
    db = await archive_database(datasette)
    latest = (await db.execute(
        "SELECT id, title, substr(published, 1, 10) AS day FROM articles WHERE kind = 'article' "
        "ORDER BY published DESC LIMIT 10")).rows
    edited = (await db.execute(
        "SELECT id, title, current_version FROM articles WHERE current_version > 1 ORDER BY last_changed DESC")).rows
    removed = (await db.execute(
        "SELECT id, title, removed_at FROM articles WHERE removed_at IS NOT NULL ORDER BY removed_at DESC")).rows
    return await _render(datasette, request, "index.html", {
        "latest": latest, "edited": edited, "removed": removed, "sections": await _sections(db),
        "cities": CITIES, "args": {}, "database": db.name})
