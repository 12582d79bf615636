//! The news lesson's word-embedding map: the most frequent words with their counts and the class
//! each leans to, placed by PCA or t-SNE, the nearest words to one typed, and words not in the
//! vocabulary said so; on a hand-built vocabulary and embedding, a trained lesson, and the shipped
//! pretrained model.

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

use unroll::data::text::TextVectorizer;
use unroll::engine::analysis::tsne::MAX_POINTS;
use unroll::engine::analysis::TsneSettings;
use unroll::engine::cells::{Activation, CellKind};
use unroll::engine::model::InputSpec;
use unroll::engine::Model;
use unroll::lesson::news::words::{Layout, WordMap, WordTable, WordsError, DEFAULT_WORDS};

use crate::common::{cls_model, layer, seq_model};

/// Vocabulary: "" 0, [UNK] 1, the 2, match 3, war 4, goal 5, peace 6 (by count, ties by bytes
/// descending, as Keras orders them).
fn vectorizer() -> TextVectorizer {
    let v = TextVectorizer::adapt(["the the the the the match match match war war goal goal peace"], None, None).unwrap();
    assert_eq!(v.vocabulary(), ["", "[UNK]", "the", "match", "war", "goal", "peace"]);
    v
}

/// An embedding of 8 rows (one more than the vocabulary) of width 3: match near goal, war near
/// peace, [UNK] and the unused last row pointing the same way as match (neither may be a
/// neighbour).
const EMBEDDING: [f32; 24] = [
    0.0, 0.0, 0.0, // ""
    1.0, 0.0, 0.1, // [UNK]
    0.0, 0.0, 1.0, // the
    1.0, 0.0, 0.1, // match
    0.0, 1.0, 0.0, // war
    0.9, 0.0, 0.2, // goal
    0.1, 1.0, 0.0, // peace
    1.0, 0.0, 0.1, // (unused)
];

fn classes() -> Vec<String> {
    vec!["World".into(), "Sports".into()]
}

fn model() -> Model {
    let spec = cls_model(8, 3, true, vec![layer(CellKind::SimpleRnn { activation: Activation::Tanh }, 2, None)], 2);
    let mut m = Model::zeroed(spec).unwrap();
    m.params.set("embedding.embeddings", &[8, 3], &EMBEDDING).unwrap();
    m
}

/// Class 0: 5 tokens; class 1: 8 tokens (one out of the vocabulary), and some padding.
fn rows(v: &TextVectorizer) -> Vec<(Vec<u32>, u32)> {
    let mut rows: Vec<(Vec<u32>, u32)> = [("war war the", 0), ("peace the", 0), ("goal the match goal", 1), ("match match the zebra", 1)]
        .iter()
        .map(|&(t, l)| (v.encode(t), l))
        .collect();
    rows[1].0.extend([0, 0]);
    rows
}

fn table(words: usize) -> WordTable {
    let v = vectorizer();
    WordTable::new(&model(), &v, &classes(), rows(&v), words).unwrap()
}

#[test]
fn the_most_frequent_words_with_counts_and_leans() {
    let map = table(3).map().unwrap();
    let words: Vec<(&str, u64)> = map.words.iter().map(|w| (w.word.as_str(), w.count)).collect();
    assert_eq!(words, [("the", 4), ("match", 3), ("war", 2)], "by count in the rows, padding and [UNK] left out");
    assert_eq!((map.rows, map.vocabulary, map.dim, map.layout), (4, 7, 3, Layout::Pca));
    assert_eq!(map.classes, classes());
    // "the": 2 of its 4 in class 0 (5 of the 13 tokens), 2 in class 1 (8 of 13):
    // lifts 0.5/(5/13) = 1.3 and 0.5/(8/13) = 0.8125 → class 0, lean 1.3 / 2.1125 = 8/13.
    let the = &map.words[0];
    assert_eq!(the.class, Some(0), "leans to the class it is more frequent in than chance, not to its majority");
    assert!((the.lift - 1.3).abs() < 1e-6 && (the.lean - 8.0 / 13.0).abs() < 1e-6, "{the:?}");
    let m = &map.words[1];
    assert_eq!(m.class, Some(1));
    assert!((m.lift - 13.0 / 8.0).abs() < 1e-6 && (m.lean - 1.0).abs() < 1e-6, "{m:?}");
    assert_eq!((map.words[2].class, map.words[2].lean), (Some(0), 1.0));
    // All the words (ties in count by vocabulary index), more asked than there are.
    let all = table(DEFAULT_WORDS).map().unwrap();
    let names: Vec<&str> = all.words.iter().map(|w| w.word.as_str()).collect();
    assert_eq!(names, ["the", "match", "war", "goal", "peace"]);
}

