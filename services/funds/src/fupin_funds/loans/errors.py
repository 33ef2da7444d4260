from __future__ import annotations

import uuid

from fupin_shared.http.problems import Conflict, NotFound, Unprocessable


class LoanNotFound(NotFound):
    slug, title = "loan-not-found", "No such loan"

    def __init__(self, loan_id: uuid.UUID) -> None:
        super().__init__(f"Loan {loan_id} does not exist or is outside your division.")


class LoanTermsInvalid(Unprocessable):
    slug, title = "loan-terms-invalid", "The loan's terms are outside the micro-credit policy"

    def __init__(self, reasons: list[str]) -> None:
        super().__init__(f"Refused: {', '.join(reasons)} (at most 50,000 yuan for at most 36 months).",
                         reasons=reasons)


class HouseholdHasActiveLoan(Conflict):
    slug, title = "household-has-active-loan", "The household already has an outstanding micro-loan"

    def __init__(self, household_id: uuid.UUID, loan_id: uuid.UUID | None) -> None:
        super().__init__(f"Household {household_id} has an outstanding poverty micro-loan.",
                         loan_id=str(loan_id) if loan_id else None)


class LoanChangeRefused(Conflict):
    slug, title = "loan-change-refused", "The loan cannot be changed that way now"

    def __init__(self, loan_id: uuid.UUID, reasons: list[str]) -> None:
        super().__init__(f"Loan {loan_id}: {', '.join(reasons)}.", reasons=reasons)
