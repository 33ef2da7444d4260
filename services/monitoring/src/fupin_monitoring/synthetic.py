"""Synthetic event streams in the other services' contracts: the events their relays publish,
built directly, for the view's tests and benchmarks (e.g. a city of 1,000,000 persons)."""
from __future__ import annotations

import random
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from fupin_shared.bus.base import Transport
from fupin_shared.contracts import funds as cf
from fupin_shared.contracts import registry as cr
from fupin_shared.contracts.base import Contract
from fupin_shared.db import utc_now
from fupin_shared.events import Envelope

COUNTIES = ("441202", "441203", "441204", "441223", "441224", "441225", "441226", "441284")
CAUSES = ("illness", "disability", "schooling", "disaster", "lack_of_labour", "lack_of_skills", "lack_of_funds",
          "lack_of_land", "other")
PATHS = ("industry", "employment", "asset_income", "education", "health", "social_security")
LINE_FEN = 869_900


def envelope(event: Contract, *, subject: uuid.UUID | str, division: str | None = None,
             time: datetime | None = None, actor: str = "synthetic") -> Envelope:
    """The CloudEvent a service's relay would publish for ``event``."""
    return Envelope(id=uuid.uuid4(), source=f"/fupin/{event.service}", type=event.event_type(), subject=str(subject),
                    time=time or utc_now(), data=event.model_dump(mode="json"), actor=actor, division=division)


async def publish(transport: Transport, topic: str, events: Sequence[Envelope]) -> None:
    await transport.publish(topic, [((e.subject or "").encode(), e.to_json()) for e in events])


