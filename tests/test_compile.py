"""Every loss compiles as one graph; ``lossbook.compiled`` and ``compile=True`` give its speed.

Every catalog loss is in the full-graph test, with no exception: ``ctc`` and
``gradient_penalty`` take another road while compiling (all frames / the targets' full
width; ``torch.func.grad``), so they have their own equal-to-eager tests below.

The full-graph check uses the cheap ``"eager"`` / ``"aot_eager"`` backends (they trace
exactly as the default backend does, without generating code); two losses go through
the default inductor backend end to end.
"""

from __future__ import annotations

import warnings

import pytest
import torch

import lossbook as lb
from lossbook import compiled
from lossbook.catalog import CATALOG
from lossbook.nn import BCEWithLogitsLoss, HuberLoss
from lossbook.testing.examples import example_inputs


def _example(name: str):
    example = example_inputs(name, 4, dtype=torch.float64)
    assert example is not None, name
    return example


@pytest.mark.parametrize("name", list(CATALOG))
def test_every_loss_compiles_as_one_graph(name):
    torch._dynamo.reset()
    fn = CATALOG[name].fn
    example = _example(name)
    kwargs = dict(example.kwargs)
    # Dynamo cannot trace a torch.Generator (gradient_penalty's): both calls draw from the
    # global generator, seeded alike.
    kwargs.pop("generator", None)
    graph = torch.compile(fn, fullgraph=True, backend="eager")
    torch.manual_seed(0)
    compiled_value = graph(*example.args, **kwargs)
    torch.manual_seed(0)
    torch.testing.assert_close(compiled_value, fn(*example.args, **kwargs))


def test_a_class_weighted_mean_compiles_to_the_weighted_average():
    """Compiled, the class-weighted mean takes the road without value checks (``checks.reduce``):
    it must still be ``Σ w·ℓ / Σ w`` over the counted targets, as ``F.cross_entropy`` gives."""
    torch._dynamo.reset()
    logits = torch.tensor(
        [[2.0, 0.5, -1.0], [0.1, 0.2, 0.3], [-1.0, 1.0, 3.0]], dtype=torch.float64
    )
    target = torch.tensor([0, 2, -100])
    weight = torch.tensor([1.0, 2.0, 5.0], dtype=torch.float64)
    graph = torch.compile(lb.cross_entropy, fullgraph=True, backend="eager")
    want = torch.nn.functional.cross_entropy(logits, target, weight=weight)
    torch.testing.assert_close(graph(logits, target, weight=weight), want)


def _recording_backend():
    """A ``torch.compile`` backend that keeps each graph it is given and runs it as traced."""
    graphs = []

    def record(graph_module, example_inputs):
        graphs.append(graph_module)
        return graph_module.forward

    return graphs, record


def test_every_loss_compiles_in_one_process():
    """Dynamo keeps at most 8 compiled graphs per code object (``recompile_limit``). When
    thirty losses shared their autocast decorator's code, the ninth loss compiled in a
    process silently ran eagerly -- the benchmark's "compiled" column was eager for most
    losses. No ``torch._dynamo.reset()`` between losses here, as in a user's process."""
    torch._dynamo.reset()
    graphs, record = _recording_backend()

    not_compiled = []
    for name in CATALOG:
        example = _example(name)
        kwargs = {k: v for k, v in example.kwargs.items() if k != "generator"}
        graphs.clear()
        torch.compile(CATALOG[name].fn, backend=record)(*example.args, **kwargs)
        if not graphs:
            not_compiled.append(name)
    assert not not_compiled, f"ran eagerly under torch.compile: {not_compiled}"


FIVE = ["mse", "huber", "binary_cross_entropy", "binary_cross_entropy_with_logits", "kl_divergence"]


@pytest.mark.parametrize("name", [*FIVE, "ctc"])
def test_closed_form_backward_traces_with_autograd(name):
    """aot_eager traces forward *and* the Function's backward into graphs."""
    torch._dynamo.reset()
    fn = CATALOG[name].fn
    example = _example(name)
    args = [a.clone().requires_grad_(True) if i in example.differentiable else a
            for i, a in enumerate(example.args)]  # fmt: skip
    leaves = [args[i] for i in example.differentiable]
    graph = torch.compile(fn, fullgraph=True, backend="aot_eager")
    ours = torch.autograd.grad(graph(*args, **example.kwargs), leaves)
    eager = torch.autograd.grad(fn(*args, **example.kwargs), leaves)
    torch.testing.assert_close(ours, eager)


def _ctc_batch(concatenated: bool):
    """Lengths below T and S, NaN in the frames past each input (never read), one impossible
    alignment (3 repeated labels in 4 frames)."""
    g = torch.Generator().manual_seed(5)
    frames, batch, classes = 9, 4, 5
    logits = torch.randn(frames, batch, classes, generator=g, dtype=torch.float64)
    input_lengths = torch.tensor([9, 6, 4, 7])
    target_lengths = torch.tensor([3, 2, 3, 0])
    targets = torch.randint(1, classes, (batch, 4), generator=g)
    targets[2, :3] = 2  # "222" needs 5 frames: p = 0
    logits[6:, 1] = float("nan")  # padding past T_1 = 6
    if concatenated:
        targets = torch.cat([targets[n, :length] for n, length in enumerate(target_lengths)])
    return logits, targets, input_lengths, target_lengths


