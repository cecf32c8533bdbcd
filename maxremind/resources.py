"""Where bundled files live: installed wheel, editable checkout, or PyInstaller bundle."""

from __future__ import annotations

import sys
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent


def _candidates(name: str) -> list[Path]:
    found = [PACKAGE_DIR / name]  # wheel: web/ is force-included into the package
    frozen_root = getattr(sys, "_MEIPASS", None)
    if frozen_root:  # PyInstaller unpacks data files under sys._MEIPASS
        found += [Path(frozen_root) / "maxremind" / name, Path(frozen_root) / name]
    found.append(PACKAGE_DIR.parent / name)  # source or editable checkout
    return found


def resource_dir(name: str) -> Path:
    """The first existing folder ``name`` among the places bundled files can be.

    :raises FileNotFoundError: the installation is missing that folder.
    """
    for path in _candidates(name):
        if path.is_dir():
            return path
    raise FileNotFoundError(f"maxremind installation is incomplete: no {name}/ folder found")


def web_dir() -> Path:
    return resource_dir("web")


def package_file(*parts: str) -> Path:
    """A file shipped inside the package (migrations, CA certificate, emulator spec)."""
    path = PACKAGE_DIR.joinpath(*parts)
    if path.exists():
        return path
    frozen_root = getattr(sys, "_MEIPASS", None)
    if frozen_root:
        alt = Path(frozen_root, "maxremind", *parts)
        if alt.exists():
            return alt
    raise FileNotFoundError(f"maxremind installation is incomplete: {'/'.join(parts)} missing")
