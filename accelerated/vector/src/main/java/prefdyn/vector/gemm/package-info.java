/**
 * The float32 matrix product under the vector engine's linear layers and LM head: {@link
 * prefdyn.vector.gemm.PackedGemm}, packed and cache-blocked after Goto &amp; van de Geijn, "Anatomy of
 * High-Performance Matrix Multiplication" (ACM TOMS 34(3), 2008) and BLIS (Van Zee &amp; van de Geijn, ACM TOMS
 * 41(3), 2015), and {@link prefdyn.vector.gemm.NaiveGemm}, the same sums as a plain triple loop, which the tests
 * hold it to bit for bit. Both compute each output as one chain of fused multiply-adds in ascending order of the
 * summed index, so blocking, packing and threads change no bit (docs/decisions/0002-vector-engine.md).
 */
package prefdyn.vector.gemm;
