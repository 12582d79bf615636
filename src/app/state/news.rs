//! The news lesson's part of the page state, and how worker events change it.

use leptos::prelude::*;

use crate::app::news_history::NewsHistory;
use crate::i18n::{fill, t};
use crate::lesson::news::{EpochRecord, Evaluation, NewsInfo, Progress, Reading};
use crate::protocol::{BatchPoint, DataSummary, Reader};

/// Data being downloaded or read.
#[derive(Clone, Debug, PartialEq)]
pub struct Loading {
    pub what: String,
    pub loaded: u64,
    pub total: Option<u64>,
}

/// Where the run stands.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct NewsRun {
    pub progress: Option<Progress>,
    pub samples_per_sec: f32,
    pub seconds_left: Option<f32>,
}

/// The test set's verdict.
#[derive(Clone, Debug, PartialEq)]
pub struct Tested {
    pub evaluation: Evaluation,
    pub at_epoch: f32,
    pub kept_epoch: Option<usize>,
}

/// The second headline model: the one shipped with the page, or a model file the student opened.
#[derive(Clone, Debug, PartialEq)]
pub struct Pretrained {
    pub model: String,
    pub about: Option<String>,
    /// The file it was opened from (`None`: the page's pretrained model).
    pub file: Option<String>,
}

/// The latest headline reading.
#[derive(Clone, Debug, PartialEq)]
pub struct HeadlineReading {
    pub text: String,
    pub reader: Reader,
    pub classes: Vec<String>,
    pub reading: Reading,
}

#[derive(Clone, Copy)]
pub struct NewsState {
    pub data: RwSignal<Option<DataSummary>>,
    pub loading: RwSignal<Option<Loading>>,
    /// Why the last data could not be used (the current data stays).
    pub data_error: RwSignal<Option<String>>,
    /// The file a link's experiment was trained on, which the student is asked to upload.
    pub upload_wanted: RwSignal<Option<String>>,
    pub info: RwSignal<Option<NewsInfo>>,
    pub run: RwSignal<NewsRun>,
    pub history: RwSignal<NewsHistory>,
    pub tested: RwSignal<Option<Tested>>,
    pub pretrained: RwSignal<Option<Pretrained>>,
    pub pretrained_requested: RwSignal<bool>,
    /// What the last Save or Open of a model file did (`Err`: why nothing changed).
    pub model_file: RwSignal<Option<Result<String, String>>>,
    /// The headline box's text, the model chosen to read it, and the latest reading.
    pub headline: RwSignal<String>,
    pub reader: RwSignal<Reader>,
    /// The student picked the reader themself (it is then not switched for them).
    pub reader_chosen: RwSignal<bool>,
    pub reading: RwSignal<Option<HeadlineReading>>,
}

impl NewsState {
    pub fn new() -> Self {
        NewsState {
            data: RwSignal::new(None),
            loading: RwSignal::new(None),
            data_error: RwSignal::new(None),
            upload_wanted: RwSignal::new(None),
            info: RwSignal::new(None),
            run: RwSignal::new(NewsRun::default()),
            history: RwSignal::new(NewsHistory::default()),
            tested: RwSignal::new(None),
            pretrained: RwSignal::new(None),
            pretrained_requested: RwSignal::new(false),
            model_file: RwSignal::new(None),
            headline: RwSignal::new("Apple unveils a faster chip for its new laptops".to_string()),
            reader: RwSignal::new(Reader::Pretrained),
            reader_chosen: RwSignal::new(false),
            reading: RwSignal::new(None),
        }
    }

    /// New data is in place.
    pub fn data_loaded(&self, summary: DataSummary) {
        self.loading.set(None);
        self.data_error.set(None);
        self.data.set(Some(summary));
    }

    /// The data could not be used (the data at hand stays).
    pub fn data_rejected(&self, message: String) {
        self.loading.set(None);
        self.data_error.set(Some(message));
    }

    /// Where training stands, and the batches and epochs since the last message.
    pub fn progress(
        &self,
        progress: Option<Progress>,
        points: &[BatchPoint],
        epoch_ends: &[EpochRecord],
        samples_per_sec: f32,
        seconds_left: Option<f32>,
    ) {
        if !points.is_empty() || !epoch_ends.is_empty() {
            self.history.update(|h| h.push(points, epoch_ends));
        }
        self.run.update(|r| {
            r.progress = progress;
            if samples_per_sec > 0.0 {
                r.samples_per_sec = samples_per_sec;
            }
            r.seconds_left = seconds_left;
        });
    }

    /// The test set's verdict.
    pub fn tested(&self, tested: Tested) {
        let finished = self.run.with_untracked(|r| r.progress.as_ref().is_some_and(|p| p.done));
        self.tested.set(Some(tested));
        // A finished model reads the headline box from now on, unless the student chose.
        if finished && !self.reader_chosen.get_untracked() {
            self.reader.set(Reader::Trained);
        }
    }

    /// A new experiment: its curves and results start again.
    pub fn configured(&self, info: NewsInfo) {
        if let Some(name) = &info.started_from {
            self.model_file.set(Some(Ok(fill(t().news.training_opened, &[("name", name)]))));
        }
        self.info.set(Some(info));
        self.history.update(NewsHistory::clear);
        self.run.set(NewsRun::default());
        self.tested.set(None);
        if !self.reader_chosen.get_untracked() {
            self.reader.set(Reader::Pretrained);
        }
    }
}
