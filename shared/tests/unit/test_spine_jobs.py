"""run_rounds: again at once while rounds find work, through a failing round, then asleep until woken."""
import asyncio

from fupin_shared.jobs import run_rounds
from fupin_shared.testing import eventually


async def test_rounds_run_while_work_is_found_survive_a_failure_and_wake_on_demand() -> None:
    results: list[int | Exception] = [2, RuntimeError("a failing round"), 1, 0]
    calls: list[int] = []

    async def work() -> int:
        calls.append(1)
        result = results.pop(0) if results else 0
        if isinstance(result, Exception):
            raise result
        return result

    async def reached(n: int) -> bool:
        return len(calls) >= n

    wake = asyncio.Event()
    job = asyncio.create_task(run_rounds(work, wake, name="test", idle_seconds=3600))
    try:
        await eventually(lambda: reached(2), timeout=5)  # worked, so at once again: that round failed
        assert len(calls) == 2 and not job.done()          # the job lives on, asleep until woken
        wake.set()
        await eventually(lambda: reached(4), timeout=5)  # found work (1), again at once (0), asleep
        assert results == [] and not job.done()
    finally:
        job.cancel()
