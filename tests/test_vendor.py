"""Third-party front-end assets: copied from node_modules by the set-up step, or absent."""

from __future__ import annotations

from pathlib import Path

from newsgraph.api import vendor


def fake_node_modules(root: Path) -> Path:
    for asset in vendor.ASSETS.values():
        for file in asset.files:
            path = root / asset.package / file
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(f"/* {asset.package} {file} */")
    return root


def test_install_copies_every_listed_file(tmp_path: Path) -> None:
    target = tmp_path / "vendor"
    assert not vendor.available("yasgui", target)
    assert vendor.scripts("yasgui", target) == [] and vendor.styles("yasgui", target) == []
    assert vendor.install(fake_node_modules(tmp_path / "node_modules"), target) == []
    assert vendor.available("yasgui", target)
    assert vendor.scripts("yasgui", target) == ["/static/vendor/yasgui/yasgui.min.js"]
    assert vendor.styles("yasgui", target) == ["/static/vendor/yasgui/yasgui.min.css"]
    assert (target / "yasgui" / "yasgui.min.js").read_text().startswith("/* @zazuko/yasgui")


def test_a_missing_package_is_named_and_nothing_half_installed(tmp_path: Path) -> None:
    target = tmp_path / "vendor"
    assert vendor.install(tmp_path / "empty", target) == sorted(
        a.package for a in vendor.ASSETS.values()
    )
    assert not vendor.available("yasgui", target)


def test_every_asset_is_an_npm_dependency() -> None:
    import json

    package = json.loads((vendor.ROOT / "package.json").read_text())
    lock = json.loads((vendor.ROOT / "package-lock.json").read_text())
    for asset in vendor.ASSETS.values():
        assert asset.package in package["dependencies"]
        assert f"node_modules/{asset.package}" in lock["packages"]


def test_vendored_files_are_never_committed() -> None:
    ignored = (vendor.ROOT / ".gitignore").read_text().splitlines()
    assert "node_modules/" in ignored and "api/static/vendor/" in ignored
