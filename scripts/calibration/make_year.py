#!/usr/bin/python3
"""Writes the corridor study's 2023 input tables (inputs/corridor_2023/*.csv) from the
public figures in inputs/calibration/ (calibration_figures.yaml, resources.md).

Every shape is E (synthetic, deterministic: seed 2023) and scaled to an S or D figure:
- hourly.csv (linear): zone loads (MW), Zhanatas hub wind speed (m/s), Almaty and Shymkent
  city gas (bcm/yr rates); one row per hour of 2023 in UTC, hour 0 = 2023-01-01T00:00Z,
  plus the closing row at hour 8760.
- monthly.csv (step): hydro availability (monthly energy budgets), Burnoye cloud factor
  and air temperature, Horgos nominations per line, the Shymkent interconnect, the Russian
  transit at Atasu, and AA PS3's discharge set point; one row per month start (hours).

Usage: make_year.py [--out DIR] [--check]   (--check: fail if the files differ)
"""
import argparse
import calendar
import io
import math
import os
import sys

import numpy as np

YEAR = 2023
HOURS = 8760
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

# ---------------------------------------------------------------- power: national load
# resources.md §3: L = 13,136 MW·k·(1 + a·cos(2π(d − d0)/365))·w(d)·h(hour, d), a = 0.09,
# d0 = day 347 (13 Dec), weekend factor 0.96, winter/summer 24-h profiles (local time);
# k normalises the year to 115.068 TWh (S: Samruk-Energy AR 2023).
CONSUMPTION_TWH = 115.068
SEASON_A, SEASON_D0, WEEKEND = 0.09, 347, 0.96
H_WINTER = [.908, .877, .857, .847, .857, .887, .948, 1.008, 1.049, 1.059, 1.049, 1.039,
            1.029, 1.018, 1.018, 1.029, 1.069, 1.129, 1.150, 1.129, 1.089, 1.039, .978, .938]
H_SUMMER = [.909, .879, .859, .849, .859, .889, .940, .990, 1.031, 1.051, 1.061, 1.071,
            1.081, 1.081, 1.081, 1.071, 1.061, 1.051, 1.051, 1.071, 1.081, 1.051, .990, .940]
# Zone shares (E: the study's winter-peak split 9,300 / 4,800 / 2,400 of 16,500 MW) and UTC
# offsets in 2023 (S: North and South UTC+6, West UTC+5).
ZONES = {"north": (9300 / 16500, 6), "south": (4800 / 16500, 6), "west": (2400 / 16500, 5)}
# Central Asia (E): the study's winter profile, 7,500–9,600 MW, same seasonal shape, UTC+5.
CENTRAL_ASIA_WINTER_MEAN = 8600.0


def shape(hour_utc, offset):
    """Unnormalised load shape at UTC hour index (seasonal × weekly × daily), local time."""
    local = hour_utc + offset
    day = local // 24  # 0-based day of 2023 (local)
    doy = day + 1
    hod = local % 24
    season = np.cos(2 * np.pi * (doy - SEASON_D0) / 365.0)
    weekday = (calendar.weekday(YEAR, 1, 1) + day) % 7  # Monday 0
    w = np.where(weekday >= 5, WEEKEND, 1.0)
    hw, hs = np.array(H_WINTER)[hod], np.array(H_SUMMER)[hod]
    h = 0.5 * (1 + season) * hw + 0.5 * (1 - season) * hs
    return (1 + SEASON_A * season) * w * h


def loads(hours):
    hourly = np.arange(HOURS)
    nat = sum(share * shape(hourly, off) for share, off in ZONES.values())
    k = CONSUMPTION_TWH * 1e6 / nat.sum()  # MWh over the year
    out = {z: k * share * shape(hours, off) for z, (share, off) in ZONES.items()}
    ca = shape(hours, 5)
    jan = shape(np.arange(31 * 24), 5).mean()
    out["central_asia"] = CENTRAL_ASIA_WINTER_MEAN * ca / jan
    return out


