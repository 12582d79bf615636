//! Pictures of learned vectors: PCA finds known directions and their shares of the variance,
//! t-SNE keeps separated clusters apart and gives one picture per seed however it is sliced,
//! nearest neighbours by cosine similarity, and bad input refused.

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

use rand_distr::{Distribution, StandardNormal};
use unroll::engine::analysis::pca::symmetric_eigen;
use unroll::engine::analysis::tsne::{kl_and_gradient, MAX_POINTS};
use unroll::engine::analysis::{nearest, pca2, AnalysisError, Tsne, TsneSettings};

use crate::common::rng;

fn normal(r: &mut rand_chacha::ChaCha8Rng) -> f64 {
    StandardNormal.sample(r)
}

fn unit(v: &[f64]) -> Vec<f64> {
    let n = v.iter().map(|x| x * x).sum::<f64>().sqrt();
    v.iter().map(|x| x / n).collect()
}

fn dot(a: &[f32], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(&x, y)| x as f64 * y).sum()
}

#[test]
fn pca_recovers_the_directions_of_the_spread_and_their_shares() {
    let dim = 8;
    let u = unit(&[1.0, 2.0, -3.0, 0.5, 0.0, 1.0, -1.0, 2.0]);
    // v: another direction, made orthogonal to u.
    let v0 = [0.5, -1.0, 0.0, 2.0, 1.0, 0.0, 1.0, 0.0];
    let uv: f64 = u.iter().zip(&v0).map(|(a, b)| a * b).sum();
    let v = unit(&v0.iter().zip(&u).map(|(b, a)| b - uv * a).collect::<Vec<_>>());
    let mean = [5.0, -2.0, 0.0, 1.0, 3.0, 3.0, -7.0, 0.5];
    let mut r = rng(1);
    let n = 2_000;
    let (mut points, mut along) = (Vec::with_capacity(n * dim), Vec::with_capacity(n));
    for _ in 0..n {
        let (a, b) = (3.0 * normal(&mut r), normal(&mut r));
        along.push(a);
        for k in 0..dim {
            points.push((mean[k] + a * u[k] + b * v[k] + 0.1 * normal(&mut r)) as f32);
        }
    }
    let pca = pca2(&points, dim).unwrap();
    assert!(dot(&pca.components[0], &u).abs() > 0.999, "first component {:?}", pca.components[0]);
    assert!(dot(&pca.components[1], &v).abs() > 0.995, "second component {:?}", pca.components[1]);
    // Shares: 9 and 1 of a total of 9 + 1 + 8 × 0.01.
    let (e0, e1) = (9.0 / 10.08, 1.0 / 10.08);
    assert!((pca.explained[0] as f64 - e0).abs() < 0.02 && (pca.explained[1] as f64 - e1).abs() < 0.01, "{:?}", pca.explained);
    for c in &pca.components {
        let biggest = c.iter().cloned().fold(0.0f32, |m, x| if x.abs() > m.abs() { x } else { m });
        assert!(biggest > 0.0, "the largest entry of each component is positive: {c:?}");
        assert!((c.iter().map(|x| x * x).sum::<f32>() - 1.0).abs() < 1e-5);
    }
    // The first coordinate is the spread along u (up to the sign fixed above).
    let sign = dot(&pca.components[0], &u).signum();
    let worst = (0..n).map(|i| (pca.positions[2 * i] as f64 - sign * along[i]).abs()).fold(0.0, f64::max);
    assert!(worst < 0.5, "positions follow the spread along u (worst {worst})");
    assert!(pca.mean.iter().zip(&mean).all(|(m, e)| (*m as f64 - e).abs() < 0.2));
    assert_eq!(pca, pca2(&points, dim).unwrap(), "deterministic");
}

#[test]
fn pca_of_a_small_cross_is_exact() {
    let points = [-2.0, 0.0, 2.0, 0.0, 0.0, -1.0, 0.0, 1.0];
    let pca = pca2(&points, 2).unwrap();
    assert!((pca.explained[0] - 0.8).abs() < 1e-6 && (pca.explained[1] - 0.2).abs() < 1e-6, "{:?}", pca.explained);
    assert_eq!(pca.components, [vec![1.0, 0.0], vec![0.0, 1.0]]);
    assert_eq!(pca.positions, points.to_vec());
}

#[test]
fn pca_of_degenerate_rows() {
    // Every row equal: no variance, no NaN.
    let same = [1.0, 2.0, 3.0].repeat(4);
    let pca = pca2(&same, 3).unwrap();
    assert_eq!(pca.explained, [0.0, 0.0]);
    assert!(pca.positions.iter().all(|&p| p == 0.0));
    // Rows of width 1: one axis only.
    let pca = pca2(&[1.0, 2.0, 3.0, 6.0], 1).unwrap();
    assert_eq!(pca.explained, [1.0, 0.0]);
    assert_eq!(pca.components, [vec![1.0], vec![0.0]]);
    assert_eq!(pca.positions, vec![-2.0, 0.0, -1.0, 0.0, 0.0, 0.0, 3.0, 0.0]);
    // One row.
    assert_eq!(pca2(&[4.0, 5.0], 2).unwrap().positions, vec![0.0, 0.0]);
}

