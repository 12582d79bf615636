"""Move models between Keras 3 and Unroll's model file (see src/model_file.rs).

    import keras, unroll_keras
    unroll_keras.export(model, "model.unroll.json", check_inputs=x_test[:8])   # Keras -> Unroll
    model = unroll_keras.load("model.unroll.json")                             # Unroll -> Keras

`export` understands Sequential-style models: an optional Embedding, SimpleRNN / LSTM / GRU layers
(optionally inside Bidirectional), and a final Dense; Dropout layers are skipped (they do nothing
at inference). With `check_inputs`, the file also records Keras's outputs (logits) for them, and
`unroll model verify FILE` compares Unroll's outputs with them. A TextVectorization layer passed
as `vectorizer` is saved with its vocabulary.
"""

import base64
import json

import numpy as np

FORMAT, VERSION = "unroll-model", 1


def _weight(array, binary):
    a = np.asarray(array, dtype="<f4")
    entry = {"shape": list(a.shape)}
    if binary:
        entry["base64"] = base64.b64encode(a.tobytes()).decode("ascii")
    else:
        entry["values"] = [float(v) for v in a.ravel()]
    return entry


def _cell(layer):
    """Unroll's cell for a Keras recurrent layer, refusing what Unroll cannot reproduce."""
    import keras

    cfg = layer.get_config()
    for flag in ("go_backwards", "stateful", "return_state", "unroll"):
        if cfg.get(flag):
            raise ValueError(f"layer {layer.name}: `{flag}=True` is not supported by Unroll")
    if not cfg.get("use_bias", True):
        raise ValueError(f"layer {layer.name}: use_bias=False is not supported by Unroll")
    if isinstance(layer, keras.layers.SimpleRNN):
        act = cfg["activation"]
        if act not in ("tanh", "relu", "leaky_relu", "elu", "linear"):
            raise ValueError(f"layer {layer.name}: activation {act!r} is not supported by Unroll")
        return {"type": "simple_rnn", "activation": act}
    for name in ("activation", "recurrent_activation"):
        if cfg.get(name) not in ("tanh", "sigmoid"):
            raise ValueError(f"layer {layer.name}: {name}={cfg.get(name)!r} is not supported by Unroll")
    if isinstance(layer, keras.layers.LSTM):
        return {"type": "lstm", "peephole": False}
    if isinstance(layer, keras.layers.GRU):
        return {"type": "gru", "reset_after": bool(cfg.get("reset_after", True))}
    raise ValueError(f"layer {layer.name} ({type(layer).__name__}) is not supported by Unroll")


def export(model, path, check_inputs=None, vectorizer=None, binary=True, classes=None, about=None):
    """Writes `model` (Keras 3) to `path` in Unroll's model-file format; `classes` names the
    outputs (e.g. ["World", "Sports", "Business", "Sci/Tech"]), `about` says how it was trained."""
    import keras

    layers = [l for l in model.layers if not isinstance(l, (keras.layers.InputLayer, keras.layers.Dropout))]
    weights, spec_layers = {}, []
    spec = {"layers": spec_layers}
    i = 0
    if isinstance(layers[0], keras.layers.Embedding):
        emb = layers[0]
        vocab, dim = emb.get_weights()[0].shape
        spec["input"] = {"type": "tokens", "vocab": int(vocab), "dim": int(dim), "mask_zero": bool(emb.mask_zero)}
        weights["embedding.embeddings"] = _weight(emb.get_weights()[0], binary)
        i = 1
    else:
        spec["input"] = {"type": "values", "features": int(model.input_shape[-1])}
    return_sequences = False
    for layer in layers[i:-1]:
        k = len(spec_layers)
        if isinstance(layer, keras.layers.Bidirectional):
            inner, merge = layer.forward_layer, layer.merge_mode
            if merge not in ("concat", "sum", "ave", "mul"):
                raise ValueError(f"layer {layer.name}: merge_mode={merge!r} is not supported by Unroll")
            w = layer.get_weights()
            half = len(w) // 2
            for d, part in (("forward", w[:half]), ("backward", w[half:])):
                for n, a in zip(("kernel", "recurrent_kernel", "bias"), part):
                    weights[f"rnn{k}.{d}.{n}"] = _weight(a, binary)
        elif isinstance(layer, (keras.layers.SimpleRNN, keras.layers.LSTM, keras.layers.GRU)):
            inner, merge = layer, None
            for n, a in zip(("kernel", "recurrent_kernel", "bias"), layer.get_weights()):
                weights[f"rnn{k}.{n}"] = _weight(a, binary)
        else:
            raise ValueError(f"layer {layer.name} ({type(layer).__name__}) is not supported by Unroll")
        cfg = inner.get_config()
        spec_layers.append({
            "cell": _cell(inner), "units": int(cfg["units"]), "bidirectional": merge,
            "dropout": float(cfg.get("dropout", 0.0)), "recurrent_dropout": float(cfg.get("recurrent_dropout", 0.0)),
        })
        return_sequences = bool(cfg["return_sequences"])
    dense = layers[-1]
    if not isinstance(dense, keras.layers.Dense):
        raise ValueError(f"the last layer must be Dense, got {dense.name} ({type(dense).__name__})")
    kernel, bias = dense.get_weights()
    weights["dense.kernel"], weights["dense.bias"] = _weight(kernel, binary), _weight(bias, binary)
    activation = dense.get_config()["activation"]
    classify = activation == "softmax" or (activation == "linear" and not return_sequences and kernel.shape[1] > 1)
    spec.update({"return_sequences": return_sequences, "dense_units": int(kernel.shape[1]),
                 "loss": "sparse_categorical_crossentropy" if classify else "mse"})
    doc = {"format": FORMAT, "version": VERSION, "model": spec, "weights": weights, "vectorizer": None}
    if classes is not None:
        doc["classes"] = [str(c) for c in classes]
    if about is not None:
        doc["about"] = str(about)
    if vectorizer is not None:
        cfg = vectorizer.get_config()
        doc["vectorizer"] = {"vocabulary": [str(t) for t in vectorizer.get_vocabulary()],
                             **{k: cfg.get(k) for k in ("max_tokens", "output_sequence_length", "standardize", "split")}}
    if check_inputs is not None:
        x = np.asarray(check_inputs)
        # Unroll's outputs are logits: take the Dense layer's input and apply its kernel ourselves.
        features = keras.Model(model.inputs, dense.input).predict(x, verbose=0)
        logits = features @ kernel + bias
        doc["check"] = {"inputs": [float(v) for v in x.ravel()], "shape": list(x.shape),
                        "outputs": [float(v) for v in np.asarray(logits).ravel()]}
    with open(path, "w") as f:
        json.dump(doc, f)


