"""Adverse events of high-dose aldesleukin as reported on the label.

The label pools 525 patients with metastatic renal cell carcinoma or melanoma treated with the
high-dose regimen and lists the adverse events of any grade seen in at least 10% of them
(reference ``proleukin_label``). The records below are those *published incidences*, not model
parameters; the book renders its table from here. The grouping by mechanism is the book's own:
which events the capillary-leak model explains, which the pyrogen response explains, and which
lie outside both.

Imports: :mod:`il2.validation` only.
"""

from __future__ import annotations

from dataclasses import dataclass

from il2.validation import check_choice

__all__ = ["AdverseEvent", "ADVERSE_EVENTS", "MECHANISMS", "LABEL_PATIENTS", "adverse_event_table"]

#: Patients pooled in the label's adverse-event table.
LABEL_PATIENTS = 525

#: Mechanism groups, in the order the book discusses them.
MECHANISMS: tuple[str, ...] = (
    "capillary leak and low blood pressure",
    "flu-like (pyrogen) response",
    "gut",
    "other organs and blood",
)


@dataclass(frozen=True)
class AdverseEvent:
    """One adverse event: its name, the share of patients affected, and its mechanism group.

    Attributes
    ----------
    name
        Event as named on the label.
    percent
        Patients with the event (any grade), %.
    mechanism
        One of :data:`MECHANISMS` (the book's grouping).
    source
        BibTeX key of the source.
    """

    name: str
    percent: float
    mechanism: str
    source: str = "proleukin_label"

    @property
    def patients(self) -> int:
        """Approximate number of the 525 patients (rounded)."""
        return round(self.percent / 100.0 * LABEL_PATIENTS)


_LEAK, _FLU, _GUT, _OTHER = MECHANISMS

#: Label incidences (any grade, n = 525), most frequent first (reference ``proleukin_label``).
ADVERSE_EVENTS: tuple[AdverseEvent, ...] = (
    AdverseEvent("Hypotension", 71, _LEAK),
    AdverseEvent("Diarrhea", 67, _GUT),
    AdverseEvent("Oliguria", 63, _LEAK),
    AdverseEvent("Chills", 52, _FLU),
    AdverseEvent("Vomiting", 50, _GUT),
    AdverseEvent("Dyspnea", 43, _LEAK),
    AdverseEvent("Rash", 42, _OTHER),
    AdverseEvent("Bilirubinemia", 40, _OTHER),
    AdverseEvent("Thrombocytopenia", 37, _OTHER),
    AdverseEvent("Nausea", 35, _GUT),
    AdverseEvent("Confusion", 34, _OTHER),
    AdverseEvent("Creatinine increase", 33, _LEAK),
    AdverseEvent("Fever", 29, _FLU),
    AdverseEvent("Anemia", 29, _OTHER),
    AdverseEvent("Peripheral edema", 28, _LEAK),
    AdverseEvent("Tachycardia", 23, _LEAK),
    AdverseEvent("Weight gain", 16, _LEAK),
    AdverseEvent("Edema", 15, _LEAK),
)


def adverse_event_table(mechanism: str | None = None) -> list[AdverseEvent]:
    """The label's adverse events, most frequent first, optionally of one mechanism group.

    Parameters
    ----------
    mechanism
        One of :data:`MECHANISMS`, or ``None`` for all.
    """
    if mechanism is not None:
        check_choice("mechanism", mechanism, MECHANISMS)
    rows = [a for a in ADVERSE_EVENTS if mechanism is None or a.mechanism == mechanism]
    return sorted(rows, key=lambda a: -a.percent)
