"""read_log on every log format, the command, and real training logs published by others.

The real logs (``tests/fixtures/curves/*_trainer_state.json``) are trimmed copies of
Hugging Face ``trainer_state.json`` files from public repositories; each names its source
(repository, path, commit) and the label given from the curves' shape before
:func:`lossbook.curves.diagnose` was run on it (``_label``, ``_reasoning``).
"""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from lossbook import curves
from lossbook.curves import read_log

FIXTURES = Path(__file__).parent / "fixtures" / "curves"
DATA = Path(curves.__file__).parent / "data"  # two of the logs ship with the package (chapter 14)
REAL_LOGS = json.loads((FIXTURES / "real_logs.json").read_text())
SCORED = [e for e in REAL_LOGS if e["label"] != "ambiguous"]


# --- real logs, labelled from their shape before the function ran --------------------------------
def _diagnose(entry):
    return read_log(FIXTURES / entry["file"]).diagnose(**entry["kwargs"])


def test_the_real_logs_are_cited_and_enough():
    assert len(REAL_LOGS) >= 20
    for entry in REAL_LOGS:
        assert {"repository", "path", "commit", "trimmed"} <= set(entry["source"]), entry
        assert len(entry["source"]["commit"]) == 40 and entry["reasoning"], entry
        assert entry["label"] in {*curves.PATTERNS, "ambiguous"}, entry
    formats = {read_log(FIXTURES / e["file"]).format for e in REAL_LOGS}
    assert formats == {"Hugging Face trainer_state.json", "Lightning metrics.csv", "CSV"}


@pytest.mark.parametrize("entry", SCORED, ids=lambda e: e["file"])
def test_real_logs_are_named_as_labelled(entry):
    assert _diagnose(entry).pattern == entry["label"], entry["reasoning"]


@pytest.mark.parametrize("entry", REAL_LOGS, ids=lambda e: e["file"])
def test_no_still_falling_real_run_is_underfitting(entry):
    d = _diagnose(entry)
    if "still_improving" in d.flags or "still improving" in entry["reasoning"]:
        assert d.pattern != "underfitting"


# --- every format --------------------------------------------------------------------------------
def _decay(n, floor=0.1):
    return floor + (1 - floor) * np.exp(-np.arange(n) / (n / 5))


def test_trainer_state_steps_are_aligned_to_the_last_training_log(tmp_path):
    history = [{"loss": float(x), "step": 10 * (i + 1)} for i, x in enumerate(_decay(30))]
    evals = [{"eval_loss": 1.1 * float(x), "step": 30 * (i + 1)} for i, x in enumerate(_decay(10))]
    history = sorted(history + evals, key=lambda e: e["step"])
    history.append({"train_loss": 0.3, "step": 300})  # the summary entry is not a loss point
    path = tmp_path / "trainer_state.json"
    path.write_text(json.dumps({"log_history": history}))
    log = read_log(path)
    assert log.train.size == 30 and log.val.size == 10
    np.testing.assert_array_equal(log.val_steps, np.arange(2, 30, 3))
    assert log.diagnose().pattern == "healthy"


def test_lightning_metrics_csv_with_padded_rows(tmp_path):
    lines = ["epoch,step,train_loss,val_loss"]
    for epoch, (t, v) in enumerate(zip(_decay(12), 1.1 * _decay(12), strict=True)):
        for k in range(3):  # three training rows per epoch, then the validation row
            lines.append(f"{epoch},{epoch * 3 + k},{t + 0.01 * k:.5f},")
        lines.append(f"{epoch},{epoch * 3 + 2},,{v:.5f}")
    path = tmp_path / "metrics.csv"
    path.write_text("\n".join(lines) + "\n")
    log = read_log(path)
    assert log.format == "Lightning metrics.csv" and log.unit == "step"
    assert log.train.size == 36 and log.val.size == 12
    np.testing.assert_array_equal(log.val_steps, np.arange(2, 36, 3))
    assert log.diagnose().pattern == "healthy"