# ---------------------------------------------------------------- Zhanatas wind
# resources.md §4: hub-height speed Weibull k = 2, scaled so that the study's power curve
# (40 × 2.5 MW; cut-in 3, rated 12, cut-out 25 m/s; cubic between) yields the midpoint of
# the design energy, (319 + 350)/2 = 334.5 GWh (S: AIIB, SPIC); hourly persistence AR(1)
# with φ = 0.93 (E).
WIND_TARGET_GWH = 334.5
RATED, CUT_IN, RATED_V, CUT_OUT = 100.0, 3.0, 12.0, 25.0


def wind_power(v):
    p = RATED * (v ** 3 - CUT_IN ** 3) / (RATED_V ** 3 - CUT_IN ** 3)
    p = np.where(v < CUT_IN, 0.0, np.where(v >= RATED_V, RATED, p))
    return np.where(v >= CUT_OUT, 0.0, p)


def wind_speed(n):
    rng = np.random.default_rng(YEAR)
    phi = 0.93
    x = np.empty(n)
    x[0] = rng.standard_normal()
    e = rng.standard_normal(n) * math.sqrt(1 - phi * phi)
    for i in range(1, n):
        x[i] = phi * x[i - 1] + e[i]
    u = 0.5 * (1 + np.vectorize(math.erf)(x / math.sqrt(2)))
    base = np.sqrt(-np.log1p(-np.clip(u, 0, 1 - 1e-12)))  # Weibull k = 2, scale 1

    def energy(scale):  # trapezoid over the hourly samples, as the model interpolates
        p = wind_power(scale * base)
        return (p[:-1] + p[1:]).sum() / 2 / 1e3  # GWh

    lo, hi = 4.0, 15.0
    for _ in range(80):
        mid = 0.5 * (lo + hi)
        lo, hi = (mid, hi) if energy(mid) < WIND_TARGET_GWH else (lo, mid)
    return 0.5 * (lo + hi) * base


# ---------------------------------------------------------------- Burnoye solar
# resources.md §5: monthly capacity factors (E, scaled to the annual 0.167, D from the
# 73 GWh/yr design of Burnoye-1, S) reached by the clear-sky model × a monthly cloud factor.
SOLAR_CF = [0.071, 0.101, 0.141, 0.181, 0.222, 0.247, 0.252, 0.242, 0.217, 0.161, 0.101, 0.065]
SOLAR_AIR_C = [-3, -1, 6, 13, 18, 24, 27, 25, 19, 11, 4, -2]  # E: Taraz monthly means
SOLAR_LAT, SOLAR_LON, SOLAR_CAP = 42.6, 70.9, 100.0
NOCT, GAMMA = 45.0, -0.004


def cos_zenith(t_hours):
    """NOAA solar calculator (Meeus low-accuracy sun), geometric; hour 0 = 2023-01-01 UTC."""
    jd = 2459945.5 + t_hours / 24.0
    T = (jd - 2451545.0) / 36525.0
    L0 = np.radians((280.46646 + T * (36000.76983 + 0.0003032 * T)) % 360)
    M = np.radians(357.52911 + T * (35999.05029 - 0.0001537 * T))
    e = 0.016708634 - T * (0.000042037 + 0.0000001267 * T)
    C = np.radians((1.914602 - T * (0.004817 + 0.000014 * T)) * np.sin(M)
                   + (0.019993 - 0.000101 * T) * np.sin(2 * M) + 0.000289 * np.sin(3 * M))
    omega = np.radians(125.04 - 1934.136 * T)
    lam = L0 + C - np.radians(0.00569 + 0.00478 * np.sin(omega))
    eps0 = 23 + (26 + (21.448 - T * (46.815 + T * (0.00059 - T * 0.001813))) / 60) / 60
    eps = np.radians(eps0 + 0.00256 * np.cos(omega))
    decl = np.arcsin(np.sin(eps) * np.sin(lam))
    y = np.tan(eps / 2) ** 2
    eot = 4 * np.degrees(y * np.sin(2 * L0) - 2 * e * np.sin(M) + 4 * e * y * np.sin(M)
                         * np.cos(2 * L0) - 0.5 * y * y * np.sin(4 * L0) - 1.25 * e * e
                         * np.sin(2 * M))
    minutes = (t_hours % 24) * 60
    ha = np.radians((minutes + eot + 4 * SOLAR_LON) / 4 - 180)
    lat = np.radians(SOLAR_LAT)
    return np.sin(lat) * np.sin(decl) + np.cos(lat) * np.cos(decl) * np.cos(ha)


