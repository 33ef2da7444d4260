"""Disclosure use cases: generate a notice from the ledger, publish it, change the rules (data)."""
from __future__ import annotations

import uuid

from fupin_funds.codes import label_zh
from fupin_funds.common import today
from fupin_funds.db import FundsUow
from fupin_funds.disclosure import domain
from fupin_funds.disclosure.errors import AlreadyPublished, NoticeItemsInvalid, NoticeRefused, RuleChangeForbidden
from fupin_funds.disclosure.models import Disclosure, DisclosureItem, DisclosureRule
from fupin_funds.disclosure.schemas import DisclosureCreate, RuleUpdate
from fupin_funds.divisions import CITY_CODE, COUNTY_NAMES, level_of, within
from fupin_shared.auth.deps import check_division
from fupin_shared.auth.principal import Principal
from fupin_shared.contracts.funds import DisclosureDrafted, DisclosurePublished, DisclosureRuleChanged
from fupin_shared.db import utc_now, uuid7
from fupin_shared.http.etag import require_version

ARRANGED_STATUSES = {"approved", "implementing", "completed", "accepted"}


def rule_view(rule: DisclosureRule) -> domain.RuleView:
    return domain.RuleView(kind=rule.kind, division_levels=list(rule.division_levels), public=rule.public,
                           min_notice_days=rule.min_notice_days, gates_disbursement=rule.gates_disbursement)


async def draft_disclosure(uow: FundsUow, request: DisclosureCreate, *, actor: Principal) -> Disclosure:
    """Generate a notice (draft) in the standard layout from the ledger: sources by level, principles, the
    table of project / location / content / amount / responsible unit, supervision phone 12317."""
    async with uow:
        disclosure = await _draft(uow, request, actor=actor)
        await uow.commit()
    return disclosure


async def _draft(uow: FundsUow, request: DisclosureCreate, *, actor: Principal) -> Disclosure:
    check_division(actor, request.division_code, field="division_code")
    await uow.serialise_writes()
    rule = await uow.disclosures.rule(request.kind)
    name = request.division_name or COUNTY_NAMES.get(request.division_code) or request.division_code
    lines = await _lines(uow, request)
    starts = request.notice_starts_on or today()
    ends = request.notice_ends_on or domain.default_notice_end(starts, rule.min_notice_days)
    errors = domain.notice_errors(rule_view(rule), division_level=level_of(request.division_code), starts_on=starts,
                                  ends_on=ends, rows=len(lines))
    if ends < starts and domain.NoticeError.PERIOD_TOO_SHORT not in errors:
        errors.append(domain.NoticeError.PERIOD_TOO_SHORT)
    if errors:
        raise NoticeRefused([str(e) for e in errors], min_notice_days=rule.min_notice_days)
    content = domain.build_notice(request.kind, division_name=name, year=request.year, lines=lines)
    disclosure = Disclosure(
        id=uuid7(), kind=request.kind, division_code=request.division_code, division_name=name, year=request.year,
        title=content.title, principles=request.principles or domain.DEFAULT_PRINCIPLES[domain.Kind(request.kind)],
        sources_by_level=content.sources_by_level, rows=content.rows, total_amount_fen=content.total_amount_fen,
        publisher=request.publisher or f"{name}扶贫开发领导小组办公室",
        supervision_phone=domain.SUPERVISION_PHONE, local_phone=request.local_phone, notice_starts_on=starts,
        notice_ends_on=ends, status="draft", public_seq=None, published_at=None, created_by=actor.sub)
    uow.disclosures.add(disclosure)
    project_ids = sorted({uuid.UUID(line.project_id) for line in lines if line.project_id})
    allocation_ids = sorted({uuid.UUID(line.allocation_id) for line in lines if line.allocation_id})
    for pid in project_ids:
        uow.disclosures.add(DisclosureItem(disclosure_id=disclosure.id, project_id=pid))
    for aid in allocation_ids:
        uow.disclosures.add(DisclosureItem(disclosure_id=disclosure.id, allocation_id=aid))
    uow.record(DisclosureDrafted(disclosure_id=disclosure.id, division_code=disclosure.division_code,
                                 year=disclosure.year, kind=disclosure.kind,
                                 total_amount_fen=disclosure.total_amount_fen, project_ids=project_ids,
                                 allocation_ids=allocation_ids),
               subject=disclosure.id, division=disclosure.division_code, actor=actor.sub)
    return disclosure