#[test]
fn pca_refuses_bad_rows() {
    assert_eq!(pca2(&[], 3), Err(AnalysisError::TooFew { n: 0, min: 1 }));
    assert_eq!(pca2(&[1.0, 2.0], 0), Err(AnalysisError::ZeroWidth));
    assert_eq!(pca2(&[1.0, 2.0, 3.0], 2), Err(AnalysisError::Shape { len: 3, dim: 2 }));
    assert!(matches!(pca2(&[1.0, 2.0, f32::NAN, 0.0], 2), Err(AnalysisError::NotFinite { row: 1, col: 0, .. })));
    assert!(matches!(pca2(&[1.0, f32::INFINITY], 2), Err(AnalysisError::NotFinite { row: 0, col: 1, .. })));
}

/// `V Λ Vᵀ = A`, `Vᵀ V = I`, values ascending.
fn check_eigen(a: &[f64], n: usize) {
    let (values, vectors) = symmetric_eigen(a.to_vec(), n);
    assert!(values.windows(2).all(|w| w[0] <= w[1]), "ascending: {values:?}");
    for r in 0..n {
        for c in 0..n {
            let rebuilt: f64 = (0..n).map(|k| vectors[r * n + k] * values[k] * vectors[c * n + k]).sum();
            assert!((rebuilt - a[r * n + c]).abs() < 1e-9, "A[{r}][{c}]: {rebuilt} vs {}", a[r * n + c]);
            let gram: f64 = (0..n).map(|k| vectors[k * n + r] * vectors[k * n + c]).sum();
            assert!((gram - if r == c { 1.0 } else { 0.0 }).abs() < 1e-9, "VᵀV[{r}][{c}] = {gram}");
        }
    }
}

#[test]
fn the_symmetric_eigen_solver_rebuilds_its_matrix() {
    let mut r = rng(2);
    for n in [1, 2, 3, 7, 20, 64] {
        let mut a = vec![0.0; n * n];
        for i in 0..n {
            for j in 0..=i {
                let x = normal(&mut r);
                a[i * n + j] = x;
                a[j * n + i] = x;
            }
        }
        check_eigen(&a, n);
    }
    // Repeated eigenvalues, a diagonal matrix and the zero matrix.
    let mut identity = vec![0.0; 25];
    (0..5).for_each(|i| identity[i * 5 + i] = 1.0);
    check_eigen(&identity, 5);
    check_eigen(&[3.0, 0.0, 0.0, 0.0, -1.0, 0.0, 0.0, 0.0, 3.0], 3);
    check_eigen(&[0.0; 16], 4);
}

/// `k` Gaussian clusters of `per` points each in `dim` dimensions, centres far apart; and each
/// point's cluster.
fn clusters(k: usize, per: usize, dim: usize, seed: u64) -> (Vec<f32>, Vec<usize>) {
    let mut r = rng(seed);
    let centres: Vec<Vec<f64>> = (0..k).map(|_| (0..dim).map(|_| 10.0 * normal(&mut r)).collect()).collect();
    let (mut points, mut labels) = (Vec::new(), Vec::new());
    for _ in 0..per {
        for (c, centre) in centres.iter().enumerate() {
            points.extend(centre.iter().map(|&m| (m + normal(&mut r)) as f32));
            labels.push(c);
        }
    }
    (points, labels)
}

/// Share of points whose nearest neighbour in the 2-D layout is in their own cluster.
fn kept_together(positions: &[f32], labels: &[usize]) -> f32 {
    let n = labels.len();
    let d = |i: usize, j: usize| (positions[2 * i] - positions[2 * j]).powi(2) + (positions[2 * i + 1] - positions[2 * j + 1]).powi(2);
    let right = (0..n)
        .filter(|&i| {
            let nn = (0..n).filter(|&j| j != i).min_by(|&a, &b| d(i, a).total_cmp(&d(i, b))).unwrap();
            labels[nn] == labels[i]
        })
        .count();
    right as f32 / n as f32
}

