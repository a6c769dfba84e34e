#include "solver/engine/fast_vector.hpp"

#include <nvector/nvector_serial.h>
#include <sunmatrix/sunmatrix_sparse.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>

namespace steppe {

namespace {

inline sunindextype len(N_Vector v) {
  return NV_LENGTH_S(v);
}
inline double* data(N_Vector v) {
  return NV_DATA_S(v);
}

void linear_sum(double a, N_Vector x, double b, N_Vector y, N_Vector z) {
  const double *xd = data(x), *yd = data(y);
  double* zd = data(z);
  const sunindextype n = len(x);
  if (b == 1.0)
    for (sunindextype i = 0; i < n; ++i) zd[i] = a * xd[i] + yd[i];
  else if (a == 1.0)
    for (sunindextype i = 0; i < n; ++i) zd[i] = xd[i] + b * yd[i];
  else
    for (sunindextype i = 0; i < n; ++i) zd[i] = a * xd[i] + b * yd[i];
}

void constant(double c, N_Vector z) {
  std::fill(data(z), data(z) + len(z), c);
}

void prod(N_Vector x, N_Vector y, N_Vector z) {
  const double *xd = data(x), *yd = data(y);
  double* zd = data(z);
  for (sunindextype i = 0, n = len(x); i < n; ++i) zd[i] = xd[i] * yd[i];
}

void divide(N_Vector x, N_Vector y, N_Vector z) {
  const double *xd = data(x), *yd = data(y);
  double* zd = data(z);
  for (sunindextype i = 0, n = len(x); i < n; ++i) zd[i] = xd[i] / yd[i];
}

void scale(double c, N_Vector x, N_Vector z) {
  const double* xd = data(x);
  double* zd = data(z);
  for (sunindextype i = 0, n = len(x); i < n; ++i) zd[i] = c * xd[i];
}

void absolute(N_Vector x, N_Vector z) {
  const double* xd = data(x);
  double* zd = data(z);
  for (sunindextype i = 0, n = len(x); i < n; ++i) zd[i] = std::abs(xd[i]);
}

void inverse(N_Vector x, N_Vector z) {
  const double* xd = data(x);
  double* zd = data(z);
  for (sunindextype i = 0, n = len(x); i < n; ++i) zd[i] = 1.0 / xd[i];
}

void add_const(N_Vector x, double b, N_Vector z) {
  const double* xd = data(x);
  double* zd = data(z);
  for (sunindextype i = 0, n = len(x); i < n; ++i) zd[i] = xd[i] + b;
}

double dot(N_Vector x, N_Vector y) {
  const double *xd = data(x), *yd = data(y);
  double s = 0.0;
  for (sunindextype i = 0, n = len(x); i < n; ++i) s += xd[i] * yd[i];
  return s;
}

double max_norm(N_Vector x) {
  const double* xd = data(x);
  double m = 0.0;
  for (sunindextype i = 0, n = len(x); i < n; ++i) m = std::max(m, std::abs(xd[i]));
  return m;
}

double wsqrsum(N_Vector x, N_Vector w) {
  const double *xd = data(x), *wd = data(w);
  double s = 0.0;
  for (sunindextype i = 0, n = len(x); i < n; ++i) {
    const double p = xd[i] * wd[i];
    s += p * p;
  }
  return s;
}

double wsqrsum_mask(N_Vector x, N_Vector w, N_Vector id) {
  const double *xd = data(x), *wd = data(w), *md = data(id);
  double s = 0.0;
  for (sunindextype i = 0, n = len(x); i < n; ++i) {
    const double p = md[i] > 0.0 ? xd[i] * wd[i] : 0.0;
    s += p * p;
  }
  return s;
}

double wrms_norm(N_Vector x, N_Vector w) {
  return std::sqrt(wsqrsum(x, w) / static_cast<double>(len(x)));
}

double wrms_norm_mask(N_Vector x, N_Vector w, N_Vector id) {
  return std::sqrt(wsqrsum_mask(x, w, id) / static_cast<double>(len(x)));
}

double minimum(N_Vector x) {
  const double* xd = data(x);
  double m = std::numeric_limits<double>::max();
  for (sunindextype i = 0, n = len(x); i < n; ++i) m = std::min(m, xd[i]);
  return m;
}

void compare(double c, N_Vector x, N_Vector z) {
  const double* xd = data(x);
  double* zd = data(z);
  for (sunindextype i = 0, n = len(x); i < n; ++i) zd[i] = std::abs(xd[i]) >= c ? 1.0 : 0.0;
}

booleantype inv_test(N_Vector x, N_Vector z) {
  const double* xd = data(x);
  double* zd = data(z);
  bool ok = true;
  for (sunindextype i = 0, n = len(x); i < n; ++i) {
    if (xd[i] == 0.0)
      ok = false;
    else
      zd[i] = 1.0 / xd[i];
  }
  return ok ? SUNTRUE : SUNFALSE;
}

// c_i = ±2: x_i must be > 0 (< 0); ±1: ≥ 0 (≤ 0); 0: free. m_i = 1 where violated.
booleantype constr_mask(N_Vector c, N_Vector x, N_Vector m) {
  const double *cd = data(c), *xd = data(x);
  double* md = data(m);
  bool ok = true;
  for (sunindextype i = 0, n = len(x); i < n; ++i) {
    md[i] = 0.0;
    const double ci = cd[i];
    if (ci == 0.0) continue;
    const bool strict = std::abs(ci) > 1.5;
    const double v = xd[i] * ci;
    const bool bad = strict ? v <= 0.0 : v < 0.0;
    if (bad) {
      md[i] = 1.0;
      ok = false;
    }
  }
  return ok ? SUNTRUE : SUNFALSE;
}

double min_quotient(N_Vector num, N_Vector denom) {
  const double *nd = data(num), *dd = data(denom);
  double m = std::numeric_limits<double>::max();
  for (sunindextype i = 0, n = len(num); i < n; ++i)
    if (dd[i] != 0.0) m = std::min(m, nd[i] / dd[i]);
  return m;
}

// z = Σ c[k]·x[k] for a fixed count N: the operands' data pointers and coefficients are
// locals, so the loop over the elements vectorises (IDA combines up to max order + 1
// vectors at every step: with the pointers fetched from the N_Vectors per element this
// was the largest item of a 250-unknown line's profile). z may be one of the x[k].
template <int N>
void combine(const double* c, N_Vector* X, N_Vector z) {
  std::array<const double*, N> x;
  std::array<double, N> a;
  for (int k = 0; k < N; ++k) {
    x[k] = data(X[k]);
    a[k] = c[k];
  }
  double* zd = data(z);
  for (sunindextype i = 0, n = len(z); i < n; ++i) {
    double s = a[0] * x[0][i];
    for (int k = 1; k < N; ++k) s += a[k] * x[k][i];
    zd[i] = s;
  }
}

// combine<1> … combine<kFixedCounts>, indexed by the count less one.
constexpr int kFixedCounts = 7;
using Combine = void (*)(const double*, N_Vector*, N_Vector);
template <int... K>
constexpr std::array<Combine, sizeof...(K)> combine_table(std::integer_sequence<int, K...>) {
  return {&combine<K + 1>...};
}
constexpr auto kCombine = combine_table(std::make_integer_sequence<int, kFixedCounts>{});

int linear_combination(int nvec, double* c, N_Vector* X, N_Vector z) {
  if (nvec < 1) return -1;  // as SUNDIALS' serial vector: no operands, no result
  if (nvec <= kFixedCounts) {
    kCombine[static_cast<std::size_t>(nvec - 1)](c, X, z);
    return 0;
  }
  double* zd = data(z);
  for (sunindextype i = 0, n = len(z); i < n; ++i) {
    double s = c[0] * data(X[0])[i];
    for (int k = 1; k < nvec; ++k) s += c[k] * data(X[k])[i];
    zd[i] = s;
  }
  return 0;
}

int scale_add_multi(int nvec, double* a, N_Vector x, N_Vector* Y, N_Vector* Z) {
  const double* xd = data(x);
  const sunindextype n = len(x);
  for (int k = 0; k < nvec; ++k) {
    const double* yd = data(Y[k]);
    double* zd = data(Z[k]);
    const double ak = a[k];
    for (sunindextype i = 0; i < n; ++i) zd[i] = ak * xd[i] + yd[i];
  }
  return 0;
}

int dot_prod_multi(int nvec, N_Vector x, N_Vector* Y, double* d) {
  for (int k = 0; k < nvec; ++k) d[k] = dot(x, Y[k]);
  return 0;
}

// As SUNMatZero_Sparse: values, row indices and column pointers all zero.
int zero_sparse(SUNMatrix A) {
  const auto nnz = static_cast<std::size_t>(SM_NNZ_S(A));
  const auto np = static_cast<std::size_t>(SM_NP_S(A));
  std::fill(SM_DATA_S(A), SM_DATA_S(A) + nnz, 0.0);
  std::fill(SM_INDEXVALS_S(A), SM_INDEXVALS_S(A) + nnz, sunindextype{0});
  std::fill(SM_INDEXPTRS_S(A), SM_INDEXPTRS_S(A) + np + 1, sunindextype{0});
  return SUNMAT_SUCCESS;
}

}  // namespace

void use_fast_kernels(SUNMatrix sparse) {
  sparse->ops->zero = zero_sparse;
}

void use_fast_kernels(N_Vector v) {
  N_Vector_Ops ops = v->ops;
  ops->nvlinearsum = linear_sum;
  ops->nvconst = constant;
  ops->nvprod = prod;
  ops->nvdiv = divide;
  ops->nvscale = scale;
  ops->nvabs = absolute;
  ops->nvinv = inverse;
  ops->nvaddconst = add_const;
  ops->nvdotprod = dot;
  ops->nvmaxnorm = max_norm;
  ops->nvwrmsnorm = wrms_norm;
  ops->nvwrmsnormmask = wrms_norm_mask;
  ops->nvmin = minimum;
  ops->nvcompare = compare;
  ops->nvinvtest = inv_test;
  ops->nvconstrmask = constr_mask;
  ops->nvminquotient = min_quotient;
  ops->nvlinearcombination = linear_combination;
  ops->nvscaleaddmulti = scale_add_multi;
  ops->nvdotprodmulti = dot_prod_multi;
  // The local reductions, as the serial vector has them (one process: local = global).
  ops->nvdotprodlocal = dot;
  ops->nvmaxnormlocal = max_norm;
  ops->nvminlocal = minimum;
  ops->nvinvtestlocal = inv_test;
  ops->nvconstrmasklocal = constr_mask;
  ops->nvminquotientlocal = min_quotient;
  ops->nvwsqrsumlocal = wsqrsum;
  ops->nvwsqrsummasklocal = wsqrsum_mask;
}

}  // namespace steppe