@pytest.mark.parametrize("concatenated", [False, True], ids=["padded", "concatenated"])
@pytest.mark.parametrize("reduction", ["none", "mean"])
def test_compiled_ctc_equals_eager(concatenated, reduction):
    """While compiling, ctc runs every frame and pads to the targets' width (max T_n, max S_n
    are data); the loss and the gradient must not change."""
    logits, targets, input_lengths, target_lengths = _ctc_batch(concatenated)
    kwargs = {"reduction": reduction, "zero_infinity": True}

    def run(fn):
        leaf = logits.clone().requires_grad_()
        value = fn(leaf.log_softmax(2), targets, input_lengths, target_lengths, **kwargs)
        (grad,) = torch.autograd.grad(value.sum(), leaf)
        return value, grad

    torch._dynamo.reset()
    eager_value, eager_grad = run(lb.ctc)
    graph_value, graph_grad = run(torch.compile(lb.ctc, fullgraph=True, backend="aot_eager"))
    torch.testing.assert_close(graph_value, eager_value)
    torch.testing.assert_close(graph_grad.nan_to_num(), eager_grad.nan_to_num())
    assert eager_grad[:, 1].isnan().any() == graph_grad[:, 1].isnan().any()


def _critic_and_batch():
    torch.manual_seed(7)
    critic = torch.nn.Sequential(
        torch.nn.Linear(3, 16), torch.nn.Tanh(), torch.nn.Linear(16, 1)
    ).double()
    g = torch.Generator().manual_seed(8)
    real = torch.randn(6, 3, generator=g, dtype=torch.float64)
    fake = torch.randn(6, 3, generator=g, dtype=torch.float64)
    return critic, real, fake


@pytest.mark.parametrize("backend", ["aot_eager", "inductor"])
def test_compiled_gradient_penalty_has_the_eager_double_backward(backend):
    """Compiled, the input gradient comes from torch.func.grad instead of autograd.grad: the
    penalty and its gradient with respect to the critic's parameters must be the same."""
    critic, real, fake = _critic_and_batch()
    params = list(critic.parameters())

    def run(fn):
        torch.manual_seed(0)
        penalty = fn(critic, real, fake, weight=10.0)
        grads = torch.autograd.grad(penalty, params, allow_unused=True, materialize_grads=True)
        return penalty, grads

    torch._dynamo.reset()
    eager = run(lb.gradient_penalty)
    # inductor draws ε with its own random generator unless told to use eager's
    with torch._inductor.config.patch(fallback_random=True):
        graph = run(torch.compile(lb.gradient_penalty, fullgraph=True, backend=backend))
    torch.testing.assert_close(graph, eager)
    assert eager[1][0].abs().sum() > 0  # the penalty reaches the first layer's weights


def test_gradient_penalty_with_a_generator_under_compile():
    """fullgraph: an error that says what to do; plain compile: Dynamo runs it eagerly.

    torch 2.4 (the floor, tools/check_floor.sh) drops the message of an error raised while
    tracing: its Dynamo error names only the line that raises it (docs/DECISIONS.md)."""
    critic, real, fake = _critic_and_batch()
    torch._dynamo.reset()
    graph = torch.compile(lb.gradient_penalty, fullgraph=True, backend="eager")
    if torch.torch_version.TorchVersion(torch.__version__) < (2, 5):
        message = r"(?s)Observed exception.*adversarial\.py.*in gradient_penalty"
    else:
        message = "seed the global generator with torch.manual_seed"
    with pytest.raises(Exception, match=message):
        graph(critic, real, fake, generator=torch.Generator().manual_seed(1))
    torch._dynamo.reset()
    fallback = torch.compile(lb.gradient_penalty, backend="eager")
    torch.testing.assert_close(
        fallback(critic, real, fake, generator=torch.Generator().manual_seed(1)),
        lb.gradient_penalty(critic, real, fake, generator=torch.Generator().manual_seed(1)),
    )


def test_value_checks_are_skipped_only_while_compiling():
    probs, target = torch.tensor([0.5, 1.5]), torch.tensor([0.0, 1.0])
    with pytest.raises(ValueError, match="probabilities"):
        lb.binary_cross_entropy(probs, target)  # eager: checked
    torch._dynamo.reset()
    graph = torch.compile(lb.binary_cross_entropy, fullgraph=True, backend="eager")
    graph(probs, target)  # compiled: the range check is skipped (documented), no error
    with pytest.raises(ValueError, match="same shape"):  # shape checks still run while tracing
        torch.compile(lb.binary_cross_entropy, backend="eager")(probs, target[:1])


