"""An ensemble of scenario results (a `steppe sweep` directory) as one xarray object per
group with a `scenario` dimension.

    ens = steppe.open_ensemble("outputs/corridor-sweep")
    ens.scenarios                         # DataFrame: name, status, file, …
    f = ens["power/zones"].frequency      # (scenario, time, zone)
    f.sel(scenario="pump trip").max("time")

Scenarios are read from their own results files (the index DIR/ensemble.h5 lists them;
without it, every *.h5 of DIR with a sweep_index attribute), so every dataset is there,
not only the index's outputs. A scenario that stopped early (failed, interrupted, still
running) has NaN after its last sample; one without a file is left out (its status says
why in `scenarios`).
"""
import glob
import os

import pandas as pd
import xarray as xr

from .results import Results, _strings, open_file


class Ensemble:
    def __init__(self, directory):
        self.dir = directory
        self.scenarios = self._scenarios()
        self._results = {}
        for _, row in self.scenarios.iterrows():
            path = os.path.join(directory, row["file"])
            if not os.path.exists(path) and os.path.exists(path + ".part"):
                path += ".part"
            if os.path.exists(path):
                self._results[row["name"]] = Results(path)
        if not self._results:
            raise FileNotFoundError("%s: no scenario results files" % directory)
        self._cache = {}

    def _scenarios(self):
        index = os.path.join(self.dir, "ensemble.h5")
        if os.path.exists(index):
            with open_file(index) as f:
                g = f["scenarios"]
                cols = {}
                for k in g:
                    if k == "scenario":
                        continue
                    v = g[k]
                    cols[k] = _strings(v) if v.dtype.kind in "OSU" else v[...]
                return pd.DataFrame(cols)
        rows = []
        for path in sorted(glob.glob(os.path.join(self.dir, "*.h5"))):
            with open_file(path) as f:
                if "sweep_index" not in f.attrs:
                    continue
                rows.append({"index": int(f.attrs["sweep_index"]),
                             "name": str(f.attrs.get("sweep_scenario", os.path.basename(path))),
                             "file": os.path.basename(path),
                             "status": str(f.attrs.get("status", ""))})
        return pd.DataFrame(rows).sort_values("index").reset_index(drop=True)

    @property
    def names(self):
        return list(self._results)

    @property
    def groups(self):
        return next(iter(self._results.values())).groups

    def __getitem__(self, group):
        if group not in self._cache:
            parts = [r[group] for r in self._results.values()]
            ds = xr.concat(parts, dim=pd.Index(self.names, name="scenario"), join="outer",
                           combine_attrs="drop_conflicts", coords="minimal",
                           compat="override")
            self._cache[group] = ds
        return self._cache[group]

    def result(self, name):
        """The Results of one scenario."""
        return self._results[name]

    def close(self):
        for r in self._results.values():
            r.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def open_ensemble(directory):
    """The scenarios of a sweep directory: ens[group] is a Dataset with a scenario dimension."""
    return Ensemble(directory)
