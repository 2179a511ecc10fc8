"""Measured data: the vendored Farhat 2021 plates, Hill fits, receptor counts, mutein records.

Reference values for the fits are those of the facts file (section B): replicate-1 Hill fits to
the raw pSTAT5 data of Farhat et al. 2021 (meyer-lab/gc-cytokines, ckine/data/pSTAT_data.csv).
"""

from __future__ import annotations

import dataclasses
import math
import re
from importlib import resources

import numpy as np
import pytest

from il2 import measurements as m

from .conftest import BIB


@pytest.fixture(scope="module")
def data() -> m.PStatData:
    return m.pstat_data()


# ----------------------------------------------------------------------------------------------
# Vendored files and the plate parser
# ----------------------------------------------------------------------------------------------


def test_vendored_files_ship_with_their_licence_and_source_note():
    pkg = resources.files("il2.data")
    for name in ("pSTAT_data.csv", "final_receptor_levels.csv", "LICENSE-gc-cytokines.txt", "README.md"):
        assert pkg.joinpath(name).is_file(), name
    assert "MIT License" in pkg.joinpath("LICENSE-gc-cytokines.txt").read_text()
    readme = pkg.joinpath("README.md").read_text()
    assert "meyer-lab/gc-cytokines" in readme and "ckine/data/pSTAT_data.csv" in readme
    # the unlicensed repositories are named but not copied
    assert "gc-valent" in readme and not pkg.joinpath("EC50_DF.csv").is_file()


def test_plate_shape_concentrations_and_empty_wells(data):
    assert data.signal.shape == (10, 2, 4, 2, 12)
    assert data.cells == m.PSTAT_CELL_TYPES and data.times_h == (0.5, 1.0, 2.0, 4.0)
    c = data.concentrations_pM
    assert c[-1] == pytest.approx(84_000.0)  # 84 nM, the top dose
    np.testing.assert_allclose(c[1:] / c[:-1], 3.0, rtol=1e-6)  # three-fold dilutions
    assert c[0] == pytest.approx(84_000.0 / 3**11, rel=1e-6)
    # empty wells: naive and memory CD8 have no replicate 2 (2 cells x 2 cytokines x 4 times x
    # 12 wells); IL-15 30 min wells H11, H12 of replicate 2 are empty for NK and CD8
    assert int(np.isnan(data.signal).sum()) == 192 + 2 + 2
    for cell in ("NK", "CD8"):
        i, k, t = data.index(cell, 0.5, "IL-15")
        assert np.isnan(data.signal[i, k, t, 1, :2]).all()  # the two lowest doses
        assert np.isfinite(data.signal[i, k, t, 1, 2:]).all()
    assert data.measured_replicates("naive CD8") == (1,)
    assert data.measured_replicates("Treg") == (1, 2)
    assert len(data.long()["signal"]) == 10 * 2 * 4 * 2 * 12 - 196


def test_spot_values_read_from_the_csv(data):
    """Wells read by eye from the file (replicate 1 columns C-N, replicate 2 columns T-AE)."""
    _, y = data.curve("NK", 4.0)                        # NK, IL-2 4 h, C (84 nM) = 5882
    assert y[-1] == 5882.0
    assert y[0] == 5134.0                                # NK, IL-2 4 h, N (0.47 pM) = 5134
    _, y = data.curve("Treg", 0.5, replicate=2)          # T-reg, IL-2 30 min, T = 67204.09375
    assert y[-1] == 67204.09375
    c, y = data.curve("T-helper", 1.0)                   # T-helper IL-2 1 h, G (1.037 nM)
    assert c[7] == pytest.approx(1037.037037) and y[7] == 18242.63281
    _, y = data.curve("memory CD4", 0.5, "IL-15", 2)     # Mem Th IL-15 30 min, AE
    assert y[0] == 4118.187988
    _, y = data.curve("CD8", 1.0, "IL-15")               # CD8+ IL-15 1 h, C = 12298
    assert y[-1] == 12298.0


def test_arrays_and_records_are_read_only(data):
    with pytest.raises(ValueError):
        data.signal[0, 0, 0, 0, 0] = 1.0
    rec = m.measured_ec50("NK", 0.5)
    with pytest.raises(dataclasses.FrozenInstanceError):
        rec.cell = "CD8"  # type: ignore[misc]


# ----------------------------------------------------------------------------------------------
# Hill fit
# ----------------------------------------------------------------------------------------------