def _pair(seed: int = 0):
    g = torch.Generator().manual_seed(seed)
    pred = (3 * torch.randn(64, 8, generator=g)).requires_grad_()
    target = torch.randn(64, 8, generator=g)
    return pred, target


def test_compiled_huber_equals_eager_default_backend():
    torch._dynamo.reset()
    pred, target = _pair()
    ours = compiled.huber(pred, target, delta=1.5)
    eager = lb.huber(pred, target, delta=1.5)
    torch.testing.assert_close(ours, eager)
    torch.testing.assert_close(torch.autograd.grad(ours, pred), torch.autograd.grad(eager, pred))
    assert compiled.huber.fallback_reason is None  # really compiled


def test_module_compile_true_equals_eager_default_backend():
    torch._dynamo.reset()
    logits, _ = _pair(1)
    target = (torch.rand(64, 8, generator=torch.Generator().manual_seed(2)) > 0.5).float()
    pos_weight = torch.linspace(0.5, 2.0, 8)
    module = BCEWithLogitsLoss(pos_weight=pos_weight, compile=True)
    assert "compile=True" in repr(module)
    ours = module(logits, target)
    eager = lb.binary_cross_entropy_with_logits(logits, target, pos_weight=pos_weight)
    torch.testing.assert_close(ours, eager)
    torch.testing.assert_close(
        torch.autograd.grad(ours, logits), torch.autograd.grad(eager, logits)
    )
    assert module._compiled.fallback_reason is None


def test_falls_back_to_eager_with_a_warning(monkeypatch):
    def unavailable(*args, **kwargs):
        raise RuntimeError("no C compiler here")

    monkeypatch.setattr(torch, "compile", unavailable)
    pred, target = _pair(3)
    loss = HuberLoss(delta=1.0, compile=True)
    with pytest.warns(RuntimeWarning, match="no C compiler.*running it eagerly"):
        value = loss(pred, target)
    torch.testing.assert_close(value, lb.huber(pred, target))
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # warned once, then quietly eager
        torch.testing.assert_close(loss(pred, target), lb.huber(pred, target))
    assert "no C compiler" in repr(loss._compiled)


def test_a_wrong_input_raises_the_eager_error_not_a_fallback(monkeypatch):
    def unavailable(*args, **kwargs):
        raise RuntimeError("compiler broken")

    monkeypatch.setattr(torch, "compile", unavailable)
    wrapped = compiled.compile_loss(lb.mse)
    with pytest.raises(ValueError, match="same shape"):
        wrapped(torch.zeros(3, 1), torch.zeros(3))
    assert wrapped.fallback_reason is None


def test_compiled_module_names():
    assert compiled.mse is compiled.mse  # one compiled function per loss
    assert "huber" in dir(compiled)
    with pytest.raises(AttributeError, match="no loss 'hubber'"):
        compiled.hubber  # noqa: B018
    with pytest.raises(TypeError, match="compile must be a bool"):
        HuberLoss(compile="yes")


def test_ctc_recursions_are_sound_custom_operators():
    """The α and β̂ loops are custom operators (one graph node each, not T unrolled steps):
    opcheck tests their schema and that their fake versions match the real outputs."""
    from lossbook import sequence

    logits, targets, input_lengths, target_lengths = _ctc_batch(False)
    log_probs = logits.nan_to_num().log_softmax(2)
    l_prime = sequence._extended_labels(targets[:, :3], blank=0)
    emit = log_probs.gather(2, l_prime.unsqueeze(0).expand(log_probs.shape[0], -1, -1))
    skip = sequence._skip_log_mask(l_prime, 0, emit.dtype)
    end_mask = sequence._end_mask(target_lengths, l_prime.shape[1], emit.dtype)
    torch.library.opcheck(sequence._alpha_op, (emit, skip))
    torch.library.opcheck(sequence._beta_op, (emit, skip, end_mask, input_lengths - 1))


def test_compiled_ctc_graph_does_not_grow_with_the_number_of_frames():
    """Unrolled, the time loop made a graph of ~10·T nodes (minutes of compiling at T = 200)."""
    sizes = {}
    graphs, record = _recording_backend()

    for frames in (5, 40):
        graphs.clear()

        torch._dynamo.reset()
        g = torch.Generator().manual_seed(frames)
        log_probs = torch.randn(frames, 2, 4, generator=g).log_softmax(2)
        targets = torch.tensor([[1, 2], [3, 3]])
        torch.compile(lb.ctc, fullgraph=True, backend=record)(
            log_probs, targets, torch.tensor([frames, frames - 1]), torch.tensor([2, 2])
        )
        (graph,) = graphs
        sizes[frames] = len(graph.graph.nodes)
        targets_called = [n.target for n in graph.graph.nodes if n.op == "call_function"]
        assert torch.ops.lossbook.ctc_alpha.default in targets_called
    assert sizes[5] == sizes[40], sizes
