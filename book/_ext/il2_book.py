"""Small Sphinx additions for the IL-2 book, loaded through ``sphinx.local_extensions`` in _config.yml.

Static explorers: the build sets ``IL2_STATIC_EXPLORERS=1`` before any notebook runs; the
kernels inherit it, and every explorer then pre-renders its frames for the static pages
(see ``lib/il2/explore.py``). Live notebooks and nbmake skip that work.

``dedupe_scripts``: sphinx-thebe (pulled in by Jupyter Book) can register its inline
configuration script twice when Sphinx reads documents in more than one pass; the second copy
re-declares ``const THEBE_JS_URL`` and the browser reports an uncaught SyntaxError. Each page
keeps the first copy of every identical script.
"""

from __future__ import annotations

import os
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
    os.environ["IL2_STATIC_EXPLORERS"] = "1"
    app.connect("html-page-context", dedupe_scripts)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