def test_keras_csv_logger_and_history(tmp_path):
    t, v = _decay(20), 1.1 * _decay(20)
    path = tmp_path / "training.log"
    rows = [f"{i},{a:.6f},{a:.6f},{b:.6f}" for i, (a, b) in enumerate(zip(t, v, strict=True))]
    path.write_text("epoch,accuracy,loss,val_loss\n" + "\n".join(rows) + "\n")
    log = read_log(path)
    assert log.val_steps is None and log.unit == "epoch" and log.train_key == "loss"
    np.testing.assert_allclose(log.train, t, atol=1e-6)
    history = {"loss": t.tolist(), "val_loss": v.tolist(), "accuracy": [0.5] * 20}
    (tmp_path / "history.json").write_text(json.dumps(history))
    for source in (history, tmp_path / "history.json"):
        log = read_log(source)
        np.testing.assert_array_equal(log.val, v)
        assert log.val_steps is None and log.diagnose().pattern == "healthy"


def test_named_columns_by_convention_or_given(tmp_path):
    path = tmp_path / "run.csv"
    rows = [f"{a:.6f},{b:.6f}" for a, b in zip(_decay(15), 1.2 * _decay(15), strict=True)]
    path.write_text("my_train,my_val\n" + "\n".join(rows) + "\n")
    with pytest.raises(ValueError, match=r"no train loss found: expected one of \[.*'my_train'"):
        read_log(path)
    log = read_log(path, train_key="my_train", val_key="my_val")
    assert log.train.size == log.val.size == 15
    with pytest.raises(ValueError, match=r"val_key='nope' is not in the log"):
        read_log(path, train_key="my_train", val_key="nope")


def test_bad_files_name_what_was_expected(tmp_path):
    with pytest.raises(ValueError, match="does not exist; expected a Hugging Face"):
        read_log(tmp_path / "missing.json")
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    with pytest.raises(ValueError, match="not valid JSON"):
        read_log(bad)
    empty = tmp_path / "empty"
    empty.mkdir()
    pytest.importorskip("tensorboard")
    with pytest.raises(ValueError, match="found no TensorBoard scalars"):
        read_log(empty)


def test_tensorboard_event_directory(tmp_path):
    pytest.importorskip("tensorboard")
    from torch.utils.tensorboard import SummaryWriter

    writer = SummaryWriter(str(tmp_path))
    for i, (t, v) in enumerate(zip(_decay(20), 1.1 * _decay(20), strict=True)):
        writer.add_scalar("train/loss", t, i)
        if i % 2 == 1:
            writer.add_scalar("eval/loss", v, i)
    writer.close()
    log = read_log(tmp_path)
    assert log.format == "TensorBoard" and (log.train_key, log.val_key) == (
        "train/loss",
        "eval/loss",
    )
    assert log.train.size == 20 and log.val.size == 10
    np.testing.assert_array_equal(log.val_steps, np.arange(1, 20, 2))


def test_tensorboard_without_the_extra_names_it(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "tensorboard", None)  # as if not installed
    monkeypatch.setitem(sys.modules, "tensorboard.backend.event_processing", None)
    with pytest.raises(ImportError, match=r"optional extra 'tensorboard'.*lossbook\[tensorboard\]"):
        read_log(tmp_path)


# --- the command -----------------------------------------------------------------------------------
def test_command_prints_the_diagnosis_and_writes_the_figure(tmp_path, capsys):
    pytest.importorskip("matplotlib")
    figure = tmp_path / "evidence.png"
    log = str(DATA / "tinyllama_sft_trainer_state.json")
    code = curves.main([log, "--floor", "0", "--figure", str(figure)])
    out = capsys.readouterr().out
    assert code == 0
    assert "diagnosis: " in out and "evidence: " in out and "advice: " in out
    assert figure.stat().st_size > 1000
    assert curves.main([log, "--classes", "10"]) == 0
    assert f"top={math.log(10):.4g}" in capsys.readouterr().out


def test_command_on_a_bad_file(tmp_path, capsys):
    bad = tmp_path / "notes.csv"
    bad.write_text("a,b\n1,2\n")
    assert curves.main([str(bad)]) == 2
    assert "error: no train loss found: expected one of" in capsys.readouterr().err


def test_python_dash_m():
    result = subprocess.run(
        [sys.executable, "-m", "lossbook.curves", str(DATA / "voice_id.csv")],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "diagnosis: " in result.stdout
