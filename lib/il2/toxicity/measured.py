"""Published measurements the toxicity model is calibrated to or checked against.

Measured numbers live here once, as records with their source, and the models, tests and
figures read them from here (never typed again). They are *data*, not model parameters: the
parameters that were calibrated to them say so on the Parameters page.

- :data:`TEXTOR_COURSE`: fluid balance of a five-day high-dose course (reference :cite:alp:`textor1987`)
- :data:`MICHIE_FEVER`: latency of fever after an IL-2 bolus (reference :cite:alp:`michie1988`)
- :data:`HAEMODYNAMIC_STUDIES`: heart rate, blood pressure and cardiac function during
  IL-2 (references :cite:alp:`ognibene1988`, :cite:alp:`fragasso1994`)
- :data:`BELLDEGRUN_1987`: recovery of renal function after IL-2 (reference :cite:alp:`belldegrun1987`)
- :data:`LABEL_SELECTION`: the lung-function limit of the label's contraindications
  (reference :cite:alp:`proleukin_label`)

Imports: nothing from :mod:`il2`.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "TextorCourse",
    "TEXTOR_COURSE",
    "FeverLatency",
    "MICHIE_FEVER",
    "HemodynamicStudy",
    "HAEMODYNAMIC_STUDIES",
    "OGNIBENE_1988",
    "FRAGASSO_1994",
    "RenalRecovery",
    "BELLDEGRUN_1987",
    "PatientSelection",
    "LABEL_SELECTION",
]

_H_PER_DAY = 24.0


@dataclass(frozen=True)
class TextorCourse:
    """Fluid balance during five days of IL-2 every 8 h (means over the patients).

    Attributes
    ----------
    patients
        Patients studied.
    dose_units_per_kg
        Dose every 8 h in the manufacturer's units of the time (not international units; the
        conversion is not stated in the paper).
    interval_h
        Time between doses.
    days
        Length of the course.
    fluid_l
        Fluid given over the course (mean).
    weight_gain_kg
        Weight gained (mean).
    albumin_before_g_per_dl, albumin_after_g_per_dl
        Serum albumin before and at the end of IL-2.
    source
        BibTeX key.
    """

    patients: int
    dose_units_per_kg: float
    interval_h: float
    days: float
    fluid_l: float
    weight_gain_kg: float
    albumin_before_g_per_dl: float
    albumin_after_g_per_dl: float
    source: str

    @property
    def duration_h(self) -> float:
        """Length of the course, h."""
        return self.days * _H_PER_DAY

    @property
    def fluid_ml_per_h(self) -> float:
        """Mean fluid intake over the course, mL/h."""
        return self.fluid_l * 1000.0 / self.duration_h


#: Textor et al. 1987: 12 patients, 100,000 U/kg every 8 h for five days; 18.4 L of fluid,
#: 4.0 kg gained, albumin 3.6 -> 2.2 g/dL; progressive hypotension; haematocrit unchanged.
TEXTOR_COURSE = TextorCourse(
    patients=12, dose_units_per_kg=100_000.0, interval_h=8.0, days=5.0, fluid_l=18.4,
    weight_gain_kg=4.0, albumin_before_g_per_dl=3.6, albumin_after_g_per_dl=2.2,
    source="textor1987",
)


@dataclass(frozen=True)
class FeverLatency:
    """Time from an IL-2 bolus to the onset of fever.

    Attributes
    ----------
    patients
        Patients given IL-2.
    dose_units_per_kg
        Bolus dose in the units of the paper (manufacturer's units of the time).
    onset_earliest_h, onset_latest_h
        Range of the latent interval before fever began.
    endotoxin_onset_earliest_h, endotoxin_onset_latest_h
        The same interval after endotoxin in healthy volunteers, for comparison.
    source
        BibTeX key.
    """

    patients: int
    dose_units_per_kg: float
    onset_earliest_h: float
    onset_latest_h: float
    endotoxin_onset_earliest_h: float
    endotoxin_onset_latest_h: float
    source: str


#: Michie et al. 1988: 11 patients, bolus 30,000 U/kg; fever began after 180 to 240 min
#: (60 to 90 min after endotoxin); no rise in circulating TNF, a rise in interferon-gamma;
#: ibuprofen largely prevented the fever.
MICHIE_FEVER = FeverLatency(
    patients=11, dose_units_per_kg=30_000.0, onset_earliest_h=3.0, onset_latest_h=4.0,
    endotoxin_onset_earliest_h=1.0, endotoxin_onset_latest_h=1.5, source="michie1988",
)


@dataclass(frozen=True)
class HemodynamicStudy:
    """Circulation before and during IL-2 (means; ``None`` where the study gives no number).

    Attributes
    ----------
    label
        Short description of the study.
    patients
        Patients studied.
    regimen
        What was given.
    heart_rate_before_bpm, heart_rate_during_bpm
        Heart rate.
    systolic_before_mmHg, systolic_during_mmHg
        Systolic pressure.
    ejection_fraction_before, ejection_fraction_during
        Left-ventricular ejection fraction, %.
    direction
        Direction of each change reported, in words.
    source
        BibTeX key.
    """

    label: str
    patients: int
    regimen: str
    heart_rate_before_bpm: float | None
    heart_rate_during_bpm: float | None
    systolic_before_mmHg: float | None
    systolic_during_mmHg: float | None
    ejection_fraction_before: float | None
    ejection_fraction_during: float | None
    direction: str
    source: str


#: Ognibene et al. 1988: by day 4 every patient had tachycardia, lower mean pressure, higher
#: cardiac index and lower systemic vascular resistance; ejection fraction 58.0 -> 36.4%.
OGNIBENE_1988 = HemodynamicStudy(
    label="Ognibene et al. 1988", patients=5, regimen="high-dose IL-2 (with or without LAK cells)",
    heart_rate_before_bpm=None, heart_rate_during_bpm=None, systolic_before_mmHg=None,
    systolic_during_mmHg=None, ejection_fraction_before=58.0, ejection_fraction_during=36.4,
    direction="heart rate up, cardiac index up, mean pressure down, vascular resistance down",
    source="ognibene1988",
)

#: Fragasso et al. 1994: 22 patients, 120 h continuous infusion of 18 million IU/m2/day;
#: heart rate 84 -> 125 /min, systolic pressure 128 -> 100 mmHg, ejection fraction unchanged.
FRAGASSO_1994 = HemodynamicStudy(
    label="Fragasso et al. 1994", patients=22,
    regimen="continuous infusion, 18 million IU/m2 a day for 120 h",
    heart_rate_before_bpm=84.0, heart_rate_during_bpm=125.0, systolic_before_mmHg=128.0,
    systolic_during_mmHg=100.0, ejection_fraction_before=65.0, ejection_fraction_during=64.0,
    direction="heart rate up, systolic and diastolic pressure down, ejection fraction unchanged",
    source="fragasso1994",
)

#: The haemodynamic studies, in the order the risks chapter shows them.
HAEMODYNAMIC_STUDIES: tuple[HemodynamicStudy, ...] = (OGNIBENE_1988, FRAGASSO_1994)


@dataclass(frozen=True)
class RenalRecovery:
    """Recovery of renal function after a course of IL-2.

    Attributes
    ----------
    patients
        Consecutive patients studied.
    patients_with_lak_cells
        Patients who also received lymphokine-activated killer (LAK) cells.
    days
        Days after the last dose at which recovery was counted.
    recovered_percent
        Patients whose renal function was back to baseline by each of ``days``, %.
    predictive_creatinine_mg_per_dl
        Serum creatinine before treatment above which azotemia was more severe and recovery
        slower, mg/dL.
    source
        BibTeX key.
    note
        Where each number was read.
    """

    patients: int
    patients_with_lak_cells: int
    days: tuple[float, ...]
    recovered_percent: tuple[float, ...]
    predictive_creatinine_mg_per_dl: float
    source: str
    note: str


#: Belldegrun et al. 1987: 99 consecutive NCI patients given IL-2 with or without LAK cells;
#: renal function at baseline again within 7, 14 and 30 days in 62%, 84% and 95%; a creatinine
#: above 1.4 mg/dL before treatment predicted worse azotemia and a slower recovery (abstract).
BELLDEGRUN_1987 = RenalRecovery(
    patients=99, patients_with_lak_cells=76, days=(7.0, 14.0, 30.0),
    recovered_percent=(62.0, 84.0, 95.0), predictive_creatinine_mg_per_dl=1.4,
    source="belldegrun1987",
    note="abstract, except the LAK split (76 with LAK cells, 23 with IL-2 alone), read in the "
         "table of high-dose IL-2 nephrotoxicity series of a 2018 review in J Am Soc Nephrol "
         "29:2039 (doi:10.1681/ASN.2018050488), not in the paper itself",
)


@dataclass(frozen=True)
class PatientSelection:
    """The lung-function limit below which the label contraindicates aldesleukin.

    Attributes
    ----------
    fev1_max_l
        Forced expiratory volume in one second at or below which the drug is contraindicated, L.
    fev1_max_percent_predicted
        The same limit as a share of the value predicted for height and age, %.
    source
        BibTeX key.
    """

    fev1_max_l: float
    fev1_max_percent_predicted: float
    source: str


#: The 2024 US label (section 4): contraindicated with significant pulmonary impairment,
#: including an FEV1 of 2 L or less, or below 75% of the value predicted for height and age.
LABEL_SELECTION = PatientSelection(
    fev1_max_l=2.0, fev1_max_percent_predicted=75.0, source="proleukin_label",
)
