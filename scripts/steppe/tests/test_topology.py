"""Topology as data (issue 17): for every gas compressor the suction and discharge node
pressures found through its from_node/to_node give its pressure ratio; every pipe's and
compressor's from/to are the study's (read from the YAML text with PyYAML, not through
Steppe); a lumped or oil element's node names exist in their node group."""
import os

import numpy as np
import yaml

import steppe


def _study(root):
    with open(os.path.join(root, "inputs", "kazakhstan_china.yaml"), encoding="utf-8") as f:
        return yaml.safe_load(f)


def test_compressor_suction_discharge_through_topology(corridor_h5):
    with steppe.open_results(corridor_h5) as r:
        nodes, comp = r["gas/nodes"], r["gas/compressors"]
        assert comp.from_node.attrs.get("element_group") == "gas/nodes"
        assert comp.sizes["compressor"] >= 10
        suction = nodes.pressure.sel(node=comp.from_node.values).values
        discharge = nodes.pressure.sel(node=comp.to_node.values).values
        assert suction.shape == comp.pressure_ratio.shape
        # The ratio is an output of the compressor's own states; the node pressures are
        # the nodes' states: through the topology they must agree to rounding.
        worst = np.max(np.abs(discharge / suction - comp.pressure_ratio.values)
                       / comp.pressure_ratio.values)
        print("compressor ratio vs node pressures: worst relative difference %.2e" % worst)
        assert worst < 1e-9


def test_pipes_and_compressors_match_study(corridor_h5, root):
    gas = _study(root)["gas"]
    with steppe.open_results(corridor_h5) as r:
        for kind, group, dim in (("pipes", "gas/pipes", "pipe"),
                                 ("compressors", "gas/compressors", "compressor")):
            topo = r.topology(group)
            want = {e["name"]: (e["from"], e["to"]) for e in gas[kind]}
            assert set(topo.index) == set(want), kind
            for name, (a, b) in want.items():
                assert (topo.loc[name, "from_node"], topo.loc[name, "to_node"]) == (a, b), name


def test_every_topology_name_resolves(every_kind_h5):
    checked = 0
    with steppe.open_results(every_kind_h5) as r:
        for g in r.groups:
            ds = r[g]
            for k, c in ds.coords.items():
                target = c.attrs.get("element_group")
                if not target:
                    continue
                names = set(r[target][steppe.element_dim(r[target])].values)
                given = [v for v in c.values if v != ""]
                assert set(given) <= names, (g, k, set(given) - names)
                checked += len(given)
    assert checked >= 20, checked
