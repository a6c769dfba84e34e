// The vector operations IDA runs on (solver/engine/fast_vector.cpp) against SUNDIALS' own
// serial N_Vector: the same operations on the same data must give the same numbers
// (element-wise ones to the last bit or an ulp, reductions to rounding), fused linear
// combinations for every count IDA uses and beyond, with the result aliasing an operand.
#include <nvector/nvector_serial.h>
#include <sundials/sundials_context.h>
#include <sunmatrix/sunmatrix_sparse.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <limits>
#include <memory>
#include <random>
#include <vector>

#include "solver/engine/fast_vector.hpp"

namespace {

struct ContextDeleter {
  void operator()(SUNContext c) const { SUNContext_Free(&c); }
};
struct VectorDeleter {
  void operator()(_generic_N_Vector* v) const { N_VDestroy(v); }
};
using Vector = std::unique_ptr<_generic_N_Vector, VectorDeleter>;

constexpr sunindextype kLength = 1003;  // not a multiple of any SIMD width

// Pairs of vectors holding the same values: `ref` with SUNDIALS' serial operations (fused
// ones enabled), `fast` with ours.
struct Pair {
  Vector ref, fast;
  double* r() const { return NV_DATA_S(ref.get()); }
  double* f() const { return NV_DATA_S(fast.get()); }
};

class Vectors {
 public:
  Vectors() {
    SUNContext c = nullptr;
    REQUIRE(SUNContext_Create(nullptr, &c) == 0);
    ctx_.reset(c);
    ref_template_.reset(N_VNew_Serial(kLength, ctx_.get()));
    N_VEnableFusedOps_Serial(ref_template_.get(), SUNTRUE);
    fast_template_.reset(N_VNew_Serial(kLength, ctx_.get()));
    steppe::use_fast_kernels(fast_template_.get());
  }
  // A pair filled with values from [lo, hi], a share `zeros` of them exactly 0.
  Pair make(double lo, double hi, double zeros = 0.0) {
    Pair p{Vector(N_VClone(ref_template_.get())), Vector(N_VClone(fast_template_.get()))};
    std::uniform_real_distribution<double> value(lo, hi), u(0.0, 1.0);
    for (sunindextype i = 0; i < kLength; ++i)
      p.r()[i] = p.f()[i] = u(rng_) < zeros ? 0.0 : value(rng_);
    return p;
  }

 private:
  std::unique_ptr<_SUNContext, ContextDeleter> ctx_;
  Vector ref_template_, fast_template_;
  std::mt19937_64 rng_{20261204};
};

// Element-wise results: equal to `ulps` units in the last place (of 1 for results below 1,
// where a combination cancels).
void require_same(const Pair& p, double ulps = 0.0) {
  for (sunindextype i = 0; i < kLength; ++i) {
    const double r = p.r()[i], f = p.f()[i];
    INFO("element " << i << ": SUNDIALS " << r << ", ours " << f);
    REQUIRE(std::abs(r - f) <=
            ulps * std::numeric_limits<double>::epsilon() * std::max(std::abs(r), 1.0));
  }
}

}  // namespace

