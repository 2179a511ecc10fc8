"""Toxicity of high-dose IL-2: capillary leak, blood pressure, fever, management, the window.

Modules, each named after the biology it models:

- :mod:`il2.toxicity.fluids`: Starling exchange between plasma and interstitium, albumin, lymph
- :mod:`il2.toxicity.endothelium`: the delayed IL-2 effect on capillaries and vascular tone
- :mod:`il2.toxicity.hemodynamics`: blood pressure, urine output, haematocrit
- :mod:`il2.toxicity.fever`: pyrogen response, fever and chills
- :mod:`il2.toxicity.course`: a treatment course with fluids, vasopressors and dose holds
- :mod:`il2.toxicity.window`: efficacy against toxicity across doses and schedules
- :mod:`il2.toxicity.adverse_events`: the label's adverse-event incidences
- :mod:`il2.toxicity.measured`: published measurements (Textor's course, fever latency, hemodynamics)

Imports: :mod:`il2.pk` and the layers below it (units, registry, validation); the therapeutic
window also :mod:`il2.therapy` and :mod:`il2.receptors`, for its receptor-model threshold.
"""

from il2.toxicity import adverse_events, course, endothelium, fever, fluids, hemodynamics, measured, window  # noqa: F401
from il2.toxicity.measured import MICHIE_FEVER, TEXTOR_COURSE  # noqa: F401
from il2.toxicity.adverse_events import ADVERSE_EVENTS, AdverseEvent, adverse_event_table  # noqa: F401
from il2.toxicity.course import (  # noqa: F401
    CourseResult,
    ManagementParameters,
    StarlingForces,
    ToxicityParameters,
    five_day_regimen,
    maintenance_intake_ml_per_h,
    simulate_course,
    simulate_exposure,
    starling_forces,
)
from il2.toxicity.endothelium import EndotheliumParameters  # noqa: F401
from il2.toxicity.fever import FeverParameters, fever_response  # noqa: F401
from il2.toxicity.fluids import FluidParameters, baseline  # noqa: F401
from il2.toxicity.hemodynamics import HemodynamicParameters  # noqa: F401
from il2.toxicity.window import WindowParameters, WindowResult, therapeutic_window  # noqa: F401