def _array(entry):
    if "base64" in entry:
        a = np.frombuffer(base64.b64decode(entry["base64"]), dtype="<f4")
    else:
        a = np.asarray(entry["values"], dtype="float32")
    return a.reshape(entry["shape"])


def load(path):
    """Builds the Keras 3 model stored in an Unroll model file, weights included. Classification
    models end in Dense(softmax), as the course's notebooks build them."""
    import keras

    with open(path) as f:
        doc = json.load(f)
    if doc.get("format") != FORMAT or doc.get("version") != VERSION:
        raise ValueError(f"{path}: not an Unroll model file of version {VERSION}")
    spec, w = doc["model"], doc["weights"]
    inp = spec["input"]
    if inp["type"] == "tokens":
        layers = [keras.Input(shape=(None,), dtype="int32"),
                  keras.layers.Embedding(inp["vocab"], inp["dim"], mask_zero=inp["mask_zero"])]
        weight_list = [_array(w["embedding.embeddings"])]
    else:
        layers, weight_list = [keras.Input(shape=(None, inp["features"]))], []
    n = len(spec["layers"])
    for k, l in enumerate(spec["layers"]):
        cell, seq = l["cell"], k + 1 < n or spec["return_sequences"]
        common = {"units": l["units"], "return_sequences": seq, "dropout": l.get("dropout", 0.0),
                  "recurrent_dropout": l.get("recurrent_dropout", 0.0)}
        if cell["type"] == "simple_rnn":
            rnn = keras.layers.SimpleRNN(activation=cell["activation"], **common)
        elif cell["type"] == "lstm":
            if cell.get("peephole"):
                raise ValueError(f"layer rnn{k}: Keras has no peephole LSTM")
            rnn = keras.layers.LSTM(**common)
        else:
            rnn = keras.layers.GRU(reset_after=cell["reset_after"], **common)
        names = ("kernel", "recurrent_kernel", "bias")
        if l.get("bidirectional"):
            layers.append(keras.layers.Bidirectional(rnn, merge_mode=l["bidirectional"]))
            weight_list += [_array(w[f"rnn{k}.{d}.{x}"]) for d in ("forward", "backward") for x in names]
        else:
            layers.append(rnn)
            weight_list += [_array(w[f"rnn{k}.{x}"]) for x in names]
    classify = spec["loss"] == "sparse_categorical_crossentropy"
    layers.append(keras.layers.Dense(spec["dense_units"], activation="softmax" if classify else None))
    weight_list += [_array(w["dense.kernel"]), _array(w["dense.bias"])]
    model = keras.Sequential(layers)
    model.set_weights(weight_list)
    return model
