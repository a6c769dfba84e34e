"""Display units: Steppe's SI units attributes → engineer units (bar, MW, GWh, t/h, kt …).
Quantities are parsed by the one parser shared with the solver (steppe.units)."""
import numpy as np

from steppe import units as _units

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
    """kg/s → Mt/yr (the Julian year of the solver's unit table)."""
    return np.asarray(x) * _units.factor("kg s-1", "Mt/yr")


def pressure_pa(v):
    """A study pressure (bare Pa or "90 bar") in Pa, or None when it is not one."""
    if isinstance(v, (int, float)):
        return float(v)
    try:
        return _units.to_si(_units.parse_quantity(str(v)), _units.PRESSURE)
    except _units.UnitError:
        return None
