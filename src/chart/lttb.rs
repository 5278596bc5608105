//! Largest-Triangle-Three-Buckets downsampling (Steinarsson 2013), so a series of any length
//! is drawn with about as many points as the plot has dots across.
//!
//! One change to the textbook algorithm: a bucket that holds the series' global minimum or
//! maximum keeps that point, so the plotted extremes are always the data's own.

/// Indices into `xs`/`ys` (sorted by x) of about `threshold` points (one more when the
/// minimum and maximum share a bucket) that keep the shape: always the first and the last
/// point, and the global minimum and maximum of `ys`.
pub fn lttb(xs: &[f64], ys: &[f64], threshold: usize) -> Vec<usize> {
    let n = xs.len().min(ys.len());
    if threshold >= n || n <= 2 {
        return (0..n).collect();
    }
    let threshold = threshold.max(3);
    let (lo, hi) = extremes(&ys[..n]);
    let every = (n - 2) as f64 / (threshold - 2) as f64;
    let mut out = Vec::with_capacity(threshold);
    let mut a = 0usize;
    out.push(0);
    for i in 0..threshold - 2 {
        let start = (i as f64 * every).floor() as usize + 1;
        let end = (((i + 1) as f64 * every).floor() as usize + 1).min(n - 1);
        // The average of the next bucket (or the last point) is the third triangle corner.
        let next_start = end;
        let next_end = (((i + 2) as f64 * every).floor() as usize + 1).min(n);
        let (avg_x, avg_y) = if next_start < next_end && next_start < n - 1 {
            let len = (next_end - next_start) as f64;
            let sx: f64 = xs[next_start..next_end].iter().sum();
            let sy: f64 = ys[next_start..next_end].iter().sum();
            (sx / len, sy / len)
        } else {
            (xs[n - 1], ys[n - 1])
        };
        let bucket = start..end.max(start + 1).min(n - 1);
        if bucket.is_empty() {
            continue;
        }
        let mut picks = [None, None];
        if bucket.contains(&hi) || bucket.contains(&lo) {
            if bucket.contains(&lo) {
                picks[0] = Some(lo);
            }
            if bucket.contains(&hi) {
                picks[1] = Some(hi);
            }
            if let [Some(l), Some(h)] = picks {
                picks = [Some(l.min(h)), Some(l.max(h))];
            }
        } else {
            let (ax, ay) = (xs[a], ys[a]);
            let mut best = bucket.start;
            let mut best_area = -1.0;
            for j in bucket {
                let area = ((ax - avg_x) * (ys[j] - ay) - (ax - xs[j]) * (avg_y - ay)).abs();
                if area > best_area {
                    best_area = area;
                    best = j;
                }
            }
            picks[0] = Some(best);
        }
        for pick in picks.into_iter().flatten() {
            if pick > a {
                out.push(pick);
                a = pick;
            }
        }
    }
    out.push(n - 1);
    out
}

/// Indices of the (first) minimum and maximum of `ys`.
fn extremes(ys: &[f64]) -> (usize, usize) {
    let (mut lo, mut hi) = (0, 0);
    for (i, y) in ys.iter().enumerate() {
        if *y < ys[lo] {
            lo = i;
        }
        if *y > ys[hi] {
            hi = i;
        }
    }
    (lo, hi)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wave(n: usize) -> (Vec<f64>, Vec<f64>) {
        let xs: Vec<f64> = (0..n).map(|i| i as f64).collect();
        let ys = xs.iter().map(|x| (x / 37.0).sin() * 10.0 + (x / 5.0).cos()).collect();
        (xs, ys)
    }

    #[test]
    fn keeps_first_last_and_extremes() {
        let (xs, mut ys) = wave(5_000);
        ys[1234] = 99.0; // a spike LTTB could miss between buckets
        ys[4321] = -99.0;
        let idx = lttb(&xs, &ys, 200);
        assert!(idx.len() <= 200 && idx.len() >= 150, "{}", idx.len());
        assert_eq!(idx[0], 0);
        assert_eq!(*idx.last().unwrap(), 4_999);
        assert!(idx.contains(&1234) && idx.contains(&4321));
        assert!(idx.windows(2).all(|w| w[0] < w[1]), "indices strictly increase");
    }

    #[test]
    fn extremes_survive_at_the_ends_and_in_every_bucket_size() {
        for n in [3, 4, 10, 101, 997] {
            let (xs, mut ys) = wave(n);
            ys[n / 2] = 1e6;
            ys[1] = -1e6;
            for t in [3, 4, 7, 50] {
                let idx = lttb(&xs, &ys, t);
                assert!(idx.len() <= t.max(3).min(n) + 1, "n={n} t={t} got {}", idx.len());
                assert!(idx.contains(&(n / 2)) && idx.contains(&1), "n={n} t={t}: {idx:?}");
                assert_eq!((idx[0], *idx.last().unwrap()), (0, n - 1));
            }
        }
    }

    #[test]
    fn short_series_pass_through() {
        assert_eq!(lttb(&[1.0, 2.0], &[3.0, 4.0], 1), vec![0, 1]);
        assert_eq!(lttb(&[1.0], &[3.0], 100), vec![0]);
        assert!(lttb(&[], &[], 10).is_empty());
        assert_eq!(lttb(&[0.0, 1.0, 2.0], &[0.0, 1.0, 0.0], 10), vec![0, 1, 2]);
    }

    #[test]
    fn picks_the_corner_of_a_step() {
        // A flat line that jumps once: the jump must be kept.
        let xs: Vec<f64> = (0..1000).map(f64::from).collect();
        let ys: Vec<f64> = (0..1000).map(|i| if i < 600 { 1.0 } else { 2.0 }).collect();
        let idx = lttb(&xs, &ys, 20);
        let kept: Vec<f64> = idx.iter().map(|&i| ys[i]).collect();
        assert!(kept.contains(&1.0) && kept.contains(&2.0));
        assert!(idx.iter().any(|&i| (590..=610).contains(&i)), "{idx:?}");
    }
}