def test_fit_recovers_a_known_curve_with_empty_wells_and_two_brightnesses():
    c = 84_000.0 / 3.0 ** np.arange(12)[::-1]
    true_ec50, true_n = 350.0, 1.7

    def curve(b, t):
        return b + (t - b) / (1 + (true_ec50 / c) ** true_n)

    y = np.stack([curve(1000.0, 9000.0), curve(300.0, 2500.0)])
    y[1, [0, 5]] = np.nan
    fit = m.fit_hill(c, y)
    assert fit.ec50_pM == pytest.approx(true_ec50, rel=1e-4)
    assert fit.hill == pytest.approx(true_n, rel=1e-4)
    assert fit.bottom == pytest.approx((1000.0, 300.0), rel=1e-4)
    assert fit.top == pytest.approx((9000.0, 2500.0), rel=1e-4)
    assert fit.n_points == 22 and fit.at_bound == () and fit.high_dose_drop < 1e-9
    np.testing.assert_allclose(fit.response(c, 0), y[0], rtol=1e-4)


# ----------------------------------------------------------------------------------------------
# Fitted EC50s against the recorded values (facts file, section B: replicate 1)
# ----------------------------------------------------------------------------------------------

REP1_EXPECTED = [
    # cell, time (h), EC50 range (pM), Hill range; facts: Treg ~40 pM (n ~1.2) at 30 min and
    # ~10 pM (n ~0.8) at 1 h; NK ~1.7 nM (n 2.3-2.5); CD8 2.3-2.8 nM (n 2.9-3.4)
    ("Treg", 0.5, (35.0, 47.0), (1.0, 1.5)),
    ("Treg", 1.0, (8.5, 11.5), (0.65, 0.95)),
    ("NK", 0.5, (1500.0, 1800.0), (2.2, 2.7)),
    ("NK", 1.0, (1550.0, 1850.0), (2.1, 2.6)),
    ("CD8", 0.5, (2550.0, 3000.0), (2.7, 3.3)),
    ("CD8", 1.0, (2150.0, 2550.0), (3.1, 3.8)),
]


@pytest.mark.parametrize(("cell", "time_h", "ec50", "hill"), REP1_EXPECTED)
def test_replicate_1_fits_match_the_recorded_values(cell, time_h, ec50, hill):
    rec = m.measured_ec50(cell, time_h)
    rep1 = rec.replicate_fits[0]
    assert ec50[0] <= rep1.ec50_pM <= ec50[1]
    assert hill[0] <= rep1.hill <= hill[1]
    assert rep1.well_constrained


def test_cd4_is_poorly_constrained_as_recorded():
    """Facts: CD4 0.4-1.5 nM, poorly constrained, the Hill coefficient hits the fit bound."""
    r30 = m.measured_ec50("CD4", 0.5).replicate_fits[0]
    r60 = m.measured_ec50("CD4", 1.0).replicate_fits[0]
    assert 1300.0 <= r30.ec50_pM <= 1700.0
    assert 340.0 <= r60.ec50_pM <= 460.0
    assert "hill" in r60.at_bound and r60.hill == pytest.approx(m.HILL_BOUNDS[1])
    assert not m.measured_ec50("CD4", 1.0).well_constrained


def test_joint_fits_lie_between_the_replicates_and_tregs_lead():
    table = m.measured_ec50_table()
    assert [(r.cell, r.time_h) for r in table] == [
        (c, t) for c in ("Treg", "CD4", "CD8", "NK") for t in (0.5, 1.0)]
    for r in table:
        lo, hi = r.ec50_range_pM
        assert lo / 1.05 <= r.ec50_pM <= hi * 1.05, r
        assert r.source == "farhat2021"
    ec = m.blood_cell_ec50s(0.5)
    assert set(ec) == {"Treg", "CD4", "CD8", "NK"}
    for t in (0.5, 1.0):
        e = m.blood_cell_ec50s(t)
        assert all(e["Treg"].ec50_pM * 20 < e[c].ec50_pM for c in ("CD4", "CD8", "NK"))
    # Treg respond at lower doses after 1 h than after 30 min
    assert m.measured_ec50("Treg", 1.0).ec50_pM < m.measured_ec50("Treg", 0.5).ec50_pM / 2


def test_gc_valent_il2_ec50s_agree_with_our_fits():
    """gc-valent's IL-2 EC50s (another analysis of the same lab's PBMC data) lie within 1.5-fold
    of the span of our 30 min and 1 h fits for each cell type."""
    pub = m.ligand_ec50s("IL2 (Mono)")
    for cell in ("Treg", "CD4", "CD8", "NK"):
        ours = [m.measured_ec50(cell, t).ec50_pM for t in (0.5, 1.0)]
        assert min(ours) / 1.5 <= pub[cell].ec50_pM <= max(ours) * 1.5, cell