def solar_cloud_factors():
    """Cloud factor per month so the month's energy is SOLAR_CF × capacity × hours."""
    out = []
    for m in range(12):
        h0, h1 = month_start(m), month_start(m + 1)
        t = np.arange(h0, h1, 1 / 12)  # 5-min samples
        cz = cos_zenith(t)
        ghi = np.where(cz > 0, 1098 * cz * np.exp(-0.057 / np.maximum(cz, 1e-9)), 0.0)
        target = SOLAR_CF[m] * SOLAR_CAP * (h1 - h0)

        def energy(c):
            g = c * ghi
            tcell = SOLAR_AIR_C[m] + g * (NOCT - 20) / 800
            p = np.clip(SOLAR_CAP * g / 1000 * (1 + GAMMA * (tcell - 25)), 0, SOLAR_CAP)
            return p.sum() / 12

        lo, hi = 0.0, 1.0
        for _ in range(60):
            mid = 0.5 * (lo + hi)
            lo, hi = (mid, hi) if energy(mid) < target else (lo, mid)
        out.append(0.5 * (lo + hi))
    return out


# ---------------------------------------------------------------- hydro (South)
# resources.md §6: monthly energy shares (E) of the annual S/D figures; availability =
# month's mean power / capacity (hydro is first in merit order, so it runs at it).
HYDRO = {  # name: (capacity MW, annual GWh, shares Jan..Dec)
    "kapshagay": (364, 972, [.070, .065, .070, .080, .095, .105, .110, .105, .085, .075, .070, .070]),
    "shardara": (126, 537, [.045, .045, .060, .090, .120, .130, .130, .120, .090, .060, .055, .055]),
    "moinak": (300, 820, [.075, .070, .070, .075, .090, .100, .105, .100, .085, .075, .075, .080]),
}

# ---------------------------------------------------------------- gas (bcm/yr rates)
# resources.md §2: transit TM+UZ per month (S for Jan–Mar, D for Apr–Dec; total 35.6 bcm D),
# Kazakh export via A/B (E, 4.5 bcm/yr, S range 4.5–5); split A+B : C = 30 : 25 (E).
TRANSIT_BCM = [2.20, 2.40, 3.04] + [(35.6 - 7.64) / 9] * 9
EXPORT_BCM = [0.0, 0.2, 0.38] + [(4.5 - 0.58) / 9] * 9
C_SHARE = 25 / 55
# Southern consumers fed through the interconnect besides the export (E: 3 bcm/yr, as the
# study's 8 bcm/yr = ≈ 5 to China + 3 for the south).
INTERCONNECT_SOUTH = 3.0
# City gas: the study's winter daily shapes (UTC) × a seasonal factor peaking mid-January,
# winter : summer 2.05 (D from the Turkestan household split, S).
ALMATY_DAY = ([0, 6, 9, 18, 21, 23, 24], [2.1, 2.4, 2.9, 2.8, 2.5, 2.2, 2.1])
SHYMKENT_DAY = ([0, 6, 9, 18, 21, 23, 24], [1.3, 1.4, 1.7, 1.65, 1.5, 1.35, 1.3])
GAS_SEASON_B = (2.05 - 1) / (2.05 + 1)

