"""The wheel installs and imports outside the repository, generated clients included."""

from __future__ import annotations

import subprocess
import sys
import tarfile
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

CHECK = """
import importlib, pathlib, sys
import jobpoll, jobpoll.testing, jobpoll.cli
assert "site-packages" in jobpoll.__file__, jobpoll.__file__
for name in ("phrase_tms", "phrase_mt", "veza", "edenai"):
    importlib.import_module(f"jobpoll_generated.{name}")
root = pathlib.Path(jobpoll.__file__).parent
assert (root / "py.typed").exists()
pkg = importlib.import_module("jobpoll_generated")
assert (pathlib.Path(pkg.__file__).parent / "py.typed").exists()
for name in jobpoll.__all__:
    getattr(jobpoll, name)
print("ok", jobpoll.__version__)
"""


@pytest.mark.packaging
@pytest.mark.slow
def test_wheel_installs_and_imports_in_a_fresh_venv(tmp_path):
    dist = tmp_path / "dist"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(dist), str(ROOT)],
        check=True,
        cwd=tmp_path,
    )
    (wheel,) = dist.glob("jobpoll-*.whl")
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    py = env_dir / "bin" / "python"
    subprocess.run(
        [str(py), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", str(wheel)],
        check=True,
        cwd=tmp_path,
    )
    out = subprocess.run(
        [str(py), "-c", CHECK], capture_output=True, text=True, cwd=tmp_path, check=False
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("ok ")
    names = subprocess.run(
        [str(py), "-m", "zipfile", "-l", str(wheel)], capture_output=True, text=True, check=True
    ).stdout
    tops = {line.split("/")[0].split()[0] for line in names.splitlines()[1:] if "/" in line}
    assert tops <= {
        "jobpoll",
        "jobpoll_generated",
        wheel.name.split("-")[0] + "-" + wheel.name.split("-")[1] + ".dist-info",
    }, tops
    assert any(
        line.split()[0].endswith(".dist-info/licenses/LICENSE") for line in names.splitlines()
    )


@pytest.mark.packaging
@pytest.mark.slow
def test_sdist_has_the_license_and_no_tests_that_cannot_run(tmp_path):
    subprocess.run(
        [sys.executable, "-m", "build", "--sdist", "-o", str(tmp_path), str(ROOT)],
        check=True,
        capture_output=True,
        cwd=tmp_path,
    )
    (sdist,) = tmp_path.glob("jobpoll-*.tar.gz")
    with tarfile.open(sdist) as tar:
        names = [name.split("/", 1)[1] for name in tar.getnames() if "/" in name]
    assert "LICENSE" in names
    assert not [n for n in names if n.startswith(("tests/", "bench/"))]
    assert "wrappers/jobpoll/_cli/_live.py" in names
