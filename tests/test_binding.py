"""IL-2 receptor binding: assembly, equilibrium, kinetics, trafficking (il2.binding)."""

import dataclasses

import numpy as np
import pytest

from il2 import binding, trafficking
from il2.binding import CELL_TYPES, BindingParameters, CellType

CONC = np.geomspace(0.01, 1e6, 121)


def _chain_totals(eq):
    a = eq.cd25_free + eq.il2_cd25 + eq.il2_cd25_cd122 + eq.il2_cd25_cd122_cd132
    b = (eq.cd122_free + eq.il2_cd122 + eq.il2_cd25_cd122 + eq.il2_cd122_cd132
         + eq.il2_cd25_cd122_cd132)
    g = eq.cd132_free + eq.il2_cd122_cd132 + eq.il2_cd25_cd122_cd132
    return a, b, g


# -- cell types ---------------------------------------------------------------------------


def test_built_in_counts_are_farhat_2021():
    """Resting human blood cells, receptors per cell (Farhat et al. 2021, facts file A), except
    the CD25 of conventional CD4 T cells: the CD25-low bin of single helpers (Orcutt-Jahns et
    al. 2021, gc-valent), 67 instead of the population mean 329 (issue 12)."""
    expected = {
        "Treg": (3476, 657, 14017),
        "CD4": (67, 158, 13326),
        "CD8": (22, 511, 12407),
        "NK": (22, 8503, 7643),
    }
    for name, counts in expected.items():
        c = CELL_TYPES[name]
        assert (c.cd25, c.cd122, c.cd132) == counts
    act = CELL_TYPES["activated T"]
    # blasts: CD25 (Tac) in several-fold excess over CD122, above resting Tregs (Robb et al. 1984)
    assert act.cd25 >= 3 * act.cd122 and act.cd25 > CELL_TYPES["Treg"].cd25
    assert act.cd122 > CELL_TYPES["CD8"].cd122


def test_with_cd25_copies_and_validates():
    cd8 = CELL_TYPES["CD8"]
    assert cd8.with_cd25(5000).cd25 == 5000 and cd8.cd25 == 22
    with pytest.raises(ValueError, match="cd25"):
        cd8.with_cd25(-1)
    with pytest.raises(ValueError, match="cd122"):
        CellType("bad", 1.0, float("nan"), 1.0)
    with pytest.raises(ValueError, match="cell"):
        binding.equilibrium("macrophage", 1.0)


# -- the three receptor forms emerge --------------------------------------------------------


@pytest.mark.parametrize("name", ["CD8", "NK"])
def test_intermediate_affinity_emerges_near_1_nM(name):
    """beta-gamma receptors bind IL-2 with Kd of about 1 nM (Wang and Smith 1987; Mitra 2015
    review): the model, built from 144 nM for CD122 alone, must land within 0.2-2 nM."""
    kd = binding.apparent_kd_pM(CELL_TYPES[name].with_cd25(0))
    assert 200 <= kd <= 2000
    assert binding.BindingParameters().kd_beta_pM / kd > 50  # gamma recruitment, >50-fold


def test_high_affinity_emerges_near_10_pM():
    """alpha-beta-gamma receptors bind IL-2 with Kd of about 10 pM (Wang and Smith 1987;
    Smith 1988); the model's activated T cell, from 10 nM for CD25 alone, within 3-30 pM."""
    kd = binding.apparent_kd_pM(CELL_TYPES["activated T"])
    assert 3 <= kd <= 30
    assert binding.BindingParameters().kd_alpha_pM / kd > 300


def test_cd25_raises_sensitivity_monotonically_and_by_tens_fold():
    """CD25 opens the high-affinity route: each extra CD25 lowers the apparent Kd; 2e4 CD25
    make a CD8 T cell at least 20 times more sensitive (the textbook figure is about 100)."""
    cd8 = CELL_TYPES["CD8"]
    kds = [binding.apparent_kd_pM(cd8.with_cd25(a)) for a in [0, 100, 1000, 5000, 20000, 50000]]
    assert np.all(np.diff(kds) < 0)
    assert kds[0] / kds[4] > 20
    assert kds[0] / kds[5] > 50


