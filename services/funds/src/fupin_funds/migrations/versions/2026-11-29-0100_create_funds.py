"""Funds: ledger (sources, allocations, disbursements), project library, disclosure rules and notices,
micro-credit, asset income, audit findings, registry read copies

Revision ID: f0001
Revises:
Create Date: 2026-11-29
"""
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

from fupin_shared.db.types import JSONType, UtcDateTime
from fupin_shared.outbox.tables import create_infrastructure_tables, drop_infrastructure_tables

revision = "f0001"
down_revision = None
branch_labels = None
depends_on = None

BIG = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    create_infrastructure_tables(op)
    op.create_table('beneficiary_household',
    sa.Column('household_id', sa.Uuid(), nullable=False),
    sa.Column('village_code', sa.String(length=12), nullable=False),
    sa.Column('status', sa.String(length=32), nullable=False),
    sa.Column('persons', sa.Integer(), nullable=False),
    sa.Column('event_time', UtcDateTime, nullable=False),
    sa.Column('last_event_type', sa.String(length=160), nullable=False),
    sa.PrimaryKeyConstraint('household_id', name=op.f('pk_beneficiary_household'))
    )
    op.create_index('ix_beneficiary_household_village', 'beneficiary_household', ['village_code', 'household_id'], unique=False)

    op.create_table('counter',
    sa.Column('name', sa.String(length=40), nullable=False),
    sa.Column('value', BIG, nullable=False),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_counter'))
    )
    op.create_table('disclosure',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('division_code', sa.String(length=12), nullable=False),
    sa.Column('division_name', sa.String(length=200), nullable=True),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('principles', sa.Text(), nullable=False),
    sa.Column('sources_by_level', JSONType, nullable=False),
    sa.Column('rows', JSONType, nullable=False),
    sa.Column('total_amount_fen', BIG, nullable=False),
    sa.Column('publisher', sa.String(length=200), nullable=False),
    sa.Column('supervision_phone', sa.String(length=40), nullable=False),
    sa.Column('local_phone', sa.String(length=40), nullable=True),
    sa.Column('notice_starts_on', sa.Date(), nullable=False),
    sa.Column('notice_ends_on', sa.Date(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('public_seq', BIG, nullable=True),
    sa.Column('published_at', UtcDateTime, nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', UtcDateTime, nullable=False),
    sa.Column('created_by', sa.String(length=120), nullable=False),
    sa.CheckConstraint('notice_ends_on >= notice_starts_on', name=op.f('ck_disclosure_notice_period')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_disclosure'))
    )
    op.create_index('ix_disclosure_division_id', 'disclosure', ['division_code', 'id'], unique=False)
    op.create_index('ix_disclosure_public_seq', 'disclosure', ['public_seq'], unique=True)

    op.create_table('disclosure_rule',
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('division_levels', JSONType, nullable=False),
    sa.Column('public', sa.Boolean(), nullable=False),
    sa.Column('min_notice_days', sa.Integer(), nullable=False),
    sa.Column('gates_disbursement', sa.Boolean(), nullable=False),
    sa.Column('label_zh', sa.String(length=60), nullable=False),
    sa.Column('label_en', sa.String(length=80), nullable=False),
    sa.Column('basis', sa.String(length=300), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('updated_at', UtcDateTime, nullable=False),
    sa.PrimaryKeyConstraint('kind', name=op.f('pk_disclosure_rule'))
    )
    op.create_table('fund_source',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('level', sa.String(length=20), nullable=False),
    sa.Column('category', sa.String(length=40), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('division_code', sa.String(length=12), nullable=False),
    sa.Column('document_no', sa.String(length=120), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=True),
    sa.Column('registered_fen', BIG, nullable=False),
    sa.Column('amount_fen', BIG, nullable=False),
    sa.Column('allocated_fen', BIG, nullable=False),
    sa.Column('received_on', sa.Date(), nullable=True),
    sa.Column('created_at', UtcDateTime, nullable=False),
    sa.Column('created_by', sa.String(length=120), nullable=False),
    sa.CheckConstraint('amount_fen >= 0 AND allocated_fen >= 0 AND allocated_fen <= amount_fen', name=op.f('ck_fund_source_within_amount')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_fund_source'))
    )
    op.create_index('ix_fund_source_division_year', 'fund_source', ['division_code', 'year', 'id'], unique=False)

    op.create_table('loan',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('household_id', sa.Uuid(), nullable=False),
    sa.Column('division_code', sa.String(length=12), nullable=False),
    sa.Column('bank', sa.String(length=120), nullable=False),
    sa.Column('contract_no', sa.String(length=80), nullable=False),
    sa.Column('purpose', sa.String(length=200), nullable=False),
    sa.Column('principal_fen', BIG, nullable=False),
    sa.Column('outstanding_fen', BIG, nullable=False),
    sa.Column('issued_on', sa.Date(), nullable=False),
    sa.Column('term_months', sa.Integer(), nullable=False),
    sa.Column('original_due_on', sa.Date(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('annual_rate_bp', sa.Integer(), nullable=False),
    sa.Column('subsidy_rate_bp', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('extension_count', sa.Integer(), nullable=False),
    sa.Column('renewal_count', sa.Integer(), nullable=False),
    sa.Column('interest_paid_fen', BIG, nullable=False),
    sa.Column('interest_subsidy_fen', BIG, nullable=False),
    sa.Column('repaid_on', sa.Date(), nullable=True),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', UtcDateTime, nullable=False),
    sa.Column('updated_at', UtcDateTime, nullable=False),
    sa.Column('created_by', sa.String(length=120), nullable=False),
    sa.CheckConstraint('principal_fen > 0 AND outstanding_fen >= 0 AND outstanding_fen <= principal_fen', name=op.f('ck_loan_outstanding')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_loan'))
    )
    op.create_index('ix_loan_division_id', 'loan', ['division_code', 'id'], unique=False)
    op.create_index('ix_loan_household', 'loan', ['household_id'], unique=False)
    op.create_index('uq_loan_active_household', 'loan', ['household_id'], unique=True, postgresql_where=sa.text('active'), sqlite_where=sa.text('active'))

    op.create_table('project',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('village_code', sa.String(length=12), nullable=False),
    sa.Column('category', sa.String(length=40), nullable=False),
    sa.Column('content', sa.Text(), nullable=False),
    sa.Column('location', sa.String(length=200), nullable=True),
    sa.Column('responsible_unit', sa.String(length=200), nullable=False),
    sa.Column('plan_task', sa.Integer(), nullable=True),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('budget_fen', BIG, nullable=False),
    sa.Column('funded_fen', BIG, nullable=False),
    sa.Column('disbursed_fen', BIG, nullable=False),
    sa.Column('progress_pct', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('status_changed_on', sa.Date(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', UtcDateTime, nullable=False),
    sa.Column('updated_at', UtcDateTime, nullable=False),
    sa.Column('created_by', sa.String(length=120), nullable=False),
    sa.CheckConstraint('budget_fen > 0 AND funded_fen >= 0 AND funded_fen <= budget_fen', name=op.f('ck_project_funded')),
    sa.CheckConstraint('disbursed_fen >= 0 AND disbursed_fen <= budget_fen', name=op.f('ck_project_disbursed')),
    sa.CheckConstraint('plan_task IS NULL OR (plan_task >= 1 AND plan_task <= 32)', name=op.f('ck_project_plan_task')),
    sa.CheckConstraint('progress_pct >= 0 AND progress_pct <= 100', name=op.f('ck_project_progress')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_project'))
    )
    op.create_index('ix_project_division_id', 'project', ['village_code', 'id'], unique=False)
    op.create_index('ix_project_year_status', 'project', ['year', 'status'], unique=False)

    op.create_table('village_record',
    sa.Column('village_code', sa.String(length=12), nullable=False),
    sa.Column('provincial_poor_village', sa.Boolean(), nullable=False),
    sa.Column('last_year', sa.Integer(), nullable=True),
    sa.Column('exited_year', sa.Integer(), nullable=True),
    sa.Column('event_time', UtcDateTime, nullable=False),
    sa.PrimaryKeyConstraint('village_code', name=op.f('pk_village_record'))
    )
    op.create_table('asset',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('project_id', sa.Uuid(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('operator', sa.String(length=200), nullable=False),
    sa.Column('division_code', sa.String(length=12), nullable=False),
    sa.Column('value_fen', BIG, nullable=False),
    sa.Column('formed_on', sa.Date(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', UtcDateTime, nullable=False),
    sa.Column('updated_at', UtcDateTime, nullable=False),
    sa.Column('created_by', sa.String(length=120), nullable=False),
    sa.CheckConstraint('value_fen > 0', name=op.f('ck_asset_value')),
    sa.ForeignKeyConstraint(['project_id'], ['project.id'], name=op.f('fk_asset_project_id_project')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_asset'))
    )
    op.create_index('ix_asset_division_id', 'asset', ['division_code', 'id'], unique=False)
    op.create_index(op.f('ix_asset_project_id'), 'asset', ['project_id'], unique=False)

    op.create_table('disclosure_item',
    sa.Column('id', BIG, autoincrement=True, nullable=False),
    sa.Column('disclosure_id', sa.Uuid(), nullable=False),
    sa.Column('project_id', sa.Uuid(), nullable=True),
    sa.Column('allocation_id', sa.Uuid(), nullable=True),
    sa.ForeignKeyConstraint(['disclosure_id'], ['disclosure.id'], name=op.f('fk_disclosure_item_disclosure_id_disclosure')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_disclosure_item'))
    )
    op.create_index('ix_disclosure_item_allocation', 'disclosure_item', ['allocation_id'], unique=False)
    op.create_index(op.f('ix_disclosure_item_disclosure_id'), 'disclosure_item', ['disclosure_id'], unique=False)
    op.create_index('ix_disclosure_item_project', 'disclosure_item', ['project_id'], unique=False)

    op.create_table('fund_allocation',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('source_id', sa.Uuid(), nullable=False),
    sa.Column('parent_allocation_id', sa.Uuid(), nullable=True),
    sa.Column('reversal_of', sa.Uuid(), nullable=True),
    sa.Column('path', sa.String(length=400), nullable=False),
    sa.Column('division_code', sa.String(length=12), nullable=False),
    sa.Column('parent_division_code', sa.String(length=12), nullable=False),
    sa.Column('project_id', sa.Uuid(), nullable=True),
    sa.Column('recipient', sa.String(length=200), nullable=True),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('document_no', sa.String(length=120), nullable=True),
    sa.Column('note', sa.String(length=500), nullable=True),
    sa.Column('amount_fen', BIG, nullable=False),
    sa.Column('net_amount_fen', BIG, nullable=False),
    sa.Column('allocated_fen', BIG, nullable=False),
    sa.Column('disbursed_fen', BIG, nullable=False),
    sa.Column('created_at', UtcDateTime, nullable=False),
    sa.Column('created_by', sa.String(length=120), nullable=False),
    sa.CheckConstraint('(reversal_of IS NULL AND amount_fen > 0 AND net_amount_fen >= 0 AND allocated_fen >= 0 AND disbursed_fen >= 0 AND allocated_fen + disbursed_fen <= net_amount_fen) OR (reversal_of IS NOT NULL AND amount_fen < 0 AND net_amount_fen = 0 AND allocated_fen = 0 AND disbursed_fen = 0)', name=op.f('ck_fund_allocation_balanced')),
    sa.ForeignKeyConstraint(['parent_allocation_id'], ['fund_allocation.id'], name=op.f('fk_fund_allocation_parent_allocation_id_fund_allocation')),
    sa.ForeignKeyConstraint(['reversal_of'], ['fund_allocation.id'], name=op.f('fk_fund_allocation_reversal_of_fund_allocation')),
    sa.ForeignKeyConstraint(['source_id'], ['fund_source.id'], name=op.f('fk_fund_allocation_source_id_fund_source')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_fund_allocation'))
    )
    op.create_index('ix_fund_allocation_division_id', 'fund_allocation', ['division_code', 'id'], unique=False)
    op.create_index('ix_fund_allocation_parent', 'fund_allocation', ['parent_allocation_id'], unique=False)
    op.create_index('ix_fund_allocation_path', 'fund_allocation', ['path'], unique=False)
    op.create_index('ix_fund_allocation_project', 'fund_allocation', ['project_id'], unique=False)
    op.create_index('ix_fund_allocation_reversal_of', 'fund_allocation', ['reversal_of'], unique=False)
    op.create_index('ix_fund_allocation_source', 'fund_allocation', ['source_id'], unique=False)

    op.create_table('fund_source_adjustment',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('source_id', sa.Uuid(), nullable=False),
    sa.Column('amount_fen', BIG, nullable=False),
    sa.Column('reason', sa.String(length=500), nullable=False),
    sa.Column('document_no', sa.String(length=120), nullable=True),
    sa.Column('created_at', UtcDateTime, nullable=False),
    sa.Column('created_by', sa.String(length=120), nullable=False),
    sa.CheckConstraint('amount_fen <> 0', name=op.f('ck_fund_source_adjustment_nonzero')),
    sa.ForeignKeyConstraint(['source_id'], ['fund_source.id'], name=op.f('fk_fund_source_adjustment_source_id_fund_source')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_fund_source_adjustment'))
    )
    op.create_index(op.f('ix_fund_source_adjustment_source_id'), 'fund_source_adjustment', ['source_id'], unique=False)

    op.create_table('loan_repayment',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('loan_id', sa.Uuid(), nullable=False),
    sa.Column('principal_fen', BIG, nullable=False),
    sa.Column('interest_fen', BIG, nullable=False),
    sa.Column('interest_subsidy_fen', BIG, nullable=False),
    sa.Column('paid_on', sa.Date(), nullable=False),
    sa.Column('created_at', UtcDateTime, nullable=False),
    sa.Column('created_by', sa.String(length=120), nullable=False),
    sa.CheckConstraint('principal_fen >= 0 AND interest_fen >= 0 AND interest_subsidy_fen >= 0', name=op.f('ck_loan_repayment_nonnegative')),
    sa.ForeignKeyConstraint(['loan_id'], ['loan.id'], name=op.f('fk_loan_repayment_loan_id_loan')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_loan_repayment'))
    )
    op.create_index(op.f('ix_loan_repayment_loan_id'), 'loan_repayment', ['loan_id'], unique=False)

    op.create_table('loan_term_change',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('loan_id', sa.Uuid(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('previous_due_on', sa.Date(), nullable=False),
    sa.Column('new_due_on', sa.Date(), nullable=False),
    sa.Column('reason', sa.String(length=500), nullable=False),
    sa.Column('decided_on', sa.Date(), nullable=False),
    sa.Column('created_at', UtcDateTime, nullable=False),
    sa.Column('created_by', sa.String(length=120), nullable=False),
    sa.ForeignKeyConstraint(['loan_id'], ['loan.id'], name=op.f('fk_loan_term_change_loan_id_loan')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_loan_term_change'))
    )
    op.create_index(op.f('ix_loan_term_change_loan_id'), 'loan_term_change', ['loan_id'], unique=False)

    op.create_table('performance_target',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('project_id', sa.Uuid(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('indicator', sa.String(length=200), nullable=False),
    sa.Column('unit', sa.String(length=40), nullable=False),
    sa.Column('direction', sa.String(length=10), nullable=False),
    sa.Column('target_value', sa.Numeric(precision=18, scale=4), nullable=False),
    sa.Column('actual_value', sa.Numeric(precision=18, scale=4), nullable=True),
    sa.Column('measured_on', sa.Date(), nullable=True),
    sa.Column('note', sa.String(length=500), nullable=True),
    sa.Column('created_at', UtcDateTime, nullable=False),
    sa.Column('updated_at', UtcDateTime, nullable=False),
    sa.ForeignKeyConstraint(['project_id'], ['project.id'], name=op.f('fk_performance_target_project_id_project')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_performance_target'))
    )
    op.create_index('ix_performance_target_project', 'performance_target', ['project_id', 'id'], unique=False)

    op.create_table('project_beneficiary',
    sa.Column('project_id', sa.Uuid(), nullable=False),
    sa.Column('household_id', sa.Uuid(), nullable=False),
    sa.Column('added_at', UtcDateTime, nullable=False),
    sa.ForeignKeyConstraint(['project_id'], ['project.id'], name=op.f('fk_project_beneficiary_project_id_project')),
    sa.PrimaryKeyConstraint('project_id', 'household_id', name=op.f('pk_project_beneficiary'))
    )
    op.create_index('ix_project_beneficiary_household', 'project_beneficiary', ['household_id'], unique=False)

    op.create_table('asset_distribution',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('asset_id', sa.Uuid(), nullable=False),
    sa.Column('village_code', sa.String(length=12), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('period', sa.String(length=10), nullable=False),
    sa.Column('guaranteed_fen', BIG, nullable=False),
    sa.Column('dividend_fen', BIG, nullable=False),
    sa.Column('paid_on', sa.Date(), nullable=False),
    sa.Column('created_at', UtcDateTime, nullable=False),
    sa.Column('created_by', sa.String(length=120), nullable=False),
    sa.CheckConstraint('guaranteed_fen >= 0 AND dividend_fen >= 0', name=op.f('ck_asset_distribution_nonnegative')),
    sa.ForeignKeyConstraint(['asset_id'], ['asset.id'], name=op.f('fk_asset_distribution_asset_id_asset')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_asset_distribution')),
    sa.UniqueConstraint('asset_id', 'village_code', 'year', 'period', name='uq_asset_distribution_period')
    )
    op.create_index(op.f('ix_asset_distribution_asset_id'), 'asset_distribution', ['asset_id'], unique=False)

    op.create_table('asset_share',
    sa.Column('asset_id', sa.Uuid(), nullable=False),
    sa.Column('village_code', sa.String(length=12), nullable=False),
    sa.Column('share_bp', sa.Integer(), nullable=False),
    sa.CheckConstraint('share_bp > 0 AND share_bp <= 10000', name=op.f('ck_asset_share_share')),
    sa.ForeignKeyConstraint(['asset_id'], ['asset.id'], name=op.f('fk_asset_share_asset_id_asset')),
    sa.PrimaryKeyConstraint('asset_id', 'village_code', name=op.f('pk_asset_share'))
    )
    op.create_table('audit_finding',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('severity', sa.String(length=20), nullable=False),
    sa.Column('category', sa.String(length=40), nullable=False),
    sa.Column('summary', sa.String(length=500), nullable=False),
    sa.Column('detail', sa.Text(), nullable=True),
    sa.Column('auditor', sa.String(length=200), nullable=False),
    sa.Column('division_code', sa.String(length=12), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('found_on', sa.Date(), nullable=False),
    sa.Column('rectify_by', sa.Date(), nullable=False),
    sa.Column('amount_involved_fen', BIG, nullable=False),
    sa.Column('allocation_id', sa.Uuid(), nullable=True),
    sa.Column('project_id', sa.Uuid(), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('rectification', sa.Text(), nullable=True),
    sa.Column('closed_on', sa.Date(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', UtcDateTime, nullable=False),
    sa.Column('updated_at', UtcDateTime, nullable=False),
    sa.Column('created_by', sa.String(length=120), nullable=False),
    sa.CheckConstraint('allocation_id IS NOT NULL OR project_id IS NOT NULL', name=op.f('ck_audit_finding_linked')),
    sa.CheckConstraint('rectify_by >= found_on', name=op.f('ck_audit_finding_deadline')),
    sa.ForeignKeyConstraint(['allocation_id'], ['fund_allocation.id'], name=op.f('fk_audit_finding_allocation_id_fund_allocation')),
    sa.ForeignKeyConstraint(['project_id'], ['project.id'], name=op.f('fk_audit_finding_project_id_project')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_finding'))
    )
    op.create_index('ix_audit_finding_division_id', 'audit_finding', ['division_code', 'id'], unique=False)

    op.create_table('disbursement',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('allocation_id', sa.Uuid(), nullable=False),
    sa.Column('source_id', sa.Uuid(), nullable=False),
    sa.Column('reversal_of', sa.Uuid(), nullable=True),
    sa.Column('division_code', sa.String(length=12), nullable=False),
    sa.Column('project_id', sa.Uuid(), nullable=True),
    sa.Column('household_id', sa.Uuid(), nullable=True),
    sa.Column('purpose', sa.String(length=40), nullable=False),
    sa.Column('stage', sa.String(length=40), nullable=True),
    sa.Column('progress_pct', sa.Integer(), nullable=True),
    sa.Column('amount_fen', BIG, nullable=False),
    sa.Column('paid_on', sa.Date(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('account_no', sa.String(length=40), nullable=True),
    sa.Column('payee', sa.String(length=200), nullable=True),
    sa.Column('voucher_no', sa.String(length=80), nullable=True),
    sa.Column('note', sa.String(length=500), nullable=True),
    sa.Column('created_at', UtcDateTime, nullable=False),
    sa.Column('created_by', sa.String(length=120), nullable=False),
    sa.CheckConstraint('(reversal_of IS NULL AND amount_fen > 0) OR (reversal_of IS NOT NULL AND amount_fen < 0)', name=op.f('ck_disbursement_signed')),
    sa.CheckConstraint('progress_pct IS NULL OR (progress_pct >= 0 AND progress_pct <= 100)', name=op.f('ck_disbursement_progress')),
    sa.CheckConstraint('project_id IS NOT NULL OR household_id IS NOT NULL', name=op.f('ck_disbursement_has_payee')),
    sa.ForeignKeyConstraint(['allocation_id'], ['fund_allocation.id'], name=op.f('fk_disbursement_allocation_id_fund_allocation')),
    sa.ForeignKeyConstraint(['reversal_of'], ['disbursement.id'], name=op.f('fk_disbursement_reversal_of_disbursement')),
    sa.ForeignKeyConstraint(['source_id'], ['fund_source.id'], name=op.f('fk_disbursement_source_id_fund_source')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_disbursement')),
    sa.UniqueConstraint('reversal_of', name='uq_disbursement_reversal_of')
    )
    op.create_index('ix_disbursement_allocation', 'disbursement', ['allocation_id'], unique=False)
    op.create_index('ix_disbursement_division_id', 'disbursement', ['division_code', 'id'], unique=False)
    op.create_index('ix_disbursement_household', 'disbursement', ['household_id'], unique=False)
    op.create_index('ix_disbursement_project', 'disbursement', ['project_id'], unique=False)

    op.create_table('asset_payout',
    sa.Column('distribution_id', sa.Uuid(), nullable=False),
    sa.Column('household_id', sa.Uuid(), nullable=False),
    sa.Column('shares', sa.Integer(), nullable=False),
    sa.Column('guaranteed_fen', BIG, nullable=False),
    sa.Column('dividend_fen', BIG, nullable=False),
    sa.ForeignKeyConstraint(['distribution_id'], ['asset_distribution.id'], name=op.f('fk_asset_payout_distribution_id_asset_distribution')),
    sa.PrimaryKeyConstraint('distribution_id', 'household_id', name=op.f('pk_asset_payout'))
    )
    op.create_index('ix_asset_payout_household', 'asset_payout', ['household_id'], unique=False)

    rule = sa.table("disclosure_rule", sa.column("kind", sa.String), sa.column("division_levels", JSONType),
                    sa.column("public", sa.Boolean), sa.column("min_notice_days", sa.Integer),
                    sa.column("gates_disbursement", sa.Boolean), sa.column("label_zh", sa.String),
                    sa.column("label_en", sa.String), sa.column("basis", sa.String),
                    sa.column("version", sa.Integer), sa.column("updated_at", UtcDateTime))
    now = datetime.now(UTC)
    op.bulk_insert(rule, [
        {"kind": "allocation_result", "division_levels": ["city", "county"], "public": True, "min_notice_days": 0,
         "gates_disbursement": False, "label_zh": "资金分配结果公开", "label_en": "Allocation results",
         "basis": "行动方案任务20：市、县扶贫资金分配结果一律公开", "version": 1, "updated_at": now},
        {"kind": "town_project_arrangement", "division_levels": ["town"], "public": True, "min_notice_days": 10,
         "gates_disbursement": False, "label_zh": "镇级项目安排公示", "label_en": "Town project arrangement",
         "basis": "行动方案任务20：镇村两级扶贫项目安排和资金使用情况一律公告公示；公示期不少于10天",
         "version": 1, "updated_at": now},
        {"kind": "village_project_arrangement", "division_levels": ["village"], "public": True,
         "min_notice_days": 10, "gates_disbursement": True, "label_zh": "村级项目安排公示",
         "label_en": "Village project arrangement",
         "basis": "行动方案任务20：村级扶贫项目安排一律公告公示；公示期满后方可拨付资金", "version": 1,
         "updated_at": now},
        {"kind": "fund_use", "division_levels": ["town", "village"], "public": True, "min_notice_days": 10,
         "gates_disbursement": False, "label_zh": "资金使用情况公告", "label_en": "Use of funds",
         "basis": "行动方案任务20：镇村两级资金使用情况一律公告公示", "version": 1, "updated_at": now},
    ])
    counter = sa.table("counter", sa.column("name", sa.String), sa.column("value", BIG))
    op.bulk_insert(counter, [{"name": "disclosure_feed", "value": 0}, {"name": "sqlite_writer", "value": 0}])


def downgrade() -> None:
    op.drop_table("asset_payout")
    op.drop_table("disbursement")
    op.drop_table("audit_finding")
    op.drop_table("asset_share")
    op.drop_table("asset_distribution")
    op.drop_table("project_beneficiary")
    op.drop_table("performance_target")
    op.drop_table("loan_term_change")
    op.drop_table("loan_repayment")
    op.drop_table("fund_source_adjustment")
    op.drop_table("fund_allocation")
    op.drop_table("disclosure_item")
    op.drop_table("asset")
    op.drop_table("village_record")
    op.drop_table("project")
    op.drop_table("loan")
    op.drop_table("fund_source")
    op.drop_table("disclosure_rule")
    op.drop_table("disclosure")
    op.drop_table("counter")
    op.drop_table("beneficiary_household")
    drop_infrastructure_tables(op)
