"""Units, as the study files and the results files write them: the same parser as the C++
solver (solver/study/units.cpp), symbol for symbol, so a script reads "54 bar", "20 Mt/yr"
or a dataset's "kg s-1" exactly as `steppe run` does. tests/data/units_table.tsv holds the
strings both must agree on (values and rejections); tests/test_units.cpp and
scripts/steppe/tests/test_units.py check each side against it.

    parse_quantity("54 bar")            -> Quantity(5.4e6, (-1, 1, -2, 0, 0, 0))
    to_si(parse_quantity("10 bcm/yr"), MASS_FLOW, normal_density=0.72)
    convert(values, "Pa", "bar")        # array in bar
    factor("kg s-1", "t/h")             # 3.6

A dimension is a tuple of exponents of (m, kg, s, K, A, m3(n)): m3(n) is the standard
(normal-condition) gas volume, which becomes a mass only through a normal density.
"""
import math
from collections import namedtuple

import numpy as np

Quantity = namedtuple("Quantity", "value dim")

# Dimensions: exponents of m, kg, s, K, A, m3(n).
NONE = (0, 0, 0, 0, 0, 0)
LENGTH = (1, 0, 0, 0, 0, 0)
AREA = (2, 0, 0, 0, 0, 0)
VOLUME = (3, 0, 0, 0, 0, 0)
MASS = (0, 1, 0, 0, 0, 0)
TIME = (0, 0, 1, 0, 0, 0)
TEMPERATURE = (0, 0, 0, 1, 0, 0)
VELOCITY = (1, 0, -1, 0, 0, 0)
PRESSURE = (-1, 1, -2, 0, 0, 0)
MASS_FLOW = (0, 1, -1, 0, 0, 0)
VOLUME_FLOW = (3, 0, -1, 0, 0, 0)
STD_VOLUME = (0, 0, 0, 0, 0, 1)
STD_VOLUME_FLOW = (0, 0, -1, 0, 0, 1)
DENSITY = (-3, 1, 0, 0, 0, 0)
POWER = (2, 1, -3, 0, 0, 0)
ENERGY = (2, 1, -2, 0, 0, 0)
FREQUENCY = (0, 0, -1, 0, 0, 0)
FORCE = (1, 1, -2, 0, 0, 0)
DYNAMIC_VISCOSITY = (-1, 1, -1, 0, 0, 0)
KINEMATIC_VISCOSITY = (2, 0, -1, 0, 0, 0)
ACCELERATION = (1, 0, -2, 0, 0, 0)
SPECIFIC_ENERGY = (2, 0, -2, 0, 0, 0)
FLOW_CAPACITANCE = (1, 0, 2, 0, 0, 0)
FLOW_CONDUCTANCE = (1, 0, 1, 0, 0, 0)

_NAMED = [  # (dimension, name, SI units as written in results files), lookup order
    (NONE, "dimensionless", "1"), (LENGTH, "length", "m"), (AREA, "area", "m2"),
    (VOLUME, "volume", "m3"), (MASS, "mass", "kg"), (TIME, "time", "s"),
    (TEMPERATURE, "temperature", "K"), (VELOCITY, "velocity", "m s-1"),
    (PRESSURE, "pressure", "Pa"), (MASS_FLOW, "mass flow", "kg s-1"),
    (VOLUME_FLOW, "volume flow", "m3 s-1"), (STD_VOLUME, "standard volume", "m3(n)"),
    (STD_VOLUME_FLOW, "standard volume flow", "m3(n) s-1"), (DENSITY, "density", "kg m-3"),
    (POWER, "power", "W"), (ENERGY, "energy", "J"), (FREQUENCY, "frequency", "Hz"),
    (DYNAMIC_VISCOSITY, "dynamic viscosity", "Pa s"),
    (KINEMATIC_VISCOSITY, "kinematic viscosity", "m2 s-1"),
    (ACCELERATION, "acceleration", "m s-2"), (SPECIFIC_ENERGY, "specific energy", "J kg-1"),
    (FLOW_CAPACITANCE, "flow capacitance", "kg Pa-1"),
    (FLOW_CONDUCTANCE, "flow conductance", "kg s-1 Pa-1"),
]

