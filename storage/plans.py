"""Re-planning a case's checklist (mixed into SqliteStore): an agent corrected the reading,
or asked for a step now.

On a correction the steps already worked (done or skipped) keep their places; the pending
ones are replaced by the steps the corrected reading calls for, in the order given, after
them. A step asked for now moves before the first pending one.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlite_utils import Database

from bot.core.base.model import StepState


class StepPlans:
    """The pending part of a case's checklist."""

    db: Database

    def replan_steps(self, case_id: int, pending: Sequence[str]) -> None:
        """Make `pending` the case's pending steps, in that order, after the worked ones
        (a worked step named in `pending` stays as it was)."""
        self.db.execute(
            "DELETE FROM case_steps WHERE case_id = ? AND state = ?",
            [case_id, StepState.PENDING.value],
        )
        rows = self.db.execute(
            "SELECT step_id, position FROM case_steps WHERE case_id = ?", [case_id]
        ).fetchall()
        worked = {row[0] for row in rows}
        position = max((int(row[1]) for row in rows), default=0)
        fresh = []
        for step_id in dict.fromkeys(pending):
            if step_id in worked:
                continue
            position += 1
            fresh.append(
                {
                    "case_id": case_id,
                    "step_id": step_id,
                    "position": position,
                    "state": StepState.PENDING.value,
                }
            )
        if fresh:
            self.db["case_steps"].insert_all(fresh)

    def make_current_step(self, case_id: int, step_id: str) -> None:
        """Move a pending step just before the checklist's first pending one: do it now."""
        target = self.db.execute(
            "SELECT min(position) FROM case_steps WHERE case_id = ? AND state = ?",
            [case_id, StepState.PENDING.value],
        ).fetchone()[0]
        if target is None:
            return
        # Make room: the step takes the first pending place, the ones from there move down.
        self.db.execute(
            "UPDATE case_steps SET position = position + 1 WHERE case_id = ? AND position >= ? "
            "AND step_id != ?",
            [case_id, target, step_id],
        )
        self.db.execute(
            "UPDATE case_steps SET position = ? WHERE case_id = ? AND step_id = ?",
            [target, case_id, step_id],
        )
