"""Datasette metadata for the archive: provenance, table descriptions, canned queries."""

from __future__ import annotations

from .. import portal

SEARCH_SQL = """
SELECT a.id, a.title, a.published_date, a.section, a.editor, a.cities,
       g60_snippet(a.title, a.summary, a.body, :q) AS snippet, a.canonical_url AS url, a.kind
FROM json_each(g60_search(:q, :kind)) found JOIN articles a ON a.id = found.value
ORDER BY found.key
""".strip()

TABLES = {
    "articles": ("One row per article (or static page), its current content. Keyed by canonical URL; "
                 "the same article under two URLs or in two sections is one row."),
    "article_versions": "Every version of every article; a re-crawl that finds a change adds one.",
    "article_urls": "Every URL an article was found under (its own, redirects, copies in other sections).",
    "article_sections": "Every section an article was listed in (a view).",
    "listings": "Every entry seen on a section's list pages: title and date as the list shows them.",
    "captures": "Every fetched page, raw: status, headers, fetch time; bytes in blobs (zlib).",
    "blobs": "Raw page bytes, zlib-compressed, stored once per distinct content (SHA-256).",
    "failures": "Pages that could not be fetched or extracted, with the reason; nothing is dropped silently.",
    "crawl_runs": "One row per crawl: when, how it ended, counts, health checks, exit status.",
    "sections": "The portal's seven sections (slugs are assumptions, see the README).",
    "section_sweeps": "Sections whose list pages were walked to the end at least once.",
    "articles_per_section_month": "Articles per section per month (by publish date).",
    "editors_per_section": "Which 责任编辑 handled how many articles in which section.",
    "articles_per_city_month": "Articles per G60 city per month (an article about two cities counts for both).",
    "schema_migrations": "Applied schema migrations.",
    "articles_fts_source": ("Which version's text each article's row of the full-text index (articles_fts, "
                            "which keeps no copy of the text) was made from."),
    "articles_fts_title": ("Full-text index of titles and summaries alone (bigrams, no copy of the text): "
                           "relevance searches rank its matches first."),
    "attachment_files": "Attachment files (PDF, DOC, XLS ...), stored once by SHA-256 under the archive's folder.",
    "article_attachments": "The attachments each article version links: stored, or skipped/failed and why.",
}


#: the canned queries of an archive (also given by the plugin's canned_queries hook, so plain
#: `datasette FILE` has them)
QUERIES = {
    "search": {
        "title": "Search articles (Chinese full text)",
        "description": ("Every word must occur in the title, 摘要 or body; a two-character "
                        "word such as 合肥 or 人才 works, and so do phrases. Articles only: "
                        "kind 'page' finds the static pages (关于我们 ...), 'all' both. The same articles "
                        "as `g60crawler search` and the search page (one library function finds them). "
                        "Matches are marked in the snippet; a title opens the article's page."),
        "sql": SEARCH_SQL,
        "hide_sql": True,
    },
    "per_section_month": {
        "title": "Articles per section per month",
        "sql": "SELECT * FROM articles_per_section_month",
    },
    "editors": {
        "title": "Editors by section",
        "sql": "SELECT * FROM editors_per_section",
    },
    "hefei_since_2023": {
        "title": "Articles that mention 合肥 since 2023",
        "sql": ("SELECT a.id, a.title, substr(a.published, 1, 10) AS published, a.section "
                "FROM articles_fts f JOIN articles a ON a.id = f.rowid "
                "WHERE articles_fts MATCH g60_match('合肥') AND a.published >= '2023' "
                "ORDER BY a.published"),
    },
    "failures": {
        "title": "Open failures",
        "sql": "SELECT url, reason, times, last_failed FROM failures WHERE resolved_at IS NULL",
    },
}


def metadata(database: str) -> dict:
    """Datasette metadata for an archive whose file stem is ``database``."""
    return {
        "title": "G60科创走廊 news archive (中国发展网 G60 channel)",
        "description": ("Articles of the G60 channel of 中国发展网, crawled by g60crawler: deduplicated, "
                        "versioned, with the raw pages kept. Use the 'search' query for Chinese full-text "
                        "search (合肥, 长三角一体化, G60科创走廊)."),
        "source": "中国发展网 G60 channel",
        "source_url": portal.current().root,
        "license": "Articles © 中国发展网 and their authors; archive for research use",
        "databases": {
            database: {
                "tables": {name: {"description": text} for name, text in TABLES.items()},
                "queries": QUERIES,
            }
        },
    }