async def _lines(uow: FundsUow, request: DisclosureCreate) -> list[domain.NoticeLine]:
    division, year = request.division_code, request.year
    if request.kind == domain.Kind.ALLOCATION_RESULT:
        entries = await uow.disclosures.allocations_made_by(division, year, request.allocation_ids)
        if request.allocation_ids is not None:
            found = {a.id for a, _ in entries}
            bad = [str(i) for i in request.allocation_ids if i not in found]
            bad += [str(a.id) for a, _ in entries if a.parent_division_code != division]
            if bad:
                raise NoticeItemsInvalid(bad)
        projects = await uow.projects.many([a.project_id for a, _ in entries if a.project_id is not None])
        lines = []
        for allocation, source in entries:
            project = projects.get(allocation.project_id) if allocation.project_id else None
            place = COUNTY_NAMES.get(allocation.division_code) or (project.location if project else None) \
                or allocation.recipient or allocation.division_code
            lines.append(domain.NoticeLine(
                project=project.name if project else f"{allocation.recipient or place}扶贫资金",
                location=place,
                content=f"{label_zh('source_category', source.category)}（{allocation.document_no or source.document_no}）",
                amount_fen=allocation.net_amount_fen,
                responsible_unit=allocation.recipient or (project.responsible_unit if project else place),
                by_level={source.level: allocation.net_amount_fen}, allocation_id=str(allocation.id),
                project_id=str(project.id) if project else None))
        return lines
    if request.project_ids is not None:
        found = await uow.projects.many(request.project_ids)
        bad = [str(i) for i in request.project_ids if i not in found or found[i].year != year
               or not within(found[i].village_code, division)]
        if bad:
            raise NoticeItemsInvalid(bad)
        projects = [found[i] for i in request.project_ids]
    else:
        projects = await uow.projects.in_division(division, year=year, statuses=ARRANGED_STATUSES)
    if request.kind == domain.Kind.FUND_USE:
        paid = await uow.disclosures.project_payments_by_level([p.id for p in projects], year)
        lines = []
        for p in projects:
            total = sum(paid[p.id].values())
            if total == 0:
                continue
            lines.append(domain.NoticeLine(
                project=p.name, location=p.location or p.village_code,
                content=f"{p.content[:80]}；工程进度{p.progress_pct}%", amount_fen=total,
                responsible_unit=p.responsible_unit, by_level=paid[p.id], project_id=str(p.id)))
        return lines
    funding = await uow.disclosures.project_funding_by_level([p.id for p in projects])
    lines = []
    for p in projects:
        by_level = {level: amount for level, amount in funding[p.id].items() if amount}
        unfunded = p.budget_fen - sum(by_level.values())
        if unfunded > 0:
            by_level["pending"] = unfunded
        lines.append(domain.NoticeLine(project=p.name, location=p.location or p.village_code, content=p.content,
                                       amount_fen=p.budget_fen, responsible_unit=p.responsible_unit,
                                       by_level=by_level, project_id=str(p.id)))
    return lines


async def publish_disclosure(uow: FundsUow, disclosure_id: uuid.UUID, *, actor: Principal,
                             expected_version: int | None) -> Disclosure:
    """Publish a notice: it becomes public (feed and page) and never changes again. Its notice period is
    re-checked against the rule as it stands now."""
    async with uow:
        disclosure = await _publish(uow, disclosure_id, actor=actor, expected_version=expected_version)
        await uow.commit()
    return disclosure


async def _publish(uow: FundsUow, disclosure_id: uuid.UUID, *, actor: Principal,
                   expected_version: int | None) -> Disclosure:
    await uow.serialise_writes()
    disclosure = await uow.disclosures.get(disclosure_id, within=actor.division)
    if expected_version is not None:
        require_version(disclosure.version, expected_version)
    if disclosure.status == "published":
        raise AlreadyPublished(disclosure.id)
    rule = await uow.disclosures.rule(disclosure.kind)
    errors = domain.notice_errors(rule_view(rule), division_level=level_of(disclosure.division_code),
                                  starts_on=disclosure.notice_starts_on, ends_on=disclosure.notice_ends_on,
                                  rows=len(disclosure.rows))
    if errors:
        raise NoticeRefused([str(e) for e in errors], min_notice_days=rule.min_notice_days)
    disclosure.public_seq = await uow.disclosures.next_public_seq()
    disclosure.status = "published"
    disclosure.published_at = utc_now()
    rows = disclosure.rows
    uow.record(DisclosurePublished(
        disclosure_id=disclosure.id, division_code=disclosure.division_code, year=disclosure.year, kind=disclosure.kind,
        allocation_ids=sorted({uuid.UUID(r["allocation_id"]) for r in rows if r.get("allocation_id")}),
        project_ids=sorted({uuid.UUID(r["project_id"]) for r in rows if r.get("project_id")}),
        notice_starts_on=disclosure.notice_starts_on, notice_ends_on=disclosure.notice_ends_on, title=disclosure.title,
        total_amount_fen=disclosure.total_amount_fen, public_seq=disclosure.public_seq),
        subject=disclosure.id, division=disclosure.division_code, actor=actor.sub)
    return disclosure


async def change_rule(uow: FundsUow, kind: str, request: RuleUpdate, *, actor: Principal,
                      expected_version: int) -> DisclosureRule:
    """Change a disclosure rule (data, not code). Only the city sets the rules."""
    if actor.division != CITY_CODE:
        raise RuleChangeForbidden()
    async with uow:
        await uow.serialise_writes()
        rule = await uow.disclosures.rule(kind)
        require_version(rule.version, expected_version)
        rule.division_levels = list(request.division_levels)
        rule.public = request.public
        rule.min_notice_days = request.min_notice_days
        rule.gates_disbursement = request.gates_disbursement
        if request.basis:
            rule.basis = request.basis
        rule.updated_at = utc_now()
        uow.record(DisclosureRuleChanged(kind=rule.kind, division_level=",".join(rule.division_levels),
                                         division_levels=list(rule.division_levels),
                                         public=rule.public, min_notice_days=rule.min_notice_days,
                                         gates_disbursement=rule.gates_disbursement),
                   subject=rule.kind, division=CITY_CODE, actor=actor.sub)
        await uow.commit()
    return rule
