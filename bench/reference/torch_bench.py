"""PyTorch (eager, CPU) reference benchmark for Unroll's `unroll bench` configurations.

    /opt/bench-venv/bin/python bench/reference/torch_bench.py [--json] [--only NAME] [--samples N] [--steps N]

nn.Embedding / nn.LSTM or nn.RNN (batch_first) / nn.Linear, CrossEntropyLoss (from logits) or
MSELoss, torch.optim.Adam(lr=1e-3, eps=1e-7: Keras's defaults), a plain training loop
(zero_grad, forward, backward, step) over pre-built CPU tensors, torch.set_num_threads(--threads).
`course-bilstm` is run twice: with `pack_padded_sequence` (PyTorch's way to honour the padding,
what Keras's mask_zero means; the recurrences skip the padded steps) and `course-bilstm-unpacked`
(the padded batch as it is: every step of the longest row is computed, as Keras does under a mask,
but the padding is treated as input). Untimed warm-up: the first --warmup batches. See README.md.
"""

import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402

args = common.parser(__doc__.split("\n")[0]).parse_args()

import torch  # noqa: E402
from torch import nn  # noqa: E402
from torch.nn.utils.rnn import pack_padded_sequence  # noqa: E402

torch.set_num_threads(args.threads)
torch.manual_seed(1)


class Classifier(nn.Module):
    def __init__(self, dim, bi, packed):
        super().__init__()
        self.packed = packed
        self.emb = nn.Embedding(common.VOCAB, dim)
        if bi:
            self.rnns = nn.ModuleList([nn.LSTM(dim, 64, batch_first=True, bidirectional=True),
                                       nn.LSTM(128, 64, batch_first=True, bidirectional=True)])
        else:
            self.rnns = nn.ModuleList([nn.LSTM(dim, 64, batch_first=True)])
        self.out = nn.Linear(128 if bi else 64, 4)

    def forward(self, ids, lengths):
        h = self.emb(ids)
        if self.packed:
            h = pack_padded_sequence(h, lengths, batch_first=True, enforce_sorted=False)
        for rnn in self.rnns:
            h, (hn, _) = rnn(h)
        # Last state of each direction (the backward one has read the whole row): Keras's
        # Bidirectional(LSTM(64)) output, forward and backward concatenated.
        return self.out(torch.cat(list(hn), dim=1))


class Sequence(nn.Module):
    def __init__(self, name):
        super().__init__()
        units = common.sine_units(name)
        self.rnn = (nn.RNN(1, units, nonlinearity="relu", batch_first=True) if name == "sine-rnn"
                    else nn.LSTM(1, units, batch_first=True))
        self.out = nn.Linear(units, 1)

    def forward(self, x, _lengths):
        return self.out(self.rnn(x)[0])


def run(name):
    if name.startswith("sine"):
        x, y = common.sine_batches(args.steps)
        xs = torch.from_numpy(x).split(common.BATCH)
        ys = torch.from_numpy(y).split(common.BATCH)
        batches = [(a, b, None) for a, b in zip(xs, ys)]
        model, loss_fn = Sequence(name), nn.MSELoss()
        tokens = args.steps * common.BATCH * common.SINE_T
    else:
        raw = common.token_batches(name.replace("-unpacked", ""), args.samples, args.data)
        batches = [(torch.from_numpy(ids).long(), torch.from_numpy(labels).long(), torch.from_numpy(lens))
                   for ids, labels, lens in raw]
        model = Classifier(64 if name == "agnews-lstm" else 128, name != "agnews-lstm", name == "course-bilstm")
        loss_fn = nn.CrossEntropyLoss()
        tokens = int(sum(int(b[2].sum()) for b in batches))
    opt = torch.optim.Adam(model.parameters(), lr=1e-3, betas=(0.9, 0.999), eps=1e-7)

    def step(x, y, lengths):
        opt.zero_grad(set_to_none=True)
        loss = loss_fn(model(x, lengths), y)
        loss.backward()
        opt.step()
        return loss

    for x, y, lengths in batches[:args.warmup]:
        step(x, y, lengths)
    longest = 0.0
    t0 = time.perf_counter()
    for x, y, lengths in batches:
        b = time.perf_counter()
        step(x, y, lengths)
        longest = max(longest, time.perf_counter() - b)
    seconds = time.perf_counter() - t0
    steps = len(batches)
    model_text = common.MODELS[name.replace("-unpacked", "")]
    if name == "course-bilstm":
        model_text += " (packed)"
    elif name == "course-bilstm-unpacked":
        model_text = model_text.replace(",mask_zero", "") + " (padding as input)"
    return common.row(name, model_text, steps, steps * common.BATCH, tokens, seconds, longest_step_ms=1e3 * longest)


names = args.only or common.NAMES
rows = []
for name in names:
    if name not in common.NAMES:
        sys.exit(f"unknown configuration {name} (known: {', '.join(common.NAMES)})")
    for variant in ([name, name + "-unpacked"] if name == "course-bilstm" else [name]):
        common.log(f"torch: running {variant} ...")
        rows.append(run(variant))
        common.log(f"  {rows[-1]['ms_per_step']:.3f} ms/step")
backend = (f"PyTorch {torch.__version__} eager (CPU), {torch.get_num_threads()} intra-op threads, "
           f"oneDNN {'on' if torch.backends.mkldnn.is_available() else 'off'}")
common.report(rows, backend, {"machine": common.machine()}, args.json)