#[test]
fn tsne_keeps_separated_clusters_apart() {
    let (points, labels) = clusters(3, 30, 10, 3);
    let settings = TsneSettings { perplexity: 10.0, iterations: 500, seed: 7 };
    let mut tsne = Tsne::new(&points, 10, settings).unwrap();
    assert_eq!(tsne.len(), 90);
    let p = tsne.step(usize::MAX);
    assert_eq!((p.done, p.total), (500, 500));
    assert!(p.finished());
    let kl = p.kl.unwrap();
    // (0.38 here; without the repulsion of Q it stalls at 1.08.)
    assert!(kl.is_finite() && kl > 0.0 && kl < 0.6, "KL {kl}");
    let together = kept_together(tsne.positions(), &labels);
    assert!(together >= 0.95, "{together} of the points have a nearest neighbour from their own cluster");
    // Clusters come out as separate islands: each point nearer its own cluster's centre than any other.
    let centre = |c: usize| {
        let members: Vec<usize> = (0..90).filter(|&i| labels[i] == c).collect();
        let m = members.len() as f32;
        let pos = tsne.positions();
        (members.iter().map(|&i| pos[2 * i]).sum::<f32>() / m, members.iter().map(|&i| pos[2 * i + 1]).sum::<f32>() / m)
    };
    let centres: Vec<(f32, f32)> = (0..3).map(centre).collect();
    let pos = tsne.positions();
    let nearest_centre = |i: usize| {
        (0..3).min_by(|&a, &b| {
            let d = |c: usize| (pos[2 * i] - centres[c].0).powi(2) + (pos[2 * i + 1] - centres[c].1).powi(2);
            d(a).total_cmp(&d(b))
        })
    };
    let placed = (0..90).filter(|&i| nearest_centre(i) == Some(labels[i])).count();
    assert!(placed >= 86, "{placed} of 90 points nearest their cluster's centre");
    // Done: further steps change nothing.
    let before = tsne.positions().to_vec();
    assert_eq!(tsne.step(10).done, 500);
    assert_eq!(tsne.positions(), &before[..]);
}

#[test]
fn tsne_gives_one_picture_per_seed_however_it_is_sliced() {
    let (points, _) = clusters(2, 20, 5, 4);
    let settings = TsneSettings { perplexity: 8.0, iterations: 300, seed: 11 };
    let mut whole = Tsne::new(&points, 5, settings).unwrap();
    let start = whole.positions().to_vec();
    assert_eq!(whole.progress().kl, None);
    let done = whole.step(usize::MAX);
    assert_eq!((done.done, done.prepared), (300, 1.0));
    let mut sliced = Tsne::new(&points, 5, settings).unwrap();
    assert_eq!(sliced.positions(), &start[..], "the seeded start");
    // First the input affinities, a row in the place of each iteration (40 rows × 1/200 < 1).
    let first = sliced.step(1);
    assert_eq!((first.done, first.prepared, first.kl), (0, 1.0 / 40.0, None));
    assert_eq!(sliced.step(38).prepared, 39.0 / 40.0);
    assert_eq!(sliced.step(2).done, 1);
    let mut last = sliced.progress();
    for slice in [1, 7, 0, 60, 3, 200, 1_000].iter().cycle().take(20) {
        let p = sliced.step(*slice);
        assert!(p.done >= last.done && p.done <= 300);
        last = p;
    }
    assert_eq!(last, done, "same iterations, same KL");
    assert_eq!(sliced.positions(), whole.positions(), "bit-identical layout");
    let mut again = Tsne::new(&points, 5, settings).unwrap();
    again.step(usize::MAX);
    assert_eq!(again.positions(), whole.positions(), "same seed, same picture");
    let mut other = Tsne::new(&points, 5, TsneSettings { seed: 12, ..settings }).unwrap();
    other.step(usize::MAX);
    assert_ne!(other.positions(), whole.positions(), "another seed, another start");
}

#[test]
fn tsne_refuses_bad_input() {
    let s = TsneSettings { perplexity: 2.0, iterations: 10, seed: 0 };
    let err = |points: &[f32], dim: usize, s: TsneSettings| Tsne::new(points, dim, s).err();
    assert_eq!(err(&[0.0; 8], 2, s), Some(AnalysisError::TooFew { n: 4, min: 5 }));
    assert_eq!(err(&[], 2, s), Some(AnalysisError::TooFew { n: 0, min: 5 }));
    let big = vec![0.0; (MAX_POINTS + 1) * 2];
    assert_eq!(err(&big, 2, s), Some(AnalysisError::TooMany { n: MAX_POINTS + 1, max: MAX_POINTS }));
    let five: Vec<f32> = (0..10).map(|i| i as f32).collect();
    for perplexity in [5.0, 6.0, 0.0, -1.0, f32::NAN, f32::INFINITY] {
        let e = err(&five, 2, TsneSettings { perplexity, ..s });
        assert!(matches!(e, Some(AnalysisError::Perplexity { n: 5, .. })), "perplexity {perplexity}: {e:?}");
    }
    let mut nan = five.clone();
    nan[7] = f32::NAN;
    assert!(matches!(err(&nan, 2, s), Some(AnalysisError::NotFinite { row: 3, col: 1, .. })));
    assert_eq!(err(&five, 3, s), Some(AnalysisError::Shape { len: 10, dim: 3 }));
    assert_eq!(err(&five, 0, s), Some(AnalysisError::ZeroWidth));
    // Identical rows and no iterations are fine.
    let mut same = Tsne::new(&[1.0; 10], 2, s).unwrap();
    assert!(same.step(10).kl.unwrap().is_finite());
    assert!(same.positions().iter().all(|p| p.is_finite()));
    let mut none = Tsne::new(&five, 2, TsneSettings { iterations: 0, ..s }).unwrap();
    assert_eq!(none.step(5).done, 0);
    assert!(none.progress().finished());
}