TEST_CASE("IDA's vector operations equal SUNDIALS' serial vector's", "[engine][vector]") {
  Vectors v;
  auto x = v.make(-3.0, 5.0), y = v.make(-2.0, 2.0), w = v.make(0.1, 4.0), z = v.make(0, 0);

  SECTION("linear sums, scalings and element-wise operations") {
    for (const auto& [a, b] : {std::pair{1.0, 1.0}, {1.0, -0.3}, {2.5, 1.0}, {-1.5, 0.25}}) {
      N_VLinearSum(a, x.ref.get(), b, y.ref.get(), z.ref.get());
      N_VLinearSum(a, x.fast.get(), b, y.fast.get(), z.fast.get());
      require_same(z);
    }
    N_VScale(-1.7, x.ref.get(), z.ref.get());
    N_VScale(-1.7, x.fast.get(), z.fast.get());
    require_same(z);
    N_VProd(x.ref.get(), y.ref.get(), z.ref.get());
    N_VProd(x.fast.get(), y.fast.get(), z.fast.get());
    require_same(z);
    N_VDiv(x.ref.get(), w.ref.get(), z.ref.get());
    N_VDiv(x.fast.get(), w.fast.get(), z.fast.get());
    require_same(z);
    N_VAbs(x.ref.get(), z.ref.get());
    N_VAbs(x.fast.get(), z.fast.get());
    require_same(z);
    N_VInv(w.ref.get(), z.ref.get());
    N_VInv(w.fast.get(), z.fast.get());
    require_same(z);
    N_VAddConst(x.ref.get(), 0.7, z.ref.get());
    N_VAddConst(x.fast.get(), 0.7, z.fast.get());
    require_same(z);
    N_VConst(3.25, z.ref.get());
    N_VConst(3.25, z.fast.get());
    require_same(z);
    N_VCompare(1.0, x.ref.get(), z.ref.get());
    N_VCompare(1.0, x.fast.get(), z.fast.get());
    require_same(z);
  }

  SECTION("reductions") {
    const double eps = 1e-13;
    CHECK(N_VDotProd(x.fast.get(), y.fast.get()) ==
          Approx(N_VDotProd(x.ref.get(), y.ref.get())).epsilon(eps));
    CHECK(N_VMaxNorm(x.fast.get()) == N_VMaxNorm(x.ref.get()));
    CHECK(N_VMin(x.fast.get()) == N_VMin(x.ref.get()));
    CHECK(N_VWrmsNorm(x.fast.get(), w.fast.get()) ==
          Approx(N_VWrmsNorm(x.ref.get(), w.ref.get())).epsilon(eps));
    auto mask = v.make(-1.0, 1.0);  // the mask counts where it is positive
    CHECK(N_VWrmsNormMask(x.fast.get(), w.fast.get(), mask.fast.get()) ==
          Approx(N_VWrmsNormMask(x.ref.get(), w.ref.get(), mask.ref.get())).epsilon(eps));
    CHECK(N_VWSqrSumLocal(x.fast.get(), w.fast.get()) ==
          Approx(N_VWSqrSumLocal(x.ref.get(), w.ref.get())).epsilon(eps));
    CHECK(N_VMinQuotient(x.fast.get(), y.fast.get()) == N_VMinQuotient(x.ref.get(), y.ref.get()));
  }

  SECTION("tests that report by their return value") {
    auto zeros = v.make(-1.0, 1.0, 0.05);
    CHECK(N_VInvTest(zeros.fast.get(), z.fast.get()) == SUNFALSE);
    CHECK(N_VInvTest(zeros.ref.get(), z.ref.get()) == SUNFALSE);
    CHECK(N_VInvTest(w.fast.get(), z.fast.get()) == SUNTRUE);
    CHECK(N_VInvTest(w.ref.get(), z.ref.get()) == SUNTRUE);
    require_same(z);
    // IDA's constraints: 0 free, ±1 non-negative/non-positive, ±2 positive/negative.
    auto c = v.make(0, 0);
    const double codes[] = {0.0, 1.0, -1.0, 2.0, -2.0};
    auto sign = v.make(-1.0, 1.0, 0.1);  // exact zeros test the strict codes
    for (sunindextype i = 0; i < kLength; ++i) c.r()[i] = c.f()[i] = codes[i % 5];
    const auto ok_fast = N_VConstrMask(c.fast.get(), sign.fast.get(), z.fast.get());
    const auto ok_ref = N_VConstrMask(c.ref.get(), sign.ref.get(), z.ref.get());
    CHECK(ok_fast == ok_ref);
    CHECK(ok_fast == SUNFALSE);
    require_same(z);
  }

  SECTION("fused operations for every count, the result aliasing the first operand") {
    {  // no operands: refused as SUNDIALS refuses it, the result untouched
      double c0 = 2.0;
      N_Vector xr0 = y.ref.get(), xf0 = y.fast.get();
      REQUIRE(N_VLinearCombination(0, &c0, &xr0, z.ref.get()) == -1);
      REQUIRE(N_VLinearCombination(0, &c0, &xf0, z.fast.get()) == -1);
      require_same(z, 0.0);
    }
    for (int n = 1; n <= 9; ++n) {
      std::vector<Pair> xs;
      std::vector<N_Vector> xr, xf;
      std::vector<double> c;
      for (int k = 0; k < n; ++k) {
        xs.push_back(v.make(-1.0, 1.0));
        xr.push_back(xs.back().ref.get());
        xf.push_back(xs.back().fast.get());
        c.push_back(0.5 - 0.37 * k);
      }
      INFO(n << " vectors");
      REQUIRE(N_VLinearCombination(n, c.data(), xr.data(), z.ref.get()) == 0);
      REQUIRE(N_VLinearCombination(n, c.data(), xf.data(), z.fast.get()) == 0);
      require_same(z, 8.0 * n);
      REQUIRE(N_VLinearCombination(n, c.data(), xr.data(), xr[0]) == 0);
      REQUIRE(N_VLinearCombination(n, c.data(), xf.data(), xf[0]) == 0);
      require_same(xs[0], 8.0 * n);

      std::vector<Pair> zs;
      std::vector<N_Vector> zr, zf;
      for (int k = 0; k < n; ++k) {
        zs.push_back(v.make(0, 0));
        zr.push_back(zs.back().ref.get());
        zf.push_back(zs.back().fast.get());
      }
      REQUIRE(N_VScaleAddMulti(n, c.data(), y.ref.get(), xr.data(), zr.data()) == 0);
      REQUIRE(N_VScaleAddMulti(n, c.data(), y.fast.get(), xf.data(), zf.data()) == 0);
      for (const auto& p : zs) require_same(p);
      std::vector<double> dr(static_cast<std::size_t>(n)), df(static_cast<std::size_t>(n));
      REQUIRE(N_VDotProdMulti(n, x.ref.get(), xr.data(), dr.data()) == 0);
      REQUIRE(N_VDotProdMulti(n, x.fast.get(), xf.data(), df.data()) == 0);
      for (int k = 0; k < n; ++k)
        CHECK(df[std::size_t(k)] == Approx(dr[std::size_t(k)]).epsilon(1e-13));
    }
  }
}

