"""Numbers in a chapter's prose, for the built book and for a live notebook alike.

A chapter computes its numbers from the library in a code cell and names them with
:func:`glue`; its markdown shows them with the inline expression

.. code-block:: markdown

    the half-time is {eval}`glued("t_high_min:.0f")` min

which both readers of a chapter see filled in:

- in **JupyterLab**, the ``jupyterlab-myst`` extension evaluates the expression in the
  kernel when the markdown cell is run (Run All), and :func:`glued` returns the formatted value;
- in the **built book**, the book's Sphinx extension (``book/_ext/il2_book.py``) reads
  ``glued("key:format")`` as myst-nb's ``{glue:text}`key:format``` role, which pastes the value
  that :func:`glue` stored in the executed notebook. The build needs no live kernel for it, so
  notebooks keep being executed once and cached.

The format after the last ``:`` follows Python's format mini-language and, as for myst-nb's
``glue:text``, its last character decides the type (``f``: float, ``d``: integer, ``s``: text).
``tools/livemyst.py`` converts a chapter written with ``{glue:text}`` roles to this form.

This module depends on nothing else in :mod:`il2`; myst-nb is imported only when :func:`glue`
is called.
"""

from __future__ import annotations

from typing import Any

#: The values glued in this kernel so far, by key (the latest value of each key).
GLUED: dict[str, Any] = {}


def glue(name: str, variable: Any, display: bool = False) -> None:
    """Name a value for the chapter's prose: stored for the book and for the live kernel.

    Calls :func:`myst_nb.glue` (which records the value in the notebook's outputs, where the
    book build finds it) and keeps the value in :data:`GLUED`, where :func:`glued` finds it
    in a live kernel.

    Parameters
    ----------
    name
        The key used in the prose, ``glued("name:format")``; any text without a colon.
    variable
        The value (a number or text).
    display
        Whether the cell also shows the value (myst-nb's ``display``; chapters keep it False).

    Raises
    ------
    ValueError
        If ``name`` is empty or contains a colon (the format separator).
    """
    if not isinstance(name, str) or not name or ":" in name:
        raise ValueError(f"name must be a non-empty text without ':', got {name!r}")
    from myst_nb import glue as myst_glue

    GLUED[name] = variable
    myst_glue(name, variable, display=display)


def format_value(value: Any, fmt_spec: str) -> str:
    """Format a glued value as myst-nb's ``glue:text`` role does in the book.

    Parameters
    ----------
    value
        The glued value.
    fmt_spec
        A format specification (``".1f"``, ``",.0f"``, ``"d"``, ``"s"``) or ``""`` for ``str``.

    Returns
    -------
    str
        The text shown in the prose.
    """
    if fmt_spec == "":
        return str(value)
    type_char = fmt_spec[-1]
    if type_char == "s":
        value = str(value)
    elif type_char in "bcdoxX":
        value = int(value)
    elif type_char in "eEfFgGn%":
        value = float(value)
    return format(value, fmt_spec)


def glued(spec: str) -> str:
    """The text of a glued value, ``spec`` being ``"key"`` or ``"key:format"``.

    Parameters
    ----------
    spec
        The key given to :func:`glue`, optionally followed by ``:`` and a format specification,
        exactly as in myst-nb's ``{glue:text}`` role.

    Returns
    -------
    str
        The formatted value, as the built book shows it.

    Raises
    ------
    ValueError
        If nothing was glued under the key in this kernel (run the chapter's first cells).
    """
    key, sep, fmt_spec = spec.rpartition(":")
    if not sep:
        key, fmt_spec = spec, ""
    if key not in GLUED:
        raise ValueError(
            f"spec {spec!r}: nothing glued under {key!r} in this kernel yet; "
            f"run the cells above (known keys: {len(GLUED)})"
        )
    return format_value(GLUED[key], fmt_spec)
