"""The corridor's scenario answers (inputs/README.md, "Scenario answers"): re-runs every scenario
the answers quote (scripts/calibration/scenarios.py), renders the paragraphs from the fresh
figures and compares every number in them with the published paragraphs — 0.5 % or half a
unit of the last digit shown, whichever is larger. A change of the study or the model that
moves an answer shows here, and the paragraphs are then re-written by the script, not by hand.
Beside the regression, physical checks of each answer: the pump trip loses throughput and
keeps every pipe within its MAOP; the wind drop raises TPP-2 and lowers the Almaty pressure;
the 25 January island sheds load; the cold snap burns more gas and generates more in the south;
Zhambyl GRES cycled by dispatch stops and starts, keeps its minimum up and down times (read from
its own events) and burns less gas.

Usage: python3 test_corridor_scenarios.py STEPPE REPO_ROOT"""
import os
import re
import sys
import tempfile

steppe, root = sys.argv[1], sys.argv[2]
sys.path.insert(0, os.path.join(root, "scripts", "calibration"))
import scenarios  # noqa: E402

with tempfile.TemporaryDirectory() as tmp:
    got = scenarios.answers(steppe, tmp)

p, w, j, s = got["pump_trip"], got["wind_drop"], got["jan2022"], got["cold_snap"]
assert p["lost_kt"] > 0 and p["peak_bar"] <= p["maop_bar"], p
assert w["wind_before_MW"] - w["wind_after_MW"] > 70 and w["tpp2_max_MW"] > w["tpp2_before_MW"], w
assert w["sag_bar"] > 0, w
assert j["shed_MW"] > 0, j
assert s["burn_mcm"] > s["base_burn_mcm"] and s["south_gen_GWh"] > s["base_south_gen_GWh"], s
z = got["zhambyl_cycling"]
assert z["stops"] >= 1 and z["starts"] >= 1 and z["zhambyl_mcm"] < z["base_zhambyl_mcm"], z
# Every whole spell (from the unit's own start and stop events) keeps its minimum time.
assert z["shortest_up_h"] >= 6 - 1e-9 and z["shortest_down_h"] >= 4 - 1e-9, z

fresh = scenarios.render(got)
published = scenarios.block(os.path.join(root, "inputs", "README.md"))
a, b = scenarios.numbers(fresh), scenarios.numbers(published)
assert len(a) == len(b), f"{len(a)} numbers rendered, {len(b)} published: re-run scenarios.py --write"
tokens = re.findall(r"[-+]?\d[\d,]*\.?\d*", published)
for x, y, tok in zip(a, b, tokens):
    digits = len(tok.split(".")[1]) if "." in tok else 0
    tol = max(0.005 * abs(y), 0.5 * 10 ** -digits)
    assert abs(x - y) <= tol, f"published {tok}, derived {x}"
print(fresh)
print(f"scenario answers: {len(a)} numbers re-derived: ok")