TEST_CASE("A sparse matrix zeroed by our operation is SUNDIALS' zero matrix", "[engine][vector]") {
  SUNContext c = nullptr;
  REQUIRE(SUNContext_Create(nullptr, &c) == 0);
  std::unique_ptr<_SUNContext, ContextDeleter> ctx(c);
  struct MatrixDeleter {
    void operator()(_generic_SUNMatrix* m) const { SUNMatDestroy(m); }
  };
  std::unique_ptr<_generic_SUNMatrix, MatrixDeleter> ref(SUNSparseMatrix(50, 50, 400, CSC_MAT, c)),
      fast(SUNSparseMatrix(50, 50, 400, CSC_MAT, c));
  steppe::use_fast_kernels(fast.get());
  for (auto* m : {ref.get(), fast.get()}) {
    for (sunindextype k = 0; k < 400; ++k) SM_DATA_S(m)[k] = 1.5 + k, SM_INDEXVALS_S(m)[k] = k % 50;
    for (sunindextype j = 0; j <= 50; ++j) SM_INDEXPTRS_S(m)[j] = 8 * j;
    REQUIRE(SUNMatZero(m) == SUNMAT_SUCCESS);
  }
  for (sunindextype k = 0; k < 400; ++k) {
    CHECK(SM_DATA_S(fast.get())[k] == SM_DATA_S(ref.get())[k]);
    CHECK(SM_INDEXVALS_S(fast.get())[k] == SM_INDEXVALS_S(ref.get())[k]);
  }
  for (sunindextype j = 0; j <= 50; ++j)
    CHECK(SM_INDEXPTRS_S(fast.get())[j] == SM_INDEXPTRS_S(ref.get())[j]);
  CHECK(SM_DATA_S(fast.get())[399] == 0.0);
}
