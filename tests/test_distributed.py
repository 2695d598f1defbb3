"""``gather=True``: the contrastive losses over a torch.distributed process group.

Two CPU processes (gloo backend, started with ``torch.multiprocessing.spawn`` on a
free localhost port) each hold a slice of one global batch -- 3 rows on rank 0,
5 on rank 1, as with a smaller last batch -- and call a loss with ``gather=True``.
They save what they computed; the tests here compare it with the single-process
loss on the whole batch, computed in this process. The relation checked
(``lossbook.distributed`` explains it):

* every rank's loss equals the single-process loss of the concatenated batch;
* every rank's gradient of its local embeddings equals ``W`` (= 2) times its rows
  of the single-process gradient -- the gradient of the sum of the ``W``
  identical per-rank losses;
* in a ``DistributedDataParallel`` step, which averages over the ``W`` ranks,
  every rank's parameter gradients equal the single-process ones.

Float64 throughout, so the comparisons are tight. One spawn serves the whole file.
"""

from __future__ import annotations

import datetime
import os
import socket

import pytest
import torch
import torch.distributed as dist
import torch.multiprocessing as mp
from torch.nn.parallel import DistributedDataParallel

import lossbook as lb
from lossbook.distributed import all_gather_with_grad

SIZES = (3, 5)  # rows on rank 0 and rank 1
WORLD = len(SIZES)
N, DIM, IN_FEATURES = sum(SIZES), 4, 6
REDUCTIONS = ("mean", "sum", "none")
#: case -> (loss, keyword arguments besides gather and reduction)
LOSSES = {
    "info_nce": ("info_nce", {"temperature": 0.1}),
    "info_nce_queue": ("info_nce", {"temperature": 0.1, "negatives": "queue"}),
    "clip_loss": ("clip_loss", {"temperature": 0.07}),
    "nt_xent": ("nt_xent", {"temperature": 0.5}),
}
CASES = [(case, reduction) for case in LOSSES for reduction in REDUCTIONS]


def _inputs() -> dict[str, torch.Tensor]:
    """The global batch (float64), a shared detached queue and the weights for ``"none"``."""
    g = torch.Generator().manual_seed(0)
    data = {name: torch.randn(N, DIM, generator=g, dtype=torch.float64) for name in ("a", "b")}
    data["queue"] = torch.randn(6, DIM, generator=g, dtype=torch.float64)
    data["weights"] = torch.rand(2 * N, generator=g, dtype=torch.float64)  # backward of "none"
    data["x1"], data["x2"] = torch.randn(2, N, IN_FEATURES, generator=g, dtype=torch.float64)
    return data


def _model() -> torch.nn.Module:
    torch.manual_seed(1)
    return torch.nn.Linear(IN_FEATURES, DIM, dtype=torch.float64)


def _loss(case, reduction, a, b, data, **gather):
    name, kwargs = LOSSES[case]
    kwargs = {k: data[v] if v == "queue" else v for k, v in kwargs.items()}
    return getattr(lb, name)(a, b, reduction=reduction, **kwargs, **gather)


def _scalar(loss: torch.Tensor, data) -> torch.Tensor:
    """What backward starts from: the loss, or a fixed weighting of the ``"none"`` vector."""
    return loss if loss.ndim == 0 else (loss * data["weights"][: loss.numel()]).sum()


def _ddp_loss(model, x1, x2):
    z = model(torch.cat([x1, x2]))  # one forward for both views
    z1, z2 = z.split(x1.shape[0])
    return z1, z2


def _worker(rank: int, port: int, folder: str) -> None:
    """One rank: every case with gather=True, then one DDP step; results saved to a file."""
    os.environ["MASTER_ADDR"] = "127.0.0.1"
    os.environ["MASTER_PORT"] = str(port)
    torch.set_num_threads(1)
    dist.init_process_group(
        "gloo", rank=rank, world_size=WORLD, timeout=datetime.timedelta(seconds=60)
    )
    try:
        data = _inputs()
        rows = slice(sum(SIZES[:rank]), sum(SIZES[: rank + 1]))
        out = {}
        for case, reduction in CASES:
            a = data["a"][rows].clone().requires_grad_()
            b = data["b"][rows].clone().requires_grad_()
            loss = _loss(case, reduction, a, b, data, gather=True)
            _scalar(loss, data).backward()
            out[case, reduction] = (loss.detach(), a.grad, b.grad)

        x = all_gather_with_grad(data["a"][rows].clone().requires_grad_())
        out["gathered"] = x.detach()

        model = _model()
        ddp = DistributedDataParallel(model)
        z1, z2 = _ddp_loss(ddp, data["x1"][rows], data["x2"][rows])
        loss = lb.nt_xent(z1, z2, temperature=0.5, gather=True)
        loss.backward()  # DDP averages the parameter gradients over the ranks
        out["ddp"] = (loss.detach(), {k: p.grad for k, p in model.named_parameters()})
        torch.save(out, os.path.join(folder, f"rank{rank}.pt"))
    finally:
        dist.destroy_process_group()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def ranks(tmp_path_factory) -> list[dict]:
    """What each of the two ranks computed (one spawn for the whole file)."""
    folder = tmp_path_factory.mktemp("distributed")
    mp.spawn(_worker, args=(_free_port(), str(folder)), nprocs=WORLD, join=True)
    return [torch.load(folder / f"rank{r}.pt") for r in range(WORLD)]


def _rows(rank: int) -> slice:
    return slice(sum(SIZES[:rank]), sum(SIZES[: rank + 1]))


@pytest.mark.parametrize(("case", "reduction"), CASES)
def test_gathered_loss_and_gradients_match_one_process(ranks, case, reduction):
    data = _inputs()
    a = data["a"].clone().requires_grad_()
    b = data["b"].clone().requires_grad_()
    expected = _loss(case, reduction, a, b, data)  # one process, the whole batch
    _scalar(expected, data).backward()
    for rank, result in enumerate(ranks):
        loss, grad_a, grad_b = result[case, reduction]
        torch.testing.assert_close(loss, expected.detach(), rtol=1e-12, atol=1e-12)
        # the gradient of the sum of the W identical per-rank losses: W x the local rows
        torch.testing.assert_close(grad_a, WORLD * a.grad[_rows(rank)], rtol=1e-10, atol=1e-12)
        torch.testing.assert_close(grad_b, WORLD * b.grad[_rows(rank)], rtol=1e-10, atol=1e-12)


def test_all_gather_with_grad_concatenates_in_rank_order(ranks):
    for result in ranks:
        torch.testing.assert_close(result["gathered"], _inputs()["a"], rtol=0, atol=0)


def test_ddp_step_gives_the_single_process_parameter_gradients(ranks):
    """DDP averages over W ranks, cancelling the factor W: no rescaling needed."""
    data = _inputs()
    model = _model()
    z1, z2 = _ddp_loss(model, data["x1"], data["x2"])
    expected = lb.nt_xent(z1, z2, temperature=0.5)
    expected.backward()
    for loss, grads in (result["ddp"] for result in ranks):
        torch.testing.assert_close(loss, expected.detach(), rtol=1e-12, atol=1e-12)
        for name, p in model.named_parameters():
            torch.testing.assert_close(grads[name], p.grad, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("name", ["info_nce", "clip_loss", "nt_xent"])
def test_gather_outside_a_process_group_is_a_clear_error(name):
    assert not dist.is_initialized()
    x = torch.randn(4, 3)
    with pytest.raises(ValueError, match=r"gather=True .*init_process_group"):
        getattr(lb, name)(x, x, gather=True)