_G = 9.80665                       # standard gravity (m/s²)
_LBF = 0.45359237 * _G             # N
_PSI = _LBF / (0.0254 * 0.0254)    # Pa
_MIN, _HOUR, _DAY = 60.0, 3600.0, 86400.0
_YEAR = 365.25 * _DAY              # Julian year
_DEG = math.pi / 180.0
_ATM = 101325.0
_ZERO_CELSIUS = 273.15

_CELSIUS, _FAHRENHEIT = "C", "F"

# The one symbol table (case-sensitive), as in solver/study/units.cpp.
_UNITS = {
    "m": (1.0, LENGTH), "mm": (1e-3, LENGTH), "cm": (1e-2, LENGTH), "km": (1e3, LENGTH),
    "in": (0.0254, LENGTH), "ft": (0.3048, LENGTH), "mi": (1609.344, LENGTH),
    "L": (1e-3, VOLUME), "l": (1e-3, VOLUME), "bbl": (0.158987294928, VOLUME),
    "g": (1e-3, MASS), "kg": (1.0, MASS), "t": (1e3, MASS), "kt": (1e6, MASS),
    "Mt": (1e9, MASS),
    "s": (1.0, TIME), "ms": (1e-3, TIME), "min": (_MIN, TIME), "h": (_HOUR, TIME),
    "hr": (_HOUR, TIME), "d": (_DAY, TIME), "day": (_DAY, TIME), "wk": (7 * _DAY, TIME),
    "week": (7 * _DAY, TIME), "yr": (_YEAR, TIME), "year": (_YEAR, TIME), "a": (_YEAR, TIME),
    "Pa": (1.0, PRESSURE), "mPa": (1e-3, PRESSURE), "hPa": (1e2, PRESSURE),
    "kPa": (1e3, PRESSURE), "MPa": (1e6, PRESSURE), "GPa": (1e9, PRESSURE),
    "bar": (1e5, PRESSURE), "mbar": (1e2, PRESSURE), "atm": (_ATM, PRESSURE),
    "psi": (_PSI, PRESSURE),
    "K": (1.0, TEMPERATURE),
    "W": (1.0, POWER), "kW": (1e3, POWER), "MW": (1e6, POWER), "GW": (1e9, POWER),
    "J": (1.0, ENERGY), "kJ": (1e3, ENERGY), "MJ": (1e6, ENERGY), "GJ": (1e9, ENERGY),
    "TJ": (1e12, ENERGY), "PJ": (1e15, ENERGY), "Wh": (_HOUR, ENERGY),
    "kWh": (1e3 * _HOUR, ENERGY), "MWh": (1e6 * _HOUR, ENERGY), "GWh": (1e9 * _HOUR, ENERGY),
    "TWh": (1e12 * _HOUR, ENERGY),
    "Hz": (1.0, FREQUENCY), "mHz": (1e-3, FREQUENCY), "kHz": (1e3, FREQUENCY),
    "N": (1.0, FORCE), "kN": (1e3, FORCE), "MN": (1e6, FORCE),
    "P": (0.1, DYNAMIC_VISCOSITY), "cP": (1e-3, DYNAMIC_VISCOSITY),
    "St": (1e-4, KINEMATIC_VISCOSITY), "cSt": (1e-6, KINEMATIC_VISCOSITY),
    "rad": (1.0, NONE), "deg": (_DEG, NONE), "°": (_DEG, NONE), "%": (1e-2, NONE),
    "percent": (1e-2, NONE), "ppm": (1e-6, NONE), "pu": (1.0, NONE), "p.u.": (1.0, NONE),
    "m3(n)": (1.0, STD_VOLUME), "Nm3": (1.0, STD_VOLUME), "sm3": (1.0, STD_VOLUME),
    "scm": (1.0, STD_VOLUME), "mcm": (1e6, STD_VOLUME), "MMscm": (1e6, STD_VOLUME),
    "bcm": (1e9, STD_VOLUME),
}
_AFFINE = {"degC": _CELSIUS, "°C": _CELSIUS, "degF": _FAHRENHEIT, "°F": _FAHRENHEIT}

