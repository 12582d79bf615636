"""Writes tests/fixtures/text_vectorization.json: vocabularies and encodings made by Keras's own
`TextVectorization` (default standardize and split), for `src/text/` to be tested against.

    /opt/bench-venv/bin/python tools/keras/make_vectorizer_fixture.py [AG_NEWS_DIR] [OUT]

Made with Keras 3.15.1 on TensorFlow 2.21.0 (any Keras 3 with the TensorFlow backend should give
the same file). The texts are the first rows of AG News `train.csv` (not copied into the fixture:
the test reads them from the same file) and a few hand-written ones that probe the edges of the
rules (non-ASCII letters, which TensorFlow does not lower-case; whitespace that is not ASCII,
which it does not split on; every ASCII punctuation mark; empty and punctuation-only texts).
Each case adapts a fresh layer and records its whole vocabulary and the encodings of some texts.
"""

import csv
import json
import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
import tensorflow as tf  # noqa: E402
import keras  # noqa: E402

DATA = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "../../../shared/data/ag_news")
OUT = sys.argv[2] if len(sys.argv) > 2 else os.path.join(os.path.dirname(__file__), "../../tests/fixtures/text_vectorization.json")

EXTRA = [
    "ÉCOLE Straße ÀB İx and ÆON",
    "tab\there\nnewline\rreturn\fform\vvertical\xa0nbsp\u2003em\u3000ideographic  double",
    "it's U.S.-based co-op #1! back\\slash (parens) [brackets] {braces} <angle> a|b ~tilde `tick` ^caret_under",
    'quote" #39;s #36;100 50% a+b=c a*b a/b a:b;c @at $dollar &amp; ?q !',
    "déjà—vu “curly” ’apostrophe’ naïve café",
    "",
    "   ",
    "!!! ... ---",
    "THE the The tHe",
]


def rows(path, n):
    out = []
    with open(path, newline="", encoding="utf-8") as f:
        for r in csv.reader(f):
            if len(r) == 3:
                out.append(r)
            if len(out) == n:
                break
    return out


def case(name, texts, encode, max_tokens=None, output_sequence_length=None, **source):
    layer = keras.layers.TextVectorization(max_tokens=max_tokens, output_sequence_length=output_sequence_length,
                                           ragged=output_sequence_length is None)
    layer.adapt(tf.constant(texts))
    ids = layer(tf.constant([texts[i] for i in encode]))
    ids = ids.to_list() if output_sequence_length is None else ids.numpy().tolist()
    return {
        "name": name,
        "max_tokens": max_tokens,
        "output_sequence_length": output_sequence_length,
        **source,
        "vocabulary": layer.get_vocabulary(),
        "encoded": [{"text": i, "ids": v} for i, v in zip(encode, ids)],
    }


def main():
    n = 1000
    data = rows(os.path.join(DATA, "train.csv"), n)
    both = [r[1] + " " + r[2] for r in data] + EXTRA
    titles = [r[1] for r in data]
    extra_at = list(range(n, n + len(EXTRA)))
    cases = [
        # title + description, as the notebook's `rnn` preset, with the extra texts appended.
        case("both_2000", both, list(range(25)) + extra_at, max_tokens=2000, rows=n, fields="title+description", extra=True),
        # The same texts padded / truncated to a fixed length.
        case("both_2000_len12", both, list(range(25)) + extra_at, max_tokens=2000, output_sequence_length=12,
             rows=n, fields="title+description", extra=True),
        # Titles only, a small vocabulary: its cut falls among the many tokens seen once or twice,
        # so the order of equal counts decides which tokens are in.
        case("titles_300", titles, list(range(40)), max_tokens=300, rows=n, fields="title", extra=False),
        # No limit: every token of 200 titles.
        case("titles_all", titles[:200], list(range(20)), rows=200, fields="title", extra=False),
    ]
    fixture = {
        "made_by": f"tools/keras/make_vectorizer_fixture.py, Keras {keras.__version__}, TensorFlow {tf.__version__}",
        "source": "AG News train.csv (../shared/data/ag_news), the first `rows` rows; a row's text is "
                  "`title`, or `title + ' ' + description`; with `extra`, the `extra` texts follow them",
        "extra": EXTRA,
        "cases": cases,
    }
    with open(OUT, "w", encoding="utf-8") as f:
        json.dump(fixture, f, ensure_ascii=False, separators=(",", ":"))
        f.write("\n")
    print(f"wrote {OUT}: " + ", ".join(f"{c['name']} ({len(c['vocabulary'])} tokens)" for c in cases))


if __name__ == "__main__":
    main()