# The model against the data: tests/test_ec50_validation.py


# ----------------------------------------------------------------------------------------------
# Receptor counts
# ----------------------------------------------------------------------------------------------


def test_receptor_count_defaults_equal_the_data():
    from il2.binding import ReceptorCounts

    rc = ReceptorCounts()
    for cell, prefix in (("Treg", "treg"), ("CD4", "cd4"), ("CD8", "cd8"), ("NK", "nk")):
        rec = m.receptor_counts(cell)
        for chain in ("cd25", "cd122", "cd132"):
            if (cell, chain) == ("CD4", "cd25"):
                # the CD25-low bin of single helpers (gc-valent), not the population mean
                assert rc.cd4_cd25 == round(m.cd25_low_bin("CD4").mean)
                continue
            assert round(getattr(rec, chain)) == getattr(rc, f"{prefix}_{chain}"), (cell, chain)


def test_binned_receptor_records():
    """gc-valent's BinnedReceptorData.csv: three CD25 bins of Tregs and helpers, as typed."""
    assert len(m.RECEPTOR_BIN_RECORDS) == 12
    cd4 = m.cd25_bins("CD4")
    assert [b.bin for b in cd4] == [1, 2, 3]
    assert cd4[0].mean == 67.31259012350377 and cd4[2].mean == 961.2216773467678
    assert m.cd25_low_bin("CD4") is cd4[0]
    assert [b.mean for b in m.cd25_bins("Treg")] == sorted(b.mean for b in m.cd25_bins("Treg"))
    # the CD25-low helpers carry a fifth of the population mean of Farhat et al.
    assert 4.0 < m.receptor_counts("CD4").cd25 / cd4[0].mean < 6.0
    assert m.cd25_bins("CD4", "cd122")[0].mean == 2877.9108461865576
    src = cd4[0].dataset
    assert (src.repository, src.path, src.key) == (
        "meyer-lab/gc-valent", "ckine/data/BinnedReceptorData.csv", "orcuttjahns2021")
    with pytest.raises(ValueError, match="cell"):
        m.cd25_bins("NK")
    with pytest.raises(ValueError, match="receptor"):
        m.cd25_bins("CD4", "cd132")


def test_receptor_counts_are_geometric_means_of_four_replicates():
    rec = m.receptor_counts("T-reg")
    vals = rec.values("cd25")
    assert len(vals) == 4 and vals[0] == 2698.240012
    assert rec.cd25 == pytest.approx(math.exp(np.mean(np.log(vals))))
    assert rec.il15ra == 0.0  # every IL-15Ra measurement is 0
    assert len(rec.values("il7ra")) == 2
    assert m.receptor_counts("NK").cd122 > 10 * m.receptor_counts("CD8").cd122


# ----------------------------------------------------------------------------------------------
# gc-valent EC50s and mutein affinities: cited records
# ----------------------------------------------------------------------------------------------


def test_cd56bright_nk_ec50_record():
    bright = m.ligand_ec50("IL2 (Mono)", "CD56bright NK")
    assert bright.ec50_nM == 0.5356420473908106
    assert bright.ec50_pM == pytest.approx(535.642, rel=1e-5)
    nk = m.ligand_ec50("IL2 (Mono)", "NK")
    assert nk.ec50_pM / bright.ec50_pM == pytest.approx(3.12, abs=0.01)
    assert bright.column == "NKBright" and bright.source == "orcuttjahns2021"
    assert bright.dataset.repository == "meyer-lab/gc-valent"
    assert bright.dataset.path == "ckine/data/EC50_DF.csv"


def test_ligand_records_cover_the_table():
    recs = m.LIGAND_EC50_RECORDS
    assert len(recs) == 67  # 13 ligands x 9 cells, minus the N/A entries
    assert len({(r.ligand, r.cell) for r in recs}) == 67
    floor = {(r.ligand, r.cell) for r in recs if r.at_fit_floor}
    assert floor == {("V91K C-term (Mono)", "CD56bright NK"), ("WT N-term (Biv)", "Treg CD25hi")}
    r = m.ligand_ec50("R38Q N-term (Biv)", "Treg")
    assert (r.mutation, r.fc_fusion, r.valency) == ("R38Q", "N-term", 2)
    r = m.ligand_ec50("IL15 (Mono)", "CD8")
    assert (r.mutation, r.fc_fusion, r.valency) == ("none", "none", 1)
    assert m.ligand_ec50("R38Q/H16N (Biv)", "Treg").fc_fusion == "unstated"