_SUPER = "⁰¹²³⁴⁵⁶⁷⁸⁹"
_SUPER_MINUS = "⁻"
_MIDDLE_DOT = "·"


class UnitError(ValueError):
    """A quantity or unit that could not be read; `column` is the character offset where
    the problem starts (as the C++ parser reports it)."""

    def __init__(self, message, column=0):
        super().__init__(message)
        self.column = column


def _is_space(c):
    return c in " \t"


def _is_digit(c):
    return "0" <= c <= "9"


def _is_alpha(c):
    return ("a" <= c <= "z") or ("A" <= c <= "Z")


def _q(s):
    return "'" + s + "'"


class _UnitParser:
    def __init__(self, text, pos):
        self.text, self.pos = text, pos

    def parse(self):
        """(factor, exponents, affine kind or None)."""
        factor, exp = 1.0, [0] * 6
        affine, affine_col, n_factors, divide = None, 0, 0, False
        t = self.text
        while True:
            col = self.pos
            sym, power, info = self._read_factor()
            n_factors += 1
            if sym in _AFFINE:
                affine, affine_col = sym, col
                if power != 1 or divide:
                    raise UnitError(_q(sym) + " is an absolute temperature and can only be "
                                    "used alone", col)
                f, d = (1.0 if _AFFINE[sym] == _CELSIUS else 5.0 / 9.0), TEMPERATURE
            else:
                f, d = info
            if divide:
                power = -power
            factor *= f ** power
            for i in range(6):
                exp[i] += power * d[i]
            before_ws = self.pos
            self._skip_spaces()
            if self.pos == len(t):
                break
            divide = False
            c = t[self.pos]
            if c == "/":
                divide = True
                self.pos += 1
            elif c in "*.":
                self.pos += 1
            elif t.startswith(_MIDDLE_DOT, self.pos):
                self.pos += len(_MIDDLE_DOT)
            elif self.pos == before_ws:
                raise UnitError("unexpected " + _q(c) + " in unit", self.pos)
            self._skip_spaces()
            if self.pos == len(t):
                raise UnitError("missing unit after operator", self.pos)
        if affine and n_factors > 1:
            raise UnitError(_q(affine) + " is an absolute temperature and can only be used "
                            "alone (use K in compound units)", affine_col)
        return factor, exp, affine

    def _skip_spaces(self):
        while self.pos < len(self.text) and _is_space(self.text[self.pos]):
            self.pos += 1

    def _read_factor(self):
        t, start = self.text, self.pos
        if t.startswith("p.u.", self.pos):
            self.pos += 4
        else:
            while self.pos < len(t):
                c = t[self.pos]
                if _is_alpha(c) or c == "%" or c == "°":
                    self.pos += 1
                else:
                    break
        if self.pos == start:
            if self.pos < len(t) and (_is_digit(t[self.pos]) or t[self.pos] == "."):
                raise UnitError("malformed number", self.pos)
            raise UnitError("expected a unit symbol", self.pos)
        symbol = t[start:self.pos]
        # Symbols with a built-in '3' and optional "(n)": m3(n), Nm3, sm3 (also with '³').
        three = 1 if self.pos < len(t) and t[self.pos] in "3³" else 0
        if three:
            normal = t.startswith("(n)", self.pos + three)
            after = self.pos + three + (3 if normal else 0)
            more_digits = after < len(t) and _is_digit(t[after])
            candidate = symbol + "3" + ("(n)" if normal else "")
            if candidate in _UNITS and not more_digits:
                self.pos = after
                return candidate, self._read_power(caret_only=True), _UNITS[candidate]
            if normal:
                raise UnitError("unknown unit " + _q(t[start:after]), start)
        if symbol not in _UNITS and symbol not in _AFFINE:
            raise UnitError("unknown unit " + _q(symbol), start)
        return symbol, self._read_power(caret_only=False), _UNITS.get(symbol)

    def _read_power(self, caret_only):
        t, start = self.text, self.pos
        sign, value, any_ = 1, 0, False

        def add(d):
            nonlocal value, any_
            value = value * 10 + d
            any_ = True
            if value > 99:
                raise UnitError("unit power too large", start)

        if self.pos < len(t) and t[self.pos] == "^":
            self.pos += 1
            if self.pos < len(t) and t[self.pos] in "+-":
                sign = -1 if t[self.pos] == "-" else 1
                self.pos += 1
            while self.pos < len(t) and _is_digit(t[self.pos]):
                add(ord(t[self.pos]) - 48)
                self.pos += 1
            if not any_:
                raise UnitError("expected an integer power after '^'", self.pos)
        elif caret_only:
            return 1
        elif self.pos < len(t) and (_is_digit(t[self.pos]) or t[self.pos] == "-"):
            if t[self.pos] == "-":
                sign = -1
                self.pos += 1
            while self.pos < len(t) and _is_digit(t[self.pos]):
                add(ord(t[self.pos]) - 48)
                self.pos += 1
            if not any_:
                raise UnitError("expected an integer power after '-'", self.pos)
        else:
            if t.startswith(_SUPER_MINUS, self.pos):
                sign = -1
                self.pos += 1
            while self.pos < len(t) and t[self.pos] in _SUPER:
                add(_SUPER.index(t[self.pos]))
                self.pos += 1
            if sign < 0 and not any_:
                raise UnitError("expected a superscript power after '⁻'", self.pos)
            if not any_:
                return 1
        return sign * value