# ---------------------------------------------------------------- oil
# resources.md §1: Russian transit at Atasu 308.1 kg/s Jan–Mar (D: 2,396 kt / 90 d), 319.2
# Apr–Dec (D: 7,583 kt / 275 d); Kazakh oil past Atasu 38.3 kg/s (D: 1,209 kt / yr).
RU_TRANSIT = [2396e6 / (90 * 86400)] * 3 + [(9979e6 - 2396e6) / (275 * 86400)] * 9
KAZAKH_EAST = 1209e6 / (365 * 86400)


def walther(t1, nu1, t2, nu2):
    """Kinematic viscosity (m²/s) against temperature (°C) through two points (cSt), ASTM
    D341 as the model fits it (models/oil/fluid.cpp)."""
    z = lambda nu: math.log10(math.log10(nu + 0.7))
    T1, T2 = t1 + 273.15, t2 + 273.15
    B = (z(nu1) - z(nu2)) / (math.log10(T2) - math.log10(T1))
    A = z(nu1) + B * math.log10(T1)
    return lambda T: (10 ** (10 ** (A - B * math.log10(T + 273.15))) - 0.7) * 1e-6


def aa_ps3_setpoint(russian, kazakh):
    """AA PS3's discharge pressure (bar, absolute) that drives `russian` + `kazakh` kg/s through
    the 321 km PS3–Alashankou pipe (813 × 11.9 mm, ε 0.045 mm) into Alashankou's 5 bar: the
    two crudes as the study states them, mixed by volume at the line's 5 °C as the model
    mixes them (φ_K = Q_K/(Q_R + Q_K), ρ = Σ φ ρ_g, ln ν = Σ φ ln ν_g: the Kazakh crude
    passes Atasu PS, the Russian transit enters there); Darcy–Weisbach with Churchill's
    friction factor plus the static head between km 644 and Alashankou (route table)."""
    D, L, eps = 0.813 - 2 * 0.0119, 321e3, 0.045e-3
    alpha, T = 7e-4, 5.0
    rho_r, rho_k = (r20 * (1 - alpha * (T - 20)) for r20 in (850.0, 820.0))
    nu_r = walther(0, 18, 20, 8)(T)   # Russian transit (0 °C, 18 cSt), (20 °C, 8 cSt)
    nu_k = walther(5, 25, 20, 8)(T)   # Kumkol blend (5 °C, 25 cSt), (20 °C, 8 cSt)
    q_r, q_k = russian / rho_r, kazakh / rho_k
    phi = q_k / (q_r + q_k)
    rho = phi * rho_k + (1 - phi) * rho_r
    nu = math.exp(phi * math.log(nu_k) + (1 - phi) * math.log(nu_r))
    v = (q_r + q_k) / (math.pi * D * D / 4)
    Re = v * D / nu
    a = (2.457 * math.log(1 / ((7 / Re) ** 0.9 + 0.27 * eps / D))) ** 16
    b = (37530 / Re) ** 16
    f = 8 * ((8 / Re) ** 12 + 1 / (a + b) ** 1.5) ** (1 / 12)
    dz = 300 - (500 - 200 * 644 / 965)  # Alashankou − PS3 elevation (route table)
    p = 5e5 + f * L / D * rho * v * v / 2 + rho * 9.80665 * dz
    return p / 1e5


# ---------------------------------------------------------------- writing
def month_start(m):
    """Hour of 2023 at which month m (0-based; 12 = year end) starts."""
    return sum(calendar.monthrange(YEAR, k + 1)[1] for k in range(m)) * 24


def daily(tab, hours):
    t, v = tab
    return np.interp(hours % 24, t, v)


def gas_season(hours):
    doy = hours / 24.0 + 1
    return (1 + GAS_SEASON_B * np.cos(2 * np.pi * (doy - 15) / 365)) / (1 + GAS_SEASON_B)


