"""specs/upstream/PROVENANCE.json accounts for every upstream file: source, dates, sha256."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

from ._load import ROOT, script

extract = script("specs/extract_upstream.py")


def test_every_upstream_file_is_recorded_with_its_hash():
    assert extract.provenance_problems() == []
    table = json.loads((ROOT / "specs/upstream/PROVENANCE.json").read_text())
    assert set(table) == {"edenai.json", "phrase-tms.yaml", "phrase-mt.yaml", "veza.yaml"}
    eden = table["edenai.json"]
    assert "edenai/docs" in eden["source"] and "203432d" in eden["source"]
    assert eden["published"] == "2026-06-10"
    assert eden["operations"] == [
        "POST /v3/universal-ai/async",
        "GET /v3/universal-ai/async/{job_id}",
    ]


def test_a_changed_or_unrecorded_upstream_file_is_named(tmp_path):
    upstream = tmp_path / "upstream"
    shutil.copytree(ROOT / "specs/upstream", upstream)
    (upstream / "veza.yaml").write_text((upstream / "veza.yaml").read_text() + "# edited\n")
    (upstream / "new-vendor.yaml").write_text("openapi: 3.1.0\npaths: {}\n")
    problems = extract.provenance_problems(upstream)
    assert any(p.startswith("veza.yaml: sha256 is") for p in problems)
    assert "new-vendor.yaml: no entry in PROVENANCE.json" in problems
    assert len(problems) == 2


def test_the_documented_update_procedure_leaves_provenance_green(tmp_path):
    # README "After a vendor changes its spec": take the new spec in with --source, which
    # records it; the provenance check (part of make test) then passes.
    specs = tmp_path / "specs"
    shutil.copytree(ROOT / "specs", specs, ignore=shutil.ignore_patterns("__pycache__"))
    published = tmp_path / "v3-openapi.json"
    doc = json.loads((ROOT / "specs/upstream/edenai.json").read_text())
    doc["paths"]["/v3/other"] = {"get": {"responses": {"200": {"description": "ok"}}}}
    published.write_text(json.dumps(doc))
    before = (specs / "upstream/edenai.json").read_bytes()
    proc = subprocess.run(
        [
            sys.executable,
            str(specs / "extract_upstream.py"),
            "--reduce",
            str(published),
            str(specs / "upstream/edenai.json"),
            "--keep",
            "POST /v3/universal-ai/async",
            "--keep",
            "GET /v3/universal-ai/async/{job_id}",
            "--source",
            "a test",
            "--published",
            "2027-01-01",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    # The reduction drops the unused path and reproduces the committed file byte for byte.
    assert (specs / "upstream/edenai.json").read_bytes() == before
    assert extract.provenance_problems(specs / "upstream") == []
    entry = json.loads((specs / "upstream/PROVENANCE.json").read_text())["edenai.json"]
    assert (entry["source"], entry["published"]) == ("a test", "2027-01-01")


def test_a_page_block_is_copied_byte_for_byte(tmp_path):
    block = b"openapi: 3.0.0\r\ninfo: {title: t, version: '1'}\r\npaths: {}\r\n\r\n"
    page = tmp_path / "page.md"
    page.write_bytes(b"# Title\n\n````yaml /openapi.json get /x\n" + block + b"````\n\nmore\n")
    out = tmp_path / "out.yaml"
    code = extract.main(["extract_upstream.py", str(page), str(out)])
    assert code == 0
    assert out.read_bytes() == block
    page.write_bytes(b"no code block here\n")
    assert extract.main(["extract_upstream.py", str(page), str(out)]) == 1
