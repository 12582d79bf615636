//! Chart geometry: ticks, scales, paths, decimation, number formatting, loss history.

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

use unroll::app::history::LossHistory;
use unroll::app::plot::*;
use unroll::protocol::LossPoint;

#[test]
fn nice_ticks_are_round_and_cover_the_range() {
    assert_eq!(nice_ticks(0.0, 10.0, 5), vec![0.0, 2.0, 4.0, 6.0, 8.0, 10.0]);
    assert_eq!(nice_ticks(-0.93, 0.97, 4), vec![-0.5, 0.0, 0.5]);
    assert_eq!(nice_ticks(1.0, 1.0, 5), Vec::<f64>::new());
    assert_eq!(log_ticks(-4.2, 0.3, 6), vec![1e-4, 1e-3, 1e-2, 1e-1, 1.0]);
    assert_eq!(log_ticks(-12.0, 12.0, 6).len(), 5, "thinned");
}

#[test]
fn numbers_read_well() {
    assert_eq!(format_number(0.0), "0");
    assert_eq!(format_number(0.123456), "0.123");
    assert_eq!(format_number(12.5), "12.5");
    assert_eq!(format_number(1234.0), "1234");
    assert_eq!(format_number(0.0001), "1e-4");
    assert_eq!(format_number(0.000172), "1.72e-4");
    assert_eq!(format_number(4.81e8), "4.81e8");
    assert_eq!(format_number(f64::NAN), "NaN");
    // The `loss` hook holds a plain number: what the page prints parses back.
    for v in [0.5604, 1.72e-4, 3e-9] {
        let back: f64 = format_number(v).parse().unwrap();
        assert!((back - v).abs() <= 0.01 * v, "{v}");
    }
}

#[test]
fn path_coordinates_read_as_rounded_to_a_tenth() {
    for v in [0.0, 0.04, 0.05, 0.96, 1.25, 12.3456, 559.95, 1e4, -0.04, -0.06, -3.25, -1e4] {
        let mut s = String::new();
        push_tenths(&mut s, v);
        let back: f64 = s.parse().unwrap();
        assert!((back - v).abs() <= 0.05 + 1e-9, "{v} written {s}");
        assert_eq!(s.split('.').nth(1).map(str::len), Some(1), "{s}");
    }
    let mut s = String::new();
    push_tenths(&mut s, -0.04);
    assert!(s.parse::<f64>().unwrap() == 0.0, "{s}");
}

#[test]
fn paths_break_at_gaps_and_stay_bounded() {
    let f = Frame::new(200.0, 100.0);
    let pts = [(0.0, 1.0), (1.0, 2.0), (2.0, f32::NAN), (3.0, 1.0), (4.0, 1e30)];
    let d = Domain::fit(&pts, false).unwrap().clamp_y(0.0, 3.0);
    let path = line_path(&f, &d, &pts);
    assert_eq!(path.matches('M').count(), 2, "{path}");
    assert!(path.split(['M', 'L', ' ']).filter_map(|n| n.parse::<f64>().ok()).all(|v| v.abs() <= 1e4), "{path}");
    // Log axis: non-positive values are skipped.
    let d = Domain::fit(&[(0.0, 1.0), (1.0, 0.01)], true).unwrap();
    assert!(line_path(&f, &d, &[(0.0, 1.0), (0.5, 0.0), (1.0, 0.01)]).matches('M').count() == 2);
    assert!(Domain::fit(&[(0.0, -1.0)], true).is_none());
}

#[test]
fn decimation_keeps_extremes_and_the_last_point() {
    let pts: Vec<(f32, f32)> = (0..10_000).map(|i| (i as f32, if i == 4321 { 100.0 } else { (i % 7) as f32 })).collect();
    let d = decimate(&pts, 500);
    assert!(d.len() <= 502, "{}", d.len());
    assert!(d.iter().any(|p| p.1 == 100.0), "the spike survives");
    assert_eq!(d.last(), pts.last());
    assert!(d.windows(2).all(|w| w[0].0 < w[1].0), "in order");
    assert_eq!(decimate(&pts[..10], 500).len(), 10);
}