#[test]
fn nearest_rows_by_cosine_similarity() {
    let rows = [
        1.0, 0.0, // 0: the query
        0.0, 0.0, // 1: all zeros, never a neighbour
        2.0, 0.1, // 2: nearly the same direction
        0.0, 1.0, // 3: at right angles
        -1.0, 0.0, // 4: opposite
        1.0, 1.0, // 5: 45°
        3.0, 0.0, // 6: the same direction, skipped below
    ];
    let found = nearest(&rows, 2, 0, 3, |i| i == 6).unwrap();
    let ids: Vec<usize> = found.iter().map(|f| f.0).collect();
    assert_eq!(ids, [2, 5, 3]);
    assert!((found[0].1 - 2.0 / 4.01f32.sqrt()).abs() < 1e-6);
    assert!((found[1].1 - std::f32::consts::FRAC_1_SQRT_2).abs() < 1e-6);
    assert!(found[2].1.abs() < 1e-7);
    // All of them, itself and the zero row left out; exact ties in index order.
    let all = nearest(&rows, 2, 0, 100, |_| false).unwrap();
    assert_eq!(all.iter().map(|f| f.0).collect::<Vec<_>>(), [6, 2, 5, 3, 4]);
    assert_eq!((all[0].1, all[4].1), (1.0, -1.0));
    let tie = nearest(&[1.0, 0.0, 2.0, 0.0, 5.0, 0.0, 0.5, 0.0], 2, 3, 2, |_| false).unwrap();
    assert_eq!(tie, vec![(0, 1.0), (1, 1.0)]);
    assert_eq!(nearest(&rows, 2, 0, 0, |_| false).unwrap(), vec![]);
    // Bad queries.
    assert_eq!(nearest(&rows, 2, 1, 3, |_| false), Err(AnalysisError::ZeroRow(1)));
    assert_eq!(nearest(&rows, 2, 7, 3, |_| false), Err(AnalysisError::NoRow { row: 7, n: 7 }));
    assert_eq!(nearest(&rows[..3], 2, 0, 3, |_| false), Err(AnalysisError::Shape { len: 3, dim: 2 }));
}

#[test]
fn tsne_affinities_add_up_and_its_gradient_matches_finite_differences() {
    let (points, _) = clusters(2, 5, 3, 5);
    let n = 10;
    let mut tsne = Tsne::new(&points, 3, TsneSettings { perplexity: 3.0, iterations: 10, seed: 0 }).unwrap();
    assert_eq!(tsne.step(n).prepared, 1.0, "a row in the place of each iteration");
    let p = tsne.affinities().to_vec();
    assert_eq!(p.len(), n * (n - 1) / 2);
    let total: f64 = p.iter().map(|&v| 2.0 * v as f64).sum();
    assert!((total - 1.0).abs() < 1e-5, "Σ P = {total}");
    assert!(p.iter().all(|&v| v >= 1e-12));
    // Within a cluster (pairs of equal index mod 2) far more affinity than across.
    let (mut within, mut across, mut at) = (0.0, 0.0, 0);
    for i in 0..n {
        for j in i + 1..n {
            if i % 2 == j % 2 {
                within += p[at] as f64
            } else {
                across += p[at] as f64
            }
            at += 1;
        }
    }
    assert!(within > 0.49 && across < 1e-3, "within {within}, across {across}");
    // ∂KL/∂y against central differences, at a random layout.
    let mut r = rng(6);
    let y: Vec<f64> = (0..2 * n).map(|_| normal(&mut r)).collect();
    let (kl, grad) = kl_and_gradient(&p, &y);
    assert!(kl > 0.0);
    // (The kernel is kept as f32: a step small enough for the truncation error, big enough for
    // that rounding.)
    let h = 1e-3;
    for k in 0..2 * n {
        let mut plus = y.clone();
        plus[k] += h;
        let mut minus = y.clone();
        minus[k] -= h;
        let numeric = (kl_and_gradient(&p, &plus).0 - kl_and_gradient(&p, &minus).0) / (2.0 * h);
        assert!((numeric - grad[k]).abs() < 1e-5 + 1e-4 * numeric.abs(), "∂KL/∂y[{k}]: {} vs {numeric}", grad[k]);
    }
}
