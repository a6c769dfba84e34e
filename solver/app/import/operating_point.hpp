// An operating point for one nomination, found by a network flow computation instead of the
// zone walk of choose_controls(): the control choices that GasLib calls the validation of a
// nomination, for networks whose zones are linked in loops (GasLib-582: 23 two-way
// regulators and 5 stations among 16 pressure zones).
//
//   1. prepare_network(): the supply, lossless loops closed, stations and regulators inside
//      one lossless group left out.
//   2. Flows. Nodes joined by lossless connections (short pipes, open valves, regulators
//      opened fully) form groups; with π = p² and the nominated flows (the supply's group the
//      reference) every link passes a flow that grows with π_a − π_b:
//        pipes       π_a − π_b = K·ṁ|ṁ|,  K = λ·L·R_s·T/(D·A²)   (λ fixed, or fully rough)
//        resistors   π_a − π_b = ζ·R_s·T·ṁ|ṁ|/A²   (Δp = ζ·ṁ|ṁ|/(2ρ̄A²), ρ̄ = p̄/(R_s·T))
//        regulators  ṁ = G·s(π_a − π_b − δ) − G·s(π_b − π_a − δ): flow only beyond a dead
//                    band δ (the reduction it holds), the second term for two-way ones (not
//                    towards a side whose upper bounds lie 1.5× above the other's)
//        stations    ṁ = G·s(π_a − π_b + δ): forward, lifting the pressure by up to δ
//      s(x) = (x + √(x² + β²))/2 a smooth ramp, plus a leak 1e-14·(π_a − π_b) through each
//      regulator and station so that a group closed off by them keeps a regular Jacobian. The nodal
//      balances are monotone in π: damped Newton from a flat start.
//   3. Regulators and stations passing under 0.1 kg/s are closed. Zones (groups joined by
//      pipes and resistors) are walked from the supply's, largest flows first: a zone is held
//      by a regulator flowing into it (outlet pressure), a station flowing into it (discharge)
//      or out of it (suction). Stations not so used run at their flow; regulators not so used
//      hold their own outlet node, or their flow where that node's pressure is held already.
//      For a zone nothing can hold (gas leaves it only through regulators: an entry zone) the
//      largest regulator leaving it is opened fully (lossless); then from 2. again.
//   4. Levels. Each zone's pressures are p² = π + x_z, one offset per zone. By repeated
//      relaxation, the highest offsets within every node's upper bound and the lowest within
//      every lower bound such that every regulator reduces by at least δ/4 and no station
//      lowers the pressure or exceeds its ratio_max; then x_z = low + f_z·(high − low) with
//      f = 0.9 at the supply's zone and 0.7 times less per regulator on the way out (the rules
//      are linear in the offsets: with f never rising along a regulator and equal across a
//      station the mix satisfies them all, and each regulator keeps room to reduce). Where
//      the bounds leave no room, the highest offsets.
//   5. The supply pressure, set points and initial pressures from it; the nodes whose bounds
//      it breaks are named in the study's assumptions (bounds are monitored, not imposed).
#pragma once

#include <string>
#include <vector>

#include "solver/app/import/gas_network.hpp"

namespace steppe::gas::imported {

// Chooses every control as above; appends errors ("where: error: …") when no operating point
// results, and bullets for the study's assumptions to net.assumptions.
void solve_operating_point(Network& net, std::vector<std::string>& errors);

}  // namespace steppe::gas::imported
