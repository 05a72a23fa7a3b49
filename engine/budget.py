"""Conservation bookkeeping: how much of each ion and of charge the model holds.

Every flux in the kernel takes from one place what it puts in another; the state carries what left
the cell/ECS system (to the bath, into glia, through the pipette, as untracked HCO3-). So these
totals must stay constant whatever the user does: the test of row 22 watches them.
"""
from .kernel import F_C_per_mol, P, S


def totals(y, p):
    """Totals in mmol: each ion held in cell + ECS + what went to bath and glia, and the charge
    residual (ions' charge minus membrane charge; constant when charge is conserved)."""
    vi, vo = p[P["vol_i_L"]], p[P["vol_o_L"]]
    membrane_mmol = charge_mmol_per_mV(p) * y[S["V_mV"]]
    ions_mmol = vi * (y[S["Na_i_mM"]] + y[S["K_i_mM"]] - y[S["Cl_i_mM"]])
    return {
        "Na_mmol": vi * y[S["Na_i_mM"]] + vo * y[S["Na_o_mM"]] + y[S["Na_to_bath_mmol"]],
        "K_mmol": vi * y[S["K_i_mM"]] + vo * y[S["K_o_mM"]] + y[S["K_to_bath_mmol"]] + y[S["K_to_glia_mmol"]],
        "Cl_mmol": vi * y[S["Cl_i_mM"]] + vo * y[S["Cl_o_mM"]] + y[S["Cl_to_bath_mmol"]],
        # membrane charge = cytosolic ion charge + what the pipette injected - untracked efflux
        "charge_residual_mmol": ions_mmol + y[S["charge_injected_mmol"]]
        - y[S["untracked_charge_out_mmol"]] - membrane_mmol,
    }


def charge_mmol_per_mV(p):
    """Charge (mmol of elementary charge) that moves the membrane by 1 mV (myelin included)."""
    area_cm2 = p[P["area_cm2"]] / (1.0 + p[P["myelin_wraps"]])
    return p[P["Cm_uF_per_cm2"]] * area_cm2 * 1e-9 / F_C_per_mol * 1e3


def cation_charge_mmol(y, p):
    """Charge of the cytosol's cations, the scale against which a charge leak is judged."""
    return p[P["vol_i_L"]] * (y[S["Na_i_mM"]] + y[S["K_i_mM"]])
