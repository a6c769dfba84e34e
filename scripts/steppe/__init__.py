"""steppe: reading Steppe results in Python (xarray, pandas), the same unit parser as the
solver, and the pieces plots and reports are built from.

    import steppe
    r = steppe.open_results("outputs/kazakhstan_china.h5")
    r["gas/nodes"].pressure                  # xarray, time as datetime64, units in attrs
    r.events(); r.constraints()              # pandas DataFrames
    steppe.open_ensemble("outputs/corridor-sweep")["power/zones"].frequency
    steppe.units.convert(x, "Pa", "bar")

Importable once scripts/ is on sys.path (scripts/run, scripts/test and ctest set
PYTHONPATH; scripts/plot.py adds its own directory). Uses Debian's h5py, numpy, pandas and
xarray only. The format it reads is docs/results-format.md.
"""
from . import units
from .ensemble import Ensemble, open_ensemble
from .results import (Results, constraints, decode_flags, element_dim, events, flag_meanings,
                      in_units, open_file, open_group, open_results)

__all__ = ["Ensemble", "Results", "constraints", "decode_flags", "element_dim", "events",
           "flag_meanings", "in_units", "open_ensemble", "open_file", "open_group",
           "open_results", "units"]