def test_apparent_kd_matches_half_occupancy_at_low_receptor_use():
    """With few CD122 (no depletion), half of CD122 is engaged at the apparent Kd."""
    cell = CellType("test", 2000, 10, 20000)
    kd = binding.apparent_kd_pM(cell)
    eq = binding.equilibrium(cell, kd)
    bound_beta = eq.il2_cd122 + eq.il2_cd25_cd122 + eq.signaling_complexes
    assert float(bound_beta) / cell.cd122 == pytest.approx(0.5, rel=0.02)


# -- equilibrium ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", list(CELL_TYPES))
def test_chains_are_conserved(name):
    cell = CELL_TYPES[name]
    eq = binding.equilibrium(cell, CONC)
    a, b, g = _chain_totals(eq)
    np.testing.assert_allclose(a, cell.cd25, rtol=1e-8, atol=1e-6)
    np.testing.assert_allclose(b, cell.cd122, rtol=1e-8, atol=1e-6)
    np.testing.assert_allclose(g, cell.cd132, rtol=1e-7, atol=1e-6)
    for field in dataclasses.fields(eq):
        value = getattr(eq, field.name)
        if isinstance(value, np.ndarray):
            assert np.all(np.isfinite(value)) and np.all(value >= 0), field.name


@pytest.mark.parametrize("name", list(CELL_TYPES))
def test_dose_response_is_monotone_and_saturates(name):
    cell = CELL_TYPES[name]
    s = binding.equilibrium(cell, CONC).signaling_complexes
    assert s[0] >= 0 and np.all(np.diff(s) >= -1e-9 * s.max())
    # at 1 mM the limiting signalling chain is (almost) all engaged
    assert s[-1] >= 0.95 * min(cell.cd122, cell.cd132)


def test_no_il2_no_complexes_and_no_receptors_no_signal():
    eq = binding.equilibrium("Treg", 0.0)
    assert float(eq.bound_il2) == 0.0
    bare = CellType("bare", 0, 0, 0)
    assert np.all(binding.equilibrium(bare, CONC).bound_il2 == 0)
    no_gamma = CellType("no gamma", 3000, 600, 0)
    eq = binding.equilibrium(no_gamma, CONC)
    assert np.all(eq.signaling_complexes == 0) and eq.bound_il2[-1] > 0
    no_beta = CellType("no beta", 3000, 0, 10000)
    assert np.all(binding.equilibrium(no_beta, CONC).signaling_complexes == 0)
    assert np.all(binding.internalization_rate(bare, CONC) == 0)


def test_cd25_alone_is_a_10_nM_site():
    """A cell with CD25 only binds IL-2 as one site with Kd 10 nM (Rickert et al. 2004)."""
    cell = CellType("alpha only", 5000, 0, 0)
    eq = binding.equilibrium(cell, 10_000.0)
    assert float(eq.il2_cd25) == pytest.approx(2500, rel=1e-9)


def test_ligand_depletion_conserves_il2():
    """Free IL-2 plus IL-2 on cells (as a medium concentration) equals the IL-2 given."""
    rho = 1e10  # 1e7 cells/mL, a dense culture
    eq = binding.equilibrium("activated T", CONC, cells_per_l=rho)
    on_cells = eq.bound_il2 * rho / (6.02214076e23 * 1e-12)
    np.testing.assert_allclose(eq.il2_free_pM + on_cells, CONC, rtol=1e-8, atol=1e-12)
    assert np.all(eq.il2_free_pM <= CONC) and eq.il2_free_pM[0] < 0.5 * CONC[0]
    # dense high-affinity cells soak up low IL-2, sparse ones do not
    sparse = binding.equilibrium("activated T", 1.0, cells_per_l=1e3)
    assert float(sparse.il2_free_pM) == pytest.approx(1.0, rel=1e-4)