def _read_number(text, pos):
    start = i = pos
    negative = False
    if i < len(text) and text[i] in "+-":
        negative = text[i] == "-"
        i += 1
    mantissa = i
    digits = 0
    while i < len(text) and _is_digit(text[i]):
        i += 1
        digits += 1
    if i < len(text) and text[i] == ".":
        i += 1
        while i < len(text) and _is_digit(text[i]):
            i += 1
            digits += 1
    if digits == 0:
        raise UnitError("malformed number: a quantity starts with a number", start)
    if i < len(text) and text[i] in "eE":
        e = i
        i += 1
        if i < len(text) and text[i] in "+-":
            i += 1
        if i == len(text) or not _is_digit(text[i]):
            raise UnitError("malformed number: exponent without digits", e)
        while i < len(text) and _is_digit(text[i]):
            i += 1
    if i < len(text) and text[i] in ".,":
        raise UnitError("malformed number: ',' is not allowed (no thousands separators)"
                        if text[i] == "," else "malformed number", i)
    value = float(text[mantissa:i])
    digits_text = text[mantissa:i].split("e")[0].split("E")[0]
    # As std::from_chars: overflow, and underflow of non-zero digits to zero, are errors.
    if not math.isfinite(value) or (value == 0.0 and any(c in "123456789" for c in digits_text)):
        raise UnitError("number out of range", start)
    return (-value if negative else value), i


def parse_quantity(text):
    """'<number> [unit expression]' → Quantity(SI value, dimension). Raises UnitError."""
    pos = 0
    while pos < len(text) and _is_space(text[pos]):
        pos += 1
    if pos == len(text):
        raise UnitError("empty quantity", pos)
    number, pos = _read_number(text, pos)
    end = len(text)
    while end > pos and _is_space(text[end - 1]):
        end -= 1
    while pos < end and _is_space(text[pos]):
        pos += 1
    factor, exp, affine = 1.0, [0] * 6, None
    if pos < end:
        factor, exp, affine = _UnitParser(text[:end], pos).parse()
    if any(e < -100 or e > 100 for e in exp):
        raise UnitError("unit power out of range", pos)
    if affine is None:
        value = number * factor
    elif _AFFINE[affine] == _CELSIUS:
        value = number + _ZERO_CELSIUS
    else:
        value = (number + 459.67) * (5.0 / 9.0)
    if not math.isfinite(value):
        raise UnitError("quantity out of range", 0)
    return Quantity(value, tuple(exp))


def dimension_name(dim):
    for d, name, _ in _NAMED:
        if d == tuple(dim):
            return name
    return dimension_string(dim)


def dimension_string(dim):
    """'kg·m^-1·s^-2' style, '1' when dimensionless."""
    if not any(dim):
        return "1"
    parts = []
    for i, sym in ((1, "kg"), (0, "m"), (2, "s"), (3, "K"), (4, "A"), (5, "m3(n)")):
        if dim[i]:
            parts.append(sym + ("" if dim[i] == 1 else "^%d" % dim[i]))
    return "·".join(parts)


