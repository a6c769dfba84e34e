"""Display units: Steppe's SI units attributes → engineer units (bar, MW, GWh, t/h, kt …),
and the pressures a study's text may give."""
import re

import numpy as np

YEAR_S = 365 * 86400.0

# SI units as written by Steppe → (factor to the display unit, display unit)
_DISPLAY = {
    "Pa": (1e-5, "bar"),
    "W": (1e-6, "MW"),
    "J": (1 / 3.6e12, "GWh"),
    "m s-1": (1.0, "m/s"),
    "W m-2": (1.0, "W/m²"),
    "kg s-1": (1.0, "kg/s"),
    "t h-1": (1.0, "t/h"),
    "Mt yr-1": (1.0, "Mt/yr"),
    "m3 h-1": (1.0, "m³/h"),
    "m3": (1.0, "m³"),
    "Hz": (1.0, "Hz"),
    "1": (1.0, ""),
    "s": (1 / 3600.0, "h"),
}


def display(values, units, scale=None):
    """values in `units` (a Steppe units attribute) → (values, label) in engineer units.
    Masses (kg, t) go to t or kt by magnitude; `scale` forces a display unit."""
    v = np.asarray(values, dtype=float)
    if scale is not None:
        factor, label = scale
        return v * factor, label
    if units in ("kg", "t"):
        tonnes = v / 1000.0 if units == "kg" else v
        big = np.nanmax(np.abs(tonnes)) if tonnes.size else 0.0
        return (tonnes / 1000.0, "kt") if big >= 1e4 else (tonnes, "t")
    if units in _DISPLAY:
        factor, label = _DISPLAY[units]
        return v * factor, label
    return v, units.replace(" ", "·") if units else ""


def units_of(ds):
    u = ds.attrs.get("units", "")
    return u.decode() if isinstance(u, bytes) else str(u)


def axis_label(quantity, label):
    return f"{quantity} ({label})" if label else quantity


def kg_s_to_mt_yr(x):
    return np.asarray(x) * YEAR_S / 1e9

_PRESSURE_UNITS = {"pa": 1.0, "kpa": 1e3, "mpa": 1e6, "bar": 1e5, "barg": 1e5, "psi": 6894.757,
                   "atm": 101325.0}


def pressure_pa(v):
    """A study pressure (bare Pa or "90 bar") in Pa, or None."""
    if isinstance(v, (int, float)):
        return float(v)
    m = re.match(r"\s*([-+0-9.eE]+)\s*([A-Za-z]+)\s*$", str(v))
    if m and m.group(2).lower() in _PRESSURE_UNITS:
        return float(m.group(1)) * _PRESSURE_UNITS[m.group(2).lower()]
    return None

