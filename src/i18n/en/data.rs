//! The data's messages: a CSV file refused or its rows skipped, the news data's download and layout, and a model that would not fit this engine's memory or time.

english! {
    Data {
        // A CSV file refused as a whole (data::labeled_csv, `CsvError`); shown after the file's
        // name and a colon.
        csv_empty: "the file is empty",
        /// `{size}`: the file's size in bytes; `{max}`: the most bytes accepted, `{mb}` the same
        /// in MB.
        csv_too_large: "the file is {size} bytes; at most {max} bytes ({mb} MB) can be loaded",
        /// `{line}`: the line (from 1) of the first bytes that are not UTF-8.
        csv_not_utf8: "the file is not UTF-8 text (invalid bytes on line {line}); save it as UTF-8 CSV",
        /// `{why}`: `csv_all_malformed` or `csv_header_only`.
        csv_no_rows: "no usable rows: {why}",
        /// Why no row was usable: `{line}` and `{problem}` are the first skipped row's (a
        /// `row_…` text below, or the CSV reader's own message).
        csv_all_malformed: "every row is malformed (line {line}: {problem})",
        csv_header_only: "the file has a header and nothing else",
        /// `{label}`: the one label, shortened and in double quotes.
        csv_one_class: "the data has only one class ({label}); a classifier needs at least two",
        /// `{label}`: the label (shortened), `{line}` its line; `{why}`: one of the `csv_why_…`
        /// texts below.
        csv_label_out_of_range: "label {label} on line {line} is out of range: {why}",
        /// A test file's label not among the training data's: `{list}` names those classes
        /// (`csv_list_more` when there are many).
        csv_why_training_classes: "the training data's classes are {list}",
        /// The first class names (`{list}`, comma-separated) and how many more (`{n}`).
        csv_list_more: "{list} and {n} more",
        /// A negative class number.
        csv_why_numbers_start: "class numbers start at 0 or 1",
        /// A class number too large: `{max}` classes at most, numbered `{first}` to `{last}`.
        csv_why_too_many_numbered: "at most {max} classes (numbered {first}..{last})",
        /// Too many class names: `{max}` classes at most.
        csv_why_too_many: "at most {max} classes",
        /// `{column}`: the kind of column missing (`text`, as the CSV names it).
        csv_header: "the header names no {column} column (label: label, class, category, topic, target, y; text: text, headline, sentence, content, title)",

        // A skipped row's problem (shown after its line number).
        /// `{got}`: the fields in the row; `{want}`: the fields expected.
        row_fields: "{got} fields instead of {want}",
        /// A row of the bundled AG News whose class is not 1–4: `{class}` as written.
        row_ag_class: "class `{class}` is not 1, 2, 3 or 4",
        row_empty_label: "empty label",
        row_empty_text: "empty text",

        // How the file was read (shown with the loaded data); the column names in backticks are
        // the file's own.
        /// `{label}`, `{title}`, `{description}`: the header's names of the three columns.
        layout_header_two: "header: label column `{label}`, text columns `{title}` + `{description}`",
        /// `{label}`, `{text}`: the header's names of the two columns.
        layout_header_one: "header: label column `{label}`, text column `{text}`",
        layout_ag_news: "no header: label, title, description (AG News)",
        layout_plain: "no header: label, text",

        // Loading the news data (lesson::news_source).
        /// `{error}`: the decompressor's own message.
        gzip_broken: "the file looks gzip-compressed but cannot be inflated: {error}",
        /// `{error}`: `csv_too_large`, for the inflated size.
        gzip_too_large: "{error} (once uncompressed)",
        /// `{error}`: why the bundled training file could not be read.
        bundle_train: "the bundled training file: {error}",
        /// `{error}`: why the bundled test file could not be read.
        bundle_test: "the bundled test file: {error}",
        bundle_empty: "the bundled AG News files hold no rows (is the site built with `cargo xtask news-data`?)",
        /// A user's file with fewer than 2 rows left: `{n}` rows (0 or 1). Shown after the file's
        /// name and a colon.
        too_few_rows: "only {n} usable row; at least 2 are needed (one to train on, one to test)",
        url_empty: "type the address of a CSV file",
        /// `{url}`: the text typed.
        url_not_web: "“{url}” is not a web address (it should start with https://)",

        // A model that would not fit its engine (lesson::check_fits).
        /// `{total}`: the memory needed; `{weights}`, `{gradients}`, `{optimizer}`, `{states}`,
        /// `{workspace}`: its parts; `{data}`: `too_big_data` or nothing; `{time}`: a training
        /// step's estimated time; `{budget}`, `{limit}`: the engine's memory and time limits.
        too_big: "this model would need {total} of memory (weights {weights}, gradients {gradients}, optimiser {optimizer}, the states kept for backpropagation through time {states}, workspace {workspace}{data}) and {time} per training step; this engine holds at most {budget} and must answer within {limit}",
        /// The data's part of the memory, `{bytes}`.
        too_big_data: ", data {bytes}",
        /// `{refusal}`: `too_big`; `{instead}`: one of the `instead_…` texts.
        too_big_instead: "{refusal}. {instead} would fit",
        /// `{refusal}`: `too_big`, when nothing smaller of the same kind would fit.
        too_big_fewer: "{refusal}. Use fewer units, layers or a smaller batch",
        /// What would fit instead: batches of `{b}`.
        instead_batch: "A batch of {b}",
        /// What would fit instead: one series window at a time, `{t}` steps long.
        instead_batch_windows: "A batch of 1 with windows of {t} steps",
        /// What would fit instead: texts of at most `{t}` tokens (`max-len` is the setting).
        instead_texts_cut: "Texts cut at {t} tokens (max-len {t})",
        /// Training asked to go on after its last epoch: `{epochs}` epochs.
        finished: "training is over: all {epochs} epochs are done (Reset starts again)",

        // The news lesson's refusals (lesson::news), after the setting's name and a colon.
        /// `{task}`: the task asked for.
        news_task: "the news lesson needs task = agnews, not {task}",
        /// After "data: ": `{n}` classes in the data.
        news_few_classes: "needs at least 2 classes, the data has {n}",
        /// After "data: ": `{label}` (a number) is not below `{classes}`.
        news_label_range: "label {label} is out of range for {classes} classes",
        /// After "data: ".
        news_no_training_rows: "has no training rows",
        /// A chain asked for test example `{i}` (from 1) of `{n}`.
        chain_no_test_example: "there are {n} test examples; {i} is not one of them",
        /// The chain's caption for test example `{i}` of `{n}`, with its class `{class}`.
        chain_caption_test: "test example {i} of {n} (true class: {class})",
        /// The chain's caption for a typed headline.
        chain_caption_typed: "the headline you typed",
        chain_not_window: "the news lesson reads headlines, not windows of a series",
        /// A model file without a vectorizer, read as a headline classifier (after "not a model
        /// file: ").
        reader_no_vectorizer: "the model file has no text vectorizer",

        // Why a model file cannot be trained further in the news lesson (lesson::news::further),
        // after "model: "; "it" is the file's model.
        further_numbers: "it reads numbers, not texts (a series model)",
        further_no_vectorizer: "it has no text vectorizer",
        further_not_classifier: "it does not sort whole texts into classes",
        /// `{file}`: the model's classes; `{data}`: the data's.
        further_classes: "it sorts into {file} classes, and the data has {data}",

        // The word map (lesson::news::words, `WordsError`).
        words_no_embedding: "the model has no word embedding (its input is not a text)",
        /// `{tokens}`: the vectorizer's words; `{rows}`: the embedding's rows.
        words_vocabulary: "the vectorizer has {tokens} words, but the model's embedding only {rows} rows",
        /// `{names}`: the class names given; `{outputs}`: the model's outputs.
        words_classes: "{names} class names for a model with {outputs} outputs",
        /// `{word}`: the word; `{value}`: the number its embedding holds (NaN, inf).
        words_not_finite: "the embedding of “{word}” holds {value} (did training diverge?)",
        /// `{row}`: the training row (from 0); `{label}` is not below `{classes}`.
        words_label: "training row {row}: label {label} is out of range for {classes} classes",
        /// `{row}`: the training row (from 0); token `{id}` is not below `{size}`.
        words_token: "training row {row}: token id {id} is outside the vocabulary of {size}",
        words_no_word: "type a word",
        /// `{text}`: what was typed; `{count}`: its words.
        words_several: "“{text}” is {count} words once lower-cased and stripped of punctuation; type one",
        /// `{word}`: the word; `{size}`: the vocabulary's size.
        words_not_in_vocabulary: "“{word}” is not in the model's vocabulary of {size} words (the model reads it as [UNK], the unknown word)",
        /// `{words}`: the map's words; `{max}`: the most t-SNE takes.
        words_too_many_for_tsne: "the map has {words} words; t-SNE takes at most {max} (make a map of fewer words)",
    }
}

/// Keys whose German is rightly the English text.
pub const SAME_IN_GERMAN: &[&str] = &[];