def test_mutein_affinity_records():
    assert len(m.MUTEIN_AFFINITIES) == 10
    wt = m.mutein_affinity("WT N-term")
    assert (wt.cd25_kd_nM, wt.cd122_gc_kd_nM, wt.fc_fusion, wt.measured) == (0.19, 5.296, "N-term", True)
    f42q = m.mutein_affinity("F42Q N-Term")
    assert f42q.cd25_kd_nM / wt.cd25_kd_nM > 40  # the no-alpha mutein binds CD25 ~50-fold weaker
    n88d = m.mutein_affinity("N88D C-term")
    assert n88d.cd122_gc_kd_nM / m.mutein_affinity("WT C-term").cd122_gc_kd_nM > 7
    double = m.mutein_affinity("R38Q/H16N")
    assert not double.measured
    assert double.cd25_kd_nM == m.mutein_affinity("R38Q N-term").cd25_kd_nM
    assert double.cd122_gc_kd_nM == m.mutein_affinity("H16N N-term").cd122_gc_kd_nM
    assert not m.mutein_affinity("IL2").measured
    assert sum(a.measured for a in m.MUTEIN_AFFINITIES) == 7


def test_every_source_key_is_in_references_bib():
    keys = set(re.findall(r"@\w+\{([^,]+),", BIB.read_text()))
    used = {m.PSTAT_SOURCE.key, m.RECEPTOR_SOURCE.key, m.GC_VALENT_SOURCE.key,
            m.MUTEIN_AFFINITY_SOURCE.key}
    used |= {r.source for r in m.LIGAND_EC50_RECORDS} | {a.source for a in m.MUTEIN_AFFINITIES}
    assert used <= keys, used - keys


# ----------------------------------------------------------------------------------------------
# Bad input
# ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("call", "name"),
    [
        (lambda: m.measured_ec50("B cell", 0.5), "cell"),
        (lambda: m.measured_ec50(["Treg"], 0.5), "cell"),
        (lambda: m.measured_ec50(np.array(["Treg", "NK"]), 0.5), "cell"),
        (lambda: m.measured_ec50("Treg", 0.75), "time_h"),
        (lambda: m.measured_ec50("Treg", "1 h"), "time_h"),
        (lambda: m.measured_ec50("Treg", True), "time_h"),
        (lambda: m.measured_ec50("Treg", 0.5, "IL-7"), "cytokine"),
        (lambda: m.pstat_data().curve("naive CD8", 0.5, replicate=2), "replicate"),
        (lambda: m.pstat_data().curve("NK", 0.5, replicate=3), "replicate"),
        (lambda: m.measured_ec50_table(times_h=0.5), "times_h"),
        (lambda: m.measured_ec50_table(times_h=()), "times_h"),
        (lambda: m.blood_cell_ec50s(3.0), "time_h"),
        (lambda: m.receptor_counts("B cell"), "cell"),
        (lambda: m.receptor_counts("Treg").values("cd4"), "receptor"),
        (lambda: m.ligand_ec50("IL-7", "NK"), "ligand"),
        (lambda: m.ligand_ec50("IL2 (Mono)", "B cell"), "cell"),
        (lambda: m.ligand_ec50("WT C-term (Mono)", "NK"), "N/A"),
        (lambda: m.mutein_affinity("H9"), "construct"),
        (lambda: m.fit_hill([1, 2, 3], [1, 2, 3]), "conc_pM"),
        (lambda: m.fit_hill([-1, 2, 3, 4, 5], [1, 2, 3, 4, 5]), "conc_pM"),
        (lambda: m.fit_hill(np.arange(1, 7), [1, 2, np.nan, np.nan, np.nan, 3]), "signal"),
        (lambda: m.fit_hill(np.arange(1, 7), [2.0] * 6), "signal"),
        (lambda: m.fit_hill(np.arange(1, 7), [1, 2, 3, np.inf, 5, 6]), "signal"),
        (lambda: m.fit_hill(np.arange(1, 7), [1, 2, 3]), "signal"),
        (lambda: m.fit_hill(np.arange(1, 7), np.arange(6), hill_bounds=(2.0, 1.0)), "hill_bounds"),
    ],
)
def test_bad_input_names_the_argument(call, name):
    with pytest.raises(ValueError, match=re.escape(name)):
        call()