def si_units(dim):
    """The units attribute the results files write for a dimension ('Pa', 'kg s-1')."""
    for d, _, si in _NAMED:
        if d == tuple(dim):
            return si
    parts = []
    for i, sym in ((1, "kg"), (0, "m"), (2, "s"), (3, "K"), (4, "A"), (5, "m3(n)")):
        if dim[i]:
            parts.append(sym + ("" if dim[i] == 1 else ("^%d" if i == 5 else "%d") % dim[i]))
    return " ".join(parts)


def to_si(q, expected, normal_density=None):
    """The SI value of a Quantity of dimension `expected`; standard volumes become masses
    with `normal_density` (kg/m³ at normal conditions). Raises UnitError otherwise."""
    dim = tuple(q.dim)
    expected = tuple(expected)
    if dim == expected:
        return q.value
    k = dim[5]
    if k != 0 and expected[5] == 0:
        as_mass = list(dim)
        as_mass[5] = 0
        as_mass[1] += k
        if tuple(as_mass) == expected:
            if normal_density is None:
                raise UnitError("a %s (%s) needs the gas's normal density (gas normal "
                                "conditions) to become a %s" % (dimension_name(dim),
                                                                si_units(dim),
                                                                dimension_name(expected)))
            if not (normal_density > 0 and math.isfinite(normal_density)):
                raise UnitError("normal density must be positive and finite")
            return q.value * normal_density ** k
    raise UnitError("expected %s (e.g. %s), got %s (%s)" % (
        dimension_name(expected), si_units(expected), dimension_name(dim), si_units(dim)))


def unit(units):
    """A units attribute or unit expression ('kg s-1', 'bar', '1', '') → Quantity of one
    unit: its SI factor and dimension. '1' and '' are dimensionless."""
    u = (units or "").strip()
    if u in ("", "1"):
        return Quantity(1.0, NONE)
    return parse_quantity("1 " + u)


def factor(from_units, to_units, normal_density=None):
    """The factor that turns values in `from_units` into `to_units` ('Pa' → 'bar': 1e-5).
    A mass and a standard volume convert through `normal_density`. Raises UnitError when
    the dimensions differ."""
    a, b = unit(from_units), unit(to_units)
    if a.dim == b.dim:
        return a.value / b.value
    # through the normal density: mass ↔ standard volume
    return to_si(a, b.dim, normal_density) / b.value if a.dim[5] else \
        a.value / to_si(b, a.dim, normal_density)


def convert(values, from_units, to_units, normal_density=None):
    """`values` in `from_units` expressed in `to_units` (numpy arrays, xarray objects and
    scalars alike). Temperatures in K convert to 'degC' and 'degF' (affine)."""
    if to_units in ("degC", "°C") and from_units == "K":
        return values - _ZERO_CELSIUS
    if to_units in ("degF", "°F") and from_units == "K":
        return values * 9.0 / 5.0 - 459.67
    return values * factor(from_units, to_units, normal_density)


# What engineers read on a plot, per SI units attribute: (display unit, scale factor).
ENGINEERING = {
    "Pa": "bar", "W": "MW", "J": "GWh", "kg s-1": "kg/s", "m3 s-1": "m3/h", "kg": "t",
    "s": "h", "m": "m", "Hz": "Hz", "1": "", "W m-2": "W/m2", "m s-1": "m/s", "K": "degC",
    "Mt yr-1": "Mt/yr",
}


def display(values, units, to=None):
    """(values, label) in the unit engineers read: Pa → bar, W → MW, J → GWh, kg → t or kt
    by magnitude, s → h; `to` forces a unit ('mcm/d' for a standard volume flow…)."""
    v = np.asarray(values, dtype=float)
    units = units or ""
    if to is None:
        if units == "kg":
            big = np.nanmax(np.abs(v)) if v.size and np.isfinite(v).any() else 0.0
            to = "kt" if big >= 1e7 else "t"
        else:
            to = ENGINEERING.get(units)
        if to is None:
            return v, units.replace(" ", "·")
    if to == "":
        return v, ""
    try:
        return convert(v, units, to), to
    except UnitError:
        return v, units.replace(" ", "·")
