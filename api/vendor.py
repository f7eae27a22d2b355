"""Third-party front-end assets: which files of which npm packages the pages use.

``make setup`` runs ``npm ci`` (package.json, package-lock.json) and then ``python -m newsgraph.api.vendor``,
which copies the files listed in :data:`ASSETS` from ``node_modules/`` to
``api/static/vendor/<name>/``. Nothing there is committed and nothing is ever loaded from a CDN:
a page includes an asset only when :func:`available` finds it, and falls back to our own plain
code otherwise (for instance when npm is missing).

To add a library: ``npm install --save-exact PACKAGE``, add an :class:`Asset` here, run
``make setup``, and include it in a template with ``vendor_scripts``/``vendor_styles``.
"""

from __future__ import annotations

import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NODE_MODULES = ROOT / "node_modules"
VENDOR_DIR = Path(__file__).resolve().parent / "static" / "vendor"
VENDOR_URL = "/static/vendor"


@dataclass(frozen=True)
class Asset:
    """Files of one npm package, served under ``/static/vendor/<name>/``."""

    name: str
    package: str
    scripts: tuple[str, ...] = ()
    styles: tuple[str, ...] = ()

    @property
    def files(self) -> tuple[str, ...]:
        return self.scripts + self.styles


ASSETS: dict[str, Asset] = {
    asset.name: asset
    for asset in (
        Asset(
            "yasgui",
            "@zazuko/yasgui",
            scripts=("build/yasgui.min.js",),
            styles=("build/yasgui.min.css",),
        ),
        Asset("chartjs", "chart.js", scripts=("dist/chart.umd.min.js",)),
        Asset("cytoscape", "cytoscape", scripts=("dist/cytoscape.min.js",)),
        Asset("n3", "n3", scripts=("browser/n3.min.js",)),
    )
}


def _url(asset: Asset, file: str) -> str:
    return f"{VENDOR_URL}/{asset.name}/{Path(file).name}"


def available(name: str, vendor_dir: Path = VENDOR_DIR) -> bool:
    """Whether every file of the asset ``name`` was installed by the set-up step."""
    asset = ASSETS[name]
    return all((vendor_dir / asset.name / Path(file).name).is_file() for file in asset.files)


def scripts(name: str, vendor_dir: Path = VENDOR_DIR) -> list[str]:
    """URLs of the asset's scripts, or [] when it is not installed."""
    asset = ASSETS[name]
    return [_url(asset, f) for f in asset.scripts] if available(name, vendor_dir) else []


def styles(name: str, vendor_dir: Path = VENDOR_DIR) -> list[str]:
    """URLs of the asset's style sheets, or [] when it is not installed."""
    asset = ASSETS[name]
    return [_url(asset, f) for f in asset.styles] if available(name, vendor_dir) else []


def install(node_modules: Path = NODE_MODULES, vendor_dir: Path = VENDOR_DIR) -> list[str]:
    """Copy every asset's files from ``node_modules``; return the names of missing packages."""
    missing = []
    for asset in ASSETS.values():
        sources = [node_modules / asset.package / file for file in asset.files]
        if not all(source.is_file() for source in sources):
            missing.append(asset.package)
            continue
        target = vendor_dir / asset.name
        target.mkdir(parents=True, exist_ok=True)
        for source in sources:
            shutil.copyfile(source, target / source.name)
    return missing


def main() -> int:
    missing = install()
    installed = len(ASSETS) - len(missing)
    for package in missing:
        print(f"vendor: {package} is not in node_modules (run npm ci)", file=sys.stderr)
    print(f"vendor: {installed} of {len(ASSETS)} front-end packages copied to {VENDOR_DIR}")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
