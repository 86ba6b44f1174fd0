"""axe-core (npm, ``node_modules/axe-core``) in the browser tests, and their screenshots.

axe is injected into the page under test from the npm package the lock file pins (the
portal never serves it), with the page's Content Security Policy left on. :func:`check`
runs it and reports any ``serious`` or ``critical`` violation, naming the rule, its help
text and the elements it found.
:func:`screenshot` keeps a picture of the page for people to look at (not compared).
"""

from __future__ import annotations

import functools
import os
import re
from pathlib import Path

import pytest

from portal import ROOT

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = Path(os.environ.get("WARISAN_SCREENSHOTS", ROOT / "tests" / "e2e" / "screenshots"))
"""Where :func:`screenshot` writes (ignored by git); ``WARISAN_SCREENSHOTS`` moves it."""
BLOCKING = ("serious", "critical")
VIEWPORTS = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}


def require_axe() -> None:
    """Skip (fail on CI) when axe-core is not installed: ``npm ci`` (make portal-assets)."""
    if not AXE.is_file():
        message = "axe-core is not installed in node_modules: run make portal-assets"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)


@functools.cache
def _source() -> str:
    return AXE.read_text(encoding="utf-8")


def violations(page, impacts=BLOCKING) -> list[dict]:
    """axe's violations on the page as it is now, of the given impacts.

    Every rule axe runs by default (WCAG 2.x A/AA and best practices) is applied to the
    whole document; each violation is ``{"id", "impact", "help", "targets"}``.
    """
    if not page.evaluate("() => typeof window.axe === 'object'"):
        # Evaluated through the DevTools protocol, which the portal's Content Security
        # Policy (script-src 'self') does not govern; a <script> tag would be refused.
        page.evaluate("() => {\n" + _source() + "\n}")
    found = page.evaluate(
        """async () => {
            const result = await axe.run(document, {resultTypes: ['violations']});
            return result.violations.map((v) => ({
                id: v.id, impact: v.impact, help: v.help,
                targets: v.nodes.map((n) => n.target.join(' ')),
            }));
        }"""
    )
    return [v for v in found if v["impact"] in impacts]


def report(found: list[dict]) -> str:
    """Violations as lines a person can act on."""
    return "\n".join(
        f"  {v['impact']} {v['id']}: {v['help']} -> {', '.join(v['targets'][:8])}" for v in found
    )


def check(page, label: str) -> list[str]:
    """Run axe on ``page``; a problem line per serious/critical violation, with ``label``."""
    found = violations(page)
    return [f"{label} ({page.url}):\n{report(found)}"] if found else []


def screenshot(page, name: str) -> Path:
    """Save a full-page screenshot as ``SCREENSHOTS/<name>.png``; returns the path."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / (re.sub(r"[^A-Za-z0-9_.-]+", "-", name).strip("-") + ".png")
    page.screenshot(path=str(path), full_page=True)
    return path
