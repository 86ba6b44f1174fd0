"""``/status``: what is being harvested and OCR'd, and what failed."""

from __future__ import annotations

from flask import Blueprint, jsonify, render_template, request

from portal.services import get_services
from portal.status import work_status

bp = Blueprint("status", __name__)


@bp.get("/status")
def status():
    current = work_status(get_services())
    if request.args.get("format") == "json":
        return jsonify(
            runs=current.runs,
            pages=current.pages,
            failures=current.failures,
            queue=current.queue,
            busy=current.busy,
        )
    return render_template("status/index.html", status=current)
