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
