r"""IL-2-driven growth of helper, cytotoxic and regulatory T cells and NK cells.

The model
---------
Five populations share one well-mixed volume :math:`V` of extracellular fluid (a niche in a
lymph node, or a culture well; :data:`COMPARTMENTS`): activated CD4+ helper T cells
(``"CD4"``), which secrete IL-2 while they see antigen, CD8+ cytotoxic T cells (``"CD8"``),
CD56dim NK cells (``"NK"``), regulatory T cells (``"Treg"``) and CD56bright NK cells
(``"CD56bright NK"``, high-affinity receptor: :cite:alp:`nagler1990`, :cite:alp:`fehniger2003`). Resting
conventional CD4 T cells (:math:`R` per compartment) secrete a little IL-2 without antigen
(:cite:alp:`setoguchi2005`). Every population consumes IL-2 by
receptor-mediated uptake (:func:`il2.binding.internalization_rate`) and divides at a rate set
by its IL-2 signal :math:`S_i \in [0, 1]` (:func:`il2.signaling.proliferation_signal`). For
population :math:`i` with :math:`N_i` cells and :math:`a_i` CD25 molecules per cell, and free
IL-2 concentration :math:`c` (pM):

.. math::

    \frac{dc}{dt} &= \kappa\Big[(1-\beta_{IL2})\,\big(q_r R + q\,A(t)\,N_{CD4}\,(1 - \nu S_{CD4})\big)
        - \sum_i N_i\,u_i(c, \tilde a_i)\Big] - k_{cl}\,\big(c - c_p(t)\big),
        \qquad \kappa = \frac{10^{12}}{N_A V}, \\
    \frac{dN_i}{dt} &= \big(p_i \Pi(t)(1 - S_i) + r_i S_i\big)\Big(1 - \frac{N_i}{K_i}\Big) N_i
        - d_i\,(1 - S_i)\,N_i + h_i\,d_i\,N_i(0), \\
    \frac{da_i}{dt} &= k_a\,(a_i^* - a_i), \qquad
    a_i^* = a_i^{rest} + (a^{max}_i - a_i^{rest})\big[1 - (1 - g_i A(t))(1 - \varphi (S_i - S_i^0))\big],

with :math:`S_i = S_i(c, \tilde a_i)` and :math:`\tilde a_i = (1-\beta_{CD25})\,a_i` the CD25
left free by a blocking antibody. :math:`q` is the secretion rate per helper (about 10
molecules per second; :cite:alp:`hofer2012`), switched off in proportion :math:`\nu` by the helper's own
IL-2 signal (:cite:alp:`villarino2007`); :math:`A(t)` the antigen stimulus (1 from ``antigen_start_h``
to ``antigen_end_h``, else 0); :math:`\beta_{IL2}` the neutralised fraction of IL-2;
:math:`u_i` the IL-2 uptake per cell; :math:`k_{cl}` the loss of free IL-2 from the volume.
:math:`c_p(t)` is an optional IL-2 concentration outside the volume, zero unless given: a drug
in the blood (``plasma_il2_pM`` of :func:`simulate`). The volume then exchanges IL-2 with it at
the same rate :math:`k_{cl}` at which it loses its own, so without cells :math:`c` relaxes to
:math:`c_p` with time constant :math:`1/k_{cl}`. This is a modelling choice: it assumes that
IL-2 given into a vein reaches the fluid around lymph-node cells at the plasma level, and
reaches it as fast as the niche's own IL-2 escapes; aldesleukin does leave the blood for the
tissues (the peripheral compartment of :mod:`il2.pk`, :cite:alp:`konrad1990`), but how much of it
reaches a lymph node is not measured in the library's sources, so :math:`c_p` is an upper
bound on what the cells see.
:math:`r_i = \ln 2 / t_{div}` is the division rate at full signal (:math:`t_{div}` about 8 h at
the peak of the CD8 response to LCMV, :cite:alp:`murali1998`; slower for the resident NK and
regulatory T cells). Antigen starts an IL-2-independent division program :math:`\Pi(t)` of
rate :math:`p_i` in the helper and CD8 T cells (``EFFECTORS``) that runs for
``program_duration_h`` whatever the end of antigen (:cite:alp:`kaech2001`, :cite:alp:`vanstipdonk2001`); IL-2
raises the division rate towards :math:`r_i` and keeps every population alive (death
:math:`d_i(1 - S_i)`), so neutralising IL-2 lowers the CD8 peak a few-fold rather than
abolishing it (:cite:alp:`kundig1993`, :cite:alp:`bachmann1995`). :math:`K_i` is a carrying capacity.
:math:`h_i` is derived (:func:`il2.growth.dynamics.resting_balance`) so that every population
rests at its start at the resting IL-2 level :math:`c_0` with resting signal :math:`S_i^0`;
withdrawing IL-2 then lowers, for instance, the regulatory T cells (:cite:alp:`setoguchi2005`). CD25 relaxes towards a target raised by antigen (share
:math:`g_i` of the range, effectors only) and by the IL-2 signal itself, with strength
:math:`\varphi`: the autocrine positive feedback (:cite:alp:`cantrell1984`, :cite:alp:`smith1988`,
:cite:alp:`malek2008`, :cite:alp:`busse2010`). Regulatory T cells compete with effectors for IL-2
(:cite:alp:`busse2010`, :cite:alp:`feinerman2010`, :cite:alp:`hofer2012`).

Numerics
--------
The state is :math:`(\ln N_i, \ln(1 + a_i), \ln c)`, so cells, CD25 and IL-2 stay positive by
construction (a start without IL-2 starts from a negligible 1e-3 pM). The binding and
signalling functions are tabulated once per population on a grid of :math:`\ln(1+a)` and
:math:`\ln c` (:func:`response_tables`) and interpolated (cubic Hermite in :math:`\ln c`, linear in
:math:`\ln(1+a)`), which agrees with direct calls to within 0.2% (a test checks this) and
makes a right-hand side cost tens of microseconds. The stiff solver is LSODA with an analytic
Jacobian; the antigen switches, and any times at which the outside concentration :math:`c_p`
jumps or bends (``breakpoints_h``: infusion starts and ends), are integration breakpoints. In
the :math:`\ln c` state the outside concentration adds :math:`k_{cl} c_p(t)/c` to
:math:`d\ln c/dt`. A two-week simulation takes a few tens of milliseconds.

The receptor side of the model (which cells bind, consume and respond to IL-2, and how strongly)
is one :class:`il2.receptors.ReceptorModel`, passed to :func:`simulate` as ``model``; the tables
are built from it and cached by it, so a changed receptor model (a weaker CD25, an engineered
IL-2) reaches every population.

The package is split by job:

- :mod:`il2.growth.parameters`: the populations, their order and the kinetic parameters
- :mod:`il2.growth.compartments`: the shared volumes (lymph-node niche, culture well)
- :mod:`il2.growth.tables`: binding and signalling tabulated for a fast right-hand side
- :mod:`il2.growth.dynamics`: the ODE right-hand side and its Jacobian (named state slices)
- :mod:`il2.growth.simulation`: :func:`simulate` and its :class:`GrowthResult`
- :mod:`il2.growth.scans`: scans over one quantity and the expansion threshold

Imports: :mod:`il2.receptors` (and through it binding and signalling), :mod:`il2.units`,
:mod:`il2.registry`, :mod:`il2.validation`.
"""


