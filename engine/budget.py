"""Conservation bookkeeping: how much of each ion and of charge the model holds.

Every flux in the kernel takes from one place what it puts in another, and the state carries what
left each system, so two sets of books must each stay constant whatever the user does (the test of
row 22 watches them):
- the patched cell's: its cytosol and shell, plus what went to the tissue ECS and the charge of
  untracked ions (the squid axon's ohmic leak), minus the K+ and Na+ that came in from the pipette;
- the tissue's, per neighbour's share (mmol for one neighbour and its share of the tissue ECS):
  the neighbour and the tissue ECS, plus what went to the bath and into glia, minus the patched
  cell's share of what its shell gave the tissue.
"""
from .kernel import NEIGHBOUR_PREFIX as NB
from .kernel import TISSUE_PREFIX as TISSUE
from .kernel import IONS, F_C_per_mol, P, S, U



def totals(y, p):
    """Each book's totals in mmol: ions (``Na_mmol``, ... and ``tissue_Na_mmol``, ...) and the
    charge residuals (ions' charge minus membrane charge; constant when charge is conserved)."""
    vi, vo, cells = p[P["vol_i_L"]], p[P["vol_o_L"]], p[P["tissue_cells"]]
    vi_t, vo_t = p[P[TISSUE + "vol_i_L"]], p[P[TISSUE + "vol_o_L"]]
    out = {}
    for ion in IONS:
        to_tissue = y[S[f"{ion}_to_tissue_mmol"]]
        out[f"{ion}_mmol"] = vi * y[S[f"{ion}_i_mM"]] + vo * y[S[f"{ion}_o_mM"]] + to_tissue
        out[f"tissue_{ion}_mmol"] = (vi_t * y[S[f"{NB}{ion}_i_mM"]] + vo_t * y[S[f"{ion}_t_mM"]]
                                     + y[S[f"{ion}_to_bath_mmol"]] - to_tissue * vo_t / (vo * cells))
    out["K_mmol"] -= y[S["K_from_pipette_mmol"]]
    out["Na_mmol"] -= y[S["Na_from_pipette_mmol"]]
    out["tissue_K_mmol"] += y[S["K_to_glia_mmol"]]
    # membrane charge = cytosolic ion charge (pipette K+ and Na+ included) - untracked efflux
    out["charge_residual_mmol"] = (_cytosol_charge_mmol(y, p, "") - y[S["untracked_charge_out_mmol"]]
                                   - charge_mmol_per_mV(p) * y[S["V_mV"]])
    out["tissue_charge_residual_mmol"] = (_cytosol_charge_mmol(y, p, NB) - y[S["nb_untracked_charge_out_mmol"]]
                                          - charge_mmol_per_mV(p, TISSUE) * y[S[NB + "V_mV"]])
    return out


def _cell(prefix):
    """The parameters' prefix of the cell whose state has ``prefix``: the neighbour is a tissue cell."""
    return TISSUE if prefix == NB else ""


def _cytosol_charge_mmol(y, p, prefix):
    return p[P[_cell(prefix) + "vol_i_L"]] * (y[S[prefix + "Na_i_mM"]] + y[S[prefix + "K_i_mM"]]
                                              - y[S[prefix + "Cl_i_mM"]])


def charge_mmol_per_mV(p, cell=""):
    """Charge (mmol of elementary charge) that moves the membrane of the patched cell (``cell``
    "") or a tissue cell (``TISSUE_PREFIX``) by 1 mV (myelin included)."""
    area_cm2 = p[P[cell + "area_cm2"]] / (1.0 + p[P["myelin_wraps"]])
    return p[P[cell + "Cm_uF_per_cm2"]] * area_cm2 * 1e-9 / F_C_per_mol * 1e3


def cation_charge_mmol(y, p, prefix=""):
    """Charge of a cytosol's cations, the scale against which a charge leak is judged."""
    return p[P[_cell(prefix) + "vol_i_L"]] * (y[S[prefix + "Na_i_mM"]] + y[S[prefix + "K_i_mM"]])


def slice_totals(y, p, u):
    """A slice's books (engine.slice), mmol: each ion in the patched cell and its shell and in every
    unit's cells, astrocytes and ECS (``unit_cells`` cells' shares each), plus what went to the
    bath (a puff's solution counts as coming from it); and the charge residual of all membranes."""
    cells, vi = p[P["unit_cells"]], p[P[TISSUE + "vol_i_L"]]
    va, vo = p[P["vol_astro_L"]], p[P[TISSUE + "vol_o_L"]]
    patched = totals(y, p)
    t_area_cm2, t_cm = p[P[TISSUE + "area_cm2"]], p[P[TISSUE + "Cm_uF_per_cm2"]]
    unit_charge_per_mV = t_cm * t_area_cm2 * 1e-9 / F_C_per_mol * 1e3  # no myelin in a slice
    out = {}
    for ion in IONS:
        units = (vi * u[:, U[f"{ion}_i_mM"]] + va * u[:, U[f"astro_{ion}_mM"]] + vo * u[:, U[f"{ion}_o_mM"]]
                 + u[:, U[f"{ion}_to_bath_mmol"]])
        out[f"{ion}_mmol"] = patched[f"{ion}_mmol"] + cells * units.sum() - y[S[f"{ion}_to_tissue_mmol"]]
    neurons = (vi * (u[:, U["Na_i_mM"]] + u[:, U["K_i_mM"]] - u[:, U["Cl_i_mM"]]) - u[:, U["untracked_charge_out_mmol"]]
               - unit_charge_per_mV * u[:, U["V_mV"]])
    astro_per_mV = p[P["Cm_uF_per_cm2"]] * p[P["area_astro_cm2"]] * 1e-9 / F_C_per_mol * 1e3
    astrocytes = (va * (u[:, U["astro_Na_mM"]] + u[:, U["astro_K_mM"]] - u[:, U["astro_Cl_mM"]])
                  - astro_per_mV * u[:, U["astro_V_mV"]])
    out["charge_residual_mmol"] = patched["charge_residual_mmol"] + cells * (neurons.sum() + astrocytes.sum())
    return out
