"""Adverse events of high-dose aldesleukin as reported on the label.

The label pools 525 patients with metastatic renal cell carcinoma or melanoma treated with the
high-dose regimen and lists the adverse events of any grade seen in at least 10% of them
(reference ``proleukin_label``); :data:`ADVERSE_EVENTS` holds that complete list. The records below are those *published incidences*, not model
parameters; the book renders its table from here. The grouping by mechanism is the book's own:
which events the capillary-leak model explains, which the pyrogen response explains, and which
lie outside both.

Imports: :mod:`il2.validation` only.
"""

from __future__ import annotations

from dataclasses import dataclass

from il2.validation import check_choice

__all__ = ["AdverseEvent", "ADVERSE_EVENTS", "MECHANISMS", "LABEL_PATIENTS", "RATES_NOT_RECHECKED",
           "adverse_event_table", "leak_share"]

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
        Patients with the event (any grade), % of :data:`LABEL_PATIENTS`.
    mechanism
        One of :data:`MECHANISMS` (the book's grouping).
    modelled
        ``True`` if the library's toxicity model produces the event (:mod:`il2.toxicity.course`).
    note
        What the label's term covers, where the label explains it.
    source
        BibTeX key of the source.
    """

    name: str
    percent: float
    mechanism: str
    modelled: bool = False
    note: str = ""
    source: str = "proleukin_label"

    @property
    def patients(self) -> int:
        """Approximate number of the 525 patients (rounded)."""
        return round(self.percent / 100.0 * LABEL_PATIENTS)


_LEAK, _FLU, _GUT, _OTHER = MECHANISMS

#: Every event of any grade reported in at least 10% of the label's 525 patients, most frequent
#: first (reference ``proleukin_label``). ``modelled`` marks what the toxicity model produces:
#: hypotension, oliguria (urine flow), weight gain and oedema (interstitial fluid), tachycardia
#: (the baroreflex-driven heart rate), chills and fever (the pyrogen cascade), vasodilation (the
#: fall in vascular tone).
ADVERSE_EVENTS: tuple[AdverseEvent, ...] = (
    AdverseEvent("Hypotension", 71, _LEAK, True),
    AdverseEvent("Diarrhea", 67, _GUT),
    AdverseEvent("Oliguria", 63, _LEAK, True),
    AdverseEvent("Chills", 52, _FLU, True),
    AdverseEvent("Vomiting", 50, _GUT),
    AdverseEvent("Dyspnea", 43, _LEAK),
    AdverseEvent("Rash", 42, _OTHER),
    AdverseEvent("Bilirubinemia", 40, _OTHER),
    AdverseEvent("Thrombocytopenia", 37, _OTHER),
    AdverseEvent("Nausea", 35, _GUT),
    AdverseEvent("Confusion", 34, _OTHER),
    AdverseEvent("Creatinine increase", 33, _LEAK),
    AdverseEvent("Fever", 29, _FLU, True),
    AdverseEvent("Anemia", 29, _OTHER),
    AdverseEvent("Peripheral edema", 28, _LEAK, True),
    AdverseEvent("Malaise", 27, _FLU),
    AdverseEvent("Lung disorder", 24, _LEAK, note="signs of pulmonary congestion: rales, rhonchi"),
    AdverseEvent("Pruritus", 24, _OTHER),
    AdverseEvent("Tachycardia", 23, _LEAK, True),
    AdverseEvent("Asthenia", 23, _FLU),
    AdverseEvent("SGOT increase", 23, _OTHER, note="raised aspartate aminotransferase"),
    AdverseEvent("Stomatitis", 22, _GUT),
    AdverseEvent("Somnolence", 22, _OTHER),
    AdverseEvent("Anorexia", 20, _GUT),
    AdverseEvent("Nausea and vomiting", 19, _GUT),
    AdverseEvent("Exfoliative dermatitis", 18, _OTHER),
    AdverseEvent("Weight gain", 16, _LEAK, True),
    AdverseEvent("Leukopenia", 16, _OTHER),
    AdverseEvent("Edema", 15, _LEAK, True),
    AdverseEvent("Vasodilation", 13, _LEAK, True),
    AdverseEvent("Infection", 13, _OTHER),
    AdverseEvent("Pain", 12, _FLU),
    AdverseEvent("Supraventricular tachycardia", 12, _OTHER),
    AdverseEvent("Acidosis", 12, _OTHER),
    AdverseEvent("Hypomagnesemia", 12, _OTHER),
    AdverseEvent("Anxiety", 12, _OTHER),
    AdverseEvent("Abdominal pain", 11, _GUT),
    AdverseEvent("Cardiovascular disorder", 11, _LEAK,
                 note="blood-pressure swings, asymptomatic ECG changes, congestive heart failure"),
    AdverseEvent("Hypocalcemia", 11, _OTHER),
    AdverseEvent("Dizziness", 11, _OTHER),
    AdverseEvent("Respiratory disorder", 11, _LEAK,
                 note="acute respiratory distress syndrome, infiltrates on the chest X-ray"),
    AdverseEvent("Cough increase", 11, _OTHER),
    AdverseEvent("Abdomen enlarged", 10, _GUT),
    AdverseEvent("Arrhythmia", 10, _OTHER),
    AdverseEvent("Alkaline phosphatase increase", 10, _OTHER),
    AdverseEvent("Rhinitis", 10, _OTHER),
)

#: Events added when the table was completed (issue 13): their names are confirmed against
#: the label's list of common events, their rates were read from the label's table but could
#: not be re-checked with the search tools available (the book says so).
RATES_NOT_RECHECKED: frozenset[str] = frozenset({
    "Malaise", "Lung disorder", "Pruritus", "Asthenia", "SGOT increase", "Stomatitis", "Somnolence",
    "Anorexia", "Nausea and vomiting", "Exfoliative dermatitis", "Leukopenia", "Vasodilation",
    "Infection", "Pain", "Supraventricular tachycardia", "Acidosis", "Hypomagnesemia", "Anxiety",
    "Abdominal pain", "Cardiovascular disorder", "Hypocalcemia", "Dizziness", "Respiratory disorder",
    "Cough increase", "Abdomen enlarged", "Arrhythmia", "Alkaline phosphatase increase", "Rhinitis",
})


def leak_share() -> tuple[int, int, int]:
    """(events of the leak, events in the table, leak events the model produces)."""
    leak = [a for a in ADVERSE_EVENTS if a.mechanism == _LEAK]
    return len(leak), len(ADVERSE_EVENTS), sum(a.modelled for a in leak)


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
