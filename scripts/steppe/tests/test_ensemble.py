"""steppe.open_ensemble on a real sweep (tests/data/sweep_gas.yaml: 4 scenarios, 2 fail):
every group has a scenario dimension of the scenario names; each scenario's values are
its own file's (NaN after the last sample of a failed one); the scenarios table gives
the status of each."""
import os
import subprocess

import numpy as np
import pytest

import steppe


@pytest.fixture(scope="module")
def sweep_dir(steppe_exe, root, tmp_path_factory):
    out = str(tmp_path_factory.mktemp("sweep") / "sweep")
    r = subprocess.run([steppe_exe, "sweep", os.path.join(root, "tests", "data",
                                                          "sweep_gas.yaml"), "-o", out],
                       capture_output=True, text=True)
    assert r.returncode in (0, 1), r.stderr  # 1: some scenarios failed (by design)
    return out


def test_scenario_dimension(sweep_dir):
    with steppe.open_ensemble(sweep_dir) as ens:
        table = ens.scenarios
        assert len(table) == 4
        assert sorted(table.status) == ["complete", "complete", "failed", "failed"]
        nodes = ens["gas/nodes"]
        assert nodes.pressure.dims == ("scenario", "time", "node")
        assert list(nodes.scenario.values) == ens.names
        assert nodes.sizes["scenario"] == 4 and nodes.sizes["node"] == 2
        for name in ens.names:
            own = ens.result(name)["gas/nodes"].pressure
            got = nodes.pressure.sel(scenario=name).values[: own.sizes["time"]]
            np.testing.assert_array_equal(got, own.values)
            rest = nodes.pressure.sel(scenario=name).values[own.sizes["time"]:]
            assert np.isnan(rest).all()
        assert nodes.pressure.attrs["units"] == "Pa"
