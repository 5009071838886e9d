//! The inner product, of one row or four at once, at the widest SIMD the CPU has (found at run time), and a hint to fetch a vector before it is scored: the index's only unsafe code.
//!
//! The build targets baseline x86-64 (SSE2, four lanes), so that one binary runs anywhere; the
//! CPUs it mostly runs on have AVX2 or AVX-512. The same portable loop is compiled once per
//! instruction set, with more accumulators where the registers are wider, and the widest the CPU
//! has is chosen per call (the check is a load of a cached flag).
#![allow(unsafe_code)]

/// The widest instruction set the inner products may use on this CPU.
#[derive(Clone, Copy)]
#[cfg_attr(not(target_arch = "x86_64"), allow(dead_code))]
enum Widest {
    Avx512,
    Avx2Fma,
    Baseline,
}

/// Found once per call; `is_x86_feature_detected!` caches the CPU's answer, so this is a load.
#[inline]
fn widest() -> Widest {
    #[cfg(target_arch = "x86_64")]
    {
        if std::arch::is_x86_feature_detected!("avx512f") {
            return Widest::Avx512;
        }
        if std::arch::is_x86_feature_detected!("avx2") && std::arch::is_x86_feature_detected!("fma")
        {
            return Widest::Avx2Fma;
        }
    }
    Widest::Baseline
}

/// Inner product of two slices of the same length.
#[inline]
pub fn dot(a: &[f32], b: &[f32]) -> f32 {
    match widest() {
        #[cfg(target_arch = "x86_64")]
        // SAFETY: `widest` found AVX-512F on this CPU.
        Widest::Avx512 => unsafe { dot_avx512(a, b) },
        #[cfg(target_arch = "x86_64")]
        // SAFETY: `widest` found AVX2 and FMA on this CPU.
        Widest::Avx2Fma => unsafe { dot_avx2(a, b) },
        _ => dot_lanes::<16, false>(a, b),
    }
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
    pairwise_sum(acc) + tail
}

/// The sum of the accumulators, halved pairwise: the adds stay in vector registers, where a plain
/// left-to-right sum would be LANES dependent scalar adds, longer than the loop that filled them.
#[allow(clippy::inline_always)]
#[inline(always)]
fn pairwise_sum<const LANES: usize>(mut acc: [f32; LANES]) -> f32 {
    let mut width = LANES;
    while width > 1 {
        width /= 2;
        for lane in 0..width {
            acc[lane] += acc[lane + width];
        }
    }
    acc[0]
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

/// Inner products of `query` with four rows of its length, in one pass over all five: the four
/// rows' loads from memory are in flight at once, where one row at a time waits for each.
#[inline]
pub fn dot4(query: &[f32], rows: [&[f32]; 4]) -> [f32; 4] {
    match widest() {
        #[cfg(target_arch = "x86_64")]
        // SAFETY: `widest` found AVX-512F on this CPU.
        Widest::Avx512 => unsafe { dot4_avx512(query, rows) },
        #[cfg(target_arch = "x86_64")]
        // SAFETY: `widest` found AVX2 and FMA on this CPU.
        Widest::Avx2Fma => unsafe { dot4_avx2(query, rows) },
        _ => rows.map(|row| dot(query, row)),
    }
}

/// `dot4` with `LANES` fused accumulators per row, for lengths that are a multiple of `LANES`
/// (any other length is scored a row at a time).
// Always inlined, for the same reason as `dot_lanes`.
#[allow(clippy::inline_always)]
#[inline(always)]
fn dot4_lanes<const LANES: usize>(query: &[f32], rows: [&[f32]; 4]) -> [f32; 4] {
    if !query.len().is_multiple_of(LANES) || rows.iter().any(|row| row.len() != query.len()) {
        return rows.map(|row| dot(query, row));
    }
    let mut acc = [[0.0f32; LANES]; 4];
    let [r0, r1, r2, r3] = rows.map(|row| row.chunks_exact(LANES));
    for ((((q, c0), c1), c2), c3) in query.chunks_exact(LANES).zip(r0).zip(r1).zip(r2).zip(r3) {
        for lane in 0..LANES {
            acc[0][lane] = q[lane].mul_add(c0[lane], acc[0][lane]);
            acc[1][lane] = q[lane].mul_add(c1[lane], acc[1][lane]);
            acc[2][lane] = q[lane].mul_add(c2[lane], acc[2][lane]);
            acc[3][lane] = q[lane].mul_add(c3[lane], acc[3][lane]);
        }
    }
    acc.map(pairwise_sum)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
fn dot4_avx2(query: &[f32], rows: [&[f32]; 4]) -> [f32; 4] {
    dot4_lanes::<16>(query, rows)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f")]
fn dot4_avx512(query: &[f32], rows: [&[f32]; 4]) -> [f32; 4] {
    dot4_lanes::<32>(query, rows)
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
    fn dot_and_dot4_match_the_plain_sum_for_any_length() {
        for len in [0, 1, 15, 16, 17, 32, 63, 64, 65, 384, 385] {
            let row =
                |seed: f32| -> Vec<f32> { (0..len).map(|i| (i as f32 * seed).cos()).collect() };
            let query = row(0.37);
            let rows = [row(0.11), row(0.23), row(0.05), row(0.71)];
            let plain = rows
                .each_ref()
                .map(|r| query.iter().zip(r).map(|(x, y)| x * y).sum::<f32>());
            let refs = rows.each_ref().map(Vec::as_slice);
            let close = |got: [f32; 4]| got.iter().zip(&plain).all(|(g, p)| (g - p).abs() < 1e-4);
            assert!(close(dot4(&query, refs)), "len {len}");
            assert!(close(refs.map(|r| dot(&query, r))), "len {len}");
            assert!(
                close(refs.map(|r| dot_lanes::<16, false>(&query, r))),
                "len {len}"
            );
            #[cfg(target_arch = "x86_64")]
            if std::arch::is_x86_feature_detected!("avx2")
                && std::arch::is_x86_feature_detected!("fma")
            {
                // SAFETY: the CPU has AVX2 and FMA, checked just above.
                unsafe {
                    assert!(close(refs.map(|r| dot_avx2(&query, r))), "len {len}");
                    assert!(close(dot4_avx2(&query, refs)), "len {len}");
                }
            }
        }
    }
}
