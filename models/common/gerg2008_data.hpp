// The coefficient tables of GERG-2008 (gerg2008_data.cpp): data only, read by gerg2008.cpp.
#pragma once

namespace steppe::gerg2008::data {

inline constexpr int kComponents = 21;
inline constexpr int kDepartures = 8;

struct PureFluid {
  const char* name;
  double molar_mass;        // g/mol
  double critical_t;        // K
  double critical_density;  // mol/dm³
  double n0[7];             // ideal-gas constants n°1 … n°7 (AGA 8 Part 2 form)
  double theta0[4];         // ϑ°4 … ϑ°7 [K] (0: term absent)
};

struct PureTerm {
  double n;
  int d;
  double t;
  int c;  // exp(−δ^c); 0: a polynomial term
};

struct DepartureTerm {
  double n;
  int d;
  double t;
  double eta, epsilon, beta, gamma;
};

struct BinaryPair {
  int i, j;                // 0-based, i < j
  double beta_v, gamma_v;  // reducing density
  double beta_t, gamma_t;  // reducing temperature
  int departure;           // index into kDepartureStart, −1: none
  double f;                // weight F_ij of the departure function
};

extern const PureFluid kPure[kComponents];
extern const PureTerm kPureTerms[];
extern const int kPureStart[kComponents + 1];
extern const DepartureTerm kDepartureTerms[];
extern const int kDepartureStart[kDepartures + 1];
extern const BinaryPair kBinary[kComponents * (kComponents - 1) / 2];

}  // namespace steppe::gerg2008::data
