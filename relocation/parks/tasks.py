"""Background jobs: allocation runs can take a minute on large programmes."""

from __future__ import annotations

from huey.contrib.djhuey import db_task


@db_task()
def run_proposal(proposal_id: int) -> None:
    from relocation.parks.services import proposal_execute

    proposal_execute(proposal_id)