#[test]
fn pca_places_the_words_and_tsne_replaces_the_positions() {
    let t = table(DEFAULT_WORDS);
    let map = t.map().unwrap();
    assert!(map.explained[0] >= map.explained[1] && map.explained[1] > 0.0 && map.explained[0] + map.explained[1] <= 1.0 + 1e-6);
    // PCA of the five vectors directly.
    let pca = unroll::engine::analysis::pca2(&t.vectors(), 3).unwrap();
    assert_eq!(map.explained, pca.explained);
    let xy: Vec<f32> = map.words.iter().flat_map(|w| [w.x, w.y]).collect();
    assert_eq!(xy, pca.positions);
    assert_eq!(t.vector(4), &EMBEDDING[12..15]);
    assert_eq!(t.ids(), [2, 3, 4, 5, 6]);

    let settings = TsneSettings { perplexity: 2.0, iterations: 100, seed: 1 };
    let mut tsne = t.start_tsne(settings).unwrap();
    assert_eq!(tsne.len(), 5);
    tsne.step(5 + 40); // five rows of affinities first, then 40 iterations
    let mut moving = map.clone();
    let (positions, layout) = WordTable::tsne_layout(&tsne);
    assert_eq!(layout, Layout::Tsne { done: 40, total: 100 });
    moving.place(&positions, layout);
    assert_eq!(moving.words[3].x, tsne.positions()[6]);
    assert_eq!(moving.words[3].y, tsne.positions()[7]);
    assert_eq!(
        moving.words.iter().map(|w| (&w.word, w.count, w.class)).collect::<Vec<_>>(),
        map.words.iter().map(|w| (&w.word, w.count, w.class)).collect::<Vec<_>>()
    );
    // Serde round trip: plain data for the page.
    let json = serde_json::to_string(&moving).unwrap();
    assert_eq!(serde_json::from_str::<WordMap>(&json).unwrap(), moving);
    assert!(json.contains(r#""layout":{"method":"tsne","done":40,"total":100}"#), "{json}");
}

#[test]
fn nearest_words_and_look_ups() {
    let t = table(3).with_min_count(1);
    let near = t.nearest("Match!", 3).unwrap();
    let names: Vec<&str> = near.iter().map(|n| n.word.as_str()).collect();
    assert_eq!(names, ["goal", "the", "peace"], "[UNK] and the unused row are never neighbours");
    assert!(near[0].similarity > 0.97 && near.windows(2).all(|w| w[0].similarity >= w[1].similarity));
    assert_eq!((near[0].point, near[1].point), (None, Some(0)), "goal is not on a map of 3 words, the is its first point");
    let war = t.lookup(" WAR ", 1).unwrap();
    assert_eq!((war.word.as_str(), war.id, war.count, war.class, war.point), ("war", 4, 2, Some(0), Some(2)));
    assert_eq!(war.neighbours.len(), 1);
    assert_eq!(war.neighbours[0].word, "peace");
    // Words seen fewer than the minimum count are not offered (peace: once, goal: twice).
    let strict = table(3).with_min_count(3);
    let names: Vec<String> = strict.nearest("war", 5).unwrap().into_iter().map(|n| n.word).collect();
    assert_eq!(names, ["the", "match"]);
    // Not one word of the vocabulary.
    assert_eq!(t.nearest("zebra", 3), Err(WordsError::NotInVocabulary { word: "zebra".into(), size: 7 }));
    let e = t.lookup("Zebra", 3).unwrap_err();
    assert_eq!(e.to_string(), "“zebra” is not in the model's vocabulary of 7 words (the model reads it as [UNK], the unknown word)");
    assert_eq!(t.nearest("", 3), Err(WordsError::NoWord));
    assert_eq!(t.nearest(" ?! ", 3), Err(WordsError::NoWord));
    assert_eq!(t.nearest("[UNK]", 3), Err(WordsError::NotInVocabulary { word: "unk".into(), size: 7 }));
    assert_eq!(t.nearest("war peace", 3), Err(WordsError::SeveralWords { text: "war peace".into(), count: 2 }));
}

#[test]
fn without_rows_the_vocabulary_order_and_no_classes() {
    let v = vectorizer();
    let t = WordTable::new(&model(), &v, &classes(), Vec::<(Vec<u32>, u32)>::new(), 4).unwrap();
    let map = t.map().unwrap();
    assert_eq!(map.rows, 0);
    let words: Vec<&str> = map.words.iter().map(|w| w.word.as_str()).collect();
    assert_eq!(words, ["the", "match", "war", "goal"]);
    assert!(map.words.iter().all(|w| w.count == 0 && w.class.is_none() && w.lean == 0.0));
    // Every word may be a neighbour then (no counts to go by).
    assert_eq!(t.nearest("war", 1).unwrap()[0].word, "peace");
    assert!(t.lookup("peace", 2).unwrap().class.is_none());
    // Rows of padding only count as none.
    let t = WordTable::new(&model(), &v, &classes(), vec![(vec![0u32, 0], 1u32)], 2).unwrap();
    assert_eq!(t.map().unwrap().rows, 0);
}

#[test]
fn bad_models_and_rows_are_refused() {
    let v = vectorizer();
    let err = |m: &Model, classes: &[String], rows: Vec<(Vec<u32>, u32)>| WordTable::new(m, &v, classes, rows, 10).err();
    assert_eq!(err(&model(), &classes(), vec![(vec![2, 3], 2)]), Some(WordsError::Label { row: 0, label: 2, classes: 2 }));
    assert_eq!(err(&model(), &classes(), vec![(vec![2], 0), (vec![2, 7], 0)]), Some(WordsError::Token { row: 1, id: 7, size: 7 }));
    assert_eq!(err(&model(), &classes()[..1], vec![]), Some(WordsError::Classes { names: 1, outputs: 2 }));
    let mut nan = model();
    let mut values = EMBEDDING;
    values[3 * 4 + 1] = f32::NAN;
    nan.params.set("embedding.embeddings", &[8, 3], &values).unwrap();
    let e = err(&nan, &classes(), vec![]).unwrap();
    assert!(matches!(&e, WordsError::NotFinite { word, .. } if word == "war"), "{e:?}");
    assert_eq!(e.to_string(), "the embedding of “war” holds NaN (did training diverge?)");
    let series = Model::zeroed(seq_model(1, vec![layer(CellKind::Gru { reset_after: true }, 2, None)], 2)).unwrap();
    assert_eq!(err(&series, &classes(), vec![]), Some(WordsError::NoEmbedding));
    let small = cls_model(5, 3, false, vec![layer(CellKind::Gru { reset_after: true }, 2, None)], 2);
    assert!(matches!(small.input, InputSpec::Tokens { vocab: 5, .. }));
    assert_eq!(err(&Model::zeroed(small).unwrap(), &classes(), vec![]), Some(WordsError::Vocabulary { tokens: 7, rows: 5 }));
    // A word whose vector is all zeros has no neighbours.
    let t = WordTable::new(&Model::zeroed(model().spec).unwrap(), &v, &classes(), rows(&v), 10).unwrap();
    assert!(matches!(t.nearest("war", 3), Err(WordsError::Analysis(_))));
}

#[test]
fn tsne_takes_at_most_its_cap_of_words() {
    let text: String = (0..MAX_POINTS + 1).map(|i| format!("w{i} ")).collect();
    let v = TextVectorizer::adapt([text.as_str()], None, None).unwrap();
    let size = v.vocabulary_size();
    let spec = cls_model(size, 2, false, vec![layer(CellKind::Gru { reset_after: true }, 2, None)], 2);
    let mut m = Model::zeroed(spec).unwrap();
    let values: Vec<f32> = (0..size * 2).map(|i| (i as f32 * 0.37).sin()).collect();
    m.params.set("embedding.embeddings", &[size, 2], &values).unwrap();
    let t = WordTable::new(&m, &v, &classes(), Vec::<(Vec<u32>, u32)>::new(), MAX_POINTS + 1).unwrap();
    assert_eq!(t.len(), MAX_POINTS + 1);
    assert_eq!(t.map().unwrap().words.len(), MAX_POINTS + 1, "PCA takes them all");
    let e = t.start_tsne(TsneSettings::default()).unwrap_err();
    assert_eq!(e, WordsError::TooManyForTsne { words: MAX_POINTS + 1, max: MAX_POINTS });
}

/// A lesson on the made-up news (`news.rs`): its words lean to the classes they were drawn for,
/// the filler words to none in particular, and training pulls each class's words together.
#[test]
fn a_trained_lesson_maps_its_words() {
    use crate::news::{news_data, settings, train, FILLER, WORDS};
    use unroll::lesson::news::NewsLesson;
    use unroll::settings::Preset;
    let mut lesson = NewsLesson::new(&settings(Preset::Gru, 4), &news_data()).unwrap();
    let before = lesson.words(DEFAULT_WORDS).unwrap().map().unwrap();
    train(&mut lesson);
    let table = lesson.words(DEFAULT_WORDS).unwrap();
    let map = table.map().unwrap();
    assert_eq!(map.words.len(), 18, "every word of the texts");
    assert_eq!(map.rows, lesson.info().train_rows);
    assert_eq!(map.classes, ["Politics", "Sports", "Money"]);
    assert_eq!(map.dim, 8);
    let names = |m: &WordMap| m.words.iter().map(|w| (w.word.clone(), w.count, w.class)).collect::<Vec<_>>();
    assert_eq!(names(&before), names(&map), "the counts come from the data, not the weights");
    assert_ne!(before.words[0].x, map.words[0].x, "the positions from the weights");
    assert!(map.words.windows(2).all(|w| w[0].count >= w[1].count));
    for (c, words) in WORDS.iter().enumerate() {
        for w in words {
            let info = table.lookup(w, 3).unwrap();
            assert_eq!((info.class, info.lean), (Some(c), 1.0), "{w}");
            assert!(info.lift > 2.0, "{w}: lift {}", info.lift);
            assert!(info.point.is_some());
            // Its nearest word is one of its class's.
            let nearest = &info.neighbours[0].word;
            assert!(words.contains(&nearest.as_str()), "{w}: nearest {nearest} ({:?})", info.neighbours);
        }
    }
    for w in FILLER {
        let info = table.lookup(w, 3).unwrap();
        assert!(info.lean < 0.45 && info.lift < 1.3, "{w} is everywhere: {info:?}");
    }
    let mut tsne = table.start_tsne(TsneSettings { perplexity: 4.0, iterations: 200, seed: 0 }).unwrap();
    assert!(tsne.step(usize::MAX).finished());
}

/// The shipped pretrained model (`cargo xtask pretrained`) on the bundled AG News: a map of its
/// 1,000 most frequent words, words that lean where a reader expects, and neighbours.
#[cfg(not(target_arch = "wasm32"))]
#[test]
fn the_pretrained_model_maps_ag_news_words() {
    use unroll::lesson::news::TextClassifier;
    use unroll::lesson::news_source;
    use unroll::model_file::ModelFile;
    use unroll::settings::TextFields;
    let root = env!("CARGO_MANIFEST_DIR");
    let json = std::fs::read_to_string(format!("{root}/public/models/agnews-bigru.json")).unwrap();
    let classifier = TextClassifier::from_file(&ModelFile::parse(&json).unwrap()).unwrap();
    let read = |name: &str| std::fs::read(format!("{root}/public/data/ag_news/{name}")).unwrap();
    let (data, _) = news_source::bundled(read("train.csv.gz"), read("test.csv.gz"), false).unwrap();
    let start = std::time::Instant::now();
    let table = classifier.words(Some(&data), TextFields::Both, DEFAULT_WORDS).unwrap();
    let built = start.elapsed();
    let map = table.map().unwrap();
    let mapped = start.elapsed();
    eprintln!("pretrained word map: table {built:?}, with PCA {mapped:?} ({} rows)", map.rows);
    assert_eq!(map.words.len(), DEFAULT_WORDS);
    assert_eq!((map.rows, map.vocabulary, map.dim), (data.train.len(), 10_000, 32));
    assert!(map.explained[0] > 0.0 && map.explained[0] + map.explained[1] < 1.0, "{:?}", map.explained);
    let class_of = |w: &str| {
        let info = table.lookup(w, 5).unwrap();
        (info.class.map(|c| map.classes[c].as_str()), info)
    };
    for (word, class) in [("iraq", "World"), ("game", "Sports"), ("oil", "Business"), ("microsoft", "Sci/Tech")] {
        let (got, info) = class_of(word);
        assert_eq!(got, Some(class), "{word}: {info:?}");
        assert!(info.point.is_some() && info.count > 100 && info.lean > 0.5, "{word}: {info:?}");
        assert_eq!(info.neighbours.len(), 5);
        let leaning = info.neighbours.iter().filter(|n| table.lookup(&n.word, 0).unwrap().class == info.class).count();
        eprintln!("{word}: {:?}", info.neighbours.iter().map(|n| (&n.word, n.similarity)).collect::<Vec<_>>());
        assert!(leaning >= 3, "{word}: most neighbours lean the same way: {:?}", info.neighbours);
    }
    assert!(matches!(table.lookup("qwertyuiop", 5), Err(WordsError::NotInVocabulary { .. })));
    // Without the data (before it is loaded): the vocabulary's order, no counts.
    let bare = classifier.words(None, TextFields::Both, 50).unwrap().map().unwrap();
    assert_eq!(bare.rows, 0);
    assert_eq!(bare.words[0].word, classifier.vectorizer.vocabulary()[2]);
}
