"""Where tuiconc keeps a person's files, as the XDG base-directory spec says: $XDG_CONFIG_HOME and
$XDG_CACHE_HOME where they are absolute paths (a relative one is ignored), else ~/.config and ~/.cache."""

from __future__ import annotations

import os


def _xdg_home(variable: str, default: str) -> str:
    base = os.environ.get(variable, "")
    return base if os.path.isabs(base) else os.path.join(os.path.expanduser("~"), default)


def config_folder(*parts: str) -> str:
    """~/.config/tuiconc/PARTS…"""
    return os.path.join(_xdg_home("XDG_CONFIG_HOME", ".config"), "tuiconc", *parts)


def cache_folder(*parts: str) -> str:
    """~/.cache/tuiconc/PARTS…"""
    return os.path.join(_xdg_home("XDG_CACHE_HOME", ".cache"), "tuiconc", *parts)
