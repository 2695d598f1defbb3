r"""Looking at a loss landscape: random directions, 1-D and 2-D slices, interpolation, sharpness.

A network's loss :math:`L(\theta)` lives in a space with as many dimensions as
the network has weights, so we look at it through low-dimensional *slices*
(Li et al., 2018, "Visualizing the Loss Landscape of Neural Nets"):

.. math::

    f(\alpha) = L(\theta + \alpha\,\delta), \qquad
    g(\alpha, \beta) = L(\theta + \alpha\,\delta + \beta\,\eta)

for one or two random directions :math:`\delta, \eta` in weight space. Plain
Gaussian directions mislead: a ReLU network's function does not change when one
layer's weights are multiplied by :math:`c > 0` and the next layer's by
:math:`1/c`, but a step of fixed length looks huge next to small weights and
tiny next to large ones, so the "same" minimum can be drawn sharp or flat at
will. *Filter normalisation* fixes the scale: every filter of the direction
(each output unit of a linear layer, each output channel of a convolution) is
rescaled to the norm of the matching filter of the weights,

.. math::

    \delta_{i,j} \leftarrow \frac{\delta_{i,j}}{\lVert \delta_{i,j}\rVert}\,
    \lVert \theta_{i,j}\rVert,

which makes the slice invariant to that rescaling (the tests check it).

The 1-D interpolation :math:`L((1-\alpha)\,\theta_a + \alpha\,\theta_b)` between
two solutions is Goodfellow, Vinyals and Saxe (2015)'s picture. Sharpness is
measured by the top eigenvalue of the Hessian :math:`\nabla^2 L(\theta)`, found
by power iteration on Hessian-vector products (Pearlmutter, 1994), never
forming the Hessian.

Conventions for every function here:

* ``loss_fn(model) -> Tensor`` is a closure over the data that returns the loss
  as a scalar (one-element) tensor, e.g.
  ``lambda m: lossbook.mse(m(x), y)``. It should be deterministic: put the
  model in ``eval()`` mode first if it has dropout or batch norm.
* Directions and parameter lists ("``theta``") are lists of tensors in the
  order of ``model.parameters()``, each with its parameter's shape.
* Slices and interpolations move the parameters temporarily under
  :func:`torch.no_grad` and always put them back bit for bit, also when
  ``loss_fn`` raises. Only parameters move; buffers (batch-norm running
  statistics) are left as they are.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager

import torch
from torch import Tensor, nn

from .checks import check_positive, check_tensor

__all__ = [
    "get_parameters",
    "interpolate",
    "random_direction",
    "set_parameters",
    "sharpness",
    "slice_1d",
    "slice_2d",
]

LossFn = Callable[[nn.Module], Tensor]


# --- parameters in and out ----------------------------------------------------------------------
def _check_model(model: object) -> list[nn.Parameter]:
    if not isinstance(model, nn.Module):
        raise TypeError(f"model must be a torch.nn.Module, got {type(model).__name__}")
    params = list(model.parameters())
    if not params:
        raise ValueError("model must have at least one parameter, got none")
    return params


def get_parameters(model: nn.Module) -> list[Tensor]:
    """A detached copy of the model's parameters, in the order of ``model.parameters()``.

    Use it to remember a solution, e.g. ``theta_a = get_parameters(model)``
    before training on, and pass it to :func:`interpolate` later.
    """
    return [p.detach().clone() for p in _check_model(model)]


def set_parameters(model: nn.Module, theta: Sequence[Tensor] | Mapping[str, Tensor]) -> None:
    """Copy ``theta`` into the model's parameters in place (no autograd history).

    Args:
        model: the network.
        theta: a list of tensors in the order of ``model.parameters()``, or a mapping
            from parameter names (``model.named_parameters()``) to tensors, such as
            a ``state_dict()``; extra keys (buffers) are ignored.
    """
    params = _check_model(model)
    values = _as_parameter_list(model, theta, "theta")
    with torch.no_grad():
        for p, value in zip(params, values, strict=True):
            p.copy_(value)


def _as_parameter_list(
    model: nn.Module, theta: Sequence[Tensor] | Mapping[str, Tensor], name: str
) -> list[Tensor]:
    """Validate a list (or name → tensor mapping) of one tensor per parameter; return the list."""
    named = list(model.named_parameters())
    if isinstance(theta, Mapping):
        missing = [n for n, _ in named if n not in theta]
        if missing:
            raise ValueError(
                f"{name} is missing parameters {missing[:5]}; a mapping must hold every name "
                f"in model.named_parameters()"
            )
        values = [theta[n] for n, _ in named]
    elif isinstance(theta, (list, tuple)):
        values = list(theta)
    else:
        raise TypeError(
            f"{name} must be a list of tensors (one per parameter) or a mapping from "
            f"parameter names to tensors, got {type(theta).__name__}"
        )
    if len(values) != len(named):
        raise ValueError(
            f"{name} must hold one tensor per parameter of the model ({len(named)}), "
            f"got {len(values)}"
        )
    for i, ((pname, p), value) in enumerate(zip(named, values, strict=True)):
        check_tensor(f"{name}[{i}]", value)
        if value.shape != p.shape:
            raise ValueError(
                f"{name}[{i}] must have the shape of parameter {pname!r} {tuple(p.shape)}, "
                f"got {tuple(value.shape)}"
            )
    return values


@contextmanager
def _restored(params: list[nn.Parameter]) -> Iterator[list[Tensor]]:
    """Yield a copy of ``params``; afterwards copy it back, whatever happened inside."""
    with torch.no_grad():
        saved = [p.detach().clone() for p in params]
    try:
        yield saved
    finally:
        with torch.no_grad():
            for p, value in zip(params, saved, strict=True):
                p.copy_(value)


def _as_scalars(name: str, values: object) -> list[float]:
    """Validate a 1-D, non-empty sequence of finite step sizes; return Python floats."""
    try:
        steps = torch.as_tensor(values, dtype=torch.float64)
    except (TypeError, ValueError, RuntimeError):
        raise TypeError(
            f"{name} must be a 1-D sequence or tensor of numbers, got {type(values).__name__}"
        ) from None
    if steps.dim() != 1 or steps.numel() == 0:
        raise ValueError(f"{name} must be a non-empty 1-D sequence, got shape {tuple(steps.shape)}")
    if not bool(torch.isfinite(steps).all()):
        raise ValueError(f"{name} must hold finite numbers, got {steps.tolist()}")
    return steps.tolist()


def _evaluate(model: nn.Module, loss_fn: LossFn) -> Tensor:
    """Call ``loss_fn(model)`` and check that it returned one number."""
    loss = loss_fn(model)
    if not isinstance(loss, Tensor) or loss.numel() != 1:
        got = tuple(loss.shape) if isinstance(loss, Tensor) else type(loss).__name__
        raise ValueError(f"loss_fn(model) must return a scalar tensor, got {got}")
    return loss.detach().reshape(())


# --- directions ---------------------------------------------------------------------------------
def random_direction(
    model: nn.Module,
    *,
    filter_normalize: bool = True,
    generator: torch.Generator | None = None,
) -> list[Tensor]:
    r"""A random direction in weight space, one tensor per parameter (Li et al., 2018).

    Each entry is drawn from :math:`\mathcal N(0, 1)`. With ``filter_normalize``
    (the default), for every parameter with two or more dimensions -- a linear
    layer's ``(out, in)`` weight, a convolution's ``(out, in, kh, kw)`` kernel --
    each *filter* (slice ``[i]`` along dim 0: one output unit or output
    channel) is rescaled to the norm of the same filter of the weights,

    .. math:: d_i \leftarrow \frac{d_i}{\lVert d_i\rVert + 10^{-10}}\,\lVert\theta_i\rVert,

    and every parameter with one dimension or none (biases, batch-norm and
    layer-norm scales and shifts) gets a zero direction. Zeroing those is the
    paper's choice (its code's ``ignore="biasbn"``): a bias has no filter to be
    normalised against, and leaving it fixed keeps the slice invariant to
    rescaling the weights. The ``1e-10`` keeps an all-zero filter at zero.

    Without ``filter_normalize`` the direction is the raw Gaussian for every
    parameter, biases included: the picture whose scale depends on the
    weights' scale.

    Args:
        model: the network.
        filter_normalize: rescale filters to the weights' filter norms (default).
        generator: a :class:`torch.Generator` for reproducible directions. The
            numbers are drawn on the generator's device (CPU by default), then
            moved to each parameter's device, so a seed gives the same
            direction on CPU and CUDA.

    Returns:
        A list of tensors shaped, typed and placed like ``model.parameters()``.
    """
    params = _check_model(model)
    draw_on = generator.device if generator is not None else torch.device("cpu")
    direction = []
    for p in params:
        d = torch.randn(p.shape, generator=generator, dtype=p.dtype, device=draw_on).to(p.device)
        if filter_normalize:
            w = p.detach()
            if w.dim() <= 1:
                d = torch.zeros_like(w)
            else:
                # Norm of each filter (everything but dim 0), kept broadcastable.
                dims = tuple(range(1, w.dim()))
                d_norm = torch.linalg.vector_norm(d, dim=dims, keepdim=True)
                w_norm = torch.linalg.vector_norm(w, dim=dims, keepdim=True)
                d = d / (d_norm + 1e-10) * w_norm
        direction.append(d)
    return direction


# --- slices -------------------------------------------------------------------------------------
def slice_1d(
    model: nn.Module,
    loss_fn: LossFn,
    direction: Sequence[Tensor],
    alphas: Sequence[float] | Tensor,
) -> Tensor:
    r"""The loss along one direction: :math:`f(\alpha) = L(\theta + \alpha\,d)` for each ``alpha``.

    Args:
        model: the network; its parameters are :math:`\theta`. They are moved
            in place during the evaluation and restored exactly afterwards
            (also if ``loss_fn`` raises).
        loss_fn: ``loss_fn(model)`` returns the loss as a scalar tensor.
        direction: one tensor per parameter, e.g. from :func:`random_direction`.
        alphas: step sizes, a 1-D sequence or tensor of length ``K``.

    Returns:
        Tensor of shape ``(K,)``: the losses, in the loss's dtype, detached.
    """
    params = _check_model(model)
    d = _as_parameter_list(model, direction, "direction")
    steps = _as_scalars("alphas", alphas)
    losses = []
    with _restored(params) as theta, torch.no_grad():
        for a in steps:
            for p, t, di in zip(params, theta, d, strict=True):
                p.copy_(t + a * di.to(p))
            losses.append(_evaluate(model, loss_fn))
    return torch.stack(losses)


def slice_2d(
    model: nn.Module,
    loss_fn: LossFn,
    d1: Sequence[Tensor],
    d2: Sequence[Tensor],
    alphas: Sequence[float] | Tensor,
    betas: Sequence[float] | Tensor,
) -> Tensor:
    r"""The loss on a plane: :math:`g(\alpha, \beta) = L(\theta + \alpha\,d_1 + \beta\,d_2)`.

    Two random Gaussian directions in a space of many dimensions are nearly
    orthogonal, so the plane is a fair 2-D cut (Li et al., 2018).

    Args:
        model: the network (restored exactly afterwards, as in :func:`slice_1d`).
        loss_fn: ``loss_fn(model)`` returns the loss as a scalar tensor.
        d1, d2: the two directions, one tensor per parameter each.
        alphas: ``K`` steps along ``d1``.
        betas: ``M`` steps along ``d2``.

    Returns:
        Tensor of shape ``(K, M)`` with ``[i, j]`` the loss at ``(alphas[i], betas[j])``
        (``indexing="ij"``: transpose it for ``matplotlib.contour(alphas, betas, Z)``).
    """
    params = _check_model(model)
    u = _as_parameter_list(model, d1, "d1")
    v = _as_parameter_list(model, d2, "d2")
    steps_a = _as_scalars("alphas", alphas)
    steps_b = _as_scalars("betas", betas)
    rows = []
    with _restored(params) as theta, torch.no_grad():
        for a in steps_a:
            row = []
            for b in steps_b:
                for p, t, ui, vi in zip(params, theta, u, v, strict=True):
                    p.copy_(t + a * ui.to(p) + b * vi.to(p))
                row.append(_evaluate(model, loss_fn))
            rows.append(torch.stack(row))
    return torch.stack(rows)


def interpolate(
    model: nn.Module,
    loss_fn: LossFn,
    theta_a: Sequence[Tensor] | Mapping[str, Tensor],
    theta_b: Sequence[Tensor] | Mapping[str, Tensor],
    alphas: Sequence[float] | Tensor,
) -> Tensor:
    r"""The loss on the straight line between two parameter vectors (Goodfellow et al., 2015).

    .. math:: h(\alpha) = L\bigl((1-\alpha)\,\theta_a + \alpha\,\theta_b\bigr)

    ``alpha = 0`` is ``theta_a``, ``alpha = 1`` is ``theta_b`` (exactly), and
    values outside ``[0, 1]`` extrapolate. A barrier along the line shows that
    the two solutions sit in different basins; its absence (as between the
    initialisation and a trained solution of many networks) shows a
    monotone path.

    Args:
        model: the network whose architecture the parameters belong to; its own
            parameters are restored exactly afterwards (also on an exception).
        loss_fn: ``loss_fn(model)`` returns the loss as a scalar tensor.
        theta_a, theta_b: the two endpoints. Either lists of tensors in the order
            of ``model.parameters()`` (e.g. from :func:`get_parameters`) or
            mappings from parameter names to tensors (e.g. a ``state_dict()``
            saved with ``copy.deepcopy``); only parameters are interpolated,
            buffers stay as they are in ``model``.
        alphas: ``K`` interpolation weights.

    Returns:
        Tensor of shape ``(K,)``: the losses, detached.
    """
    params = _check_model(model)
    a_list = _as_parameter_list(model, theta_a, "theta_a")
    b_list = _as_parameter_list(model, theta_b, "theta_b")
    steps = _as_scalars("alphas", alphas)
    losses = []
    with _restored(params), torch.no_grad():
        for a in steps:
            for p, ta, tb in zip(params, a_list, b_list, strict=True):
                p.copy_((1.0 - a) * ta.to(p) + a * tb.to(p))
            losses.append(_evaluate(model, loss_fn))
    return torch.stack(losses)


# --- sharpness ----------------------------------------------------------------------------------
def sharpness(
    model: nn.Module,
    loss_fn: LossFn,
    *,
    iterations: int = 50,
    tol: float = 1e-4,
    generator: torch.Generator | None = None,
    return_vector: bool = False,
) -> float | tuple[float, list[Tensor]]:
    r"""The dominant eigenvalue of the Hessian of the loss, by power iteration.

    Power iteration repeats

    .. math::

        v \leftarrow \frac{H v}{\lVert H v \rVert}, \qquad
        \lambda = v^\top H v \quad (\lVert v\rVert = 1),

    where :math:`H = \nabla^2_\theta L` and each Hessian-vector product is one
    double backward pass, :math:`Hv = \nabla_\theta\,(\nabla_\theta L \cdot v)`
    (Pearlmutter, 1994), so the Hessian is never formed. It stops after
    ``iterations`` steps or when :math:`|\lambda_k - \lambda_{k-1}| \le
    \mathrm{tol}\cdot|\lambda_k|`.

    **What it finds.** Power iteration converges to the eigenvalue of *largest
    magnitude*, with its sign. Near a minimum the Hessian is (almost) positive
    semi-definite, and that is the largest eigenvalue, the usual "sharpness"
    (Keskar et al., 2017): a large value means the loss curves up steeply in
    some direction, and gradient descent with a learning rate above
    :math:`2/\lambda` is unstable along it. Away from a minimum, if the most
    negative eigenvalue is larger in magnitude than the most positive one, the
    result is that *negative* eigenvalue (a saddle's steepest way down), not the
    largest one. If the two have almost the same magnitude, convergence is
    very slow (the rate is the ratio of the two largest magnitudes). To get
    the largest eigenvalue in that case, run power iteration on
    :math:`H - \lambda I` with the negative :math:`\lambda` found here.

    Args:
        model: the network; the Hessian is taken with respect to its parameters
            that have ``requires_grad=True``. Nothing is changed: neither the
            parameters nor their ``.grad``.
        loss_fn: ``loss_fn(model)`` returns the loss as a scalar tensor; it must be
            twice differentiable (``tanh``, ``softplus``... ; with ReLU the Hessian
            is that of the current linear pieces).
        iterations: the most power-iteration steps (Hessian-vector products).
        tol: relative tolerance on the change of the eigenvalue estimate.
        generator: for the random start vector (drawn on the generator's device).
        return_vector: also return the unit eigenvector, as one tensor per
            trainable parameter (e.g. to draw a :func:`slice_1d` along it).

    Returns:
        The eigenvalue as a Python float; with ``return_vector``, ``(eigenvalue, vector)``.
    """
    params = [p for p in _check_model(model) if p.requires_grad]
    if not params:
        raise ValueError("model must have parameters with requires_grad=True, got none")
    if isinstance(iterations, bool) or not isinstance(iterations, int) or iterations < 1:
        raise ValueError(f"iterations must be an integer >= 1, got {iterations!r}")
    check_positive("tol", tol)

    with torch.enable_grad():
        loss = loss_fn(model)
        if not isinstance(loss, Tensor) or loss.numel() != 1:
            got = tuple(loss.shape) if isinstance(loss, Tensor) else type(loss).__name__
            raise ValueError(f"loss_fn(model) must return a scalar tensor, got {got}")
        if not loss.requires_grad:
            raise ValueError("loss_fn(model) must depend on the model's parameters (no graph)")
        grads = torch.autograd.grad(loss.reshape(()), params, create_graph=True)

        def hvp(v: list[Tensor]) -> list[Tensor]:
            hv = torch.autograd.grad(
                grads, params, grad_outputs=v, retain_graph=True, allow_unused=True
            )
            return [
                torch.zeros_like(p) if h is None else h.detach()
                for p, h in zip(params, hv, strict=True)
            ]

        draw_on = generator.device if generator is not None else torch.device("cpu")
        v = [
            torch.randn(p.shape, generator=generator, dtype=p.dtype, device=draw_on).to(p.device)
            for p in params
        ]
        v = _normalised(v)
        eigenvalue, vector = float("nan"), v
        for _ in range(iterations):
            hv = hvp(v)
            previous, eigenvalue = eigenvalue, _dot(v, hv)  # Rayleigh quotient, |v| = 1
            vector = v
            norm = _norm(hv)
            if norm == 0.0:  # v is in the null space: H v = 0
                break
            v = [h / norm for h in hv]
            if abs(eigenvalue - previous) <= tol * abs(eigenvalue):
                break
    if return_vector:
        return eigenvalue, vector
    return eigenvalue


def _dot(a: list[Tensor], b: list[Tensor]) -> float:
    return float(sum((x * y).sum() for x, y in zip(a, b, strict=True)))


def _norm(a: list[Tensor]) -> float:
    return _dot(a, a) ** 0.5


def _normalised(a: list[Tensor]) -> list[Tensor]:
    norm = _norm(a)
    return [x / norm for x in a]
