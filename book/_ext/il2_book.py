"""Small Sphinx fixes for the IL-2 book, loaded through ``sphinx.local_extensions`` in _config.yml.

``dedupe_scripts``: sphinx-thebe (pulled in by Jupyter Book) can register its inline
configuration script twice when Sphinx reads documents in more than one pass; the second copy
re-declares ``const THEBE_JS_URL`` and the browser reports an uncaught SyntaxError. Each page
keeps the first copy of every identical script.
"""

from __future__ import annotations

from typing import Any


def dedupe_scripts(app: Any, pagename: str, templatename: str, context: dict, doctree: Any) -> None:
    scripts = context.get("script_files")
    if not scripts:
        return
    seen: set[tuple[str, tuple]] = set()
    kept = []
    for script in scripts:
        attributes = getattr(script, "attributes", {}) or {}
        key = (str(getattr(script, "filename", script) or ""), tuple(sorted((k, str(v)) for k, v in attributes.items())))
        if key in seen:
            continue
        seen.add(key)
        kept.append(script)
    context["script_files"] = kept


def setup(app: Any) -> dict[str, Any]:
    app.connect("html-page-context", dedupe_scripts)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
