"""The packaged data files (rules, rule documentation, prose fields) read through
atlaslint's own YAML loader give exactly what ruamel's safe loader gives."""

from __future__ import annotations

from atlaslint.resources import data_dir, read_data_yaml


def test_packaged_yaml_reads_as_ruamel_reads_it() -> None:
    from ruamel.yaml import YAML

    reference = YAML(typ="safe", pure=False)
    files = sorted(data_dir("rules").rglob("*.yaml"))
    assert len(files) >= 15
    for path in files:
        ours = read_data_yaml(path)
        theirs = reference.load(path.read_text(encoding="utf-8"))
        assert ours == theirs, path
        assert repr(ours) == repr(theirs), path  # same types, same key order


def test_a_file_the_document_loader_refuses_is_still_read(tmp_path) -> None:
    path = tmp_path / "anchors.yaml"
    path.write_text("base: &b {a: 1}\ncopy: *b\nset: !!set {x}\n", encoding="utf-8")
    assert read_data_yaml(path) == {"base": {"a": 1}, "copy": {"a": 1}, "set": {"x"}}  # ruamel's