def villages(count: int, *, seed: int = 7) -> list[str]:
    """``count`` village codes spread over the 8 counties, about 14 villages per town."""
    rng = random.Random(seed)
    out: list[str] = []
    for i in range(count):
        county = COUNTIES[i % len(COUNTIES)]
        town = 100 + (i // len(COUNTIES)) // 14
        out.append(f"{county}{town:03d}{200 + rng.randrange(800):03d}")
    return sorted(set(out))


@dataclass
class Household:
    household_id: uuid.UUID
    village_code: str
    persons: int
    status: str = "applied"

    def fields(self) -> dict:
        return {"household_id": self.household_id, "village_code": self.village_code, "status": self.status,
                "persons": self.persons}


def household_history(rng: random.Random, village: str, *, first_year: int = 2016,
                      time: datetime | None = None) -> Iterator[Envelope]:
    """A plausible registry history of one household: registered, identified, members, yearly
    incomes and 两不愁三保障, measures, and for many an exit (a few return)."""
    h = Household(uuid.uuid4(), village, rng.choice((1, 2, 2, 2, 3, 3, 4, 5)))
    year = first_year + rng.randrange(3)
    causes = sorted(rng.sample(CAUSES, rng.choice((1, 1, 2))))
    labour = "labour" if rng.random() < 0.8 else "no_labour"

    def env(event: Contract) -> Envelope:
        return envelope(event, subject=h.household_id, division=village, time=time)

    yield env(cr.HouseholdRegistered(**h.fields(), labour_type=labour, poverty_causes=causes, year=year))
    h.status = "identified"
    yield env(cr.HouseholdIdentified(**h.fields(), year=year, poverty_causes=causes, labour_type=labour))
    for _ in range(h.persons):
        age = rng.randrange(1, 80)
        yield env(cr.MemberAdded(**h.fields(), member_id=uuid.uuid4(), birth_date=date(year - age, 6, 1),
                                 sex=rng.choice(("male", "female")), in_school=(6 <= age <= 15 and rng.random() > 0.01)
                                 if age <= 18 else None,
                                 health=rng.choice(("healthy",) * 8 + ("chronic", "serious_illness")),
                                 disability_grade=rng.choice((None,) * 12 + (2,)),
                                 medical_insurance=rng.random() > 0.02))
    exit_year = year + rng.randrange(1, 4) if rng.random() < 0.75 else None
    for y in range(year, 2021):
        income = int(LINE_FEN * rng.uniform(0.6, 2.2) if exit_year and y >= exit_year else LINE_FEN * rng.uniform(0.5, 1.1))
        yield env(cr.IncomeRecorded(**h.fields(), year=y, per_capita_income_fen=income, line_fen=LINE_FEN,
                                    labour_capacity=labour == "labour"))
        housing = rng.choice("AAAAAAABBC")
        checks = {"food": True, "clothing": True, "compulsory_education": rng.random() > 0.01,
                  "basic_medical": rng.random() > 0.02, "drinking_water": rng.random() > 0.02}
        yield env(cr.GuaranteesAssessed(**h.fields(), year=y, housing_safety=housing,
                                        compliant=all(checks.values()) and housing in "AB", **checks))
        if rng.random() < 0.6:
            yield env(cr.MeasureRecorded(**h.fields(), measure_id=uuid.uuid4(), measure_type=rng.choice(PATHS),
                                         amount_fen=rng.randrange(50_000, 500_000), on=date(y, rng.randrange(1, 13), 15)))
        if exit_year == y:
            h.status = "exited"
            yield env(cr.HouseholdExited(**h.fields(), year=y, exit_path=rng.choice(PATHS),
                                         per_capita_income_fen=income, line_fen=LINE_FEN))
        elif h.status == "exited" and rng.random() < 0.02:
            h.status = "returned"
            yield env(cr.HouseholdReturned(**h.fields(), year=y, cause=rng.choice(("illness", "disaster"))))


def funds_history(rng: random.Random, village_codes: Sequence[str], *, years: Sequence[int] = (2018, 2019, 2020),
                  time: datetime | None = None) -> Iterator[Envelope]:
    """Sources, allocations city → county → village, disbursements and disclosures."""
    for year in years:
        source_id = uuid.uuid4()
        yield envelope(cf.FundSourceRegistered(source_id=source_id, level="provincial", category="财政专项扶贫资金",
                                               year=year, amount_fen=800_000_000, division_code="441200000000",
                                               document_no=f"粤财农〔{year}〕1号"), subject=source_id, time=time)
        for county in COUNTIES:
            county_code = county + "000000"
            top = uuid.uuid4()
            yield envelope(cf.AllocationMade(allocation_id=top, source_id=source_id, division_code=county_code,
                                             amount_fen=100_000_000, year=year, source_level="provincial",
                                             parent_division_code="441200000000", division_level="county"),
                           subject=top, division=county_code, time=time)
            disclosure = uuid.uuid4()
            yield envelope(cf.DisclosurePublished(disclosure_id=disclosure, division_code=county_code, year=year,
                                                  kind="allocation", allocation_ids=[top],
                                                  notice_starts_on=date(year, 3, 1), notice_ends_on=date(year, 3, 10)),
                           subject=disclosure, division=county_code, time=time)
            mine = [v for v in village_codes if v.startswith(county)][:5]
            for village in mine:
                child = uuid.uuid4()
                yield envelope(cf.AllocationMade(allocation_id=child, source_id=source_id, parent_allocation_id=top,
                                                 division_code=village, amount_fen=10_000_000, year=year,
                                                 source_level="provincial", parent_division_code=county_code,
                                                 division_level="village"), subject=child, division=village, time=time)
                spent = uuid.uuid4()
                yield envelope(cf.DisbursementMade(disbursement_id=spent, allocation_id=child, division_code=village,
                                                   amount_fen=rng.randrange(2_000_000, 10_000_001), year=year,
                                                   paid_on=date(year, 6, 1)), subject=child, division=village, time=time)


def spread_times(events: list[Envelope], *, end: datetime, seconds: float) -> list[Envelope]:
    """Give ``events`` times evenly spread over the ``seconds`` before ``end`` (keeps their order)."""
    if not events:
        return events
    step = seconds / len(events)
    return [e.model_copy(update={"time": end - timedelta(seconds=seconds - i * step)}) for i, e in enumerate(events)]