def hourly_table():
    hours = np.arange(HOURS + 1)
    ld = loads(hours)
    wind = wind_speed(HOURS + 1)
    season = gas_season(hours)
    cols = [("hour", hours), ("north_MW", ld["north"]), ("south_MW", ld["south"]),
            ("west_MW", ld["west"]), ("central_asia_MW", ld["central_asia"]),
            ("zhanatas_hub_m_s", wind),
            ("almaty_city_bcm_yr", daily(ALMATY_DAY, hours) * season),
            ("shymkent_city_bcm_yr", daily(SHYMKENT_DAY, hours) * season)]
    return cols


def monthly_table():
    hours = [month_start(m) for m in range(13)]
    days = [calendar.monthrange(YEAR, m + 1)[1] for m in range(12)]
    yr = 365 / np.array(days)  # month bcm → bcm/yr rate
    cols = [("hour", hours)]
    for name, (cap, gwh, shares) in HYDRO.items():
        avail = [s * gwh * 1e3 / (d * 24) / cap for s, d in zip(shares, days)]
        cols.append((f"{name}_availability", avail + [avail[-1]]))
    cloud = solar_cloud_factors()
    cols.append(("burnoye_cloud_factor", cloud + [cloud[-1]]))
    air = [c + 273.15 for c in SOLAR_AIR_C]
    cols.append(("burnoye_air_K", air + [air[-1]]))
    transit = np.array(TRANSIT_BCM) * yr
    export = np.array(EXPORT_BCM) * yr
    ab = list(transit * (1 - C_SHARE) + export)
    c = list(transit * C_SHARE)
    ic = list(export + INTERCONNECT_SOUTH)
    cols += [("horgos_ab_bcm_yr", ab + [ab[-1]]), ("horgos_c_bcm_yr", c + [c[-1]]),
             ("interconnect_bcm_yr", ic + [ic[-1]])]
    cols.append(("ru_transit_kg_s", RU_TRANSIT + [RU_TRANSIT[-1]]))
    sp = [aa_ps3_setpoint(r, KAZAKH_EAST) for r in RU_TRANSIT]
    cols.append(("aa_ps3_bar", sp + [sp[-1]]))
    return cols


def render(cols, header):
    buf = io.StringIO()
    for line in header:
        buf.write(f"# {line}\n")
    buf.write(",".join(n for n, _ in cols) + "\n")
    n = len(cols[0][1])
    for i in range(n):
        row = []
        for name, v in cols:
            x = v[i]
            row.append(str(int(x)) if name == "hour" else f"{x:.6g}")
        buf.write(",".join(row) + "\n")
    return buf.getvalue()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", default=os.path.join(ROOT, "inputs", "corridor_2023"))
    ap.add_argument("--check", action="store_true")
    a = ap.parse_args()
    files = {
        "hourly.csv": render(hourly_table(), [
            "2023 hourly inputs of inputs/kazakhstan_china.yaml (linear between rows); hour 0 = "
            "2023-01-01T00:00Z.", "Written by scripts/calibration/make_year.py (sources: "
            "inputs/calibration/resources.md); E shapes scaled to S/D figures."]),
        "monthly.csv": render(monthly_table(), [
            "2023 monthly inputs of inputs/kazakhstan_china.yaml (step: a row holds until the "
            "next); hour 0 = 2023-01-01T00:00Z.", "Written by scripts/calibration/make_year.py "
            "(sources: inputs/calibration/resources.md)."]),
    }
    os.makedirs(a.out, exist_ok=True)
    stale = []
    for name, text in files.items():
        path = os.path.join(a.out, name)
        if a.check:
            old = open(path).read() if os.path.exists(path) else ""
            if old != text:
                stale.append(path)
        else:
            with open(path, "w") as f:
                f.write(text)
            print(path)
    if stale:
        sys.exit("stale (re-run scripts/calibration/make_year.py): " + ", ".join(stale))


if __name__ == "__main__":
    main()