def test_equilibrium_matches_long_kinetics():
    """The algebraic equilibrium equals the end of the binding ODE (no shortcut in the algebra)."""
    cell = CELL_TYPES["Treg"]
    kin = binding.kinetics(cell, 30.0, [0.0, 200.0])
    eq = binding.equilibrium(cell, 30.0)
    for name in ["il2_cd25", "il2_cd122_cd132", "il2_cd25_cd122_cd132", "il2_cd25_cd122"]:
        assert getattr(kin, name)[-1] == pytest.approx(float(getattr(eq, name)), rel=1e-3, abs=1e-3)


def test_internalization_rate_is_per_hour_and_vectorised():
    p = trafficking.TraffickingParameters()
    eq = binding.equilibrium("activated T", 100.0)
    # IL-2 on CD25 alone is not taken in (weissman1986, robb1987): only complexes with CD122 count
    expected = p.ke_per_h * float(eq.signaling_complexes) + p.kt_per_h * float(
        eq.il2_cd122 + eq.il2_cd25_cd122
    )
    assert float(binding.internalization_rate("activated T", 100.0)) == pytest.approx(expected, rel=1e-9)
    arr = binding.internalization_rate("activated T", np.array([100.0, 1000.0]))
    assert arr.shape == (2,) and arr[0] == pytest.approx(expected, rel=1e-9)


@pytest.mark.parametrize(
    "bad, match",
    [
        (-1.0, "il2_pM"),
        (float("nan"), "il2_pM"),
        (float("inf"), "il2_pM"),
        ([], "il2_pM"),
        ([1.0, -2.0], "il2_pM"),
    ],
)
def test_bad_concentrations_raise(bad, match):
    with pytest.raises(ValueError, match=match):
        binding.equilibrium("NK", bad)
    with pytest.raises(ValueError, match=match):
        binding.internalization_rate("NK", bad)


def test_bad_parameters_and_density_raise():
    with pytest.raises(ValueError, match="kd_alpha_pM"):
        BindingParameters(kd_alpha_pM=-5.0)
    with pytest.raises(ValueError, match="membrane_factor"):
        BindingParameters(membrane_factor_per_cell_per_nM=0.0)
    with pytest.raises(ValueError, match="cells_per_l"):
        binding.equilibrium("NK", 1.0, cells_per_l=-1.0)
    with pytest.raises(ValueError, match="params"):
        binding.equilibrium("NK", 1.0, params="default")


# -- kinetics --------------------------------------------------------------------------------

T = np.concatenate([[0.0], np.geomspace(1e-5, 24.0, 400)])


def test_cd25_alone_binds_and_releases_in_seconds():
    """IL-2Ralpha (p55): association and dissociation half-times 4-10 s (Lowenthal and Greene
    1987)."""
    cell = CellType("alpha only", 20000, 0, 0)
    on = binding.kinetics(cell, 1000.0, T).half_time_h() * 3600
    off = binding.kinetics(cell, 1000.0, T, "dissociation").half_time_h() * 3600
    assert 4 <= on <= 10 and 4 <= off <= 10


def test_intermediate_receptor_takes_hours_to_release():
    """IL-2Rbeta (p70) receptors: dissociation half-time 200-400 min, association 40-50 min
    (Lowenthal and Greene 1987). Model: CD8 T cells, association at 1 nM."""
    off = binding.kinetics("CD8", 1000.0, T, "dissociation").half_time_h() * 60
    on = binding.kinetics("CD8", 1000.0, T).half_time_h() * 60
    assert 150 <= off <= 400
    assert 25 <= on <= 70


def test_high_affinity_receptor_binds_in_seconds_and_releases_over_hours():
    """High-affinity receptors: fast on, slow off. Wang and Smith 1987 give koff about 1e-4 /s
    (half-time about 115 min); Lowenthal and Greene 1987 measured release half-times of 270-300
    min and association half-times of 30-45 s. The model's activated T cell must release with a
    half-time between 100 and 300 min and bind within 20-60 s at 1 nM."""
    off = binding.kinetics("activated T", 10.0, T, "dissociation").half_time_h() * 60
    on = binding.kinetics("activated T", 1000.0, T).half_time_h() * 3600
    assert 100 <= off <= 300
    assert 20 <= on <= 60


