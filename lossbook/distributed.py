"""Contrastive losses across processes: an all-gather that keeps its gradient.

In-batch contrastive losses (:func:`~lossbook.info_nce`, :func:`~lossbook.clip_loss`,
:func:`~lossbook.nt_xent`) get better with more negatives. Under data-parallel
training each of ``W`` processes ("ranks") holds only its own slice of the batch;
``gather=True`` makes every rank contrast its rows with the *global* batch, the
``W`` slices concatenated in rank order.

Why not ``torch.distributed.all_gather``? It writes the other ranks' tensors into
buffers this rank allocated: an in-place copy that autograd does not record, so
the gathered rows are constants without a ``grad_fn``. A loss built on them
sends no gradient back to the rank that produced them -- rank ``r``'s embeddings
learn only from the loss terms computed on rank ``r``, and the gradient is wrong.
:func:`all_gather_with_grad` is the same collective as an autograd function whose
backward is the adjoint of the gather: every rank's gradient with respect to the
gathered tensor is summed over ranks and each rank keeps the rows that came from
it. Here the sum is an all-reduce, which every backend has and which allows ranks
with different batch sizes; a reduce-scatter moves less data (``W`` times less
received per rank) where the backend offers one, as NCCL does.

The convention this gives (and that DDP expects): after ``backward()``, the
gradient of rank ``r``'s local tensor is the gradient of the **sum over ranks of
the per-rank losses**. When every rank computes the same global loss ``L`` (as
the lossbook losses do with ``gather=True``) that is ``W · ∂L/∂x_r``;
``DistributedDataParallel`` then *averages* parameter gradients over the ``W``
ranks, and the factor cancels: every rank ends with the single-process gradient
of ``L`` on the global batch. (``torch.distributed.nn.functional.all_gather``
follows the same convention.)

What the three losses give with ``gather=True`` (one description, for each of them):
every rank gets the loss of the concatenated global batch (``reduction="none"``: every
rank's rows, in rank order), and its embeddings get ``W`` times their rows of that loss's
gradient, which ``DistributedDataParallel``'s averaging over the ``W`` ranks turns into
the single-process gradient.

Every rank must make the same calls in the same order, forward and backward:
a rank that skips a ``backward()`` leaves the others waiting in the all-reduce.
"""

from __future__ import annotations

import torch
import torch.distributed as dist
from torch import Tensor

__all__ = ["all_gather_with_grad", "gather_batch", "require_process_group"]


def require_process_group(what: str = "gather=True") -> None:
    """Raise ``ValueError`` unless a ``torch.distributed`` process group is initialised."""
    if not (dist.is_available() and dist.is_initialized()):
        hint = ", or pass gather=False for a single process" if "gather" in what else ""
        raise ValueError(
            f"{what} needs an initialised torch.distributed process group (it gathers the "
            "batch of every process), but none is initialised: call "
            f"torch.distributed.init_process_group(...) in each training process first{hint}"
        )


def _rows_per_rank(tensor: Tensor, group) -> list[int]:
    """The first dimension of ``tensor`` on every rank, in rank order (one small all-gather)."""
    mine = torch.tensor([tensor.shape[0]], dtype=torch.long, device=tensor.device)
    sizes = [torch.zeros_like(mine) for _ in range(dist.get_world_size(group))]
    dist.all_gather(sizes, mine, group=group)
    return [int(size) for size in sizes]


class _AllGatherWithGrad(torch.autograd.Function):
    """Forward: concatenate every rank's rows. Backward: sum over ranks, keep the local rows."""

    @staticmethod
    def forward(ctx, tensor: Tensor, sizes: list[int], group) -> Tensor:
        ctx.group = group
        rank = dist.get_rank(group)
        ctx.rows = slice(sum(sizes[:rank]), sum(sizes[: rank + 1]))
        # all_gather needs equal shapes: pad every rank's rows to the longest, cut after.
        longest = max(sizes)
        padded = tensor.new_zeros((longest, *tensor.shape[1:]))
        padded[: tensor.shape[0]] = tensor
        buffers = [torch.empty_like(padded) for _ in sizes]
        dist.all_gather(buffers, padded, group=group)
        return torch.cat([buffer[:size] for buffer, size in zip(buffers, sizes, strict=True)])

    @staticmethod
    def backward(ctx, grad: Tensor):
        # ∂(Σ_s L_s)/∂x_r = Σ_s (rows r of ∂L_s/∂gathered): all-reduce, then this rank's rows.
        total = grad.contiguous().clone()  # all_reduce works in place
        dist.all_reduce(total, op=dist.ReduceOp.SUM, group=ctx.group)
        return total[ctx.rows], None, None


def all_gather_with_grad(tensor: Tensor, group=None) -> Tensor:
    """Concatenate ``tensor`` from every rank along dimension 0, differentiably.

    Ranks may hold different numbers of rows (a smaller last batch); the other
    dimensions, the dtype and the device must agree. Returns ``(N_global, ...)``
    with rank 0's rows first. Backward: the incoming gradient is summed over
    ranks (all-reduce) and each rank keeps the slice of its own rows -- so the
    gradient of a rank's input is that of the sum of all ranks' losses (see the
    module docstring for why that is what DDP needs).

    Args:
        tensor: this rank's ``(N_r, ...)`` rows.
        group: the process group (default: the world).
    """
    require_process_group("all_gather_with_grad")
    return _AllGatherWithGrad.apply(tensor, _rows_per_rank(tensor, group), group)


def gather_batch(*tensors: Tensor, group=None) -> tuple[list[Tensor], slice]:
    """All-gather several tensors of this rank's batch (same first dimension ``N_r``).

    Returns the gathered ``(N_global, ...)`` tensors and the slice of rows that
    came from this rank (``gathered[rows]`` equals the local tensor).
    """
    require_process_group()
    sizes = _rows_per_rank(tensors[0], group)
    rank = dist.get_rank(group)
    rows = slice(sum(sizes[:rank]), sum(sizes[: rank + 1]))
    return [_AllGatherWithGrad.apply(t, sizes, group) for t in tensors], rows
