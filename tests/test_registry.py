"""The parameter registry: complete metadata, cited sources that exist, validation on creation."""

import dataclasses
import re

import pytest

import il2
from il2 import registry
from il2.units import UnitConstants

from .conftest import BIB

il2.import_models()  # every model module registers its parameters


def bib_keys() -> set[str]:
    return set(re.findall(r"^@\w+\{([^,\s]+),", BIB.read_text(), flags=re.M))


def test_bibliography_has_no_duplicate_keys():
    keys = re.findall(r"^@\w+\{([^,\s]+),", BIB.read_text(), flags=re.M)
    assert len(keys) == len(set(keys)), sorted(k for k in keys if keys.count(k) > 1)


def test_every_parameter_source_is_in_references_bib():
    missing = registry.source_keys() - bib_keys()
    assert not missing, f"cited in the registry but missing from book/references.bib: {sorted(missing)}"


def test_every_row_has_unit_meaning_and_source():
    rows = registry.parameter_rows()
    assert len(rows) >= 3
    for row in rows:
        assert row.unit.strip(), row
        assert len(row.meaning) > 10, row
        assert row.source.strip(), row


def test_each_model_module_registers_its_parameters():
    groups = {g for g, _ in registry.registered_classes()}
    assert "Units and constants" in groups
    owners = {cls.__module__ for _, cls in registry.registered_classes()}
    assert "il2.units" in owners


def test_parameters_are_frozen_and_validated_on_creation():
    p = UnitConstants()
    with pytest.raises(dataclasses.FrozenInstanceError):
        p.vial_mg = 2.0  # type: ignore[misc]
    with pytest.raises(ValueError, match=r"UnitConstants.vial_mg must be a finite number in \(0, inf\]"):
        dataclasses.replace(p, vial_mg=0.0)


def test_table_renders_every_row_with_citation():
    table = registry.parameter_table()
    for row in registry.parameter_rows():
        assert f"| `{row.name}` |" in table
    for _, cls in registry.registered_classes():
        assert f"`{cls.__module__}.{cls.__qualname__}`" in table
    assert table.count("{cite:p}") == len(registry.parameter_rows())


def test_table_for_unknown_group_is_an_error():
    with pytest.raises(ValueError, match="group must be one of"):
        registry.parameter_table("No such group")


def test_import_il2_fills_the_registry():
    assert il2.registry.parameter_rows() == registry.parameter_rows()


def test_references_bib_parses():
    """The bibliography is valid BibTeX (a broken entry stops the whole book build)."""
    from pybtex.database import parse_file

    db = parse_file(str(BIB))
    assert set(db.entries) == bib_keys()


def test_notes_render_citations_and_maths():
    keys = {"villarino2007", "wang1987", "murali1998"}
    note = registry.render_note(
        "secretion is q(1 - nu S) for a helper with IL-2 signal S; feedback (villarino2007); "
        "koff about 1e-4 /s (Wang and Smith 1987); murali1998 report 2e7 cells; D = 100 µm^2/s",
        keys,
    )
    assert r"$q(1 - \nu S)$" in note
    assert "signal $S$" in note
    assert "({cite:alp}`villarino2007`)" in note
    assert "({cite:alp}`wang1987`)" in note
    assert "{cite:t}`murali1998` report 2×10<sup>7</sup>" in note
    assert "10<sup>\u22124</sup>" in note
    assert "µm<sup>2</sup>/s" in note
    # A word that only looks like a key, or a key that is not in the bibliography, stays text.
    assert registry.render_note("Smith 1988 and IL-2 in 1e3 cells", set()) == "Smith 1988 and IL-2 in 10<sup>3</sup> cells"


def test_every_note_key_in_the_table_is_a_bibliography_key():
    table = registry.parameter_table()
    bib = BIB.read_text()
    for key in re.findall(r"\{cite:(?:t|alp|p)\}`([^`]+)`", table):
        for k in key.split(","):
            assert re.search(rf"@\w+\{{{re.escape(k.strip())},", bib), k
