//! Small measuring helpers: percentiles of durations, and the process's peak memory by segment and for the whole run (Linux `/proc`).

use std::time::Duration;

/// p50, p95 and p99 of a set of durations, in milliseconds (the names say so in JSON output).
#[derive(Debug, Clone, Copy, serde::Serialize)]
#[allow(clippy::struct_field_names)]
pub struct Percentiles {
    pub p50_ms: f64,
    pub p95_ms: f64,
    pub p99_ms: f64,
}

impl Percentiles {
    pub fn of(samples: &mut [Duration]) -> Self {
        samples.sort_unstable();
        let at = |q: usize| {
            if samples.is_empty() {
                return 0.0;
            }
            let i = (samples.len() * q / 100).min(samples.len() - 1);
            samples[i].as_secs_f64() * 1e3
        };
        Self {
            p50_ms: at(50),
            p95_ms: at(95),
            p99_ms: at(99),
        }
    }
}

impl std::fmt::Display for Percentiles {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "p50 {:.3} ms  p95 {:.3} ms  p99 {:.3} ms",
            self.p50_ms, self.p95_ms, self.p99_ms
        )
    }
}

/// Peak resident memory of this process since the last reset, in MB (None where /proc is not there).
fn peak_rss_mb() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

/// The process's peak resident memory, measured in segments (Linux: clear_refs 5 restarts the
/// kernel's peak), keeping the peak of every segment so far for the whole run's figure.
#[derive(Default)]
pub struct PeakRss {
    before: Option<f64>,
}

impl PeakRss {
    /// Starts a new segment: the next [`PeakRss::segment`] measures from now.
    pub fn restart(&mut self) {
        self.before = self.whole_run();
        let _ = std::fs::write("/proc/self/clear_refs", "5");
    }

    /// The peak since the last restart, in MB. A method, so that a segment is read only through
    /// the tracker that restarts it.
    #[allow(clippy::unused_self)]
    pub fn segment(&self) -> Option<f64> {
        peak_rss_mb()
    }

    /// The peak of the whole run so far, in MB.
    pub fn whole_run(&self) -> Option<f64> {
        match (self.before, peak_rss_mb()) {
            (Some(a), Some(b)) => Some(a.max(b)),
            (a, b) => a.or(b),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_pick_the_right_samples() {
        let mut samples: Vec<Duration> = (1..=100).rev().map(Duration::from_millis).collect();
        let p = Percentiles::of(&mut samples);
        assert_eq!((p.p50_ms, p.p95_ms, p.p99_ms), (51.0, 96.0, 100.0));
    }
}
