//! The inner product at the widest SIMD the CPU has (found at run time), and a hint to fetch a vector before it is scored: the index's only unsafe code.
//!
//! The build targets baseline x86-64 (SSE2, four lanes), so that one binary runs anywhere; the
//! CPUs it mostly runs on have AVX2 or AVX-512. The same portable loop is compiled once per
//! instruction set, with more accumulators where the registers are wider, and the widest the CPU
//! has is chosen per call (the check is a load of a cached flag).
#![allow(unsafe_code)]

/// Inner product of two slices of the same length.
#[inline]
pub fn dot(a: &[f32], b: &[f32]) -> f32 {
    #[cfg(target_arch = "x86_64")]
    {
        if std::arch::is_x86_feature_detected!("avx512f") {
            // SAFETY: the CPU has AVX-512F, checked just above.
            return unsafe { dot_avx512(a, b) };
        }
        if std::arch::is_x86_feature_detected!("avx2") && std::arch::is_x86_feature_detected!("fma")
        {
            // SAFETY: the CPU has AVX2 and FMA, checked just above.
            return unsafe { dot_avx2(a, b) };
        }
    }
    dot_lanes::<16, false>(a, b)
}

/// The inner product with `LANES` independent accumulators, which the compiler maps to vector
/// registers of whatever width the function it is inlined into may use; `FUSED` multiplies and
/// adds in one instruction, for instruction sets that have it.
// Always inlined: only code inlined into a `#[target_feature]` function is compiled for its
// instruction set.
#[allow(clippy::inline_always)]
#[inline(always)]
fn dot_lanes<const LANES: usize, const FUSED: bool>(a: &[f32], b: &[f32]) -> f32 {
    let mut acc = [0.0f32; LANES];
    let (a_chunks, b_chunks) = (a.chunks_exact(LANES), b.chunks_exact(LANES));
    let tail: f32 = a_chunks
        .remainder()
        .iter()
        .zip(b_chunks.remainder())
        .map(|(x, y)| x * y)
        .sum();
    for (ca, cb) in a_chunks.zip(b_chunks) {
        for lane in 0..LANES {
            acc[lane] = if FUSED {
                ca[lane].mul_add(cb[lane], acc[lane])
            } else {
                acc[lane] + ca[lane] * cb[lane]
            };
        }
    }
    // Halving the accumulators pairwise keeps the adds in vector registers; a plain left-to-right
    // sum would be LANES dependent scalar adds, longer than the whole loop above.
    let mut width = LANES;
    while width > 1 {
        width /= 2;
        for lane in 0..width {
            acc[lane] += acc[lane + width];
        }
    }
    acc[0] + tail
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
fn dot_avx2(a: &[f32], b: &[f32]) -> f32 {
    dot_lanes::<32, true>(a, b)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f")]
fn dot_avx512(a: &[f32], b: &[f32]) -> f32 {
    dot_lanes::<64, true>(a, b)
}

/// Bytes in a cache line.
const LINE: usize = 64;

/// Cache lines of a row asked for ahead: enough for the loads to start, while the hardware
/// prefetcher follows the rest of the row. Measured at ef 64 on 100k rows of 384: 2 or 4 lines
/// cut the search time by about a sixth, the whole row (24) by a tenth.
const PREFETCH_LINES: usize = 4;

/// Asks the CPU to start loading the start of `row`, which is scored soon: the loads of
/// several rows then overlap instead of each waiting its turn.
#[inline]
pub fn prefetch(row: &[f32]) {
    #[cfg(target_arch = "x86_64")]
    for line in row.chunks(LINE / size_of::<f32>()).take(PREFETCH_LINES) {
        // SAFETY: a prefetch is a hint: it reads nothing the program sees and cannot fault.
        unsafe {
            std::arch::x86_64::_mm_prefetch::<{ std::arch::x86_64::_MM_HINT_T0 }>(
                line.as_ptr().cast(),
            );
        }
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = row;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dot_matches_the_plain_sum_for_any_length() {
        for len in [0, 1, 15, 16, 17, 63, 64, 65, 384, 385] {
            let a: Vec<f32> = (0..len).map(|i| (i as f32 * 0.37).sin()).collect();
            let b: Vec<f32> = (0..len).map(|i| (i as f32 * 0.11).cos()).collect();
            let plain: f32 = a.iter().zip(&b).map(|(x, y)| x * y).sum();
            assert!((dot(&a, &b) - plain).abs() < 1e-4, "len {len}");
            assert!(
                (dot_lanes::<16, false>(&a, &b) - plain).abs() < 1e-4,
                "len {len}"
            );
            #[cfg(target_arch = "x86_64")]
            if std::arch::is_x86_feature_detected!("avx2")
                && std::arch::is_x86_feature_detected!("fma")
            {
                // SAFETY: the CPU has AVX2 and FMA, checked just above.
                assert!(
                    (unsafe { dot_avx2(&a, &b) } - plain).abs() < 1e-4,
                    "len {len}"
                );
            }
        }
    }
}
