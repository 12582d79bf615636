//! Model files in the worker, for both lessons: a file the student opened, read and checked
//! against the model-file budget and its own check outputs before anything is built from it (a
//! stranger's file cannot make the worker allocate what it claims), and a refusal that names the
//! file and why.

use crate::engine::Model;
use crate::i18n::{fill, t};
use crate::model_file::{ModelFile, MAX_FILE_BYTES};

/// Largest difference between a file's recorded check outputs and ours (as `unroll model verify`).
const CHECK_TOLERANCE: f32 = 1e-4;

/// `bytes` as a model file and the model it holds, checked; the error says why not.
pub fn read(bytes: Vec<u8>) -> Result<(ModelFile, Model), String> {
    let text = &t().worker;
    if bytes.len() > MAX_FILE_BYTES {
        return Err(fill(text.file_too_large, &[("mb", &(bytes.len() >> 20)), ("max", &(MAX_FILE_BYTES >> 20))]));
    }
    let json = String::from_utf8(bytes).map_err(|_| text.not_text.to_string())?;
    let file = ModelFile::parse(&json).map_err(|e| e.to_string())?;
    let model = file.to_model().map_err(|e| e.to_string())?;
    // The file's own check (`unroll model verify`'s tolerance): weights that do not give the
    // outputs recorded with them are not the model the file says.
    if let Some((max, n)) = file.verify(&model).map_err(|e| e.to_string())? {
        if max > CHECK_TOLERANCE {
            let (max, tolerance) = (format!("{max:.2e}"), format!("{CHECK_TOLERANCE:e}"));
            return Err(fill(text.check_differs, &[("n", &n), ("max", &max), ("tolerance", &tolerance)]));
        }
    }
    Ok((file, model))
}

/// The message for a file named `name` that was not opened.
pub fn refusal(name: &str, why: &str) -> String {
    fill(t().worker.not_opened, &[("name", &crate::settings::shown(name)), ("why", &why)])
}

/// Whether a lesson's model can be saved now: not while it trains, and only once the steps in
/// flight are back (the WebGPU engine's copy). The error is the message for the page.
pub fn ready_to_save(training: bool, settled: Result<bool, crate::lesson::LessonError>) -> Result<(), String> {
    let text = &t().worker;
    if training {
        return Err(text.pause_to_save.into());
    }
    match settled {
        Ok(true) => Ok(()),
        Ok(false) => Err(text.still_on_gpu.into()),
        Err(e) => Err(fill(text.not_read_back, &[("error", &e)])),
    }
}