def test_more_cd25_speeds_capture_by_the_high_affinity_receptor():
    """saito1988: with CD122 held constant, cells with more CD25 bind IL-2 to the high-affinity
    site faster (affinity-conversion model: IL-2 lands on CD25 first). Model: the time to half
    the signalling complexes at 10 pM falls as CD25 rises from 1,000 to 20,000."""
    cell = CELL_TYPES["activated T"]
    t = np.concatenate([[0.0], np.geomspace(1e-4, 48.0, 600)])
    halves = []
    for a in (1_000, 3_000, 6_000, 20_000):
        k = binding.kinetics(cell.with_cd25(a), 10.0, t)
        s = k.signaling_complexes
        halves.append(float(np.interp(0.5 * s[-1], s, t)))
    assert np.all(np.diff(halves) < 0)


def test_kinetics_rejects_bad_input():
    with pytest.raises(ValueError, match="phase"):
        binding.kinetics("NK", 10.0, T, phase="sideways")
    with pytest.raises(ValueError, match="t_h"):
        binding.kinetics("NK", 10.0, [0.0, 2.0, 1.0])
    with pytest.raises(ValueError, match="il2_pM"):
        binding.kinetics("NK", 0.0, T)


# -- trafficking (Fallon and Lauffenburger 2000) ---------------------------------------------

DAYS = np.linspace(0.0, 96.0, 97)


def test_trafficking_conserves_il2_without_growth():
    res = trafficking.simulate(DAYS, growth=False)
    np.testing.assert_allclose(res.total_il2_pM, 10.0, rtol=1e-8)
    assert np.all(res.il2_pM >= 0) and res.il2_pM[-1] < 10.0


def test_2d1_is_recycled_more_depletes_slower_and_drives_more_growth():
    """Fallon et al. 2000 (J Biol Chem; Biotechnol Prog): the 2D1 analogue, with wild-type surface
    affinity but three-fold weaker endosomal binding, is recycled more, degraded less, stays
    longer in the medium and drives more proliferation over days. Consistent model: about 1.3
    times more IL-2 left after 3 days (facts file A)."""
    wt = trafficking.simulate(DAYS, variant="wild type")
    mut = trafficking.simulate(DAYS, variant="2D1")
    assert trafficking.VARIANTS["2D1"].kd_surface_pM == trafficking.VARIANTS["wild type"].kd_surface_pM
    i = 72
    assert mut.recycled_il2_pM[i] > 1.5 * wt.recycled_il2_pM[i]
    assert mut.degraded_il2_pM[i] < wt.degraded_il2_pM[i]
    ratio = mut.il2_pM[i] / wt.il2_pM[i]
    assert 1.15 <= ratio <= 1.5
    assert np.all(mut.il2_pM[24:] > wt.il2_pM[24:])
    assert mut.cells_per_l[-1] > wt.cells_per_l[-1]


def test_trafficking_rejects_bad_input():
    with pytest.raises(ValueError, match="variant"):
        trafficking.simulate(DAYS, variant="super")
    with pytest.raises(ValueError, match="il2_pM"):
        trafficking.simulate(DAYS, il2_pM=-1.0)
    with pytest.raises(ValueError, match="t_h"):
        trafficking.simulate([1.0, 2.0])
    with pytest.raises(ValueError, match="endosome_off_factor"):
        trafficking.TraffickingParameters(endosome_off_factor=0.0)


def test_il2_held_by_cd25_alone_is_not_internalised():
    """IL-2 bound to CD25 alone stays on the surface (Weissman et al. 1986, Robb 1987): a cell
    with CD25 but no CD122 binds IL-2 and takes none of it up."""
    alpha_only = CellType("alpha only", 5000, 0, 10000)
    assert float(binding.equilibrium(alpha_only, 1e4).il2_cd25) > 1000
    assert np.all(binding.internalization_rate(alpha_only, CONC) == 0)
