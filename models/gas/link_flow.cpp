// What a compressor station or a valve carries besides mass, with the energy equation or
// composition tracking (models/gas/flow_model.hpp): a companion of the element, made by
// the section's reader, with no unknowns of its own.
//
// The element's flow ṁ (its unknown 0, from → to), upwinded smoothly, brings into
//   the to node      ṁ⁺·(h_out − h_to), ṁ⁺·(w_from − w_to)
//   the from node    ṁ⁻·(h_to − h_from), ṁ⁻·(w_to − w_from)        (reverse flow)
// to their energy and fraction balances, where
//   valves (isenthalpic throttling):  h_out = h(p_from, T_from, w_from): the to node's
//                                     mixing then shows the Joule–Thomson cooling
//   compressors (polytropic):         h_out = h(p_to, T_d, w_from),
//                                     T_d = T_from·(p_to/p_from)^m, m = (κ − 1)/(κ·η_p),
//                                     the station's exponent; reverse flow passes uncompressed
// Output (compressors): /gas/compressors/discharge_temperature, T_d [K].
#include "models/gas/link_flow.hpp"

#include <cmath>

#include "models/gas/flow_model.hpp"

namespace steppe::gas {

LinkFlow::LinkFlow(const Component& link, const GasNode& from, const GasNode& to,
                   const FlowModel& flow, double exponent)
    : Component("gas link flow", link.name()),
      link_(link),
      from_(from),
      to_(to),
      flow_(flow),
      exponent_(exponent) {}

void LinkFlow::bind() {
  for (int c = 0; c < flow_.vars(); ++c) {
    from_cell_.idx[c] = from_.offset() + c;
    to_cell_.idx[c] = to_.offset() + c;
  }
  m_ = link_.offset();
}

double LinkFlow::discharge_temperature(const double* y) const {
  if (!flow_.thermal) return flow_.fluid_temperature();
  const double t = y[from_cell_.idx[1]];
  return exponent_ > 0 ? t * std::pow(y[to_cell_.idx[0]] / y[from_cell_.idx[0]], exponent_) : t;
}

// The inflow into the to node: the from node's gas, compressed if a station.
Inflow LinkFlow::forward(const State& s, const Upwind& up, const CellThermo& from) const {
  Inflow in;
  in.rate = up.into_b, in.d_rate = up.d_into_b, in.rate_col = m_;
  in.from = &from_cell_;
  const int n = flow_.vars();
  if (!flow_.thermal || exponent_ <= 0) {
    in.h = from.h;
    in.nh = n;
    for (int c = 0; c < n; ++c) in.h_col[c] = from_cell_.idx[c], in.h_grad[c] = from.h_d[c];
    return in;
  }
  const double ps = s.y[from_cell_.idx[0]], pd = s.y[to_cell_.idx[0]];
  const double td = discharge_temperature(s.y), ts = s.y[from_cell_.idx[1]];
  double z[kMaxVars] = {};
  flow_.gather(s, from_cell_, z);
  z[0] = pd, z[1] = td;
  CellThermo out;
  flow_.cell(z, &out);
  in.h = out.h;
  const double ht = out.h_d[1];
  in.h_col[0] = to_cell_.idx[0], in.h_grad[0] = out.h_d[0] + ht * exponent_ * td / pd;
  in.h_col[1] = from_cell_.idx[1], in.h_grad[1] = ht * td / ts;
  in.h_col[2] = from_cell_.idx[0], in.h_grad[2] = -ht * exponent_ * td / ps;
  in.nh = 3;
  for (int c = 2; c < n; ++c) in.h_col[in.nh] = from_cell_.idx[c], in.h_grad[in.nh++] = out.h_d[c];
  return in;
}

Inflow LinkFlow::backward(const Upwind& up, const CellThermo& to) const {
  Inflow in;
  in.rate = up.into_a, in.d_rate = up.d_into_a, in.rate_col = m_;
  in.from = &to_cell_;
  in.h = to.h;
  in.nh = flow_.vars();
  for (int c = 0; c < in.nh; ++c) in.h_col[c] = to_cell_.idx[c], in.h_grad[c] = to.h_d[c];
  return in;
}

void LinkFlow::residual(const State& s, double* F) const {
  double z[kMaxVars] = {};
  CellThermo tf, tt;
  flow_.gather(s, from_cell_, z);
  flow_.cell(z, &tf);
  flow_.gather(s, to_cell_, z);
  flow_.cell(z, &tt);
  const Upwind up = upwind(s.y[m_], kEps);
  flow_.inflow(s, to_cell_, tt, forward(s, up, tf), F);
  flow_.inflow(s, from_cell_, tf, backward(up, tt), F);
}

void LinkFlow::jacobian(const State& s, JacobianWriter& J) const {
  double z[kMaxVars] = {};
  CellThermo tf, tt;
  flow_.gather(s, from_cell_, z);
  flow_.cell(z, &tf);
  flow_.gather(s, to_cell_, z);
  flow_.cell(z, &tt);
  const Upwind up = upwind(s.y[m_], kEps);
  flow_.inflow_jacobian(s, to_cell_, tt, forward(s, up, tf), J);
  flow_.inflow_jacobian(s, from_cell_, tf, backward(up, tt), J);
}

void LinkFlow::declare_outputs(OutputPlan& plan) {
  if (exponent_ > 0 && flow_.thermal)
    out_td_ = plan.column("gas/compressors", name(), "discharge_temperature", "K",
                          "temperature of the compressed gas leaving the station (polytropic)");
}

void LinkFlow::write_outputs(const State& s, OutputFrame& out) const {
  if (out_td_ >= 0) out.set(out_td_, discharge_temperature(s.y));
}

}  // namespace steppe::gas
