//! Small pieces of the course the page computes itself, without the worker: the hand-computed
//! recurrent layer of three neurons ([`ThreeNeurons`]) and sentences as a `[batch, time]` tensor
//! ([`InputFormat`]). Each keeps its own local signals; the logic and its tests are in
//! `lesson::three_neurons` and `lesson::input_format`. Styles: `www/course.css`.

mod input_format;
mod three_neurons;

pub use input_format::InputFormat;
pub use three_neurons::ThreeNeurons;
