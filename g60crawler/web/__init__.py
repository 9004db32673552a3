"""The web view: a Datasette plugin (Chinese search, the researcher's pages) and the archive's metadata.

This package is the plugin Datasette loads (the ``datasette`` entry point in
pyproject.toml), so that its ``templates/`` and ``static/`` folders are found; the
hooks live in ``plugin.py``. Without Datasette installed the metadata still imports.
"""

try:
    from .plugin import (  # noqa: F401
        asgi_wrapper, canned_queries, extra_css_urls, extra_template_vars, prepare_connection, register_routes,
        render_cell)
except ModuleNotFoundError as exc:  # the web extra is not installed: the CLI's other commands still work
    if exc.name != "datasette":
        raise
