// IDA's vector operations compiled with the project's optimisation. Debian's SUNDIALS
// 6.4.1 ships its serial N_Vector kernels built without optimisation (the weighted RMS
// norm costs ~9 ns per element there, ~1 ns at -O2); IDA spends a third of a run in them.
// These are the same operations on the same serial vector layout, attached to a vector's
// operation table: every clone IDA makes of it carries them. The fused operations
// (linear combination, scale-add-multi) are enabled too.
#pragma once

#include <sundials/sundials_matrix.h>
#include <sundials/sundials_nvector.h>

namespace steppe {

// Replaces the operations of serial vector `v` (and so of its future clones) by ours.
void use_fast_kernels(N_Vector v);
// The same for a CSC sparse matrix's zeroing, which IDA calls before every Jacobian
// evaluation (1.6 % of the corridor's profile in SUNDIALS' unoptimised loop).
void use_fast_kernels(SUNMatrix sparse);

}  // namespace steppe