from il2.growth.compartments import (  # noqa: F401
    COMPARTMENTS,
    Compartment,
    CultureWellCompartment,
    LymphNodeCompartment,
    get_compartment,
)
from il2.growth.parameters import (  # noqa: F401
    EFFECTORS,
    POPULATIONS,
    RESIDENTS,
    TKACH_SECRETION,
    GrowthParameters,
    SecretionMeasurement,
    max_division_rate_per_h,
)
from il2.growth.scans import (  # noqa: F401
    SCAN_QUANTITIES,
    ExpansionScan,
    Threshold,
    expansion_scan,
    expansion_threshold,
)
from il2.growth.simulation import GrowthResult, forget_results, simulate  # noqa: F401
from il2.growth.tables import Response, ResponseTables, response_tables  # noqa: F401

__all__ = [
    "POPULATIONS",
    "EFFECTORS",
    "RESIDENTS",
    "GrowthParameters",
    "SecretionMeasurement",
    "TKACH_SECRETION",
    "Compartment",
    "LymphNodeCompartment",
    "CultureWellCompartment",
    "COMPARTMENTS",
    "get_compartment",
    "Response",
    "ResponseTables",
    "response_tables",
    "GrowthResult",
    "simulate",
    "forget_results",
    "ExpansionScan",
    "expansion_scan",
    "Threshold",
    "expansion_threshold",
    "max_division_rate_per_h",
    "SCAN_QUANTITIES",
]
