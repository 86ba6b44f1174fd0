"""The demo command lines: help texts run, scans are written by the CLI."""

from __future__ import annotations

import pytest

from demo import oai_server, scans


@pytest.mark.parametrize("main", [oai_server.main, scans.main])
def test_help_runs(main, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["--help"])
    assert exit_info.value.code == 0
    assert "usage:" in capsys.readouterr().out


def test_generate_scans_needs_a_folder(capsys):
    with pytest.raises(SystemExit) as exit_info:
        oai_server.main(["--generate-scans"])
    assert exit_info.value.code == 2
    assert "--generate-scans needs --scans" in capsys.readouterr().err