#[test]
fn smoothing_is_debiased() {
    let s = smooth(&[(0.0, 1.0), (1.0, 1.0), (2.0, 1.0)], 0.9);
    assert!(s.iter().all(|p| (p.1 - 1.0).abs() < 1e-6), "{s:?}");
}

#[test]
fn loss_history_keeps_one_heldout_point_per_step() {
    let mut h = LossHistory::default();
    h.push_train(&[LossPoint { step: 1, loss: 0.5, grad_norm: 1.0 }, LossPoint { step: 2, loss: 0.4, grad_norm: 1.0 }]);
    h.push_heldout(2, 0.3);
    h.push_heldout(2, 0.25);
    h.push_heldout(3, 0.2);
    assert_eq!(h.heldout, vec![(2.0, 0.25), (3.0, 0.2)]);
    assert_eq!(h.latest_train(), Some(0.4));
    assert_eq!(h.to_csv(), "step,loss,grad_norm,heldout_loss\n1,0.5,1,\n2,0.4,1,0.25\n", "a held-out loss beside the step it followed");
    h.clear();
    assert!(h.train.is_empty() && h.heldout.is_empty());
}

mod news_history {
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    use unroll::app::news_history::{bytes, duration, percent, top_classes, NewsHistory};
    use unroll::lesson::news::EpochRecord;
    use unroll::protocol::BatchPoint;

    #[test]
    fn curves_gather_batches_and_epoch_ends() {
        let mut h = NewsHistory::default();
        let e = |epoch, val: Option<f32>| EpochRecord { epoch, train_loss: 1.0, train_accuracy: 0.5, val_loss: val, val_accuracy: val };
        h.push(
            &[
                BatchPoint { x: 0.5, loss: 1.2, accuracy: 0.4, grad_norm: 1.0 },
                BatchPoint { x: 1.0, loss: 1.0, accuracy: 0.5, grad_norm: 1.0 },
            ],
            &[e(1, Some(0.7))],
        );
        h.push(&[BatchPoint { x: 1.5, loss: 0.8, accuracy: 0.6, grad_norm: 1.0 }], &[e(2, None)]);
        assert_eq!(h.loss, [(0.5, 1.2), (1.0, 1.0), (1.5, 0.8)]);
        assert_eq!(h.accuracy[2], (1.5, 0.6));
        assert_eq!(h.val_loss(), [(1.0, 0.7)], "an epoch without validation rows has no point");
        assert_eq!(h.epoch_accuracy(), [(1.0, 0.5), (2.0, 0.5)]);
        // The log: each epoch's row right after its last batch.
        assert_eq!(
            h.to_csv(),
            "row,epochs_done,loss,accuracy,grad_norm,val_loss,val_accuracy\n\
             batch,0.5,1.2,0.4,1,,\n\
             batch,1,1,0.5,1,,\n\
             epoch,1,1,0.5,,0.7,0.7\n\
             batch,1.5,0.8,0.6,1,,\n\
             epoch,2,1,0.5,,,\n"
        );
        h.clear();
        assert_eq!(h, NewsHistory::default());
    }

    #[test]
    fn numbers_are_worded_for_the_page() {
        assert_eq!(percent(0.87312), "87.3 %");
        assert_eq!(percent(f32::NAN), "–");
        assert_eq!(duration(0.2), "< 1 s");
        assert_eq!(duration(42.4), "42 s");
        assert_eq!(duration(185.0), "3 min 05 s");
        assert_eq!(duration(3720.0), "1 h 02 min");
        assert_eq!(duration(f32::INFINITY), "–");
        assert_eq!(bytes(2_145_029), "2.1 MB");
        assert_eq!(bytes(748), "1 kB");
        assert_eq!(top_classes(&[0.1, 0.6, 0.3], 2), [(1, 0.6), (2, 0.3)]);
        assert_eq!(top_classes(&[0.5, 0.5], 2), [(0, 0.5), (1, 0.5)], "ties keep class order");
    }
}
