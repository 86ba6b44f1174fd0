"""Development helper: regenerate the initial revision from the models.

Only valid while revision 0001 is the sole revision and no catalogue has been deployed
from it; after that, add new revisions with Alembic's ``revision --autogenerate``.
Run: ``python -m catalog.migrations.regenerate``.
"""

import tempfile
from pathlib import Path

from alembic import command

from catalog.db import alembic_config, make_engine

VERSIONS = Path(__file__).parent / "versions"


def main() -> None:
    for old in VERSIONS.glob("0001_*.py"):
        old.unlink()
    with tempfile.TemporaryDirectory() as tmp:
        engine = make_engine(f"sqlite:///{tmp}/empty.db")
        command.revision(
            alembic_config(engine),
            message="initial catalogue schema",
            autogenerate=True,
            rev_id="0001",
        )
        engine.dispose()


if __name__ == "__main__":
    main()
